/* exhibit_log — an append-only log of lines that rotates by size: past
 * max_bytes, FILE becomes FILE.1 (FILE.1 -> FILE.2 ... up to keep files)
 * and a new FILE starts. Each line is written and flushed whole, so a
 * crash leaves whole lines.
 *
 * Ownership: the path is copied. Errors: false with mz_error(). */
#ifndef MZ_EXHIBIT_LOG_H
#define MZ_EXHIBIT_LOG_H

#include <stdbool.h>
#include <stddef.h>

typedef struct mz_exhibit_log mz_exhibit_log;

mz_exhibit_log *mz_exhibit_log_open(const char *path, size_t max_bytes, int keep);
/* Appends line (without its '\n'). */
bool mz_exhibit_log_write(mz_exhibit_log *log, const char *line);
void mz_exhibit_log_close(mz_exhibit_log *log);

#endif
