/* lint_refs.c — lint checks on names and words: a state field that vars
 * never declares, has() of an item no code gives, visits() of a scene that
 * does not exist, a word under two synonyms, a pattern of stop words only, a
 * character whose description names itself, NUL or zero-width characters in
 * strings. Names close to one that exists get "did you mean ...?".
 *
 * The story's files are read as Lua tokens (comments skipped, strings
 * kept whole), so a name in a comment or inside a string is not a use. */
#include "lint_refs.h"

#include "serial.h"
#include "vm.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef enum tok_kind { TOK_NAME, TOK_STRING, TOK_PUNCT } tok_kind;

typedef struct tok {
    tok_kind kind;
    size_t start, len; /* the token's bytes; a string's include its quotes */
    size_t body, body_len; /* a string's contents, escapes as written */
} tok;

typedef struct tokens {
    tok *t;
    size_t count, cap;
} tokens;

static void push(tokens *ts, tok t)
{
    if (ts->count == ts->cap) {
        size_t cap = ts->cap ? ts->cap * 2 : 1024;
        tok *more = realloc(ts->t, cap * sizeof *more);
        if (!more) return;
        ts->t = more;
        ts->cap = cap;
    }
    ts->t[ts->count++] = t;
}

/* The level of a long bracket "[==[" at p (its '=' count), or -1. */
static int long_bracket(const char *p, const char *end)
{
    if (p >= end || *p != '[') return -1;
    int level = 0;
    for (p++; p < end && *p == '='; p++)
        level++;
    return p < end && *p == '[' ? level : -1;
}

/* Offset just past the "]==]" closing a long bracket of `level`. */
static size_t long_close(const char *text, size_t from, size_t len, int level)
{
    for (size_t i = from; i < len; i++) {
        if (text[i] != ']') continue;
        size_t j = i + 1;
        int n = 0;
        while (j < len && text[j] == '=') {
            j++;
            n++;
        }
        if (n == level && j < len && text[j] == ']') return j + 1;
    }
    return len;
}

static bool is_name_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static void lex(const char *text, size_t len, tokens *out)
{
    size_t i = 0;
    while (i < len) {
        char c = text[i];
        if (c == '-' && i + 1 < len && text[i + 1] == '-') {
            int level = long_bracket(text + i + 2, text + len);
            if (level >= 0) {
                i = long_close(text, i + 4 + (size_t)level, len, level);
            } else {
                while (i < len && text[i] != '\n')
                    i++;
            }
        } else if (c == '"' || c == '\'') {
            size_t j = i + 1;
            while (j < len && text[j] != c && text[j] != '\n')
                j += text[j] == '\\' && j + 1 < len ? 2 : 1;
            size_t end = j < len ? j + 1 : len;
            push(out, (tok){TOK_STRING, i, end - i, i + 1, j - i - 1});
            i = end;
        } else if (long_bracket(text + i, text + len) >= 0) {
            int level = long_bracket(text + i, text + len);
            size_t body = i + 2 + (size_t)level, end = long_close(text, body, len, level);
            size_t body_len = end - body >= (size_t)level + 2 ? end - body - (size_t)level - 2 : 0;
            push(out, (tok){TOK_STRING, i, end - i, body, body_len});
            i = end;
        } else if (isalpha((unsigned char)c) || c == '_') {
            size_t j = i;
            while (j < len && is_name_char(text[j]))
                j++;
            push(out, (tok){TOK_NAME, i, j - i, 0, 0});
            i = j;
        } else if (isspace((unsigned char)c)) {
            i++;
        } else {
            push(out, (tok){TOK_PUNCT, i, 1, 0, 0});
            i++;
        }
    }
}

/* ---- names ---- */

typedef struct name_set {
    const char **names;
    size_t count, cap;
} name_set;

static bool set_has(const name_set *s, const char *name)
{
    for (size_t i = 0; i < s->count; i++)
        if (!strcmp(s->names[i], name)) return true;
    return false;
}

