/* engine/audio below the device: beds, the plan, the mixer's ramps, clips and
 * speech, measured on buffers (no sound device, faster than real time). */
#include "mz_audio_internal.h"
#include "mz_audio_measure.h"
#include "mz_error.h"
#include "mz_test.h"

#include <stdint.h>
#include <stdlib.h>

#define RATE MZ_AUDIO_RATE
#define FFT 16384

/* Renders `seconds` of one bed on its own, mixed down to mono. */
static float *render_bed(mz_bed bed, const mz_synth_params *p, double seconds, size_t *n)
{
    mz_synth *s = malloc(sizeof *s);
    *n = (size_t)(seconds * RATE);
    float *mono = malloc(sizeof(float) * *n), blk[2 * MZ_AUDIO_BLOCK];
    mz_synth_init(s, bed, mz_bus_channels(mz_bed_bus(bed)), p, 1234);
    for (size_t pos = 0; pos < *n; pos += MZ_AUDIO_BLOCK) {
        int frames = (int)(*n - pos < MZ_AUDIO_BLOCK ? *n - pos : MZ_AUDIO_BLOCK);
        mz_synth_render(s, blk, frames);
        for (int i = 0; i < frames; i++)
            mono[pos + (size_t)i] =
                s->channels == 2 ? 0.5f * (blk[2 * i] + blk[2 * i + 1]) : blk[i];
    }
    free(s);
    return mono;
}

static double *spectrum(const float *x, size_t n)
{
    double *p = malloc(sizeof(double) * (FFT / 2 + 1));
    MZ_CHECK(mz_audio_measure_spectrum(x, n, FFT, p) > 0);
    return p;
}

static void test_rain_is_broadband(void)
{
    size_t n;
    float *rain = render_bed(MZ_BED_RAIN, &(mz_synth_params){.intensity = 0.8f}, 1.0, &n);
    double *p = spectrum(rain, n);
    double flat = mz_audio_measure_band_flatness(p, FFT, RATE, 250, 16000);
    double rms = mz_audio_measure_rms(rain, n);
    printf("  rain: rms %.4f, octave-band flatness %.3f\n", rms, flat);
    MZ_CHECK_MSG(flat > 0.8, "flatness %.3f", flat);
    MZ_CHECK(rms > 0.01 && rms < 0.3);
    free(rain);
    free(p);

    /* The measure tells noise from tone: a drone is anything but flat. */
    mz_synth_params d = {.intensity = 1, .drone = mz_drone_tuning_for(0.5f, 0, 1)};
    float *drone = render_bed(MZ_BED_DRONE, &d, 1.0, &n);
    p = spectrum(drone, n);
    flat = mz_audio_measure_band_flatness(p, FFT, RATE, 250, 16000);
    MZ_CHECK_MSG(flat < 0.05, "drone flatness %.3f", flat);
    free(drone);
    free(p);
}

static double power_near(const double *p, double hz)
{
    int b = (int)(hz * FFT / RATE + 0.5);
    return p[b - 1] + p[b] + p[b + 1];
}

