/* text_sanitize.c — mz_text_sanitize: whatever bytes a viewer sends, what
 * comes out is valid UTF-8 with no control or direction-changing
 * characters, single spaces, and a bounded length. mz_text_escape shows
 * the same characters as escapes instead. */
#include "text_internal.h"

#include <stdio.h>

static size_t utf8_encode(uint32_t c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

size_t mz_text_sanitize(const char *in, size_t len, char *out, size_t cap, size_t max_bytes)
{
    if (!out || cap == 0) return 0;
    if (!in) len = 0;
    if (max_bytes == 0) max_bytes = MZ_TEXT_DEFAULT_MAX;
    size_t limit = cap - 1 < max_bytes ? cap - 1 : max_bytes;
    const unsigned char *s = (const unsigned char *)in;
    size_t n = 0;
    bool space = false; /* a space is owed before the next kept character */
    for (size_t i = 0; i < len;) {
        size_t used;
        uint32_t c = mz_utf8_decode(s + i, len - i, &used);
        i += used;
        if (mz_text_is_dropped(c)) continue;
        if (mz_text_is_space(c)) {
            space = n > 0;
            continue;
        }
        char buf[4];
        size_t bytes = utf8_encode(c, buf);
        if (n + space + bytes > limit) break;
        if (space) out[n++] = ' ';
        memcpy(out + n, buf, bytes);
        n += bytes;
        space = false;
    }
    out[n] = '\0';
    return n;
}

size_t mz_text_escape(const char *in, size_t len, char *out, size_t cap)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        size_t used;
        uint32_t c = mz_utf8_decode(s + i, len - i, &used);
        char esc[16];
        const char *put = esc;
        size_t bytes;
        if (c == MZ_UTF8_REPLACEMENT && !(used == 3 && s[i] == 0xEF)) { /* invalid: one byte shown */
            used = 1;
            bytes = (size_t)snprintf(esc, sizeof esc, "\\x%02x", s[i]);
        } else if (c == '\\') {
            put = "\\\\";
            bytes = 2;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            esc[0] = '\\';
            esc[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            bytes = 2;
        } else if (c < 0x20 || c == 0x7F) {
            bytes = (size_t)snprintf(esc, sizeof esc, "\\x%02x", (unsigned)c);
        } else if ((c >= 0x80 && c <= 0x9F) || mz_text_is_dropped(c)) {
            bytes = (size_t)snprintf(esc, sizeof esc, c > 0xFFFF ? "\\U%08x" : "\\u%04x",
                                     (unsigned)c);
        } else {
            put = (const char *)s + i;
            bytes = used;
        }
        i += used;
        for (size_t k = 0; k < bytes; k++, n++)
            if (n + 1 < cap) out[n] = put[k];
    }
    if (cap) out[n < cap ? n : cap - 1] = '\0';
    return n;
}
