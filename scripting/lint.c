/* lint.c — authoring tools: problems with file:line, and the graph as DOT. */
#include "lint_internal.h"

#include "mz_buf.h"
#include "graph.h"
#include "lint_refs.h"
#include "lint_report.h"
#include "load.h"
#include "variant.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Whether `id` appears quoted in the story's text more often than its own
 * declaration: a `to` function may then return it. */
static bool mentioned(const story_graph *g, const char *id)
{
    size_t n = strlen(id), hits = 0;
    for (size_t f = 0; f < g->source_count; f++) {
        const char *t = g->sources[f].text, *end = t + g->sources[f].len;
        for (const char *p = t; p + n + 2 <= end; p++)
            if ((*p == '"' || *p == '\'') && p[n + 1] == *p && !memcmp(p + 1, id, n)) hits++;
    }
    return hits > 1;
}

static void reach(bool *seen, int *queue, size_t *tail, int to)
{
    if (to >= 0 && !seen[to]) {
        seen[to] = true;
        queue[(*tail)++] = to;
    }
}

static void check_reachable(const story_graph *g, lint_ctx *ctx)
{
    if (g->start < 0) return;
    bool *seen = calloc(g->scene_count, sizeof *seen);
    int *queue = malloc(g->scene_count * sizeof *queue);
    if (!seen || !queue) {
        free(seen);
        free(queue);
        return;
    }
    size_t head = 0, tail = 0;
    bool dynamic = false;
    seen[g->start] = true;
    queue[tail++] = g->start;
    /* The story's own transitions lead on from every scene. */
    for (size_t t = 0; t < g->global.on_count; t++) {
        dynamic |= g->global.on[t].to_ref != LUA_NOREF;
        reach(seen, queue, &tail, g->global.on[t].to_scene);
    }
    while (head < tail) {
        const story_scene *sc = &g->scenes[queue[head++]];
        for (size_t t = 0; t < sc->on_count; t++) {
            dynamic |= sc->on[t].to_ref != LUA_NOREF;
            reach(seen, queue, &tail, sc->on[t].to_scene);
        }
        /* A viewer variant's route reaches its scene for some viewers. */
        for (size_t v = 0; v < sc->variant_count; v++)
            for (size_t r = 0; r < sc->variants[v].route_count; r++)
                reach(seen, queue, &tail, sc->variants[v].routes[r].to_scene);
    }
    for (size_t i = 0; i < g->scene_count; i++) {
        const story_scene *sc = &g->scenes[i];
        if (seen[i] || (dynamic && mentioned(g, sc->id))) continue;
        lint_report(ctx, sc->file, sc->line, "%s '%s' cannot be reached from the start scene '%s'",
                    sc->ending ? "ending" : "scene", sc->id, g->start_id);
    }
    free(seen);
    free(queue);
}

static bool same_words(const story_graph *g, const mz_pattern *p, const char *text)
{
    mz_utterance *u = mz_utterance_make(g->lex, text);
    if (!u) return false;
    bool same = mz_pattern_score(p, u) >= 0.999f;
    mz_utterance_destroy(u);
    return same;
}

/* A pattern that says what an earlier, unconditional transition's pattern
 * says can never win: ties go to the earlier one. */
static void check_shadowing(story_graph *g, story_scene *sc, lint_ctx *ctx)
{
    if (!story_graph_compile_scene(g, sc)) {
        lint_report(ctx, sc->file, sc->line, "%s", mz_error());
        return;
    }
    for (size_t j = 1; j < sc->on_count; j++) {
        story_transition *b = &sc->on[j];
        for (size_t q = 0; q < b->pattern_count; q++) {
            bool reported = false;
            for (size_t i = 0; i < j && !reported; i++) {
                story_transition *a = &sc->on[i];
                if (a->when_ref != LUA_NOREF) continue;
                for (size_t p = 0; p < a->pattern_count && !reported; p++) {
                    if (!a->compiled[p] || !b->compiled[q]) continue;
                    if (same_words(g, a->compiled[p], b->patterns[q]) &&
                        same_words(g, b->compiled[q], a->patterns[p])) {
                        lint_report(ctx, b->file, b->line,
                                    "scene '%s': pattern '%s' is shadowed by '%s' (line %d) and "
                                    "can never be chosen",
                                    sc->id, b->patterns[q], a->patterns[p], a->line);
                        reported = true;
                    }
                }
            }
        }
    }
}

