/* text_lexicon.c — a story's words: stop words, synonyms (single words and
 * phrases), blocked words; the analysis every pattern and utterance goes
 * through; and moderation. */
#include "text_internal.h"

#include "mz_error.h"

#include <stdlib.h>

/* Open addressing from a word's hash to entry indices; several entries may
 * share a hash (and a key), so lookups walk every match. Slots hold
 * hash << 32 | index + 1; 0 is empty. Kept at most half full. */
typedef struct word_map {
    uint64_t *slot;
    size_t cap, count;
} word_map;

typedef struct lex_word {
    uint32_t off; /* into pool */
    uint32_t hash, letters;
    uint8_t len;
} lex_word;

typedef struct lex_synonym {
    uint32_t alt, alt_len;     /* words[alt .. alt + alt_len) */
    uint32_t canon, canon_len; /* what they become */
} lex_synonym;

/* A blocked word as runs of letters ("baad" -> b a d with counts 1 2 1): a
 * viewer's word is blocked when it has the same letters in the same order,
 * each run at least as long, so repeated letters do not hide it. */
typedef struct lex_blocked {
    uint32_t word;   /* the run letters, in words[] */
    uint32_t counts; /* the run lengths, in runs[] */
} lex_blocked;

struct mz_lexicon {
    uint32_t *pool;
    size_t pool_len, pool_cap;
    lex_word *words;
    size_t nwords, words_cap;
    lex_synonym *syns;
    size_t nsyns, syns_cap;
    lex_blocked *blocked;
    size_t nblocked, blocked_cap;
    uint8_t *runs;
    size_t runs_len, runs_cap;
    word_map stop;      /* folded, unstemmed stop word -> words[] */
    word_map syn_first; /* stem of an alternative's first word -> syns[] */
    word_map block;     /* run letters -> blocked[] */
    struct sb_stemmer *snowball; /* a language's own stemmer, or NULL: English's */
    bool elide;                  /* an apostrophe separates words ("l'escalier") */
};

/* Filler a viewer types around a command. Checked before stemming, so that
 * "use" (stem "us") is not mistaken for "us". Direction words (up, down,
 * in, out, on, off) are not here: in a maze they are the command. */
static const char *const stop_words[] = {
    "a",      "an",     "the",   "to",    "i",    "im",    "ive",    "id",     "me",     "my",
    "myself", "we",     "us",    "our",   "you",  "your",  "it",     "its",    "this",   "that",
    "these",  "those",  "there", "here",  "is",   "am",    "are",    "was",    "were",   "be",
    "been",   "being",  "do",    "does",  "did",  "will",  "would",  "should", "could",  "can",
    "shall",  "may",    "might", "must",  "want", "wants", "wanted", "wanna",  "gonna",  "let",
    "lets",   "please", "just",  "now",   "then", "so",    "and",    "or",     "but",    "of",
    "at",     "for",    "with",  "by",    "from", "some",  "any",    "very",   "really", "maybe",
    "try",    "go",     "goes",  "going", "went", "gone",  "ok",     "okay",   "oh",     "um",
    "uh",     "well",   "think", "guess",
};

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return p;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(p, n * elem);
    if (!q) {
        mz_fail("text: out of memory");
        return NULL;
    }
    *cap = n;
    return q;
}

static void map_insert(uint64_t *slot, size_t cap, uint64_t v)
{
    size_t i = (size_t)(v >> 32) & (cap - 1);
    while (slot[i])
        i = (i + 1) & (cap - 1);
    slot[i] = v;
}

static bool map_put(word_map *m, uint32_t hash, size_t index)
{
    if ((m->count + 1) * 2 > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        uint64_t *slot = calloc(cap, sizeof *slot);
        if (!slot) return mz_fail("text: out of memory");
        for (size_t i = 0; i < m->cap; i++)
            if (m->slot[i]) map_insert(slot, cap, m->slot[i]);
        free(m->slot);
        m->slot = slot;
        m->cap = cap;
    }
    map_insert(m->slot, m->cap, (uint64_t)hash << 32 | (uint64_t)(index + 1));
    m->count++;
    return true;
}

/* Walks the entries filed under hash: start with *pos = hash. */
static bool map_next(const word_map *m, uint32_t hash, size_t *pos, uint32_t *index)
{
    if (m->cap == 0) return false;
    for (;;) {
        uint64_t v = m->slot[*pos & (m->cap - 1)];
        if (!v) return false;
        ++*pos;
        if ((uint32_t)(v >> 32) == hash) {
            *index = (uint32_t)v - 1;
            return true;
        }
    }
}

