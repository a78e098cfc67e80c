/* state.c — the story's state as text: `s` and the item set, written
 * after each good turn (the snapshot a failed turn rolls back to) and read
 * back in place, so tables the story holds keep their identity. */
#include "state.h"

#include "serial.h"
#include "vm.h"

#include <lauxlib.h>

#include <stdio.h>

/* Replaces the contents of the table at dst with those of the table at src
 * (shallow), keeping dst's identity [-0, +0]. */
static void table_replace(lua_State *L, int dst, int src)
{
    dst = lua_absindex(L, dst);
    src = lua_absindex(L, src);
    /* Assigning nil to a field during traversal is allowed (lua_next). */
    lua_pushnil(L);
    while (lua_next(L, dst)) {
        lua_pop(L, 1);
        lua_pushvalue(L, -1);
        lua_pushnil(L);
        lua_rawset(L, dst);
    }
    lua_pushnil(L);
    while (lua_next(L, src)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, dst);
    }
}

bool story_state_write(story_graph *g, mz_buf *out)
{
    lua_State *L = g->vm->L;
    char err[400];
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->vm->s_ref);
    bool ok = story_serial_write(L, -1, "s", out, err, sizeof err);
    lua_pop(L, 1);
    if (ok) {
        mz_buf_put(out, "\n", 1);
        lua_rawgeti(L, LUA_REGISTRYINDEX, g->vm->items_ref);
        ok = story_serial_write(L, -1, "items", out, err, sizeof err);
        lua_pop(L, 1);
    }
    /* The state is checked after the turn's code ran: the last place that
     * code was seen running is the best line to give. */
    if (!ok) mz_fail("%.600s: %s", g->vm->where[0] ? g->vm->where : g->path, err);
    return ok;
}

bool story_state_read(story_graph *g, const char *text, size_t len)
{
    lua_State *L = g->vm->L;
    char err[256];
    size_t pos = 0;
    bool ok = story_serial_read(L, text, len, &pos, err, sizeof err);
    if (ok && (pos >= len || text[pos] != '\n' || lua_type(L, -1) != LUA_TTABLE)) {
        snprintf(err, sizeof err, "bad state");
        lua_pop(L, 1);
        ok = false;
    }
    pos++;
    if (ok && !story_serial_read(L, text, len, &pos, err, sizeof err)) {
        lua_pop(L, 1);
        ok = false;
    }
    if (ok && lua_type(L, -1) != LUA_TTABLE) {
        snprintf(err, sizeof err, "bad items");
        lua_pop(L, 2);
        ok = false;
    }
    if (!ok) return mz_fail("cannot read the story state: %s", err);
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->vm->items_ref);
    table_replace(L, -1, -2);
    lua_rawgeti(L, LUA_REGISTRYINDEX, g->vm->s_ref);
    table_replace(L, -1, -4);
    lua_pop(L, 4);
    return true;
}
