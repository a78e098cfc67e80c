/* Variants per viewer: the profile, the read-only `viewer`, what the story
 * declares varying with it (and nothing else), saves, and the walkthrough
 * comparison of `maze test --variants`. */
#include "mz_error.h"
#include "mz_story.h"
#include "mz_test.h"
#include "mz_walk.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WELL "tests/stories/fixtures/variants"

static mz_story *load(const char *profile, uint64_t seed)
{
    mz_story *s = mz_story_load(&(mz_story_desc){.path = WELL, .seed = seed, .profile = profile});
    MZ_CHECK_MSG(s != NULL, "%s: %s", profile ? profile : "(none)", mz_error());
    return s;
}

static mz_story_turn say(mz_story *s, const char *text)
{
    mz_story_turn t;
    MZ_CHECK(mz_story_input(s, text, strlen(text), &t));
    return t;
}

static void the_profile(void)
{
    mz_story *s = load(NULL, 1);
    if (!s) return;
    MZ_CHECK_STR(mz_story_profile(s), "pace=slow,tone=gentle"); /* the first values */
    MZ_CHECK(mz_story_viewer_count(s) == 2);
    mz_story_viewer_info info;
    MZ_CHECK(mz_story_viewer_get(s, 1, &info));
    MZ_CHECK_STR(info.name, "tone");
    MZ_CHECK(info.value_count == 2 && !strcmp(info.values[1], "eerie") && info.current == 0);
    MZ_CHECK(!mz_story_viewer_get(s, 2, &info));
    /* A file's text: comments, blanks, spaces, another story's fields. */
    MZ_CHECK(mz_story_set_profile(s, "# the visitor\n tone = eerie \n\nlanguage = fr\n"));
    MZ_CHECK_STR(mz_story_profile(s), "pace=slow,tone=eerie");
    MZ_CHECK(!mz_story_set_profile(s, "tone=bold"));
    MZ_CHECK_STR(mz_error(), "profile: tone = 'bold' is not one of the story's: gentle, eerie");
    MZ_CHECK_STR(mz_story_profile(s), "pace=slow,tone=eerie"); /* unchanged */
    MZ_CHECK(!mz_story_set_profile(s, "tone"));
    MZ_CHECK_HAS(mz_error(), "'tone' is not name = value");
    mz_story_destroy(s);
    MZ_CHECK(mz_story_load(&(mz_story_desc){.path = WELL, .profile = "pace=fast"}) == NULL);
    MZ_CHECK_HAS(mz_error(), "pace = 'fast' is not one of the story's: slow, quick");
}

static void declared_parts_vary(void)
{
    mz_story *a = load(NULL, 3), *b = load("tone=eerie", 3); /* seed 3: not at dusk */
    if (!a || !b) return;
    mz_story_turn ta, tb;
    MZ_CHECK(mz_story_begin(a, &ta) && mz_story_begin(b, &tb));
    MZ_CHECK_STR(ta.caption, "A well, and a bucket on a rope.");
    MZ_CHECK_STR(tb.caption, "A well. Something down there is humming.");
    MZ_CHECK_HAS(ta.prompt, "warm palette");
    MZ_CHECK_HAS(tb.prompt, "cold green palette");
    MZ_CHECK_MSG(ta.varied == 0, "%u", ta.varied);
    MZ_CHECK_MSG(tb.varied == (MZ_STORY_VARIED_STYLE | MZ_STORY_VARIED_CAPTION), "%u", tb.varied);
    /* Undeclared: replies, matching, state. */
    ta = say(a, "look into the well");
    tb = say(b, "look into the well");
    MZ_CHECK_STR(ta.reply, tb.reply);
    MZ_CHECK_STR(ta.matched, tb.matched);
    /* Code that reads `viewer` in a condition may change anything after. */
    ta = say(a, "whistle");
    tb = say(b, "whistle");
    MZ_CHECK(ta.reply == NULL || strcmp(ta.reply, "Something whistles back.") != 0);
    MZ_CHECK_STR(tb.reply, "Something whistles back.");
    MZ_CHECK(ta.varied & MZ_STORY_VARIED_CODE);
    /* A caption function that reads it varies the caption only. */
    ta = say(a, "climb down");
    MZ_CHECK(ta.varied == MZ_STORY_VARIED_CAPTION);
    MZ_CHECK_STR(ta.caption, "Down, slowly, hand over hand.");
    /* A declared route. */
    tb = say(b, "climb down");
    ta = say(a, "swim");
    tb = say(b, "swim");
    MZ_CHECK_STR(ta.ending, "spring");
    MZ_CHECK_STR(tb.ending, "drowned");
    MZ_CHECK(tb.varied & MZ_STORY_VARIED_ROUTE);
    MZ_CHECK(!(ta.varied & MZ_STORY_VARIED_ROUTE));
    mz_story_destroy(a);
    mz_story_destroy(b);
}

