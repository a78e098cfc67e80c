/* load.c — loading a story: run its files in the sandbox, then read what
 * they declared into C (story_graph, graph.c) and check it.
 *
 * Reading uses raw accesses only (no metamethods run outside the sandbox's
 * pcall). Problems are reported with the file and line of the declaration;
 * in play mode the first fatal one fails the load, the others are logged. */
#include "load.h"

#include "bind_story.h"
#include "serial.h"
#include "variant.h"
#include "vm.h"

#include "mz_log.h"
#include "mz_text.h"

#include <lauxlib.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct loader {
    story_graph *g;
    lua_State *L;
    const story_load_options *opt;
    int fatal;
    char first[MZ_ERROR_MAX];
    /* Registry tables indexed by language (1-based): each per-language
     * file's table of id -> text, and the ids of it that were looked up. */
    int files_ref, used_ref;
    const char *file; /* the declaration being read, for problems with its text */
    int line;
} loader;

static void problem(loader *ld, bool fatal, const char *file, int line, const char *fmt, ...)
    MZ_PRINTF(5, 6);

static void problem(loader *ld, bool fatal, const char *file, int line, const char *fmt, ...)
{
    char msg[MZ_ERROR_MAX - 200]; /* room for "file:line: " in ld->first */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ld->opt->problem) {
        ld->opt->problem(file, line, msg, ld->opt->user);
    } else if (fatal && !ld->fatal) {
        snprintf(ld->first, sizeof ld->first, "%s:%d: %s", file, line, msg);
    } else if (!fatal) {
        mz_log_warn("%s:%d: %s", file, line, msg);
    }
    if (fatal) ld->fatal++;
}

/* Splits "file:line: message" (a Lua error) and reports it. */
static void lua_problem(loader *ld, const char *error)
{
    const char *colon = strchr(error, ':');
    char file[4096];
    int line = 0;
    if (colon && (size_t)(colon - error) < sizeof file) {
        char *end;
        long l = strtol(colon + 1, &end, 10);
        if (end > colon + 1 && *end == ':') {
            memcpy(file, error, (size_t)(colon - error));
            file[colon - error] = '\0';
            line = (int)l;
            error = end + 1;
            while (*error == ' ')
                error++;
            problem(ld, true, file, line, "%s", error);
            return;
        }
    }
    problem(ld, true, ld->g->path, 0, "%s", error);
}

static int rawfield(lua_State *L, int t, const char *k)
{
    lua_pushstring(L, k);
    return lua_rawget(L, t);
}

/* Every text the story gives C goes through here: C strings end at a NUL,
 * so one inside would cut the text short without a word. (Lint finds NULs
 * in the story's strings at their own line, so it is told only there.) */
static const char *arena_string(loader *ld, int idx)
{
    size_t n;
    const char *s = lua_tolstring(ld->L, idx, &n);
    if (memchr(s, '\0', n) && !ld->opt->problem)
        problem(ld, true, ld->file ? ld->file : ld->g->path, ld->line,
                "text with a NUL byte in it (\"%s\\0...\")", s);
    return story_graph_strdup(ld->g, s, n);
}

/* Reports a text longer than max, at the line of its field. */
static void check_size(loader *ld, const char *text, size_t max, const char *file, int line,
                       const char *what, const char *key)
{
    size_t n = text ? strlen(text) : 0;
    if (n > max)
        problem(ld, true, file, story_graph_field_line(ld->g, file, line, key),
                "%s: '%s' is %zu bytes, more than the %zu allowed", what, key, n, max);
}

/* Entries of the table at idx, of any kind of key ([-0, +0]). */
static size_t table_size(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        n++;
        lua_pop(L, 1);
    }
    return n;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int ref_function(lua_State *L, int idx)
{
    lua_pushvalue(L, idx);
    return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* Reports keys of table t that are not in `known` (NULL-terminated) and not
 * array indices when `array` is set. */
static void check_fields(loader *ld, int t, const char *const *known, bool array, const char *file,
                         int line, const char *what)
{
    lua_State *L = ld->L;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING) {
            const char *k = lua_tostring(L, -1);
            const char *const *n = known;
            while (*n && strcmp(*n, k))
                n++;
            if (!*n && !(array && story_graph_language(ld->g, k) >= 0))
                problem(ld, false, file, story_graph_field_line(ld->g, file, line, k),
                        "%s: unknown field '%s'", what, k);
        } else if (!(array && lua_isinteger(L, -1))) {
            problem(ld, false, file, line, "%s: unexpected %s key", what, luaL_typename(L, -1));
        }
    }
}

/* The value at idx, a string or a list of strings, into the arena; false
 * when it is neither. */
static bool list_at(loader *ld, int idx, const char ***out, size_t *count)
{
    lua_State *L = ld->L;
    idx = lua_absindex(L, idx);
    *out = NULL;
    *count = 0;
    int type = lua_type(L, idx);
    if (type == LUA_TSTRING) { /* one tag alone is a list of one */
        *out = story_graph_alloc(ld->g, sizeof **out);
        if (*out) (*out)[(*count)++] = arena_string(ld, idx);
        return true;
    }
    if (type != LUA_TTABLE) return type == LUA_TNIL;
    bool ok = true;
    size_t n = lua_rawlen(L, idx);
    *out = story_graph_alloc(ld->g, (n ? n : 1) * sizeof **out);
    for (size_t i = 1; *out && i <= n; i++) {
        if (lua_rawgeti(L, idx, (lua_Integer)i) != LUA_TSTRING)
            ok = false;
        else
            (*out)[(*count)++] = arena_string(ld, -1);
        lua_pop(L, 1);
    }
    return ok;
}

static bool string_list(loader *ld, int t, const char *key, const char ***out, size_t *count)
{
    rawfield(ld->L, t, key);
    bool ok = list_at(ld, -1, out, count);
    lua_pop(ld->L, 1);
    return ok;
}

/* ---- languages ---- */

/* Problems only lint wants to hear about: playing in a language with a
 * text missing falls back on the first language's, quietly. */
#define lint_problem(ld, ...)                                                                      \
    do {                                                                                           \
        if ((ld)->opt->problem) problem((ld), false, __VA_ARGS__);                                 \
    } while (0)

