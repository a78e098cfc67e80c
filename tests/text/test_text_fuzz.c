/* test_text_fuzz — ~200k random byte strings (fixed seed; every length
 * 0..4096 at least once, most short) through sanitise, moderate, utterance,
 * scoring and public moderation, checking what must hold for any input:
 * valid UTF-8 out, no control or bidi characters, single inner spaces, the
 * length cap, scores in [0,1], a text scoring exactly 1 against itself as a
 * pattern, and a blocked word refused whatever comes before it. */
#include "mz_screen.h"
#include "mz_test.h"
#include "mz_text.h"
#include "text_check.h"

#include <stdint.h>
#include <stdlib.h>

#define STRINGS 200000
#define LONGEST 4096

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

static size_t put_utf8(unsigned char *o, uint32_t c)
{
    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (unsigned char)(0xC0 | c >> 6);
        o[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) { /* surrogates too: encoded raw, they are invalid input */
        o[0] = (unsigned char)(0xE0 | c >> 12);
        o[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
        o[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | c >> 18);
    o[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
    o[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
    o[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

/* Characters from the ranges the code treats specially, and some it doesn't. */
static uint32_t random_char(void)
{
    static const uint32_t ranges[][2] = {
        {0x00, 0x1F},       {0x20, 0x7F},     {0x80, 0xFF},         {0x100, 0x17F},
        {0x300, 0x36F},     {0x370, 0x3FF},   {0x400, 0x4FF},       {0x2000, 0x206F},
        {0xD800, 0xDFFF},   {0xFE00, 0xFE0F}, {0xFF00, 0xFFFF},     {0x1F300, 0x1F64F},
        {0xE0000, 0xE007F}, {0x4E00, 0x4E80}, {0x10FFF0, 0x10FFFF},
    };
    const uint32_t *r = ranges[next() % (sizeof ranges / sizeof ranges[0])];
    return r[0] + next() % (r[1] - r[0] + 1);
}

static const char *const words[] = {"climb", "CLIMBING", "lighthouse", "up",    "go",     "the",
                                    "north", "s0uth",    "b4d",        "baaad", "stairs", "ascend",
                                    "!!",    "--",       "don't",      "Łódź",  "ПРИВЕТ", "ΣΟΦΊΑ"};

static size_t random_text(unsigned char *buf, size_t len)
{
    size_t n = 0;
    int mode = next() % 3;
    while (n < len) {
        if (mode == 0) { /* raw bytes */
            buf[n++] = (unsigned char)next();
        } else if (mode == 1) { /* UTF-8-ish: mostly well formed, sometimes cut */
            unsigned char c[4];
            size_t k = put_utf8(c, random_char());
            if (next() % 16 == 0) k = 1 + next() % k;
            for (size_t i = 0; i < k && n < len; i++)
                buf[n++] = c[i];
        } else { /* words, spaces and punctuation */
            const char *w = words[next() % (sizeof words / sizeof words[0])];
            for (size_t i = 0; w[i] && n < len; i++)
                buf[n++] = (unsigned char)w[i];
            if (n < len) buf[n++] = " \t.,\n"[next() % 5];
        }
    }
    return n;
}

static void test_random_text(void)
{
    mz_lexicon *lx = mz_lexicon_create();
    const char *climb[] = {"ascend", "go up"};
    MZ_CHECK(mz_lexicon_add_synonyms(lx, "climb", climb, 2));
    MZ_CHECK(mz_lexicon_add_blocked(lx, "bad"));
    static const char *const pats[] = {
        "climb lighthouse",  "go north", "go south",       "go",          "up",
        "open the red door", "ПРИВЕТ",   "descend stairs", "look around", "bad",
    };
    mz_pattern *p[10];
    for (int i = 0; i < 10; i++)
        p[i] = mz_pattern_compile(lx, pats[i]);

    mz_screen *screen = mz_screen_create(&(mz_screen_desc){.salt = 1});
    MZ_CHECK(mz_screen_block(screen, "wreck", "en"));
    static char said[LONGEST + 8];
    static unsigned char in[LONGEST + 1];
    static char out[LONGEST + 1], again[LONGEST + 1];
    long failures = 0;
    for (long t = 0; t < STRINGS && failures < 20; t++) {
        size_t len = t <= LONGEST ? (size_t)t : next() % (next() % 256 == 0 ? LONGEST + 1 : 96);
        len = random_text(in, len);
        in[len] = '\0'; /* moderation and utterances take C strings: the text up to a NUL */
        size_t max = next() % 4 == 0 ? next() % 600 : 0;
        size_t cap = next() % 8 == 0 ? 1 + next() % 64 : sizeof out;
        const char *broken = NULL; /* the first invariant that failed */
        size_t n = mz_text_sanitize((const char *)in, len, out, cap, max);
        size_t limit = max ? max : MZ_TEXT_DEFAULT_MAX;
        if (n != strlen(out) || n >= cap || n > limit)
            broken = "sanitize: length";
        else if (!clean_utf8(out, n) || !well_spaced(out, n))
            broken = "sanitize: content";
        else if (mz_text_sanitize(out, n, again, sizeof again, max) != n || memcmp(again, out, n))
            broken = "sanitize: not idempotent";

        size_t removed = mz_lexicon_moderate(lx, (const char *)in, out, cap);
        n = strlen(out);
        if (!broken && (n >= cap || !clean_utf8(out, n) || !well_spaced(out, n) || removed > len))
            broken = "moderate: content";
        else if (!broken && t % 4 == 0 && mz_lexicon_moderate(lx, out, again, sizeof again) != 0)
            broken = "moderate: not idempotent";

        /* Whatever comes before it, a blocked word is refused. */
        memcpy(said, in, len);
        memcpy(said + len, " wreck", 7);
        if (strlen(said) == len + 6 && mz_screen_check(screen, said, NULL))
            broken = "screen: blocked word passed";

        mz_utterance *u = mz_utterance_make(lx, (const char *)in);
        if (!u) broken = "utterance: NULL";
        for (int i = 0; u && i < 10; i++) {
            float s = mz_pattern_score(p[i], u);
            if (!(s >= 0 && s <= 1)) broken = "score: range";
        }
        if (t % 4 == 0) { /* scores all 10 again */
            float s;
            int b = mz_match_best((const mz_pattern *const *)p, 10, u, 0, &s);
            if (!(s >= 0 && s <= 1) || (b == -1 ? s >= MZ_MATCH_THRESHOLD : s < MZ_MATCH_THRESHOLD))
                broken = "match_best";
        }
        /* Every 8th: the costliest check, quadratic in the words of the text. */
        mz_pattern *self = t % 8 == 0 ? mz_pattern_compile(lx, (const char *)in) : NULL;
        if (self && mz_pattern_score(self, u) != 1.0f) /* NULL only for text without words */
            broken = "self score";
        mz_pattern_destroy(self);
        mz_utterance_destroy(u);
        bool ok = !broken;
        if (!ok) {
            failures++;
            MZ_CHECK_MSG(ok, "%s: string %ld (%zu bytes, cap %zu, max %zu)", broken, t, len, cap,
                         max);
        }
    }
    for (int i = 0; i < 10; i++)
        mz_pattern_destroy(p[i]);
    mz_lexicon_destroy(lx);
    mz_screen_destroy(screen);
}

int main(void)
{
    MZ_RUN(test_random_text);
    return mz_test_finish();
}
