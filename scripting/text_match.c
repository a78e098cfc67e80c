/* text_match.c — patterns, utterances and their score.
 *
 * A pattern's words are its content words (or all of them, when it has only
 * stop words: "go"). Each is looked for among the utterance's words, once:
 * the same stem scores 1, a typo within the edit distance its length allows
 * a little less. recall = what was found / the pattern's words; precision =
 * what was found / the utterance's content words. The score is recall up
 * to 0.5 (so "half the words" is exactly the threshold, whatever else was
 * said); above it, precision trims the rest a little, so that for "climb
 * lighthouse" the pattern "climb lighthouse" beats the pattern "climb". */
#include "text_internal.h"

#include "mz_error.h"

#include <limits.h>
#include <stdlib.h>

#define TYPO_COST 0.175f      /* credit lost per edit */
#define PRECISION_WEIGHT 0.2f /* how much unexplained words cost above half */
#define MAX_VARIANTS 256      /* synonyms tried for typos, per pattern */

struct mz_utterance {
    size_t count;   /* words */
    size_t content; /* of which not stop words */
    mz_tok tok[];   /* then the code points they point at */
};

struct mz_pattern {
    size_t count;              /* words to find */
    bool stop_only;            /* they are stop words, so stop words may match */
    const uint32_t *var_begin; /* word i's variants: tok[count + var_begin[i] .. [i + 1]) */
    mz_tok tok[];              /* words, then variants, then code points, then var_begin */
};

/* Copies n tokens and their code points (to pool); returns the pool's end. */
static uint32_t *copy_tokens(mz_tok *dst, const mz_tok *src, size_t n, uint32_t *pool)
{
    for (size_t i = 0; i < n; i++) {
        memcpy(pool, src[i].cp, src[i].len * sizeof *pool);
        dst[i] = src[i];
        dst[i].cp = pool;
        pool += src[i].len;
    }
    return pool;
}

static size_t code_points(const mz_tok *t, size_t n)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += t[i].len;
    return total;
}

mz_utterance *mz_utterance_make(const mz_lexicon *lx, const char *text)
{
    if (!lx) {
        mz_fail("mz_utterance_make: no lexicon");
        return NULL;
    }
    mz_tokens t;
    mz_lexicon_analyse(lx, text ? text : "", text ? strlen(text) : 0, &t);
    mz_utterance *u = malloc(sizeof *u + t.count * sizeof(mz_tok) +
                             code_points(t.tok, t.count) * sizeof(uint32_t));
    if (!u) {
        mz_fail("text: out of memory");
        return NULL;
    }
    u->count = t.count;
    u->content = 0;
    for (size_t i = 0; i < t.count; i++)
        u->content += !t.tok[i].stop;
    copy_tokens(u->tok, t.tok, t.count, (uint32_t *)(u->tok + t.count));
    return u;
}

void mz_utterance_destroy(mz_utterance *u)
{
    free(u);
}

typedef struct variants {
    mz_tok tok[MAX_VARIANTS];
    size_t n;
} variants;

static void add_variant(void *ctx, const mz_tok *v)
{
    variants *vs = ctx;
    if (vs->n < MAX_VARIANTS) vs->tok[vs->n++] = *v;
}

mz_pattern *mz_pattern_compile(const mz_lexicon *lx, const char *pattern)
{
    if (!lx || !pattern) {
        mz_fail("mz_pattern_compile: missing argument");
        return NULL;
    }
    mz_tokens t;
    mz_lexicon_analyse(lx, pattern, strlen(pattern), &t);
    mz_tok words[MZ_TEXT_MAX_TOKENS];
    size_t n = 0;
    for (size_t i = 0; i < t.count; i++)
        if (!t.tok[i].stop) words[n++] = t.tok[i];
    bool stop_only = n == 0;
    if (stop_only) {
        memcpy(words, t.tok, t.count * sizeof *words);
        n = t.count;
    }
    if (n == 0) {
        mz_fail("pattern \"%s\" has no words", pattern);
        return NULL;
    }
    variants vs = {.n = 0};
    uint32_t begin[MZ_TEXT_MAX_TOKENS + 1];
    for (size_t i = 0; i < n; i++) {
        begin[i] = (uint32_t)vs.n;
        mz_lexicon_each_variant(lx, &words[i], add_variant, &vs);
    }
    begin[n] = (uint32_t)vs.n;

    size_t ncp = code_points(words, n) + code_points(vs.tok, vs.n);
    mz_pattern *p = malloc(sizeof *p + (n + vs.n) * sizeof(mz_tok) + ncp * sizeof(uint32_t) +
                           (n + 1) * sizeof(uint32_t));
    if (!p) {
        mz_fail("text: out of memory");
        return NULL;
    }
    p->count = n;
    p->stop_only = stop_only;
    uint32_t *pool = (uint32_t *)(p->tok + n + vs.n);
    pool = copy_tokens(p->tok, words, n, pool);
    pool = copy_tokens(p->tok + n, vs.tok, vs.n, pool);
    memcpy(pool, begin, (n + 1) * sizeof *begin);
    p->var_begin = pool;
    return p;
}

