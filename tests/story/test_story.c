/* The story runtime: prompts, state, saves, replays, reloads, and broken
 * stories (each failure reported with file:line while play goes on). */
#include "mz_error.h"
#include "mz_story.h"
#include "mz_test.h"
#include "mz_text.h"

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIX "tests/story/fixtures/"

static mz_story *load(const char *path, uint64_t seed)
{
    mz_story *s = mz_story_load(&(mz_story_desc){.path = path, .seed = seed});
    MZ_CHECK_MSG(s != NULL, "%s: %s", path, mz_error());
    return s;
}

static mz_story_turn say(mz_story *s, const char *text)
{
    mz_story_turn t;
    MZ_CHECK(mz_story_input(s, text, strlen(text), &t));
    return t;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    MZ_CHECK(f != NULL);
    if (!f) return;
    fputs(text, f);
    fclose(f);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[65536];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* A scratch folder with a copy of a fixture's story.lua. */
static void scratch_story(char *dir, size_t cap, const char *fixture)
{
    snprintf(dir, cap, "/tmp/mz_story_XXXXXX");
    MZ_CHECK(mkdtemp(dir) != NULL);
    char src[256], dst[300];
    snprintf(src, sizeof src, FIX "%s/story.lua", fixture);
    snprintf(dst, sizeof dst, "%s/story.lua", dir);
    char *text = read_text(src);
    MZ_CHECK(text != NULL);
    if (text) write_file(dst, text);
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static void prompt_composition(void)
{
    mz_story *s = load(FIX "cellar", 1);
    if (!s) return;
    MZ_CHECK_STR(mz_story_title(s), "The Cellar");
    MZ_CHECK_STR(mz_story_path(s), FIX "cellar/story.lua");
    mz_story_turn t;
    MZ_CHECK(mz_story_begin(s, &t));
    /* style, then the prompt with {cat} expanded word for word */
    MZ_CHECK_STR(t.prompt, "dim oil painting, candlelight, deep shadows, stone stairs descending "
                           "into a cellar, a thin black cat with one white ear on the top step");
    MZ_CHECK_STR(t.caption, "The stairs smell of damp and apples.");
    MZ_CHECK(t.scene_changed && t.turn == 0 && !t.ended && t.error == NULL);
    MZ_CHECK(t.sound_count == 2 && !strcmp(t.sound[0], "interior") && !strcmp(t.sound[1], "drip"));
    MZ_CHECK(t.transition_s == 1.0f);
    uint64_t stairs_seed = t.seed;

    t = say(s, "follow the cat");
    MZ_CHECK_STR(t.scene, "cellar");
    MZ_CHECK_STR(t.matched, "follow cat");
    MZ_CHECK_STR(t.reply, "The cat leads the way.");
    /* a prompt function of state */
    MZ_CHECK_STR(t.prompt, "dim oil painting, candlelight, deep shadows, a cellar lit by one "
                           "candle, barrels, a thin black cat with one white ear");
    /* unmatched words become modifiers: three at most, the oldest goes */
    say(s, "make it rain");
    say(s, "add fog");
    say(s, "more moss");
    t = say(s, "paint it green");
    MZ_CHECK(t.matched == NULL && t.reply == NULL && !t.scene_changed);
    MZ_CHECK_STR(t.prompt, "dim oil painting, candlelight, deep shadows, a cellar lit by one "
                           "candle, barrels, a thin black cat with one white ear, add fog, "
                           "more moss, paint it green");
    /* a transition without `to` stays, runs its effect, and the prompt follows the state */
    t = say(s, "blow out the candle");
    MZ_CHECK_STR(t.reply, "Darkness.");
    MZ_CHECK_STR(t.scene, "cellar");
    MZ_CHECK_STR(t.prompt, "dim oil painting, candlelight, deep shadows, a pitch dark cellar, two "
                           "green eyes, add fog, more moss, paint it green");
    /* a false condition with `refuse` answers and stays */
    t = say(s, "open the barrel");
    MZ_CHECK_STR(t.reply, "You can't see the barrels.");
    MZ_CHECK_STR(t.scene, "cellar");
    /* leaving clears the modifiers; the scene seed is stable across visits */
    t = say(s, "go up");
    MZ_CHECK_STR(t.scene, "stairs");
    MZ_CHECK(t.seed == stairs_seed);
    MZ_CHECK(strstr(t.prompt, "fog") == NULL);
    mz_story_destroy(s);
}

static void moderation_keeps_words_out(void)
{
    const char *blocked[] = {"gold"};
    mz_story *s = mz_story_load(
        &(mz_story_desc){.path = FIX "cellar", .blocked_words = blocked, .blocked_count = 1});
    MZ_CHECK(s != NULL);
    if (!s) return;
    mz_story_turn t;
    mz_story_begin(s, &t);
    t = say(s, "hello there");
    MZ_CHECK_STR(t.reply, "The cat blinks at you."); /* otherwise = { reply = ... } */
    say(s, "descend"); /* the cellar folds unmatched words into the prompt */
    t = say(s, "paint gold everywhere");
    MZ_CHECK_HAS(t.prompt, "paint");
    MZ_CHECK_HAS(t.prompt, "everywhere");
    MZ_CHECK(strstr(t.prompt, "gold") == NULL);
    /* control characters and bad UTF-8 never reach the prompt */
    t = say(s, "red\x01\x1b[31m \xff\xfe sky");
    MZ_CHECK(strchr(t.prompt, '\x1b') == NULL && strchr(t.prompt, '\x01') == NULL);
    MZ_CHECK(strstr(t.prompt, "\xff") == NULL);
    MZ_CHECK_HAS(t.prompt, "red");
    mz_story_destroy(s);

    /* an otherwise function gets the words moderated too */
    s = mz_story_load(
        &(mz_story_desc){.path = FIX "dice", .blocked_words = blocked, .blocked_count = 1});
    MZ_CHECK(s != NULL);
    if (!s) return;
    mz_story_begin(s, &t);
    t = say(s, "where is the gold");
    MZ_CHECK_HAS(t.reply, "You said: where is the");
    MZ_CHECK(t.reply && strstr(t.reply, "gold") == NULL);
    mz_story_destroy(s);
}

static void endings_finish(void)
{
    mz_story *s = load(FIX "cellar", 1);
    if (!s) return;
    mz_story_turn t;
    mz_story_begin(s, &t);
    say(s, "descend");
    t = say(s, "open barrel");
    MZ_CHECK(t.ended);
    MZ_CHECK_STR(t.ending, "treasure");
    MZ_CHECK_STR(t.caption, "Gold. The cat looks unimpressed.");
    t = say(s, "go up");
    MZ_CHECK(t.ended && !t.scene_changed);
    /* begin again restarts from the initial state */
    MZ_CHECK(mz_story_begin(s, &t));
    MZ_CHECK_STR(t.scene, "stairs");
    MZ_CHECK(t.turn == 0 && !t.ended);
    mz_story_destroy(s);
}

/* Plays the dice story: random, chance, items, visits, `to` functions. */
static void play_dice(mz_story *s, char *log, size_t cap)
{
    static const char *inputs[] = {"roll",  "roll",   "coin", "spend", "spend",  "roll",
                                   "leave", "return", "roll", "leave", "return", "roll"};
    mz_story_turn t;
    mz_story_begin(s, &t);
    size_t used = (size_t)snprintf(log, cap, "%s|%s\n", t.scene, t.prompt);
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0] && used < cap; i++) {
        t = say(s, inputs[i]);
        MZ_CHECK_MSG(t.error == NULL, "%s", t.error);
        used += (size_t)snprintf(log + used, cap - used, "%s|%s|%s|%s\n", t.scene, t.prompt,
                                 t.caption, t.reply ? t.reply : "-");
    }
}

