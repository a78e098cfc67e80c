/* mz_audio end to end through OpenAL Soft's wave backend: each test opens the
 * device, plays a scene for a second or two (the backend mixes in real
 * time), closes it, and measures the float32 stereo WAV the backend wrote. */
#include "mz_audio.h"
#include "mz_audio_internal.h"
#include "mz_audio_measure.h"
#include "mz_error.h"
#include "mz_log.h"
#include "mz_test.h"

#include "audio_test_util.h"
#include "mz_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define RATE MZ_AUDIO_RATE
#define FFT 16384

static char wav_path[512];

/* The wave backend's file, mixed down to mono; frames in *n. */
typedef struct capture {
    mz_clip *clip;
    float *mono;
    size_t n;
} capture;

static capture read_capture(void)
{
    capture c = {0};
    c.clip = mz_clip_load(wav_path);
    MZ_CHECK_MSG(c.clip != NULL, "%s", mz_error());
    if (!c.clip) return c;
    MZ_CHECK(c.clip->channels == 2);
    c.n = c.clip->frames;
    c.mono = malloc(sizeof(float) * (c.n ? c.n : 1));
    mz_audio_measure_mono(c.clip->samples, c.n, c.mono);
    return c;
}

static void free_capture(capture *c)
{
    mz_clip_free(c->clip);
    free(c->mono);
}

static size_t at(double seconds)
{
    return (size_t)(seconds * RATE);
}

/* Spectrum of mono[from, to) (seconds; to <= 0 means the end). */
static double *spectrum(const capture *c, double from, double to)
{
    size_t a = at(from), b = to > 0 ? at(to) : c->n;
    double *p = malloc(sizeof(double) * (FFT / 2 + 1));
    MZ_CHECK(b <= c->n && b > a && mz_audio_measure_spectrum(c->mono + a, b - a, FFT, p) > 0);
    return p;
}

static mz_audio *open_audio(mz_audio_desc d)
{
    mz_audio *a = mz_audio_open(&d);
    MZ_CHECK(a && !mz_audio_is_silent(a));
    return a;
}

static void test_rain_is_broadband(void)
{
    mz_audio *a = open_audio((mz_audio_desc){0});
    mz_scene_params p = mz_scene_params_default();
    p.rain = 1.0f;
    const char *tags[] = {"rain"};
    mz_audio_set_scene(a, &p, tags, 1, NULL, 0, 0.1f);
    mz_time_sleep_ms(1200);
    mz_audio_stats s = mz_audio_stats_get(a);
    printf("  stats: %.2f ms cpu per s of audio, %.2f s rendered, %u buffers queued, %u underruns, "
           "%u beds\n",
           s.cpu_ms_per_s, s.seconds_rendered, s.buffers_queued, s.underruns, s.layers);
    MZ_CHECK(s.buffers_queued == MZ_BUS_COUNT * MZ_AUDIO_QUEUE);
    MZ_CHECK(s.seconds_rendered > 1.0 && s.cpu_ms_per_s > 0 && s.layers >= 2);
    mz_audio_close(a);

    capture c = read_capture();
    if (!c.mono) return;
    double *pw = spectrum(&c, 0.4, 0);
    double flat = mz_audio_measure_band_flatness(pw, FFT, RATE, 250, 16000);
    double rms = mz_audio_measure_rms(c.mono + at(0.4), c.n - at(0.4));
    printf("  rain: %.2f s captured, rms %.4f, octave-band flatness %.3f\n", (double)c.n / RATE,
           rms, flat);
    MZ_CHECK(c.n > at(1.0));
    MZ_CHECK(flat > 0.7);
    MZ_CHECK(rms > 0.02);
    free(pw);
    free_capture(&c);
}