static void test_drone_pitch_follows_mood(void)
{
    struct {
        float valence, energy;
        double root;
        bool minor;
    } cases[] = {
        {0.6f, 0.0f, 110.0, false}, {-0.6f, 1.0f, 146.83, true}, {-0.2f, 0.4f, 123.47, true}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mz_drone_tuning t = mz_drone_tuning_for(cases[i].valence, cases[i].energy, 1);
        MZ_CHECK(t.minor == cases[i].minor);
        MZ_CHECK(fabs(mz_drone_root_hz(t.semitone) - cases[i].root) < 0.05);
        size_t n;
        float *x =
            render_bed(MZ_BED_DRONE, &(mz_synth_params){.intensity = 1, .drone = t}, 1.0, &n);
        double *p = spectrum(x, n);
        double peak = mz_audio_measure_peak_hz(p, FFT, RATE, 50, 1000);
        printf("  drone valence %+.1f energy %.1f: peak %.2f Hz (root %.2f)\n", cases[i].valence,
               cases[i].energy, peak, cases[i].root);
        MZ_CHECK_MSG(fabs(peak - cases[i].root) < 2.0, "peak %.2f, root %.2f", peak, cases[i].root);
        /* Minor has its third 3 semitones up, major 4. */
        double m3 = power_near(p, cases[i].root * pow(2, 3 / 12.0));
        double M3 = power_near(p, cases[i].root * pow(2, 4 / 12.0));
        MZ_CHECK(cases[i].minor ? m3 > 10 * M3 : M3 > 10 * m3);
        free(x);
        free(p);
    }
    /* Brightness brings harmonics up. */
    double share[2];
    for (int b = 0; b < 2; b++) {
        mz_drone_tuning t = mz_drone_tuning_for(0.5f, 0, 1);
        t.brightness = (float)b;
        size_t n;
        float *x =
            render_bed(MZ_BED_DRONE, &(mz_synth_params){.intensity = 1, .drone = t}, 0.8, &n);
        double *p = spectrum(x, n);
        share[b] = mz_audio_measure_band_ratio(p, FFT, RATE, 300, 8000);
        free(x);
        free(p);
    }
    printf("  drone power above 300 Hz: dark %.3f, bright %.3f\n", share[0], share[1]);
    MZ_CHECK(share[1] > 3 * share[0]);
}

/* Every bed renders finite, bounded, non-silent audio. */
static void test_every_bed_sounds(void)
{
    for (int b = 0; b < MZ_BED_CLIP; b++) {
        mz_synth_params p = {.intensity = 0.7f, .drone = mz_drone_tuning_for(0, 0, 1)};
        size_t n;
        /* Thunder and drips are events: give them time to happen. */
        float *x = render_bed((mz_bed)b, &p, b == MZ_BED_THUNDER ? 3.0 : 2.0, &n);
        double rms = mz_audio_measure_rms(x, n), peak = mz_audio_measure_peak(x, n);
        bool finite = true;
        for (size_t i = 0; i < n; i++)
            finite = finite && isfinite(x[i]);
        printf("  %-8s rms %.4f peak %.3f\n", mz_bed_name((mz_bed)b), rms, peak);
        MZ_CHECK_MSG(finite && rms > 0.002 && peak < 0.5, "%s: rms %.4f peak %.3f",
                     mz_bed_name((mz_bed)b), rms, peak);
        free(x);
    }
}

static void test_plan_from_tags_and_params(void)
{
    mz_plan plan;
    mz_plan_scene(&plan, NULL, NULL, 0);
    MZ_CHECK(plan.nbeds == 1 && plan.beds[0].bed == MZ_BED_DRONE);

    /* Rain in the parameters brings rain without a tag. */
    mz_scene_params p = mz_scene_params_default();
    p.rain = 0.5f;
    mz_plan_scene(&plan, &p, NULL, 0);
    MZ_CHECK(mz_plan_find(&plan, MZ_BED_RAIN) != NULL);
    MZ_CHECK(mz_plan_find(&plan, MZ_BED_SEA) == NULL);

    p = mz_scene_params_default();
    p.setting = MZ_SETTING_SEA;
    p.time_of_day = 23;
    p.light[MZ_LIGHT_FIRE] = 0.8f;
    mz_plan_scene(&plan, &p, NULL, 0);
    MZ_CHECK(mz_plan_find(&plan, MZ_BED_SEA) && mz_plan_find(&plan, MZ_BED_FIRE));
    MZ_CHECK(mz_plan_find(&plan, MZ_BED_NIGHT) ==
             NULL); /* the sea setting is not "outdoor quiet" */

    p.setting = MZ_SETTING_FOREST;
    mz_plan_scene(&plan, &p, NULL, 0);
    MZ_CHECK(mz_plan_find(&plan, MZ_BED_NIGHT) != NULL);

    const char *tags[] = {"storm", "interior", "drone", "kazoo"};
    mz_plan_scene(&plan, NULL, tags, 4);
    MZ_CHECK(mz_plan_find(&plan, MZ_BED_THUNDER) && mz_plan_find(&plan, MZ_BED_RAIN) &&
             mz_plan_find(&plan, MZ_BED_WIND) && mz_plan_find(&plan, MZ_BED_DRIP));
    MZ_CHECK(plan.nunknown == 1 && !strcmp(plan.unknown[0], "kazoo"));
    /* A tagged drone is louder than the quiet one every scene has. */
    float tagged = mz_plan_find(&plan, MZ_BED_DRONE)->level;
    mz_plan_scene(&plan, NULL, tags, 2);
    MZ_CHECK(mz_plan_find(&plan, MZ_BED_DRONE)->level < tagged);
}