static void replays_are_identical(void)
{
    static char a[8192], b[8192], c[8192];
    mz_story *s1 = load(FIX "dice", 42), *s2 = load(FIX "dice", 42), *s3 = load(FIX "dice", 7);
    if (!s1 || !s2 || !s3) return;
    play_dice(s1, a, sizeof a);
    play_dice(s2, b, sizeof b);
    play_dice(s3, c, sizeof c);
    MZ_CHECK_STR(a, b);
    MZ_CHECK(strcmp(a, c) != 0); /* the seed matters */
    MZ_CHECK_HAS(a, "You have no coin.");
    MZ_CHECK_HAS(a, "visits 3");
    mz_story_destroy(s1);
    mz_story_destroy(s2);
    mz_story_destroy(s3);
}

/* Two synonyms whose alternatives stem alike ("got", "get"): the lexicon
 * keeps the first one added, so the synonyms must be added in the same order
 * in every Lua state (whose table order varies) for replays to hold. */
static void synonyms_do_not_depend_on_table_order(void)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/mz_story_XXXXXX");
    MZ_CHECK(mkdtemp(dir) != NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/story.lua", dir);
    write_file(path, "story { title = \"Syn\", start = \"a\",\n"
                     "  synonyms = { own = { \"got\" }, take = { \"get\" }, b1 = { \"x1\" },\n"
                     "    c2 = { \"x2\" }, d3 = { \"x3\" }, e4 = { \"x4\" }, f5 = { \"x5\" } } }\n"
                     "scene \"a\" { prompt = \"a room\", otherwise = { reply = \"no\" },\n"
                     "  on = { { \"take the lantern\", to = \"b\" } } }\n"
                     "ending \"b\" { prompt = \"a lit room\" }\n");
    int matched = 0;
    for (int i = 0; i < 24; i++) {
        mz_story *s = load(dir, 1);
        if (!s) break;
        mz_story_turn t;
        MZ_CHECK(mz_story_begin(s, &t));
        t = say(s, "get the lamp");
        matched += t.matched != NULL;
        mz_story_destroy(s);
    }
    MZ_CHECK_MSG(matched == 0 || matched == 24, "matched in %d of 24 loads", matched);
    remove_dir(dir);
}

