/* audio_demo — renders a scene's soundscape to a WAV file, offline (faster
 * than real time, no sound device), and prints what it measures: level,
 * spectral flatness, drone pitch, the largest sample-to-sample jump, the
 * speech-band share and the CPU cost per second of audio.
 *
 *   audio_demo [options] TAG...        e.g.  audio_demo -o sea.wav sea wind
 *
 * It drives the same mixer the player's mz_audio runs on its thread; the
 * positional beds are panned by their anchors instead of by OpenAL. */
#include "mz_audio.h"
#include "mz_audio_internal.h"
#include "mz_audio_measure.h"
#include "mz_error.h"
#include "mz_log.h"
#include "mz_stats.h"
#include "mz_time.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TAGS 32

static void usage(void)
{
    fprintf(stderr,
            "usage: audio_demo [options] TAG...\n"
            "Renders the soundscape of sound TAGs (sea wind rain fire night city storm drone\n"
            "interior drip...) to a float32 stereo WAV and prints measurements.\n\n"
            "  -o FILE          output WAV (default audio_demo.wav)\n"
            "  -s SECONDS       length (default 6)\n"
            "  --valence V      mood -1..1 (drone major/minor)     --energy E  0..1 (drone key)\n"
            "  --rain R --wind W --storm S --fire F   scene weather / fire light, 0..1\n"
            "  --time H         hour of day 0..24 (night insects outdoors)\n"
            "  --setting NAME   plain sea forest desert mountains city interior space snow lake\n"
            "  --then TAGS      comma-separated tags of a second scene, at half time\n"
            "  --then-valence V mood of that second scene\n"
            "  --transition S   crossfade seconds into the second scene (default 1)\n"
            "  --say TEXT       speak TEXT (espeak-ng) after 0.5 s, ducking the ambience\n"
            "  --file PATH      an author's WAV/OGG file, looped on the ambience\n"
            "  --live           play through mz_audio on the sound device instead (OpenAL;\n"
            "                   ALSOFT_CONF can point it at the wave backend), turning the\n"
            "                   camera at 60 frames/s, and time the calls a frame makes\n"
            "  --measure FILE   only measure a WAV file (e.g. what the wave backend wrote)\n");
}

static const char *const setting_names[MZ_SETTING_COUNT] = {
    "plain", "sea", "forest", "desert", "mountains", "city", "interior", "space", "snow", "lake",
};

static bool write_wav(const char *path, const float *s, size_t frames)
{
    FILE *f = fopen(path, "wb");
    if (!f) return false;
    uint32_t data = (uint32_t)(frames * 2 * sizeof(float));
    uint8_t h[44];
    memcpy(h, "RIFF", 4);
    uint32_t v = 36 + data;
    memcpy(h + 4, &v, 4);
    memcpy(h + 8, "WAVEfmt ", 8);
    v = 16;
    memcpy(h + 16, &v, 4);
    uint16_t fmt = 3, ch = 2, align = 8, bits = 32;
    memcpy(h + 20, &fmt, 2);
    memcpy(h + 22, &ch, 2);
    v = MZ_AUDIO_RATE;
    memcpy(h + 24, &v, 4);
    v = MZ_AUDIO_RATE * 8;
    memcpy(h + 28, &v, 4);
    memcpy(h + 32, &align, 2);
    memcpy(h + 34, &bits, 2);
    memcpy(h + 36, "data", 4);
    memcpy(h + 40, &data, 4);
    bool ok =
        fwrite(h, 1, sizeof h, f) == sizeof h && fwrite(s, sizeof(float) * 2, frames, f) == frames;
    return fclose(f) == 0 && ok;
}

/* Splits a comma-separated list in place. */
static int split_tags(char *list, const char **out, int max)
{
    int n = 0;
    for (char *t = strtok(list, ","); t && n < max; t = strtok(NULL, ","))
        out[n++] = t;
    return n;
}

