/* vm.c — the story's sandboxed Lua state.
 *
 * Modelled on Redis' script_lua.c: allow-listed globals, an instruction
 * budget enforced by a count hook (once it runs out, the hook fires on every
 * line and instruction so a pcall inside the story cannot swallow the
 * error), a capped allocator, and one pcall wrapper for every call from the
 * host, whose message handler logs a traceback. */
#include "story_internal.h"

#include "mz_log.h"

#include <lauxlib.h>
#include <lualib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VM_HOOK_STEP 1000u /* instructions between budget checks */

static void *vm_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    story_vm *vm = ud;
    size_t old = ptr ? osize : 0; /* with ptr == NULL, osize is a type tag */
    if (nsize == 0) {
        free(ptr);
        vm->used -= old;
        return NULL;
    }
    /* Refusing makes Lua raise a memory error; shrinking never fails. */
    if (nsize > old && vm->capped && vm->used - old + nsize > vm->limit) return NULL;
    void *p = realloc(ptr, nsize);
    if (!p) return NULL;
    vm->used = vm->used - old + nsize;
    return p;
}

story_vm *story_vm_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}

static void vm_hook(lua_State *L, lua_Debug *ar)
{
    story_vm *vm = story_vm_of(L);
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
        snprintf(vm->where, sizeof vm->where, "%s:%d", ar->short_src, ar->currentline);
    if (!vm->killed) {
        vm->instructions += VM_HOOK_STEP;
        uint32_t budget = vm->loading ? vm->load_budget : vm->budget;
        if (vm->instructions < budget) return;
        vm->killed = true;
        lua_sethook(L, vm_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    }
    uint32_t budget = vm->loading ? vm->load_budget : vm->budget;
    lua_pushfstring(
        L, "%s: the story ran too long (over %d instructions in one call: an endless loop?)",
        vm->where, (int)budget);
    lua_error(L);
}

/* Keeps the message as it is ("file:line: message") and logs a traceback. */
static int vm_msgh(lua_State *L)
{
    story_vm *vm = story_vm_of(L);
    vm->capped = false; /* the traceback must not fail for want of memory */
    const char *msg = lua_tostring(L, 1);
    if (!msg) {
        /* No __tostring here: running story code inside the handler could
         * fail again (and the budget may be spent). */
        msg = lua_pushfstring(L, "%s: error object is a %s value", vm->where, luaL_typename(L, 1));
        lua_replace(L, 1);
    }
    if (mz_log_enabled(MZ_LOG_DEBUG)) {
        luaL_traceback(L, L, msg, 1);
        mz_log_debug("%s", lua_tostring(L, -1));
        lua_pop(L, 1);
    }
    lua_settop(L, 1);
    return 1;
}

void story_vm_where_defined(lua_State *L, int idx, char *out, size_t cap)
{
    lua_Debug ar;
    lua_pushvalue(L, idx);
    if (lua_getinfo(L, ">S", &ar) && ar.linedefined > 0)
        snprintf(out, cap, "%s:%d", ar.short_src, ar.linedefined);
    else
        snprintf(out, cap, "%s", ar.short_src);
}

bool story_vm_call(story_vm *vm, int nargs, int nresults)
{
    lua_State *L = vm->L;
    int base = lua_gettop(L) - nargs;
    char defined[sizeof vm->where];
    story_vm_where_defined(L, base, defined, sizeof defined);
    lua_pushcfunction(L, vm_msgh);
    lua_insert(L, base);
    uint32_t budget = vm->loading ? vm->load_budget : vm->budget;
    vm->instructions = 0;
    vm->killed = false;
    snprintf(vm->where, sizeof vm->where, "%s", defined);
    lua_sethook(L, vm_hook, LUA_MASKCOUNT, budget < VM_HOOK_STEP ? (int)budget : (int)VM_HOOK_STEP);
    vm->capped = true;
    int rc = lua_pcall(L, nargs, nresults, base);
    vm->capped = false;
    lua_sethook(L, NULL, 0, 0);
    vm->killed = false;
    lua_remove(L, base);
    if (rc == LUA_OK) return true;
    if (rc == LUA_ERRMEM)
        snprintf(vm->error, sizeof vm->error,
                 "%s: out of memory (a story may use %zu MiB; is something growing forever?)",
                 vm->where, vm->limit >> 20);
    else
        snprintf(vm->error, sizeof vm->error, "%s",
                 lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error in error handling");
    lua_pop(L, 1);
    lua_gc(L, LUA_GCCOLLECT, 0);
    return false;
}

char *story_read_file(const char *path, size_t max, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        mz_fail("cannot open %s", path);
        return NULL;
    }
    story_buf b = {0};
    char chunk[65536];
    size_t n;
    story_buf_put(&b, "", 0);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len <= max)
        story_buf_put(&b, chunk, n);
    bool bad = ferror(f) || b.failed;
    fclose(f);
    if (bad || b.len > max) {
        story_buf_free(&b);
        mz_fail(bad ? "cannot read %s" : "%s is too big", path);
        return NULL;
    }
    *len = b.len;
    return b.data;
}