/* mz_story_match (what the audience's vote counts free text toward) is the
 * turn's own matcher: the story's synonyms count ("chase" is "follow" in
 * stories/cellar, which the words alone do not say), and for any line it
 * names the transition a turn takes. */
static void match_is_the_turns_match(void)
{
    mz_lexicon *plain = mz_lexicon_create();
    mz_pattern *follow = mz_pattern_compile(plain, "follow cat");
    mz_utterance *chase = mz_utterance_make(plain, "chase it");
    MZ_CHECK(mz_pattern_score(follow, chase) < MZ_MATCH_THRESHOLD); /* only via the synonym */
    mz_utterance_destroy(chase);
    mz_pattern_destroy(follow);
    mz_lexicon_destroy(plain);
    const char *lines[] = {"chase it",         "walk down", "go after the cat",      "descend",
                           "sing a song",      "follow",    "climb down the stairs", "",
                           "the cat, chase it"};
    int expect[] = {1, 0, 1, 0, -1, 1, 0, -1, 1};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        mz_story *s = load("stories/cellar", 1);
        if (!s) return;
        mz_story_turn t;
        MZ_CHECK(mz_story_begin(s, &t));
        int m = mz_story_match(s, lines[i], strlen(lines[i]));
        MZ_CHECK_MSG(m == expect[i], "'%s' matches transition %d, not %d", lines[i], m, expect[i]);
        t = say(s, lines[i]);
        MZ_CHECK_MSG(t.transition == m, "'%s': the turn took %d, the match said %d", lines[i],
                     t.transition, m);
        mz_story_destroy(s);
    }
    mz_story *s = load("stories/cellar", 1);
    if (s) MZ_CHECK(mz_story_match(s, "descend", 7) == -1); /* not begun */
    mz_story_destroy(s);
    /* in the viewer's language: "dévaler" is lighthouse's French synonym
     * of "descendre" (the cliff path's 4th transition); in English, nothing */
    const char *langs[] = {"fr", "en"};
    for (int i = 0; i < 2; i++) {
        s = mz_story_load(&(mz_story_desc){.path = "stories/lighthouse", .lang = langs[i]});
        MZ_CHECK_MSG(s != NULL, "%s", mz_error());
        if (!s) return;
        mz_story_turn t;
        MZ_CHECK(mz_story_begin(s, &t));
        const char *line = "dévaler jusqu'en bas";
        int m = mz_story_match(s, line, strlen(line));
        MZ_CHECK_MSG(m == (i == 0 ? 3 : -1), "%s: matched %d", langs[i], m);
        t = say(s, line);
        MZ_CHECK(t.transition == m);
        mz_story_destroy(s);
    }
}

static void saves_round_trip(void)
{
    char dir[64];
    scratch_story(dir, sizeof dir, "dice");
    char save[128];
    snprintf(save, sizeof save, "%s/game.save", dir);
    mz_story *s1 = load(dir, 9), *s2 = load(dir, 1234);
    if (!s1 || !s2) return;
    mz_story_turn t1, t2;
    mz_story_begin(s1, &t1);
    say(s1, "roll");
    say(s1, "coin");
    t1 = say(s1, "make it glow");
    MZ_CHECK(mz_story_save(s1, save));
    /* the other story (another seed) takes over the saved game exactly */
    MZ_CHECK_MSG(mz_story_restore(s2, save, &t2), "%s", mz_error());
    MZ_CHECK_STR(t2.scene, t1.scene);
    MZ_CHECK_STR(t2.prompt, t1.prompt);
    MZ_CHECK_STR(t2.caption, t1.caption);
    MZ_CHECK(t2.seed == t1.seed);
    static const char *more[] = {"roll", "roll", "leave", "return", "roll"};
    for (size_t i = 0; i < 5; i++) {
        t1 = say(s1, more[i]);
        t2 = say(s2, more[i]);
        MZ_CHECK_STR(t1.prompt, t2.prompt);
        MZ_CHECK_STR(t1.caption, t2.caption);
        MZ_CHECK(t1.turn == t2.turn);
    }
    mz_story_destroy(s1);
    mz_story_destroy(s2);
    remove_dir(dir);
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') n++;
    if (d) closedir(d);
    return n;
}