/* Level and spectrum figures of stereo audio at the mixer's rate. */
static bool print_measurements(const float *stereo, size_t frames)
{
    enum { FFT = 16384 };
    float *mono = malloc(sizeof(float) * (frames ? frames : 1));
    double *power = malloc(sizeof(double) * (FFT / 2 + 1));
    if (!mono || !power) {
        free(mono);
        free(power);
        fprintf(stderr, "audio_demo: out of memory\n");
        return false;
    }
    mz_audio_measure_mono(stereo, frames, mono);
    int spectra = mz_audio_measure_spectrum(mono, frames, FFT, power);
    double rms = mz_audio_measure_rms(mono, frames);
    printf("length            %.2f s\n", (double)frames / MZ_AUDIO_RATE);
    printf("rms               %.4f (%.1f dBFS)\n", rms, 20 * log10(rms + 1e-12));
    printf("peak              %.4f\n", mz_audio_measure_peak(stereo, frames * 2));
    printf("max jump          %.4f (largest |x[n]-x[n-1]|, mono)\n",
           mz_audio_measure_max_jump(mono, frames));
    if (spectra > 0) {
        printf("band flatness     %.3f (octaves 250 Hz-16 kHz; 1 = white)\n",
               mz_audio_measure_band_flatness(power, FFT, MZ_AUDIO_RATE, 250, 16000));
        printf("peak 50-1000 Hz   %.1f Hz\n",
               mz_audio_measure_peak_hz(power, FFT, MZ_AUDIO_RATE, 50, 1000));
        printf("speech band       %.3f of power in 300-3400 Hz\n",
               mz_audio_measure_band_ratio(power, FFT, MZ_AUDIO_RATE, 300, 3400));
    }
    free(mono);
    free(power);
    return true;
}

/* The player's side of mz_audio, measured: one set_listener per frame, the
 * scene calls, and what the mixer thread reports. */
static int run_live(const mz_scene_params *p, const char **tags, int ntags, double seconds,
                    const char *say, const char *file, char *then, double then_valence,
                    double transition)
{
    uint64_t t0 = mz_time_ns();
    mz_audio *a = mz_audio_open(&(mz_audio_desc){.narrate = say != NULL});
    if (!a) return 1;
    printf("open              %.1f ms%s\n", mz_time_ms_since(t0),
           mz_audio_is_silent(a) ? " (silent: no device)" : "");
    const char *files[1] = {file};
    int frames = (int)(seconds * 60), then_at = then ? frames / 2 : -1;
    double *call_us = malloc(sizeof(double) * (size_t)frames), scene_us = 0;
    if (!call_us) return 1;
    t0 = mz_time_ns();
    mz_audio_set_scene(a, p, tags, (size_t)ntags, files, file ? 1 : 0, 1.0f);
    if (say) mz_audio_say(a, say);
    scene_us = mz_time_ms_since(t0) * 1000;
    uint64_t start = mz_time_ns();
    for (int f = 0; f < frames; f++) {
        if (f == then_at) {
            const char *t2[MAX_TAGS];
            int n2 = split_tags(then, t2, MAX_TAGS);
            mz_scene_params p2 = *p;
            if (then_valence >= -1) p2.valence = (float)then_valence;
            t0 = mz_time_ns();
            mz_audio_set_scene(a, &p2, t2, (size_t)n2, NULL, 0, (float)transition);
            double us = mz_time_ms_since(t0) * 1000;
            if (us > scene_us) scene_us = us;
        }
        t0 = mz_time_ns();
        mz_audio_set_listener(a, 0, 0, 0, 0.5f * (float)f / 60.0f);
        call_us[f] = mz_time_ms_since(t0) * 1000;
        double next_ms = (f + 1) * 1000.0 / 60.0 - mz_time_ms_since(start);
        if (next_ms > 0) mz_time_sleep_ms(next_ms);
    }
    mz_audio_stats st = mz_audio_stats_get(a);
    t0 = mz_time_ns();
    mz_audio_close(a);
    double close_ms = mz_time_ms_since(t0);
    mz_stats_sort(call_us, (size_t)frames);
    printf("set_listener      p50 %.1f us, p99 %.1f us, max %.1f us (%d frames)\n",
           call_us[frames / 2], call_us[frames * 99 / 100], call_us[frames - 1], frames);
    printf("set_scene         max %.1f us\n", scene_us);
    printf("close             %.1f ms\n", close_ms);
    printf("mixer             %.2f ms cpu per s of audio, %.2f s rendered, %u buffers queued, "
           "%u underruns, %u beds\n",
           st.cpu_ms_per_s, st.seconds_rendered, st.buffers_queued, st.underruns, st.layers);
    free(call_us);
    return 0;
}

