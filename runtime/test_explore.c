/* test_explore.c — prints coverage and random-play reports; --html. */
#include "test_explore.h"

#include "mz_error.h"
#include "mz_explore.h"
#include "mz_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double percent(size_t part, size_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 100.0;
}

static bool print_errors(const mz_explore_report *r)
{
    for (size_t i = 0; i < r->error_count; i++)
        printf("  error (%u time%s): %s\n", r->errors[i].count, r->errors[i].count == 1 ? "" : "s",
               r->errors[i].message);
    return r->error_count == 0;
}

static bool print_coverage(const char *story, const mz_explore_report *r, int depth)
{
    size_t scenes = 0, reached = 0, endings = 0, ends_reached = 0, trans = 0, taken = 0;
    for (size_t i = 0; i < r->scene_count; i++) {
        const mz_explore_scene *sc = &r->scenes[i];
        scenes++;
        reached += sc->visits > 0;
        endings += sc->ending;
        ends_reached += sc->ending && sc->visits;
        trans += sc->transition_count;
        for (size_t t = 0; t < sc->transition_count; t++)
            taken += sc->transitions[t].taken > 0;
    }
    printf("coverage of %s: %zu states searched (depth %d%s), %ld turns\n", story, r->states, depth,
           r->bounded ? ", a bound was hit" : "", r->turns);
    printf("  scenes %zu/%zu, endings %zu/%zu, transitions %zu/%zu (%.1f %%)\n", reached, scenes,
           ends_reached, endings, taken, trans, percent(taken, trans));
    for (size_t i = 0; i < r->scene_count; i++) {
        const mz_explore_scene *sc = &r->scenes[i];
        if (!sc->visits)
            printf("  %s:%d: %s '%s' never reached\n", sc->file, sc->line,
                   sc->ending ? "ending" : "scene", sc->id);
        for (size_t t = 0; sc->visits && t < sc->transition_count; t++)
            if (!sc->transitions[t].taken)
                printf("  %s:%d: scene '%s': transition '%s' never taken\n",
                       sc->transitions[t].file, sc->transitions[t].line, sc->id,
                       sc->transitions[t].pattern);
    }
    bool clean = print_errors(r);
    return clean && reached == scenes && taken == trans;
}

static int turns_at(const mz_explore_report *r, double q)
{
    return r->runs ? r->run_turns[(size_t)(q * (r->runs - 1) + 0.5)] : 0;
}

static bool print_random(const mz_test_explore_desc *d, const mz_explore_report *r, double ms)
{
    printf("random playthroughs of %s: %d runs (seeds %llu..%llu), %ld turns in %.2f s "
           "(%.0f turns/s, no rendering)\n",
           d->story, r->runs, (unsigned long long)d->seed,
           (unsigned long long)(d->seed + (uint64_t)r->runs - 1), r->turns, ms / 1000.0,
           ms > 0 ? (double)r->turns * 1000.0 / ms : 0.0);
    printf("  endings:");
    for (size_t i = 0; i < r->scene_count; i++)
        if (r->scenes[i].endings) printf(" %s %u,", r->scenes[i].id, r->scenes[i].endings);
    printf(" none (turn limit) %d\n", r->runs - r->ended_runs);
    printf("  turns per playthrough: min %d, p50 %d, p95 %d, max %d\n", turns_at(r, 0),
           turns_at(r, 0.5), turns_at(r, 0.95), turns_at(r, 1));
    printf("  visits:");
    for (size_t i = 0; i < r->scene_count; i++)
        printf(" %s %u%s", r->scenes[i].id, r->scenes[i].visits,
               i + 1 < r->scene_count ? "," : "\n");
    printf("  stuck viewers (3 unmatched lines in a row):");
    bool any = false;
    for (size_t i = 0; i < r->scene_count; i++)
        if (r->scenes[i].stuck) {
            printf("%s %s %u", any ? "," : "", r->scenes[i].id, r->scenes[i].stuck);
            any = true;
        }
    printf("%s\n", any ? "" : " none");
    for (size_t i = 0; i < r->scene_count; i++) {
        const mz_explore_scene *sc = &r->scenes[i];
        if (sc->dead_end)
            printf("  %s:%d: dead end: no playthrough reached an ending after scene '%s'\n",
                   sc->file, sc->line, sc->id);
        if (sc->unleft_loop)
            printf("  %s:%d: loop never left: playthroughs went round scene '%s' until the "
                   "turn limit\n",
                   sc->file, sc->line, sc->id);
        if (!sc->visits)
            printf("  %s:%d: %s '%s' never visited\n", sc->file, sc->line,
                   sc->ending ? "ending" : "scene", sc->id);
    }
    return print_errors(r);
}