/* The per-language file's entry for `id` in language li [-0, +1], marked
 * as used; nil when there is none. */
static int translation(loader *ld, size_t li, const char *id)
{
    lua_State *L = ld->L;
    if (ld->files_ref == LUA_NOREF) {
        lua_pushnil(L);
        return LUA_TNIL;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, ld->files_ref);
    if (lua_rawgeti(L, -1, (lua_Integer)li + 1) != LUA_TTABLE) {
        lua_pop(L, 2);
        lua_pushnil(L);
        return LUA_TNIL;
    }
    int type = rawfield(L, lua_gettop(L), id);
    lua_replace(L, -3);
    lua_pop(L, 1);
    if (type != LUA_TNIL && ld->opt->problem) { /* only lint asks what was used */
        lua_rawgeti(L, LUA_REGISTRYINDEX, ld->used_ref);
        lua_rawgeti(L, -1, (lua_Integer)li + 1);
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, id);
        lua_pop(L, 2);
    }
    return type;
}

/* A table of texts by language: each declared language should have one,
 * and nothing else should be there. */
static void check_by_language(loader *ld, int v, const char *id, const char *file, int line)
{
    lua_State *L = ld->L;
    story_graph *g = ld->g;
    for (size_t li = 0; li < g->language_count; li++) {
        if (rawfield(L, v, g->languages[li]) == LUA_TNIL)
            lint_problem(ld, file, line, "%s: no '%s' text", id, g->languages[li]);
        lua_pop(L, 1);
    }
    lua_pushnil(L);
    while (lua_next(L, v)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            lint_problem(ld, file, line, "%s: a %s key among the languages", id,
                         luaL_typename(L, -1));
        else if (story_graph_language(g, lua_tostring(L, -1)) < 0)
            lint_problem(ld, file, line, "%s: '%s' is not one of the story's languages", id,
                         lua_tostring(L, -1));
    }
}

/* The value on top in the language played [-1, +1]: a table by language
 * gives its entry, else the first language's; a plain value (string or
 * function) is in the first language and the per-language files give the
 * others, under `id`. */
static int in_language(loader *ld, bool by_language, const char *id, const char *file, int line)
{
    lua_State *L = ld->L;
    story_graph *g = ld->g;
    if (by_language) {
        check_by_language(ld, lua_gettop(L), id, file, line);
        return story_pick_language(g, L);
    }
    /* A function may return a table by language: nothing to miss. */
    bool report = lua_type(L, -1) != LUA_TFUNCTION;
    for (size_t li = 1; li < g->language_count; li++) {
        if (!ld->opt->problem && li != g->lang) continue; /* playing: one language */
        int type = translation(ld, li, id);
        if (type == LUA_TNIL && report)
            lint_problem(ld, file, line, "%s: no '%s' translation (lang/%s.lua [\"%s\"])", id,
                         g->languages[li], g->languages[li], id);
        if (type != LUA_TNIL && li == g->lang)
            lua_replace(L, -2);
        else
            lua_pop(L, 1);
    }
    return lua_type(L, -1);
}

/* t[key] in the language played [-0, +1] (see in_language). */
static int push_text(loader *ld, int t, const char *key, const char *id, const char *file, int line)
{
    int type = rawfield(ld->L, t, key);
    if (!ld->g->language_count || type == LUA_TNIL) return type;
    return in_language(ld, type == LUA_TTABLE, id, file, line);
}

/* The patterns of transition t in the language played [-0, +1]: a table
 * whose list part holds them (t itself for the first language). */
static void push_patterns(loader *ld, int t, const char *id, const char *file, int line)
{
    lua_State *L = ld->L;
    story_graph *g = ld->g;
    bool played = false;
    for (size_t li = 0; li < g->language_count; li++) {
        if (!ld->opt->problem && li != g->lang) continue; /* playing: one language */
        bool have = rawfield(L, t, g->languages[li]) == LUA_TTABLE;
        if (!have && li > 0) {
            lua_pop(L, 1);
            have = translation(ld, li, id) == LUA_TTABLE;
        }
        if (!have && li > 0)
            lint_problem(ld, file, line,
                         "%s: no '%s' patterns (%s = { ... } or lang/%s.lua [\"%s\"])", id,
                         g->languages[li], g->languages[li], g->languages[li], id);
        if (have && li == g->lang && !played) {
            played = true;
            continue; /* stays pushed */
        }
        lua_pop(L, 1);
    }
    if (!played) lua_pushvalue(L, t);
}

/* story { languages = { "en", "fr" } }, and the language desc->lang asks
 * for; before the scenes, whose texts depend on it. */
static void read_languages(loader *ld)
{
    lua_State *L = ld->L;
    story_graph *g = ld->g;
    const char *want = ld->opt->desc->lang;
    if (g->story_ref == LUA_NOREF) return; /* read_story says so */
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->story_ref);
    int type = rawfield(L, lua_gettop(L), "languages");
    const char **codes = NULL;
    size_t n = 0;
    bool ok = list_at(ld, -1, &codes, &n);
    lua_pop(L, 2);
    for (size_t i = 0; ok && i < n; i++) {
        size_t len = strlen(codes[i]);
        ok = len >= 2 && len < 16 && strspn(codes[i], "abcdefghijklmnopqrstuvwxyz-_") == len;
        for (size_t j = 0; ok && j < i; j++)
            ok = strcmp(codes[i], codes[j]) != 0;
    }
    if (!ok || (type == LUA_TTABLE && !n)) {
        problem(ld, true, g->story_file, g->story_line,
                "story: 'languages' must list language codes, each once: { \"en\", \"fr\" }");
        n = 0;
    }
    g->languages = codes;
    g->language_count = n;
    if (want && *want) {
        int i = story_graph_language(g, want);
        char list[256] = "";
        for (size_t j = 0; j < n; j++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", j ? ", " : "",
                     codes[j]);
        if (i < 0 && n)
            problem(ld, true, g->story_file, g->story_line,
                    "the story has no language '%s' (it has %s)", want, list);
        else if (i < 0)
            problem(ld, true, g->story_file, g->story_line,
                    "the story declares no languages, so it has no '%s' (story { languages = "
                    "{ ... } })",
                    want);
        else
            g->lang = (size_t)i;
    }
    lua_newtable(L);
    lua_newtable(L);
    for (size_t li = 1; li < n; li++) {
        char path[1024];
        struct stat st;
        snprintf(path, sizeof path, "%s/lang/%s.lua", g->dir, codes[li]);
        lua_newtable(L);
        lua_rawseti(L, -2, (lua_Integer)li + 1);
        if (stat(path, &st) != 0) continue;
        g->vm->loading = true;
        bool ran = story_vm_run_file(g->vm, path, 1);
        g->vm->loading = false;
        if (!ran)
            lua_problem(ld, mz_error());
        else if (lua_type(L, -1) != LUA_TTABLE)
            problem(ld, true, path, 1, "a language file must return a table of texts by id");
        if (ran && lua_type(L, -1) == LUA_TTABLE)
            lua_rawseti(L, -3, (lua_Integer)li + 1);
        else if (ran)
            lua_pop(L, 1);
    }
    ld->used_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    ld->files_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* Ids in the per-language files that translate nothing: a scene renamed, a
 * typo. Reported at their line in the file. */