static void saves_are_atomic(void)
{
    char dir[64];
    scratch_story(dir, sizeof dir, "dice");
    mz_story *s = load(dir, 1);
    if (!s) return;
    mz_story_turn t;
    MZ_CHECK(!mz_story_save(s, "/tmp/never.save")); /* not begun */
    mz_story_begin(s, &t);
    char path[128];
    /* a missing folder: fails, leaves nothing */
    snprintf(path, sizeof path, "%s/no/such/dir.save", dir);
    MZ_CHECK(!mz_story_save(s, path));
    MZ_CHECK_HAS(mz_error(), "cannot save");
    /* the target is a folder: the rename fails and the temporary file goes */
    snprintf(path, sizeof path, "%s/taken", dir);
    mkdir(path, 0700);
    int before = count_files(dir);
    MZ_CHECK(!mz_story_save(s, path));
    MZ_CHECK(count_files(dir) == before);
    /* a good save replaces the old one whole */
    snprintf(path, sizeof path, "%s/game.save", dir);
    write_file(path, "old contents");
    MZ_CHECK(mz_story_save(s, path));
    char *text = read_text(path);
    MZ_CHECK(text && !strncmp(text, "maze-save 1\n", 12));
    MZ_CHECK(text && strstr(text, "\nend\n") != NULL);
    MZ_CHECK(count_files(dir) == before + 1);
    snprintf(path, sizeof path, "%s/taken", dir);
    rmdir(path);
    mz_story_destroy(s);
    remove_dir(dir);
}

static void bad_saves_fail_clearly(void)
{
    char dir[64];
    scratch_story(dir, sizeof dir, "dice");
    mz_story *s = load(dir, 1);
    mz_story *other = load(FIX "cellar", 1);
    if (!s || !other) return;
    mz_story_turn t;
    mz_story_begin(s, &t);
    say(s, "roll");
    char path[128], text[4096];
    snprintf(path, sizeof path, "%s/game.save", dir);
    MZ_CHECK(mz_story_save(s, path));
    snprintf(text, sizeof text, "%s", read_text(path));

    /* another story's save */
    mz_story_begin(other, &t);
    MZ_CHECK(!mz_story_restore(other, path, &t));
    MZ_CHECK_HAS(mz_error(), "belongs to the story 'Dice', not to 'The Cellar'");
    /* a newer format */
    char bad[4200];
    snprintf(bad, sizeof bad, "maze-save 2%s", strchr(text, '\n'));
    write_file(path, bad);
    MZ_CHECK(!mz_story_restore(s, path, &t));
    MZ_CHECK_HAS(mz_error(), "format version 2; this maze reads version 1");
    /* cut short */
    snprintf(bad, sizeof bad, "%.*s", (int)(strlen(text) / 2), text);
    write_file(path, bad);
    MZ_CHECK(!mz_story_restore(s, path, &t));
    MZ_CHECK_HAS(mz_error(), "incomplete");
    write_file(path, "hello\n");
    MZ_CHECK(!mz_story_restore(s, path, &t));
    MZ_CHECK_HAS(mz_error(), "is not a maze save");
    /* a failed restore changed nothing */
    t = say(s, "coin");
    MZ_CHECK_STR(t.scene, "table");
    MZ_CHECK(t.turn == 2);
    mz_story_destroy(other);
    mz_story_destroy(s);
    remove_dir(dir);
}

/* Saves damaged byte by byte: restoring fails or works, never crashes. */
static void damaged_saves(void)
{
    char dir[64];
    scratch_story(dir, sizeof dir, "dice");
    mz_story *s = load(dir, 3);
    if (!s) return;
    mz_story_turn t;
    mz_story_begin(s, &t);
    say(s, "roll");
    say(s, "coin");
    say(s, "say something");
    char path[128];
    snprintf(path, sizeof path, "%s/game.save", dir);
    MZ_CHECK(mz_story_save(s, path));
    char good[4096];
    snprintf(good, sizeof good, "%s", read_text(path));
    size_t n = strlen(good);
    uint64_t x = 0x9e3779b97f4a7c15ull;
    int restored = 0;
    for (int i = 0; i < 400; i++) {
        char bad[4096];
        memcpy(bad, good, n + 1);
        for (int k = 0; k < 1 + i % 4; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            bad[x % n] = (char)(x >> 32);
        }
        FILE *f = fopen(path, "wb");
        if (!f) break;
        fwrite(bad, 1, n, f);
        fclose(f);
        restored += mz_story_restore(s, path, &t);
        t = say(s, "roll");
        MZ_CHECK(t.scene != NULL && t.prompt != NULL);
    }
    MZ_CHECK(restored > 0 && restored < 400);
    mz_story_destroy(s);
    remove_dir(dir);
}