static void test_drone_has_its_pitch(void)
{
    mz_audio *a = open_audio((mz_audio_desc){0});
    mz_scene_params p = {.valence = -0.6f, .energy = 1.0f, .brightness = 1.0f};
    const char *tags[] = {"drone"};
    mz_audio_set_scene(a, &p, tags, 1, NULL, 0, 0.1f);
    mz_time_sleep_ms(1400);
    mz_audio_close(a);

    capture c = read_capture();
    if (!c.mono) return;
    double *pw = spectrum(&c, 0.4, 0);
    double peak = mz_audio_measure_peak_hz(pw, FFT, RATE, 50, 1000);
    double expect =
        mz_drone_root_hz(mz_drone_tuning_for(p.valence, p.energy, p.brightness).semitone);
    printf("  drone: peak %.2f Hz, root %.2f Hz (D minor), rms %.4f\n", peak, expect,
           mz_audio_measure_rms(c.mono + at(0.4), c.n - at(0.4)));
    MZ_CHECK(fabs(expect - 146.83) < 0.05);
    MZ_CHECK_MSG(fabs(peak - expect) < 3.0, "peak %.2f", peak);
    free(pw);
    free_capture(&c);
}

/* A drone in A major crossfades to one in D minor: nowhere in the capture
 * does a sample jump further than the steady drones do, and the level never
 * drops into a gap. */
static void test_scene_change_crossfades(void)
{
    mz_audio *a = open_audio((mz_audio_desc){0});
    const char *tags[] = {"drone"};
    mz_scene_params pa = {.valence = 0.6f, .brightness = 1.0f};
    mz_scene_params pb = {.valence = -0.6f, .energy = 1.0f, .brightness = 1.0f};
    mz_audio_set_scene(a, &pa, tags, 1, NULL, 0, 0.1f);
    mz_time_sleep_ms(900);
    mz_audio_set_scene(a, &pb, tags, 1, NULL, 0, 0.4f);
    mz_time_sleep_ms(1300);
    mz_audio_close(a);

    capture c = read_capture();
    if (!c.mono || c.n < at(2.1)) return;
    size_t from = at(0.3), tail = c.n - at(0.45);
    double steady_a = mz_audio_measure_max_jump(c.mono + from, at(0.5));
    double steady_b = mz_audio_measure_max_jump(c.mono + tail, c.n - tail);
    double all = mz_audio_measure_max_jump(c.mono + from, c.n - from);
    double quiet_a = mz_audio_measure_min_rms(c.mono + from, at(0.5), RATE / 50);
    double quiet_b = mz_audio_measure_min_rms(c.mono + tail, c.n - tail, RATE / 50);
    double quiet = mz_audio_measure_min_rms(c.mono + from, c.n - from, RATE / 50);
    double *head = spectrum(&c, 0.3, 0.8), *end = spectrum(&c, (double)tail / RATE, 0);
    double f_a = mz_audio_measure_peak_hz(head, FFT, RATE, 50, 1000);
    double f_b = mz_audio_measure_peak_hz(end, FFT, RATE, 50, 1000);
    printf("  crossfade: max jump %.4f over the change, %.4f / %.4f steady; quietest 20 ms rms "
           "%.4f, %.4f / %.4f steady; %.1f Hz -> %.1f Hz\n",
           all, steady_a, steady_b, quiet, quiet_a, quiet_b, f_a, f_b);
    MZ_CHECK(all <= 1.25 * (steady_a > steady_b ? steady_a : steady_b));
    /* Two chords overlapping beat (partials a semitone apart), so a 20 ms
     * window can dip; a dropped buffer would read near 0. */
    MZ_CHECK(quiet > 0.4 * (quiet_a < quiet_b ? quiet_a : quiet_b));
    MZ_CHECK(fabs(f_a - 110.0) < 3.0 && fabs(f_b - 146.83) < 3.0);
    free(head);
    free(end);
    free_capture(&c);
}

