/* exhibit_log — see exhibit_log.h. */
#include "exhibit_log.h"

#include "mz_error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mz_exhibit_log {
    char path[1024];
    size_t max_bytes;
    int keep;
    FILE *f;
    size_t size;
};

static bool open_file(mz_exhibit_log *log)
{
    log->f = fopen(log->path, "a");
    if (!log->f) return mz_fail("%s: %s", log->path, strerror(errno));
    long at = ftell(log->f);
    log->size = at > 0 ? (size_t)at : 0;
    return true;
}

mz_exhibit_log *mz_exhibit_log_open(const char *path, size_t max_bytes, int keep)
{
    mz_exhibit_log *log = calloc(1, sizeof *log);
    if (!log) {
        mz_fail("out of memory");
        return NULL;
    }
    snprintf(log->path, sizeof log->path, "%s", path);
    log->max_bytes = max_bytes ? max_bytes : 1 << 20;
    log->keep = keep > 0 ? keep : 1;
    if (!open_file(log)) {
        free(log);
        return NULL;
    }
    return log;
}

static bool rotate(mz_exhibit_log *log)
{
    fclose(log->f);
    log->f = NULL;
    char from[1100], to[1100];
    for (int i = log->keep; i >= 1; i--) {
        if (i > 1)
            snprintf(from, sizeof from, "%s.%d", log->path, i - 1);
        else
            snprintf(from, sizeof from, "%s", log->path);
        snprintf(to, sizeof to, "%s.%d", log->path, i);
        if (rename(from, to) != 0 && errno != ENOENT)
            mz_fail("cannot rotate %s: %s", from, strerror(errno));
    }
    return open_file(log);
}

bool mz_exhibit_log_write(mz_exhibit_log *log, const char *line)
{
    size_t n = strlen(line) + 1;
    if (log->size > 0 && log->size + n > log->max_bytes && !rotate(log)) return false;
    if (!log->f && !open_file(log)) return false;
    if (fprintf(log->f, "%s\n", line) < 0 || fflush(log->f) != 0)
        return mz_fail("%s: %s", log->path, strerror(errno));
    log->size += n;
    return true;
}

void mz_exhibit_log_close(mz_exhibit_log *log)
{
    if (!log) return;
    if (log->f) fclose(log->f);
    free(log);
}