static void check_unused_translations(loader *ld)
{
    lua_State *L = ld->L;
    story_graph *g = ld->g;
    if (!ld->opt->problem || ld->files_ref == LUA_NOREF) return;
    for (size_t li = 1; li < g->language_count; li++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/lang/%s.lua", g->dir, g->languages[li]);
        const struct story_source *src = story_graph_source(g, path);
        lua_rawgeti(L, LUA_REGISTRYINDEX, ld->files_ref);
        if (lua_rawgeti(L, -1, (lua_Integer)li + 1) != LUA_TTABLE) { /* no lang/CODE.lua */
            lua_pop(L, 2);
            continue;
        }
        lua_rawgeti(L, LUA_REGISTRYINDEX, ld->used_ref);
        lua_rawgeti(L, -1, (lua_Integer)li + 1);
        lua_pushnil(L);
        while (lua_next(L, -4)) {
            lua_pop(L, 1);
            if (lua_type(L, -1) != LUA_TSTRING) {
                problem(ld, false, path, 0, "ids must be strings");
                continue;
            }
            const char *id = lua_tostring(L, -1);
            lua_pushvalue(L, -1);
            bool used = lua_rawget(L, -3) != LUA_TNIL;
            lua_pop(L, 1);
            if (!used)
                problem(ld, false, path,
                        src ? story_source_quoted_line(src, id, 0, src->len, NULL) : 0,
                        "'%s' translates nothing in the story", id);
        }
        lua_pop(L, 4);
    }
}

/* prompt/caption: a string or a function. */
static void text_or_function(loader *ld, int body, const char *key, const char **text, int *ref,
                             bool required, size_t max, const story_scene *sc)
{
    lua_State *L = ld->L;
    char id[300];
    snprintf(id, sizeof id, "%s.%s", sc->id, key);
    /* Prompts stay in the generator's language. */
    int type = strcmp(key, "prompt") ? push_text(ld, body, key, id, sc->file, sc->line)
                                     : rawfield(L, body, key);
    *text = NULL;
    *ref = LUA_NOREF;
    if (type == LUA_TSTRING)
        *text = arena_string(ld, -1);
    else if (type == LUA_TFUNCTION)
        *ref = ref_function(L, -1);
    else if (type != LUA_TNIL || required)
        problem(ld, true, sc->file, sc->line, "scene '%s': %s %s (a string or a function)", sc->id,
                key, type == LUA_TNIL ? "is missing" : "has the wrong type");
    lua_pop(L, 1);
    char what[300];
    snprintf(what, sizeof what, "scene '%s'", sc->id);
    check_size(ld, *text, max, sc->file, sc->line, what, key);
}

static int optional_function(loader *ld, int t, const char *key, const char *file, int line,
                             const char *what)
{
    int type = rawfield(ld->L, t, key);
    int ref = LUA_NOREF;
    if (type == LUA_TFUNCTION)
        ref = ref_function(ld->L, -1);
    else if (type != LUA_TNIL)
        problem(ld, true, file, line, "%s: '%s' must be a function, not a %s", what, key,
                lua_typename(ld->L, type));
    lua_pop(ld->L, 1);
    return ref;
}

/* t[key], a string; translated (see push_text) when id is not NULL. */
static const char *optional_string(loader *ld, int t, const char *key, const char *id,
                                   const char *file, int line, const char *what)
{
    int type = id ? push_text(ld, t, key, id, file, line) : rawfield(ld->L, t, key);
    const char *s = NULL;
    if (type == LUA_TSTRING)
        s = arena_string(ld, -1);
    else if (type != LUA_TNIL)
        problem(ld, true, file, line, "%s: '%s' must be a string, not a %s", what, key,
                lua_typename(ld->L, type));
    lua_pop(ld->L, 1);
    return s;
}

