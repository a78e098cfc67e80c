/* variant.c — the viewer profile and what may vary with it.
 *
 * story { viewer = { tone = { "gentle", "eerie" } } } declares the fields
 * a story reads and their values; a profile (desc.profile, a save, the
 * window's question) picks one value of each. Story code sees it as the
 * read-only global `viewer`. A scene's `variants` (and the story's) say
 * which parts change for a value or for one seed in N: the style (palette),
 * the prompt, the caption, the targets of transitions. Everything else is
 * the same for every viewer: story.c asks here for those parts only, and
 * each turn says which of them varied (mz_story_turn.varied), which `maze
 * test --variants` holds the story to.
 *
 * Reading uses raw accesses only, as load.c does. Everything read lives in
 * the graph's arena and goes with the graph. */
#include "variant.h"

#include "mz_error.h"
#include "mz_story.h"
#include "rng.h"
#include "vm.h"

#include "mz_log.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct story_viewer {
    struct story_viewer_field {
        const char *name;
        const char **values;
        size_t count, current;
        const char *ask; /* the question a window asks for it, or NULL */
    } * fields;          /* sorted by name */
    size_t count;
    story_variant *variants; /* story-wide: the style only */
    size_t variant_count;
    int data_ref;   /* the table behind `viewer` */
    unsigned part;  /* what code reading `viewer` now makes */
    unsigned reads; /* the parts made by code that read it, since last asked */
};

typedef struct reader {
    story_graph *g;
    lua_State *L;
    story_variant_problem_fn problem;
    story_variant_text_fn text;
    void *user;
} reader;

static void report(reader *rd, bool fatal, const char *file, int line, const char *fmt, ...)
    MZ_PRINTF(5, 6);

static void report(reader *rd, bool fatal, const char *file, int line, const char *fmt, ...)
{
    char msg[MZ_ERROR_MAX - 200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rd->problem(rd->user, fatal, file, line, msg);
}

static int rawfield(lua_State *L, int t, const char *k)
{
    t = lua_absindex(L, t);
    lua_pushstring(L, k);
    return lua_rawget(L, t);
}

static int compare_fields(const void *a, const void *b)
{
    return strcmp(((const struct story_viewer_field *)a)->name,
                  ((const struct story_viewer_field *)b)->name);
}

static int field_index(const struct story_viewer *vw, const char *name, size_t n)
{
    for (size_t i = 0; i < vw->count; i++)
        if (strlen(vw->fields[i].name) == n && !memcmp(vw->fields[i].name, name, n)) return (int)i;
    return -1;
}

static int value_index(const struct story_viewer_field *f, const char *value, size_t n)
{
    for (size_t i = 0; i < f->count; i++)
        if (strlen(f->values[i]) == n && !memcmp(f->values[i], value, n)) return (int)i;
    return -1;
}

/* "gentle, eerie" */
static void list_values(const struct story_viewer_field *f, char *out, size_t cap)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < f->count && used < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%s", i ? ", " : "", f->values[i]);
}