bool story_check_relative(const char *name, char *err, size_t errcap)
{
    if (!name[0] || name[0] == '/' || strchr(name, '\\')) {
        snprintf(err, errcap, "'%s' must be a relative path inside the story folder", name);
        return false;
    }
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            snprintf(err, errcap, "'%s' must stay inside the story folder (no '..')", name);
            return false;
        }
        p += n;
        if (*p) p++;
    }
    return true;
}

bool story_vm_run_file(story_vm *vm, const char *path, int nresults)
{
    size_t len;
    char *text = story_read_file(path, 64u << 20, &len);
    if (!text) {
        snprintf(vm->error, sizeof vm->error, "%s", mz_error());
        return false;
    }
    story_graph_add_source(vm->graph, path, text, len);
    lua_pushfstring(vm->L, "@%s", path);
    int rc = luaL_loadbufferx(vm->L, text, len, lua_tostring(vm->L, -1), "t");
    free(text);
    lua_remove(vm->L, -2);
    if (rc != LUA_OK) {
        snprintf(vm->error, sizeof vm->error, "%s", lua_tostring(vm->L, -1));
        lua_pop(vm->L, 1);
        return false;
    }
    return story_vm_call(vm, 0, nresults);
}

/* setmetatable without __gc: finalisers run with hooks off, where the
 * instruction budget could not stop them. */
static int l_setmetatable(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    int t = lua_type(L, 2);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL) return luaL_error(L, "__gc metamethods are not allowed");
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

static int l_print(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    lua_Debug ar;
    if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar))
        mz_log_info("%s:%d: %s", ar.short_src, ar.currentline, lua_tostring(L, -1));
    else
        mz_log_info("story: %s", lua_tostring(L, -1));
    return 0;
}

/* pairs in a fixed order: Lua seeds its string hashes from the clock and
 * addresses, so plain `next` order differs between runs, and a story that
 * draws random numbers inside a pairs loop would not replay. Keys go
 * numbers first, then strings, then booleans; others in table order. */
static const char sorted_pairs[] =
    "local env, G = ...\n"
    "local next, type, rawget, error, getmetatable = G.next, G.type, G.rawget, G.error, "
    "G.getmetatable\n"
    "local sort = env.table.sort\n"
    "local rank = { number = 1, string = 2, boolean = 3 }\n"
    "local function before(a, b)\n"
    "  local ta, tb = type(a), type(b)\n"
    "  if ta ~= tb then return (rank[ta] or 4) < (rank[tb] or 4) end\n"
    "  if ta == 'number' or ta == 'string' then return a < b end\n"
    "  if ta == 'boolean' then return b and not a end\n"
    "  return false\n"
    "end\n"
    "env.pairs = function(t)\n"
    "  local mt = getmetatable(t)\n"
    "  local custom = type(mt) == 'table' and rawget(mt, '__pairs')\n"
    "  if custom then return custom(t) end\n"
    "  if type(t) ~= 'table' then\n"
    "    error(\"bad argument #1 to 'pairs' (table expected, got \" .. type(t) .. ')', 2)\n"
    "  end\n"
    "  local keys, n = {}, 0\n"
    "  for k in next, t do n = n + 1; keys[n] = k end\n"
    "  sort(keys, before)\n"
    "  local i = 0\n"
    "  return function()\n"
    "    i = i + 1\n"
    "    local k = keys[i]\n"
    "    if k ~= nil then return k, t[k] end\n"
    "  end, t, nil\n"
    "end\n";