/* Renders `seconds` of the whole mix (stereo) into buf at *pos. */
static void run_mix(mz_mix *m, float *buf, size_t *pos, double seconds)
{
    size_t end = *pos + (size_t)(seconds * RATE);
    while (*pos < end) {
        int frames = (int)(end - *pos < MZ_AUDIO_BLOCK ? end - *pos : MZ_AUDIO_BLOCK);
        mz_mix_render_stereo(m, buf + 2 * *pos, frames);
        *pos += (size_t)frames;
    }
}

static mz_plan drone_plan(float valence, float energy)
{
    mz_scene_params p = {.valence = valence, .energy = energy, .brightness = 1};
    const char *tags[] = {"drone"};
    mz_plan plan;
    mz_plan_scene(&plan, &p, tags, 1);
    return plan;
}

/* A scene change (a drone in one key to a drone in another) crossfades: the
 * largest sample-to-sample jump stays that of the steady sound, and the level
 * never drops into a gap. Also for a cut (transition 0). */
static void test_crossfade_has_no_click_or_gap(void)
{
    const float transitions[] = {0.5f, 0.0f};
    for (int t = 0; t < 2; t++) {
        mz_mix *m = malloc(sizeof *m);
        mz_mix_init(m, 1.0f);
        size_t total = 3 * RATE, pos = 0;
        float *st = calloc(2 * total, sizeof(float)), *mono = malloc(sizeof(float) * total);
        mz_plan a = drone_plan(0.6f, 0), b = drone_plan(-0.6f, 1);
        mz_mix_set_scene(m, &a, 0.2f);
        run_mix(m, st, &pos, 1.5);
        mz_mix_set_scene(m, &b, transitions[t]);
        run_mix(m, st, &pos, 1.5);
        mz_audio_measure_mono(st, total, mono);
        size_t change = (size_t)(1.5 * RATE), fade_end = change + (size_t)(0.6 * RATE);
        double steady_a = mz_audio_measure_max_jump(mono + RATE / 2, RATE);
        double steady_b = mz_audio_measure_max_jump(mono + fade_end, total - fade_end);
        double during = mz_audio_measure_max_jump(mono + change - 100, fade_end - change + 100);
        double bound = 1.25 * (steady_a > steady_b ? steady_a : steady_b);
        /* Levels in 20 ms windows: the chord's own beating makes them vary,
         * so the crossfade is compared with the quietest steady window. */
        double win_a = mz_audio_measure_min_rms(mono + RATE / 2, RATE, RATE / 50);
        double win_b = mz_audio_measure_min_rms(mono + fade_end, total - fade_end, RATE / 50);
        double gap = mz_audio_measure_min_rms(mono + change, fade_end - change, RATE / 50);
        printf("  transition %.1f s: max jump %.4f during, %.4f / %.4f steady; quietest 20 ms "
               "rms %.4f during, %.4f / %.4f steady\n",
               transitions[t], during, steady_a, steady_b, gap, win_a, win_b);
        MZ_CHECK_MSG(during <= bound, "jump %.4f > %.4f", during, bound);
        MZ_CHECK(gap > 0.7 * (win_a < win_b ? win_a : win_b));
        /* The new key is what plays after the change. */
        double *p = spectrum(mono + fade_end, total - fade_end);
        MZ_CHECK(fabs(mz_audio_measure_peak_hz(p, FFT, RATE, 50, 1000) - 146.83) < 2.0);
        free(p);
        mz_mix_free(m);
        free(m);
        free(st);
        free(mono);
    }
}

