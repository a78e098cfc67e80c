/* mz_buf.h — the engine's growable byte buffer: texts composed piece by
 * piece, HTTP bodies, messages received in fragments, files read whole.
 *
 * A zeroed mz_buf is empty and valid. The buffer owns `data`; mz_buf_free
 * releases it, mz_buf_take hands it to the caller (who frees it). Once
 * anything was put, data is NUL-terminated (the NUL is not counted in len),
 * so text can be used as a C string. An allocation that fails sets `failed`
 * and drops everything put after it: callers check once, at the end. */
#ifndef MZ_BUF_H
#define MZ_BUF_H

#include "mz_error.h" /* MZ_PRINTF */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct mz_buf {
    char *data;
    size_t len, cap;
    bool failed;
} mz_buf;

/* Appends n bytes; false when the buffer failed (now or before). */
bool mz_buf_put(mz_buf *b, const void *s, size_t n);
bool mz_buf_puts(mz_buf *b, const char *s);
bool mz_buf_printf(mz_buf *b, const char *fmt, ...) MZ_PRINTF(2, 3);
bool mz_buf_vprintf(mz_buf *b, const char *fmt, va_list ap);
/* Empties the buffer, keeping its memory and clearing `failed`. */
void mz_buf_clear(mz_buf *b);
/* The data, NUL-terminated even when empty (NULL when the buffer failed);
 * the buffer is left empty and the caller frees the data. */
char *mz_buf_take(mz_buf *b, size_t *len);
void mz_buf_free(mz_buf *b);

/* Reads the regular file at path whole into b (appending). false with
 * errno set when it cannot be opened or read, EINVAL when it is not a
 * regular file (a FIFO is never waited on), EFBIG when it holds more than
 * max bytes (SIZE_MAX: no limit), ENOMEM when the buffer failed. */
bool mz_buf_read_file(mz_buf *b, const char *path, size_t max);

/* Reads f to its end into b (appending); the same errors but EINVAL. For
 * what may be a pipe or a terminal (a player's inputs); f stays open. */
bool mz_buf_read_stream(mz_buf *b, FILE *f, size_t max);

#endif
