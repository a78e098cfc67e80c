/* mz_token — the secrets that guard a listening port (the consoles' operator
 * token; `maze serve`'s token can share it): making one, checking its
 * characters, comparing one in constant time.
 *
 * Threading: none shared. Errors: false + mz_fail(). */
#ifndef MZ_TOKEN_H
#define MZ_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

/* 32 random hex digits (16 bytes from getrandom) and a NUL; cap >= 33. */
bool mz_token_random(char *out, size_t cap);

/* min to max characters, each of A-Z a-z 0-9 - . _ ~ (safe in a URL, a
 * cookie and a header unescaped). */
bool mz_token_valid(const char *token, size_t min, size_t max);

/* Equal without an early exit, so the time taken says nothing about how
 * much of a guess was right. */
bool mz_token_equal(const char *given, const char *want);

#endif