/* story { viewer = { name = { values... } } } [-0, +0] */
static void read_fields(reader *rd, struct story_viewer *vw, int story)
{
    lua_State *L = rd->L;
    story_graph *g = rd->g;
    const char *file = g->story_file;
    int line = story_graph_field_line(g, file, g->story_line, "viewer");
    int type = rawfield(L, story, "viewer");
    if (type == LUA_TTABLE) {
        size_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            n++;
            lua_pop(L, 1);
        }
        vw->fields = story_graph_alloc(g, (n ? n : 1) * sizeof *vw->fields);
        lua_pushnil(L);
        while (vw->fields && lua_next(L, -2)) {
            size_t count = lua_type(L, -1) == LUA_TTABLE ? lua_rawlen(L, -1) : 0;
            struct story_viewer_field *f = &vw->fields[vw->count];
            size_t len = 0;
            const char *name = lua_type(L, -2) == LUA_TSTRING ? lua_tolstring(L, -2, &len) : "";
            /* Profiles are "name=value,name=value" text: neither may hold those. */
            if (!count || !len || strcspn(name, "=,\n") != len) {
                report(rd, true, file, line,
                       "story: viewer must map each field (a name) to its values, the first the "
                       "default (tone = { \"gentle\", \"eerie\" })");
                lua_pop(L, 1);
                continue;
            }
            f->name = story_graph_strdup(g, name, len);
            f->values = story_graph_alloc(g, count * sizeof *f->values);
            for (size_t i = 1; f->values && i <= count; i++) {
                if (lua_rawgeti(L, -1, (lua_Integer)i) == LUA_TSTRING) {
                    const char *v = lua_tolstring(L, -1, &len);
                    if (value_index(f, v, len) >= 0 || memchr(v, ',', len) || memchr(v, '\n', len))
                        report(rd, true, file, line,
                               "story: viewer.%s: value '%s' is listed twice or has a comma or "
                               "newline",
                               f->name, v);
                    else
                        f->values[f->count++] = story_graph_strdup(g, v, len);
                } else {
                    report(rd, true, file, line, "story: viewer.%s: value %zu must be a string",
                           f->name, i);
                }
                lua_pop(L, 1);
            }
            /* { "gentle", "eerie", ask = "How should the night feel?" } */
            int ask = rawfield(L, -1, "ask");
            if (story_pick_language(g, L) == LUA_TSTRING) {
                f->ask = story_graph_strdup(g, lua_tostring(L, -1), lua_rawlen(L, -1));
            } else if (ask != LUA_TNIL) {
                report(rd, true, file, line,
                       "story: viewer.%s: 'ask' must be a question (a string)", f->name);
            }
            lua_pop(L, 1);
            if (f->count) vw->count++;
            lua_pop(L, 1);
        }
        if (vw->count) qsort(vw->fields, vw->count, sizeof *vw->fields, compare_fields);
    } else if (type != LUA_TNIL) {
        report(rd, true, file, line, "story: 'viewer' must be a table of fields and their values");
    }
    lua_pop(L, 1);
}

/* The index of transition `key` (its id, or its place in `on`) of the
 * scene body at `body`, or -1 [-0, +0]. */
static int transition_of(lua_State *L, int body, int key)
{
    int top = lua_gettop(L), found = -1;
    if (rawfield(L, body, "on") == LUA_TTABLE) {
        int on = lua_gettop(L);
        size_t n = lua_rawlen(L, on);
        if (lua_type(L, key) == LUA_TNUMBER) {
            lua_Integer i = lua_tointeger(L, key);
            found = i >= 1 && (size_t)i <= n ? (int)i - 1 : -1;
        }
        for (size_t i = 1; i <= n && found < 0 && lua_type(L, key) == LUA_TSTRING; i++) {
            if (lua_rawgeti(L, on, (lua_Integer)i) == LUA_TTABLE &&
                rawfield(L, -1, "id") == LUA_TSTRING && lua_rawequal(L, -1, key))
                found = (int)i - 1;
            lua_settop(L, on);
        }
    }
    lua_settop(L, top);
    return found;
}

/* The routes of a variant: `to = { transition = "scene" }` at top [-0, +0]. */
static void read_routes(reader *rd, story_variant *v, int body, const char *what)
{
    lua_State *L = rd->L;
    int t = lua_gettop(L);
    size_t n = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        n++;
        lua_pop(L, 1);
    }
    v->routes = story_graph_alloc(rd->g, (n ? n : 1) * sizeof *v->routes);
    lua_pushnil(L);
    while (v->routes && lua_next(L, t)) {
        int key = lua_gettop(L) - 1;
        const char *name = lua_type(L, key) == LUA_TSTRING ? lua_tostring(L, key) : "";
        int line = *name ? story_graph_field_line(rd->g, v->file, v->line, name) : v->line;
        int tr = body ? transition_of(L, body, key) : -1;
        if (tr < 0 || lua_type(L, -1) != LUA_TSTRING) {
            lua_pushvalue(L, key);
            report(rd, true, v->file, line,
                   "%s: 'to' must map transitions of the scene (their id = \"...\", or their "
                   "place in 'on') to scenes; '%s' is not one",
                   what, luaL_tolstring(L, -1, NULL));
            lua_pop(L, 2);
        } else {
            size_t len;
            const char *to = lua_tolstring(L, -1, &len);
            story_route *r = &v->routes[v->route_count++];
            r->transition = (size_t)tr;
            r->to = story_graph_strdup(rd->g, to, len);
            r->to_scene = story_graph_find(rd->g, r->to);
            if (r->to_scene < 0) {
                char hint[160];
                story_did_you_mean(rd->g, r->to, hint, sizeof hint);
                report(rd, false, v->file, line, "%s: route to unknown scene '%s'%s", what, r->to,
                       hint);
            }
        }
        lua_pop(L, 1);
    }
}