static void test_mute_gives_silence(void)
{
    mz_audio *a = open_audio((mz_audio_desc){.volume = 0.5f});
    MZ_CHECK(mz_audio_volume(a) == 0.5f && !mz_audio_muted(a));
    const char *tags[] = {"rain", "drone"};
    mz_audio_set_scene(a, NULL, tags, 2, NULL, 0, 0.05f);
    mz_time_sleep_ms(600);
    mz_audio_set_muted(a, true);
    MZ_CHECK(mz_audio_muted(a));
    mz_time_sleep_ms(600);
    mz_audio_close(a);
    capture c = read_capture();
    if (!c.mono || c.n < at(1.1)) return;
    double playing = mz_audio_measure_rms(c.mono + at(0.25), at(0.3));
    double muted = mz_audio_measure_rms(c.mono + c.n - at(0.25), at(0.25));
    printf("  mute: rms %.4f playing, %.6f muted\n", playing, muted);
    MZ_CHECK(playing > 0.01);
    MZ_CHECK(muted < 1e-4);
    free_capture(&c);

    /* Muted from the start: nothing at all. */
    a = open_audio((mz_audio_desc){.muted = true});
    mz_audio_set_scene(a, NULL, tags, 2, NULL, 0, 0.05f);
    mz_time_sleep_ms(400);
    mz_audio_close(a);
    c = read_capture();
    if (!c.mono) return;
    MZ_CHECK(c.n > at(0.3) && mz_audio_measure_peak(c.mono, c.n) < 1e-4);
    free_capture(&c);
}

/* Speaks with narration on and off; returns the speech-band share and the
 * speech-band level of the capture. */
static void narrate(bool on, double *ratio, double *band_rms)
{
    mz_audio *a = open_audio((mz_audio_desc){.narrate = on});
    MZ_CHECK(mz_audio_narration(a) == on);
    mz_audio_set_scene(a, NULL, NULL, 0, NULL, 0, 0.05f);
    mz_audio_say(a, "Welcome to the maze.");
    bool spoke = false;
    uint64_t t0 = mz_time_ns();
    /* Until the speech has played (or 4 s, if it never comes). */
    while (mz_time_ms_since(t0) < 4000) {
        mz_audio_stats s = mz_audio_stats_get(a);
        if (s.speaking)
            spoke = true;
        else if (spoke || (!on && mz_time_ms_since(t0) > 1200))
            break;
        mz_time_sleep_ms(20);
    }
    mz_time_sleep_ms(150);
    mz_audio_close(a);
    MZ_CHECK(spoke == on);
    capture c = read_capture();
    *ratio = *band_rms = 0;
    if (!c.mono) return;
    double *pw = spectrum(&c, 0.1, 0);
    *ratio = mz_audio_measure_band_ratio(pw, FFT, RATE, 300, 3400);
    double band = 0;
    for (int i = (int)(300.0 * FFT / RATE); i <= (int)(3400.0 * FFT / RATE); i++)
        band += pw[i];
    *band_rms = sqrt(band);
    free(pw);
    free_capture(&c);
}

static void test_narration_speaks_in_the_speech_band(void)
{
    double on_ratio, on_band, off_ratio, off_band;
    narrate(true, &on_ratio, &on_band);
    narrate(false, &off_ratio, &off_band);
    printf("  narration: %.2f of power in 300-3400 Hz when on, %.2f when off; speech band %.1f dB "
           "above the quiet drone\n",
           on_ratio, off_ratio, 20 * log10(on_band / (off_band + 1e-12)));
    MZ_CHECK(on_ratio > 0.5);
    MZ_CHECK(off_ratio < 0.3);
    MZ_CHECK(on_band > 5 * off_band);
}

/* The sea is placed to the left; when the camera turns round it is heard on
 * the right; the next scene (still by the sea) brings it round to the left
 * of the new view again. */