static void read_transition(loader *ld, story_scene *sc, int t, story_transition *tr, size_t n)
{
    lua_State *L = ld->L;
    static const char *const known[] = {"to", "when", "effect", "reply", "refuse", "id", NULL};
    char what[300], id[300], sub[320];
    snprintf(what, sizeof what, "scene '%s', transition %zu", sc->id, n);
    tr->file = sc->file;
    tr->line = sc->line;
    tr->to_ref = tr->when_ref = tr->effect_ref = LUA_NOREF;
    tr->to_scene = -1;
    check_fields(ld, t, known, true, sc->file, sc->line, what);
    /* Its stable id for the per-language files: "scene.ID", else "scene.N". */
    if (rawfield(L, t, "id") == LUA_TSTRING)
        snprintf(id, sizeof id, "%s.%s", sc->id, lua_tostring(L, -1));
    else
        snprintf(id, sizeof id, "%s.%zu", sc->id, n);
    lua_pop(L, 1);
    push_patterns(ld, t, id, sc->file, sc->line);
    int list = lua_gettop(L);
    size_t count = lua_rawlen(L, list);
    tr->patterns = story_graph_alloc(ld->g, (count ? count : 1) * sizeof *tr->patterns);
    for (size_t i = 1; tr->patterns && i <= count; i++) {
        if (lua_rawgeti(L, list, (lua_Integer)i) == LUA_TSTRING && lua_rawlen(L, -1) > 0)
            tr->patterns[tr->pattern_count++] = arena_string(ld, -1);
        else
            problem(ld, true, sc->file, sc->line, "%s: pattern %zu must be a non-empty string",
                    what, i);
        lua_pop(L, 1);
    }
    lua_pop(L, 1); /* list */
    if (count == 0)
        problem(ld, true, sc->file, sc->line, "%s has no patterns (what might the viewer type?)",
                what);
    int type = rawfield(L, t, "to");
    if (type == LUA_TSTRING)
        tr->to = arena_string(ld, -1);
    else if (type == LUA_TFUNCTION)
        tr->to_ref = ref_function(L, -1);
    else if (type != LUA_TNIL)
        problem(ld, true, sc->file, sc->line, "%s: 'to' must be a scene id or a function", what);
    lua_pop(L, 1);
    tr->when_ref = optional_function(ld, t, "when", sc->file, sc->line, what);
    tr->effect_ref = optional_function(ld, t, "effect", sc->file, sc->line, what);
    snprintf(sub, sizeof sub, "%s.reply", id);
    tr->reply = optional_string(ld, t, "reply", sub, sc->file, sc->line, what);
    snprintf(sub, sizeof sub, "%s.refuse", id);
    tr->refuse = optional_string(ld, t, "refuse", sub, sc->file, sc->line, what);
    check_size(ld, tr->reply, MZ_STORY_MAX_REPLY, sc->file, sc->line, what, "reply");
    check_size(ld, tr->refuse, MZ_STORY_MAX_REPLY, sc->file, sc->line, what, "refuse");
}

/* The `on` list of a scene (or of the story: transitions for every scene). */
static void read_on(loader *ld, int body, story_scene *sc, const char *what)
{
    lua_State *L = ld->L;
    int type = rawfield(L, body, "on");
    if (type == LUA_TTABLE) {
        size_t n = lua_rawlen(L, -1);
        sc->on = story_graph_alloc(ld->g, (n ? n : 1) * sizeof *sc->on);
        for (size_t i = 1; sc->on && i <= n; i++) {
            if (lua_rawgeti(L, -1, (lua_Integer)i) == LUA_TTABLE)
                read_transition(ld, sc, lua_gettop(L), &sc->on[sc->on_count++], i);
            else
                problem(ld, true, sc->file, sc->line,
                        "%s: transition %zu must be a table { \"pattern\", to = \"scene\" }", what,
                        i);
            lua_pop(L, 1);
        }
    } else if (type != LUA_TNIL) {
        problem(ld, true, sc->file, sc->line, "%s: 'on' must be a list of transitions", what);
    }
    lua_pop(L, 1);
}

/* prompt = { {"a misty harbour", 0.7}, {"a storm", 0.3} } at `list`:
 * weighted prompts the generator blends. The weights are normalised here;
 * sc->prompt becomes the heaviest text, for what reads one prompt. */
static void read_prompt_list(loader *ld, int list, story_scene *sc, const char *what)
{
    lua_State *L = ld->L;
    int line = story_graph_field_line(ld->g, sc->file, sc->line, "prompt");
    size_t n = lua_rawlen(L, list);
    if (n < 1 || n > MZ_STORY_MAX_PROMPTS || table_size(L, list) != n) {
        problem(ld, true, sc->file, line,
                "%s: 'prompt' as a list needs 1 to %d {\"text\", weight} pairs", what,
                MZ_STORY_MAX_PROMPTS);
        return;
    }
    sc->prompt_texts = story_graph_alloc(ld->g, n * sizeof *sc->prompt_texts);
    sc->prompt_weights = story_graph_alloc(ld->g, n * sizeof *sc->prompt_weights);
    if (!sc->prompt_texts || !sc->prompt_weights) return;
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, list, (lua_Integer)i + 1);
        /* Exactly a pair: a third member would be silently dropped. */
        bool pair = lua_istable(L, -1) && table_size(L, -1) == 2;
        int text = pair ? lua_rawgeti(L, -1, 1) : LUA_TNONE;
        int weight = text != LUA_TNONE ? lua_rawgeti(L, -2, 2) : LUA_TNONE;
        double w = weight == LUA_TNUMBER ? lua_tonumber(L, -1) : -1;
        if (text != LUA_TSTRING || weight != LUA_TNUMBER) {
            problem(ld, true, sc->file, line, "%s: prompt %zu must be {\"text\", weight}", what,
                    i + 1);
        } else if (!(w >= 0 && w <= 1e6)) {
            problem(ld, true, sc->file, line, "%s: prompt %zu has weight %g (a number in 0..1e6)",
                    what, i + 1, w);
        } else {
            sc->prompt_texts[sc->prompt_count] = arena_string(ld, -2);
            sc->prompt_weights[sc->prompt_count++] = (float)w;
            sum += w;
            check_size(ld, sc->prompt_texts[sc->prompt_count - 1], MZ_STORY_MAX_PROMPT, sc->file,
                       sc->line, what, "prompt");
        }
        lua_pop(L, 1 + (text != LUA_TNONE) + (weight != LUA_TNONE));
    }
    if (sc->prompt_count < n) return;
    if (!(sum > 0)) {
        problem(ld, true, sc->file, line, "%s: the prompt weights are all 0", what);
        return;
    }
    size_t heaviest = 0;
    for (size_t i = 0; i < n; i++) {
        sc->prompt_weights[i] = (float)(sc->prompt_weights[i] / sum);
        if (sc->prompt_weights[i] > sc->prompt_weights[heaviest]) heaviest = i;
    }
    sc->prompt = sc->prompt_texts[heaviest];
}

