/* Speech through espeak-ng's library. espeak-ng keeps one global
 * synthesiser per process and is not thread-safe, so it is initialised once
 * and every use holds one lock: the engine's only hidden global state, forced
 * on us by the library. Its output (mono int16, 22050 Hz) is normalised to a
 * fixed peak and resampled to the mixer's rate. */
#include "mz_audio_internal.h"
#include "mz_error.h"

#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Peak of spoken text, so narration sits above ducked ambience. */
#define SPEECH_PEAK 0.6f
#define MAX_TEXT 4000

static pthread_once_t speech_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t speech_lock = PTHREAD_MUTEX_INITIALIZER;
static int speech_rate; /* <= 0: espeak-ng could not start */

typedef struct speech_buf {
    float *s;
    size_t n, cap;
    bool oom;
} speech_buf;

static int on_samples(short *wav, int count, espeak_EVENT *events)
{
    speech_buf *b = events ? events->user_data : NULL;
    if (!b || !wav || count <= 0) return 0;
    if (b->n + (size_t)count > b->cap) {
        size_t cap = (b->n + (size_t)count) * 2;
        float *ns = realloc(b->s, sizeof(float) * cap);
        if (!ns) {
            b->oom = true;
            return 1; /* stops synthesis */
        }
        b->s = ns;
        b->cap = cap;
    }
    for (int i = 0; i < count; i++)
        b->s[b->n++] = (float)wav[i] / 32768.0f;
    return 0;
}

static void speech_init(void)
{
    /* DONT_EXIT: without it espeak-ng calls exit() when its data is missing. */
    speech_rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, espeakINITIALIZE_DONT_EXIT);
    if (speech_rate > 0) espeak_SetSynthCallback(on_samples);
}

mz_clip *mz_speech_synth(const char *text, const char *voice)
{
    pthread_once(&speech_once, speech_init);
    if (speech_rate <= 0) {
        mz_fail("espeak-ng could not start (is the espeak-ng-data package installed?)");
        return NULL;
    }
    /* Long text is cut (at a byte: espeak-ng skips a broken last character). */
    size_t len = strnlen(text, MAX_TEXT);
    char *copy = malloc(len + 1);
    if (!copy) {
        mz_fail("out of memory");
        return NULL;
    }
    memcpy(copy, text, len);
    copy[len] = 0;
    speech_buf b = {0};
    pthread_mutex_lock(&speech_lock);
    espeak_ERROR err = espeak_SetVoiceByName(voice ? voice : "en");
    if (err == EE_OK)
        err = espeak_Synth(copy, len + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, &b);
    if (err == EE_OK) err = espeak_Synchronize();
    pthread_mutex_unlock(&speech_lock);
    free(copy);
    if (err != EE_OK || b.oom || b.n == 0) {
        free(b.s);
        if (err == EE_NOT_FOUND)
            mz_fail("espeak-ng has no voice '%s'", voice ? voice : "en");
        else
            mz_fail("espeak-ng produced no speech (error %d)", (int)err);
        return NULL;
    }
    float peak = 0;
    for (size_t i = 0; i < b.n; i++) {
        float a = b.s[i] < 0 ? -b.s[i] : b.s[i];
        if (a > peak) peak = a;
    }
    if (peak > 0)
        for (size_t i = 0; i < b.n; i++)
            b.s[i] *= SPEECH_PEAK / peak;
    return mz_clip_make(b.s, b.n, 1, speech_rate);
}
