#include "mz_log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct {
    pthread_mutex_t lock;
    mz_log_level level;
    mz_log_sink sink;
    void *user;
} logger = {PTHREAD_MUTEX_INITIALIZER, MZ_LOG_WARN, NULL, NULL};

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void mz_log_init(void)
{
    const char *env = getenv("MZ_LOG");
    if (!env) return;
    for (int i = 0; i <= MZ_LOG_DEBUG; i++)
        if (strcmp(env, level_names[i]) == 0) mz_log_set_level((mz_log_level)i);
}

void mz_log_set_level(mz_log_level level)
{
    pthread_mutex_lock(&logger.lock);
    logger.level = level;
    pthread_mutex_unlock(&logger.lock);
}

void mz_log_set_sink(mz_log_sink sink, void *user)
{
    pthread_mutex_lock(&logger.lock);
    logger.sink = sink;
    logger.user = user;
    pthread_mutex_unlock(&logger.lock);
}

bool mz_log_enabled(mz_log_level level)
{
    pthread_mutex_lock(&logger.lock);
    bool on = level <= logger.level;
    pthread_mutex_unlock(&logger.lock);
    return on;
}

/* Length of the valid UTF-8 sequence at s that is not a C1 control, or 0. */
static int printable_utf8(const unsigned char *s)
{
    if (s[0] >= 0x20 && s[0] < 0x7f) return 1;
    int n = s[0] >= 0xc2 && s[0] <= 0xdf   ? 2
            : s[0] >= 0xe0 && s[0] <= 0xef ? 3
            : s[0] >= 0xf0 && s[0] <= 0xf4 ? 4
                                           : 0;
    for (int i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80) return 0;
    if (n == 2 && s[0] == 0xc2 && s[1] < 0xa0) return 0; /* C1: U+0080..U+009F */
    if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0))) return 0;
    if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))) return 0;
    return n;
}

/* Log lines quote names, messages and errors that came from the network or
 * from viewers: escape every control character and invalid byte, so none of
 * them can move the cursor, retitle a terminal or forge a line of its own. */
static void escape(const char *in, char *out, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *s = (const unsigned char *)in;
    size_t o = 0;
    while (*s && o + 5 < cap) {
        int n = printable_utf8(s);
        if (n) {
            memcpy(out + o, s, (size_t)n);
            o += (size_t)n;
            s += n;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[*s >> 4];
            out[o++] = hex[*s & 15];
            s++;
        }
    }
    out[o] = 0;
}

void mz_log(mz_log_level level, const char *fmt, ...)
{
    char raw[2048], line[4 * 2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(raw, sizeof raw, fmt, ap);
    va_end(ap);
    escape(raw, line, sizeof line);
    pthread_mutex_lock(&logger.lock);
    if (level <= logger.level) {
        if (logger.sink)
            logger.sink(level, line, logger.user);
        else
            fprintf(stderr, "maze: %s: %s\n", level_names[level], line);
    }
    pthread_mutex_unlock(&logger.lock);
}