/* transition_steps = 8 (frames), transition_method = "linear" | "slerp". */
static void read_transition_steps(loader *ld, int body, story_scene *sc, const char *what)
{
    lua_State *L = ld->L;
    int type = rawfield(L, body, "transition_steps");
    lua_Number steps = lua_tonumber(L, -1);
    if (type == LUA_TNUMBER && steps >= 1 && steps <= MZ_STORY_MAX_TRANSITION_STEPS &&
        steps == (lua_Number)(int)steps)
        sc->transition_steps = (int)steps;
    else if (type != LUA_TNIL)
        problem(ld, true, sc->file,
                story_graph_field_line(ld->g, sc->file, sc->line, "transition_steps"),
                "%s: 'transition_steps' must be a whole number of frames in 1..%d", what,
                MZ_STORY_MAX_TRANSITION_STEPS);
    lua_pop(L, 1);
    const char *method =
        optional_string(ld, body, "transition_method", NULL, sc->file, sc->line, what);
    if (method && strcmp(method, "linear") && strcmp(method, "slerp"))
        problem(ld, true, sc->file,
                story_graph_field_line(ld->g, sc->file, sc->line, "transition_method"),
                "%s: 'transition_method' must be \"linear\" or \"slerp\", not \"%s\"", what,
                method);
    else if (method && !sc->transition_steps)
        problem(ld, false, sc->file, sc->line,
                "%s: 'transition_method' without 'transition_steps' does nothing", what);
    else if (sc->transition_steps)
        sc->transition_method = method ? method : "linear";
}

static void read_scene(loader *ld, int decl, story_scene *sc)
{
    lua_State *L = ld->L;
    story_graph *g = ld->g;
    static const char *const known[] = {"prompt",
                                        "caption",
                                        "sound",
                                        "sound_files",
                                        "on",
                                        "otherwise",
                                        "enter",
                                        "leave",
                                        "transition",
                                        "hint",
                                        "variants",
                                        "transition_steps",
                                        "transition_method",
                                        NULL};
    rawfield(L, decl, "id");
    sc->id = arena_string(ld, -1);
    rawfield(L, decl, "file");
    sc->file = arena_string(ld, -1);
    rawfield(L, decl, "line");
    sc->line = (int)lua_tointeger(L, -1);
    rawfield(L, decl, "ending");
    sc->ending = lua_toboolean(L, -1);
    lua_pop(L, 4);
    ld->file = sc->file;
    ld->line = sc->line;
    sc->prompt_ref = sc->caption_ref = sc->otherwise_ref = sc->hint_ref = LUA_NOREF;
    sc->enter_ref = sc->leave_ref = LUA_NOREF;
    sc->transition_s = -1;
    if (rawfield(L, decl, "body") != LUA_TTABLE) {
        problem(ld, true, sc->file, sc->line, "scene '%s' has no body: scene \"%s\" { ... }",
                sc->id, sc->id);
        lua_pop(L, 1);
        return;
    }
    int body = lua_gettop(L);
    char what[300];
    snprintf(what, sizeof what, "scene '%s'", sc->id);
    check_fields(ld, body, known, false, sc->file, sc->line, what);
    if (rawfield(L, body, "prompt") == LUA_TTABLE)
        read_prompt_list(ld, lua_gettop(L), sc, what);
    else
        text_or_function(ld, body, "prompt", &sc->prompt, &sc->prompt_ref, true,
                         MZ_STORY_MAX_PROMPT, sc);
    lua_pop(L, 1);
    read_transition_steps(ld, body, sc, what);
    text_or_function(ld, body, "caption", &sc->caption, &sc->caption_ref, false,
                     MZ_STORY_MAX_CAPTION, sc);
    text_or_function(ld, body, "hint", &sc->hint, &sc->hint_ref, false, MZ_STORY_MAX_REPLY, sc);
    if (!string_list(ld, body, "sound", &sc->sound, &sc->sound_count))
        problem(ld, true, sc->file, sc->line, "%s: 'sound' must be a list of tags", what);
    const char **files;
    size_t nfiles;
    if (!string_list(ld, body, "sound_files", &files, &nfiles))
        problem(ld, true, sc->file, sc->line, "%s: 'sound_files' must be a list of file names",
                what);
    sc->sound_files = files;
    for (size_t i = 0; i < nfiles; i++) {
        char err[300];
        if (!story_check_relative(files[i], err, sizeof err)) {
            problem(ld, true, sc->file, sc->line, "%s: sound file %s", what, err);
            continue;
        }
        char path[1024];
        int n = snprintf(path, sizeof path, "%s/%s", g->dir, files[i]);
        sc->sound_files[sc->sound_file_count++] = story_graph_strdup(g, path, (size_t)n);
    }
    sc->enter_ref = optional_function(ld, body, "enter", sc->file, sc->line, what);
    sc->leave_ref = optional_function(ld, body, "leave", sc->file, sc->line, what);
    int type = rawfield(L, body, "transition");
    if (type == LUA_TNUMBER && lua_tonumber(L, -1) >= 0)
        sc->transition_s = (float)lua_tonumber(L, -1);
    else if (type != LUA_TNIL)
        problem(ld, true, sc->file, sc->line, "%s: 'transition' must be seconds (>= 0)", what);
    lua_pop(L, 1);

    read_on(ld, body, sc, what);

    sc->otherwise = STORY_OTHERWISE_MODIFY;
    type = rawfield(L, body, "otherwise");
    if (type == LUA_TFUNCTION) {
        sc->otherwise = STORY_OTHERWISE_FUNCTION;
        sc->otherwise_ref = ref_function(L, -1);
    } else if (type == LUA_TTABLE) {
        static const char *const oknown[] = {"modify", "reply", NULL};
        int t = lua_gettop(L);
        check_fields(ld, t, oknown, false, sc->file, sc->line, "otherwise");
        char id[300];
        snprintf(id, sizeof id, "%s.otherwise", sc->id);
        sc->otherwise_reply = optional_string(ld, t, "reply", id, sc->file, sc->line, "otherwise");
        check_size(ld, sc->otherwise_reply, MZ_STORY_MAX_REPLY, sc->file, sc->line, "otherwise",
                   "reply");
        int m = rawfield(L, t, "modify");
        bool modify = m == LUA_TNIL ? !sc->otherwise_reply : lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (!modify) sc->otherwise = STORY_OTHERWISE_REPLY;
    } else if (type != LUA_TNIL) {
        problem(ld, true, sc->file, sc->line,
                "%s: 'otherwise' must be { modify = true }, { reply = \"...\" } or a function",
                what);
    }
    lua_pop(L, 1);
    lua_pop(L, 1); /* body */
}

