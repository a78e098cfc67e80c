/* Story playthroughs: every walkthrough of every story under stories/ is
 * played through mz_story and its #expect lines are checked; every ending a
 * story declares must be reached by a walkthrough named after it; every
 * demo.txt (what `tools/dev play` replays headless) must play to an ending.
 * The walkthrough format is in docs/story-api.md, "Testing your story". */
#include "mz_error.h"
#include "mz_story.h"
#include "mz_test.h"

#include <ctype.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NAMES 64
#define NAME_LEN 128
#define PATH_LEN 1024

/* Sorted, so that stories and walkthroughs run in the same order everywhere. */
typedef struct name_list {
    char names[MAX_NAMES][NAME_LEN];
    int count;
} name_list;

typedef struct lines {
    char *text; /* the whole file, with '\n's replaced by '\0's */
    char **line;
    int count;
} lines;

static const char *stories_root(void)
{
    static char root[PATH_LEN];
    const char *src = getenv("MZ_SOURCE_DIR");
    snprintf(root, sizeof root, "%s/stories", src && *src ? src : ".");
    return root;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(a, b);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* Entries of `dir` ending in `suffix` (all but dot-files when suffix is ""). */
static name_list list_dir(const char *dir, const char *suffix)
{
    name_list out = {0};
    DIR *d = opendir(dir);
    if (!d)
        return out;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, suffix))
            continue;
        MZ_CHECK_MSG(out.count < MAX_NAMES && strlen(e->d_name) < NAME_LEN, "%s: too many or too long names",
                     dir);
        if (out.count < MAX_NAMES && strlen(e->d_name) < NAME_LEN)
            strcpy(out.names[out.count++], e->d_name);
    }
    closedir(d);
    qsort(out.names, (size_t)out.count, NAME_LEN, compare_names);
    return out;
}

