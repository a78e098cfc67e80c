/* text_lang.c — what matching needs to know of a language other than
 * English: its filler words, whether it elides with an apostrophe
 * ("l'escalier"), and a Snowball stemmer (libstemmer). English keeps the
 * built-in light stemmer and stop words (text_fold.c, text_lexicon.c): on
 * the stories' tests it does as well, and it knows "went" is "go". */
#include "text_internal.h"

#include <libstemmer.h>
#include <stdlib.h>

/* Filler a viewer types around a command, folded as matching folds them
 * (no accents). Direction words are not here, as in English. */
static const char *const fr_stop[] = {
    "le",    "la",    "les",     "l",      "un",     "une",   "des",   "du",     "de",    "d",
    "au",    "aux",   "a",       "et",     "ou",     "mais",  "je",    "j",      "me",    "m",
    "moi",   "tu",    "te",      "t",      "toi",    "il",    "elle",  "on",     "nous",  "vous",
    "ils",   "elles", "se",      "s",      "ce",     "c",     "cet",   "cette",  "ces",   "mon",
    "ma",    "mes",   "ton",     "ta",     "tes",    "son",   "sa",    "ses",    "y",     "en",
    "qu",    "que",   "est",     "suis",   "veux",   "voudrais", "vais", "va",   "aller", "allons",
    "allez", "peux",  "pouvez",  "peut",   "svp",    "stp",   "plait", "alors",  "donc",  "puis",
    "juste", "bon",   "ben",     "euh",    "oh",     "ok",    "avec",  "pour",   "par",
    "n",     "ne",    "pas",
};
static const char *const de_stop[] = {
    "der",   "die",   "das",   "den",   "dem",   "des",   "ein",    "eine",   "einen", "einem",
    "einer", "und",   "oder",  "aber",  "ich",   "mich",  "mir",    "du",     "dich",  "dir",
    "er",    "sie",   "es",    "wir",   "uns",   "ihr",   "mal",    "bitte",  "will",  "mochte",
    "mochten", "kann", "konnen", "zu",  "zum",   "zur",   "mit",    "von",    "fur",   "jetzt",
    "dann",  "also",  "ja",    "ok",    "gehen", "geh",   "ist",    "bin",    "sind",
};

typedef struct lang_data {
    const char *code;
    const char *const *stop;
    size_t stop_count;
    bool elide;
} lang_data;

static const lang_data langs[] = {
    {"fr", fr_stop, sizeof fr_stop / sizeof fr_stop[0], true},
    {"de", de_stop, sizeof de_stop / sizeof de_stop[0], false},
};

bool mz_text_lang_info(const char *code, const char *const **stop, size_t *stop_count,
                       bool *elide)
{
    *stop = NULL;
    *stop_count = 0;
    *elide = false;
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        if (strcmp(langs[i].code, code)) continue;
        *stop = langs[i].stop;
        *stop_count = langs[i].stop_count;
        *elide = langs[i].elide;
        return true;
    }
    return false;
}

struct sb_stemmer *mz_text_snowball_new(const char *code)
{
    return sb_stemmer_new(code, "UTF_8");
}

void mz_text_snowball_free(struct sb_stemmer *st)
{
    if (st) sb_stemmer_delete(st);
}

static size_t put_utf8(uint32_t c, unsigned char *out)
{
    if (c < 0x80) {
        out[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (unsigned char)(0xC0 | c >> 6);
        out[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (unsigned char)(0xE0 | c >> 12);
        out[1] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
        out[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | c >> 18);
    out[1] = (unsigned char)(0x80 | (c >> 12 & 0x3F));
    out[2] = (unsigned char)(0x80 | (c >> 6 & 0x3F));
    out[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

size_t mz_text_snowball_stem(struct sb_stemmer *st, uint32_t *w, size_t len)
{
    unsigned char utf8[MZ_TEXT_MAX_WORD * 4];
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += put_utf8(w[i], utf8 + n);
    const sb_symbol *stem = sb_stemmer_stem(st, utf8, (int)n);
    if (!stem) return len; /* out of memory: the word unstemmed still matches itself */
    size_t stem_len = (size_t)sb_stemmer_length(st), k = 0;
    for (size_t pos = 0; pos < stem_len && k < MZ_TEXT_MAX_WORD;) {
        size_t used;
        w[k++] = mz_utf8_decode(stem + pos, stem_len - pos, &used);
        pos += used;
    }
    return k ? k : len;
}