int main(int argc, char **argv)
{
    mz_log_init();
    const char *out_path = "audio_demo.wav", *say = NULL, *file = NULL;
    double seconds = 6, transition = 1, then_valence = -2;
    char *then = NULL;
    bool live = false;
    const char *tags[MAX_TAGS];
    int ntags = 0;
    mz_scene_params p = mz_scene_params_default();
    p.wind = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage();
            return 0;
        } else if (!strcmp(a, "-o") && has)
            out_path = argv[++i];
        else if (!strcmp(a, "-s") && has)
            seconds = atof(argv[++i]);
        else if (!strcmp(a, "--valence") && has)
            p.valence = (float)atof(argv[++i]);
        else if (!strcmp(a, "--energy") && has)
            p.energy = (float)atof(argv[++i]);
        else if (!strcmp(a, "--rain") && has)
            p.rain = (float)atof(argv[++i]);
        else if (!strcmp(a, "--wind") && has)
            p.wind = (float)atof(argv[++i]);
        else if (!strcmp(a, "--storm") && has)
            p.storm = (float)atof(argv[++i]);
        else if (!strcmp(a, "--fire") && has)
            p.light[MZ_LIGHT_FIRE] = (float)atof(argv[++i]);
        else if (!strcmp(a, "--time") && has)
            p.time_of_day = (float)atof(argv[++i]);
        else if (!strcmp(a, "--then") && has)
            then = argv[++i];
        else if (!strcmp(a, "--then-valence") && has)
            then_valence = atof(argv[++i]);
        else if (!strcmp(a, "--transition") && has)
            transition = atof(argv[++i]);
        else if (!strcmp(a, "--say") && has)
            say = argv[++i];
        else if (!strcmp(a, "--file") && has)
            file = argv[++i];
        else if (!strcmp(a, "--live"))
            live = true;
        else if (!strcmp(a, "--measure") && has) {
            mz_clip *c = mz_clip_load(argv[++i]);
            if (!c) {
                fprintf(stderr, "audio_demo: %s\n", mz_error());
                return 1;
            }
            if (c->channels == 1) { /* measure as centred stereo */
                float *st = malloc(sizeof(float) * 2 * (c->frames ? c->frames : 1));
                if (!st) return 1;
                for (size_t k = 0; k < c->frames; k++)
                    st[2 * k] = st[2 * k + 1] = c->samples[k];
                free(c->samples);
                c->samples = st;
                c->channels = 2;
            }
            bool ok = print_measurements(c->samples, c->frames);
            mz_clip_free(c);
            return ok ? 0 : 1;
        } else if (!strcmp(a, "--setting") && has) {
            const char *name = argv[++i];
            int s = 0;
            while (s < MZ_SETTING_COUNT && strcmp(setting_names[s], name))
                s++;
            if (s == MZ_SETTING_COUNT) {
                fprintf(stderr, "audio_demo: unknown setting '%s'\n", name);
                return 2;
            }
            p.setting = (mz_setting)s;
        } else if (a[0] == '-') {
            fprintf(stderr, "audio_demo: unknown option '%s' (see --help)\n", a);
            return 2;
        } else if (ntags < MAX_TAGS)
            tags[ntags++] = a;
    }
    if (seconds <= 0 || seconds > 600) {
        fprintf(stderr, "audio_demo: -s wants 0 < seconds <= 600\n");
        return 2;
    }

    if (live) return run_live(&p, tags, ntags, seconds, say, file, then, then_valence, transition);

    size_t frames = (size_t)(seconds * MZ_AUDIO_RATE);
    float *buf = calloc(frames * 2, sizeof(float));
    mz_mix *mix = malloc(sizeof *mix);
    if (!buf || !mix) {
        fprintf(stderr, "audio_demo: out of memory\n");
        return 1;
    }
    mz_mix_init(mix, 1.0f);
    mz_plan plan;
    mz_plan_scene(&plan, &p, tags, (size_t)ntags);
    for (int i = 0; i < plan.nunknown; i++)
        fprintf(stderr, "audio_demo: unknown tag '%s'\n", plan.unknown[i]);
    mz_mix_set_scene(mix, &plan, 0.05f);
    printf("scene 1:");
    for (int i = 0; i < plan.nbeds; i++)
        printf(" %s(%.2f)", mz_bed_name(plan.beds[i].bed), plan.beds[i].params.intensity);
    printf("\n");

    mz_clip *clip = NULL, *speech = NULL;
    if (file) {
        clip = mz_clip_load(file);
        if (!clip)
            fprintf(stderr, "audio_demo: %s\n", mz_error());
        else
            mz_mix_add_clip(mix, clip, 0.8f, 0.05f);
    }
    if (say) {
        speech = mz_speech_synth(say, NULL);
        if (!speech) fprintf(stderr, "audio_demo: %s\n", mz_error());
    }

    size_t then_at = then ? frames / 2 : frames, say_at = (size_t)(0.5 * MZ_AUDIO_RATE);
    clock_t c0 = clock();
    for (size_t pos = 0; pos < frames;) {
        if (pos == then_at) {
            const char *t2[MAX_TAGS];
            int n2 = split_tags(then, t2, MAX_TAGS);
            mz_scene_params p2 = p;
            if (then_valence >= -1) p2.valence = (float)then_valence;
            mz_plan_scene(&plan, &p2, t2, (size_t)n2);
            mz_mix_set_scene(mix, &plan, (float)transition);
            printf("scene 2 at %.2f s, %.2f s crossfade:", (double)pos / MZ_AUDIO_RATE, transition);
            for (int i = 0; i < plan.nbeds; i++)
                printf(" %s", mz_bed_name(plan.beds[i].bed));
            printf("\n");
        }
        if (speech && pos == say_at) mz_mix_speak(mix, speech);
        /* Blocks end at the scene change and the speech start, so both land
         * on their exact sample. */
        size_t end = pos + MZ_AUDIO_BLOCK;
        if (then_at > pos && then_at < end) end = then_at;
        if (speech && say_at > pos && say_at < end) end = say_at;
        if (end > frames) end = frames;
        mz_mix_render_stereo(mix, buf + 2 * pos, (int)(end - pos));
        pos = end;
    }
    double cpu_ms = (double)(clock() - c0) * 1000.0 / CLOCKS_PER_SEC;

    if (!print_measurements(buf, frames)) return 1;
    printf("drone root        %.1f Hz\n",
           mz_drone_root_hz(mz_drone_tuning_for(p.valence, p.energy, p.brightness).semitone));
    printf("cpu               %.2f ms per second of audio\n", cpu_ms / seconds);
    bool ok = write_wav(out_path, buf, frames);
    if (ok)
        printf("wrote %s\n", out_path);
    else
        fprintf(stderr, "audio_demo: cannot write %s\n", out_path);

    mz_mix_free(mix);
    free(mix);
    mz_clip_free(clip);
    mz_clip_free(speech);
    free(buf);
    return ok ? 0 : 1;
}
