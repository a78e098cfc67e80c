/* Narration in a playthrough video: `maze play --headless --video
 * --narrate` speaks each new scene's caption into the soundtrack, from the
 * offline mixer (no sound device here: ALSOFT_DRIVERS=null). The same
 * walkthrough recorded with and without --narrate, decoded by ffmpeg: while
 * a caption is being said the speech band (300-3400 Hz) carries far more
 * power than the soundscape alone; once the speech is over the two
 * soundtracks are the same again. */
#include "mz_audio_internal.h"
#include "mz_audio_measure.h"
#include "mz_error.h"
#include "mz_test.h"

#include <stdlib.h>
#include <unistd.h>

#define RATE MZ_AUDIO_RATE
#define FFT 2048

static char dir[64] = "/tmp/mz_narration_XXXXXX";

/* The walkthrough's soundtrack, mono; NULL on failure (checked). Two turns
 * of 3 s each: the stairs' caption at 0 s, the cellar's at 3 s. */
static float *soundtrack(const char *name, const char *extra, size_t *frames)
{
    const char *maze = getenv("MZ_MAZE");
    char inputs[128], video[128], wav[128], cmd[1024];
    snprintf(inputs, sizeof inputs, "%s/in.txt", dir);
    snprintf(video, sizeof video, "%s/%s.mp4", dir, name);
    snprintf(wav, sizeof wav, "%s/%s.wav", dir, name);
    FILE *f = fopen(inputs, "w");
    if (f) {
        fputs("descend\n", f);
        fclose(f);
    }
    MZ_CHECK_MSG(maze != NULL, "MZ_MAZE is not set");
    if (!maze) return NULL;
    snprintf(cmd, sizeof cmd,
             "%s play tests/story/fixtures/cellar --headless --inputs %s --size 96x54 "
             "--frames-per-turn 90 --video %s %s > /dev/null",
             maze, inputs, video, extra);
    MZ_CHECK_MSG(system(cmd) == 0, "%s", cmd);
    snprintf(cmd, sizeof cmd, "ffmpeg -v error -y -i %s -map 0:a -ar %d -c:a pcm_f32le %s", video,
             RATE, wav);
    MZ_CHECK_MSG(system(cmd) == 0, "%s", cmd);
    mz_clip *clip = mz_clip_load(wav);
    MZ_CHECK_MSG(clip && clip->channels == 2, "%s", clip ? "not stereo" : mz_error());
    if (!clip || clip->channels != 2) {
        mz_clip_free(clip);
        return NULL;
    }
    float *mono = malloc(clip->frames * sizeof *mono);
    if (mono) mz_audio_measure_mono(clip->samples, clip->frames, mono);
    *frames = clip->frames;
    mz_clip_free(clip);
    return mono;
}

/* Power in the speech band between from_s and to_s. */
static double speech_power(const float *x, size_t frames, double from_s, double to_s)
{
    size_t a = (size_t)(from_s * RATE), b = (size_t)(to_s * RATE);
    if (b > frames) b = frames;
    if (a + FFT > b) return -1;
    double power[FFT / 2 + 1];
    if (mz_audio_measure_spectrum(x + a, b - a, FFT, power) <= 0) return -1;
    double rms = mz_audio_measure_rms(x + a, b - a);
    return mz_audio_measure_band_ratio(power, FFT, RATE, 300, 3400) * rms * rms;
}

static void captions_are_spoken_in_the_soundtrack(void)
{
    size_t n_said = 0, n_plain = 0;
    float *said = soundtrack("said", "--narrate", &n_said);
    float *plain = soundtrack("plain", "", &n_plain);
    if (!said || !plain) goto done;
    MZ_CHECK_MSG(n_said >= 5 * RATE && n_plain >= 5 * RATE, "%zu and %zu samples", n_said, n_plain);
    /* "The stairs smell of damp and apples." from 0 s (about 2 s long);
     * "Barrels line the walls." from 3 s (about 1.3 s); then the cellar's
     * soundscape alone. */
    static const struct {
        double from, to;
        bool spoken;
    } spans[] = {{0.1, 1.6, true}, {3.05, 4.0, true}, {4.8, 5.9, false}};
    for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++) {
        double s = speech_power(said, n_said, spans[i].from, spans[i].to);
        double p = speech_power(plain, n_plain, spans[i].from, spans[i].to);
        double db = 10 * log10(s / p);
        printf("  %.2f-%.2f s: speech band %.2e with narration, %.2e without (%+.1f dB)\n",
               spans[i].from, spans[i].to, s, p, db);
        MZ_CHECK_MSG(s > 0 && p > 0, "no sound at %.2f s", spans[i].from);
        if (spans[i].spoken)
            MZ_CHECK_MSG(db > 6, "the caption at %.2f s is not heard: %+.1f dB", spans[i].from, db);
        else
            MZ_CHECK_MSG(fabs(db) < 1.5, "after the speech, %+.1f dB", db);
    }
done:
    free(said);
    free(plain);
}

int main(void)
{
    if (!mkdtemp(dir)) return 1;
    MZ_RUN(captions_are_spoken_in_the_soundtrack);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) return 1;
    return mz_test_finish();
}
