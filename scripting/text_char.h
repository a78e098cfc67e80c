/* text_char.h — characters (text_char.c): the UTF-8 decoder's helpers and
 * the character classes sanitising and matching share. Internal to
 * mz_text. */
#ifndef MZ_TEXT_CHAR_H
#define MZ_TEXT_CHAR_H

#include "mz_text.h" /* mz_utf8_next */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MZ_UTF8_REPLACEMENT 0xFFFDu /* what mz_utf8_next gives for invalid bytes */

/* mz_utf8_next for text that is read on whatever it holds: U+FFFD for
 * what is not valid. */
static inline uint32_t mz_utf8_decode(const unsigned char *s, size_t len, size_t *used)
{
    uint32_t c;
    mz_utf8_next(s, len, &c, used);
    return c;
}

/* What mz_text_sanitize makes one space, and what it drops (controls and
 * invisible characters). Matching drops the same inside words, so a
 * pattern with a zero-width space in it reads as the viewer's text does. */
bool mz_text_is_space(uint32_t c);
bool mz_text_is_dropped(uint32_t c);

#endif