void mz_pattern_destroy(mz_pattern *p)
{
    free(p);
}

/* Optimal string alignment distance (Damerau-Levenshtein where a swapped
 * pair is one edit), or k + 1 as soon as it must exceed k. */
static int edit_distance(const uint32_t *a, int la, const uint32_t *b, int lb, int k)
{
    if (la - lb > k || lb - la > k) return k + 1;
    int rows[3][MZ_TEXT_MAX_WORD + 1];
    int *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (int j = 0; j <= lb; j++)
        prev[j] = j;
    for (int i = 1; i <= la; i++) {
        cur[0] = i;
        int low = i;
        for (int j = 1; j <= lb; j++) {
            int v = prev[j - 1] + (a[i - 1] != b[j - 1]);
            if (prev[j] + 1 < v) v = prev[j] + 1;
            if (cur[j - 1] + 1 < v) v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                before[j - 2] + 1 < v)
                v = before[j - 2] + 1;
            cur[j] = v;
            if (v < low) low = v;
        }
        if (low > k) return k + 1;
        int *spare = before;
        before = prev;
        prev = cur;
        cur = spare;
    }
    return prev[lb] <= k ? prev[lb] : k + 1;
}

/* Credit for a word that is not the pattern's word: a typo of it, with at
 * most 1 edit in 4-6 letters, 2 in longer words, none in shorter ones (so
 * "up" never becomes "cup"). A short word whose first letter differs is
 * taken as another word, not a typo: "give" is not "dive", "have" not "cave"
 * (people rarely mistype the first letter). */
static float typo_credit(const mz_tok *p, const mz_tok *u)
{
    int shorter = p->len < u->len ? p->len : u->len;
    int k = shorter < 4 ? 0 : shorter < 7 ? 1 : 2;
    if (k == 1 && p->cp[0] != u->cp[0]) return 0;
    /* Each letter of one word missing from the other needs its own edit. */
    if (k == 0 || __builtin_popcount(p->letters & ~u->letters) > k ||
        __builtin_popcount(u->letters & ~p->letters) > k)
        return 0;
    int d = edit_distance(p->cp, p->len, u->cp, u->len, k);
    return d <= k ? 1.0f - TYPO_COST * (float)d : 0;
}

bool mz_pattern_stop_only(const mz_pattern *p)
{
    return p && p->stop_only;
}

float mz_pattern_score(const mz_pattern *p, const mz_utterance *u)
{
    if (!p || !u || u->count == 0) return 0;
    bool used[MZ_TEXT_MAX_TOKENS] = {false};
    float found = 0, counted = 0;
    for (size_t i = 0; i < p->count; i++) {
        const mz_tok *want = &p->tok[i];
        size_t best = SIZE_MAX;
        float credit = 0;
        for (size_t j = 0; j < u->count; j++) {
            if (!used[j] && (p->stop_only || !u->tok[j].stop) && mz_tok_eq(want, &u->tok[j])) {
                best = j;
                credit = 1;
                break;
            }
        }
        for (size_t j = 0; best == SIZE_MAX && !p->stop_only && j < u->count; j++) {
            if (used[j] || u->tok[j].stop) continue;
            float c = typo_credit(want, &u->tok[j]);
            for (uint32_t v = p->var_begin[i]; v < p->var_begin[i + 1]; v++) {
                float cv = typo_credit(&p->tok[p->count + v], &u->tok[j]);
                if (cv > c) c = cv;
            }
            if (c > credit) {
                credit = c;
                best = j;
            }
        }
        if (best == SIZE_MAX) continue;
        used[best] = true;
        found += credit;
        if (u->content == 0 || !u->tok[best].stop) counted += credit;
    }
    float recall = found / (float)p->count;
    if (recall <= 0.5f) return recall;
    float precision = counted / (float)(u->content ? u->content : u->count);
    if (precision > 1) precision = 1;
    return 0.5f + (recall - 0.5f) * (1 - PRECISION_WEIGHT * (1 - precision));
}

int mz_match_best(const mz_pattern *const *patterns, size_t count, const mz_utterance *u,
                  float threshold, float *score)
{
    if (threshold <= 0) threshold = MZ_MATCH_THRESHOLD;
    if (!patterns || count > INT_MAX) count = 0;
    int best = -1;
    float best_score = 0;
    for (size_t i = 0; i < count; i++) {
        float s = mz_pattern_score(patterns[i], u);
        if (s > best_score) { /* strictly: the earliest keeps a tie */
            best_score = s;
            best = (int)i;
        }
    }
    if (score) *score = best_score;
    return best_score >= threshold ? best : -1;
}
