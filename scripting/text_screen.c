/* text_screen.c — mz_screen: blocked words and phrases in a viewer's line,
 * read through the one moderation normaliser (text_skeleton.c). Entries
 * are stored as runs of letters (text_internal.h: mz_text_squeeze), sorted
 * by a hash of their letters, so a word, and every piece of a word, is
 * looked up in O(log n). */
#include "mz_screen.h"
#include "text_internal.h"

#include "mz_error.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SCREEN_MAX_BYTES 4096
#define SCREEN_MAX_LETTERS 64                       /* of one entry */
#define SCREEN_MAX_WORDS (SCREEN_MAX_BYTES / 2 + 1) /* of one line: all of them */
#define SCREEN_MAX_LANGS 64
#define SCREEN_GLUED_PHRASE                                                                        \
    6 /* letters of a phrase that counts glued inside a word ("s&m" does not) */
#define SCREEN_PHRASE_WORDS 6 /* words of the longest phrase matched */
#define SCREEN_SHORT 3 /* letters of a blocked word that counts inside another only at an edge */

enum { KIND_WORD, KIND_PHRASE, KIND_SPACELESS };

typedef struct scr_entry {
    uint32_t hash; /* FNV-1a of the run letters */
    uint32_t off;  /* into letters[] and counts[] */
    uint8_t runs;
    uint8_t kind;
    uint8_t raw;  /* letters before squeezing */
    uint8_t lang; /* into langs[] */
} scr_entry;

typedef struct scr_set {
    scr_entry *e;
    size_t n, cap;
} scr_set;

struct mz_screen {
    scr_set blocked, allowed;
    uint32_t *letters;
    uint8_t *counts;
    size_t pool_len, pool_cap;
    char langs[SCREEN_MAX_LANGS][16];
    size_t nlangs;
    uint64_t salt;
};

static uint32_t fnv_step(uint32_t h, uint32_t c)
{
    return (h ^ c) * 16777619u;
}
#define FNV_INIT 2166136261u

static uint32_t runs_hash(const uint32_t *letters, size_t n)
{
    uint32_t h = FNV_INIT;
    for (size_t i = 0; i < n; i++)
        h = fnv_step(h, letters[i]);
    return h;
}

/* ---- building ---- */

static bool spaceless_script(uint32_t c)
{
    return (c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1100 && c <= 0x11FF) ||
           (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x9FFF) ||
           (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF);
}

static bool has_spaceless(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t len = strlen(text);
    for (size_t pos = 0; pos < len;) {
        size_t used;
        if (spaceless_script(mz_utf8_decode(p + pos, len - pos, &used))) return true;
        pos += used;
    }
    return false;
}

static size_t lang_index(mz_screen *s, const char *lang)
{
    if (!lang) lang = "";
    for (size_t i = 0; i < s->nlangs; i++)
        if (!strcmp(s->langs[i], lang)) return i;
    if (s->nlangs == SCREEN_MAX_LANGS) return 0;
    snprintf(s->langs[s->nlangs], sizeof s->langs[0], "%s", lang);
    return s->nlangs++;
}

static int cmp_entry(const void *a, const void *b)
{
    const scr_entry *x = a, *y = b;
    return x->hash != y->hash ? (x->hash < y->hash ? -1 : 1)
                              : (x->off > y->off) - (x->off < y->off);
}

/* Adds e; the set is in hash order again once sorted is true (a list file
 * sorts once at its end, not at every line). */
static bool set_insert(scr_set *set, scr_entry e, bool sorted)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 256;
        scr_entry *p = realloc(set->e, cap * sizeof *p);
        if (!p) return mz_fail("moderation: out of memory");
        set->e = p;
        set->cap = cap;
    }
    set->e[set->n++] = e;
    if (sorted) qsort(set->e, set->n, sizeof *set->e, cmp_entry);
    return true;
}