static void test_mute_ramps_to_silence(void)
{
    mz_mix *m = malloc(sizeof *m);
    mz_mix_init(m, 1.0f);
    mz_plan plan = drone_plan(0.5f, 0);
    mz_mix_set_scene(m, &plan, 0.05f);
    size_t total = RATE, pos = 0;
    float *st = calloc(2 * total, sizeof(float));
    run_mix(m, st, &pos, 0.5);
    mz_mix_set_master(m, 0.0f);
    run_mix(m, st, &pos, 0.5);
    float *mono = malloc(sizeof(float) * total);
    mz_audio_measure_mono(st, total, mono);
    double before = mz_audio_measure_rms(mono + RATE / 4, RATE / 4);
    double after = mz_audio_measure_rms(mono + RATE / 2 + RATE / 20, RATE / 2 - RATE / 20);
    double steady = mz_audio_measure_max_jump(mono + RATE / 10, RATE / 2 - RATE / 10 - 100);
    double jump = mz_audio_measure_max_jump(mono + RATE / 2 - 100, RATE / 20);
    printf("  mute: rms %.4f before, %.6f after; max jump at the ramp %.4f (steady %.4f)\n", before,
           after, jump, steady);
    MZ_CHECK(before > 0.01);
    MZ_CHECK(after == 0.0);
    MZ_CHECK(jump <= 1.05 * steady);
    mz_mix_free(m);
    free(m);
    free(st);
    free(mono);
}

/* Speech ducks the ambience; when it ends the ambience comes back. */
static void test_speech_ducks_ambience(void)
{
    mz_mix *m = malloc(sizeof *m);
    mz_mix_init(m, 1.0f);
    const char *tags[] = {"rain"};
    mz_plan plan;
    mz_plan_scene(&plan, NULL, tags, 1);
    mz_mix_set_scene(m, &plan, 0.05f);
    /* Silent "speech": what is heard while it plays is the ducked ambience. */
    mz_clip *hush = mz_clip_make(calloc(RATE, sizeof(float)), RATE, 1, RATE);
    size_t total = 3 * RATE, pos = 0;
    float *st = calloc(2 * total, sizeof(float));
    run_mix(m, st, &pos, 0.5);
    mz_mix_speak(m, hush);
    MZ_CHECK(mz_mix_speaking(m));
    run_mix(m, st, &pos, 2.5);
    MZ_CHECK(!mz_mix_speaking(m));
    double before = mz_audio_measure_rms(st + RATE / 5, 2 * (RATE / 4));
    double during = mz_audio_measure_rms(st + 2 * (RATE / 2 + RATE / 4), 2 * (RATE / 2));
    double after = mz_audio_measure_rms(st + 2 * (2 * RATE + RATE / 4), 2 * (RATE / 2));
    printf("  duck: rms %.4f before, %.4f speaking, %.4f after\n", before, during, after);
    MZ_CHECK(during < 0.45 * before && during > 0.15 * before);
    MZ_CHECK(after > 0.8 * before);
    mz_mix_free(m);
    free(m);
    mz_clip_free(hush);
    free(st);
}

