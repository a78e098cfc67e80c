/* mz_log — leveled logging to stderr (or a sink the program installs).
 *
 * The level and sink are process-wide settings made once by the program at
 * start-up (the only process-wide state in the engine); logging itself is
 * thread-safe. MZ_LOG=error|warn|info|debug in the environment sets the level
 * when mz_log_init() is called. A line is one line: control characters and
 * bytes that are not UTF-8 are written as \xNN. */
#ifndef MZ_LOG_H
#define MZ_LOG_H

#include "mz_error.h"

typedef enum mz_log_level {
    MZ_LOG_ERROR,
    MZ_LOG_WARN,
    MZ_LOG_INFO,
    MZ_LOG_DEBUG,
} mz_log_level;

typedef void (*mz_log_sink)(mz_log_level level, const char *line, void *user);

/* Reads MZ_LOG. Default level: warn. */
void mz_log_init(void);
void mz_log_set_level(mz_log_level level);
/* NULL restores stderr. The sink is called with a lock held: keep it short. */
void mz_log_set_sink(mz_log_sink sink, void *user);
bool mz_log_enabled(mz_log_level level);

void mz_log(mz_log_level level, const char *fmt, ...) MZ_PRINTF(2, 3);

#define mz_log_error(...) mz_log(MZ_LOG_ERROR, __VA_ARGS__)
#define mz_log_warn(...) mz_log(MZ_LOG_WARN, __VA_ARGS__)
#define mz_log_info(...) mz_log(MZ_LOG_INFO, __VA_ARGS__)
#define mz_log_debug(...) mz_log(MZ_LOG_DEBUG, __VA_ARGS__)

#endif
