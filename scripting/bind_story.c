/* bind_story.c — the story API's globals (docs/story-api.md).
 *
 * Declarations (story, scene, ending, include) work only while the story
 * loads; they record what they are given, with the file and line of the
 * call, and load.c reads it all once the files have run. The play helpers
 * (visits, give, random...) work only while the story plays. Every binding
 * checks its arguments with luaL_check*; none keeps a C resource across a
 * call that can raise. Each reaches its graph (and through it the play
 * state) as the state's user pointer. */
#include "bind_story.h"

#include "pattern.h"
#include "play.h"
#include "vm.h"

#include <lauxlib.h>

#include <stdlib.h>
#include <string.h>

#define MAX_INCLUDE_DEPTH 16

static story_graph *loading_graph(lua_State *L, const char *what)
{
    if (!story_vm_of(L)->loading)
        luaL_error(L, "%s() can be used only while the story loads", what);
    return story_vm_user(L);
}

static story_graph *playing_graph(lua_State *L, const char *what)
{
    story_graph *g = story_vm_user(L);
    if (story_vm_of(L)->loading || !g->play || !g->play->begun)
        luaL_error(L, "%s() can be used only while the story plays (in a scene's functions)", what);
    return g;
}

/* Pushes the file (without '@') and returns the line of the caller [-0, +1]. */
static int caller_position(lua_State *L)
{
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar)) {
        lua_pushstring(L, ar.source[0] == '@' ? ar.source + 1 : ar.short_src);
        return ar.currentline;
    }
    lua_pushliteral(L, "?");
    return 0;
}

/* story { ... } [-0, +0] */
static int l_story(lua_State *L)
{
    story_graph *g = loading_graph(L, "story");
    luaL_checktype(L, 1, LUA_TTABLE);
    if (g->story_ref != LUA_NOREF)
        return luaL_error(L, "story { ... } is declared twice (first at %s:%d)", g->story_file,
                          g->story_line);
    int line = caller_position(L);
    g->story_file = story_graph_strdup(g, lua_tostring(L, -1), lua_rawlen(L, -1));
    g->story_line = line;
    lua_pop(L, 1);
    lua_pushvalue(L, 1);
    g->story_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

/* The function `scene "id"` returns: takes the body [-0, +0]. */
static int l_scene_body(lua_State *L)
{
    int entry = lua_upvalueindex(1);
    lua_getfield(L, entry, "id");
    const char *id = lua_tostring(L, -1);
    if (lua_type(L, 1) != LUA_TTABLE)
        return luaL_error(L, "scene '%s' needs a table: scene \"%s\" { prompt = \"...\", ... }", id,
                          id);
    if (lua_getfield(L, entry, "body") != LUA_TNIL)
        return luaL_error(L, "scene '%s' is given two bodies", id);
    lua_pushvalue(L, 1);
    lua_setfield(L, entry, "body");
    return 0;
}

/* scene "id" / ending "id" [-0, +1]: records the declaration. */
static int declare(lua_State *L, bool ending)
{
    const char *what = ending ? "ending" : "scene";
    story_graph *g = loading_graph(L, what);
    size_t len;
    luaL_checklstring(L, 1, &len);
    luaL_argcheck(L, len > 0, 1, "a scene id cannot be empty");
    luaL_argcheck(L, !memchr(lua_tostring(L, 1), '\0', len), 1,
                  "a scene id cannot contain a NUL byte");
    lua_settop(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->ids_ref); /* 2 */
    lua_pushvalue(L, 1);
    if (lua_rawget(L, 2) == LUA_TTABLE) {
        lua_getfield(L, -1, "file");
        lua_getfield(L, -2, "line");
        return luaL_error(L, "scene '%s' is declared twice (first at %s:%d)", lua_tostring(L, 1),
                          lua_tostring(L, -2), (int)lua_tointeger(L, -1));
    }
    lua_pop(L, 1);
    lua_createtable(L, 0, 6); /* 3: the declaration */
    lua_pushvalue(L, 1);
    lua_setfield(L, 3, "id");
    lua_pushboolean(L, ending);
    lua_setfield(L, 3, "ending");
    int line = caller_position(L);
    lua_setfield(L, 3, "file");
    lua_pushinteger(L, line);
    lua_setfield(L, 3, "line");
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 3);
    lua_rawset(L, 2);
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->decls_ref);
    lua_pushvalue(L, 3);
    lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
    lua_pop(L, 1);
    lua_pushvalue(L, 3);
    lua_pushcclosure(L, l_scene_body, 1);
    return 1;
}

static int l_scene(lua_State *L)
{
    return declare(L, false);
}
static int l_ending(lua_State *L)
{
    return declare(L, true);
}

