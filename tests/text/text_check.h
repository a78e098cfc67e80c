/* text_check.h — what sanitised viewer text may contain, checked
 * independently of the code that makes it: shared by the random-text test
 * and the libFuzzer target (tests/fuzz/fuzz_text.c). */
#ifndef MZ_TEXT_CHECK_H
#define MZ_TEXT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* An independent check of what sanitised text may contain. */
static inline bool clean_utf8(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        size_t k;
        if (p[i] < 0x80) {
            c = p[i];
            k = 1;
        } else if ((p[i] & 0xE0) == 0xC0) {
            c = p[i] & 0x1Fu;
            k = 2;
        } else if ((p[i] & 0xF0) == 0xE0) {
            c = p[i] & 0x0Fu;
            k = 3;
        } else if ((p[i] & 0xF8) == 0xF0) {
            c = p[i] & 0x07u;
            k = 4;
        } else {
            return false;
        }
        if (i + k > len) return false;
        for (size_t j = 1; j < k; j++) {
            if ((p[i + j] & 0xC0) != 0x80) return false;
            c = c << 6 | (p[i + j] & 0x3Fu);
        }
        static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
        if (c < least[k] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0x202A && c <= 0x202E) ||
            (c >= 0x2066 && c <= 0x2069))
            return false;
        i += k;
    }
    return true;
}

static inline bool well_spaced(const char *s, size_t len)
{
    if (len > 0 && (s[0] == ' ' || s[len - 1] == ' ')) return false;
    return !strstr(s, "  ");
}

#endif
