#include "mz_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char message[MZ_ERROR_MAX];

bool mz_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    return false;
}

bool mz_fail_context(const char *fmt, ...)
{
    char old[MZ_ERROR_MAX];
    memcpy(old, message, sizeof old);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof message - 2) return false;
    /* Prefix, then ": ", then as much of the old message as fits. */
    size_t at = (size_t)n;
    memcpy(message + at, ": ", 2);
    at += 2;
    size_t room = sizeof message - at - 1, len = strnlen(old, sizeof old);
    if (len > room) len = room;
    memcpy(message + at, old, len);
    message[at + len] = '\0';
    return false;
}

const char *mz_error(void) { return message; }

void mz_error_clear(void) { message[0] = '\0'; }