/* Graphviz draws it as SVG, put inside a page with a legend. */
static bool write_html(const char *path, const char *story, const mz_explore_report *r)
{
    char dot_path[1100], svg_path[1100], cmd[2400];
    snprintf(dot_path, sizeof dot_path, "%s.dot", path);
    snprintf(svg_path, sizeof svg_path, "%s.svg", path);
    FILE *f = fopen(dot_path, "w");
    if (!f) return mz_fail("cannot write %s", dot_path);
    mz_explore_write_dot(r, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "dot -Tsvg -o '%s' '%s'", svg_path, dot_path);
    bool drawn = !strchr(svg_path, '\'') && system(cmd) == 0;
    remove(dot_path);
    if (!drawn) return mz_fail("Graphviz 'dot' could not draw the graph (is graphviz installed?)");
    FILE *svg = fopen(svg_path, "rb"), *out = fopen(path, "w");
    if (!svg || !out) {
        if (svg) fclose(svg);
        if (out) fclose(out);
        remove(svg_path);
        return mz_fail("cannot write %s", path);
    }
    fprintf(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>maze test: %s"
                 "</title></head>\n<body>\n<h1>%s</h1>\n<p>Scenes are shaded by visits (darker: "
                 "more); red and dashed: never reached or never taken. %ld turns played.</p>\n",
            story, story, r->turns);
    char buf[4096];
    bool body = false;
    for (size_t n; (n = fread(buf, 1, sizeof buf - 1, svg)) > 0;) {
        buf[n] = '\0';
        /* Skip the XML prolog and doctype: the page starts at <svg. */
        const char *start = body ? buf : strstr(buf, "<svg");
        if (!start) continue;
        body = true;
        fwrite(start, 1, n - (size_t)(start - buf), out);
    }
    fputs("\n</body></html>\n", out);
    fclose(svg);
    remove(svg_path);
    return fclose(out) == 0 || mz_fail("cannot write %s", path);
}

bool mz_test_explore(const mz_test_explore_desc *d)
{
    bool ok = true;
    mz_explore_desc ed = {.story = d->story, .runs = d->runs, .seed = d->seed,
                          .max_turns = d->max_turns, .turn_limit_ms = d->turn_limit_ms};
    mz_explore_report cov = {0}, rnd = {0};
    if (d->coverage) {
        if (!mz_explore_coverage(&ed, &cov)) {
            printf("coverage of %s: %s\n", d->story, mz_error());
            return false;
        }
        ok &= print_coverage(d->story, &cov, d->max_turns > 0 ? d->max_turns : 40);
    }
    if (d->runs) {
        uint64_t start = mz_time_ns();
        if (!mz_explore_random(&ed, &rnd)) {
            printf("random playthroughs of %s: %s\n", d->story, mz_error());
            mz_explore_report_free(&cov);
            return false;
        }
        ok &= print_random(d, &rnd, mz_time_ms_since(start));
    }
    /* Random visits colour the graph when there are any; else coverage's. */
    if (d->html && !write_html(d->html, d->story, d->runs ? &rnd : &cov)) {
        printf("maze test --html: %s\n", mz_error());
        ok = false;
    }
    mz_explore_report_free(&cov);
    mz_explore_report_free(&rnd);
    return ok;
}
