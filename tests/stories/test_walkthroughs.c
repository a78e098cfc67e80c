/* Story playthroughs: every walkthrough of every story under stories/ is
 * played (mz_walk, the runner behind `maze test`) and its #expect lines are
 * checked; every ending a story declares must be reached by a walkthrough
 * named after it; every demo.txt (what `tools/dev play` replays headless)
 * must play to an ending. Built with the prompt interpreter (engine/scene),
 * every prompt they make must also be one the procedural generator can read.
 * The walkthrough format is in docs/story-api.md, "Testing your story". */
#include "mz_error.h"
#include "mz_story.h"
#include "mz_test.h"
#include "mz_walk.h"
#ifdef MZ_STORIES_READ_PROMPTS
#include "mz_scene_interp.h"
#endif

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STORIES 64
#define PATH_LEN 1024

static const char *source_dir(void)
{
    const char *src = getenv("MZ_SOURCE_DIR");
    return src && *src ? src : ".";
}

static void print_problem(const char *file, int line, const char *message, void *user)
{
    (*(int *)user)++;
    fprintf(stderr, "%s:%d: %s\n", file, line, message);
}

/* The procedural generator paints what its lexicon knows; a prompt it can
 * hardly read comes out as the default scene. So every prompt must name a
 * setting and at least three things the interpreter knows. */
static const char *prompt_is_read(const char *prompt, void *user)
{
    (void)user;
#ifdef MZ_STORIES_READ_PROMPTS
    static char msg[MZ_ERROR_MAX];
    mz_scene_params params;
    mz_scene_trace why;
    mz_scene_interpret(NULL, prompt, NULL, &params, &why);
    int known = 0;
    bool setting = false;
    for (int i = 0; i < why.count; i++) {
        if (why.item[i].kind != MZ_SCENE_TRACE_EFFECT) continue;
        known++;
        setting |= strstr(why.item[i].effects, "setting") != NULL;
    }
    if (known >= 3 && setting) return NULL;
    snprintf(msg, sizeof msg, "the generator reads little of \"%.400s\" (%d known words%s)", prompt,
             known, setting ? "" : ", no setting");
    return msg;
#else
    (void)prompt;
    return NULL;
#endif
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Folders of stories/ that hold a story.lua, sorted. */
static int stories(char names[MAX_STORIES][PATH_LEN])
{
    char root[PATH_LEN];
    snprintf(root, sizeof root, "%s/stories", source_dir());
    int count = 0;
    DIR *d = opendir(root);
    for (struct dirent *e; d && (e = readdir(d)) && count < MAX_STORIES;) {
        char lua[PATH_LEN + 16];
        if (e->d_name[0] == '.' ||
            snprintf(names[count], PATH_LEN, "%s/%s", root, e->d_name) >= PATH_LEN)
            continue;
        snprintf(lua, sizeof lua, "%s/story.lua", names[count]);
        FILE *f = fopen(lua, "rb");
        if (f) {
            fclose(f);
            count++;
        }
    }
    if (d) closedir(d);
    qsort(names, (size_t)count, PATH_LEN, compare_names);
    return count;
}

static void print_done(const char *file, const mz_walk_result *r, void *user)
{
    (void)user;
    printf("  %s: %d inputs, %d expectations, ending %s%s\n", file, r->inputs, r->expectations,
           r->ended ? r->ending : "(none)", r->problems ? " FAILED" : "");
}

static void every_ending_of_every_story_is_walked(void)
{
    static char names[MAX_STORIES][PATH_LEN];
    int n = stories(names);
    MZ_CHECK_MSG(n >= 2, "found %d stories", n);
    for (int i = 0; i < n; i++) {
        int printed = 0, played = 0;
        mz_walk_hooks h = {print_problem, print_done, prompt_is_read, NULL, &printed};
        int failed = mz_walk_story(names[i], NULL, 0, &h, &played);
        MZ_CHECK_MSG(!failed && !printed, "%s: %d failed (above)", names[i], failed);
        MZ_CHECK_MSG(played > 0, "%s has no walkthroughs", names[i]);
    }
}

static void every_demo_reaches_an_ending(void)
{
    static char names[MAX_STORIES][PATH_LEN];
    int n = stories(names);
    for (int i = 0; i < n; i++) {
        char file[PATH_LEN + 16];
        if (snprintf(file, sizeof file, "%s/demo.txt", names[i]) >= (int)sizeof file) continue;
        int printed = 0;
        mz_walk_hooks h = {print_problem, NULL, prompt_is_read, NULL, &printed};
        mz_walk_result r;
        MZ_CHECK_MSG(!mz_walk_file(names[i], file, &h, &r), "%s: problems (above)", file);
        MZ_CHECK_MSG(r.ended, "%s: the demo does not reach an ending", file);
        printf("  %s: %d inputs, ending %s\n", file, r.inputs, r.ended ? r.ending : "(none)");
    }
}

typedef struct seen {
    int count;
    int lines[16];
} seen;

static void record_problem(const char *file, int line, const char *message, void *user)
{
    seen *s = user;
    fprintf(stderr, "(expected) %s:%d: %s\n", file, line, message);
    if (s->count < 16) s->lines[s->count] = line;
    s->count++;
}

/* The runner itself: a walkthrough whose every expectation is wrong must
 * fail on each of them, each at its own line. */
static void wrong_expectations_are_caught(void)
{
    char dir[PATH_LEN], file[PATH_LEN];
    snprintf(dir, sizeof dir, "%s/stories/cellar", source_dir());
    snprintf(file, sizeof file, "%s/tests/stories/fixtures/wrong.txt", source_dir());
    seen s = {0};
    mz_walk_hooks h = {.problem = record_problem, .user = &s};
    mz_walk_result r;
    MZ_CHECK(mz_walk_file(dir, file, &h, &r) == 9);
    MZ_CHECK(s.count == 9 && r.inputs == 2 && r.expectations == 9 && r.ended);
    MZ_CHECK_STR(r.ending, "treasure");
    static const int lines[9] = {4, 6, 7, 8, 9, 10, 11, 14, 15};
    for (int i = 0; i < 9 && i < s.count; i++)
        MZ_CHECK_MSG(s.lines[i] == lines[i], "problem %d at line %d, not %d", i, s.lines[i],
                     lines[i]);
}

int main(void)
{
    MZ_RUN(wrong_expectations_are_caught);
    MZ_RUN(every_ending_of_every_story_is_walked);
    MZ_RUN(every_demo_reaches_an_ending);
    return mz_test_finish();
}
