/* maze test — an author's test runner: walkthroughs (pass/fail, file:line of
 * each failed #expect, a JUnit report), coverage and random playthroughs
 * (test_explore.c prints those). */
#include "mz_commands.h"

#include "mz_buf.h"

#include "mz_story.h"
#include "test_explore.h"
#include "mz_walk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ARGS 256

/* One walkthrough's outcome, kept for the JUnit report. */
typedef struct test_case {
    char *suite, *name;
    char *failures; /* the problem lines, '\n'-separated; NULL when it passed */
} test_case;

typedef struct runner {
    const char *story;
    mz_buf pending; /* this file's problem lines, until it is done */
    test_case *cases;
    size_t count, cap;
    int failed;
} runner;

static void add_case(runner *r, const char *name, char *failures)
{
    if (r->count == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        test_case *more = realloc(r->cases, cap * sizeof *more);
        if (!more) {
            free(failures);
            return;
        }
        r->cases = more;
        r->cap = cap;
    }
    r->cases[r->count++] = (test_case){strdup(r->story), strdup(name), failures};
}

static void on_problem(const char *file, int line, const char *message, void *user)
{
    mz_buf *b = &((runner *)user)->pending;
    if (line > 0)
        mz_buf_printf(b, "%s:%d: %s\n", file, line, message);
    else
        mz_buf_printf(b, "%s: %s\n", file, message);
}

static void on_done(const char *file, const mz_walk_result *res, void *user)
{
    runner *r = user;
    if (res->problems) {
        printf("FAIL %s\n", file);
        for (char *p = r->pending.data; p && *p;) {
            char *nl = strchr(p, '\n');
            printf("  %.*s\n", (int)(nl - p), p);
            p = nl + 1;
        }
        r->failed++;
    } else {
        printf("PASS %s (%d inputs, %d expectations, %s%s)\n", file, res->inputs,
               res->expectations, res->ended ? "ending " : "no ending",
               res->ended ? res->ending : "");
    }
    if (res->problems)
        add_case(r, file, mz_buf_take(&r->pending, NULL));
    else
        add_case(r, file, NULL);
    mz_buf_free(&r->pending);
}

/* Problems left after the last walkthrough are the story's own (an ending
 * no walkthrough reaches, a story that does not load). */
static void story_problems(runner *r)
{
    if (!r->pending.len) return;
    fputs(r->pending.data, stdout);
    r->failed++;
    add_case(r, "endings", mz_buf_take(&r->pending, NULL));
}

static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t') fputc(*s, f);
        }
    }
}

/* JUnit XML as CI systems read it: one testsuite per story, one testcase
 * per walkthrough, a <failure> holding its problem lines. */
static bool write_junit(const runner *r, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) return false;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"maze test\" "
               "tests=\"%zu\" failures=\"%d\">\n",
            r->count, r->failed);
    for (size_t i = 0; i < r->count;) {
        size_t end = i, failures = 0;
        for (; end < r->count && !strcmp(r->cases[end].suite, r->cases[i].suite); end++)
            failures += r->cases[end].failures != NULL;
        fputs("  <testsuite name=\"", f);
        xml_text(f, r->cases[i].suite);
        fprintf(f, "\" tests=\"%zu\" failures=\"%zu\">\n", end - i, failures);
        for (; i < end; i++) {
            fputs("    <testcase classname=\"", f);
            xml_text(f, r->cases[i].suite);
            fputs("\" name=\"", f);
            xml_text(f, r->cases[i].name);
            if (!r->cases[i].failures) {
                fputs("\"/>\n", f);
                continue;
            }
            fputs("\">\n      <failure message=\"", f);
            const char *first = r->cases[i].failures;
            char line[512];
            snprintf(line, sizeof line, "%.*s", (int)strcspn(first, "\n"), first);
            xml_text(f, line);
            fputs("\">", f);
            xml_text(f, first);
            fputs("</failure>\n    </testcase>\n", f);
        }
        fputs("  </testsuite>\n", f);
    }
    fputs("</testsuites>\n", f);
    return fclose(f) == 0;
}

static bool is_walkthrough(const char *arg)
{
    size_t n = strlen(arg);
    return n > 4 && !strcmp(arg + n - 4, ".txt");
}

