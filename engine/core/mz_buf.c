/* mz_buf.c — the growable byte buffer (mz_buf.h). Capacity doubles so a
 * long text costs a few reallocs, not one per piece. */
#include "mz_buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool reserve(mz_buf *b, size_t extra)
{
    if (b->failed) return false;
    if (extra < b->cap && b->len + 1 <= b->cap - extra) return true;
    if (extra > ((size_t)-1) / 2 - b->len) {
        b->failed = true;
        return false;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) {
        b->failed = true;
        return false;
    }
    b->data = data;
    b->cap = cap;
    return true;
}

bool mz_buf_put(mz_buf *b, const void *s, size_t n)
{
    if (!reserve(b, n)) return false;
    if (n) memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return true;
}

bool mz_buf_puts(mz_buf *b, const char *s)
{
    return mz_buf_put(b, s, strlen(s));
}

bool mz_buf_vprintf(mz_buf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) b->failed = true;
    bool ok = n >= 0 && reserve(b, (size_t)n);
    if (ok) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
    return ok;
}

bool mz_buf_printf(mz_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = mz_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return ok;
}

void mz_buf_clear(mz_buf *b)
{
    b->len = 0;
    b->failed = false;
    if (b->data) b->data[0] = '\0';
}

char *mz_buf_take(mz_buf *b, size_t *len)
{
    if (!b->failed) reserve(b, 0);
    char *data = b->failed ? NULL : b->data;
    if (data) data[b->len] = '\0';
    if (len) *len = data ? b->len : 0;
    if (!data) free(b->data);
    *b = (mz_buf){0};
    return data;
}

void mz_buf_free(mz_buf *b)
{
    free(b->data);
    *b = (mz_buf){0};
}

bool mz_buf_read_stream(mz_buf *b, FILE *f, size_t max)
{
    char chunk[65536];
    size_t got, total = 0;
    int err = 0;
    mz_buf_put(b, "", 0); /* an empty file still gives a string */
    while (!err && (got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        total += got;
        if (total > max)
            err = EFBIG;
        else if (!mz_buf_put(b, chunk, got))
            err = ENOMEM;
    }
    if (!err && ferror(f)) err = EIO;
    if (!err && b->failed) err = ENOMEM;
    errno = err;
    return err == 0;
}

bool mz_buf_read_file(mz_buf *b, const char *path, size_t max)
{
    /* Non-blocking: opening a FIFO without a writer would wait forever. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0) return false;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int err = S_ISREG(st.st_mode) ? errno : EINVAL;
        close(fd);
        errno = err;
        return false;
    }
    FILE *f = fdopen(fd, "rb");
    if (!f) {
        close(fd);
        return false;
    }
    bool ok = mz_buf_read_stream(b, f, max);
    int err = errno;
    fclose(f);
    errno = err;
    return ok;
}
