/* Story playthroughs: every walkthrough of every story under stories/ is
 * played through mz_story and its #expect lines are checked; every ending a
 * story declares must be reached by a walkthrough named after it; every
 * demo.txt (what `tools/dev play` replays headless) must play to an ending.
 * Built with the prompt interpreter (engine/scene), every prompt they make
 * must also be one the procedural generator can read.
 * The walkthrough format is in docs/story-api.md, "Testing your story". */
#include "mz_error.h"
#include "mz_story.h"
#include "mz_test.h"
#ifdef MZ_STORIES_READ_PROMPTS
#include "mz_scene_interp.h"
#endif

#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
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

/* out = a/b; false (and a failed check) if it does not fit. */
static bool path_join(char out[PATH_LEN], const char *a, const char *b)
{
    int n = snprintf(out, PATH_LEN, "%s/%s", a, b);
    MZ_CHECK_MSG(n > 0 && n < PATH_LEN, "path too long: %s/%s", a, b);
    return n > 0 && n < PATH_LEN;
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
    if (!d) return out;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' || !has_suffix(e->d_name, suffix)) continue;
        MZ_CHECK_MSG(out.count < MAX_NAMES && strlen(e->d_name) < NAME_LEN,
                     "%s: too many or too long names", dir);
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
    if (!f) return false;
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
        if (nl) *nl++ = '\0';
        size_t len = strlen(p);
        if (len && p[len - 1] == '\r') p[len - 1] = '\0';
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
        lines l;
        if (!path_join(path, story_dir, files.names[i]) || !read_lines(path, &l)) continue;
        for (int j = 0; j < l.count; j++) {
            const char *p = l.line[j];
            while (isspace((unsigned char)*p))
                p++;
            if (strncmp(p, "ending", 6) != 0) continue;
            p += 6;
            while (isspace((unsigned char)*p) || *p == '(')
                p++;
            char quote = *p;
            const char *end = quote == '"' || quote == '\'' ? strchr(p + 1, quote) : NULL;
            if (!end || end - p - 1 >= NAME_LEN || out.count == MAX_NAMES) continue;
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

typedef struct playthrough {
    uint64_t digest; /* of every turn's scene, prompt, caption and reply */
    int inputs, expectations;
    int problems; /* failed expectations, story errors, misuse: each printed */
    bool ended;
    char ending[NAME_LEN];
} playthrough;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void
problem(playthrough *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    p->problems++;
}

/* FNV-1a over a string and its terminator, so that ("ab","c") != ("a","bc"). */
static void digest(uint64_t *h, const char *s)
{
    if (!s) s = "";
    do {
        *h = (*h ^ (unsigned char)*s) * 1099511628211u;
    } while (*s++);
}

static void digest_turn(uint64_t *h, const mz_story_turn *t)
{
    digest(h, t->scene);
    digest(h, t->prompt);
    digest(h, t->caption);
    digest(h, t->reply);
}

/* `FIELD~TEXT` passes when the field contains TEXT, `FIELD!~TEXT` when it
 * does not. false when `exp` is not about this field. */
static bool check_text(playthrough *p, const char *where, const char *exp, const char *field,
                       const char *value)
{
    size_t n = strlen(field);
    if (strncmp(exp, field, n) != 0) return false;
    bool negated = exp[n] == '!';
    if (exp[n + negated] != '~') return false;
    if (contains(value, exp + n + negated + 1) == negated)
        problem(p, "%s: expected %s, %s is \"%s\"", where, exp, field, or_null(value));
    return true;
}

/* One `#expect` line against the turn it follows. `where` names the line. */
static void check_expectation(playthrough *p, const char *where, const char *exp,
                              const mz_story_turn *t)
{
    if (!strncmp(exp, "scene=", 6)) {
        if (!t->scene || strcmp(t->scene, exp + 6))
            problem(p, "%s: expected %s, scene is %s", where, exp, or_null(t->scene));
    } else if (!strncmp(exp, "ending=", 7)) {
        if (!t->ended || !t->ending || strcmp(t->ending, exp + 7))
            problem(p, "%s: expected %s, ending is %s (scene %s)", where, exp, or_null(t->ending),
                    or_null(t->scene));
    } else if (!strcmp(exp, "matched")) {
        if (!t->matched)
            problem(p, "%s: expected a match, nothing matched (best score %.2f)", where, t->score);
    } else if (!strcmp(exp, "nomatch")) {
        if (t->matched)
            problem(p, "%s: expected no match, matched \"%s\" (score %.2f)", where, t->matched,
                    t->score);
    } else if (!check_text(p, where, exp, "prompt", t->prompt) &&
               !check_text(p, where, exp, "reply", t->reply) &&
               !check_text(p, where, exp, "caption", t->caption)) {
        problem(p, "%s: unknown expectation \"%s\"", where, exp);
    }
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
    lines words; /* prompt_words.txt */
    char missed[2048];
} coverage;

static uint64_t fnv(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

/* The line of prompt_words.txt ("nouns: ..." or "other: ...") that lists
 * the word (lower case, a possessive's 's dropped), or NULL. */
static const char *word_list_of(const char *word, size_t n)
{
    char w[64];
    if (n >= sizeof w) return NULL;
    for (size_t i = 0; i < n; i++)
        w[i] = (char)tolower((unsigned char)word[i]);
    if (n > 2 && w[n - 2] == '\'' && w[n - 1] == 's') n -= 2;
    w[n] = '\0';
    for (int i = 0; i < coverage.words.count; i++) {
        const char *l = coverage.words.line[i];
        if (l[0] == '#') continue;
        for (const char *at = strstr(l, w); at; at = strstr(at + 1, w))
            if (at[-1] == ' ' && (at[n] == ' ' || at[n] == '\0')) return l;
    }
    return NULL;
}

static bool is_word_byte(char c)
{
    return isalnum((unsigned char)c) || c == '\'' || (unsigned char)c >= 0x80;
}

static void count_nouns(playthrough *p, const char *where, const char *prompt,
                        const mz_scene_trace *why)
{
    uint64_t h = fnv(prompt, strlen(prompt));
    for (int i = 0; i < coverage.prompts; i++)
        if (coverage.seen[i] == h) return;
    if (coverage.prompts == MAX_PROMPTS) return;
    coverage.seen[coverage.prompts++] = h;
    MZ_CHECK_MSG(why->unknown <= MZ_SCENE_TRACE_MAX, "%s: too many unknown words", where);
    for (const char *s = prompt; *s;) {
        if (!is_word_byte(*s)) {
            s++;
            continue;
        }
        size_t n = 0;
        while (is_word_byte(s[n]))
            n++;
        const char *list = word_list_of(s, n);
        bool unknown = false;
        for (int u = 0; u < why->unknown && u < MZ_SCENE_TRACE_MAX; u++)
            unknown |= prompt + why->unknown_word[u].offset == s;
        if (list && !strncmp(list, "nouns:", 6)) {
            coverage.nouns++;
            coverage.nouns_unknown += unknown;
            size_t len = strlen(coverage.missed);
            if (unknown && len + n + 2 < sizeof coverage.missed)
                snprintf(coverage.missed + len, sizeof coverage.missed - len, " %.*s", (int)n, s);
        } else if (unknown && !list) {
            problem(p, "%s: \"%.*s\" is not understood and not classified in prompt_words.txt",
                    where, (int)n, s);
        }
        s += n;
    }
}
#endif

/* The procedural generator paints what its lexicon knows; a prompt it can
 * hardly read comes out as the default scene. So every prompt must name a
 * setting and at least three things the interpreter knows. */
static void check_prompt_is_read(playthrough *p, const char *where, const char *prompt)
{
#ifdef MZ_STORIES_READ_PROMPTS
    mz_scene_params params;
    mz_scene_trace why;
    mz_scene_interpret(NULL, prompt, NULL, &params, &why);
    count_nouns(p, where, prompt, &why);
    int known = 0;
    bool setting = false;
    for (int i = 0; i < why.count; i++) {
        if (why.item[i].kind != MZ_SCENE_TRACE_EFFECT) continue;
        known++;
        setting |= strstr(why.item[i].effects, "setting") != NULL;
    }
    if (known < 3 || !setting)
        problem(p, "%s: the generator reads little of \"%s\" (%d known words%s)", where, prompt,
                known, setting ? "" : ", no setting");
#else
    (void)p, (void)where, (void)prompt;
#endif
}

/* Plays `file` on the story in `story_dir`: every line is viewer input
 * except blank lines and lines starting with '#' (`#seed N`, `#expect ...`,
 * comments). Every turn must be free of story errors, and no input may follow
 * an ending. */
static playthrough play(const char *story_dir, const char *file)
{
    playthrough out = {.digest = 14695981039346656037u};
    lines l;
    if (!read_lines(file, &l)) {
        problem(&out, "%s: cannot read", file);
        return out;
    }
    uint64_t seed = 1;
    for (int i = 0; i < l.count; i++)
        if (!strncmp(l.line[i], "#seed ", 6)) seed = strtoull(l.line[i] + 6, NULL, 10);

    mz_story *s = mz_story_load(&(mz_story_desc){.path = story_dir, .seed = seed});
    mz_story_turn t = {0};
    if (!s)
        problem(&out, "%s: %s", story_dir, mz_error());
    else if (!mz_story_begin(s, &t))
        problem(&out, "%s: begin: %s", file, mz_error());
    else if (t.error)
        problem(&out, "%s: begin: %s", file, t.error);
    else
        check_prompt_is_read(&out, file, t.prompt);
    digest_turn(&out.digest, &t);
    char where[PATH_LEN + 2 * NAME_LEN];
    const char *last_input = "(begin)";
    for (int i = 0; s && i < l.count; i++) {
        const char *line = l.line[i];
        if (snprintf(where, sizeof where, "%s:%d (after \"%.*s\")", file, i + 1, NAME_LEN,
                     last_input) < 0)
            where[0] = '\0';
        if (!strncmp(line, "#expect ", 8)) {
            check_expectation(&out, where, line + 8, &t);
            out.expectations++;
            continue;
        }
        if (line[0] == '#' || line[strspn(line, " \t")] == '\0') continue;
        if (t.ended) {
            problem(&out, "%s:%d: input after the ending %s", file, i + 1, or_null(t.ending));
            break;
        }
        if (!mz_story_input(s, line, strlen(line), &t))
            problem(&out, "%s:%d: %s", file, i + 1, mz_error());
        else if (t.error)
            problem(&out, "%s:%d: story error: %s", file, i + 1, t.error);
        last_input = line;
        digest_turn(&out.digest, &t);
        if (t.scene_changed && !t.error &&
            snprintf(where, sizeof where, "%s:%d (\"%.*s\")", file, i + 1, NAME_LEN, line) > 0)
            check_prompt_is_read(&out, where, t.prompt);
        out.inputs++;
    }
    out.ended = t.ended;
    if (t.ending && strlen(t.ending) < sizeof out.ending) strcpy(out.ending, t.ending);
    mz_story_destroy(s);
    free_lines(&l);
    return out;
}

/* `bell.txt` and `bell.cellar.txt` both promise the ending "bell". */
static void ending_named_by(const char *walkthrough, char *out)
{
    size_t n = strcspn(walkthrough, ".");
    memcpy(out, walkthrough, n); /* list_dir keeps names under NAME_LEN */
    out[n] = '\0';
}

static void story_walkthroughs(const char *name)
{
    char dir[PATH_LEN], wdir[PATH_LEN];
    if (!path_join(dir, stories_root(), name) || !path_join(wdir, dir, "walkthroughs")) return;
    name_list endings = declared_endings(dir);
    name_list walks = list_dir(wdir, ".txt");
    MZ_CHECK_MSG(endings.count > 0, "%s declares no ending", dir);
    bool reached[MAX_NAMES] = {false};

    for (int i = 0; i < walks.count; i++) {
        char file[PATH_LEN], promised[NAME_LEN];
        if (!path_join(file, wdir, walks.names[i])) continue;
        ending_named_by(walks.names[i], promised);
        playthrough p = play(dir, file);
        MZ_CHECK_MSG(!p.problems, "%s: %d problems (above)", file, p.problems);
        /* The seed line promises a replay: a second play must be identical.
         * The story held open meanwhile puts the replay's Lua state at
         * another address, so it gets another string-hash seed: anything
         * that depends on the order of a Lua table's keys shows up here. */
        mz_story *hold = mz_story_load(&(mz_story_desc){.path = dir});
        MZ_CHECK_MSG(play(dir, file).digest == p.digest, "%s: a second play differs", file);
        mz_story_destroy(hold);
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
        MZ_CHECK_MSG(reached[e], "%s: no walkthrough reaches the ending \"%s\" (add %s/%s.txt)",
                     dir, endings.names[e], wdir, endings.names[e]);
}

static void demo(const char *name)
{
    char dir[PATH_LEN], file[PATH_LEN];
    if (!path_join(dir, stories_root(), name) || !path_join(file, dir, "demo.txt")) return;
    playthrough p = play(dir, file);
    MZ_CHECK_MSG(!p.problems, "%s: %d problems (above)", file, p.problems);
    MZ_CHECK_MSG(p.ended, "%s: the demo does not reach an ending", file);
    printf("  %s/demo.txt: %d inputs, ending %s\n", name, p.inputs, p.ended ? p.ending : "(none)");
}

static name_list stories(void)
{
    name_list all = list_dir(stories_root(), ""), out = {0};
    for (int i = 0; i < all.count; i++) {
        char dir[PATH_LEN], path[PATH_LEN];
        if (!path_join(dir, stories_root(), all.names[i]) || !path_join(path, dir, "story.lua"))
            continue;
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

/* The runner itself: a walkthrough whose every expectation is wrong must
 * fail on each of them (the messages it prints are expected). */
static void wrong_expectations_are_caught(void)
{
    char dir[PATH_LEN];
    if (!path_join(dir, stories_root(), "cellar")) return;
    const char *src = getenv("MZ_SOURCE_DIR");
    char file[PATH_LEN];
    if (!path_join(file, src && *src ? src : ".", "tests/stories/fixtures/wrong.txt")) return;
    fprintf(stderr, "(the next problems are expected: %s is wrong on purpose)\n", file);
    playthrough p = play(dir, file);
    MZ_CHECK_MSG(p.problems == 9, "%d problems, not 9", p.problems);
    MZ_CHECK(p.inputs == 2 && p.expectations == 9 && p.ended);
    MZ_CHECK_STR(p.ending, "treasure");
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
    char path[PATH_LEN];
    const char *src = getenv("MZ_SOURCE_DIR");
    snprintf(path, sizeof path, "%s/tests/stories/prompt_words.txt", src && *src ? src : ".");
    MZ_CHECK_MSG(read_lines(path, &coverage.words), "cannot read %s", path);
#endif
    MZ_RUN(wrong_expectations_are_caught);
    MZ_RUN(every_ending_of_every_story_is_walked);
    MZ_RUN(every_demo_reaches_an_ending);
#ifdef MZ_STORIES_READ_PROMPTS
    MZ_RUN(the_generator_understands_the_sample_prompts);
    free_lines(&coverage.words);
#endif
    return mz_test_finish();
}
