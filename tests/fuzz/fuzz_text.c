/* fuzz_text — viewer-text matching (scripting/text_*.c): sanitising,
 * moderation, pattern compilation, utterances and scoring, as every line a
 * viewer or the audience page types goes through them.
 *
 * Input: all of it is escaped for a terminal; the first line is compiled as an author's pattern (authors are
 * less trusted than they look: stories are downloaded), the rest is what the
 * viewer typed. What must hold for any input is checked: clean, bounded,
 * idempotent sanitising and moderation; scores in [0,1]; a pattern scoring
 * exactly 1 against the same text said back; a language guessed among those
 * asked, or none. */
#include "fuzz.h"
#include "mz_screen.h"
#include "mz_text.h"
#include "text_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mz_lexicon *lx;
static mz_screen *screen;
static mz_pattern *fixed[4];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    lx = mz_lexicon_create();
    static const char *const climb[] = {"ascend", "go up", "climb up the"};
    static const char *const look[] = {"examine", "look at"};
    FUZZ_CHECK(lx && mz_lexicon_add_synonyms(lx, "climb", climb, 3) &&
               mz_lexicon_add_synonyms(lx, "inspect", look, 2) &&
               mz_lexicon_add_blocked(lx, "bad") && mz_lexicon_add_blocked(lx, "wreck"));
    screen = mz_screen_create(&(mz_screen_desc){.salt = 1});
    FUZZ_CHECK(screen && mz_screen_block(screen, "wreck", "en") &&
               mz_screen_block(screen, "red door", "en") && mz_screen_allow(screen, "shipwreck", "en"));
    static const char *const pats[4] = {"climb lighthouse", "go north", "inspect the red door",
                                        "ПРИВЕТ"};
    for (int i = 0; i < 4; i++)
        FUZZ_CHECK((fixed[i] = mz_pattern_compile(lx, pats[i])) != NULL);
    return 0;
}

static char in[4096], out[4096], again[4096];

static void check_sanitize(const char *text, size_t len, size_t max)
{
    size_t n = mz_text_sanitize(text, len, out, sizeof out, max);
    FUZZ_CHECK(n == strlen(out) && n <= (max ? max : MZ_TEXT_DEFAULT_MAX));
    FUZZ_CHECK(clean_utf8(out, n) && well_spaced(out, n));
    FUZZ_CHECK(mz_text_sanitize(out, n, again, sizeof again, max) == n && !memcmp(again, out, n));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= sizeof in) return 0; /* longer text is cut before matching anyway */
    memcpy(in, data, size);
    in[size] = '\0';
    const char *nl = memchr(in, '\n', size);
    const char *said = nl ? nl + 1 : in;
    size_t said_len = size - (size_t)(said - in);

    check_sanitize(in, size, 0);
    check_sanitize(said, said_len, size % 600); /* the length cap varies with the input */

    /* Escaped for a terminal: clean UTF-8 with nothing that acts on it. */
    size_t need = mz_text_escape(in, size, out, sizeof out);
    FUZZ_CHECK(need >= size);
    if (need < sizeof out) FUZZ_CHECK(strlen(out) == need && clean_utf8(out, need));

    /* Moderation and utterances take C strings: the text up to a NUL. */
    size_t removed = mz_lexicon_moderate(lx, said, out, sizeof out);
    size_t n = strlen(out);
    FUZZ_CHECK(n < sizeof out && clean_utf8(out, n) && well_spaced(out, n) && removed <= said_len);
    FUZZ_CHECK(mz_lexicon_moderate(lx, out, again, sizeof again) == 0 && !strcmp(again, out));

    /* Public moderation: any text followed by a blocked word is refused,
     * and the answer does not change when asked again. */
    bool shown = mz_screen_check(screen, said, NULL);
    FUZZ_CHECK(mz_screen_check(screen, said, NULL) == shown);
    size_t said_c = strlen(said); /* a C string: " wreck" after a NUL would go unseen */
    if (said_c + 7 < sizeof again) {
        memcpy(again, said, said_c);
        memcpy(again + said_c, " wreck", 7);
        FUZZ_CHECK(!mz_screen_check(screen, again, NULL));
    }

    /* A kiosk's guess at a first line's language (any bytes, any length):
     * one of the languages or none, the same when asked again. */
    static const char *const langs[] = {"en", "fr", "de", "ja", "ar", "zh"};
    int lang = mz_text_guess_lang(said, said_len, langs, 6);
    FUZZ_CHECK(lang >= -1 && lang < 6 && mz_text_guess_lang(said, said_len, langs, 6) == lang);

    mz_utterance *u = mz_utterance_make(lx, said);
    FUZZ_CHECK(u != NULL);
    float score;
    int best = mz_match_best((const mz_pattern *const *)fixed, 4, u, 0, &score);
    FUZZ_CHECK(score >= 0 && score <= 1 && best >= -1 && best < 4);
    FUZZ_CHECK(best == -1 ? score < MZ_MATCH_THRESHOLD : score >= MZ_MATCH_THRESHOLD);

    if (nl) *(char *)nl = '\0';
    mz_pattern *authored = mz_pattern_compile(lx, in);
    float s = mz_pattern_score(authored, u);
    FUZZ_CHECK(s >= 0 && s <= 1);
    mz_pattern_destroy(authored);

    mz_pattern *self = mz_pattern_compile(lx, said); /* NULL only for text without words */
    FUZZ_CHECK(!self || mz_pattern_score(self, u) == 1.0f);
    mz_pattern_destroy(self);
    mz_utterance_destroy(u);
    return 0;
}
