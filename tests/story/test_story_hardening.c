/* Hostile and careless stories and saves (issue 9): turns that never end,
 * texts without bounds, NUL bytes, state with metatables, includes that
 * leave the folder, saves that lie, and messages that lose their place.
 * Each failure must be reported clearly while play goes on.
 *
 * `test_story_hardening save STORY SAVE` only saves a begun story (the
 * shell test watches its system calls). */
#include "mz_error.h"
#include "mz_story.h"
#include "mz_test.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIX "tests/story/fixtures/"

static void write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    MZ_CHECK(f != NULL);
    if (!f) return;
    fwrite(text, 1, len, f);
    fclose(f);
}

/* A scratch folder holding story.lua with the given text. */
static void scratch(char *dir, size_t cap, const char *text, size_t len)
{
    snprintf(dir, cap, "/tmp/mz_hard_XXXXXX");
    MZ_CHECK(mkdtemp(dir) != NULL);
    char path[600];
    snprintf(path, sizeof path, "%s/story.lua", dir);
    write_file(path, text, len);
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[1024];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            remove_tree(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static mz_story_turn say(mz_story *s, const char *text)
{
    mz_story_turn t;
    MZ_CHECK(mz_story_input(s, text, strlen(text), &t));
    return t;
}

static mz_story *begin(const char *path, mz_story_turn *t);

/* Plays input and checks the turn's error: the story's folder, then rest. */
static mz_story_turn expect_error(mz_story *s, const char *input, const char *dir, const char *rest)
{
    mz_story_turn t = say(s, input);
    char expect[600];
    snprintf(expect, sizeof expect, "%s%s", dir, rest);
    MZ_CHECK_STR(t.error, expect);
    return t;
}

/* A scratch story of the given text, begun. */
static mz_story *begin_scratch(char dir[64], const char *text, size_t len, mz_story_turn *t)
{
    scratch(dir, 64, text, len);
    return begin(dir, t);
}

/* A story of the given text that must fail to load with an error that
 * begins with its folder, then rest. */
static void load_fails(const char *text, size_t len, const char *rest)
{
    char dir[64], expect[600];
    scratch(dir, sizeof dir, text, len);
    MZ_CHECK(mz_story_load(&(mz_story_desc){.path = dir}) == NULL);
    snprintf(expect, sizeof expect, "%s%s", dir, rest);
    MZ_CHECK_MSG(!strncmp(mz_error(), expect, strlen(expect)), "got %s", mz_error());
    remove_tree(dir);
}

static mz_story *begin(const char *path, mz_story_turn *t)
{
    mz_story *s = mz_story_load(&(mz_story_desc){.path = path});
    MZ_CHECK_MSG(s != NULL, "%s: %s", path, mz_error());
    if (s) MZ_CHECK(mz_story_begin(s, t));
    return s;
}

/* Item 7: C functions that run long end the turn, which rolls back. */
static void slow_turns_end(void)
{
    mz_story_turn t;
    mz_story *s = begin(FIX "slow", &t);
    if (!s) return;
    MZ_CHECK_STR(t.prompt, "a clock, ticks 0");
    static const struct {
        const char *input;
        int line;
    } cases[] = {
        {"backtrack", 8}, {"search", 9}, {"substitute", 10},
        {"iterate", 11},  {"upper", 12}, {"swallow", 13},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t = say(s, cases[i].input);
        char expect[200];
        snprintf(expect, sizeof expect,
                 FIX "slow/story.lua:%d: the story ran too long (over 250 ms of CPU time in one "
                     "turn)",
                 cases[i].line);
        MZ_CHECK_MSG(t.error && !strcmp(t.error, expect), "%s: got %s", cases[i].input,
                     t.error ? t.error : "(no error)");
        MZ_CHECK_STR(t.prompt, "a clock, ticks 0");
        MZ_CHECK_STR(t.scene, "clock");
    }
    t = say(s, "tick");
    MZ_CHECK(t.error == NULL);
    MZ_CHECK_STR(t.prompt, "a clock, ticks 1");
    /* what the patterns still do: Lua's pattern language, all of it */
    t = say(s, "patterns");
    MZ_CHECK_MSG(t.error == NULL, "%s", t.error);
    MZ_CHECK_STR(t.reply,
                 "5 7|3 4 ll|h ell o|key val|3 3|quick|(a(b)c)|5 9|heLLo 2|<hello> <world> 2|"
                 "-a-b-c- 4|1=x, 2=y 2|Hello 5|A.B.C. 3|3 4 l|a;b;,c 2|a1 b2|nil|2 2|1 2|x|2 2|"
                 "5%|one two three 2|ll o|a|false unfinished capture|false malformed pattern "
                 "(missing ']')|false invalid capture index %2|%%d 1|x1y22z# 1|trim|2 2| Camel "
                 "Case Word 3|2024 01 05|nil|4 3|h e l l o|2 2|1 2|nil|Xyz 1|-a- 2");
    mz_story_destroy(s);
}

/* Item 7: loading is bounded too, and so is `maze lint`'s load. */
static void slow_loads_end(void)
{
    mz_story *s =
        mz_story_load(&(mz_story_desc){.path = FIX "slowload", .load_time_limit_ms = 200});
    MZ_CHECK(s == NULL);
    MZ_CHECK_STR(mz_error(), FIX "slowload/story.lua:3: the story ran too long (over 200 ms of "
                                 "CPU time in one load)");
}

/* Item 8: a prompt, caption or reply past its maximum is an error, found
 * before it is made whole. */
static void texts_are_bounded(void)
{
    static const char story[] =
        "story { title = 'Big', start = 'a', characters = { c = string.rep('x', 1000) } }\n"
        "scene 'a' {\n"
        "  prompt = function(s) return s.many and string.rep('{c}', 2000) or 'a room' end,\n"
        "  caption = function(s) return s.long and string.rep('y', 10 << 20) or 'ok' end,\n"
        "  on = {\n"
        "    { 'many', effect = function(s) s.many = true end },\n"
        "    { 'long', effect = function(s) s.long = true end },\n"
        "  },\n"
        "  otherwise = function(s, text) return string.rep('z', 3000) end,\n"
        "}\n";
    char dir[64];
    mz_story_turn t;
    mz_story *s = begin_scratch(dir, story, sizeof story - 1, &t);
    if (s) {
        t = expect_error(s, "many", dir,
                         "/story.lua:2: scene 'a': the prompt is longer than 8192 bytes (with its "
                         "{characters} expanded)");
        MZ_CHECK_STR(t.prompt, "a room");
        t = expect_error(s, "long", dir,
                         "/story.lua:4: the caption function returned 10485760 bytes, more than "
                         "the 8192 allowed");
        MZ_CHECK_STR(t.caption, "ok");
        t = expect_error(
            s, "hello", dir,
            "/story.lua:9: the otherwise function returned 3000 bytes, more than the 2048 allowed");
        MZ_CHECK(t.reply == NULL);
        mz_story_destroy(s);
    }
    remove_tree(dir);

    /* static texts: the load fails at the line of the field */
    static const char fixed[] = "story { title = 'Big', start = 'a' }\n"
                                "scene 'a' {\n"
                                "  prompt = 'a room',\n"
                                "  caption = string.rep('y', 9000),\n"
                                "}\n";
    load_fails(fixed, sizeof fixed - 1,
               "/story.lua:4: scene 'a': 'caption' is 9000 bytes, more than the 8192 allowed");
}

/* Item 9: NUL never cuts a text or an id short without a word. */
static void nul_bytes_are_refused(void)
{
    static const char story[] =
        "story { title = 'Nul', start = 'a' }\n"
        "scene 'a' {\n"
        "  prompt = 'a room',\n"
        "  caption = function(s) return s.cut and 'half\\0hidden' or 'whole' end,\n"
        "  on = {\n"
        "    { 'evil', to = function(s) return 'hub\\0evil' end },\n"
        "    { 'cut', effect = function(s) s.cut = true end },\n"
        "  },\n"
        "}\n"
        "scene 'hub' { prompt = 'a hub', on = { { 'back', to = 'a' } } }\n";
    char dir[64];
    mz_story_turn t;
    mz_story *s = begin_scratch(dir, story, sizeof story - 1, &t);
    if (s) {
        t = expect_error(s, "evil", dir,
                         "/story.lua:6: the 'to' function returned text with a NUL byte");
        MZ_CHECK_STR(t.scene, "a");
        t = expect_error(s, "cut", dir,
                         "/story.lua:4: the caption function returned text with a NUL byte");
        MZ_CHECK_STR(t.caption, "whole");
        mz_story_destroy(s);
    }
    remove_tree(dir);

    static const char ids[] = "story { title = 'Nul', start = 'a' }\n"
                              "scene 'a' { prompt = 'a', on = { { 'x', to = 'a\\0b' } } }\n"
                              "scene 'a\\0b' { prompt = 'b' }\n";
    load_fails(ids, sizeof ids - 1,
               "/story.lua:3: bad argument #1 to 'scene' (a scene id cannot contain a NUL byte)");

    static const char text[] = "story { title = 'Nul', start = 'a' }\n"
                               "scene 'a' { prompt = 'a', caption = 'cut\\0short' }\n";
    load_fails(text, sizeof text - 1, "/story.lua:2: text with a NUL byte in it (\"cut\\0...\")");
}

/* Item 10: no addresses reach what a story can see. */
static void no_addresses(void)
{
    mz_story_turn t;
    mz_story *s = begin(FIX "replay", &t);
    if (!s) return;
    t = say(s, "look");
    MZ_CHECK_MSG(t.error == NULL, "%s", t.error);
    MZ_CHECK(t.reply && strstr(t.reply, "0x") == NULL);
    MZ_CHECK_HAS(t.reply, "table: #");
    MZ_CHECK_HAS(t.reply, "function: #");
    MZ_CHECK_HAS(t.reply, "|p #");
    /* object keys in the order they were made */
    MZ_CHECK_HAS(t.reply, "|first second third fourth fifth|");
    mz_story_destroy(s);
}

/* Item 11: the state stays plain; includes stay in the folder; patterns
 * lose invisible characters as viewer text does. */
static void sandbox_holes(void)
{
    static const char story[] =
        "story { title = 'Plain', start = 'a', vars = { n = 0 } }\n"
        "scene 'a' {\n"
        "  prompt = function(s) return 'a room ' .. tostring(getmetatable(s)) .. ' ' .. s.n end,\n"
        "  on = {\n"
        "    { 'meta', effect = function(s) setmetatable(s, { __index = function() return 1 end }) "
        "end },\n"
        "    { 'inner', effect = function(s) s.t = setmetatable({}, {}) end },\n"
        "    { 'count', effect = function(s) s.n = s.n + 1 end },\n"
        "    { 'clim\xe2\x80\x8b"
        "b lighthouse', reply = 'climbed' },\n"
        "  },\n"
        "}\n";
    char dir[64];
    mz_story_turn t;
    mz_story *s = begin_scratch(dir, story, sizeof story - 1, &t);
    if (s) {
        MZ_CHECK_STR(t.prompt, "a room nil 0");
        t = say(s, "meta");
        MZ_CHECK_HAS(t.error, "/story.lua:5: the state table cannot have a metatable");
        t = say(s, "inner");
        MZ_CHECK_HAS(t.error, "s.t has a metatable; state tables must be plain");
        t = say(s, "count");
        MZ_CHECK(t.error == NULL);
        MZ_CHECK_STR(t.prompt, "a room nil 1");
        t = say(s, "climb the lighthouse");
        MZ_CHECK_STR(t.reply, "climbed");
        mz_story_destroy(s);
    }
    remove_tree(dir);

    /* include through a symbolic link that leads out of the folder */
    static const char linked[] = "story { title = 'Link', start = 'a' }\n"
                                 "include('part.lua')\n"
                                 "scene 'a' { prompt = 'a' }\n";
    scratch(dir, sizeof dir, linked, sizeof linked - 1);
    char outside[128], part[128], link[128];
    snprintf(outside, sizeof outside, "%s.outside.lua", dir);
    write_file(outside, "scene 'b' { prompt = 'b' }\n", 27);
    snprintf(link, sizeof link, "%s/part.lua", dir);
    MZ_CHECK(symlink(outside, link) == 0);
    MZ_CHECK(mz_story_load(&(mz_story_desc){.path = dir}) == NULL);
    char expect[300];
    snprintf(expect, sizeof expect,
             "%s/story.lua:2: include: 'part.lua' leads outside the story folder (to ", dir);
    MZ_CHECK_MSG(!strncmp(mz_error(), expect, strlen(expect)), "got %s", mz_error());
    /* a link that stays inside is fine */
    unlink(link);
    snprintf(part, sizeof part, "%s/real.lua", dir);
    write_file(part, "scene 'b' { prompt = 'b' }\n", 27);
    MZ_CHECK(symlink("real.lua", link) == 0);
    mz_story *ok = mz_story_load(&(mz_story_desc){.path = dir});
    MZ_CHECK_MSG(ok != NULL, "%s", mz_error());
    mz_story_destroy(ok);
    unlink(outside);
    remove_tree(dir);
}

static char save_text[8192];

/* A save of the dice fixture with one line replaced (or added). */
static void save_with(const char *path, const char *from, const char *to)
{
    char text[8192];
    snprintf(text, sizeof text, "%s", save_text);
    char *at = strstr(text, from);
    MZ_CHECK(at != NULL);
    if (!at) return;
    char out[8192];
    snprintf(out, sizeof out, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    write_file(path, out, strlen(out));
}

/* Item 12: saves that lie about numbers, or are not files at all. */
static void saves_are_checked(void)
{
    char dir[64];
    scratch(dir, sizeof dir, "", 0);
    char save[128], story[128];
    snprintf(save, sizeof save, "%s/game.save", dir);
    snprintf(story, sizeof story, "%s/story.lua", dir);
    mz_story_turn t;
    mz_story *s = begin(FIX "dice", &t);
    if (!s) return;
    say(s, "roll");
    MZ_CHECK(mz_story_save(s, save));
    FILE *f = fopen(save, "rb");
    size_t n = f ? fread(save_text, 1, sizeof save_text - 1, f) : 0;
    save_text[n] = '\0';
    if (f) fclose(f);

    save_with(save, "visit \"table\" 1", "visit \"table\" -5");
    MZ_CHECK(!mz_story_restore(s, save, &t));
    MZ_CHECK_HAS(mz_error(), "game.save:8: bad visit line (a scene and a count, 0 to 4294967295)");
    save_with(save, "turn 1", "turn 2147483648");
    MZ_CHECK(!mz_story_restore(s, save, &t));
    MZ_CHECK_HAS(mz_error(), "game.save:6: bad turn (0 to 2147483647)");
    save_with(save, "scene \"table\"", "scene \"table\\x00evil\"");
    MZ_CHECK(!mz_story_restore(s, save, &t));
    MZ_CHECK_HAS(mz_error(), "game.save: bad scene line");
    /* the last turn there is: the count stays there, no overflow */
    save_with(save, "turn 1", "turn 2147483647");
    MZ_CHECK_MSG(mz_story_restore(s, save, &t), "%s", mz_error());
    t = say(s, "roll");
    MZ_CHECK(t.turn == INT_MAX);

    /* a FIFO is refused, not waited on */
    unlink(save);
    MZ_CHECK(mkfifo(save, 0600) == 0);
    MZ_CHECK(!mz_story_restore(s, save, &t));
    MZ_CHECK_HAS(mz_error(), "game.save is not a regular file");
    unlink(save);
    unlink(story);
    MZ_CHECK(mkfifo(story, 0600) == 0);
    MZ_CHECK(mz_story_load(&(mz_story_desc){.path = dir}) == NULL);
    MZ_CHECK_HAS(mz_error(), "story.lua is not a regular file");
    unlink(story);
    mz_story_destroy(s);
    remove_tree(dir);
}

/* Item 12: a save of half a million lines loads in linear time (it took
 * minutes when every line's number was read with sscanf, which measures
 * the rest of the text each time). The test's timeout is the check. */
static void huge_saves_load(void)
{
    char dir[64];
    scratch(dir, sizeof dir, "", 0);
    char save[128];
    snprintf(save, sizeof save, "%s/big.save", dir);
    mz_story_turn t;
    mz_story *s = begin(FIX "dice", &t);
    if (!s) return;
    MZ_CHECK(mz_story_save(s, save));
    FILE *f = fopen(save, "rb");
    size_t n = f ? fread(save_text, 1, sizeof save_text - 1, f) : 0;
    save_text[n] = '\0';
    if (f) fclose(f);
    char *end = strstr(save_text, "state ");
    MZ_CHECK(end != NULL);
    f = fopen(save, "wb");
    if (!f || !end) return;
    fwrite(save_text, 1, (size_t)(end - save_text), f);
    for (int i = 0; i < 500000; i++)
        fprintf(f, "visit \"gone%d\" %d\n", i, i);
    fputs("visit \"street\" 7\n", f);
    fputs(end, f);
    fclose(f);
    MZ_CHECK_MSG(mz_story_restore(s, save, &t), "%s", mz_error());
    mz_story_destroy(s);
    remove_tree(dir);
}

/* Item 12: the temporary file a crashed save left is removed by the next
 * save; one that a live save is writing (locked) is not. */
static void stale_temporary_files(void)
{
    char dir[64];
    scratch(dir, sizeof dir, "", 0);
    char save[128], stale[160], live[160];
    snprintf(save, sizeof save, "%s/game.save", dir);
    snprintf(stale, sizeof stale, "%s.tmp.aB3xYz", save);
    snprintf(live, sizeof live, "%s.tmp.Live01", save);
    write_file(stale, "maze-save 1\ntitle", 17);
    write_file(live, "maze-save 1\n", 12);
    int ready[2], done[2];
    MZ_CHECK(pipe(ready) == 0 && pipe(done) == 0);
    pid_t child = fork();
    if (child == 0) { /* a save in progress elsewhere */
        int fd = open(live, O_RDWR);
        struct flock lock = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
        char c = fcntl(fd, F_SETLK, &lock) == 0 ? 'y' : 'n';
        if (write(ready[1], &c, 1) != 1) _exit(1);
        if (read(done[0], &c, 1) < 0) _exit(1);
        _exit(0);
    }
    char c = 0;
    MZ_CHECK(read(ready[0], &c, 1) == 1 && c == 'y');
    mz_story_turn t;
    mz_story *s = begin(FIX "dice", &t);
    MZ_CHECK(s && mz_story_save(s, save));
    MZ_CHECK(access(stale, F_OK) != 0);
    MZ_CHECK(access(live, F_OK) == 0);
    MZ_CHECK(write(done[1], "x", 1) == 1);
    waitpid(child, NULL, 0);
    mz_story_destroy(s);
    remove_tree(dir);
}

/* Item 13: whole paths in messages, however long, and state errors with a
 * line. */
static void messages_keep_their_place(void)
{
    char base[64];
    scratch(base, sizeof base, "", 0);
    char dir[300];
    snprintf(dir, sizeof dir,
             "%s/a-folder-with-a-rather-long-name/and-another-one-below-it/steering", base);
    char step[300];
    for (char *p = dir + strlen(base) + 1; (p = strchr(p, '/')); p++) {
        snprintf(step, sizeof step, "%.*s", (int)(p - dir), dir);
        mkdir(step, 0700);
    }
    mkdir(dir, 0700);
    static const char story[] =
        "story { title = 'Long', start = 'a' }\n"
        "scene 'a' {\n"
        "  prompt = 'a',\n"
        "  on = {\n"
        "    { 'crash', effect = function(s) local t = nil; return t.x end },\n"
        "    { 'loop', effect = function(s) s.a = {}; s.a.b = s.a end },\n"
        "    { 'spin', effect = function(s) while true do end end },\n"
        "    { 'argue', effect = function(s) return string.rep() end },\n"
        "  },\n"
        "}\n";
    char path[400];
    snprintf(path, sizeof path, "%s/story.lua", dir);
    write_file(path, story, sizeof story - 1);
    mz_story_turn t;
    mz_story *s = begin(dir, &t);
    if (s) {
        char expect[600];
        t = say(s, "crash");
        snprintf(expect, sizeof expect, "%s:5: attempt to index a nil value (local 't')", path);
        MZ_CHECK_STR(t.error, expect);
        t = say(s, "loop");
        snprintf(expect, sizeof expect, "%s:6: s.a.b.b", path);
        MZ_CHECK_MSG(t.error && !strncmp(t.error, expect, strlen(expect)), "got %s",
                     t.error ? t.error : "(none)");
        MZ_CHECK_HAS(t.error, "nests tables more than 32 deep");
        t = say(s, "spin");
        snprintf(expect, sizeof expect, "%s:7: the story ran too long", path);
        MZ_CHECK_MSG(t.error && !strncmp(t.error, expect, strlen(expect)), "got %s",
                     t.error ? t.error : "(none)");
        /* a library function's error, checked by the clock's wrapper, keeps its place */
        t = say(s, "argue");
        snprintf(expect, sizeof expect,
                 "%s:8: bad argument #1 to 'rep' (string expected, got no value)", path);
        MZ_CHECK_STR(t.error, expect);
        mz_story_destroy(s);
    }
    write_file(path, "story { title = 'Long',\n", 24);
    MZ_CHECK(mz_story_load(&(mz_story_desc){.path = dir}) == NULL);
    char expect[600];
    snprintf(expect, sizeof expect, "%s:2: unexpected symbol near <eof>", path);
    MZ_CHECK_MSG(!strncmp(mz_error(), expect, strlen(expect)), "got %s", mz_error());
    remove_tree(base);
}

/* With an argument, only the test of that name runs. */
#define RUN(fn)                                                                                    \
    do {                                                                                           \
        if (argc < 2 || !strcmp(argv[1], #fn)) MZ_RUN(fn);                                         \
    } while (0)

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[1], "save")) {
        mz_story_turn t;
        mz_story *s = begin(argv[2], &t);
        bool ok = s && mz_story_save(s, argv[3]);
        if (!ok) fprintf(stderr, "%s\n", mz_error());
        mz_story_destroy(s);
        return ok ? 0 : 1;
    }
    RUN(slow_turns_end);
    RUN(slow_loads_end);
    RUN(texts_are_bounded);
    RUN(nul_bytes_are_refused);
    RUN(no_addresses);
    RUN(sandbox_holes);
    RUN(saves_are_checked);
    RUN(huge_saves_load);
    RUN(stale_temporary_files);
    RUN(messages_keep_their_place);
    return mz_test_finish();
}