static int run(const mz_command *cmd, int argc, char **argv)
{
    const char *junit = NULL, *html = NULL;
    bool coverage = false, variants = false;
    long runs = 0, seed = 1, max_turns = 0, turn_limit_ms = 250;
    const mz_arg args[] = {
        {"--junit", MZ_ARG_STRING, &junit, "FILE", "also write the results as JUnit XML"},
        {"--coverage", MZ_ARG_FLAG, &coverage, NULL,
         "search the graph: what no input sequence reaches"},
        {"--random", MZ_ARG_INT, &runs, "N", "play N random playthroughs", 0, 1000000},
        {"--seed", MZ_ARG_INT, &seed, "S", "first seed of the random playthroughs (1)", 0,
         MZ_ARG_MAX_SEED},
        {"--max-turns", MZ_ARG_INT, &max_turns, "N",
         "turns per random playthrough (200) or search depth (40)", 0, 1000000},
        {"--html", MZ_ARG_STRING, &html, "FILE",
         "with --random or --coverage: the graph coloured by visits"},
        {"--variants", MZ_ARG_FLAG, &variants, NULL,
         "also play each walkthrough under every profile the story declares"},
        MZ_ARG_TURN_LIMIT(turn_limit_ms),
        {0},
    };
    const char *pos[MAX_ARGS];
    int n = 0;
    int rc = mz_args_parse(cmd, args, argc, argv, pos, MAX_ARGS, &n);
    if (rc != MZ_ARGS_CONTINUE) return rc;
    if (n == 0) return mz_args_usage_error(cmd, "which stories? (e.g. stories/*)");
    if (is_walkthrough(pos[0]))
        return mz_args_usage_error(cmd, "%s: name its story first (maze test STORY FILE.txt)",
                                   pos[0]);
    if (html && !runs && !coverage)
        return mz_args_usage_error(cmd, "--html needs --random N or --coverage");

    runner r = {0};
    int stories = 0, played = 0, bad = 0;
    for (int i = 0; i < n;) {
        int extra = i + 1;
        while (extra < n && is_walkthrough(pos[extra]))
            extra++;
        r.story = pos[i];
        stories++;
        int count = 0;
        mz_walk_hooks h = {on_problem,
                           on_done,
                           NULL,
                           NULL,
                           &r,
                           .also = variants ? mz_walk_variants : NULL,
                           .turn_limit_ms = (uint32_t)turn_limit_ms};
        mz_walk_story(pos[i], pos + i + 1, (size_t)(extra - i - 1), &h, &count);
        story_problems(&r);
        played += count;
        mz_test_explore_desc ex = {
            .story = pos[i],
            .coverage = coverage,
            .runs = (int)runs,
            .seed = (uint64_t)seed,
            .max_turns = (int)max_turns,
            .html = html,
            .turn_limit_ms = (uint32_t)turn_limit_ms,
        };
        if ((coverage || runs) && !mz_test_explore(&ex)) bad++;
        i = extra;
    }
    printf("%d walkthrough%s in %d stor%s: %zu passed, %d failed\n", played, played == 1 ? "" : "s",
           stories, stories == 1 ? "y" : "ies", r.count - (size_t)r.failed, r.failed);
    if (junit && !write_junit(&r, junit)) {
        fprintf(stderr, "maze test: cannot write %s\n", junit);
        bad++;
    }
    for (size_t i = 0; i < r.count; i++) {
        free(r.cases[i].suite);
        free(r.cases[i].name);
        free(r.cases[i].failures);
    }
    free(r.cases);
    return r.failed || bad ? 1 : 0;
}

const mz_command mz_cmd_test = {
    .name = "test",
    .summary = "run a story's walkthroughs, coverage search and random playthroughs",
    .usage = "STORY [FILE.txt...] [STORY...] [options]",
    .details = "Plays every walkthroughs/*.txt of each story, and the walkthrough files named\n"
               "after it, checking their #expect lines (docs/story-api.md, \"Testing your\n"
               "story\"). A walkthrough named after an ending (bell.txt, bell.ROUTE.txt) must\n"
               "end there, every ending needs one, and each must replay identically. Prints\n"
               "PASS or FAIL per file; a failure names file:line and what happened instead.\n"
               "--coverage searches the story's states breadth-first from every state the\n"
               "walkthroughs pass through, trying each transition's first pattern and one\n"
               "line that matches nothing, and lists every scene, transition and ending never\n"
               "reached (file:line) and every error, undeclared state fields included.\n"
               "--random N plays N seeded playthroughs of pattern lines with typos, capitals\n"
               "and noise, global words and nonsense, and reports endings, dead ends, loops\n"
               "never left, turn counts, visits, stuck viewers, errors and turns per second.\n"
               "--variants plays each walkthrough again under every profile the story's\n"
               "viewer fields make (one value changed at a time): only the parts its\n"
               "variants declare may differ, and each play must replay identically\n"
               "(PASS FILE [tone=eerie: turns whose prompt, caption differed; the turn\n"
               "where a route parted the plays]).\n"
               "Exit status: 0 all passed, 1 a failure or an error found, 2 usage.",
    .run = run,
};
