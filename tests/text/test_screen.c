/* test_screen — public moderation (mz_screen) on real strings: the shipped
 * LDNOOBW lists and allow lists, the obfuscations phones use, and the
 * innocent words that contain blocked ones. */
#include "mz_error.h"
#include "mz_screen.h"
#include "mz_test.h"

#include <stdio.h>

static mz_screen *shipped(void)
{
    mz_screen *s = mz_screen_create(&(mz_screen_desc){.dir = "assets/moderation", .salt = 42});
    MZ_CHECK_MSG(s != NULL, "%s", mz_error());
    return s;
}

static void expect(const mz_screen *s, const char *text, bool ok, mz_screen_reason reason)
{
    mz_screen_result r;
    bool got = mz_screen_check(s, text, &r);
    MZ_CHECK_MSG(got == ok, "\"%s\": expected %s, got %s (%s)", text, ok ? "pass" : "block",
                 got ? "pass" : "block", mz_screen_reason_name(r.reason));
    if (!ok && got == ok)
        MZ_CHECK_MSG(r.reason == reason, "\"%s\": reason %s, expected %s", text,
                     mz_screen_reason_name(r.reason), mz_screen_reason_name(reason));
}

static void test_lists_load(void)
{
    mz_screen *s = shipped();
    /* every LDNOOBW language, and the English allow list */
    MZ_CHECK(mz_screen_count(s, false) > 2500);
    MZ_CHECK(mz_screen_count(s, true) > 100);
    mz_screen_destroy(s);
    MZ_CHECK(mz_screen_create(&(mz_screen_desc){.dir = "/nonexistent"}) == NULL);
    MZ_CHECK_HAS(mz_error(), "/nonexistent");
    MZ_CHECK(mz_screen_create(
                 &(mz_screen_desc){.dir = "assets/moderation", .languages = "en,xx"}) == NULL);
    MZ_CHECK_HAS(mz_error(), "xx.txt");
}

static void test_obfuscations(void)
{
    mz_screen *s = shipped();
    expect(s, "fuck", false, MZ_SCREEN_WORD);
    expect(s, "FUCK off", false, MZ_SCREEN_WORD);
    expect(s, "fuuuuuuck", false, MZ_SCREEN_WORD);
    expect(s, "f u c k", false, MZ_SCREEN_SPELLED);
    expect(s, "f.u.c.k you", false, MZ_SCREEN_SPELLED);
    expect(s, "f-u-c-k", false, MZ_SCREEN_SPELLED);
    expect(s, "fu ck", false, MZ_SCREEN_SPELLED);
    expect(s, "i am an a s s", false, MZ_SCREEN_SPELLED);
    expect(s, "sh1t", false, MZ_SCREEN_WORD);
    expect(s, "$h!t happens", false, MZ_SCREEN_WORD);
    expect(s, "b!tch", false, MZ_SCREEN_WORD);
    expect(s, "f*ck", false, MZ_SCREEN_WORD);
    expect(s, "sh*t", false, MZ_SCREEN_WORD);
    expect(s, "un abort*", false, MZ_SCREEN_WORD);
    expect(s, "a b*ll g*g", false, MZ_SCREEN_PHRASE);
    expect(s, "a55hole", false, MZ_SCREEN_WORD);
    /* Cyrillic а and о, Greek ο, fullwidth, mathematical bold, circled */
    expect(s, "\xd0\xb0ss", false, MZ_SCREEN_WORD);
    expect(s,
           "c\xd0\xbe\xd0\xbe"
           "ck",
           false, MZ_SCREEN_WORD);
    expect(s,
           "c\xce\xbf"
           "ck",
           false, MZ_SCREEN_WORD);
    expect(s, "\xef\xbd\x86\xef\xbd\x95\xef\xbd\x83\xef\xbd\x8b", false, MZ_SCREEN_WORD);
    expect(s, "\xf0\x9d\x90\x9f\xf0\x9d\x90\xae\xf0\x9d\x90\x9c\xf0\x9d\x90\xa4", false,
           MZ_SCREEN_WORD);
    expect(s, "\xe2\x93\x95\xe2\x93\xa4\xe2\x93\x92\xe2\x93\x9a", false, MZ_SCREEN_WORD);
    /* zero-width space, soft hyphen, word joiner inside the word */
    expect(s,
           "fu\xe2\x80\x8b"
           "ck",
           false, MZ_SCREEN_WORD);
    expect(s, "sh\xc2\xadit", false, MZ_SCREEN_WORD);
    expect(s, "cu\xe2\x81\xa0nt", false, MZ_SCREEN_WORD);
    /* glued to other words */
    expect(s, "fuckyou", false, MZ_SCREEN_GLUED);
    expect(s, "youareashithead", false, MZ_SCREEN_GLUED);
    expect(s, "dumbass", false, MZ_SCREEN_GLUED);
    expect(s, "asshat", false, MZ_SCREEN_GLUED);
    /* phrases, and other languages */
    expect(s, "he likes the ball gag", false, MZ_SCREEN_PHRASE);
    expect(s, "c est une grande folle", false, MZ_SCREEN_PHRASE);
    expect(s, "du arschloch", false, MZ_SCREEN_WORD);
    expect(s,
           "\xd0\xb5"
           "b\xd0\xb0l\xd0\xbe",
           false, MZ_SCREEN_WORD); /* ebalo, Cyrillic е а о */
    mz_screen_destroy(s);
}

