/* text_fold.c — folding characters for matching, splitting words, and a
 * light English stemmer (Porter's steps 1 and 5: the inflections, not the
 * derivations, which a viewer's short commands rarely need). */
#include "text_internal.h"

/* Latin-1 U+00C0..U+00FF and Latin Extended-A U+0100..U+017F folded to ASCII,
 * one character per code point; capitals stand for two letters (A = ae,
 * O = oe, I = ij, T = th, S = ss) and '*' for the signs x and / (separators). */
static const char latin1[] = "aaaaaaAceeeeiiiidnooooo*ouuuuyTS"
                             "aaaaaaAceeeeiiiidnooooo*ouuuuyTy";
static const char latin_ext_a[] = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiIIjjkkk"
                                  "llllllllllnnnnnnnnnooooooOOrrrrrrssssssssttttttuuuuuuuuuuuu"
                                  "wwyyyzzzzzzs";
_Static_assert(sizeof latin1 == 0x40 + 1, "one letter per code point");
_Static_assert(sizeof latin_ext_a == 0x80 + 1, "one letter per code point");

static int fold_latin(char f, uint32_t out[2])
{
    static const char *const pairs[] = {"Aae", "Ooe", "Iij", "Tth", "Sss"};
    if (f == '*') return -1;
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        if (pairs[i][0] == f) {
            out[0] = (uint32_t)pairs[i][1];
            out[1] = (uint32_t)pairs[i][2];
            return 2;
        }
    }
    out[0] = (uint32_t)f;
    return 1;
}

/* Lower case without tonos or dialytika, and final sigma as sigma, so that
 * accents and position never make two spellings of a word differ. */
static uint32_t greek_lower(uint32_t c)
{
    switch (c) {
    case 0x386:
    case 0x3AC:
        return 0x3B1;
    case 0x388:
    case 0x3AD:
        return 0x3B5;
    case 0x389:
    case 0x3AE:
        return 0x3B7;
    case 0x38A:
    case 0x390:
    case 0x3AA:
    case 0x3AF:
    case 0x3CA:
        return 0x3B9;
    case 0x38C:
    case 0x3CC:
        return 0x3BF;
    case 0x38E:
    case 0x3AB:
    case 0x3B0:
    case 0x3CB:
    case 0x3CD:
        return 0x3C5;
    case 0x38F:
    case 0x3CE:
        return 0x3C9;
    case 0x3C2:
        return 0x3C3;
    default:
        return c >= 0x391 && c <= 0x3A9 ? c + 0x20 : c;
    }
}

static uint32_t cyrillic_lower(uint32_t c)
{
    if (c >= 0x400 && c <= 0x40F)
        c += 0x50;
    else if (c >= 0x410 && c <= 0x42F)
        c += 0x20;
    else if ((c >= 0x460 && c <= 0x481) || (c >= 0x48A && c <= 0x4BF) || (c >= 0x4D0 && c <= 0x4FF))
        c |= 1; /* pairs: capital even, small odd */
    else if (c >= 0x4C1 && c <= 0x4CE)
        c += c & 1; /* pairs: capital odd, small even */
    else if (c == 0x4C0)
        c = 0x4CF;
    /* ё and ѐ are commonly typed as е. */
    return c == 0x450 || c == 0x451 ? 0x435 : c;
}

int mz_text_fold(uint32_t c, uint32_t out[2])
{
    if (mz_text_is_dropped(c)) return 0; /* as sanitising drops them from viewer text */
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z')
            c += 'a' - 'A';
        else if (c == '\'')
            return 0; /* "don't" is one word */
        else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return -1;
        out[0] = c;
        return 1;
    }
    if (c < 0xC0) return -1; /* C1 controls, Latin-1 punctuation and signs */
    if (c < 0x100) return fold_latin(latin1[c - 0xC0], out);
    if (c < 0x180) return fold_latin(latin_ext_a[c - 0x100], out);
    if (c == 0x2BC || (c >= 0x300 && c <= 0x36F) || (c >= 0x483 && c <= 0x489))
        return 0; /* modifier apostrophe, combining marks */
    if (c == 0x37E || c == 0x387 || c == 0x482)
        return -1; /* Greek question mark and semicolon, Cyrillic thousands */
    if (c >= 0x370 && c < 0x400) {
        out[0] = greek_lower(c);
        return 1;
    }
    if (c >= 0x400 && c < 0x500) {
        out[0] = cyrillic_lower(c);
        return 1;
    }
    if (c == 0x2018 || c == 0x2019 || c == 0x200C || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F) ||
        (c >= 0xE0000 && c <= 0xE01EF))
        return 0; /* curly apostrophes, joiners, variation selectors, tags */
    if (c >= 0xFF01 && c <= 0xFF5E) return mz_text_fold(c - 0xFEE0, out); /* fullwidth ASCII */
    /* General punctuation, super/subscripts, currency, arrows, maths, box
     * drawing, shapes, dingbats; CJK punctuation; compatibility forms;
     * specials (U+FFFD); emoji and pictographs. */
    if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
        (c >= 0xFE10 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF65) ||
        (c >= 0xFFF0 && c <= 0xFFFF) || (c >= 0x1F000 && c <= 0x1FAFF))
        return -1;
    out[0] = c;
    return 1;
}

