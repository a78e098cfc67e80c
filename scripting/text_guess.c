/* text_guess.c — which of a story's languages a line of viewer text is in:
 * the filler words of each language (its stop words, as matching knows
 * them) and the letters of a script only some languages write in. A guess
 * for a kiosk's first line, not a language identifier: a line with no
 * clear winner is no guess. */
#include "text_internal.h"

#include <stdlib.h>

/* Scripts that tell languages apart where stop words cannot (the engine
 * knows none for them). A language may write in two (Japanese: kana and
 * kanji); a letter counts for every candidate that writes it. */
typedef struct script_range {
    const char *lang;
    uint32_t lo, hi;
} script_range;

static const script_range scripts[] = {
    {"ar", 0x0600, 0x06FF}, {"ar", 0x0750, 0x077F}, {"ar", 0xFB50, 0xFDFF}, {"ar", 0xFE70, 0xFEFF},
    {"fa", 0x0600, 0x06FF}, {"he", 0x0590, 0x05FF}, {"ja", 0x3040, 0x30FF}, {"ja", 0x4E00, 0x9FFF},
    {"zh", 0x4E00, 0x9FFF}, {"ko", 0xAC00, 0xD7AF}, {"ko", 0x1100, 0x11FF}, {"ru", 0x0400, 0x04FF},
    {"uk", 0x0400, 0x04FF}, {"el", 0x0370, 0x03FF},
};

static size_t script_hits(const char *lang, const char *text, size_t len)
{
    size_t hits = 0;
    for (size_t pos = 0; pos < len;) {
        size_t used;
        uint32_t cp = mz_utf8_decode((const unsigned char *)text + pos, len - pos, &used);
        pos += used;
        for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++)
            if (!strcmp(scripts[i].lang, lang) && cp >= scripts[i].lo && cp <= scripts[i].hi) {
                hits++;
                break;
            }
    }
    return hits;
}

static size_t stop_hits(const char *lang, const char *text, size_t len)
{
    mz_lexicon *lx = mz_lexicon_create_lang(lang);
    mz_tokens *t = lx ? malloc(sizeof *t) : NULL;
    size_t hits = 0;
    if (t) {
        mz_lexicon_analyse(lx, text, len, t);
        for (size_t i = 0; i < t->count; i++)
            hits += t->tok[i].stop;
    }
    free(t);
    mz_lexicon_destroy(lx);
    return hits;
}

int mz_text_guess_lang(const char *text, size_t len, const char *const *langs, size_t count)
{
    int best = -1;
    size_t best_hits = 0;
    bool tie = false;
    for (size_t i = 0; i < count; i++) {
        size_t hits = stop_hits(langs[i], text, len) + script_hits(langs[i], text, len);
        if (hits > best_hits) {
            best = (int)i;
            best_hits = hits;
            tie = false;
        } else if (hits == best_hits && hits) {
            tie = true;
        }
    }
    return tie ? -1 : best;
}
