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

void mz_log(mz_log_level level, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&logger.lock);
    if (level <= logger.level) {
        if (logger.sink)
            logger.sink(level, line, logger.user);
        else
            fprintf(stderr, "maze: %s: %s\n", level_names[level], line);
    }
    pthread_mutex_unlock(&logger.lock);
}