/* The sea is placed to the left, in the offline mixdown as in OpenAL. */
static void test_sea_is_to_one_side(void)
{
    float anchor[3];
    mz_bus_anchor(mz_bed_bus(MZ_BED_SEA), anchor);
    MZ_CHECK(anchor[0] < 0 && mz_bed_bus(MZ_BED_SEA) != MZ_BUS_AMBIENT);
    mz_mix *m = malloc(sizeof *m);
    mz_mix_init(m, 1.0f);
    mz_plan plan = {.nbeds = 1,
                    .beds = {{.bed = MZ_BED_SEA, .level = 1, .params = {.intensity = 1}}}};
    MZ_CHECK(mz_mix_set_scene(m, &plan, 0.05f) == 1u << MZ_BUS_SEA);
    size_t pos = 0;
    float *st = calloc(2 * RATE, sizeof(float));
    run_mix(m, st, &pos, 1.0);
    double l = 0, r = 0;
    for (size_t i = 0; i < RATE; i++) {
        l += (double)st[2 * i] * st[2 * i];
        r += (double)st[2 * i + 1] * st[2 * i + 1];
    }
    printf("  sea: left/right power %.1f\n", l / r);
    MZ_CHECK(l > 3 * r);
    mz_mix_free(m);
    free(m);
    free(st);
}

/* A minimal WAV image: fmt + data. */
static size_t make_wav(uint8_t *out, int format, int channels, int rate, int bits, const void *pcm,
                       size_t bytes)
{
    uint32_t v;
    uint16_t h;
    memcpy(out, "RIFF", 4);
    v = (uint32_t)(36 + bytes);
    memcpy(out + 4, &v, 4);
    memcpy(out + 8, "WAVEfmt ", 8);
    v = 16;
    memcpy(out + 16, &v, 4);
    h = (uint16_t)format;
    memcpy(out + 20, &h, 2);
    h = (uint16_t)channels;
    memcpy(out + 22, &h, 2);
    v = (uint32_t)rate;
    memcpy(out + 24, &v, 4);
    v = (uint32_t)(rate * channels * bits / 8);
    memcpy(out + 28, &v, 4);
    h = (uint16_t)(channels * bits / 8);
    memcpy(out + 32, &h, 2);
    h = (uint16_t)bits;
    memcpy(out + 34, &h, 2);
    memcpy(out + 36, "data", 4);
    v = (uint32_t)bytes;
    memcpy(out + 40, &v, 4);
    memcpy(out + 44, pcm, bytes);
    return 44 + bytes;
}

static void test_wav_reader(void)
{
    uint8_t img[256];
    int16_t s16[4] = {16384, -16384, 32767, -32768};
    mz_clip *c = mz_clip_parse_wav(img, make_wav(img, 1, 2, RATE, 16, s16, sizeof s16));
    MZ_CHECK(c && c->channels == 2 && c->frames == 2);
    if (c) MZ_CHECK(c->samples[0] == 0.5f && c->samples[1] == -0.5f && c->samples[3] == -1.0f);
    mz_clip_free(c);

    uint8_t s24[6] = {0x00, 0x00, 0x40, 0x00, 0x00, 0xc0}; /* 0.5, -0.5 */
    c = mz_clip_parse_wav(img, make_wav(img, 1, 1, RATE, 24, s24, sizeof s24));
    MZ_CHECK(c && c->channels == 1 && c->frames == 2);
    if (c) MZ_CHECK(c->samples[0] == 0.5f && c->samples[1] == -0.5f);
    mz_clip_free(c);

    /* Float, half the rate: resampled to twice the frames, values kept. */
    float f32[4] = {0.25f, 0.25f, 0.25f, 0.25f};
    c = mz_clip_parse_wav(img, make_wav(img, 3, 1, RATE / 2, 32, f32, sizeof f32));
    MZ_CHECK(c && c->frames == 7);
    if (c) MZ_CHECK(c->samples[3] == 0.25f);
    mz_clip_free(c);

    /* Four channels keep the first two. */
    uint8_t u8[4] = {255, 0, 128, 128};
    c = mz_clip_parse_wav(img, make_wav(img, 1, 4, RATE, 8, u8, sizeof u8));
    MZ_CHECK(c && c->channels == 2 && c->frames == 1);
    mz_clip_free(c);

    c = mz_clip_parse_wav(img, make_wav(img, 2, 1, RATE, 4, u8, sizeof u8)); /* ADPCM */
    MZ_CHECK(c == NULL);
    MZ_CHECK_HAS(mz_error(), "unsupported WAV");
    c = mz_clip_parse_wav((const uint8_t *)"hello, world", 12);
    MZ_CHECK(c == NULL);
    MZ_CHECK_HAS(mz_error(), "not a WAV");
    c = mz_clip_load("tests/audio/data/no-such-file.wav");
    MZ_CHECK(c == NULL);
    MZ_CHECK_HAS(mz_error(), "no-such-file.wav");
}