/* A caption or prompt: a string, a function, or (captions) a table by
 * language, at top [-1, +0]. A caption comes in the language played, by
 * its id (`id`, "SCENE.variant.N.caption") in the per-language files. */
static void read_text(reader *rd, const char **text, int *ref, size_t max, const char *what,
                      const char *key, const char *id, const story_variant *v)
{
    lua_State *L = rd->L;
    int type = id ? rd->text(rd->user, id, v->file, v->line) : lua_type(L, -1);
    if (type == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        if (n > max || memchr(s, '\0', n))
            report(rd, true, v->file, v->line, "%s: '%s' is longer than %zu bytes or has a NUL",
                   what, key, max);
        else
            *text = story_graph_strdup(rd->g, s, n);
    } else if (type == LUA_TFUNCTION && ref) {
        lua_pushvalue(L, -1);
        *ref = luaL_ref(L, LUA_REGISTRYINDEX);
    } else if (type != LUA_TNIL) {
        report(rd, true, v->file, v->line, "%s: '%s' must be a string%s", what, key,
               ref ? " or a function" : "");
    }
    lua_pop(L, 1);
}

/* One variant, the table at top, of scene sc (NULL: of the story, whose
 * variants give only a style) [-0, +0]. */
static void read_variant(reader *rd, const struct story_viewer *vw, const story_scene *sc, int body,
                         size_t n, story_variant *v)
{
    lua_State *L = rd->L;
    int t = lua_gettop(L);
    char what[300], id[300];
    bool keyed = false, gives = false; /* said, rightly or not (one problem each) */
    v->field = -1;
    v->prompt_ref = v->caption_ref = LUA_NOREF;
    snprintf(what, sizeof what, "%s%s%s, variant %zu", sc ? "scene '" : "story", sc ? sc->id : "",
             sc ? "'" : "", n);
    /* Its stable id for the per-language files: "SCENE.variant.ID" when it
     * has `id = "eerie"`, else "SCENE.variant.N" (its place in the list). */
    if (rawfield(L, t, "id") == LUA_TSTRING)
        snprintf(id, sizeof id, "%s.variant.%s.caption", sc ? sc->id : "", lua_tostring(L, -1));
    else
        snprintf(id, sizeof id, "%s.variant.%zu.caption", sc ? sc->id : "", n);
    lua_pop(L, 1);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
        size_t klen = strlen(k);
        int f = field_index(vw, k, klen);
        bool named = !strcmp(k, "id");
        keyed |= f >= 0 || !strcmp(k, "one_in");
        gives |= f < 0 && strcmp(k, "one_in") && !named;
        if (named) {
            if (lua_type(L, -1) != LUA_TSTRING)
                report(rd, true, v->file, v->line, "%s: 'id' must be a string", what);
            lua_pop(L, 1);
        } else if (f >= 0) {
            size_t len = 0;
            const char *value = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, &len) : "";
            int i = value_index(&vw->fields[f], value, len);
            if (v->field >= 0 || v->one_in) {
                report(rd, true, v->file, v->line, "%s: keyed on two things ('%s' and another)",
                       what, k);
            } else if (i < 0) {
                char values[200];
                list_values(&vw->fields[f], values, sizeof values);
                report(rd, true, v->file, v->line, "%s: %s = '%s' is not one of viewer.%s: %s",
                       what, k, value, k, values);
            } else {
                v->field = f;
                v->value = (size_t)i;
            }
            lua_pop(L, 1);
        } else if (!strcmp(k, "one_in")) {
            lua_Integer one_in = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : 0;
            if (one_in < 2 || one_in > 1000000 || v->field >= 0)
                report(rd, true, v->file, v->line,
                       "%s: one_in must be a whole number from 2 (one seed in N), alone", what);
            else
                v->one_in = (uint32_t)one_in;
            lua_pop(L, 1);
        } else if (!strcmp(k, "style")) {
            read_text(rd, &v->style, NULL, MZ_STORY_MAX_PROMPT, what, k, NULL, v);
        } else if (sc && !strcmp(k, "prompt")) {
            read_text(rd, &v->prompt, &v->prompt_ref, MZ_STORY_MAX_PROMPT, what, k, NULL, v);
        } else if (sc && !strcmp(k, "caption")) {
            read_text(rd, &v->caption, &v->caption_ref, MZ_STORY_MAX_CAPTION, what, k, id, v);
        } else if (sc && !strcmp(k, "to") && lua_type(L, -1) == LUA_TTABLE) {
            read_routes(rd, v, body, what);
            lua_pop(L, 1);
        } else {
            report(rd, true, v->file, v->line,
                   "%s: unknown field '%s' (a variant gives %s, keyed on a viewer field or "
                   "one_in)",
                   what, k, sc ? "style, prompt, caption or to" : "the story's style");
            lua_pop(L, 1);
        }
    }
    if (!keyed)
        report(rd, true, v->file, v->line,
               "%s: says whom it is for: a viewer field (tone = \"eerie\") or one_in = N", what);
    if (!gives) report(rd, true, v->file, v->line, "%s: changes nothing", what);
}

