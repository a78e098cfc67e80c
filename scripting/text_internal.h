/* text_internal.h — what the mz_text files share; not part of the contract.
 *
 * Text is analysed into tokens: folded words (arrays of code points, so edit
 * distances count characters, not bytes), stemmed, with synonyms replaced by
 * their canonical words and stop words flagged (never removed, because a
 * synonym phrase such as "go up" may contain them). */
#ifndef MZ_TEXT_INTERNAL_H
#define MZ_TEXT_INTERNAL_H

#include "mz_text.h"
#include "text_char.h"

#include <stdint.h>
#include <string.h>

#define MZ_TEXT_MAX_TOKENS 128 /* words kept from one text; the rest is ignored */
#define MZ_TEXT_MAX_WORD 32    /* code points kept from one word */

/* ---- folding, words, stemming (text_fold.c) ---- */

/* Folds one character for matching: writes 1 or 2 code points to out and
 * returns how many; 0 for a character dropped inside a word (apostrophes,
 * combining accents); -1 for one that separates words. */
int mz_text_fold(uint32_t c, uint32_t out[2]);

/* Reads the next word of s[0..len) from *pos on, folded, into out (at most
 * MZ_TEXT_MAX_WORD code points kept). Returns its length, 0 at the end. */
size_t mz_text_next_word(const unsigned char *s, size_t len, size_t *pos, uint32_t *out);

/* Reduces an English word to its stem in place ("climbing" -> "climb"),
 * after a few irregular forms ("went" -> "go"); out has room for
 * MZ_TEXT_MAX_WORD code points. Words with non-ASCII letters are kept. */
size_t mz_text_stem(uint32_t *w, size_t len);

/* ---- languages other than English (text_lang.c) ---- */

/* The filler words of a language (folded) and whether it elides with an
 * apostrophe; false (none) for a language without such data. */
bool mz_text_lang_info(const char *code, const char *const **stop, size_t *stop_count,
                       bool *elide);
struct sb_stemmer;
/* A Snowball stemmer for the language code ("fr"), or NULL when there is none. */
struct sb_stemmer *mz_text_snowball_new(const char *code);
void mz_text_snowball_free(struct sb_stemmer *st);
/* Stems w[0..len) in place; returns the new length. */
size_t mz_text_snowball_stem(struct sb_stemmer *st, uint32_t *w, size_t len);

/* ---- tokens ---- */

typedef struct mz_tok {
    const uint32_t *cp; /* into the owner's pool */
    uint32_t hash;
    uint32_t letters; /* bit c % 32 set for each code point c: a cheap bound on edits */
    uint8_t len;
    bool stop;
} mz_tok;

/* A token for cp[0..len) (len <= 255), which it points at. */
mz_tok mz_tok_make(const uint32_t *cp, size_t len, bool stop);

static inline bool mz_tok_eq(const mz_tok *a, const mz_tok *b)
{
    return a->hash == b->hash && a->len == b->len &&
           (a->len == 0 || memcmp(a->cp, b->cp, a->len * sizeof *a->cp) == 0);
}

/* One analysed text, on the stack while a pattern or utterance is built.
 * Tokens point into pool or into the lexicon; the owner copies them. */
typedef struct mz_tokens {
    size_t count;
    mz_tok tok[MZ_TEXT_MAX_TOKENS];
    uint32_t pool[MZ_TEXT_MAX_TOKENS * MZ_TEXT_MAX_WORD];
} mz_tokens;

/* ---- lexicon (text_lexicon.c) ---- */

/* Analyses text: words, stop flags, stems, synonyms replaced. */
void mz_lexicon_analyse(const mz_lexicon *lx, const char *text, size_t len, mz_tokens *out);

/* Calls fn for each single word that is a synonym of the single word t,
 * in the order they were added (for typo tolerance on synonyms). */
void mz_lexicon_each_variant(const mz_lexicon *lx, const mz_tok *t,
                             void (*fn)(void *ctx, const mz_tok *variant), void *ctx);

#endif
