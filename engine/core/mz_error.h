/* mz_error — the one error model of the engine.
 *
 * A function that can fail returns false / NULL / an invalid handle and leaves
 * a human-readable message here, which the caller reads with mz_error().
 * The message is per thread, so modules running on other threads never
 * overwrite it. The returned string stays valid until the next mz_fail() on
 * the same thread; copy it if you need it longer.
 *
 * Asserts are for programmer bugs only; anything that can fail at run time
 * (no device, bad file, lost server) is a branch that calls mz_fail(). */
#ifndef MZ_ERROR_H
#define MZ_ERROR_H

#include <stdbool.h>

#if defined(__GNUC__)
#define MZ_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define MZ_PRINTF(a, b)
#endif

#define MZ_ERROR_MAX 1024

/* Sets this thread's message (printf-style, truncated to MZ_ERROR_MAX) and
 * returns false, so failures read `return mz_fail("...")`. */
bool mz_fail(const char *fmt, ...) MZ_PRINTF(1, 2);

/* Prepends "prefix: " to the current message; returns false. For adding
 * context (a file name, a module) while an error travels up. */
bool mz_fail_context(const char *fmt, ...) MZ_PRINTF(1, 2);

/* This thread's last message, or "" if none. Never NULL. */
const char *mz_error(void);

void mz_error_clear(void);

#endif