static mz_tok word_tok(const mz_lexicon *lx, size_t index)
{
    const lex_word *w = &lx->words[index];
    return (mz_tok){lx->pool + w->off, w->hash, w->letters, w->len, false};
}

static bool add_word(mz_lexicon *lx, const uint32_t *cp, size_t len, size_t *index)
{
    uint32_t *pool = grow(lx->pool, &lx->pool_cap, lx->pool_len + len, sizeof *pool);
    if (!pool) return false;
    lx->pool = pool;
    lex_word *words = grow(lx->words, &lx->words_cap, lx->nwords + 1, sizeof *words);
    if (!words) return false;
    lx->words = words;
    memcpy(pool + lx->pool_len, cp, len * sizeof *cp);
    mz_tok t = mz_tok_make(cp, len, false);
    words[lx->nwords] = (lex_word){(uint32_t)lx->pool_len, t.hash, t.letters, t.len};
    lx->pool_len += len;
    *index = lx->nwords++;
    return true;
}

static bool is_stop(const mz_lexicon *lx, const uint32_t *cp, size_t len)
{
    mz_tok t = mz_tok_make(cp, len, false);
    size_t pos = t.hash;
    uint32_t i;
    while (map_next(&lx->stop, t.hash, &pos, &i)) {
        mz_tok s = word_tok(lx, i);
        if (mz_tok_eq(&s, &t)) return true;
    }
    return false;
}

/* Words of text, stop words flagged on their folded form, then stemmed.
 * Tokens point into pool (room for MZ_TEXT_MAX_TOKENS full-length words). */
static size_t read_words(const mz_lexicon *lx, const char *text, size_t len, uint32_t *pool,
                         mz_tok *tok)
{
    const unsigned char *s = (const unsigned char *)text;
    unsigned char *split = NULL, local[1024]; /* viewer lines fit: no allocation per turn */
    if (lx->elide && (split = len <= sizeof local ? local : malloc(len))) {
        /* "l'escalier" is two words: ' and U+2019 become spaces. */
        memcpy(split, text, len);
        for (size_t i = 0; i < len; i++) {
            if (split[i] == '\'')
                split[i] = ' ';
            else if (i + 2 < len && split[i] == 0xE2 && split[i + 1] == 0x80 && split[i + 2] == 0x99)
                memset(split + i, ' ', 3);
        }
        s = split;
    }
    size_t n = 0, used = 0, pos = 0;
    while (n < MZ_TEXT_MAX_TOKENS) {
        uint32_t *w = pool + used;
        size_t k = mz_text_next_word(s, len, &pos, w);
        if (k == 0) break;
        bool stop = is_stop(lx, w, k);
        k = lx->snowball ? mz_text_snowball_stem(lx->snowball, w, k) : mz_text_stem(w, k);
        tok[n++] = mz_tok_make(w, k, stop);
        used += k;
    }
    if (split != local) free(split);
    return n;
}

static bool phrase_at(const mz_lexicon *lx, uint32_t first, uint32_t count, const mz_tok *tok)
{
    for (uint32_t j = 0; j < count; j++) {
        mz_tok w = word_tok(lx, first + j);
        if (!mz_tok_eq(&w, &tok[j])) return false;
    }
    return true;
}

/* Replaces each synonym (the longest phrase starting at a word; the first
 * added among equals) with its canonical words. */
static size_t apply_synonyms(const mz_lexicon *lx, const mz_tok *in, size_t n, mz_tok *out)
{
    size_t w = 0;
    for (size_t i = 0; i < n && w < MZ_TEXT_MAX_TOKENS;) {
        const lex_synonym *best = NULL;
        size_t pos = in[i].hash;
        uint32_t idx;
        while (map_next(&lx->syn_first, in[i].hash, &pos, &idx)) {
            const lex_synonym *s = &lx->syns[idx];
            if (s->alt_len > n - i) continue;
            if (best && (s->alt_len < best->alt_len || (s->alt_len == best->alt_len && s > best)))
                continue;
            if (phrase_at(lx, s->alt, s->alt_len, in + i)) best = s;
        }
        if (!best) {
            out[w++] = in[i++];
            continue;
        }
        for (uint32_t j = 0; j < best->canon_len && w < MZ_TEXT_MAX_TOKENS; j++)
            out[w++] = word_tok(lx, best->canon + j);
        i += best->alt_len;
    }
    return w;
}

void mz_lexicon_analyse(const mz_lexicon *lx, const char *text, size_t len, mz_tokens *out)
{
    mz_tok raw[MZ_TEXT_MAX_TOKENS];
    size_t n = read_words(lx, text, len, out->pool, raw);
    out->count = apply_synonyms(lx, raw, n, out->tok);
}

