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

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
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

#ifdef MZ_STORIES_READ_PROMPTS
/* How much of what the sample prompts name the generator understands: the
 * concrete nouns of every distinct prompt (tests/stories/prompt_words.txt
 * lists them by hand, and classifies every other word it does not know). */
#define MAX_PROMPTS 256
static struct {
    uint64_t seen[MAX_PROMPTS];
    int prompts;
    int nouns, nouns_unknown;
    char *words; /* prompt_words.txt */
    char missed[2048];
} coverage;

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

static bool load_words(void)
{
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/tests/stories/prompt_words.txt", source_dir());
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    coverage.words = calloc(1, (size_t)size + 1);
    size_t got = coverage.words ? fread(coverage.words, 1, (size_t)size, f) : 0;
    fclose(f);
    return got == (size_t)size;
}

/* Which list of prompt_words.txt ('n' for "nouns:", 'o' for "other:")
 * names the word (lower case, a possessive's 's dropped); 0 for none. */
static char word_list_of(const char *word, size_t n)
{
    char w[64];
    if (n >= sizeof w || !coverage.words) return 0;
    for (size_t i = 0; i < n; i++)
        w[i] = (char)tolower((unsigned char)word[i]);
    if (n > 2 && w[n - 2] == '\'' && w[n - 1] == 's') n -= 2;
    w[n] = '\0';
    for (const char *at = strstr(coverage.words, w); at; at = strstr(at + 1, w)) {
        if (at[-1] != ' ' || (at[n] != ' ' && at[n] != '\n' && at[n] != '\0')) continue;
        const char *line = at;
        while (line > coverage.words && line[-1] != '\n')
            line--;
        if (!strncmp(line, "nouns:", 6)) return 'n';
        if (!strncmp(line, "other:", 6)) return 'o';
    }
    return 0;
}

static bool is_word_byte(char c)
{
    return isalnum((unsigned char)c) || c == '\'' || (unsigned char)c >= 0x80;
}

/* Counts the concrete nouns of a prompt not seen before, and which of them
 * were not understood. A problem message for an unclassified unknown word. */
static const char *count_nouns(const char *prompt, const mz_scene_trace *why)
{
    static char msg[256];
    const char *problem = NULL;
    uint64_t h = fnv(prompt, strlen(prompt));
    for (int i = 0; i < coverage.prompts; i++)
        if (coverage.seen[i] == h) return NULL;
    if (coverage.prompts == MAX_PROMPTS) return NULL;
    coverage.seen[coverage.prompts++] = h;
    for (const char *s = prompt; *s;) {
        if (!is_word_byte(*s)) {
            s++;
            continue;
        }
        size_t n = 0;
        while (is_word_byte(s[n]))
            n++;
        char list = word_list_of(s, n);
        bool unknown = false;
        for (int u = 0; u < why->unknown && u < MZ_SCENE_TRACE_MAX; u++)
            unknown |= prompt + why->unknown_word[u].offset == s;
        if (list == 'n') {
            coverage.nouns++;
            coverage.nouns_unknown += unknown;
            size_t len = strlen(coverage.missed);
            if (unknown && len + n + 2 < sizeof coverage.missed)
                snprintf(coverage.missed + len, sizeof coverage.missed - len, " %.*s", (int)n, s);
        } else if (unknown && !list && !problem) {
            snprintf(msg, sizeof msg,
                     "\"%.*s\" is not understood and not classified in prompt_words.txt",
                     (int)(n < 64 ? n : 64), s);
            problem = msg;
        }
        s += n;
    }
    return problem;
}
#endif

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
    const char *unclassified = count_nouns(prompt, &why);
    if (unclassified) return unclassified;
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

#ifdef MZ_STORIES_READ_PROMPTS
/* Fewer than 10 % of the concrete nouns the sample prompts name may be
 * words the generator does not understand (issue 13's figure). */
static void the_generator_understands_the_sample_prompts(void)
{
    MZ_CHECK_MSG(coverage.prompts > 20 && coverage.nouns > 100, "%d prompts, %d nouns",
                 coverage.prompts, coverage.nouns);
    double share = 100.0 * coverage.nouns_unknown / (coverage.nouns ? coverage.nouns : 1);
    printf("concrete nouns in %d distinct sample prompts: %d, not understood %d (%.1f %%):%s\n",
           coverage.prompts, coverage.nouns, coverage.nouns_unknown, share, coverage.missed);
    MZ_CHECK_MSG(share < 10.0, "%.1f %% of the concrete nouns are not understood", share);
}
#endif

int main(void)
{
#ifdef MZ_STORIES_READ_PROMPTS
    MZ_CHECK_MSG(load_words(), "cannot read tests/stories/prompt_words.txt");
#endif
    MZ_RUN(wrong_expectations_are_caught);
    MZ_RUN(every_ending_of_every_story_is_walked);
    MZ_RUN(every_demo_reaches_an_ending);
#ifdef MZ_STORIES_READ_PROMPTS
    MZ_RUN(the_generator_understands_the_sample_prompts);
    free(coverage.words);
#endif
    return mz_test_finish();
}
