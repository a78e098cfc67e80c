/* test_story_vm — the story's Lua state on its own (issue 15): it knows no
 * story, tells its creator of each file it loads through a callback with a
 * user pointer, and reports failures through mz_error() alone. */
#include "mz_error.h"
#include "mz_test.h"
#include "vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct loads {
    int count;
    char path[512];
    size_t len;
} loads;

static void on_load(void *user, const char *path, const char *text, size_t len)
{
    loads *l = user;
    (void)text;
    l->count++;
    snprintf(l->path, sizeof l->path, "%s", path);
    l->len = len;
}

static char dir[] = "/tmp/mz_story_vm_XXXXXX";

/* Writes text to dir/name and returns the whole path (static). */
static const char *put(const char *name, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

static int l_is_user(lua_State *L)
{
    lua_pushboolean(L, story_vm_user(L) == lua_touserdata(L, lua_upvalueindex(1)));
    return 1;
}

/* A state with default budgets whose loads are counted in l. */
static story_vm *make(loads *l)
{
    story_vm *vm = story_vm_create(&(mz_story_desc){0}, on_load, l);
    MZ_CHECK(vm != NULL);
    if (vm) story_vm_clock_start(vm);
    return vm;
}

static void a_leaf_told_of_each_file(void)
{
    loads l = {0};
    story_vm *vm = make(&l);
    if (!vm) return;
    const char *text = "return 40 + 2\n";
    const char *path = put("main.lua", text);
    MZ_CHECK(story_vm_run_file(vm, path, 1));
    MZ_CHECK(lua_tointeger(vm->L, -1) == 42);
    lua_pop(vm->L, 1);
    MZ_CHECK(l.count == 1 && l.len == strlen(text));
    MZ_CHECK_STR(l.path, path);
    /* Once: a file loaded before is refused, and nothing is pushed. */
    int top = lua_gettop(vm->L);
    MZ_CHECK(story_vm_load(vm, path, text, strlen(text), true) == STORY_VM_AGAIN);
    MZ_CHECK(lua_gettop(vm->L) == top && l.count == 1);
    /* Otherwise it compiles again, and the callback is not told twice. */
    MZ_CHECK(story_vm_load(vm, path, text, strlen(text), false) == LUA_OK);
    MZ_CHECK(lua_gettop(vm->L) == top + 1 && lua_isfunction(vm->L, -1) && l.count == 1);
    lua_pop(vm->L, 1);
    /* Bindings find their host through the user pointer. */
    lua_pushlightuserdata(vm->L, &l);
    lua_pushcclosure(vm->L, l_is_user, 1);
    MZ_CHECK(story_vm_call(vm, 0, 1));
    MZ_CHECK(lua_toboolean(vm->L, -1));
    lua_pop(vm->L, 1);
    story_vm_destroy(vm);
}

static void failures_through_mz_error(void)
{
    loads l = {0};
    story_vm *vm = make(&l);
    if (!vm) return;
    char expect[600];
    const char *path = put("boom.lua", "local x = 1\nerror(\"boom\")\n");
    snprintf(expect, sizeof expect, "%s:2: boom", path);
    MZ_CHECK(!story_vm_run_file(vm, path, 0));
    MZ_CHECK_STR(mz_error(), expect);
    path = put("syntax.lua", "local = 1\n");
    snprintf(expect, sizeof expect, "%s:1:", path);
    MZ_CHECK(!story_vm_run_file(vm, path, 0));
    MZ_CHECK_HAS(mz_error(), expect);
    /* Lua cuts a long file name to "...<its end>"; the state knows the
     * files it loaded and gives the whole name back. */
    char name[128];
    snprintf(name, sizeof name, "%s.lua",
             "a_file_with_a_name_long_enough_that_lua_shortens_it_in_its_messages");
    path = put(name, "local t = nil\nreturn t.x\n");
    snprintf(expect, sizeof expect, "%s:2: attempt to index a nil value", path);
    MZ_CHECK(!story_vm_run_file(vm, path, 0));
    MZ_CHECK_HAS(mz_error(), expect);
    MZ_CHECK(l.count == 3);
    /* A file that cannot be read is not handed to the callback. */
    MZ_CHECK(!story_vm_run_file(vm, "/nonexistent/story.lua", 0));
    MZ_CHECK_HAS(mz_error(), "cannot open /nonexistent/story.lua");
    MZ_CHECK(l.count == 3);
    story_vm_destroy(vm);
}

int main(void)
{
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    MZ_RUN(a_leaf_told_of_each_file);
    MZ_RUN(failures_through_mz_error);
    const char *names[] = {
        "main.lua", "boom.lua", "syntax.lua",
        "a_file_with_a_name_long_enough_that_lua_shortens_it_in_its_messages.lua"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    return mz_test_finish();
}
