/* text_char.c — characters: the UTF-8 decoder (the engine's one) and the
 * classes sanitising and matching share (what becomes a space, what is
 * dropped). */
#include "text_char.h"

bool mz_utf8_next(const unsigned char *s, size_t len, uint32_t *cp, size_t *used)
{
    unsigned char b = s[0];
    *cp = MZ_UTF8_REPLACEMENT;
    if (b < 0x80) {
        *used = 1;
        *cp = b;
        return true;
    }
    /* The lead byte fixes the length and the range of the first continuation
     * byte; narrowing that range is what rejects overlongs (E0, F0),
     * surrogates (ED) and values past U+10FFFF (F4). */
    size_t need;
    uint32_t c;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
        c = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        c = b & 0x0Fu;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        c = b & 0x07u;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
    } else {
        *used = 1;
        return false;
    }
    size_t i = 1;
    for (; i <= need && i < len; i++) {
        unsigned char k = s[i];
        if (k < lo || k > hi) break;
        lo = 0x80;
        hi = 0xBF;
        c = (c << 6) | (k & 0x3Fu);
    }
    *used = i;
    if (i != need + 1) return false;
    *cp = c;
    return true;
}

bool mz_text_is_space(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

bool mz_text_is_dropped(uint32_t c)
{
    /* C0, DEL, C1; invisible characters that can hide or reorder text on
     * screen: zero-width space, LRM/RLM, bidi embeddings, overrides and
     * isolates, word joiner and invisible operators, BOM, Arabic letter mark,
     * interlinear annotations, tag characters. ZWNJ/ZWJ (U+200C/D) stay:
     * scripts and emoji sequences need them. */
    if (mz_text_is_space(c)) return false;
    return c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x200B || c == 0x200E || c == 0x200F ||
           (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) || c == 0xFEFF ||
           c == 0x061C || (c >= 0xFFF9 && c <= 0xFFFB) || (c >= 0xE0000 && c <= 0xE007F);
}