static void set_add(story_graph *g, name_set *s, const char *name, size_t n)
{
    const char *copy = story_graph_strdup(g, name, n);
    if (set_has(s, copy)) return;
    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 32;
        const char **more = realloc(s->names, cap * sizeof *more);
        if (!more) return;
        s->names = more;
        s->cap = cap;
    }
    s->names[s->count++] = copy;
}

/* A use of a name in the text, for reporting after everything is read. */
typedef struct use {
    const char *name, *file;
    int line;
    char kind; /* 's' state field, 'h' has(), 'v' visits() */
} use;

typedef struct refs {
    story_graph *g;
    name_set declared, given, scenes;
    bool given_dynamically; /* give(x) with a computed x: any item may exist */
    use *uses;
    size_t use_count, use_cap;
} refs;

static void add_use(refs *r, char kind, const char *name, size_t n, const char *file, int line)
{
    if (r->use_count == r->use_cap) {
        size_t cap = r->use_cap ? r->use_cap * 2 : 64;
        use *more = realloc(r->uses, cap * sizeof *more);
        if (!more) return;
        r->uses = more;
        r->use_cap = cap;
    }
    r->uses[r->use_count++] = (use){story_graph_strdup(r->g, name, n), file, line, kind};
}

static bool punct(const struct story_source *src, const tokens *ts, size_t i, char c)
{
    return i < ts->count && ts->t[i].kind == TOK_PUNCT && src->text[ts->t[i].start] == c;
}

static bool name_is(const struct story_source *src, const tok *t, const char *name)
{
    return t->kind == TOK_NAME && t->len == strlen(name) && !memcmp(src->text + t->start, name, t->len);
}

/* The string argument of a call at token i (`f("x")`, `f "x"`), or NULL. */
static const tok *string_arg(const struct story_source *src, const tokens *ts, size_t i)
{
    if (i + 1 < ts->count && ts->t[i + 1].kind == TOK_STRING) return &ts->t[i + 1];
    if (punct(src, ts, i + 1, '(') && i + 3 < ts->count && ts->t[i + 2].kind == TOK_STRING &&
        punct(src, ts, i + 3, ')'))
        return &ts->t[i + 2];
    return NULL;
}

/* Zero-width characters (U+200B..U+200D, U+2060, U+FEFF) as UTF-8, raw or
 * written as \u{...}; NUL raw or as \0, \x00, \u{0}. */
static const char *invisible_in(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0) return "a NUL character";
        if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            (unsigned char)s[i + 2] >= 0x8b && (unsigned char)s[i + 2] <= 0x8d)
            return "a zero-width character";
        if (c == 0xe2 && i + 2 < n && (unsigned char)s[i + 1] == 0x81 &&
            (unsigned char)s[i + 2] == 0xa0)
            return "a zero-width character";
        if (c == 0xef && i + 2 < n && (unsigned char)s[i + 1] == 0xbb &&
            (unsigned char)s[i + 2] == 0xbf)
            return "a zero-width character";
        if (c != '\\' || i + 1 >= n) continue;
        const char *e = s + i + 1;
        size_t rest = n - i - 1;
        if (*e == '\\') {
            i++;
            continue;
        }
        if (*e == '0' && (rest < 2 || !isdigit((unsigned char)e[1]))) return "a NUL character";
        if (rest >= 3 && !memcmp(e, "x00", 3)) return "a NUL character";
        if (rest >= 2 && !memcmp(e, "u{", 2)) {
            unsigned long cp = strtoul(e + 2, NULL, 16);
            if (cp == 0) return "a NUL character";
            if ((cp >= 0x200b && cp <= 0x200d) || cp == 0x2060 || cp == 0xfeff)
                return "a zero-width character";
        }
    }
    return NULL;
}

