/* text_skeleton.c — the one normaliser of moderation: text as the letters a
 * reader sees in it. Folded as matching folds (case, accents, fullwidth),
 * then homoglyphs read as the Latin letters they imitate (Cyrillic а, Greek
 * ο, mathematical 𝐚, circled ⓐ, small capitals ᴀ), digits and signs read as
 * leetspeak (0 o, 1 i, 3 e, 4 a, 5 s, 7 t, 8 b, 9 g, @ a, $ s), l and i as
 * one letter (1 and | stand for either), and invisible characters dropped
 * without splitting a word. Signs that are ordinary punctuation at a word's
 * edge (! | + ( *) are letters only between two letters: "b!tch", "sh*t";
 * a star also at a word's end, "abort*". */
#include "text_internal.h"

#include <stdlib.h>

/* Lookalikes of Latin letters in other blocks, sorted by code point: the
 * compact subset of Unicode's confusables that phones type (Cyrillic,
 * Greek, IPA and small capitals). */
static const struct {
    uint16_t cp;
    char latin;
} lookalikes[] = {
    {0x0251, 'a'}, {0x0261, 'g'}, {0x0262, 'g'}, {0x026A, 'i'}, {0x0274, 'n'}, {0x0280, 'r'},
    {0x028F, 'y'}, {0x0299, 'b'}, {0x029C, 'h'}, {0x029F, 'l'}, {0x0391, 'a'}, {0x0392, 'b'},
    {0x0395, 'e'}, {0x0396, 'z'}, {0x0397, 'h'}, {0x0399, 'i'}, {0x039A, 'k'}, {0x039C, 'm'},
    {0x039D, 'n'}, {0x039F, 'o'}, {0x03A1, 'p'}, {0x03A4, 't'}, {0x03A5, 'y'}, {0x03A7, 'x'},
    {0x03B1, 'a'}, {0x03B3, 'y'}, {0x03B5, 'e'}, {0x03B7, 'n'}, {0x03B9, 'i'}, {0x03BA, 'k'},
    {0x03BD, 'v'}, {0x03BF, 'o'}, {0x03C1, 'p'}, {0x03C4, 't'}, {0x03C5, 'u'}, {0x03C7, 'x'},
    {0x03C9, 'w'}, {0x03F2, 'c'}, {0x03F3, 'j'}, {0x0405, 's'}, {0x0406, 'i'}, {0x0408, 'j'},
    {0x0410, 'a'}, {0x0412, 'b'}, {0x0415, 'e'}, {0x041A, 'k'}, {0x041C, 'm'}, {0x041D, 'h'},
    {0x041E, 'o'}, {0x0420, 'p'}, {0x0421, 'c'}, {0x0422, 't'}, {0x0423, 'y'}, {0x0425, 'x'},
    {0x042C, 'b'}, {0x0430, 'a'}, {0x0432, 'b'}, {0x0435, 'e'}, {0x043A, 'k'}, {0x043C, 'm'},
    {0x043D, 'h'}, {0x043E, 'o'}, {0x0440, 'p'}, {0x0441, 'c'}, {0x0442, 't'}, {0x0443, 'y'},
    {0x0445, 'x'}, {0x044C, 'b'}, {0x0455, 's'}, {0x0456, 'i'}, {0x0458, 'j'}, {0x04AE, 'y'},
    {0x04AF, 'y'}, {0x04BA, 'h'}, {0x04BB, 'h'}, {0x04C0, 'l'}, {0x04CF, 'l'}, {0x0500, 'd'},
    {0x0501, 'd'}, {0x051A, 'q'}, {0x051B, 'q'}, {0x051C, 'w'}, {0x051D, 'w'}, {0x1D00, 'a'},
    {0x1D04, 'c'}, {0x1D05, 'd'}, {0x1D07, 'e'}, {0x1D0A, 'j'}, {0x1D0B, 'k'}, {0x1D0D, 'm'},
    {0x1D0F, 'o'}, {0x1D18, 'p'}, {0x1D1B, 't'}, {0x1D1C, 'u'}, {0x1D20, 'v'}, {0x1D21, 'w'},
    {0x1D22, 'z'}, {0xA731, 's'},
};

static int cmp_lookalike(const void *key, const void *elem)
{
    uint32_t c = *(const uint32_t *)key, e = *(const uint16_t *)elem;
    return c < e ? -1 : c > e;
}

/* The Latin letter or digit c imitates, or 0. */
static uint32_t latin_lookalike(uint32_t c)
{
    if (c >= 0x1D400 && c <= 0x1D6A3) { /* mathematical alphanumerics: 52 per style */
        uint32_t k = (c - 0x1D400) % 52;
        return k < 26 ? 'a' + k : 'a' + k - 26;
    }
    if (c >= 0x1D7CE && c <= 0x1D7FF) return '0' + (c - 0x1D7CE) % 10;
    if (c >= 0x24B6 && c <= 0x24CF) return 'a' + (c - 0x24B6);    /* circled capitals */
    if (c >= 0x24D0 && c <= 0x24E9) return 'a' + (c - 0x24D0);    /* circled small */
    if (c >= 0x249C && c <= 0x24B5) return 'a' + (c - 0x249C);    /* parenthesised */
    if (c >= 0x1F130 && c <= 0x1F149) return 'a' + (c - 0x1F130); /* squared */
    if (c >= 0x1F150 && c <= 0x1F169) return 'a' + (c - 0x1F150); /* negative circled */
    if (c >= 0x1F170 && c <= 0x1F189) return 'a' + (c - 0x1F170); /* negative squared */
    if (c >= 0x1F1E6 && c <= 0x1F1FF) return 'a' + (c - 0x1F1E6); /* regional indicators */
    if (c > 0xFFFF) return 0;
    const void *hit = bsearch(&c, lookalikes, sizeof lookalikes / sizeof lookalikes[0],
                              sizeof lookalikes[0], cmp_lookalike);
    return hit ? (uint32_t)(unsigned char)((const char *)hit)[sizeof(uint16_t)] : 0;
}