static bool add(mz_screen *s, scr_set *set, const char *text, const char *lang, bool sorted)
{
    if (!s || !text) return mz_fail("moderation: missing argument");
    uint32_t raw[SCREEN_MAX_LETTERS + 1], letters[SCREEN_MAX_LETTERS + 1];
    uint8_t counts[SCREEN_MAX_LETTERS + 1];
    mz_skel_word words[SCREEN_MAX_LETTERS + 1];
    size_t len = strlen(text);
    size_t nw = mz_text_skeleton((const unsigned char *)text, len, raw, SCREEN_MAX_LETTERS + 1,
                                 words, SCREEN_MAX_LETTERS + 1);
    size_t n = nw ? (size_t)words[nw - 1].start + words[nw - 1].len : 0;
    if (n == 0) return mz_fail("moderation entry \"%s\" has no letters", text);
    if (n > SCREEN_MAX_LETTERS)
        return mz_fail("moderation entry \"%s\" is longer than %d letters", text,
                       SCREEN_MAX_LETTERS);
    size_t r = mz_text_squeeze(raw, n, letters, counts);
    if (s->pool_len + r > s->pool_cap) {
        size_t cap = s->pool_cap ? s->pool_cap * 2 : 4096;
        uint32_t *l = realloc(s->letters, cap * sizeof *l);
        if (l) s->letters = l;
        uint8_t *c = l ? realloc(s->counts, cap) : NULL;
        if (!c) return mz_fail("moderation: out of memory");
        s->counts = c;
        s->pool_cap = cap;
    }
    memcpy(s->letters + s->pool_len, letters, r * sizeof *letters);
    memcpy(s->counts + s->pool_len, counts, r);
    scr_entry e = {runs_hash(letters, r),
                   (uint32_t)s->pool_len,
                   (uint8_t)r,
                   has_spaceless(text) ? KIND_SPACELESS
                   : nw > 1            ? KIND_PHRASE
                                       : KIND_WORD,
                   (uint8_t)n,
                   (uint8_t)lang_index(s, lang)};
    s->pool_len += r;
    return set_insert(set, e, sorted);
}

bool mz_screen_block(mz_screen *s, const char *entry, const char *lang)
{
    return s ? add(s, &s->blocked, entry, lang, true) : mz_fail("moderation: missing argument");
}

bool mz_screen_allow(mz_screen *s, const char *word, const char *lang)
{
    return s ? add(s, &s->allowed, word, lang, true) : mz_fail("moderation: missing argument");
}

bool mz_screen_load(mz_screen *s, const char *path, const char *lang, bool allow)
{
    if (!s || !path) return mz_fail("moderation: missing argument");
    FILE *f = fopen(path, "r");
    if (!f) return mz_fail("moderation list %s cannot be read", path);
    char line[512];
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        char *hash = strchr(line, '#');
        if (hash) *hash = '\0';
        size_t n = strlen(line);
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
            line[--n] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p) continue;
        /* An entry that reads as no letters (a lone sign) cannot match
         * anything: skipped rather than failing the whole list. */
        if (!add(s, allow ? &s->allowed : &s->blocked, p, lang, false) &&
            strstr(mz_error(), "out of memory"))
            ok = false;
    }
    fclose(f);
    scr_set *set = allow ? &s->allowed : &s->blocked;
    qsort(set->e, set->n, sizeof *set->e, cmp_entry);
    return ok;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The languages with a list in dir, sorted, as "en,fr". */
static bool dir_languages(const char *dir, char *out, size_t cap)
{
    DIR *d = opendir(dir);
    if (!d) return mz_fail("moderation folder %s cannot be read", dir);
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256) {
        size_t len = strlen(e->d_name);
        if (len > 4 && len < 20 && !strcmp(e->d_name + len - 4, ".txt")) {
            names[n] = strdup(e->d_name);
            if (names[n]) names[n++][len - 4] = '\0';
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_name);
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(out + used, cap - used, "%s%s", i ? "," : "", names[i]);
        if (k > 0 && (size_t)k < cap - used) used += (size_t)k;
        free(names[i]);
    }
    return true;
}

