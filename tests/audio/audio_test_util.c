/* See audio_test_util.h. */
#include "audio_test_util.h"

#include "mz_audio.h"
#include "mz_log.h"

#include <stdio.h>
#include <string.h>

static void collect(mz_log_level level, const char *line, void *user)
{
    audio_warnings *w = user;
    if (level > MZ_LOG_WARN) return;
    w->count++;
    snprintf(w->last, sizeof w->last, "%s", line);
}

void audio_warnings_start(audio_warnings *w)
{
    memset(w, 0, sizeof *w);
    mz_log_set_sink(collect, w);
}

bool audio_opened_silent(const mz_audio *a, const audio_warnings *w, const char *why)
{
    return a && mz_audio_is_silent(a) && w->count == 1 && strstr(w->last, why) &&
           strstr(w->last, "without sound");
}