/* The story's synonyms in the language played [-0, +1]: story.synonyms
 * keyed by language ({ en = { climb = {...} }, fr = {...} }: a language
 * mapping to a table of lists), or in the first language with the others
 * under "synonyms" in the per-language files. */
static int push_synonyms(loader *ld, int t)
{
    lua_State *L = ld->L;
    story_graph *g = ld->g;
    int type = rawfield(L, t, "synonyms");
    if (!g->language_count || type != LUA_TTABLE) return type;
    int v = lua_gettop(L);
    bool by_language = false;
    for (size_t li = 0; li < g->language_count && !by_language; li++) {
        if (rawfield(L, v, g->languages[li]) == LUA_TTABLE) {
            lua_pushnil(L);
            if (lua_next(L, -2)) {
                by_language = lua_type(L, -1) == LUA_TTABLE;
                lua_pop(L, 2);
            }
        }
        lua_pop(L, 1);
    }
    return in_language(ld, by_language, "synonyms", g->story_file, g->story_line);
}

/* A line of story.attract: text a visitor could type (kept as mz_text
 * keeps viewer text by default). */
static bool attract_line(loader *ld, const char *text, const char *file, int line)
{
    size_t n = strlen(text);
    if (!n || n > MZ_TEXT_DEFAULT_MAX) {
        problem(ld, true, file, line, "story: an attract line must have 1 to %d bytes, not %zu",
                MZ_TEXT_DEFAULT_MAX, n);
        return false;
    }
    return true;
}

/* The lines a file in the story folder names, one a line ('#' comments,
 * blank lines skipped), into the arena. A file that cannot be read is a
 * warning (lint reports it): the kiosk then plays its attract.txt. */
static void read_attract_file(loader *ld, const char *name, const char *file, int line)
{
    story_graph *g = ld->g;
    char err[600], path[1024];
    snprintf(path, sizeof path, "%s/%s", g->dir, name);
    if (!story_check_relative(name, err, sizeof err)) {
        problem(ld, true, file, line, "story: attract file %s", err);
        return;
    }
    FILE *f = story_inside_folder(g->dir, path, err, sizeof err) ? fopen(path, "r") : NULL;
    if (!f) {
        problem(ld, false, file, line, "story: attract file '%s' %s", name,
                *err ? err : strerror(errno));
        return;
    }
    size_t cap = 16;
    g->attract = story_graph_alloc(g, cap * sizeof *g->attract);
    char text[4 * MZ_TEXT_DEFAULT_MAX];
    for (int n = 1; g->attract && fgets(text, sizeof text, f); n++) {
        text[strcspn(text, "\r\n")] = '\0';
        if (!text[0] || text[0] == '#') continue;
        if (!attract_line(ld, text, path, n)) continue;
        if (g->attract_count == cap) { /* the arena does not grow a block: copy */
            const char **more = story_graph_alloc(g, 2 * cap * sizeof *more);
            if (more) memcpy(more, g->attract, cap * sizeof *more);
            g->attract = more;
            cap *= 2;
            if (!more) break;
        }
        g->attract[g->attract_count++] = story_graph_strdup(g, text, strlen(text));
    }
    fclose(f);
}

/* story.attract: the lines the kiosk's attract loop plays, as a list, or
 * the name of a file of them in the story folder. */
static void read_attract(loader *ld, int t)
{
    lua_State *L = ld->L;
    story_graph *g = ld->g;
    const char *file = g->story_file;
    int line = story_graph_field_line(g, file, g->story_line, "attract");
    int type = rawfield(L, t, "attract");
    if (type == LUA_TSTRING) {
        read_attract_file(ld, lua_tostring(L, -1), file, line);
    } else if (type == LUA_TTABLE && list_at(ld, -1, &g->attract, &g->attract_count)) {
        for (size_t i = 0; i < g->attract_count; i++)
            attract_line(ld, g->attract[i], file, line);
    } else if (type != LUA_TNIL) {
        problem(ld, true, file, line,
                "story: 'attract' must be a list of lines or the name of a file of them");
    }
    lua_pop(L, 1);
}