static bool load_dir(mz_screen *s, const char *dir, const char *languages)
{
    char all[4096], path[4096];
    if (!languages || !*languages) {
        if (!dir_languages(dir, all, sizeof all)) return false;
        languages = all;
    }
    for (const char *p = languages; *p;) {
        size_t n = strcspn(p, ", ");
        if (n > 0 && n < 16) {
            char lang[16];
            memcpy(lang, p, n);
            lang[n] = '\0';
            snprintf(path, sizeof path, "%s/%s.txt", dir, lang);
            if (!mz_screen_load(s, path, lang, false)) return false;
            snprintf(path, sizeof path, "%s/allow/%s.txt", dir, lang);
            FILE *f = fopen(path, "r"); /* an allow list is optional */
            if (f) {
                fclose(f);
                if (!mz_screen_load(s, path, lang, true)) return false;
            }
        }
        p += n;
        p += strspn(p, ", ");
    }
    return true;
}

static uint64_t random_salt(void)
{
    uint64_t salt = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        if (fread(&salt, sizeof salt, 1, f) != 1) salt = 0;
        fclose(f);
    }
    return salt ? salt : (uint64_t)time(NULL) * 0x9E3779B97F4A7C15u + (uint64_t)clock();
}

mz_screen *mz_screen_create(const mz_screen_desc *desc)
{
    mz_screen_desc d = desc ? *desc : (mz_screen_desc){0};
    mz_screen *s = calloc(1, sizeof *s);
    if (!s) {
        mz_fail("moderation: out of memory");
        return NULL;
    }
    s->salt = d.salt ? d.salt : random_salt();
    lang_index(s, "");
    if ((d.dir && !load_dir(s, d.dir, d.languages)) ||
        (d.extra && !mz_screen_load(s, d.extra, "installation", false)) ||
        (d.extra_allow && !mz_screen_load(s, d.extra_allow, "installation", true))) {
        mz_screen_destroy(s);
        return NULL;
    }
    return s;
}

void mz_screen_destroy(mz_screen *s)
{
    if (!s) return;
    free(s->blocked.e);
    free(s->allowed.e);
    free(s->letters);
    free(s->counts);
    free(s);
}

size_t mz_screen_count(const mz_screen *s, bool allow)
{
    return !s ? 0 : allow ? s->allowed.n : s->blocked.n;
}

/* ---- checking ---- */

/* A token being checked: runs of its letters. */
typedef struct scr_tok {
    uint32_t letters[SCREEN_MAX_BYTES];
    uint8_t counts[SCREEN_MAX_BYTES];
    size_t r;
} scr_tok;