/* The `variants` list of the table at `owner` [-0, +0]. */
static void read_list(reader *rd, const struct story_viewer *vw, int owner, const story_scene *sc,
                      const char *file, int line, story_variant **out, size_t *count)
{
    lua_State *L = rd->L;
    int type = rawfield(L, owner, "variants");
    line = story_graph_field_line(rd->g, file, line, "variants");
    if (type == LUA_TTABLE) {
        size_t n = lua_rawlen(L, -1);
        *out = story_graph_alloc(rd->g, (n ? n : 1) * sizeof **out);
        for (size_t i = 1; *out && i <= n; i++) {
            story_variant *v = &(*out)[*count];
            v->file = file;
            v->line = line;
            if (lua_rawgeti(L, -1, (lua_Integer)i) == LUA_TTABLE) {
                read_variant(rd, vw, sc, sc ? owner : 0, i, v);
                (*count)++;
            } else {
                report(rd, true, file, line, "variants: entry %zu must be a table", i);
            }
            lua_pop(L, 1);
        }
    } else if (type != LUA_TNIL) {
        report(rd, true, file, line, "'variants' must be a list of tables");
    }
    lua_pop(L, 1);
}

/* viewer.name: the value, read-only; a field the story does not declare is
 * an error, not nil, so a typo shows. Upvalue 1: the values. */
static int viewer_index(lua_State *L)
{
    story_graph *g = story_vm_user(L);
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) == LUA_TNIL)
        return luaL_error(L, "viewer has no field '%s' (the story's viewer declares them)",
                          luaL_tolstring(L, 2, NULL));
    g->viewer->reads |= g->viewer->part;
    return 1;
}

static int viewer_newindex(lua_State *L)
{
    return luaL_error(L, "viewer is read-only (the profile is the viewer's, not the story's)");
}

/* The `viewer` global: an empty table whose metatable reads the values. */
static void make_global(story_graph *g, struct story_viewer *vw)
{
    lua_State *L = g->vm->L;
    lua_newtable(L);
    vw->data_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_newtable(L); /* viewer */
    lua_newtable(L); /* its metatable */
    lua_rawgeti(L, LUA_REGISTRYINDEX, vw->data_ref);
    lua_pushcclosure(L, viewer_index, 1);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, viewer_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, false);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_setfield(L, -2, "viewer");
    lua_pop(L, 1);
}

static void publish(story_graph *g)
{
    struct story_viewer *vw = g->viewer;
    lua_State *L = g->vm->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, vw->data_ref);
    for (size_t i = 0; i < vw->count; i++) {
        lua_pushstring(L, vw->fields[i].values[vw->fields[i].current]);
        lua_setfield(L, -2, vw->fields[i].name);
    }
    lua_pop(L, 1);
}