static void read_story(loader *ld)
{
    lua_State *L = ld->L;
    story_graph *g = ld->g;
    g->transition_s = 1.0f;
    if (g->story_ref == LUA_NOREF) {
        problem(ld, true, g->path, 1, "the story has no story { title = ..., start = ... }");
        return;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->story_ref);
    int t = lua_gettop(L);
    const char *file = g->story_file;
    int line = g->story_line;
    ld->file = file;
    ld->line = line;
    static const char *const known[] = {"title",        "start",     "style",      "characters",
                                        "synonyms",     "blocked",   "vars",       "transition",
                                        "narrate",      "undo",      "on",         "hints",
                                        "disambiguate", "languages", "disclosure", "viewer",
                                        "variants",     "attract",   NULL};
    check_fields(ld, t, known, false, file, line, "story");
    g->title = optional_string(ld, t, "title", NULL, file, line, "story");
    if (!g->title) problem(ld, true, file, line, "story: 'title' is missing");
    g->start_id = optional_string(ld, t, "start", NULL, file, line, "story");
    if (!g->start_id) problem(ld, true, file, line, "story: 'start' (the first scene) is missing");
    g->style = optional_string(ld, t, "style", NULL, file, line, "story");
    check_size(ld, g->style, MZ_STORY_MAX_PROMPT, file, line, "story", "style");
    int type = rawfield(L, t, "transition");
    if (type == LUA_TNUMBER && lua_tonumber(L, -1) >= 0)
        g->transition_s = (float)lua_tonumber(L, -1);
    else if (type != LUA_TNIL)
        problem(ld, true, file, line, "story: 'transition' must be seconds");
    lua_pop(L, 1);
    type = rawfield(L, t, "narrate");
    if (type == LUA_TBOOLEAN)
        g->narrate = lua_toboolean(L, -1);
    else if (type != LUA_TNIL)
        problem(ld, true, file, line, "story: 'narrate' must be true or false");
    lua_pop(L, 1);
    type = rawfield(L, t, "disclosure");
    bool off = type == LUA_TBOOLEAN && !lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (off)
        g->disclosure = "";
    else if (type == LUA_TSTRING)
        g->disclosure = optional_string(ld, t, "disclosure", NULL, file, line, "story");
    else if (type != LUA_TNIL)
        problem(ld, true, file, line, "story: 'disclosure' must be a label (a string) or false");
    /* Transitions for every scene (help, inventory...), tried after the
     * scene's own: a scene overrides them by saying the same. */
    g->global = (story_scene){.id = "(story)",
                              .file = file,
                              .line = line,
                              .prompt_ref = LUA_NOREF,
                              .caption_ref = LUA_NOREF,
                              .hint_ref = LUA_NOREF,
                              .otherwise_ref = LUA_NOREF,
                              .enter_ref = LUA_NOREF,
                              .leave_ref = LUA_NOREF,
                              .transition_s = -1};
    read_on(ld, t, &g->global, "story");
    g->hint_after = 3;
    type = rawfield(L, t, "hints");
    if (type == LUA_TNUMBER && lua_tointeger(L, -1) >= 0)
        g->hint_after = (int)lua_tointeger(L, -1);
    else if (type == LUA_TBOOLEAN && !lua_toboolean(L, -1))
        g->hint_after = 0;
    else if (type != LUA_TNIL)
        problem(ld, true, file, line, "story: 'hints' must be a number of lines, or false");
    lua_pop(L, 1);
    type = rawfield(L, t, "disambiguate");
    if (type == LUA_TBOOLEAN)
        g->no_disambiguate = !lua_toboolean(L, -1);
    else if (type != LUA_TNIL)
        problem(ld, true, file, line, "story: 'disambiguate' must be true or false");
    lua_pop(L, 1);
    type = rawfield(L, t, "undo");
    if (type == LUA_TBOOLEAN)
        g->no_undo = !lua_toboolean(L, -1);
    else if (type != LUA_TNIL)
        problem(ld, true, file, line, "story: 'undo' must be true or false");
    lua_pop(L, 1);

    /* characters: name -> description */
    type = rawfield(L, t, "characters");
    if (type == LUA_TTABLE) {
        size_t n = table_size(L, -1);
        g->char_names = story_graph_alloc(g, (n ? n : 1) * sizeof *g->char_names);
        g->char_texts = story_graph_alloc(g, (n ? n : 1) * sizeof *g->char_texts);
        lua_pushnil(L);
        while (g->char_names && g->char_texts && lua_next(L, -2)) {
            if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TSTRING) {
                g->char_names[g->char_count] = arena_string(ld, -2);
                g->char_texts[g->char_count] = arena_string(ld, -1);
                check_size(ld, g->char_texts[g->char_count++], MZ_STORY_MAX_PROMPT, file, line,
                           "story", "characters");
            } else {
                problem(ld, true, file, line, "story: characters must map names to descriptions");
            }
            lua_pop(L, 1);
        }
    } else if (type != LUA_TNIL) {
        problem(ld, true, file, line, "story: 'characters' must be a table");
    }
    lua_pop(L, 1);

    /* synonyms: word -> { alternatives }. Added in sorted order: Lua's table
     * order changes from one state to the next, and when two alternatives
     * stem alike the lexicon keeps the first, so replays depend on it. */
    type = push_synonyms(ld, t);
    if (type == LUA_TTABLE) {
        size_t n = table_size(L, -1);
        const char **words = story_graph_alloc(g, (n ? n : 1) * sizeof *words);
        size_t nwords = 0;
        lua_pushnil(L);
        while (words && lua_next(L, -2)) {
            const char *w = NULL;
            if (lua_type(L, -2) == LUA_TSTRING && lua_type(L, -1) == LUA_TTABLE &&
                (w = arena_string(ld, -2)))
                words[nwords++] = w;
            else
                problem(ld, true, file, line, "story: synonyms must map words to lists of words");
            lua_pop(L, 1);
        }
        if (words) qsort(words, nwords, sizeof *words, compare_strings);
        g->synonyms = story_graph_alloc(g, (nwords ? nwords : 1) * sizeof *g->synonyms);
        for (size_t i = 0; i < nwords; i++) {
            const char **alts = NULL;
            size_t count = 0;
            lua_pushstring(L, words[i]);
            lua_rawget(L, -2);
            if (!(list_at(ld, -1, &alts, &count) &&
                  mz_lexicon_add_synonyms(g->lex, words[i], alts, count)))
                problem(ld, true, file, line, "story: synonyms must map words to lists of words");
            else if (g->synonyms)
                g->synonyms[g->synonym_count++] = (struct story_synonyms){words[i], alts, count};
            lua_pop(L, 1);
        }
    } else if (type != LUA_TNIL) {
        problem(ld, true, file, line, "story: 'synonyms' must be a table");
    }
    lua_pop(L, 1);

    read_attract(ld, t);

    const char **blocked;
    size_t nblocked;
    if (!string_list(ld, t, "blocked", &blocked, &nblocked))
        problem(ld, true, file, line, "story: 'blocked' must be a list of words");
    for (size_t i = 0; i < nblocked; i++)
        mz_lexicon_add_blocked(g->lex, blocked[i]);

    type = rawfield(L, t, "vars");
    mz_buf vars = {0};
    char err[512];
    if (type == LUA_TNIL) {
        mz_buf_puts(&vars, "{}");
    } else if (type != LUA_TTABLE) {
        problem(ld, true, file, line, "story: 'vars' must be a table");
    } else if (!story_serial_write(L, -1, "vars", &vars, err, sizeof err)) {
        problem(ld, true, file, line, "story: %s", err);
    }
    g->initial_vars = vars.data;
    lua_pop(L, 2);
}

/* Lines of transitions: Lua tells where `scene "id"` was called, not where
 * each table inside it is, so look for each transition's first pattern as
 * a quoted literal in the text after the scene's line. */
