/* mz_token — see mz_token.h. */
#include "mz_token.h"

#include "mz_error.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

bool mz_token_random(char *out, size_t cap)
{
    uint8_t r[16];
    if (cap < 2 * sizeof r + 1) return mz_fail("token: no room for %zu digits", 2 * sizeof r);
    if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r)
        return mz_fail("token: no random bytes for a token");
    for (size_t i = 0; i < sizeof r; i++)
        snprintf(out + 2 * i, 3, "%02x", r[i]);
    return true;
}

bool mz_token_valid(const char *token, size_t min, size_t max)
{
    size_t n = strlen(token);
    return n >= min && n <= max &&
           strspn(token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") == n;
}

bool mz_token_equal(const char *given, const char *want)
{
    size_t gl = strlen(given), wl = strlen(want);
    unsigned diff = gl != wl;
    for (size_t i = 0; i < wl; i++)
        diff |= (unsigned char)(i < gl ? given[i] : 0) ^ (unsigned char)want[i];
    return diff == 0;
}