static void scan_source(refs *r, const struct story_source *src, lint_ctx *ctx)
{
    tokens ts = {0};
    lex(src->text, src->len, &ts);
    for (size_t i = 0; i < ts.count; i++) {
        const tok *t = &ts.t[i];
        int line = story_source_line(src, t->start);
        if (t->kind == TOK_STRING) {
            const char *what = invisible_in(src->text + t->body, t->body_len);
            if (what)
                lint_report(ctx, src->path, line,
                            "%s in a string: viewers cannot see it, but matching and the "
                            "generator read it (delete it)",
                            what);
            continue;
        }
        if (t->kind != TOK_NAME || (i > 0 && (punct(src, &ts, i - 1, '.') ||
                                              punct(src, &ts, i - 1, ':'))))
            continue;
        const tok *arg = NULL;
        if (name_is(src, t, "s") && punct(src, &ts, i + 1, '.') && i + 2 < ts.count &&
            ts.t[i + 2].kind == TOK_NAME) {
            add_use(r, 's', src->text + ts.t[i + 2].start, ts.t[i + 2].len, src->path, line);
        } else if (name_is(src, t, "s") && punct(src, &ts, i + 1, '[') && i + 3 < ts.count &&
                   ts.t[i + 2].kind == TOK_STRING && punct(src, &ts, i + 3, ']')) {
            add_use(r, 's', src->text + ts.t[i + 2].body, ts.t[i + 2].body_len, src->path, line);
        } else if (name_is(src, t, "give")) {
            if ((arg = string_arg(src, &ts, i)))
                set_add(r->g, &r->given, src->text + arg->body, arg->body_len);
            else if (punct(src, &ts, i + 1, '('))
                r->given_dynamically = true;
        } else if (name_is(src, t, "has") && (arg = string_arg(src, &ts, i))) {
            add_use(r, 'h', src->text + arg->body, arg->body_len, src->path, line);
        } else if (name_is(src, t, "visits") && (arg = string_arg(src, &ts, i))) {
            add_use(r, 'v', src->text + arg->body, arg->body_len, src->path, line);
        }
    }
    free(ts.t);
}

