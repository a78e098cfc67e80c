/* vm.c — the story's sandboxed Lua state.
 *
 * Modelled on Redis' script_lua.c: allow-listed globals, an instruction
 * budget enforced by a count hook (once it runs out, the hook fires on every
 * line and instruction so a pcall inside the story cannot swallow the
 * error), a CPU-time limit per turn or load, a capped allocator, and one
 * pcall wrapper for every call from the host, whose message handler logs a
 * traceback. It knows nothing of stories: the host binds the story API
 * (with the interruptible string patterns, which use this file's clock) and
 * hears of each file loaded through the load callback. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "vm.h"

#include "mz_buf.h"

#include "mz_log.h"

#include <lauxlib.h>
#include <lualib.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define VM_HOOK_STEP 1000u /* instructions between budget checks */
/* Reading this thread's CPU clock is a system call (microseconds); the
 * wall clock is not. Wall time >= CPU time, so the CPU clock is read only
 * once the wall clock says the limit might be reached. */
#define VM_CPU_PROBE_NS 10000000ull

/* ---- object ids: an open-addressing map, address -> creation number ---- */

static size_t ids_home(const story_ids *m, uintptr_t key)
{
    return (size_t)(((uint64_t)key >> 4) * 0x9e3779b97f4a7c15ull >> 20) & (m->cap - 1);
}

/* Grows the map; its memory counts against the story's cap. */
static bool ids_grow(story_vm *vm)
{
    story_ids *m = &vm->ids;
    size_t cap = m->cap ? m->cap * 2 : 1024, bytes = cap * sizeof *m->slot;
    size_t old = m->cap * sizeof *m->slot;
    if (vm->capped && vm->used - old + bytes > vm->limit) return false;
    struct story_id *slot = calloc(cap, sizeof *slot);
    if (!slot) return false;
    struct story_id *from = m->slot;
    size_t from_cap = m->cap;
    m->slot = slot;
    m->cap = cap;
    for (size_t i = 0; i < from_cap; i++) {
        if (!from[i].key) continue;
        size_t j = ids_home(m, from[i].key);
        while (slot[j].key)
            j = (j + 1) & (cap - 1);
        slot[j] = from[i];
    }
    free(from);
    vm->used = vm->used - old + bytes;
    return true;
}

static bool ids_put(story_vm *vm, uintptr_t key, uint64_t id)
{
    story_ids *m = &vm->ids;
    if ((m->count + 1) * 2 > m->cap && !ids_grow(vm)) return false;
    size_t i = ids_home(m, key);
    while (m->slot[i].key && m->slot[i].key != key)
        i = (i + 1) & (m->cap - 1);
    m->count += !m->slot[i].key;
    m->slot[i] = (struct story_id){key, id};
    return true;
}

static struct story_id *ids_find(story_ids *m, uintptr_t key)
{
    if (!m->count) return NULL;
    for (size_t i = ids_home(m, key);; i = (i + 1) & (m->cap - 1)) {
        if (m->slot[i].key == key) return &m->slot[i];
        if (!m->slot[i].key) return NULL;
    }
}

/* Deletion by backward shift keeps every probe chain unbroken. */
static void ids_remove(story_ids *m, uintptr_t key)
{
    struct story_id *e = ids_find(m, key);
    if (!e) return;
    size_t i = (size_t)(e - m->slot), mask = m->cap - 1;
    for (size_t j = (i + 1) & mask; m->slot[j].key; j = (j + 1) & mask) {
        size_t home = ids_home(m, m->slot[j].key);
        /* Move j back into the hole at i when its home is not in (i, j]. */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->slot[i] = m->slot[j];
            i = j;
        }
    }
    m->slot[i].key = 0;
    m->count--;
}

uint64_t story_vm_id(lua_State *L, int idx)
{
    story_vm *vm = story_vm_of(L);
    uintptr_t key = (uintptr_t)lua_topointer(L, idx);
    struct story_id *e = ids_find(&vm->ids, key);
    if (e) return e->id;
    /* Not made by the allocator (a C function) or not tracked (a string):
     * numbered when first seen, which is as deterministic as the story. */
    uint64_t id = ++vm->ids.next;
    if (!ids_put(vm, key, id)) luaL_error(L, "not enough memory");
    return id;
}

