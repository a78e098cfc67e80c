/* graph.c — the story graph as data: its arena, the scene index, the
 * files it was loaded from (and lines in them), its languages, compiled
 * patterns. Filled by the loader (load.c), read by play and lint. */
#include "graph.h"

#include "rng.h"
#include "vm.h"

#include <lauxlib.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- arena: the graph's strings and arrays, freed at once ---- */
typedef struct arena_chunk {
    struct arena_chunk *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
} arena_chunk;

struct story_arena {
    arena_chunk *head;
};

static void *arena_alloc(story_arena *a, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (!a->head || a->head->cap - a->head->used < n) {
        size_t cap = n > 60000 ? n : 60000;
        arena_chunk *c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += n;
    memset(p, 0, n);
    return p;
}

static void arena_free(story_arena *a)
{
    if (!a) return;
    for (arena_chunk *c = a->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(a);
}

story_graph *story_graph_create(void)
{
    story_graph *g = calloc(1, sizeof *g);
    story_arena *arena = calloc(1, sizeof *arena);
    if (!g || !arena) {
        free(g);
        free(arena);
        mz_fail("out of memory");
        return NULL;
    }
    g->arena = arena;
    g->decls_ref = g->ids_ref = g->story_ref = LUA_NOREF;
    g->files_hash = STORY_HASH_INIT;
    g->start = -1;
    return g;
}

void *story_graph_alloc(story_graph *g, size_t n)
{
    return arena_alloc(g->arena, n);
}

const char *story_graph_strdup(story_graph *g, const char *s, size_t n)
{
    char *p = arena_alloc(g->arena, n + 1);
    if (!p) return "";
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* ---- scene index ---- */
int story_graph_find(const story_graph *g, const char *id)
{
    if (!g->index_size) return -1;
    size_t mask = g->index_size - 1;
    for (size_t i = story_hash(id, strlen(id), STORY_HASH_INIT) & mask;; i = (i + 1) & mask) {
        int s = g->index[i];
        if (s < 0) return -1;
        if (!strcmp(g->scenes[s].id, id)) return s;
    }
}

bool story_graph_index(story_graph *g)
{
    size_t size = 16;
    while (size < g->scene_count * 2)
        size *= 2;
    g->index = malloc(size * sizeof *g->index);
    if (!g->index) return mz_fail("out of memory");
    memset(g->index, 0xff, size * sizeof *g->index); /* all -1 */
    g->index_size = size;
    for (size_t s = 0; s < g->scene_count; s++) {
        const char *id = g->scenes[s].id;
        size_t i = story_hash(id, strlen(id), STORY_HASH_INIT) & (size - 1);
        while (g->index[i] >= 0)
            i = (i + 1) & (size - 1);
        g->index[i] = (int)s;
    }
    return true;
}

/* ---- sources ---- */
bool story_graph_add_source(story_graph *g, const char *path, const char *text, size_t len)
{
    for (size_t i = 0; i < g->source_count; i++)
        if (!strcmp(g->sources[i].path, path)) return false;
    struct story_source *src = realloc(g->sources, (g->source_count + 1) * sizeof *src);
    if (!src) return false;
    g->sources = src;
    struct story_source *s = &src[g->source_count];
    *s = (struct story_source){.path = story_graph_strdup(g, path, strlen(path))};
    s->text = malloc(len + 1);
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    s->line_starts = malloc(lines * sizeof *s->line_starts);
    if (!s->text || !s->line_starts) {
        free(s->text);
        free(s->line_starts);
        return false;
    }
    memcpy(s->text, text, len);
    s->text[len] = '\0';
    s->len = len;
    s->line_starts[s->line_count++] = 0;
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n') s->line_starts[s->line_count++] = i + 1;
    g->source_count++;
    /* The hash covers names relative to the folder, so moving it keeps saves valid. */
    size_t dir_len = strlen(g->dir);
    const char *rel = strncmp(path, g->dir, dir_len) ? path : path + dir_len;
    g->files_hash = story_hash(rel, strlen(rel) + 1, g->files_hash);
    g->files_hash = story_hash(text, len, g->files_hash);
    return true;
}

const struct story_source *story_graph_source(const story_graph *g, const char *path)
{
    for (size_t i = 0; i < g->source_count; i++)
        if (!strcmp(g->sources[i].path, path)) return &g->sources[i];
    return NULL;
}

int story_source_line(const struct story_source *src, size_t pos)
{
    size_t lo = 0, hi = src->line_count;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (src->line_starts[mid] <= pos)
            lo = mid;
        else
            hi = mid;
    }
    return (int)lo + 1;
}

int story_source_quoted_line(const struct story_source *src, const char *text, size_t from,
                             size_t end, size_t *after)
{
    size_t n = strlen(text);
    for (size_t p = from; src && p + n + 2 <= end; p++) {
        char q = src->text[p];
        if ((q == '"' || q == '\'') && src->text[p + n + 1] == q &&
            !memcmp(src->text + p + 1, text, n)) {
            if (after) *after = p + n + 2;
            return story_source_line(src, p);
        }
    }
    return 0;
}

static bool ident_char(char c)
{
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* Whether the line t..end begins another declaration. */
static bool starts_declaration(const char *t, const char *end)
{
    static const char *const words[] = {"scene", "ending", "story"};
    while (t < end && (*t == ' ' || *t == '\t'))
        t++;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        size_t n = strlen(words[i]);
        if ((size_t)(end - t) > n && !memcmp(t, words[i], n) && !ident_char(t[n])) return true;
    }
    return false;
}

/* Whether `key =` (or `["key"] =`) starts at p, within t..end. */
static bool field_at(const char *t, const char *p, const char *end, const char *key, size_t n)
{
    if ((size_t)(end - p) < n || memcmp(p, key, n)) return false;
    const char *q = p + n;
    char quote = p > t ? p[-1] : '\0';
    if (quote == '"' || quote == '\'') {
        if (p - t < 2 || p[-2] != '[' || end - q < 2 || q[0] != quote || q[1] != ']') return false;
        q += 2;
    } else if ((p > t && ident_char(p[-1])) || (q < end && ident_char(*q))) {
        return false;
    }
    while (q < end && (*q == ' ' || *q == '\t'))
        q++;
    return q < end && *q == '=' && (q + 1 >= end || q[1] != '=');
}

int story_graph_field_line(const story_graph *g, const char *file, int line, const char *key)
{
    const struct story_source *src = story_graph_source(g, file);
    if (!src || line < 1 || (size_t)line > src->line_count) return line;
    size_t n = strlen(key);
    for (size_t l = (size_t)line - 1; l < src->line_count; l++) {
        const char *t = src->text + src->line_starts[l];
        const char *end =
            l + 1 < src->line_count ? src->text + src->line_starts[l + 1] : src->text + src->len;
        if (l >= (size_t)line && starts_declaration(t, end)) break;
        for (const char *p = t; p < end; p++)
            if (field_at(t, p, end, key, n)) return (int)l + 1;
    }
    return line;
}

/* ---- "did you mean" ---- */

static size_t edit_distance(const char *a, const char *b)
{
    size_t n = strlen(a), m = strlen(b);
    if (n > 64 || m > 64) return 99;
    size_t row[65];
    for (size_t j = 0; j <= m; j++)
        row[j] = j;
    for (size_t i = 1; i <= n; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t up = row[j];
            size_t best =
                diag + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[m];
}

void story_closest_hint(const char *name, const char *const *names, size_t count, char *out,
                        size_t cap)
{
    size_t best = 99, limit = strlen(name) / 3 > 1 ? strlen(name) / 3 : 1;
    const char *found = NULL;
    for (size_t i = 0; i < count; i++) {
        size_t d = edit_distance(name, names[i]);
        if (d && d <= limit && d < best) {
            best = d;
            found = names[i];
        }
    }
    if (found)
        snprintf(out, cap, " (did you mean '%s'?)", found);
    else
        out[0] = '\0';
}

void story_did_you_mean(const story_graph *g, const char *name, char *out, size_t cap)
{
    const char **ids = malloc((g->scene_count ? g->scene_count : 1) * sizeof *ids);
    out[0] = '\0';
    if (!ids) return;
    for (size_t i = 0; i < g->scene_count; i++)
        ids[i] = g->scenes[i].id;
    story_closest_hint(name, ids, g->scene_count, out, cap);
    free(ids);
}

/* ---- languages ---- */
int story_graph_language(const story_graph *g, const char *code)
{
    for (size_t i = 0; i < g->language_count; i++)
        if (!strcmp(g->languages[i], code)) return (int)i;
    return -1;
}

int story_pick_language(const story_graph *g, lua_State *L)
{
    int type = lua_type(L, -1);
    if (type != LUA_TTABLE || !g->language_count) return type;
    int v = lua_gettop(L);
    lua_pushstring(L, g->languages[g->lang]);
    if (lua_rawget(L, v) == LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushstring(L, g->languages[0]);
        lua_rawget(L, v);
    }
    lua_replace(L, v);
    return lua_type(L, v);
}

bool story_graph_compile_scene(story_graph *g, story_scene *sc)
{
    if (sc->compiled) return true;
    for (size_t t = 0; t < sc->on_count; t++) {
        story_transition *tr = &sc->on[t];
        tr->compiled = story_graph_alloc(g, (tr->pattern_count + 1) * sizeof *tr->compiled);
        if (!tr->compiled) return mz_fail("out of memory");
        for (size_t p = 0; p < tr->pattern_count; p++) {
            tr->compiled[p] = mz_pattern_compile(g->lex, tr->patterns[p]);
            if (!tr->compiled[p]) {
                sc->compiled = true; /* a NULL pattern never matches; don't retry each turn */
                return mz_fail("%s:%d: cannot compile pattern '%s'", tr->file, tr->line,
                               tr->patterns[p]);
            }
        }
    }
    sc->compiled = true;
    return true;
}

void story_graph_destroy(story_graph *g)
{
    if (!g) return;
    for (size_t i = 0; i <= g->scene_count; i++)
        for (size_t t = 0; t < (i < g->scene_count ? g->scenes[i] : g->global).on_count; t++) {
            story_transition *tr = &(i < g->scene_count ? g->scenes[i] : g->global).on[t];
            for (size_t p = 0; tr->compiled && p < tr->pattern_count; p++)
                if (tr->compiled[p]) mz_pattern_destroy(tr->compiled[p]);
        }
    story_vm_destroy(g->vm);
    mz_lexicon_destroy(g->lex);
    for (size_t i = 0; i < g->source_count; i++) {
        free(g->sources[i].text);
        free(g->sources[i].line_starts);
    }
    free(g->sources);
    free(g->scenes);
    free(g->index);
    free(g->initial_vars);
    arena_free(g->arena);
    free(g);
}