bool story_viewer_set(story_graph *g, const char *profile, bool apply, char *err, size_t errcap)
{
    struct story_viewer *vw = g->viewer;
    size_t chosen[64];
    size_t count = vw->count < 64 ? vw->count : 64;
    for (size_t i = 0; i < count; i++)
        chosen[i] = 0;
    for (const char *p = profile ? profile : ""; *p;) {
        size_t n = strcspn(p, ",\n");
        const char *next = p[n] ? p + n + 1 : p + n;
        const char *eq = memchr(p, '=', n);
        const char *k = p, *ke = eq ? eq : p + n, *v = eq ? eq + 1 : p + n, *ve = p + n;
        while (k < ke && (*k == ' ' || *k == '\t'))
            k++;
        while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t' || ke[-1] == '\r'))
            ke--;
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
            ve--;
        p = next;
        if (k == ke || *k == '#') continue; /* blank or a comment */
        if (!eq) {
            snprintf(err, errcap, "profile: '%.*s' is not name = value", (int)(ke - k), k);
            return false;
        }
        int f = field_index(vw, k, (size_t)(ke - k));
        if (f < 0) {
            /* An installation's profile serves many stories: another's field
             * is not this one's business. */
            mz_log_debug("profile: %.*s: the story does not read it", (int)(ke - k), k);
            continue;
        }
        int value = value_index(&vw->fields[f], v, (size_t)(ve - v));
        if (value < 0) {
            char values[200];
            list_values(&vw->fields[f], values, sizeof values);
            snprintf(err, errcap, "profile: %s = '%.*s' is not one of the story's: %s",
                     vw->fields[f].name, (int)(ve - v), v, values);
            return false;
        }
        if ((size_t)f < count) chosen[f] = (size_t)value;
    }
    if (!apply) return true;
    for (size_t i = 0; i < count; i++)
        vw->fields[i].current = chosen[i];
    publish(g);
    return true;
}

void story_viewer_text(const story_graph *g, char *buf, size_t cap)
{
    const struct story_viewer *vw = g->viewer;
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; vw && i < vw->count && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s=%s", i ? "," : "",
                                 vw->fields[i].name, vw->fields[i].values[vw->fields[i].current]);
}

void story_variants_read(story_graph *g, const char *profile, story_variant_problem_fn problem,
                         story_variant_text_fn text, void *user)
{
    reader rd = {g, g->vm->L, problem, text, user};
    lua_State *L = rd.L;
    struct story_viewer *vw = g->viewer = story_graph_alloc(g, sizeof *g->viewer);
    if (!vw) {
        report(&rd, true, g->path, 0, "out of memory");
        return;
    }
    vw->data_ref = LUA_NOREF;
    vw->part = MZ_STORY_VARIED_CODE;
    if (g->story_ref != LUA_NOREF) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, g->story_ref);
        int story = lua_gettop(L);
        read_fields(&rd, vw, story);
        read_list(&rd, vw, story, NULL, g->story_file, g->story_line, &vw->variants,
                  &vw->variant_count);
        lua_pop(L, 1);
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->decls_ref);
    for (size_t i = 0; i < g->scene_count; i++) {
        story_scene *sc = &g->scenes[i];
        int decls = lua_gettop(L);
        if (lua_rawgeti(L, decls, (lua_Integer)i + 1) == LUA_TTABLE &&
            rawfield(L, -1, "body") == LUA_TTABLE)
            read_list(&rd, vw, lua_gettop(L), sc, sc->file, sc->line, &sc->variants,
                      &sc->variant_count);
        lua_settop(L, decls);
    }
    lua_pop(L, 1);
    make_global(g, vw);
    /* A profile's value the story lacks is told at the story's viewer
     * declaration, which lists the values it has. */
    char err[MZ_ERROR_MAX / 2];
    if (!story_viewer_set(g, NULL, true, err, sizeof err) ||
        !story_viewer_set(g, profile, true, err, sizeof err))
        report(&rd, true, g->story_file ? g->story_file : g->path,
               g->story_file ? story_graph_field_line(g, g->story_file, g->story_line, "viewer")
                             : 0,
               "%s", err);
}