static void viewer_is_read_only(void)
{
    mz_story *s = load("tone=eerie", 1);
    if (!s) return;
    mz_story_turn t;
    mz_story_begin(s, &t);
    t = say(s, "sing");
    MZ_CHECK_HAS(t.error, "story.lua:28: viewer is read-only");
    t = say(s, "hum");
    MZ_CHECK_HAS(t.error, "story.lua:29: viewer has no field 'mood'");
    MZ_CHECK_STR(mz_story_profile(s), "pace=slow,tone=eerie");
    t = say(s, "whistle"); /* still eerie after the attempt */
    MZ_CHECK_STR(t.reply, "Something whistles back.");
    mz_story_destroy(s);
}

/* One seed in N: some seeds get the dusk prompt, the same ones every
 * time, and the story's random generator is not touched by the draw. */
static void seed_variants(void)
{
    int dusk = 0;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        mz_story *s = load(NULL, seed), *again = load(NULL, seed);
        if (!s || !again) return;
        mz_story_turn t, u;
        mz_story_begin(s, &t);
        mz_story_begin(again, &u);
        MZ_CHECK_STR(t.prompt, u.prompt);
        bool at_dusk = strstr(t.prompt, "at dusk") != NULL;
        dusk += at_dusk;
        MZ_CHECK(at_dusk == ((t.varied & MZ_STORY_VARIED_PROMPT) != 0));
        mz_story_destroy(s);
        mz_story_destroy(again);
    }
    MZ_CHECK_MSG(dusk > 8 && dusk < 32, "one seed in 2 got dusk: %d of 40", dusk);
}

static void saves_keep_the_profile(void)
{
    char path[] = "/tmp/mz_variant_save_XXXXXX";
    int fd = mkstemp(path);
    MZ_CHECK(fd >= 0);
    if (fd < 0) return;
    close(fd);
    mz_story *b = load("tone=eerie,pace=quick", 3), *a = load(NULL, 3);
    if (!a || !b) return;
    mz_story_turn t;
    mz_story_begin(b, &t);
    say(b, "climb down");
    MZ_CHECK(mz_story_save(b, path));
    mz_story_begin(a, &t);
    MZ_CHECK(mz_story_restore(a, path, &t));
    MZ_CHECK_STR(mz_story_profile(a), "pace=quick,tone=eerie");
    MZ_CHECK_STR(t.caption, "Down in one breath.");
    t = say(a, "swim");
    MZ_CHECK_STR(t.ending, "drowned");
    /* A reload keeps the profile played, not the one loaded with. */
    mz_story_begin(a, &t);
    MZ_CHECK(mz_story_reload(a));
    MZ_CHECK_STR(mz_story_profile(a), "pace=quick,tone=eerie");
    MZ_CHECK(mz_story_refresh(a, &t));
    MZ_CHECK_HAS(t.prompt, "cold green palette");
    mz_story_destroy(a);
    mz_story_destroy(b);
    unlink(path);
}

static int failures;
static void on_problem(const char *file, int line, const char *message, void *user)
{
    (void)line;
    (void)user;
    failures++;
    fprintf(stderr, "%s: %s\n", file, message);
}
static char last[1024];
static void on_done(const char *file, const mz_walk_result *r, void *user)
{
    (void)r;
    (void)user;
    snprintf(last, sizeof last, "%s", file);
}

/* Two profiles play the same walkthrough: the declared parts differ,
 * everything else is the same, each replays exactly. */
static void walkthroughs_across_profiles(void)
{
    mz_walk_hooks h = {.problem = on_problem, .done = on_done};
    failures = 0;
    MZ_CHECK(mz_walk_variants(WELL, WELL "/walkthroughs/home.txt", &h) == 0);
    MZ_CHECK_STR(last, WELL "/walkthroughs/home.txt [pace=slow,tone=eerie: prompt 2, caption 1]");
    MZ_CHECK(mz_walk_variants(WELL, WELL "/walkthroughs/spring.txt", &h) == 0);
    MZ_CHECK_STR(last, WELL "/walkthroughs/spring.txt [pace=slow,tone=eerie: prompt 3, caption 2, "
                            "parts at turn 3]");
    MZ_CHECK(failures == 0);
    mz_walk_result r;
    MZ_CHECK(mz_walk_file(WELL, WELL "/walkthroughs/drowned.txt", &h, &r) == 0);
    MZ_CHECK_STR(r.ending, "drowned"); /* its #profile line */
}

int main(void)
{
    MZ_RUN(the_profile);
    MZ_RUN(declared_parts_vary);
    MZ_RUN(viewer_is_read_only);
    MZ_RUN(seed_variants);
    MZ_RUN(saves_keep_the_profile);
    MZ_RUN(walkthroughs_across_profiles);
    return mz_test_finish();
}