void mz_lexicon_each_variant(const mz_lexicon *lx, const mz_tok *t,
                             void (*fn)(void *ctx, const mz_tok *variant), void *ctx)
{
    for (size_t i = 0; i < lx->nsyns; i++) {
        const lex_synonym *s = &lx->syns[i];
        if (s->canon_len != 1 || s->alt_len != 1) continue;
        mz_tok canon = word_tok(lx, s->canon);
        if (mz_tok_eq(&canon, t)) {
            mz_tok alt = word_tok(lx, s->alt);
            fn(ctx, &alt);
        }
    }
}

static mz_lexicon *create_with(const char *const *stop, size_t count)
{
    mz_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx) {
        mz_fail("text: out of memory");
        return NULL;
    }
    for (size_t i = 0; i < count; i++) {
        uint32_t w[MZ_TEXT_MAX_WORD];
        size_t pos = 0, index;
        size_t n = mz_text_next_word((const unsigned char *)stop[i], strlen(stop[i]), &pos, w);
        if (!add_word(lx, w, n, &index) || !map_put(&lx->stop, lx->words[index].hash, index)) {
            mz_lexicon_destroy(lx);
            return NULL;
        }
    }
    return lx;
}

mz_lexicon *mz_lexicon_create(void)
{
    return create_with(stop_words, sizeof stop_words / sizeof stop_words[0]);
}

mz_lexicon *mz_lexicon_create_lang(const char *lang)
{
    if (!lang || !strcmp(lang, "en")) return mz_lexicon_create();
    const char *const *stop;
    size_t count;
    bool elide;
    mz_text_lang_info(lang, &stop, &count, &elide);
    mz_lexicon *lx = create_with(stop, count);
    if (!lx) return NULL;
    lx->elide = elide;
    lx->snowball = mz_text_snowball_new(lang);
    return lx;
}

void mz_lexicon_destroy(mz_lexicon *lx)
{
    if (!lx) return;
    free(lx->pool);
    free(lx->words);
    free(lx->syns);
    free(lx->blocked);
    free(lx->runs);
    free(lx->stop.slot);
    free(lx->syn_first.slot);
    free(lx->block.slot);
    mz_text_snowball_free(lx->snowball);
    free(lx);
}

/* Stores the analysed words of text; *first gets the index of the first. */
static bool add_phrase(mz_lexicon *lx, const char *text, uint32_t *first, uint32_t *count)
{
    mz_tokens scratch;
    size_t n = read_words(lx, text, strlen(text), scratch.pool, scratch.tok);
    if (n == 0) return mz_fail("synonym \"%s\" has no words", text);
    for (size_t i = 0; i < n; i++) {
        size_t index;
        if (!add_word(lx, scratch.tok[i].cp, scratch.tok[i].len, &index)) return false;
        if (i == 0) *first = (uint32_t)index;
    }
    *count = (uint32_t)n;
    return true;
}

bool mz_lexicon_add_synonyms(mz_lexicon *lx, const char *canonical, const char *const *alternatives,
                             size_t count)
{
    if (!lx || !canonical || (count > 0 && !alternatives))
        return mz_fail("mz_lexicon_add_synonyms: missing argument");
    for (size_t i = 0; i < count; i++)
        if (!alternatives[i])
            return mz_fail("synonyms of \"%s\": alternative %zu is missing", canonical, i + 1);
    lex_synonym syn;
    if (!add_phrase(lx, canonical, &syn.canon, &syn.canon_len)) return false;
    for (size_t i = 0; i < count; i++) {
        if (!add_phrase(lx, alternatives[i], &syn.alt, &syn.alt_len))
            return mz_fail_context("synonyms of \"%s\"", canonical);
        lex_synonym *syns = grow(lx->syns, &lx->syns_cap, lx->nsyns + 1, sizeof *syns);
        if (!syns) return false;
        lx->syns = syns;
        if (!map_put(&lx->syn_first, lx->words[syn.alt].hash, lx->nsyns)) return false;
        syns[lx->nsyns++] = syn;
    }
    return true;
}

/* ---- blocked words ---- */

#define MZ_BLOCK_MAX 128 /* letters of one viewer word that moderation reads */
_Static_assert(MZ_BLOCK_MAX <= UINT8_MAX, "a blocked word's runs fit a token");

/* The letters of a viewer's word as moderation reads them (text_skeleton.c),
 * one after another; where punctuation split the word, the parts go to
 * parts, so each part can be checked too. */