static size_t first_with_hash(const scr_set *set, uint32_t h)
{
    size_t lo = 0, hi = set->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (set->e[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The blocked entry spelled by runs [i, i + n) of t, each run at least as
 * long as the entry's (so repeated letters never hide a word), or NULL. */
static const scr_entry *find(const mz_screen *s, const scr_set *set, uint32_t h, const scr_tok *t,
                             size_t i, size_t n, bool counts)
{
    for (size_t k = first_with_hash(set, h); k < set->n && set->e[k].hash == h; k++) {
        const scr_entry *e = &set->e[k];
        if (e->runs != n || memcmp(s->letters + e->off, t->letters + i, n * sizeof *t->letters))
            continue;
        size_t j = 0;
        while (counts && j < n && t->counts[i + j] >= s->counts[e->off + j])
            j++;
        if (!counts || j == n) return e;
    }
    return NULL;
}

static bool verdict(const mz_screen *s, const scr_entry *e, mz_screen_reason reason,
                    mz_screen_result *res)
{
    res->reason = e->kind == KIND_PHRASE && reason == MZ_SCREEN_WORD ? MZ_SCREEN_PHRASE : reason;
    snprintf(res->lang, sizeof res->lang, "%s", s->langs[e->lang]);
    return false;
}

/* Whether what follows runs [0, end) of t is only a plural ending. */
static bool plural_after(const scr_tok *t, size_t end)
{
    size_t left = t->r - end;
    return (left == 1 && t->letters[end] == 's') ||
           (left == 2 && t->letters[end] == 'e' && t->letters[end + 1] == 's');
}

/* One word (or spelled-out run) of the line. `aligned` marks the runs where
 * a typed word started, when the token joins several: then a short blocked
 * word counts only from such a start. False with res filled when blocked. */
static bool check_runs(const mz_screen *s, const scr_tok *t, const bool *aligned,
                       mz_screen_reason whole_reason, mz_screen_result *res)
{
    if (t->r == 0) return true;
    const scr_entry *allow =
        aligned ? NULL : find(s, &s->allowed, runs_hash(t->letters, t->r), t, 0, t->r, false);
    const scr_entry *e = find(s, &s->blocked, runs_hash(t->letters, t->r), t, 0, t->r, true);
    if (!e && t->r >= 2 && plural_after(t, t->r - 1))
        e = find(s, &s->blocked, runs_hash(t->letters, t->r - 1), t, 0, t->r - 1, true);
    /* A word of one language may be innocent in another ("bite", "con"):
     * its allow list outranks the other languages' blocked lists. */
    if (e && !(allow && allow->lang != e->lang)) return verdict(s, e, whole_reason, res);
    if (allow) return true;
    for (size_t i = 0; i < t->r; i++) {
        uint32_t h = FNV_INIT;
        for (size_t j = i; j < t->r; j++) {
            h = fnv_step(h, t->letters[j]);
            size_t n = j - i + 1;
            if (n == t->r) break;
            e = find(s, &s->blocked, h, t, i, n, true);
            if (!e) continue;
            bool edge = aligned ? aligned[i] : i == 0 || j == t->r - 1 || plural_after(t, j + 1);
            if (e->kind == KIND_PHRASE && !aligned && e->raw < SCREEN_GLUED_PHRASE) continue;
            if (e->kind != KIND_SPACELESS && e->raw <= 2)
                continue; /* "13." is no part of "table" */
            if (e->kind == KIND_SPACELESS || e->raw > SCREEN_SHORT || edge)
                return verdict(s, e, aligned ? MZ_SCREEN_SPELLED : MZ_SCREEN_GLUED, res);
        }
    }
    return true;
}

/* Letters [0, n) as runs. */
static void make_tok(const uint32_t *letters, size_t n, scr_tok *t)
{
    t->r = mz_text_squeeze(letters, n, t->letters, t->counts);
}

/* Letters [0, n) read as a word (whole entries, glued, allowed) or, when
 * phrase_only, as words joined that may spell a phrase. Censored letters
 * ("f*ck", "abort*") are read as each vowel and as nothing; a token with
 * more than two is read as it is. */
static bool check_letters(const mz_screen *s, const uint32_t *letters, size_t n, scr_tok *t,
                          bool phrase_only, mz_screen_result *res)
{
    size_t stars[2], nstars = 0;
    for (size_t i = 0; i < n; i++)
        if (letters[i] == MZ_SKEL_ANY && nstars++ < 2) stars[nstars - 1] = i;
    if (nstars > 2) nstars = 0;
    static const uint32_t fill[] = {'a', 'e', 'i', 'o', 'u', 0};
    uint32_t buf[SCREEN_MAX_BYTES];
    size_t variants = nstars == 0 ? 1 : nstars == 1 ? 6 : 36;
    for (size_t v = 0; v < variants; v++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t c = letters[i];
            if (nstars > 0 && i == stars[0]) c = fill[v % 6];
            if (nstars > 1 && i == stars[1]) c = fill[v / 6];
            if (c) buf[m++] = c;
        }
        make_tok(buf, m, t);
        if (!phrase_only) {
            if (!check_runs(s, t, NULL, MZ_SCREEN_WORD, res)) return false;
            continue;
        }
        const scr_entry *e = find(s, &s->blocked, runs_hash(t->letters, t->r), t, 0, t->r, true);
        if (e && e->kind == KIND_PHRASE) return verdict(s, e, MZ_SCREEN_PHRASE, res);
    }
    return true;
}

/* Words of one or two letters in a row ("k i l l", "fu ck", "a s s") are
 * also read joined, from each word's start. */
static bool check_spelled(const mz_screen *s, const uint32_t *letters, const mz_skel_word *w,
                          size_t first, size_t last, scr_tok *t, mz_screen_result *res)
{
    if (last - first < 2) return true;
    bool aligned[SCREEN_MAX_BYTES];
    size_t start = w[first].start, n = (size_t)w[last - 1].start + w[last - 1].len - start;
    make_tok(letters + start, n, t);
    /* Which runs begin a typed word (a run across two words, "s s",
     * begins where the first does). */
    size_t r = 0;
    for (size_t k = first; k < last; k++)
        for (size_t i = 0; i < w[k].len; i++) {
            size_t at = (size_t)w[k].start + i;
            if (at == start || letters[at] != letters[at - 1]) aligned[r++] = i == 0;
        }
    return check_runs(s, t, aligned, MZ_SCREEN_SPELLED, res);
}

bool mz_screen_check(const mz_screen *s, const char *text, mz_screen_result *res)
{
    mz_screen_result local;
    if (!res) res = &local;
    *res = (mz_screen_result){0};
    if (!s || !text) return true;
    size_t len = strlen(text);
    if (len > SCREEN_MAX_BYTES) {
        res->reason = MZ_SCREEN_TOO_LONG;
        return false;
    }
    static _Thread_local uint32_t letters[SCREEN_MAX_BYTES];
    static _Thread_local mz_skel_word words[SCREEN_MAX_WORDS];
    static _Thread_local scr_tok tok;
    size_t nw = mz_text_skeleton((const unsigned char *)text, len, letters, SCREEN_MAX_BYTES, words,
                                 SCREEN_MAX_WORDS);
    size_t run_start = 0;
    for (size_t i = 0; i < nw; i++) {
        if (!check_letters(s, letters + words[i].start, words[i].len, &tok, false, res))
            return false;
        /* A phrase: this word and the next ones, joined. */
        for (size_t k = i + 1; k < nw && k < i + SCREEN_PHRASE_WORDS; k++) {
            size_t n = (size_t)words[k].start + words[k].len - words[i].start;
            if (!check_letters(s, letters + words[i].start, n, &tok, true, res)) return false;
        }
        if (words[i].len > 2) {
            if (!check_spelled(s, letters, words, run_start, i, &tok, res)) return false;
            run_start = i + 1;
        }
    }
    return check_spelled(s, letters, words, run_start, nw, &tok, res);
}

const char *mz_screen_reason_name(mz_screen_reason reason)
{
    switch (reason) {
    case MZ_SCREEN_OK:
        return "accepted";
    case MZ_SCREEN_WORD:
        return "blocked word";
    case MZ_SCREEN_GLUED:
        return "blocked word inside another";
    case MZ_SCREEN_SPELLED:
        return "blocked word spelled out";
    case MZ_SCREEN_PHRASE:
        return "blocked phrase";
    case MZ_SCREEN_TOO_LONG:
        return "too long";
    }
    return "unknown";
}

uint64_t mz_screen_hash(const mz_screen *s, const char *text)
{
    uint64_t h = 14695981039346656037u;
    for (int i = 0; i < 8; i++) { /* the salt's bytes first, then the text's */
        h ^= (s ? s->salt : 0) >> (8 * i) & 0xFF;
        h *= 1099511628211u;
    }
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        h ^= *p;
        h *= 1099511628211u;
    }
    return h;
}