static void copy_fields(lua_State *L, int from, int to, const char *const *names)
{
    for (; *names; names++) {
        lua_getfield(L, from, *names);
        lua_setfield(L, to, *names);
    }
}

/* The globals stories see (docs/story-api.md): everything else is absent. */
static void vm_sandbox(story_vm *vm)
{
    lua_State *L = vm->L;
    static const char *const base[] = {"assert",   "error",    "ipairs", "pcall",        "select",
                                       "tonumber", "tostring", "type",   "getmetatable", NULL};
    static const struct {
        const char *name;
        lua_CFunction open;
    } libs[] = {{"string", luaopen_string},
                {"table", luaopen_table},
                {"math", luaopen_math},
                {"utf8", luaopen_utf8}};
    luaL_requiref(L, "_G", luaopen_base, 0);
    int all = lua_gettop(L);
    lua_newtable(L);
    int env = lua_gettop(L);
    copy_fields(L, all, env, base);
    lua_pushcfunction(L, l_setmetatable);
    lua_setfield(L, env, "setmetatable");
    lua_pushcfunction(L, l_print);
    lua_setfield(L, env, "print");
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        luaL_requiref(L, libs[i].name, libs[i].open, 0);
        lua_setfield(L, env, libs[i].name);
    }
    /* string.dump exposes bytecode; the string table is also the strings'
     * metatable __index, so removing it here removes ("x"):dump() too. */
    lua_getfield(L, env, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    lua_getfield(L, env, "math");
    lua_pushnil(L);
    lua_setfield(L, -2, "randomseed"); /* math.random is rebound to the seeded one */
    lua_pop(L, 1);
    int rc = luaL_loadbufferx(L, sorted_pairs, sizeof sorted_pairs - 1, "=pairs", "t");
    if (rc == LUA_OK) {
        lua_pushvalue(L, env);
        lua_pushvalue(L, all);
        rc = lua_pcall(L, 2, 0, 0);
    }
    if (rc != LUA_OK) {
        mz_log_error("story sandbox: %s", lua_tostring(L, -1)); /* out of memory, at worst */
        lua_pop(L, 1);
    }
    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");
    /* New chunks take their _ENV from here. */
    lua_pushvalue(L, env);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_settop(L, all - 1);
}

story_vm *story_vm_create(const mz_story_desc *desc, story_graph *g)
{
    story_vm *vm = calloc(1, sizeof *vm);
    if (!vm) {
        mz_fail("out of memory");
        return NULL;
    }
    vm->limit = desc->memory_limit ? desc->memory_limit : (size_t)64 << 20;
    vm->budget = desc->instruction_budget ? desc->instruction_budget : 1000000u;
    /* Loading runs the whole file at once: a big story needs far more. */
    vm->load_budget = vm->budget > UINT32_MAX / 100 ? UINT32_MAX : vm->budget * 100;
    vm->graph = g;
    vm->L = lua_newstate(vm_alloc, vm);
    if (!vm->L) {
        free(vm);
        mz_fail("cannot create a Lua state");
        return NULL;
    }
    vm_sandbox(vm);
    lua_newtable(vm->L);
    vm->s_ref = luaL_ref(vm->L, LUA_REGISTRYINDEX);
    lua_newtable(vm->L);
    vm->items_ref = luaL_ref(vm->L, LUA_REGISTRYINDEX);
    vm->decls_ref = vm->story_ref = LUA_NOREF;
    story_bind(vm);
    return vm;
}

void story_vm_destroy(story_vm *vm)
{
    if (!vm) return;
    if (vm->L) lua_close(vm->L);
    free(vm);
}