static void check_characters(const story_graph *g, const story_scene *sc, lint_ctx *ctx)
{
    if (!sc->prompt) return; /* a function's prompts are known only when it runs */
    for (const char *p = sc->prompt; (p = strchr(p, '{')); p++) {
        size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
        if (!n || p[n + 1] != '}') continue;
        bool known = false;
        for (size_t c = 0; c < g->char_count && !known; c++)
            known = strlen(g->char_names[c]) == n && !memcmp(g->char_names[c], p + 1, n);
        if (!known)
            lint_report(
                ctx, sc->file, sc->line,
                "scene '%s': the prompt names {%.*s}, which is not in the story's characters",
                sc->id, (int)n, p + 1);
    }
}

int mz_story_lint(const char *path, mz_story_report_fn report, void *user)
{
    lint_ctx ctx = {0};
    mz_story_desc desc = {.path = path};
    story_load_options opt = {.desc = &desc, .problem = lint_collect, .user = &ctx};
    story_graph *g = story_graph_load(path, &opt);
    if (!g) {
        if (!ctx.count) lint_collect(path, 0, mz_error(), &ctx);
        return lint_finish(&ctx, report, user);
    }
    check_reachable(g, &ctx);
    lint_refs(g, &ctx);
    for (size_t i = 0; i < g->scene_count; i++) {
        story_scene *sc = &g->scenes[i];
        bool way_on = false;
        for (size_t t = 0; t < sc->on_count; t++)
            way_on |= sc->on[t].to || sc->on[t].to_ref != LUA_NOREF;
        if (sc->ending && sc->on_count)
            lint_report(&ctx, sc->file, story_graph_field_line(g, sc->file, sc->line, "on"),
                        "ending '%s' has transitions, but an ending finishes the story", sc->id);
        else if (!sc->ending && !way_on)
            lint_report(&ctx, sc->file, sc->line,
                        "scene '%s' has no way on and is not an ending (a dead end)", sc->id);
        check_shadowing(g, sc, &ctx);
        check_characters(g, sc, &ctx);
        for (size_t f = 0; f < sc->sound_file_count; f++)
            if (access(sc->sound_files[f], R_OK) != 0)
                lint_report(&ctx, sc->file, sc->line, "scene '%s': sound file %s is missing",
                            sc->id, sc->sound_files[f]);
    }
    story_graph_destroy(g);
    return lint_finish(&ctx, report, user);
}

/* ---- DOT ---- */

void story_dot_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', out);
        if (*s == '\n')
            fputs("\\n", out);
        else if ((unsigned char)*s >= 0x20)
            fputc(*s, out);
    }
    fputc('"', out);
}

/* title, then a line per variant: "tone=eerie: style, caption". */
static void dot_variant_label(const story_graph *g, const char *title, const story_variant *v,
                              size_t n, FILE *out)
{
    mz_buf label = {0};
    mz_buf_puts(&label, title);
    for (size_t i = 0; i < n; i++) {
        char what[200];
        story_variant_describe(g, &v[i], what, sizeof what);
        mz_buf_printf(&label, "\n%s", what);
    }
    story_dot_string(out, label.data ? label.data : title);
    mz_buf_free(&label);
}

/* A scene's variants, under its name. */
static void dot_variants(const story_graph *g, const story_scene *sc, FILE *out)
{
    if (!sc->variant_count) return;
    fputs(", peripheries=2, label=", out);
    dot_variant_label(g, sc->id, sc->variants, sc->variant_count, out);
}

/* A scene's weighted prompts and its transition in frames, beside it. */
static void dot_blend(const story_scene *sc, FILE *out)
{
    if (!sc->prompt_count && !sc->transition_steps) return;
    mz_buf label = {0};
    for (size_t i = 0; i < sc->prompt_count; i++)
        mz_buf_printf(&label, "%s%.2f %s", i ? "\n" : "", (double)sc->prompt_weights[i],
                      sc->prompt_texts[i]);
    if (sc->transition_steps)
        mz_buf_printf(&label, "%s%d steps, %s", label.len ? "\n" : "", sc->transition_steps,
                      sc->transition_method);
    fputs(", xlabel=", out);
    story_dot_string(out, label.data ? label.data : "");
    mz_buf_free(&label);
}