static void *vm_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    story_vm *vm = ud;
    size_t old = ptr ? osize : 0; /* with ptr == NULL, osize is a type tag */
    if (nsize == 0) {
        if (ptr) ids_remove(&vm->ids, (uintptr_t)ptr);
        free(ptr);
        vm->used -= old;
        return NULL;
    }
    /* Refusing makes Lua raise a memory error; shrinking never fails. */
    if (nsize > old && vm->capped && vm->used - old + nsize > vm->limit) return NULL;
    void *p = realloc(ptr, nsize);
    if (!p) return NULL;
    vm->used = vm->used - old + nsize;
    /* A new object: osize is its type. Objects never move once made. */
    bool object = !ptr && (osize == LUA_TTABLE || osize == LUA_TFUNCTION ||
                           osize == LUA_TUSERDATA || osize == LUA_TTHREAD);
    if (object && !ids_put(vm, (uintptr_t)p, ++vm->ids.next)) {
        free(p);
        vm->used -= nsize;
        return NULL;
    }
    return p;
}

static uint64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t time_limit(const story_vm *vm)
{
    return vm->loading ? vm->load_time_limit_ns : vm->time_limit_ns;
}

void story_vm_clock_start(story_vm *vm)
{
    uint64_t limit = time_limit(vm);
    vm->clock_wall = clock_ns(CLOCK_MONOTONIC);
    vm->clock_next = vm->clock_wall + (limit < VM_CPU_PROBE_NS ? limit : VM_CPU_PROBE_NS);
    vm->clock_cpu_known = false;
}

/* Whether the turn has used its CPU time. */
static bool vm_out_of_time(story_vm *vm)
{
    uint64_t now = clock_ns(CLOCK_MONOTONIC);
    if (now < vm->clock_next) return false;
    uint64_t cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    if (!vm->clock_cpu_known) {
        /* The CPU clock was not read at the start: what ran since then took
         * at most the wall time passed, and at most the probe interval
         * (the clock is checked that often while code runs). */
        uint64_t passed = now - vm->clock_wall;
        vm->clock_cpu = cpu - (passed < VM_CPU_PROBE_NS ? passed : VM_CPU_PROBE_NS);
        vm->clock_cpu_known = true;
    }
    uint64_t used = cpu - vm->clock_cpu, limit = time_limit(vm);
    if (used >= limit) return true;
    vm->clock_next = now + (limit - used); /* CPU time cannot pass faster */
    return false;
}

void story_vm_where(lua_State *L, int level, char *out, size_t cap)
{
    lua_Debug ar;
    if (lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0)
        snprintf(out, cap, "%s:%d", ar.source[0] == '@' ? ar.source + 1 : ar.short_src,
                 ar.currentline);
    else
        snprintf(out, cap, "%s", story_vm_of(L)->where);
}

static int vm_kill(lua_State *L, story_vm *vm);

static void vm_hook(lua_State *L, lua_Debug *ar)
{
    story_vm *vm = story_vm_of(L);
    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
        snprintf(vm->where, sizeof vm->where, "%s:%d",
                 ar->source[0] == '@' ? ar->source + 1 : ar->short_src, ar->currentline);
    if (!vm->killed) {
        vm->instructions += VM_HOOK_STEP;
        uint32_t budget = vm->loading ? vm->load_budget : vm->budget;
        if (vm->instructions < budget && !(vm->out_of_time = vm_out_of_time(vm))) return;
    }
    vm_kill(L, vm);
}

/* Raises the "ran too long" error; from now on every hook raises it again,
 * so a pcall inside the story cannot swallow it. */