static void test_sea_moves_with_the_camera(void)
{
    mz_audio *a = open_audio((mz_audio_desc){0});
    mz_scene_params p = {.setting = MZ_SETTING_SEA, .time_of_day = 12};
    mz_audio_set_listener(a, 0, 0, 0, 0);
    mz_audio_set_scene(a, &p, NULL, 0, NULL, 0, 0.05f);
    mz_time_sleep_ms(800);
    mz_audio_set_listener(a, 0, 0, 0, 3.14159265f);
    mz_time_sleep_ms(700);
    mz_audio_set_scene(a, &p, NULL, 0, NULL, 0, 0.2f);
    mz_time_sleep_ms(800);
    mz_audio_close(a);
    capture c = read_capture();
    if (!c.mono || c.n < at(2.2)) return;
    double lr[3];
    size_t spans[3][2] = {{at(0.3), at(0.75)}, {at(1.1), at(1.45)}, {c.n - at(0.3), c.n}};
    for (int k = 0; k < 3; k++) {
        double l = 0, r = 0;
        for (size_t i = spans[k][0]; i < spans[k][1]; i++) {
            l += (double)c.clip->samples[2 * i] * c.clip->samples[2 * i];
            r += (double)c.clip->samples[2 * i + 1] * c.clip->samples[2 * i + 1];
        }
        lr[k] = l / (r + 1e-20);
    }
    printf("  sea: left/right power %.2f facing ahead, %.2f turned round, %.2f in the next scene\n",
           lr[0], lr[1], lr[2]);
    MZ_CHECK(lr[0] > 1.5);
    MZ_CHECK(lr[1] < 1 / 1.5);
    MZ_CHECK(lr[2] > 1.5);
    free_capture(&c);
}

static audio_warnings warned;

/* An author's file plays (decoded on the worker thread); a missing one is
 * reported once and skipped. */
static void test_story_files_play(void)
{
    audio_warnings_start(&warned);
    mz_audio *a = open_audio((mz_audio_desc){0});
    const char *files[] = {"tests/audio/data/tone440.ogg", "tests/audio/data/missing.wav"};
    mz_audio_set_scene(a, NULL, NULL, 0, files, 2, 0.1f);
    mz_time_sleep_ms(1000);
    mz_audio_close(a);
    mz_log_set_sink(NULL, NULL);
    MZ_CHECK(warned.count == 1);
    MZ_CHECK_HAS(warned.last, "missing.wav");
    capture c = read_capture();
    if (!c.mono) return;
    double *pw = spectrum(&c, 0.3, 0);
    double peak = mz_audio_measure_peak_hz(pw, FFT, RATE, 50, 2000);
    printf("  story file: peak %.1f Hz (a 440 Hz OGG)\n", peak);
    MZ_CHECK(fabs(peak - 440.0) < 3.0);
    free(pw);
    free_capture(&c);
}

static void test_unknown_device_runs_silent(void)
{
    audio_warnings_start(&warned);
    mz_audio *a = mz_audio_open(&(mz_audio_desc){.device = "no such device", .narrate = true});
    mz_log_set_sink(NULL, NULL);
    MZ_CHECK(a && mz_audio_is_silent(a));
    MZ_CHECK(warned.count == 1);
    MZ_CHECK_HAS(warned.last, "'no such device'");
    MZ_CHECK_HAS(warned.last, "without sound");
    mz_audio_close(a);
}

int main(void)
{
    /* The wave backend writes where our config says; set before OpenAL starts. */
    char dir[] = "/tmp/mz_audio_wave_XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char conf[600];
    snprintf(wav_path, sizeof wav_path, "%s/out.wav", dir);
    snprintf(conf, sizeof conf, "%s/alsoft.conf", dir);
    FILE *f = fopen(conf, "w");
    if (!f) return 1;
    fprintf(f, "[general]\ndrivers = wave\n[wave]\nfile = %s\n", wav_path);
    fclose(f);
    setenv("ALSOFT_CONF", conf, 1);
    setenv("ALSOFT_DRIVERS", "wave", 1);
    mz_log_init();

    MZ_RUN(test_rain_is_broadband);
    MZ_RUN(test_drone_has_its_pitch);
    MZ_RUN(test_scene_change_crossfades);
    MZ_RUN(test_mute_gives_silence);
    MZ_RUN(test_narration_speaks_in_the_speech_band);
    MZ_RUN(test_sea_moves_with_the_camera);
    MZ_RUN(test_story_files_play);
    MZ_RUN(test_unknown_device_runs_silent);

    remove(wav_path);
    remove(conf);
    rmdir(dir);
    return mz_test_finish();
}
