/* buf.h — story_buf, the growable byte buffer of the story runtime (buf.c).
 * The buffer owns its data; story_buf_free releases it. A zeroed buffer is
 * empty and valid. A failed allocation sets `failed` and drops the rest. */
#ifndef MZ_STORY_BUF_H
#define MZ_STORY_BUF_H

#include "mz_error.h" /* MZ_PRINTF */

#include <stdbool.h>
#include <stddef.h>

typedef struct story_buf {
    char *data; /* always NUL-terminated once anything was put */
    size_t len, cap;
    bool failed; /* an allocation failed: contents are incomplete */
} story_buf;

void story_buf_put(story_buf *b, const char *s, size_t n);
void story_buf_puts(story_buf *b, const char *s);
void story_buf_printf(story_buf *b, const char *fmt, ...) MZ_PRINTF(2, 3);
void story_buf_free(story_buf *b);

#endif