static bool read_lines(const char *path, lines *out)
{
    *out = (lines){0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    out->text = malloc((size_t)size + 1);
    size_t got = fread(out->text, 1, (size_t)size, f);
    fclose(f);
    out->text[got] = '\0';
    int n = 1;
    for (size_t i = 0; i < got; i++)
        n += out->text[i] == '\n';
    out->line = malloc(sizeof *out->line * (size_t)n);
    for (char *p = out->text; p;) {
        out->line[out->count++] = p;
        char *nl = strchr(p, '\n');
        if (nl)
            *nl++ = '\0';
        size_t len = strlen(p);
        if (len && p[len - 1] == '\r')
            p[len - 1] = '\0';
        p = nl;
    }
    return true;
}

static void free_lines(lines *l)
{
    free(l->text);
    free(l->line);
}

/* The endings a story declares: lines of its .lua files that begin with
 * `ending "id"` (the runner's one convention; see the doc). */
static name_list declared_endings(const char *story_dir)
{
    name_list out = {0};
    name_list files = list_dir(story_dir, ".lua");
    for (int i = 0; i < files.count; i++) {
        char path[PATH_LEN];
        snprintf(path, sizeof path, "%s/%s", story_dir, files.names[i]);
        lines l;
        if (!read_lines(path, &l))
            continue;
        for (int j = 0; j < l.count; j++) {
            const char *p = l.line[j];
            while (isspace((unsigned char)*p))
                p++;
            if (strncmp(p, "ending", 6) != 0)
                continue;
            p += 6;
            while (isspace((unsigned char)*p) || *p == '(')
                p++;
            char quote = *p;
            const char *end = quote == '"' || quote == '\'' ? strchr(p + 1, quote) : NULL;
            if (!end || end - p - 1 >= NAME_LEN || out.count == MAX_NAMES)
                continue;
            memcpy(out.names[out.count], p + 1, (size_t)(end - p - 1));
            out.names[out.count++][end - p - 1] = '\0';
        }
        free_lines(&l);
    }
    return out;
}

static bool contains(const char *haystack, const char *needle)
{
    return haystack && strstr(haystack, needle);
}

static const char *or_null(const char *s)
{
    return s ? s : "(null)";
}

/* One `#expect` line against the turn it follows. `where` names the line. */
static void check_expectation(const char *where, const char *exp, const mz_story_turn *t)
{
    if (!strncmp(exp, "scene=", 6))
        MZ_CHECK_MSG(t->scene && !strcmp(t->scene, exp + 6), "%s: scene is %s", where, or_null(t->scene));
    else if (!strncmp(exp, "ending=", 7))
        MZ_CHECK_MSG(t->ended && t->ending && !strcmp(t->ending, exp + 7), "%s: ending is %s (scene %s)",
                     where, or_null(t->ending), or_null(t->scene));
    else if (!strcmp(exp, "matched"))
        MZ_CHECK_MSG(t->matched, "%s: nothing matched (best score %.2f)", where, t->score);
    else if (!strcmp(exp, "nomatch"))
        MZ_CHECK_MSG(!t->matched, "%s: matched \"%s\" (score %.2f)", where, or_null(t->matched), t->score);
    else if (!strncmp(exp, "prompt~", 7))
        MZ_CHECK_MSG(contains(t->prompt, exp + 7), "%s: prompt is \"%s\"", where, or_null(t->prompt));
    else if (!strncmp(exp, "reply~", 6))
        MZ_CHECK_MSG(contains(t->reply, exp + 6), "%s: reply is \"%s\"", where, or_null(t->reply));
    else if (!strncmp(exp, "caption~", 8))
        MZ_CHECK_MSG(contains(t->caption, exp + 8), "%s: caption is \"%s\"", where, or_null(t->caption));
    else
        MZ_CHECK_MSG(false, "%s: unknown expectation \"%s\"", where, exp);
}

typedef struct playthrough {
    int inputs, expectations;
    bool ended;
    char ending[NAME_LEN];
} playthrough;

/* Plays `file` on the story in `story_dir`: every line is viewer input
 * except blank lines and lines starting with '#' (`#seed N`, `#expect ...`,
 * comments). Every turn must be free of story errors, and no input may follow
 * an ending. */
static playthrough play(const char *story_dir, const char *file)
{
    playthrough out = {0};
    lines l;
    if (!read_lines(file, &l)) {
        MZ_CHECK_MSG(false, "%s: cannot read", file);
        return out;
    }
    uint64_t seed = 1;
    for (int i = 0; i < l.count; i++)
        if (!strncmp(l.line[i], "#seed ", 6))
            seed = strtoull(l.line[i] + 6, NULL, 10);

    mz_story *s = mz_story_load(&(mz_story_desc){.path = story_dir, .seed = seed});
    MZ_CHECK_MSG(s, "%s: %s", story_dir, mz_error());
    mz_story_turn t = {0};
    if (s)
        MZ_CHECK_MSG(mz_story_begin(s, &t), "%s: begin: %s", file, mz_error());
    MZ_CHECK_MSG(!t.error, "%s: begin: %s", file, or_null(t.error));
    char where[PATH_LEN + 64];
    const char *last_input = "(begin)";
    for (int i = 0; s && i < l.count; i++) {
        const char *line = l.line[i];
        snprintf(where, sizeof where, "%s:%d (after \"%s\")", file, i + 1, last_input);
        if (!strncmp(line, "#expect ", 8)) {
            check_expectation(where, line + 8, &t);
            out.expectations++;
            continue;
        }
        if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
            continue;
        MZ_CHECK_MSG(!t.ended, "%s:%d: input after the ending %s", file, i + 1, or_null(t.ending));
        if (t.ended)
            break;
        MZ_CHECK_MSG(mz_story_input(s, line, strlen(line), &t), "%s:%d: %s", file, i + 1, mz_error());
        MZ_CHECK_MSG(!t.error, "%s:%d: story error: %s", file, i + 1, or_null(t.error));
        last_input = line;
        out.inputs++;
    }
    out.ended = t.ended;
    snprintf(out.ending, sizeof out.ending, "%s", t.ending ? t.ending : "");
    mz_story_destroy(s);
    free_lines(&l);
    return out;
}

/* `bell.txt` and `bell.cellar.txt` both promise the ending "bell". */
static void ending_named_by(const char *walkthrough, char *out)
{
    snprintf(out, NAME_LEN, "%s", walkthrough);
    *strchr(out, '.') = '\0';
}

static void story_walkthroughs(const char *name)
{
    char dir[PATH_LEN], wdir[PATH_LEN + 16];
    snprintf(dir, sizeof dir, "%s/%s", stories_root(), name);
    snprintf(wdir, sizeof wdir, "%s/walkthroughs", dir);
    name_list endings = declared_endings(dir);
    name_list walks = list_dir(wdir, ".txt");
    MZ_CHECK_MSG(endings.count > 0, "%s declares no ending", dir);
    bool reached[MAX_NAMES] = {false};

    for (int i = 0; i < walks.count; i++) {
        char file[PATH_LEN * 2], promised[NAME_LEN];
        snprintf(file, sizeof file, "%s/%s", wdir, walks.names[i]);
        ending_named_by(walks.names[i], promised);
        playthrough p = play(dir, file);
        MZ_CHECK_MSG(p.ended && !strcmp(p.ending, promised), "%s: ends in \"%s\", not \"%s\"", file,
                     p.ended ? p.ending : "(no ending)", promised);
        bool declared = false;
        for (int e = 0; e < endings.count; e++)
            if (!strcmp(endings.names[e], promised)) {
                declared = true;
                reached[e] |= p.ended && !strcmp(p.ending, promised);
            }
        MZ_CHECK_MSG(declared, "%s: the story has no ending \"%s\"", file, promised);
        printf("  %s/%s: %d inputs, %d expectations, ending %s\n", name, walks.names[i], p.inputs,
               p.expectations, p.ended ? p.ending : "(none)");
    }
    for (int e = 0; e < endings.count; e++)
        MZ_CHECK_MSG(reached[e], "%s: no walkthrough reaches the ending \"%s\" (add %s/%s.txt)", dir,
                     endings.names[e], wdir, endings.names[e]);
}

static void demo(const char *name)
{
    char dir[PATH_LEN], file[PATH_LEN + 16];
    snprintf(dir, sizeof dir, "%s/%s", stories_root(), name);
    snprintf(file, sizeof file, "%s/demo.txt", dir);
    playthrough p = play(dir, file);
    MZ_CHECK_MSG(p.ended, "%s: the demo does not reach an ending", file);
    printf("  %s/demo.txt: %d inputs, ending %s\n", name, p.inputs, p.ended ? p.ending : "(none)");
}

static name_list stories(void)
{
    name_list all = list_dir(stories_root(), ""), out = {0};
    for (int i = 0; i < all.count; i++) {
        char path[PATH_LEN];
        snprintf(path, sizeof path, "%s/%s/story.lua", stories_root(), all.names[i]);
        FILE *f = fopen(path, "rb");
        if (f) {
            fclose(f);
            strcpy(out.names[out.count++], all.names[i]);
        }
    }
    return out;
}

static void every_ending_of_every_story_is_walked(void)
{
    name_list all = stories();
    MZ_CHECK_MSG(all.count >= 2, "found %d stories under %s", all.count, stories_root());
    for (int i = 0; i < all.count; i++)
        story_walkthroughs(all.names[i]);
}

static void every_demo_reaches_an_ending(void)
{
    name_list all = stories();
    for (int i = 0; i < all.count; i++)
        demo(all.names[i]);
}

int main(void)
{
    MZ_RUN(every_ending_of_every_story_is_walked);
    MZ_RUN(every_demo_reaches_an_ending);
    return mz_test_finish();
}
