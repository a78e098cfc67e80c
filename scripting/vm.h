/* vm.h — the story's sandboxed Lua state (vm.c): capped allocator, object
 * ids, instruction budget and CPU-time limit, the one pcall wrapper, and
 * reading the story's files. It knows no story: whoever creates it binds
 * the story API and is told of each file loaded (a callback and a user
 * pointer, like lua_newstate's allocator). The caller owns the story_vm.
 * Errors: false / NULL + mz_error(). Lua stack effects: [-pop, +push]. */
#ifndef MZ_STORY_VM_H
#define MZ_STORY_VM_H

#include "mz_error.h"
#include "mz_story.h" /* mz_story_desc: budgets */

#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stdint.h>

/* Told of each file the state loads, with its text (valid during the call). */
typedef void (*story_vm_load_fn)(void *user, const char *path, const char *text, size_t len);

/* Creation order of the state's tables, functions, userdata and threads
 * (and, lazily, of anything else whose identity shows): what `pairs`,
 * tostring and %p use instead of addresses, which change between runs. */
typedef struct story_ids {
    struct story_id {
        uintptr_t key; /* the object's address; 0: empty slot */
        uint64_t id;
    } * slot;
    size_t cap, count;
    uint64_t next;
} story_ids;

typedef struct story_vm story_vm;
struct story_vm {
    lua_State *L;
    size_t used, limit;
    bool capped; /* the limit applies only while story code runs */
    uint32_t budget, load_budget, instructions;
    /* CPU time per turn (or load): the instruction budget cannot see inside
     * C functions. Read through the cheap wall clock (vm.c). */
    uint64_t time_limit_ns, load_time_limit_ns;
    uint64_t clock_wall, clock_cpu, clock_next; /* when the turn began; next check */
    bool clock_cpu_known;
    bool killed;      /* out of budget or time: every hook raises until the call returns */
    bool out_of_time; /* killed by the clock rather than the budget */
    char where[MZ_ERROR_MAX / 2]; /* last "file:line" seen by the hook during this call */
    story_ids ids;
    bool loading;         /* story/scene/ending/include are allowed */
    int s_ref, items_ref; /* the state table and the item set */
    story_vm_load_fn load;
    void *user;
    char **paths; /* every file loaded, in order: for whole names in messages */
    size_t path_count;
};

/* A sandboxed state: allow-listed globals, each library function checking
 * the clock. It knows no story: the host binds its API (story_bind), hears
 * of every file loaded through `load`, and finds itself from bindings
 * through `user` (story_vm_user). NULL + mz_error(). */
story_vm *story_vm_create(const mz_story_desc *desc, story_vm_load_fn load, void *user);
void story_vm_destroy(story_vm *vm);
/* Compiles a file's text as the chunk "@path", like luaL_loadbufferx
 * [-0, +1]: LUA_OK and the chunk, or an error status and the message. The
 * load callback sees each file's text the first time. With `once`, a file
 * loaded before is refused: STORY_VM_AGAIN and nothing pushed. */
#define STORY_VM_AGAIN (-1)
int story_vm_load(story_vm *vm, const char *path, const char *text, size_t len, bool once);
/* The one pcall wrapper [-(nargs+1), +nresults on success, +0 on error]. On
 * error false + mz_error(): "file:line: message". */
bool story_vm_call(story_vm *vm, int nargs, int nresults);
/* Runs the file in the sandbox with the loading budget; nresults of what it
 * returns are pushed on success, else false + mz_error(). */
bool story_vm_run_file(story_vm *vm, const char *path, int nresults);
/* Reads a whole regular file (malloc'd, NUL-terminated); refuses others
 * (a FIFO would block). */
char *story_read_file(const char *path, size_t max, size_t *len);
/* A path inside the story folder (no "..", not absolute), else NULL + message. */
bool story_check_relative(const char *name, char *err, size_t errcap);
/* Whether path, with every symbolic link followed, is inside folder dir. */
bool story_inside_folder(const char *dir, const char *path, char *err, size_t errcap);

/* "file:line" of the function at idx (its definition). */
void story_vm_where_defined(lua_State *L, int idx, char *out, size_t cap);

/* The sandbox's vm, from inside a binding: the allocator's user data. */
static inline story_vm *story_vm_of(lua_State *L)
{
    void *ud;
    lua_getallocf(L, &ud);
    return ud;
}
/* The host's pointer given at creation. */
static inline void *story_vm_user(lua_State *L)
{
    return story_vm_of(L)->user;
}

/* Starts the clock of a turn or a load: every call until the next start
 * shares its time limit. */
void story_vm_clock_start(story_vm *vm);
/* Raises "file:line: the story ran too long" once the turn is out of time
 * (for C functions that may run long: pattern matching). */
void story_vm_check_time(lua_State *L);
/* "file:line" of the Lua code running at `level`, with the whole path. */
void story_vm_where(lua_State *L, int level, char *out, size_t cap);
/* The object's creation number (see story_ids) [-0, +0]. */
uint64_t story_vm_id(lua_State *L, int idx);
/* tostring without addresses [-0, +1]. */
const char *story_vm_tostring(lua_State *L, int idx, size_t *len);

#endif