size_t mz_text_next_word(const unsigned char *s, size_t len, size_t *pos, uint32_t *out)
{
    size_t n = 0;
    while (*pos < len) {
        size_t used;
        uint32_t c = mz_utf8_decode(s + *pos, len - *pos, &used);
        uint32_t f[2];
        int k = mz_text_fold(c, f);
        *pos += used;
        if (k < 0) {
            if (n > 0) return n;
            continue;
        }
        for (int j = 0; j < k && n < MZ_TEXT_MAX_WORD; j++)
            out[n++] = f[j];
    }
    return n;
}

mz_tok mz_tok_make(const uint32_t *cp, size_t len, bool stop)
{
    uint32_t h = 2166136261u, letters = 0; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= cp[i];
        h *= 16777619u;
        letters |= 1u << (cp[i] & 31);
    }
    return (mz_tok){cp, h, letters, (uint8_t)len, stop};
}

/* ---- stemming, on ASCII letters ---- */

static bool is_consonant(const char *w, int i)
{
    switch (w[i]) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
    case 'u':
        return false;
    case 'y':
        return i == 0 || !is_consonant(w, i - 1);
    default:
        return true;
    }
}

/* Porter's m: how many vowel-consonant sequences w[0..n) has. */
static int measure(const char *w, int n)
{
    int m = 0, i = 0;
    while (i < n && is_consonant(w, i))
        i++;
    while (i < n) {
        while (i < n && !is_consonant(w, i))
            i++;
        if (i >= n) break;
        m++;
        while (i < n && is_consonant(w, i))
            i++;
    }
    return m;
}

static bool has_vowel(const char *w, int n)
{
    for (int i = 0; i < n; i++)
        if (!is_consonant(w, i)) return true;
    return false;
}

static bool double_consonant(const char *w, int n)
{
    return n >= 2 && w[n - 1] == w[n - 2] && is_consonant(w, n - 1);
}

/* consonant-vowel-consonant, the last not w, x or y: "hop", "tak" */
static bool cvc(const char *w, int n)
{
    return n >= 3 && is_consonant(w, n - 3) && !is_consonant(w, n - 2) && is_consonant(w, n - 1) &&
           w[n - 1] != 'w' && w[n - 1] != 'x' && w[n - 1] != 'y';
}

static bool ends(const char *w, int n, const char *suffix)
{
    int k = (int)strlen(suffix);
    return n >= k && memcmp(w + n - k, suffix, (size_t)k) == 0;
}

static int porter(char *w, int n)
{
    if (n < 3) return n;
    /* 1a: plurals */
    if (ends(w, n, "sses") || ends(w, n, "ies"))
        n -= 2;
    else if (!ends(w, n, "ss") && ends(w, n, "s"))
        n -= 1;
    /* 1b: -ed, -ing */
    if (ends(w, n, "eed")) {
        if (measure(w, n - 3) > 0) n -= 1;
    } else {
        int k = ends(w, n, "ed") ? 2 : ends(w, n, "ing") ? 3 : 0;
        if (k && has_vowel(w, n - k)) {
            n -= k;
            if (ends(w, n, "at") || ends(w, n, "bl") || ends(w, n, "iz"))
                w[n++] = 'e';
            else if (double_consonant(w, n) && !strchr("lsz", w[n - 1]))
                n--;
            else if (measure(w, n) == 1 && cvc(w, n))
                w[n++] = 'e';
        }
    }
    /* 1c: y -> i after a vowel-bearing stem, so "pony" = "ponies" */
    if (ends(w, n, "y") && has_vowel(w, n - 1)) w[n - 1] = 'i';
    /* 5: a final e, and a final ll */
    if (ends(w, n, "e")) {
        int m = measure(w, n - 1);
        if (m > 1 || (m == 1 && !cvc(w, n - 1))) n--;
    }
    if (measure(w, n) > 1 && double_consonant(w, n) && w[n - 1] == 'l') n--;
    return n;
}

/* Past forms of verbs a viewer is likely to type, which no suffix rule finds. */
static const char *const irregular[][2] = {
    {"went", "go"},    {"gone", "go"},       {"ran", "run"},      {"took", "take"},
    {"taken", "take"}, {"ate", "eat"},       {"eaten", "eat"},    {"came", "come"},
    {"got", "get"},    {"fell", "fall"},     {"flew", "fly"},     {"held", "hold"},
    {"swam", "swim"},  {"threw", "throw"},   {"spoke", "speak"},  {"stood", "stand"},
    {"sat", "sit"},    {"brought", "bring"}, {"caught", "catch"}, {"fought", "fight"},
};

size_t mz_text_stem(uint32_t *w, size_t len)
{
    char buf[MZ_TEXT_MAX_WORD + 1];
    if (len < 3 || len > MZ_TEXT_MAX_WORD) return len;
    for (size_t i = 0; i < len; i++) {
        if (w[i] < 'a' || w[i] > 'z') return len;
        buf[i] = (char)w[i];
    }
    buf[len] = '\0';
    int n = (int)len;
    for (size_t i = 0; i < sizeof irregular / sizeof irregular[0]; i++) {
        if (strcmp(buf, irregular[i][0]) == 0) {
            n = (int)strlen(irregular[i][1]);
            memcpy(buf, irregular[i][1], (size_t)n + 1);
            break;
        }
    }
    n = porter(buf, n);
    for (int i = 0; i < n; i++)
        w[i] = (uint32_t)(unsigned char)buf[i];
    return (size_t)n;
}
