/* walk.c — walkthroughs: play a file of viewer lines, check its #expect
 * lines, and hold a story's walkthroughs to its endings. */
#include "mz_walk.h"

#include "mz_error.h"
#include "mz_story.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PATH_MAX_LEN 1024
#define QUOTE_MAX 128 /* bytes of an input quoted in a message */

typedef struct lines {
    char *text; /* the whole file, '\n's replaced by '\0's */
    char **line;
    int count;
} lines;

static bool read_lines(const char *path, lines *out)
{
    *out = (lines){0};
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    size_t cap = 4096, got = 0;
    out->text = malloc(cap);
    for (size_t n; out->text && (n = fread(out->text + got, 1, cap - got - 1, f)) > 0;) {
        got += n;
        if (cap - got > 1) continue;
        char *bigger = realloc(out->text, cap *= 2);
        if (!bigger) free(out->text);
        out->text = bigger;
    }
    fclose(f);
    if (!out->text) return false;
    out->text[got] = '\0';
    int n = 1;
    for (size_t i = 0; i < got; i++)
        n += out->text[i] == '\n';
    out->line = malloc(sizeof *out->line * (size_t)n);
    if (!out->line) {
        free(out->text);
        return false;
    }
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

static const char *or_null(const char *s)
{
    return s ? s : "(null)";
}

typedef struct walk {
    const mz_walk_hooks *h;
    mz_walk_result *r;
    const char *file;
} walk;

static void problem(walk *w, int line, const char *fmt, ...) MZ_PRINTF(3, 4);

static void problem(walk *w, int line, const char *fmt, ...)
{
    char msg[MZ_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    w->r->problems++;
    if (w->h && w->h->problem) w->h->problem(w->file, line, msg, w->h->user);
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
static bool check_text(walk *w, int line, const char *after, const char *exp, const char *field,
                       const char *value)
{
    size_t n = strlen(field);
    if (strncmp(exp, field, n) != 0) return false;
    bool negated = exp[n] == '!';
    if (exp[n + negated] != '~') return false;
    if ((value && strstr(value, exp + n + negated + 1)) == negated)
        problem(w, line, "expected %s, %s is \"%s\" (after %s)", exp, field, or_null(value), after);
    return true;
}

/* One `#expect` line against the turn it follows. */
static void check_expectation(walk *w, int line, const char *after, const char *exp,
                              const mz_story_turn *t)
{
    if (!strncmp(exp, "scene=", 6)) {
        if (!t->scene || strcmp(t->scene, exp + 6))
            problem(w, line, "expected %s, scene is %s (after %s)", exp, or_null(t->scene), after);
    } else if (!strncmp(exp, "ending=", 7)) {
        if (!t->ended || !t->ending || strcmp(t->ending, exp + 7))
            problem(w, line, "expected %s, ending is %s, scene %s (after %s)", exp,
                    or_null(t->ending), or_null(t->scene), after);
    } else if (!strcmp(exp, "matched")) {
        if (!t->matched)
            problem(w, line, "expected a match, nothing matched, best score %.2f (after %s)",
                    t->score, after);
    } else if (!strcmp(exp, "nomatch")) {
        if (t->matched)
            problem(w, line, "expected no match, matched \"%s\", score %.2f (after %s)",
                    t->matched, t->score, after);
    } else if (!check_text(w, line, after, exp, "prompt", t->prompt) &&
               !check_text(w, line, after, exp, "reply", t->reply) &&
               !check_text(w, line, after, exp, "caption", t->caption)) {
        problem(w, line, "unknown expectation \"%s\"", exp);
    }
}

static void after_turn(walk *w, mz_story *s, const mz_story_turn *t)
{
    if (w->h && w->h->turn) w->h->turn(s, t, w->h->user);
}

static void check_prompt(walk *w, int line, const char *prompt)
{
    const char *msg = w->h && w->h->check_prompt ? w->h->check_prompt(prompt, w->h->user) : NULL;
    if (msg) problem(w, line, "%s", msg);
}

int mz_walk_file(const char *story, const char *file, const mz_walk_hooks *h, mz_walk_result *r)
{
    *r = (mz_walk_result){.digest = 14695981039346656037u};
    walk w = {h, r, file};
    lines l;
    if (!read_lines(file, &l)) {
        problem(&w, 0, "cannot read the walkthrough");
        return r->problems;
    }
    uint64_t seed = 1;
    const char *lang = NULL, *profile = h ? h->profile : NULL;
    for (int i = 0; i < l.count; i++) {
        if (!strncmp(l.line[i], "#seed ", 6)) seed = strtoull(l.line[i] + 6, NULL, 10);
        if (!strncmp(l.line[i], "#lang ", 6)) lang = l.line[i] + 6;
        if (!strncmp(l.line[i], "#profile ", 9) && !(h && h->profile)) profile = l.line[i] + 9;
    }

    mz_story *s = mz_story_load(&(mz_story_desc){.path = story,
                                                 .seed = seed,
                                                 .lang = lang,
                                                 .profile = profile,
                                                 .time_limit_ms = h ? h->turn_limit_ms : 0});
    if (s && mz_story_lang(s)) snprintf(r->lang, sizeof r->lang, "%s", mz_story_lang(s));
    mz_story_turn t = {0};
    if (!s)
        problem(&w, 0, "%s", mz_error());
    else if (!mz_story_begin(s, &t))
        problem(&w, 0, "begin: %s", mz_error());
    else if (t.error)
        problem(&w, 0, "begin: story error: %s", t.error);
    else {
        check_prompt(&w, 0, t.prompt);
        after_turn(&w, s, &t);
    }
    digest_turn(&r->digest, &t);
    char after[QUOTE_MAX + 3] = "the beginning";
    mz_story_history *history = mz_story_history_create(0);
    for (int i = 0; s && i < l.count; i++) {
        const char *line = l.line[i];
        if (!strcmp(line, "undo") && mz_story_undo_allowed(s)) {
            if (!mz_story_history_undo(history, s, &t))
                problem(&w, i + 1, "undo: %s", mz_error());
            snprintf(after, sizeof after, "undo");
            digest_turn(&r->digest, &t);
            continue;
        }
        if (!strncmp(line, "#expect ", 8)) {
            check_expectation(&w, i + 1, after, line + 8, &t);
            r->expectations++;
            continue;
        }
        if (line[0] == '#' || line[strspn(line, " \t")] == '\0') continue;
        if (t.ended) {
            problem(&w, i + 1, "input after the ending %s", or_null(t.ending));
            break;
        }
        mz_story_history_push(history, s);
        if (!mz_story_input(s, line, strlen(line), &t))
            problem(&w, i + 1, "%s", mz_error());
        else if (t.error)
            problem(&w, i + 1, "story error: %s", t.error);
        after_turn(&w, s, &t);
        snprintf(after, sizeof after, "\"%.*s\"", QUOTE_MAX, line);
        digest_turn(&r->digest, &t);
        if (t.scene_changed && !t.error) check_prompt(&w, i + 1, t.prompt);
        r->inputs++;
    }
    r->ended = t.ended;
    if (t.ending) snprintf(r->ending, sizeof r->ending, "%s", t.ending);
    mz_story_history_destroy(history);
    mz_story_destroy(s);
    free_lines(&l);
    return r->problems;
}

/* ---- a story's walkthroughs ---- */

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The .txt files of dir, sorted; NULL-free array of malloc'd names. */
static char **list_txt(const char *dir, size_t *count)
{
    *count = 0;
    DIR *d = opendir(dir);
    if (!d) return NULL;
    char **names = NULL;
    size_t cap = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (e->d_name[0] == '.' || n < 5 || strcmp(e->d_name + n - 4, ".txt")) continue;
        if (*count == cap) {
            char **more = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);
            if (!more) break;
            names = more;
        }
        if ((names[*count] = strdup(e->d_name))) (*count)++;
    }
    closedir(d);
    if (*count) qsort(names, *count, sizeof *names, compare_names);
    return names;
}

typedef struct story_walk {
    const char *story;
    const mz_walk_hooks *h;
    mz_story *declared; /* the story as loaded once, for its endings */
    /* per language and scene (language * scenes + scene): an ending reached
     * by a walkthrough named after it, in that language */
    bool *reached;
    int failed, played;
} story_walk;

/* `bell.txt` and `bell.cellar.txt` both promise the ending "bell". */
static void promised_ending(const char *name, char *out, size_t cap)
{
    size_t n = strcspn(name, ".");
    snprintf(out, cap, "%.*s", (int)n, name);
}

static void walk_one(story_walk *sw, const char *file, const char *promise)
{
    mz_walk_result r, again;
    walk w = {sw->h, &r, file};
    mz_walk_file(sw->story, file, sw->h, &r);
    /* A replay must be identical. The story held open meanwhile puts the
     * replay's Lua state at another address, so it gets another string-hash
     * seed: anything that depends on the order of a Lua table's keys shows. */
    mz_story *hold = mz_story_load(&(mz_story_desc){.path = sw->story});
    mz_walk_hooks quiet = {.turn_limit_ms = sw->h ? sw->h->turn_limit_ms : 0};
    mz_walk_file(sw->story, file, &quiet, &again);
    mz_story_destroy(hold);
    if (!r.problems && again.digest != r.digest) problem(&w, 0, "a second play differs");
    if (promise) {
        if (!r.ended || strcmp(r.ending, promise))
            problem(&w, 0, "ends in \"%s\", not in the ending \"%s\" it is named after",
                    r.ended ? r.ending : "(no ending)", promise);
        size_t count = mz_story_scene_count(sw->declared);
        bool declared = false;
        for (size_t i = 0; i < count; i++) {
            mz_story_scene_info info;
            if (!mz_story_scene_get(sw->declared, i, &info) || !info.ending ||
                strcmp(info.id, promise))
                continue;
            declared = true;
            size_t lang = 0;
            while (lang + 1 < mz_story_language_count(sw->declared) &&
                   strcmp(mz_story_language(sw->declared, lang), r.lang))
                lang++;
            sw->reached[lang * count + i] |= r.ended && !strcmp(r.ending, promise);
        }
        if (!declared) problem(&w, 0, "the story has no ending \"%s\"", promise);
    }
    sw->failed += r.problems > 0;
    sw->played++;
    if (sw->h && sw->h->done) sw->h->done(file, &r, sw->h->user);
    if (sw->h && sw->h->also) sw->failed += sw->h->also(sw->story, file, sw->h);
}

int mz_walk_story(const char *story, const char *const *extra, size_t extra_count,
                  const mz_walk_hooks *h, int *count)
{
    story_walk sw = {.story = story, .h = h};
    mz_walk_result none = {0};
    walk w = {h, &none, story};
    if (count) *count = 0;
    sw.declared = mz_story_load(&(mz_story_desc){.path = story});
    if (!sw.declared) {
        problem(&w, 0, "%s", mz_error());
        return 1;
    }
    size_t scenes = mz_story_scene_count(sw.declared);
    size_t langs = mz_story_language_count(sw.declared);
    if (!langs) langs = 1;
    sw.reached = calloc(scenes ? scenes * langs : 1, sizeof *sw.reached);
    char dir[PATH_MAX_LEN], file[PATH_MAX_LEN];
    snprintf(dir, sizeof dir, "%s/walkthroughs", story);
    size_t n = 0;
    char **names = sw.reached ? list_txt(dir, &n) : NULL;
    for (size_t i = 0; i < n; i++) {
        char promise[MZ_WALK_NAME_MAX];
        promised_ending(names[i], promise, sizeof promise);
        if (snprintf(file, sizeof file, "%s/%s", dir, names[i]) < (int)sizeof file)
            walk_one(&sw, file, promise);
        free(names[i]);
    }
    free(names);
    for (size_t i = 0; i < extra_count; i++)
        walk_one(&sw, extra[i], NULL);
    /* Every ending, in every language the story declares. */
    for (size_t k = 0; sw.reached && k < scenes * langs; k++) {
        mz_story_scene_info info;
        size_t i = k % scenes;
        if (!mz_story_scene_get(sw.declared, i, &info) || !info.ending || sw.reached[k]) continue;
        walk where = {h, &none, info.file};
        const char *lang = mz_story_language(sw.declared, k / scenes);
        if (langs > 1)
            problem(&where, info.line,
                    "no walkthrough in '%s' reaches the ending \"%s\" (add %s/%s.%s.txt with "
                    "#lang %s)",
                    lang, info.id, dir, info.id, lang, lang);
        else
            problem(&where, info.line, "no walkthrough reaches the ending \"%s\" (add %s/%s.txt)",
                    info.id, dir, info.id);
    }
    free(sw.reached);
    mz_story_destroy(sw.declared);
    if (count) *count = sw.played;
    return sw.failed + none.problems;
}