static void find_transition_lines(story_graph *g)
{
    for (size_t i = 0; i < g->scene_count; i++) {
        story_scene *sc = &g->scenes[i];
        const struct story_source *src = story_graph_source(g, sc->file);
        if (!src || sc->line < 1 || (size_t)sc->line > src->line_count) continue;
        size_t pos = src->line_starts[sc->line - 1], end = src->len;
        if (i + 1 < g->scene_count && g->scenes[i + 1].file == sc->file) {
            int next = g->scenes[i + 1].line;
            if (next > sc->line && (size_t)next <= src->line_count)
                end = src->line_starts[next - 1];
        }
        for (size_t t = 0; t < sc->on_count; t++) {
            story_transition *tr = &sc->on[t];
            if (!tr->pattern_count) continue;
            int line = story_source_quoted_line(src, tr->patterns[0], pos, end, &pos);
            if (line) tr->line = line;
        }
    }
}

static void resolve(loader *ld)
{
    story_graph *g = ld->g;
    char hint[160];
    g->start = g->start_id ? story_graph_find(g, g->start_id) : -1;
    if (g->start_id && g->start < 0) {
        story_did_you_mean(g, g->start_id, hint, sizeof hint);
        problem(ld, true, g->story_file, g->story_line,
                "story: the start scene '%s' is not declared%s", g->start_id, hint);
    }
    for (size_t i = 0; i <= g->scene_count; i++) {
        story_scene *sc = i < g->scene_count ? &g->scenes[i] : &g->global;
        for (size_t t = 0; t < sc->on_count; t++) {
            story_transition *tr = &sc->on[t];
            if (!tr->to) continue;
            tr->to_scene = story_graph_find(g, tr->to);
            if (tr->to_scene < 0) {
                story_did_you_mean(g, tr->to, hint, sizeof hint);
                problem(ld, false, tr->file, tr->line,
                        "scene '%s': transition to unknown scene '%s'%s", sc->id, tr->to, hint);
            }
        }
    }
}

static void variant_problem(void *ld, bool fatal, const char *file, int line, const char *msg)
{
    problem(ld, fatal, file, line, "%s", msg);
}

/* A variant's caption in the language played, as a scene's (in_language). */
static int variant_text(void *user, const char *id, const char *file, int line)
{
    loader *ld = user;
    int type = lua_type(ld->L, -1);
    if (!ld->g->language_count || type == LUA_TNIL) return type;
    return in_language(ld, type == LUA_TTABLE, id, file, line);
}

/* The state's load callback: every file it runs is kept. */
static void keep_source(void *g, const char *path, const char *text, size_t len)
{
    story_graph_add_source(g, path, text, len);
}

static bool resolve_paths(story_graph *g, const char *path)
{
    struct stat st;
    char file[4096];
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--; /* "stories/x/" names the folder too */
    if (n >= sizeof file - 16) return mz_fail("story path too long: %s", path);
    memcpy(file, path, n);
    file[n] = '\0';
    if (stat(file, &st) != 0) return mz_fail("no story at %s", path);
    if (S_ISDIR(st.st_mode)) memcpy(file + n, "/story.lua", sizeof "/story.lua");
    g->path = story_graph_strdup(g, file, strlen(file));
    const char *slash = strrchr(g->path, '/');
    g->dir = slash ? story_graph_strdup(g, g->path, (size_t)(slash - g->path)) : ".";
    return true;
}

story_graph *story_graph_load(const char *path, const story_load_options *opt)
{
    story_graph *g = story_graph_create();
    if (!g) return NULL;
    loader ld = {.g = g, .opt = opt, .files_ref = LUA_NOREF, .used_ref = LUA_NOREF};
    if (!resolve_paths(g, path)) {
        if (opt->problem) opt->problem(path, 0, mz_error(), opt->user);
        story_graph_destroy(g);
        return NULL;
    }
    g->vm = story_vm_create(opt->desc, keep_source, g);
    if (!g->vm) {
        story_graph_destroy(g);
        return NULL;
    }
    story_bind(g);
    lua_State *L = ld.L = g->vm->L;

    g->vm->loading = true;
    story_vm_clock_start(g->vm);
    bool ran = story_vm_run_file(g->vm, g->path, 0);
    g->vm->loading = false;
    if (!ran) {
        lua_problem(&ld, mz_error()); /* mz_error() stays the load's error */
        story_graph_destroy(g);
        return NULL;
    }

    read_languages(&ld);
    /* Matching in the language played: its stop words and stemmer. */
    g->lex = mz_lexicon_create_lang(g->language_count ? g->languages[g->lang] : NULL);
    if (!g->lex) {
        story_graph_destroy(g);
        return NULL;
    }
    for (size_t i = 0; i < opt->desc->blocked_count; i++)
        mz_lexicon_add_blocked(g->lex, opt->desc->blocked_words[i]);
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->decls_ref);
    size_t n = lua_rawlen(L, -1);
    g->scenes = calloc(n ? n : 1, sizeof *g->scenes);
    if (!g->scenes) {
        story_graph_destroy(g);
        mz_fail("out of memory");
        return NULL;
    }
    for (size_t i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, (lua_Integer)i);
        read_scene(&ld, lua_gettop(L), &g->scenes[g->scene_count++]);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    if (!story_graph_index(g)) {
        story_graph_destroy(g);
        return NULL;
    }
    read_story(&ld);
    find_transition_lines(g);
    resolve(&ld);
    story_variants_read(g, opt->desc->profile, variant_problem, variant_text, &ld);
    check_unused_translations(&ld);
    luaL_unref(L, LUA_REGISTRYINDEX, ld.files_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, ld.used_ref);
    /* The declarations are in C now; Lua collects its copies as play goes. */
    luaL_unref(L, LUA_REGISTRYINDEX, g->decls_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, g->ids_ref);
    luaL_unref(L, LUA_REGISTRYINDEX, g->story_ref);
    g->decls_ref = g->ids_ref = g->story_ref = LUA_NOREF;

    if (ld.fatal && !opt->problem) {
        if (ld.fatal > 1)
            mz_fail("%s (and %d more problems: see 'maze lint %s')", ld.first, ld.fatal - 1,
                    g->dir);
        else
            mz_fail("%s", ld.first);
        story_graph_destroy(g);
        return NULL;
    }
    return g;
}