static size_t blocked_letters(const char *s, size_t len, uint32_t *out, mz_skel_word *parts,
                              size_t *nparts)
{
    mz_skel_word local[MZ_BLOCK_MAX];
    if (!parts) parts = local;
    size_t nw = mz_text_skeleton((const unsigned char *)s, len, out, MZ_BLOCK_MAX, parts,
                                 MZ_BLOCK_MAX);
    if (nparts) *nparts = nw;
    return nw ? (size_t)parts[nw - 1].start + parts[nw - 1].len : 0;
}

static bool runs_blocked(const mz_lexicon *lx, const uint32_t *letters, const uint8_t *counts,
                         size_t r)
{
    mz_tok t = mz_tok_make(letters, r, false);
    size_t pos = t.hash;
    uint32_t i;
    while (map_next(&lx->block, t.hash, &pos, &i)) {
        const lex_blocked *b = &lx->blocked[i];
        mz_tok w = word_tok(lx, b->word);
        if (!mz_tok_eq(&w, &t)) continue;
        size_t j = 0;
        while (j < r && counts[j] >= lx->runs[b->counts + j])
            j++;
        if (j == r) return true;
    }
    return false;
}

/* Blocked as it is, or as a plural or possessive ("bads", "bad's"). */
static bool letters_blocked(const mz_lexicon *lx, const uint32_t *in, size_t n)
{
    uint32_t letters[MZ_BLOCK_MAX];
    uint8_t counts[MZ_BLOCK_MAX];
    size_t r = mz_text_squeeze(in, n, letters, counts);
    if (r == 0) return false;
    if (runs_blocked(lx, letters, counts, r)) return true;
    return r >= 2 && letters[r - 1] == 's' && runs_blocked(lx, letters, counts, r - 1);
}

/* A viewer's word is blocked if it reads as a blocked word whole ("b.a.d")
 * or in one of its punctuation-separated parts ("bad!", "so-bad"). */
static bool word_blocked(const mz_lexicon *lx, const char *s, size_t len)
{
    uint32_t letters[MZ_BLOCK_MAX];
    mz_skel_word parts[MZ_BLOCK_MAX];
    size_t nparts, n = blocked_letters(s, len, letters, parts, &nparts);
    if (letters_blocked(lx, letters, n)) return true;
    for (size_t i = 0; i < nparts && nparts > 1; i++)
        if (letters_blocked(lx, letters + parts[i].start, parts[i].len)) return true;
    return false;
}

bool mz_lexicon_add_blocked(mz_lexicon *lx, const char *word)
{
    if (!lx || !word) return mz_fail("mz_lexicon_add_blocked: missing argument");
    if (strpbrk(word, " \t\r\n\v\f")) return mz_fail("blocked word \"%s\": one word only", word);
    uint32_t in[MZ_BLOCK_MAX], letters[MZ_BLOCK_MAX];
    uint8_t counts[MZ_BLOCK_MAX];
    size_t r =
        mz_text_squeeze(in, blocked_letters(word, strlen(word), in, NULL, NULL), letters, counts);
    if (r == 0) return mz_fail("blocked word \"%s\" has no letters", word);
    size_t index;
    uint8_t *runs = grow(lx->runs, &lx->runs_cap, lx->runs_len + r, sizeof *runs);
    if (!runs) return false;
    lx->runs = runs;
    lex_blocked *blocked = grow(lx->blocked, &lx->blocked_cap, lx->nblocked + 1, sizeof *blocked);
    if (!blocked) return false;
    lx->blocked = blocked;
    if (!add_word(lx, letters, r, &index) ||
        !map_put(&lx->block, lx->words[index].hash, lx->nblocked))
        return false;
    memcpy(runs + lx->runs_len, counts, r);
    blocked[lx->nblocked++] = (lex_blocked){(uint32_t)index, (uint32_t)lx->runs_len};
    lx->runs_len += r;
    return true;
}

size_t mz_lexicon_moderate(const mz_lexicon *lx, const char *text, char *out, size_t cap)
{
    if (!out || cap == 0) return 0;
    size_t n = mz_text_sanitize(text, text ? strlen(text) : 0, out, cap, cap - 1);
    if (!lx || lx->nblocked == 0) return 0;
    /* Sanitised text has single spaces between words: drop the blocked
     * words in place, keeping the others single-spaced. */
    size_t removed = 0, w = 0;
    for (size_t r = 0; r < n;) {
        const char *space = memchr(out + r, ' ', n - r);
        size_t end = space ? (size_t)(space - out) : n;
        if (word_blocked(lx, out + r, end - r)) {
            removed++;
        } else {
            if (w > 0) out[w++] = ' ';
            memmove(out + w, out + r, end - r);
            w += end - r;
        }
        r = end + 1;
    }
    out[w] = '\0';
    return removed;
}