/* Routes that variants give: dotted edges, named for whom. */
static void dot_routes(const story_graph *g, const story_scene *sc, FILE *out)
{
    for (size_t v = 0; v < sc->variant_count; v++) {
        const story_variant *var = &sc->variants[v];
        for (size_t r = 0; r < var->route_count; r++) {
            const story_transition *tr = &sc->on[var->routes[r].transition];
            char what[200];
            story_variant_describe(g, var, what, sizeof what);
            mz_buf label = {0};
            mz_buf_printf(&label, "%.*s %s", (int)strcspn(what, ":"), what,
                             tr->pattern_count ? tr->patterns[0] : "");
            fputs("  ", out);
            story_dot_string(out, sc->id);
            fputs(" -> ", out);
            story_dot_string(out, var->routes[r].to);
            fputs(" [label=", out);
            story_dot_string(out, label.data ? label.data : "");
            fprintf(out, ", style=dotted, color=%s];\n",
                    var->routes[r].to_scene < 0 ? "red" : "purple");
            mz_buf_free(&label);
        }
    }
}

bool mz_story_graph_dot(const char *path, FILE *out)
{
    mz_story_desc desc = {.path = path};
    story_load_options opt = {.desc = &desc};
    story_graph *g = story_graph_load(path, &opt);
    if (!g) return false;
    fputs("digraph ", out);
    story_dot_string(out, g->title);
    fputs(" {\n  rankdir=LR;\n  node [shape=box, style=rounded, fontname=\"Helvetica\"];\n"
          "  edge [fontname=\"Helvetica\", fontsize=10];\n",
          out);
    const story_variant *story_wide;
    size_t n = story_variants_of_story(g, &story_wide);
    if (n) { /* the story's own variants: the graph's caption */
        fputs("  labelloc=t;\n  label=", out);
        dot_variant_label(g, "story variants", story_wide, n, out);
        fputs(";\n", out);
    }
    for (size_t i = 0; i < g->scene_count; i++) {
        const story_scene *sc = &g->scenes[i];
        fputs("  ", out);
        story_dot_string(out, sc->id);
        if (sc->ending)
            fputs(" [shape=doubleoctagon", out);
        else
            fputs(" [shape=box", out);
        if ((int)i == g->start) fputs(", style=\"rounded,bold\", penwidth=2", out);
        dot_variants(g, sc, out);
        dot_blend(sc, out);
        fputs("];\n", out);
    }
    bool dynamic = false;
    for (size_t i = 0; i < g->scene_count; i++) {
        const story_scene *sc = &g->scenes[i];
        for (size_t t = 0; t < sc->on_count; t++) {
            const story_transition *tr = &sc->on[t];
            if (!tr->to && tr->to_ref == LUA_NOREF) continue; /* stays: no edge */
            mz_buf label = {0};
            if (tr->when_ref != LUA_NOREF) mz_buf_puts(&label, "[if] ");
            for (size_t p = 0; p < tr->pattern_count; p++) {
                if (p) mz_buf_puts(&label, " | ");
                mz_buf_puts(&label, tr->patterns[p]);
            }
            fputs("  ", out);
            story_dot_string(out, sc->id);
            fputs(" -> ", out);
            if (tr->to) {
                story_dot_string(out, tr->to);
            } else {
                /* A `to` function: where it goes is known only in play. */
                fputs("\"?\"", out);
                dynamic = true;
            }
            fputs(" [label=", out);
            story_dot_string(out, label.data ? label.data : "");
            if (tr->when_ref != LUA_NOREF) fputs(", style=dashed", out);
            if (tr->to && tr->to_scene < 0) fputs(", color=red", out);
            fputs("];\n", out);
            mz_buf_free(&label);
        }
        dot_routes(g, sc, out);
    }
    if (dynamic) fputs("  \"?\" [shape=diamond, label=\"chosen in play\"];\n", out);
    fputs("}\n", out);
    story_graph_destroy(g);
    return !ferror(out) || mz_fail("cannot write the graph");
}