/* Invisible in a word beyond what sanitising drops: soft hyphen, Mongolian
 * vowel separator, Hangul fillers, joiners, variation selectors. */
static bool invisible(uint32_t c)
{
    return mz_text_is_dropped(c) || c == 0xAD || c == 0x180E || c == 0x115F || c == 0x1160 ||
           c == 0x3164 || c == 0xFFA0 || c == 0x200C || c == 0x200D || c == 0x034F ||
           (c >= 0xFE00 && c <= 0xFE0F);
}

/* Digits and signs that always stand for a letter inside a word. */
static uint32_t unleet(uint32_t c)
{
    switch (c) {
    case '0':
        return 'o';
    case '1':
        return 'i';
    case '3':
        return 'e';
    case '4':
        return 'a';
    case '5':
        return 's';
    case '7':
        return 't';
    case '8':
        return 'b';
    case '9':
        return 'g';
    case '@':
        return 'a';
    case '$':
        return 's';
    case 0x20AC:
        return 'e'; /* € */
    case 0xA2:
        return 'c'; /* ¢ */
    case 0xA5:
        return 'y'; /* ¥ */
    case 0xA7:
        return 's'; /* § */
    default:
        return c;
    }
}

/* Signs that are a letter only between letters; '*' is a censored letter. */
static uint32_t inner_sign(uint32_t c)
{
    switch (c) {
    case '!':
    case '|':
    case 0xA1: /* ¡ */
        return 'i';
    case '+':
        return 't';
    case '(':
        return 'c';
    case '*':
        return MZ_SKEL_ANY;
    default:
        return 0;
    }
}

enum { K_SEP, K_LETTER, K_INNER };

size_t mz_text_skeleton(const unsigned char *s, size_t len, uint32_t *letters, size_t cap,
                        mz_skel_word *words, size_t max_words)
{
    size_t n = 0, nw = 0, pos = 0;
    bool in_word = false;
    uint32_t pending = 0; /* an inner sign after a letter, waiting for the next character */
    while (pos < len && nw <= max_words) {
        size_t used;
        uint32_t c = mz_utf8_decode(s + pos, len - pos, &used);
        pos += used;
        if (invisible(c)) continue;
        uint32_t out[2];
        int k, kind;
        uint32_t sign = inner_sign(c);
        if (sign) {
            kind = K_INNER;
            k = 0;
        } else {
            uint32_t look = latin_lookalike(c);
            k = mz_text_fold(unleet(look ? look : c), out);
            kind = k < 0 ? K_SEP : K_LETTER;
        }
        if (kind == K_INNER) {
            if (in_word && !pending) {
                pending = sign;
                continue;
            }
            kind = K_SEP; /* at a word's start, or a second sign in a row */
        }
        if (kind == K_SEP || (kind == K_LETTER && k == 0 && pending)) {
            /* "abort*": a star ending a word stands for its last letter. */
            if (pending == MZ_SKEL_ANY && n < cap && n < UINT16_MAX) {
                letters[n++] = MZ_SKEL_ANY;
                words[nw - 1].len++;
            }
            pending = 0;
            if (kind == K_SEP) in_word = false;
            continue;
        }
        if (k == 0) continue; /* apostrophes, combining marks: inside a word, nothing */
        if (!in_word) {
            if (nw == max_words) break;
            words[nw++] = (mz_skel_word){(uint16_t)n, 0};
            in_word = true;
        }
        uint32_t seq[3];
        int m = 0;
        if (pending) seq[m++] = pending;
        pending = 0;
        for (int j = 0; j < k; j++)
            seq[m++] = unleet(out[j]) == 'l' ? 'i' : unleet(out[j]);
        for (int j = 0; j < m && n < cap && n < UINT16_MAX; j++) {
            letters[n++] = seq[j];
            words[nw - 1].len++;
        }
    }
    if (pending == MZ_SKEL_ANY && n < cap && n < UINT16_MAX) {
        letters[n++] = MZ_SKEL_ANY;
        words[nw - 1].len++;
    }
    return nw;
}

size_t mz_text_squeeze(const uint32_t *in, size_t n, uint32_t *letters, uint8_t *counts)
{
    size_t r = 0;
    for (size_t i = 0; i < n; i++) {
        if (r > 0 && letters[r - 1] == in[i]) {
            if (counts[r - 1] < UINT8_MAX) counts[r - 1]++;
        } else {
            letters[r] = in[i];
            counts[r++] = 1;
        }
    }
    return r;
}