static void saves_across_story_edits(void)
{
    char dir[64];
    scratch_story(dir, sizeof dir, "dice");
    char story[128], path[128];
    snprintf(story, sizeof story, "%s/story.lua", dir);
    snprintf(path, sizeof path, "%s/game.save", dir);
    mz_story *s = load(dir, 1);
    if (!s) return;
    mz_story_turn t;
    mz_story_begin(s, &t);
    say(s, "leave"); /* street or alley */
    t = say(s, "return");
    MZ_CHECK_STR(t.scene, "table");
    say(s, "leave");
    MZ_CHECK(mz_story_save(s, path));
    char where[32];
    snprintf(where, sizeof where, "%s", mz_story_refresh(s, &t) ? t.scene : "");
    mz_story_destroy(s);

    /* an edit that keeps the scene: loads (with a warning) */
    char text[8192];
    snprintf(text, sizeof text, "%s\n-- an edit\n", read_text(story));
    write_file(story, text);
    s = load(dir, 1);
    if (!s) return;
    MZ_CHECK_MSG(mz_story_restore(s, path, &t), "%s", mz_error());
    MZ_CHECK_STR(t.scene, where);
    mz_story_destroy(s);

    /* an edit that removes it: fails, naming the scene */
    char *cut = strstr(text, strcmp(where, "street") ? "scene \"alley\"" : "scene \"street\"");
    MZ_CHECK(cut != NULL);
    if (cut) memcpy(cut, "--", 2);
    write_file(story, text);
    s = load(dir, 1);
    if (!s) return;
    MZ_CHECK(!mz_story_restore(s, path, &t));
    char expect[128];
    snprintf(expect, sizeof expect, "is at scene '%s', which the story no longer has", where);
    MZ_CHECK_HAS(mz_error(), expect);
    mz_story_destroy(s);
    remove_dir(dir);
}

static void reload_keeps_state(void)
{
    char dir[64];
    scratch_story(dir, sizeof dir, "dice");
    char story[128];
    snprintf(story, sizeof story, "%s/story.lua", dir);
    mz_story *s = load(dir, 1);
    if (!s) return;
    mz_story_turn t;
    mz_story_begin(s, &t);
    say(s, "coin");
    t = say(s, "roll");
    char before[512];
    snprintf(before, sizeof before, "%s", t.prompt);
    MZ_CHECK_HAS(before, "a coin");

    char text[8192];
    snprintf(text, sizeof text, "%s", read_text(story));
    char *p = strstr(text, "a gambling table");
    MZ_CHECK(p != NULL);
    if (p) memcpy(p, "a gambling TABLE", 16);
    write_file(story, text);
    MZ_CHECK_MSG(mz_story_reload(s), "%s", mz_error());
    MZ_CHECK(mz_story_refresh(s, &t));
    MZ_CHECK_HAS(t.prompt, "a gambling TABLE");
    MZ_CHECK_STR(t.prompt + 17, before + 17); /* the same points, the coin kept */

    /* a broken edit: reload fails and the story plays on */
    write_file(story, "story { title = 'Dice', start = \n");
    MZ_CHECK(!mz_story_reload(s));
    MZ_CHECK_HAS(mz_error(), "story.lua:2:");
    t = say(s, "spend");
    MZ_CHECK(t.error == NULL);
    MZ_CHECK_HAS(t.prompt, "no coin");
    mz_story_destroy(s);
    remove_dir(dir);
}

