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
    char prefix[MZ_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    char old[MZ_ERROR_MAX];
    memcpy(old, message, sizeof old);
    snprintf(message, sizeof message, "%s: %s", prefix, old);
    return false;
}

const char *mz_error(void) { return message; }

void mz_error_clear(void) { message[0] = '\0'; }