/* include("part.lua") [-0, +0]: runs a file of the story folder. */
static int l_include(lua_State *L)
{
    story_graph *g = loading_graph(L, "include");
    const char *name = luaL_checkstring(L, 1);
    char err[256];
    if (!story_check_relative(name, err, sizeof err)) return luaL_error(L, "include: %s", err);
    if (g->include_depth >= MAX_INCLUDE_DEPTH)
        return luaL_error(L, "include: files include each other more than %d deep",
                          MAX_INCLUDE_DEPTH);
    const char *path = lua_pushfstring(L, "%s/%s", g->dir, name);
    if (!story_inside_folder(g->dir, path, err, sizeof err))
        return luaL_error(L, "include: '%s' %s", name, err);
    size_t len;
    char *text = story_read_file(path, 64u << 20, &len);
    if (!text) return luaL_error(L, "include: %s", mz_error());
    int rc = story_vm_load(story_vm_of(L), path, text, len, true);
    free(text); /* before anything can raise */
    if (rc == STORY_VM_AGAIN) return luaL_error(L, "include: '%s' is included twice", name);
    if (rc != LUA_OK) return lua_error(L);
    g->include_depth++;
    lua_call(L, 0, 0);
    g->include_depth--;
    return 0;
}

static int l_visits(lua_State *L)
{
    story_graph *g = playing_graph(L, "visits");
    const char *id = luaL_checkstring(L, 1);
    int idx = story_graph_find(g, id);
    if (idx < 0) return luaL_error(L, "visits: there is no scene '%s'", id);
    lua_pushinteger(L, g->play->visits[idx]);
    return 1;
}

/* give/take/has share the item set [-0, +1]. */
static int items_op(lua_State *L, const char *what, int op)
{
    story_graph *g = playing_graph(L, what);
    luaL_checkstring(L, 1);
    lua_settop(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->vm->items_ref);
    lua_pushvalue(L, 1);
    bool had = lua_rawget(L, 2) != LUA_TNIL;
    if (op != 0) {
        lua_pushvalue(L, 1);
        if (op > 0)
            lua_pushboolean(L, 1);
        else
            lua_pushnil(L);
        lua_rawset(L, 2);
    }
    lua_pushboolean(L, op > 0 ? !had : had);
    return 1;
}

static int l_give(lua_State *L)
{
    return items_op(L, "give", 1);
}
static int l_take(lua_State *L)
{
    return items_op(L, "take", -1);
}
static int l_has(lua_State *L)
{
    return items_op(L, "has", 0);
}

/* random() -> [0,1); random(m) -> [1,m]; random(m, n) -> [m,n]: as math.random. */
static int l_random(lua_State *L)
{
    story_graph *g = playing_graph(L, "random");
    lua_Integer lo, hi;
    switch (lua_gettop(L)) {
    case 0:
        lua_pushnumber(L, story_rng_float(&g->play->rng));
        return 1;
    case 1:
        lo = 1;
        hi = luaL_checkinteger(L, 1);
        break;
    case 2:
        lo = luaL_checkinteger(L, 1);
        hi = luaL_checkinteger(L, 2);
        break;
    default:
        return luaL_error(L, "random: wrong number of arguments");
    }
    luaL_argcheck(L, lo <= hi, lua_gettop(L), "interval is empty");
    lua_pushinteger(L, story_rng_range(&g->play->rng, lo, hi));
    return 1;
}

static int l_chance(lua_State *L)
{
    story_graph *g = playing_graph(L, "chance");
    lua_Number p = luaL_checknumber(L, 1);
    lua_pushboolean(L, story_rng_float(&g->play->rng) < p);
    return 1;
}

static int l_scene_id(lua_State *L)
{
    story_graph *g = playing_graph(L, "scene_id");
    lua_pushstring(L, g->scenes[g->play->scene].id);
    return 1;
}

static int l_turn(lua_State *L)
{
    story_graph *g = playing_graph(L, "turn");
    lua_pushinteger(L, g->play->turn);
    return 1;
}

void story_bind(story_graph *g)
{
    lua_State *L = g->vm->L;
    static const luaL_Reg api[] = {{"story", l_story},
                                   {"scene", l_scene},
                                   {"ending", l_ending},
                                   {"include", l_include},
                                   {"visits", l_visits},
                                   {"give", l_give},
                                   {"take", l_take},
                                   {"has", l_has},
                                   {"random", l_random},
                                   {"chance", l_chance},
                                   {"scene_id", l_scene_id},
                                   {"turn", l_turn},
                                   {NULL, NULL}};
    lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    luaL_setfuncs(L, api, 0);
    lua_getfield(L, -1, "string");
    story_pattern_bind(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, -1, "math");
    lua_pushcfunction(L, l_random);
    lua_setfield(L, -2, "random");
    lua_pop(L, 2);
    lua_newtable(L);
    g->decls_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_newtable(L);
    g->ids_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}