static void test_ogg_file_loops_without_click(void)
{
    mz_clip *c = mz_clip_load("tests/audio/data/tone440.ogg");
    MZ_CHECK_MSG(c != NULL, "%s", mz_error());
    if (!c) return;
    /* 0.5 s at 22050 Hz, resampled to the mixer's rate. */
    MZ_CHECK(c->channels == 1 && labs((long)c->frames - RATE / 2) < 64);
    mz_mix *m = malloc(sizeof *m);
    mz_mix_init(m, 1.0f);
    mz_mix_add_clip(m, c, 1.0f, 0.05f);
    size_t pos = 0;
    float *st = calloc(2 * 2 * RATE, sizeof(float)), *mono = malloc(sizeof(float) * 2 * RATE);
    run_mix(m, st, &pos, 2.0);
    mz_audio_measure_mono(st, 2 * RATE, mono);
    double *p = spectrum(mono, 2 * RATE);
    double peak = mz_audio_measure_peak_hz(p, FFT, RATE, 100, 2000);
    /* 440 Hz at amplitude 0.5 moves at most 2*pi*440*0.5/44100 = 0.031 per sample;
     * the loop seam (at 0.5, 1.0, 1.5 s) must not jump more than that. */
    double jump = mz_audio_measure_max_jump(mono + RATE / 10, 2 * RATE - RATE / 10);
    printf("  ogg: peak %.1f Hz, max jump across loops %.4f\n", peak, jump);
    MZ_CHECK(fabs(peak - 440) < 3);
    MZ_CHECK(jump < 0.04);
    free(p);
    mz_mix_free(m);
    free(m);
    mz_clip_free(c);
    free(st);
    free(mono);
}

static void test_speech_synth(void)
{
    mz_clip *c = mz_speech_synth("The stairs smell of damp and apples.", NULL);
    MZ_CHECK_MSG(c != NULL, "%s", mz_error());
    if (!c) return;
    double seconds = (double)c->frames / RATE;
    double *p = spectrum(c->samples, c->frames);
    double ratio = mz_audio_measure_band_ratio(p, FFT, RATE, 300, 3400);
    printf("  speech: %.2f s, %.2f of power in 300-3400 Hz\n", seconds, ratio);
    MZ_CHECK(seconds > 1.0 && seconds < 6.0);
    MZ_CHECK(ratio > 0.5);
    free(p);
    mz_clip_free(c);
    MZ_CHECK(mz_speech_synth("hello", "no-such-voice") == NULL);
    MZ_CHECK_HAS(mz_error(), "no-such-voice");
}

int main(void)
{
    MZ_RUN(test_rain_is_broadband);
    MZ_RUN(test_drone_pitch_follows_mood);
    MZ_RUN(test_every_bed_sounds);
    MZ_RUN(test_plan_from_tags_and_params);
    MZ_RUN(test_crossfade_has_no_click_or_gap);
    MZ_RUN(test_mute_ramps_to_silence);
    MZ_RUN(test_speech_ducks_ambience);
    MZ_RUN(test_sea_is_to_one_side);
    MZ_RUN(test_wav_reader);
    MZ_RUN(test_ogg_file_loops_without_click);
    MZ_RUN(test_speech_synth);
    return mz_test_finish();
}