/* Each failure: its message with file:line, the turn rolled back, play on. */
static void broken_callbacks(void)
{
    /* Time enough for the memory case to reach the cap under ASan (slow_turns_end in
     * test_story_hardening covers the time limit). */
    mz_story *s = mz_story_load(
        &(mz_story_desc){.path = FIX "broken", .memory_limit = 16u << 20, .time_limit_ms = 60000});
    MZ_CHECK(s != NULL);
    if (!s) return;
    mz_story_turn t;
    mz_story_begin(s, &t);
    MZ_CHECK_STR(t.prompt, "a hall, count 0");
    static const struct {
        const char *input, *error;
    } cases[] = {
        {"crash", ":10: attempt to index a nil value (local 't')"},
        {"spin", ":11: the story ran too long (over 1000000 instructions"},
        {"swallow", ":12: the story ran too long"},
        {"nowhere", ":13: scene 'hall': transition to unknown scene 'missing'"},
        {"memory", ":14: out of memory (a story may use 16 MiB"},
        {"files", ":15: attempt to index a nil value (global 'io')"},
        {"shell", ":16: attempt to index a nil value (global 'os')"},
        {"modules", ":17: attempt to call a nil value (global 'require')"},
        {"compile", ":18: attempt to call a nil value (global 'load')"},
        {"dump", ":19: attempt to call a nil value (field 'dump')"},
        {"debugger", ":20: attempt to index a nil value (global 'debug')"},
        {"finaliser", ":21: __gc metamethods are not allowed"},
        {"function", ":8: s.f holds a function (defined at " FIX "broken/story.lua:23); state can "
                     "hold only"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        t = say(s, cases[i].input);
        char expect[256];
        snprintf(expect, sizeof expect, FIX "broken/story.lua%s", cases[i].error);
        MZ_CHECK_MSG(t.error && !strncmp(t.error, expect, strlen(expect)), "%s: got %s",
                     cases[i].input, t.error ? t.error : "(no error)");
        /* One error channel: the turn's message is the thread's mz_error(). */
        MZ_CHECK_STR(mz_error(), t.error ? t.error : "(no error)");
        MZ_CHECK_STR(t.scene, "hall");
        MZ_CHECK_STR(t.prompt, "a hall, count 0");
        MZ_CHECK(!t.scene_changed && t.reply == NULL);
        MZ_CHECK(t.turn == (int)i + 1);
    }
    /* a failing enter hook: no move, no visit, no change to s */
    t = say(s, "trapdoor");
    MZ_CHECK_HAS(t.error, FIX "broken/story.lua:38: the trap is sprung");
    MZ_CHECK_STR(t.scene, "hall");
    MZ_CHECK_STR(t.prompt, "a hall, count 0");
    /* play goes on with the last good state */
    t = say(s, "increment");
    MZ_CHECK(t.error == NULL);
    MZ_CHECK_STR(t.prompt, "a hall, count 1");
    t = say(s, "onward");
    MZ_CHECK_STR(t.scene, "room");
    MZ_CHECK_STR(t.prompt, "a room, the trap sprung 0 times");
    t = say(s, "back");
    MZ_CHECK_STR(t.prompt, "a hall, count 101");
    t = say(s, "xyzzy");
    MZ_CHECK_STR(t.reply, "Nothing happens.");
    mz_story_destroy(s);
}

static void broken_start(void)
{
    mz_story *s = load(FIX "badstart", 1);
    if (!s) return;
    mz_story_turn t;
    MZ_CHECK(mz_story_begin(s, &t));
    MZ_CHECK_STR(t.error,
                 FIX "badstart/story.lua:6: attempt to index a nil value (field 'nothing')");
    MZ_CHECK_STR(t.scene, "a");
    MZ_CHECK_STR(t.prompt, "ink drawing, a quiet field");
    t = say(s, "go");
    MZ_CHECK(t.error == NULL);
    MZ_CHECK_STR(t.prompt, "ink drawing, a hill");
    mz_story_destroy(s);
}

static void broken_stories_fail_to_load(void)
{
    static const struct {
        const char *fixture, *error;
    } cases[] = {
        {"syntax", FIX "syntax/story.lua:7: '}' expected (to close '{' at line 3) near <eof>"},
        {"loaderror", FIX "loaderror/story.lua:3: attempt to index a nil value (local 'missing')"},
        {"escape", FIX "escape/story.lua:3: include: '../cellar/story.lua' must stay inside the "
                       "story folder (no '..')"},
        {"lintme", FIX "lintme/story.lua:16: scene 'b': prompt is missing"},
        {"nonexistent", "no story at " FIX "nonexistent"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, FIX "%s", cases[i].fixture);
        mz_story *s = mz_story_load(&(mz_story_desc){.path = path});
        MZ_CHECK(s == NULL);
        MZ_CHECK_MSG(!strncmp(mz_error(), cases[i].error, strlen(cases[i].error)), "got %s",
                     mz_error());
        mz_story_destroy(s);
    }
}

static void includes_report_their_own_file(void)
{
    mz_story *s = load(FIX "parts/", 1);
    if (!s) return;
    mz_story_turn t;
    mz_story_begin(s, &t);
    MZ_CHECK_STR(t.prompt, "a city gate, a tall guard in red");
    t = say(s, "enter");
    MZ_CHECK_STR(t.scene, "square");
    t = say(s, "shout");
    MZ_CHECK_STR(t.error, FIX "parts/more.lua:4: attempt to index a nil value (field 'voice')");
    mz_story_destroy(s);
}

static void sandbox_globals(void)
{
    mz_story *s = load(FIX "globals", 1);
    if (!s) return;
    mz_story_turn t;
    mz_story_begin(s, &t);
    MZ_CHECK_STR(t.prompt,
                 "_G assert chance ending error getmetatable give has include ipairs "
                 "math pairs pcall print random scene scene_id select setmetatable "
                 "story string table take tonumber tostring turn type utf8 viewer visits");
    MZ_CHECK_STR(t.caption, "1 2 2.5 10 a z true");
    mz_story_destroy(s);
}

/* Any bytes, any length: nothing breaks (ASan watches). */
static void arbitrary_input(void)
{
    mz_story *s = load(FIX "cellar", 1);
    if (!s) return;
    mz_story_turn t;
    mz_story_begin(s, &t);
    uint64_t x = 88172645463325252ull;
    char buf[3000];
    for (int i = 0; i < 300; i++) {
        size_t n = (size_t)(i * 37 % 3000);
        for (size_t k = 0; k < n; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[k] = (char)x;
        }
        MZ_CHECK(mz_story_input(s, buf, n, &t));
        MZ_CHECK(t.error == NULL);
        MZ_CHECK(strlen(t.input) <= 280);
        if (t.ended) mz_story_begin(s, &t);
    }
    MZ_CHECK(mz_story_input(s, NULL, 0, &t));
    mz_story_destroy(s);
    mz_story *fresh = load(FIX "cellar", 1);
    MZ_CHECK(fresh && !mz_story_input(fresh, "x", 1, &t)); /* before begin: misuse */
    mz_story_destroy(fresh);
}

/* Every memory cap from tiny to enough: loading fails cleanly or play works,
 * and nothing crashes or leaks (like Lua's own tests with a failing allocator). */
static void tight_memory(void)
{
    int loaded = 0, failed = 0;
    for (size_t limit = 4096; limit <= 160 * 1024; limit += 2048) {
        mz_story *s = mz_story_load(&(mz_story_desc){.path = FIX "dice", .memory_limit = limit});
        if (!s) {
            failed++;
            MZ_CHECK_MSG(strstr(mz_error(), "out of memory") != NULL, "%zu: %s", limit, mz_error());
            continue;
        }
        loaded++;
        mz_story_turn t;
        mz_story_begin(s, &t);
        static const char *inputs[] = {"roll", "coin", "spend", "leave", "return", "roll"};
        for (size_t i = 0; i < 6; i++) {
            t = say(s, inputs[i]);
            MZ_CHECK(t.scene != NULL && t.prompt != NULL);
            if (t.error) MZ_CHECK_HAS(t.error, "out of memory");
        }
        mz_story_destroy(s);
    }
    MZ_CHECK(loaded > 0 && failed > 0);
}

static int problems;
static char last_problem[512];
static void count_problem(const char *file, int line, const char *message, void *user)
{
    (void)user;
    problems++;
    snprintf(last_problem, sizeof last_problem, "%s:%d: %s", file, line, message);
}

static void lint_and_graph(void)
{
    problems = 0;
    MZ_CHECK(mz_story_lint(FIX "cellar", count_problem, NULL) == 0 && problems == 0);
    problems = 0;
    MZ_CHECK(mz_story_lint(FIX "lintme", count_problem, NULL) == 8 && problems == 8);
    problems = 0;
    MZ_CHECK(mz_story_lint(FIX "syntax", count_problem, NULL) == 1);
    MZ_CHECK_HAS(last_problem, FIX "syntax/story.lua:7: '}' expected");
    char path[] = "/tmp/mz_graph_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    MZ_CHECK(mz_story_graph_dot(FIX "dice", f));
    MZ_CHECK(mz_story_graph_dot(FIX "cellar", f));
    fclose(f);
    char *dot = read_text(path);
    MZ_CHECK_HAS(dot, "digraph \"Dice\" {");
    MZ_CHECK_HAS(dot, "\"table\" [shape=box, style=\"rounded,bold\", penwidth=2];");
    MZ_CHECK_HAS(dot, "\"street\" -> \"table\" [label=\"return\"];");
    MZ_CHECK_HAS(dot, "\"table\" -> \"?\" [label=\"leave\"];");
    MZ_CHECK_HAS(dot, "\"?\" [shape=diamond");
    MZ_CHECK_HAS(dot, "\"treasure\" [shape=doubleoctagon];");
    MZ_CHECK_HAS(dot, "\"cellar\" -> \"treasure\" [label=\"[if] open barrel\", style=dashed];");
    MZ_CHECK_HAS(dot, "\"stairs\" -> \"cellar\" [label=\"descend | go down the stairs\"];");
    unlink(path);
}

/* story { attract = ... }: the kiosk's demo lines, listed or in a file of
 * the story folder; lint names the line of a bad value. */
static void attract_lines(void)
{
    char dir[64], path[128];
    snprintf(dir, sizeof dir, "/tmp/mz_story_XXXXXX");
    MZ_CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/story.lua", dir);
    const char *scenes = "scene \"a\" { prompt = \"a room\", on = { { \"open the door\", to = \"b\" } } }\n"
                         "ending \"b\" { prompt = \"a lit room\" }\n";
    char text[1024];
    snprintf(text, sizeof text,
             "story { title = \"A\", start = \"a\",\n  attract = { \"look around\", \"open the door\" } }\n%s",
             scenes);
    write_file(path, text);
    mz_story *s = load(dir, 1);
    size_t n = 0;
    const char *const *lines = s ? mz_story_attract(s, &n) : NULL;
    MZ_CHECK(n == 2);
    if (n == 2) MZ_CHECK(!strcmp(lines[0], "look around") && !strcmp(lines[1], "open the door"));
    mz_story_destroy(s);

    char file[160];
    snprintf(file, sizeof file, "%s/demo lines.txt", dir);
    write_file(file, "# what the demo types\n\nlook around\r\nopen the door\n");
    snprintf(text, sizeof text,
             "story { title = \"A\", start = \"a\",\n  attract = \"demo lines.txt\" }\n%s", scenes);
    write_file(path, text);
    s = load(dir, 1);
    lines = s ? mz_story_attract(s, &n) : NULL;
    MZ_CHECK(n == 2);
    if (n == 2) MZ_CHECK(!strcmp(lines[0], "look around") && !strcmp(lines[1], "open the door"));
    mz_story_destroy(s);
    problems = 0;
    MZ_CHECK(mz_story_lint(dir, count_problem, NULL) == 0 && problems == 0);

    static const struct {
        const char *value, *problem;
    } bad[] = {
        {"42", "story.lua:2: story: 'attract' must be a list of lines or the name of a file"},
        {"{ \"go\", 7 }", "story.lua:2: story: 'attract' must be a list of lines or the name"},
        {"{ \"\" }", "story.lua:2: story: an attract line must have 1 to 280 bytes, not 0"},
        {"\"gone.txt\"", "story.lua:2: story: attract file 'gone.txt' cannot be read"},
        {"\"../cellar/demo.txt\"", "story.lua:2: story: attract file '../cellar/demo.txt' must "
                                   "stay inside the story folder"},
        {"\"long.txt\"", "long.txt:2: story: an attract line must have 1 to 280 bytes, not 300"},
    };
    char long_line[301];
    memset(long_line, 'a', 300);
    long_line[300] = '\0';
    snprintf(file, sizeof file, "%s/long.txt", dir);
    snprintf(text, sizeof text, "go\n%s\n", long_line);
    write_file(file, text);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(text, sizeof text, "story { title = \"A\", start = \"a\",\n  attract = %s }\n%s",
                 bad[i].value, scenes);
        write_file(path, text);
        problems = 0;
        last_problem[0] = '\0';
        MZ_CHECK(mz_story_lint(dir, count_problem, NULL) >= 1);
        char want[256];
        snprintf(want, sizeof want, "%s/%s", dir, bad[i].problem);
        MZ_CHECK_HAS(last_problem, want);
    }
    remove_dir(dir);
}

int main(void)
{
    MZ_RUN(prompt_composition);
    MZ_RUN(moderation_keeps_words_out);
    MZ_RUN(endings_finish);
    MZ_RUN(replays_are_identical);
    MZ_RUN(synonyms_do_not_depend_on_table_order);
    MZ_RUN(match_is_the_turns_match);
    MZ_RUN(saves_round_trip);
    MZ_RUN(saves_are_atomic);
    MZ_RUN(bad_saves_fail_clearly);
    MZ_RUN(damaged_saves);
    MZ_RUN(saves_across_story_edits);
    MZ_RUN(reload_keeps_state);
    MZ_RUN(broken_callbacks);
    MZ_RUN(broken_start);
    MZ_RUN(broken_stories_fail_to_load);
    MZ_RUN(includes_report_their_own_file);
    MZ_RUN(sandbox_globals);
    MZ_RUN(arbitrary_input);
    MZ_RUN(tight_memory);
    MZ_RUN(lint_and_graph);
    MZ_RUN(attract_lines);
    return mz_test_finish();
}
