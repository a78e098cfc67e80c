/* audio_test_util — what the audio tests share: catching what the module
 * logs, to check that a problem is reported once and in words. */
#ifndef AUDIO_TEST_UTIL_H
#define AUDIO_TEST_UTIL_H

#include <stdbool.h>

struct mz_audio;

typedef struct audio_warnings {
    int count;      /* lines logged at warning level or worse */
    char last[512]; /* the last of them */
} audio_warnings;

/* Clears *w and routes the log into it until mz_log_set_sink(NULL, NULL).
 * w must outlive that. */
void audio_warnings_start(audio_warnings *w);

/* Whether a (just opened where sound cannot work) is silent and w holds
 * exactly one warning, naming `why` and saying the program goes on without
 * sound. */
bool audio_opened_silent(const struct mz_audio *a, const audio_warnings *w, const char *why);

#endif