static void test_precision(void)
{
    mz_screen *s = shipped();
    const char *innocent[] = {
        "Scunthorpe",
        "I live in Sussex",
        "the assassin climbs the tower",
        "a class of students",
        "my therapist says",
        "eat a grape",
        "pass the salt",
        "Middlesex and Essex",
        "a glass of water",
        "the cocktail bar",
        "Hitchcock films",
        "an analysis of the maze",
        "the shuttlecock",
        "assume nothing",
        "a bass guitar",
        "cumulative effects",
        "document the maze",
        "the pen is on the table",
        "Penistone station",
        "shiitake mushrooms",
        "the butter dish",
        "button up your coat",
        "Dickens wrote this",
        "a hello to the world",
        "I see a s c e n e",
        "go up the stairs",
        "open the door",
        "k is for kite",
        "the title of the book",
        "Cassandra warned us",
        "I am a fan of the con",
        "a bite of the pot roast",
        "a stake in the trio",
    };
    for (size_t i = 0; i < sizeof innocent / sizeof innocent[0]; i++)
        expect(s, innocent[i], true, MZ_SCREEN_OK);
    mz_screen_destroy(s);
}

static void test_installation_list(void)
{
    mz_screen *s = mz_screen_create(&(mz_screen_desc){.salt = 1});
    MZ_CHECK(mz_screen_block(s, "kill", "installation"));
    MZ_CHECK(!mz_screen_block(s, "...", NULL));
    MZ_CHECK_HAS(mz_error(), "no letters");
    expect(s, "k i l l", false, MZ_SCREEN_SPELLED);
    expect(s, "k.i.l.l him", false, MZ_SCREEN_SPELLED);
    expect(s, "KIIILL", false, MZ_SCREEN_WORD);
    expect(s, "k1ll", false, MZ_SCREEN_WORD);
    expect(s, "skill", false, MZ_SCREEN_GLUED);
    MZ_CHECK(mz_screen_allow(s, "skill", "en"));
    expect(s, "skill", true, MZ_SCREEN_OK);
    expect(s, "skillful", false, MZ_SCREEN_GLUED);
    mz_screen_result r;
    MZ_CHECK(!mz_screen_check(s, "ki11", &r));
    MZ_CHECK_STR(r.lang, "installation");
    mz_screen_destroy(s);
}

static void test_hash(void)
{
    mz_screen *a = mz_screen_create(&(mz_screen_desc){.salt = 1});
    mz_screen *b = mz_screen_create(&(mz_screen_desc){.salt = 2});
    mz_screen *c = mz_screen_create(NULL);
    MZ_CHECK(mz_screen_hash(a, "x") == mz_screen_hash(a, "x"));
    MZ_CHECK(mz_screen_hash(a, "x") != mz_screen_hash(a, "y"));
    MZ_CHECK(mz_screen_hash(a, "x") != mz_screen_hash(b, "x"));
    MZ_CHECK(mz_screen_hash(c, "x") != mz_screen_hash(a, "x"));
    mz_screen_destroy(a);
    mz_screen_destroy(b);
    mz_screen_destroy(c);
}

static void test_bounds(void)
{
    mz_screen *s = shipped();
    static char big[5000];
    memset(big, 'a', sizeof big - 1);
    mz_screen_result r;
    MZ_CHECK(!mz_screen_check(s, big, &r));
    MZ_CHECK(r.reason == MZ_SCREEN_TOO_LONG);
    big[4000] = '\0';
    MZ_CHECK(mz_screen_check(s, big, &r));
    for (size_t i = 0; i < 4000; i += 2)
        big[i] = ' ';
    MZ_CHECK(mz_screen_check(s, big, &r)); /* 2000 one-letter words */
    MZ_CHECK(mz_screen_check(s, "\xff\xfe\xc0\x80 \xed\xa0\x80", &r));
    MZ_CHECK(mz_screen_check(NULL, "fuck", &r));
    mz_screen_destroy(s);
}

int main(void)
{
    MZ_RUN(test_lists_load);
    MZ_RUN(test_obfuscations);
    MZ_RUN(test_precision);
    MZ_RUN(test_installation_list);
    MZ_RUN(test_hash);
    MZ_RUN(test_bounds);
    return mz_test_finish();
}