/* The top-level keys of story.vars. */
static void read_declared(refs *r)
{
    lua_State *L = r->g->vm->L;
    char err[128];
    size_t pos = 0;
    const char *vars = r->g->initial_vars ? r->g->initial_vars : "{}";
    if (!story_serial_read(L, vars, strlen(vars), &pos, err, sizeof err)) return;
    lua_pushnil(L);
    while (lua_next(L, -2)) {
        if (lua_type(L, -2) == LUA_TSTRING) {
            size_t n;
            const char *k = lua_tolstring(L, -2, &n);
            set_add(r->g, &r->declared, k, n);
        }
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static void report_uses(refs *r, lint_ctx *ctx)
{
    char hint[200];
    for (size_t i = 0; i < r->use_count; i++) {
        const use *u = &r->uses[i];
        /* One report per name and line is enough. */
        bool again = false;
        for (size_t j = 0; j < i && !again; j++)
            again = r->uses[j].kind == u->kind && r->uses[j].line == u->line &&
                    r->uses[j].file == u->file && !strcmp(r->uses[j].name, u->name);
        if (again) continue;
        if (u->kind == 's' && !set_has(&r->declared, u->name)) {
            story_closest_hint(u->name, r->declared.names, r->declared.count, hint, sizeof hint);
            lint_report(ctx, u->file, u->line,
                        "s.%s: the state field '%s' is not declared in story { vars = ... }%s",
                        u->name, u->name, hint);
        } else if (u->kind == 'h' && !r->given_dynamically && !set_has(&r->given, u->name)) {
            story_closest_hint(u->name, r->given.names, r->given.count, hint, sizeof hint);
            lint_report(ctx, u->file, u->line, "has(\"%s\"): no code ever gives the item '%s'%s",
                        u->name, u->name, hint);
        } else if (u->kind == 'v' && story_graph_find(r->g, u->name) < 0) {
            story_closest_hint(u->name, r->scenes.names, r->scenes.count, hint, sizeof hint);
            lint_report(ctx, u->file, u->line, "visits(\"%s\"): there is no scene '%s'%s",
                        u->name, u->name, hint);
        }
    }
}

/* ---- words ---- */

/* The line of the n-th (0-based) string literal equal to `text` in the
 * story file from its story{} line on; the story line when not found. */
static int literal_line(story_graph *g, const char *text, int nth)
{
    const struct story_source *src = NULL;
    for (size_t i = 0; i < g->source_count && !src; i++)
        if (!strcmp(g->sources[i].path, g->story_file)) src = &g->sources[i];
    if (!src || g->story_line < 1 || (size_t)g->story_line > src->line_count) return g->story_line;
    size_t n = strlen(text);
    for (size_t p = src->line_starts[g->story_line - 1]; p + n + 2 <= src->len; p++) {
        char q = src->text[p];
        if ((q == '"' || q == '\'') && src->text[p + n + 1] == q &&
            !memcmp(src->text + p + 1, text, n) && nth-- == 0)
            return story_source_line(src, p);
    }
    return g->story_line;
}

static int fold_cmp(const char *a, const char *b)
{
    for (; *a && tolower((unsigned char)*a) == tolower((unsigned char)*b); a++, b++) {
    }
    return tolower((unsigned char)*a) - tolower((unsigned char)*b);
}

/* A word listed under two synonyms: the lexicon keeps one meaning, so one
 * of the two transitions that rely on it silently loses it. */
static void check_synonyms(story_graph *g, lint_ctx *ctx)
{
    for (size_t i = 0; i < g->synonym_count; i++)
        for (size_t a = 0; a < g->synonyms[i].count; a++) {
            const char *word = g->synonyms[i].alternatives[a];
            for (size_t j = i + 1; j < g->synonym_count; j++)
                for (size_t b = 0; b < g->synonyms[j].count; b++)
                    if (!fold_cmp(word, g->synonyms[j].alternatives[b]))
                        lint_report(ctx, g->story_file,
                                    literal_line(g, g->synonyms[j].alternatives[b], 1),
                                    "synonyms: '%s' is listed under both '%s' and '%s': the "
                                    "two transitions that use them both claim it, and the "
                                    "order you wrote them in is overruled",
                                    word, g->synonyms[i].word, g->synonyms[j].word);
        }
}

static void check_patterns(story_graph *g, lint_ctx *ctx)
{
    for (size_t i = 0; i < g->scene_count; i++) {
        story_scene *sc = &g->scenes[i];
        if (!story_graph_compile_scene(g, sc)) continue; /* lint.c reports it */
        for (size_t t = 0; t < sc->on_count; t++)
            for (size_t p = 0; p < sc->on[t].pattern_count; p++)
                if (mz_pattern_stop_only(sc->on[t].compiled[p]))
                    lint_report(ctx, sc->on[t].file, sc->on[t].line,
                                "scene '%s': pattern '%s' is made only of stop words, which "
                                "matching ignores elsewhere: it claims any line that has them "
                                "(say what the viewer does: 'go north', not 'go')",
                                sc->id, sc->on[t].patterns[p]);
    }
}

/* Descriptions are put into prompts word for word, never expanded: a
 * `{name}` inside one reaches the generator as it is. */
static void check_characters(story_graph *g, lint_ctx *ctx)
{
    for (size_t c = 0; c < g->char_count; c++) {
        char self[80];
        snprintf(self, sizeof self, "{%s}", g->char_names[c]);
        if (strstr(g->char_texts[c], self))
            lint_report(ctx, g->story_file, literal_line(g, g->char_texts[c], 0),
                        "characters: '%s' refers to itself ({%s}); a description is used word "
                        "for word, so describe it in plain words",
                        g->char_names[c], g->char_names[c]);
    }
}

void lint_refs(story_graph *g, lint_ctx *ctx)
{
    refs r = {.g = g};
    read_declared(&r);
    for (size_t i = 0; i < g->scene_count; i++)
        set_add(g, &r.scenes, g->scenes[i].id, strlen(g->scenes[i].id));
    for (size_t f = 0; f < g->source_count; f++)
        scan_source(&r, &g->sources[f], ctx);
    report_uses(&r, ctx);
    check_synonyms(g, ctx);
    check_patterns(g, ctx);
    check_characters(g, ctx);
    free(r.declared.names);
    free(r.given.names);
    free(r.scenes.names);
    free(r.uses);
}