static int vm_kill(lua_State *L, story_vm *vm)
{
    if (!vm->killed) {
        vm->killed = true;
        lua_sethook(L, vm_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    }
    if (vm->out_of_time)
        lua_pushfstring(L, "%s: the story ran too long (over %d ms of CPU time in one %s)",
                        vm->where, (int)(time_limit(vm) / 1000000), vm->loading ? "load" : "turn");
    else
        lua_pushfstring(
            L, "%s: the story ran too long (over %d instructions in one call: an endless loop?)",
            vm->where, (int)(vm->loading ? vm->load_budget : vm->budget));
    return lua_error(L);
}

void story_vm_check_time(lua_State *L)
{
    story_vm *vm = story_vm_of(L);
    if (!vm->killed && !vm_out_of_time(vm)) return;
    if (!vm->killed) {
        vm->out_of_time = true;
        story_vm_where(L, 1, vm->where, sizeof vm->where);
    }
    vm_kill(L, vm);
}

/* Lua cuts a long file name in its messages to "...<its end>"; the story's
 * sources say what the whole name was [-0, +0]. */
static void vm_full_source(story_vm *vm, lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    const char *msg = lua_tostring(L, idx);
    const char *colon = msg && !strncmp(msg, "...", 3) ? strchr(msg + 3, ':') : NULL;
    if (!colon) return;
    size_t tail = (size_t)(colon - msg) - 3;
    for (size_t i = 0; i < vm->path_count; i++) {
        const char *path = vm->paths[i];
        size_t n = strlen(path);
        if (n > tail && !memcmp(path + n - tail, msg + 3, tail)) {
            lua_pushfstring(L, "%s%s", path, colon);
            lua_replace(L, idx);
            return;
        }
    }
}

/* Keeps the message as it is ("file:line: message") and logs a traceback. */
static int vm_msgh(lua_State *L)
{
    story_vm *vm = story_vm_of(L);
    vm->capped = false; /* the traceback must not fail for want of memory */
    vm_full_source(vm, L, 1);
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
    if (!lua_getinfo(L, ">S", &ar))
        snprintf(out, cap, "?");
    else if (ar.linedefined > 0)
        snprintf(out, cap, "%s:%d", ar.source[0] == '@' ? ar.source + 1 : ar.short_src,
                 ar.linedefined);
    else
        snprintf(out, cap, "%s", ar.source[0] == '@' ? ar.source + 1 : ar.short_src);
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
    vm->killed = vm->out_of_time = false;
    snprintf(vm->where, sizeof vm->where, "%s", defined);
    lua_sethook(L, vm_hook, LUA_MASKCOUNT, budget < VM_HOOK_STEP ? (int)budget : (int)VM_HOOK_STEP);
    vm->capped = true;
    int rc = lua_pcall(L, nargs, nresults, base);
    vm->capped = false;
    lua_sethook(L, NULL, 0, 0);
    vm->killed = vm->out_of_time = false;
    lua_remove(L, base);
    if (rc == LUA_OK) return true;
    if (rc == LUA_ERRMEM)
        mz_fail("%s: out of memory (a story may use %zu MiB; is something growing forever?)",
                vm->where, vm->limit >> 20);
    else
        mz_fail("%s",
                lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "error in error handling");
    lua_pop(L, 1);
    lua_gc(L, LUA_GCCOLLECT, 0);
    return false;
}

char *story_read_file(const char *path, size_t max, size_t *len)
{
    mz_buf b = {0};
    if (!mz_buf_read_file(&b, path, max)) {
        int err = errno;
        mz_buf_free(&b);
        if (err == EINVAL)
            mz_fail("%s is not a regular file", path);
        else if (err == EFBIG)
            mz_fail("%s is too big", path);
        else if (err == EIO || err == ENOMEM)
            mz_fail("cannot read %s (%s)", path, strerror(err));
        else
            mz_fail("cannot open %s (%s)", path, strerror(err));
        return NULL;
    }
    return mz_buf_take(&b, len);
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

bool story_inside_folder(const char *dir, const char *path, char *err, size_t errcap)
{
    char *real_dir = realpath(dir, NULL), *real = realpath(path, NULL);
    size_t n = real_dir ? strlen(real_dir) : 0;
    bool inside = real_dir && real && !strncmp(real, real_dir, n) &&
                  (real[n] == '/' || (n == 1 && real_dir[0] == '/'));
    if (!real)
        snprintf(err, errcap, "cannot be read (%s)", strerror(errno));
    else if (!inside)
        snprintf(err, errcap, "leads outside the story folder (to %s)", real);
    free(real_dir);
    free(real);
    return inside;
}

/* Adds path to the files loaded; false when it was there or out of memory. */
static bool vm_add_path(story_vm *vm, const char *path, bool *again)
{
    *again = false;
    for (size_t i = 0; i < vm->path_count; i++)
        if (!strcmp(vm->paths[i], path)) {
            *again = true;
            return false;
        }
    char **paths = realloc(vm->paths, (vm->path_count + 1) * sizeof *paths);
    if (paths) vm->paths = paths;
    char *copy = paths ? strdup(path) : NULL;
    if (!copy) return false;
    vm->paths[vm->path_count++] = copy;
    return true;
}

int story_vm_load(story_vm *vm, const char *path, const char *text, size_t len, bool once)
{
    /* Nothing here may raise: a caller inside a binding holds the text. */
    bool again;
    if (vm_add_path(vm, path, &again))
        vm->load(vm->user, path, text, len);
    else if (!again) {
        lua_pushliteral(vm->L, "not enough memory"); /* Lua's own, never allocated anew */
        return LUA_ERRMEM;
    } else if (once) {
        return STORY_VM_AGAIN;
    }
    size_t n = strlen(path);
    char *chunkname = malloc(n + 2);
    if (!chunkname) {
        lua_pushliteral(vm->L, "not enough memory");
        return LUA_ERRMEM;
    }
    chunkname[0] = '@';
    memcpy(chunkname + 1, path, n + 1);
    int rc = luaL_loadbufferx(vm->L, text, len, chunkname, "t");
    free(chunkname);
    return rc;
}

bool story_vm_run_file(story_vm *vm, const char *path, int nresults)
{
    size_t len;
    char *text = story_read_file(path, 64u << 20, &len);
    if (!text) return false;
    int rc = story_vm_load(vm, path, text, len, false);
    free(text);
    if (rc != LUA_OK) {
        vm_full_source(vm, vm->L, -1);
        mz_fail("%s", lua_tostring(vm->L, -1));
        lua_pop(vm->L, 1);
        return false;
    }
    return story_vm_call(vm, 0, nresults);
}

/* Whether the value at idx is the registry's table `ref` [-0, +0]. */
static bool is_ref(lua_State *L, int idx, int ref)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    bool same = lua_rawequal(L, idx, -1);
    lua_pop(L, 1);
    return same;
}

/* setmetatable without __gc: finalisers run with hooks off, where the
 * instruction budget could not stop them. The state tables stay plain:
 * saves and roll-backs keep values, not metatables. */
static int l_setmetatable(lua_State *L)
{
    story_vm *vm = story_vm_of(L);
    luaL_checktype(L, 1, LUA_TTABLE);
    if (is_ref(L, 1, vm->s_ref) || is_ref(L, 1, vm->items_ref))
        return luaL_error(L, "the state table cannot have a metatable (it must stay plain)");
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

const char *story_vm_tostring(lua_State *L, int idx, size_t *len)
{
    idx = lua_absindex(L, idx);
    int type = lua_type(L, idx);
    bool object = type == LUA_TTABLE || type == LUA_TFUNCTION || type == LUA_TUSERDATA ||
                  type == LUA_TTHREAD || type == LUA_TLIGHTUSERDATA;
    if (!object || luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL) {
        if (object) lua_pop(L, 1);
        return luaL_tolstring(L, idx, len); /* calls __tostring itself */
    }
    const char *name = luaL_typename(L, idx);
    if (luaL_getmetafield(L, idx, "__name") == LUA_TSTRING) name = lua_tostring(L, -1);
    lua_pushfstring(L, "%s: #%I", name, (lua_Integer)story_vm_id(L, idx));
    if (name != luaL_typename(L, idx)) lua_remove(L, -2);
    return lua_tolstring(L, -1, len);
}

static int l_tostring(lua_State *L)
{
    luaL_checkany(L, 1);
    story_vm_tostring(L, 1, NULL);
    return 1;
}

static int l_print(lua_State *L)
{
    int n = lua_gettop(L);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (int i = 1; i <= n; i++) {
        if (i > 1) luaL_addchar(&b, '\t');
        story_vm_tostring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    char where[MZ_ERROR_MAX / 2];
    story_vm_where(L, 1, where, sizeof where);
    mz_log_info("%s: %s", where, lua_tostring(L, -1));
    return 0;
}

/* string.format with %p and %s printing no addresses: such arguments
 * become their tostring, and %p a %s. */
static int l_format(lua_State *L)
{
    size_t len;
    const char *fmt = luaL_checklstring(L, 1, &len);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    int arg = 1;
    for (size_t i = 0; i < len; i++) {
        luaL_addchar(&b, fmt[i]);
        if (fmt[i] != '%') continue;
        if (i + 1 < len && fmt[i + 1] == '%') {
            luaL_addchar(&b, fmt[++i]);
            continue;
        }
        size_t j = i + 1;
        while (j < len && strchr("-+ #0123456789.", fmt[j]))
            j++;
        if (j >= len) break; /* the original reports the bad format */
        arg++;
        luaL_addlstring(&b, fmt + i + 1, j - i - 1);
        char conv = fmt[j];
        int type = lua_type(L, arg);
        bool shown = type != LUA_TSTRING && type != LUA_TNUMBER && type != LUA_TNONE;
        if (conv == 'p' && (shown || type == LUA_TSTRING)) {
            lua_pushfstring(L, "#%I", (lua_Integer)story_vm_id(L, arg));
            lua_replace(L, arg);
            conv = 's';
        } else if (conv == 's' && shown) {
            story_vm_tostring(L, arg, NULL);
            lua_replace(L, arg);
        }
        luaL_addchar(&b, conv);
        i = j;
    }
    luaL_pushresult(&b);
    lua_replace(L, 1);
    story_vm_check_time(L);
    return lua_tocfunction(L, lua_upvalueindex(1))(L); /* in this frame, as l_guarded */
}

/* Library functions in C run without hooks: each call checks the clock
 * first, so a loop of long calls stops within one call of the limit. The
 * function runs in this frame, so its errors name the caller's file:line
 * and the function as Lua would. */
static int l_guarded(lua_State *L)
{
    story_vm_check_time(L);
    return lua_tocfunction(L, lua_upvalueindex(1))(L);
}

/* Wraps every C function of the library table at idx [-0, +0]. */
static void guard_library(lua_State *L, int idx)
{
    idx = lua_absindex(L, idx);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_iscfunction(L, -1)) {
            lua_pushcclosure(L, l_guarded, 1);
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, idx);
        } else {
            lua_pop(L, 1);
        }
    }
}