/* ---- in play ---- */

static bool applies(const struct story_viewer *vw, const story_scene *sc, const story_variant *v,
                    size_t k, uint64_t seed)
{
    if (v->field >= 0) return vw->fields[v->field].current == v->value;
    /* One seed in N, drawn per scene and variant so that they vary apart,
     * and never from the story's random generator (that would change
     * everything after). */
    const char *id = sc ? sc->id : "(story)";
    uint64_t h = story_hash(id, strlen(id), STORY_HASH_INIT) + k;
    return story_mix(seed ^ story_mix(h)) % v->one_in == 0;
}

static bool gives(const story_variant *v, unsigned part)
{
    switch (part) {
    case MZ_STORY_VARIED_STYLE:
        return v->style;
    case MZ_STORY_VARIED_PROMPT:
        return v->prompt || v->prompt_ref != LUA_NOREF;
    case MZ_STORY_VARIED_CAPTION:
        return v->caption || v->caption_ref != LUA_NOREF;
    default:
        return false;
    }
}

const story_variant *story_variant_for(const story_graph *g, const story_scene *sc, uint64_t seed,
                                       unsigned part)
{
    const struct story_viewer *vw = g->viewer;
    if (!vw) return NULL;
    for (size_t i = 0; sc && i < sc->variant_count; i++)
        if (gives(&sc->variants[i], part) && applies(vw, sc, &sc->variants[i], i, seed))
            return &sc->variants[i];
    if (part != MZ_STORY_VARIED_STYLE) return NULL;
    for (size_t i = 0; i < vw->variant_count; i++)
        if (gives(&vw->variants[i], part) && applies(vw, NULL, &vw->variants[i], i, seed))
            return &vw->variants[i];
    return NULL;
}

const story_route *story_variant_route(const story_graph *g, const story_scene *sc, uint64_t seed,
                                       size_t t)
{
    for (size_t i = 0; g->viewer && i < sc->variant_count; i++) {
        const story_variant *v = &sc->variants[i];
        for (size_t r = 0; r < v->route_count; r++)
            if (v->routes[r].transition == t && applies(g->viewer, sc, v, i, seed))
                return &v->routes[r];
    }
    return NULL;
}

void story_variant_describe(const story_graph *g, const story_variant *v, char *buf, size_t cap)
{
    int n = v->field >= 0 ? snprintf(buf, cap, "%s=%s: ", g->viewer->fields[v->field].name,
                                     g->viewer->fields[v->field].values[v->value])
                          : snprintf(buf, cap, "one seed in %" PRIu32 ": ", v->one_in);
    const char *parts[] = {v->style ? "style" : NULL,
                           v->prompt || v->prompt_ref != LUA_NOREF ? "prompt" : NULL,
                           v->caption || v->caption_ref != LUA_NOREF ? "caption" : NULL,
                           v->route_count ? "route" : NULL};
    const char *sep = "";
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i] || n < 0 || (size_t)n >= cap) continue;
        n += snprintf(buf + n, cap - (size_t)n, "%s%s", sep, parts[i]);
        sep = ", ";
    }
}

size_t story_variants_of_story(const story_graph *g, const story_variant **out)
{
    *out = g->viewer ? g->viewer->variants : NULL;
    return g->viewer ? g->viewer->variant_count : 0;
}

unsigned story_viewer_part(story_graph *g, unsigned part)
{
    unsigned was = g->viewer->part;
    g->viewer->part = part;
    return was;
}

unsigned story_viewer_reads(story_graph *g)
{
    unsigned reads = g->viewer->reads;
    g->viewer->reads = 0;
    return reads;
}

size_t story_viewer_count(const story_graph *g)
{
    return g->viewer ? g->viewer->count : 0;
}

bool story_viewer_get(const story_graph *g, size_t i, mz_story_viewer_info *out)
{
    if (i >= story_viewer_count(g)) return false;
    const struct story_viewer_field *f = &g->viewer->fields[i];
    *out = (mz_story_viewer_info){f->name, f->values, f->count, f->current, f->ask};
    return true;
}