static int l_id(lua_State *L)
{
    luaL_checkany(L, 1);
    lua_pushinteger(L, (lua_Integer)story_vm_id(L, 1));
    return 1;
}

/* pairs in a fixed order: Lua seeds its string hashes from the clock and
 * addresses, so plain `next` order differs between runs, and a story that
 * draws random numbers inside a pairs loop would not replay. Keys go
 * numbers first, then strings, then booleans, then tables, functions and
 * other objects in the order they were made (their ids). */
static const char sorted_pairs[] =
    "local env, G, id = ...\n"
    "local next, type, rawget, error, getmetatable = G.next, G.type, G.rawget, G.error, "
    "G.getmetatable\n"
    "local sort = env.table.sort\n"
    "local rank = { number = 1, string = 2, boolean = 3 }\n"
    "local function before(a, b)\n"
    "  local ta, tb = type(a), type(b)\n"
    "  local ra, rb = rank[ta] or 4, rank[tb] or 4\n"
    "  if ra ~= rb then return ra < rb end\n"
    "  if ta == 'number' or ta == 'string' then return a < b end\n"
    "  if ta == 'boolean' then return b and not a end\n"
    "  return id(a) < id(b)\n"
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
    static const char *const base[] = {"assert",   "error", "ipairs",       "pcall", "select",
                                       "tonumber", "type",  "getmetatable", NULL};
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
    lua_pushcfunction(L, l_tostring);
    lua_setfield(L, env, "tostring");
    for (size_t i = 0; i < sizeof libs / sizeof libs[0]; i++) {
        luaL_requiref(L, libs[i].name, libs[i].open, 0);
        lua_setfield(L, env, libs[i].name);
    }
    /* string.dump exposes bytecode; the string table is also the strings'
     * metatable __index, so removing it here removes ("x"):dump() too. */
    lua_getfield(L, env, "string");
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_getfield(L, -1, "format");
    guard_library(L, -2);
    lua_pushcclosure(L, l_format, 1);
    lua_setfield(L, -2, "format");
    lua_pop(L, 1);
    lua_getfield(L, env, "table");
    guard_library(L, -1);
    lua_getfield(L, env, "utf8");
    guard_library(L, -1);
    lua_pop(L, 2);
    lua_getfield(L, env, "math");
    lua_pushnil(L);
    lua_setfield(L, -2, "randomseed"); /* math.random is rebound to the seeded one */
    lua_pop(L, 1);
    int rc = luaL_loadbufferx(L, sorted_pairs, sizeof sorted_pairs - 1, "=pairs", "t");
    if (rc == LUA_OK) {
        lua_pushvalue(L, env);
        lua_pushvalue(L, all);
        lua_pushcfunction(L, l_id);
        rc = lua_pcall(L, 3, 0, 0);
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

story_vm *story_vm_create(const mz_story_desc *desc, story_vm_load_fn load, void *user)
{
    story_vm *vm = calloc(1, sizeof *vm);
    if (!vm) {
        mz_fail("out of memory");
        return NULL;
    }
    vm->limit = desc->memory_limit ? desc->memory_limit : (size_t)64 << 20;
    vm->time_limit_ns = (desc->time_limit_ms ? desc->time_limit_ms : 250u) * 1000000ull;
    vm->load_time_limit_ns =
        (desc->load_time_limit_ms ? desc->load_time_limit_ms : 5000u) * 1000000ull;
    vm->budget = desc->instruction_budget ? desc->instruction_budget : 1000000u;
    /* Loading runs the whole file at once: a big story needs far more. */
    vm->load_budget = vm->budget > UINT32_MAX / 100 ? UINT32_MAX : vm->budget * 100;
    vm->load = load;
    vm->user = user;
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
    return vm;
}

void story_vm_destroy(story_vm *vm)
{
    if (!vm) return;
    if (vm->L) lua_close(vm->L);
    free(vm->ids.slot);
    for (size_t i = 0; i < vm->path_count; i++)
        free(vm->paths[i]);
    free(vm->paths);
    free(vm);
}
