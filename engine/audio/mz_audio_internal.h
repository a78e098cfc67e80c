/* mz_audio_internal — the parts of engine/audio below the OpenAL device:
 * procedural synthesis (mz_synth), the scene -> beds plan (mz_plan), the
 * mixer that crossfades beds onto buses (mz_mix), decoded sound files
 * (mz_clip) and speech synthesis (mz_speech). None of these touch OpenAL or
 * start threads, so tests and tools/audio_demo drive them on plain buffers.
 *
 * Threading: an mz_synth / mz_mix belongs to one thread at a time (the
 * device's mixer thread). Clips are immutable once made and may be shared
 * between threads. mz_speech_synth serialises itself (espeak-ng is global). */
#ifndef MZ_AUDIO_INTERNAL_H
#define MZ_AUDIO_INTERNAL_H

#include "mz_scene.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MZ_AUDIO_RATE 44100
/* One streaming buffer: 50 ms. Four are queued per source. */
#define MZ_AUDIO_BLOCK 2205
#define MZ_AUDIO_QUEUE 4
/* An author's file plays at this gain on the ambience. */
#define MZ_AUDIO_CLIP_LEVEL 0.8f

/* ---- sound files and speech: decoded audio ---- */

/* Decoded audio at MZ_AUDIO_RATE, interleaved, `channels` 1 or 2. */
typedef struct mz_clip {
    float *samples;
    size_t frames;
    int channels;
} mz_clip;

/* Reads a WAV (PCM 8/16/24/32-bit integer, 32-bit float, plain or
 * WAVE_FORMAT_EXTENSIBLE) or OGG Vorbis file, keeping at most two channels
 * and resampling to MZ_AUDIO_RATE. NULL + mz_fail() on error. */
mz_clip *mz_clip_load(const char *path);
/* As mz_clip_load for a WAV image in memory. */
mz_clip *mz_clip_parse_wav(const uint8_t *data, size_t size);
/* Takes ownership of `samples` (malloc'd) at `rate`, resampling if needed. */
mz_clip *mz_clip_make(float *samples, size_t frames, int channels, int rate);
void mz_clip_free(mz_clip *clip);

/* Speaks `text` with espeak-ng into a mono clip at MZ_AUDIO_RATE. `voice`
 * NULL = "en". NULL + mz_fail() if espeak-ng or its data is missing. */
mz_clip *mz_speech_synth(const char *text, const char *voice);

/* ---- beds: procedural sound generators ---- */

typedef enum mz_bed {
    MZ_BED_WIND,
    MZ_BED_RAIN,
    MZ_BED_SEA,   /* positional: to one side */
    MZ_BED_FIRE,  /* positional: ahead */
    MZ_BED_NIGHT, /* insects */
    MZ_BED_CITY,
    MZ_BED_THUNDER,
    MZ_BED_DRIP,   /* interior: room tone and drips, positional */
    MZ_BED_DRONE,  /* tonal, follows the mood */
    MZ_BED_CLIP,   /* an author's file, looped */
    MZ_BED_SPEECH, /* narration, played once */
    MZ_BED_COUNT
} mz_bed;

const char *mz_bed_name(mz_bed bed);

/* The drone's tuning from the mood: valence picks major (>= 0) or minor,
 * energy raises the root by up to 5 semitones above A2 (110 Hz), and
 * brightness (0..1, from valence, energy and the scene's brightness) sets how
 * many harmonics are heard. */
typedef struct mz_drone_tuning {
    int semitone; /* above A2 */
    bool minor;
    float brightness;
} mz_drone_tuning;

mz_drone_tuning mz_drone_tuning_for(float valence, float energy, float scene_brightness);
float mz_drone_root_hz(int semitone);

/* What a bed should sound like; fields a bed does not use are ignored. */
typedef struct mz_synth_params {
    float intensity; /* 0..1: how much rain, how strong the wind */
    mz_drone_tuning drone;
    const mz_clip *clip; /* MZ_BED_CLIP and MZ_BED_SPEECH; not owned */
} mz_synth_params;

#define MZ_SYNTH_PARTIALS 8
#define MZ_SYNTH_VOICES 3
#define MZ_SYNTH_INSECTS 3
#define MZ_SYNTH_ECHO 5292 /* 120 ms */

/* A TPT state-variable filter: stable while its cutoff is modulated. */
typedef struct mz_svf {
    float g, k, ic1, ic2;
} mz_svf;

/* A sine oscillator as a rotating phasor: no sinf per sample. */
typedef struct mz_osc {
    float c, s, wc, ws;
} mz_osc;

/* A cricket: chirps of `pulses` pulses every `period` seconds. */
typedef struct mz_insect {
    float freq, pan, pulse_hz, period;
    double start, next;
    int pulses;
    mz_osc osc;
} mz_insect;

/* One generator's state; plain data, no allocation. */
typedef struct mz_synth {
    mz_bed bed;
    int channels; /* 2 or 1, as given to mz_synth_init */
    uint32_t rng;
    mz_synth_params params;
    float intensity; /* glides towards params.intensity */
    double t;        /* seconds rendered */
    union {
        struct {
            float gust, gust_target;
            double next;
            mz_svf bp[2];
        } wind;
        struct {
            float lp[2], click[2];
        } rain;
        struct {
            mz_svf lp;
            float hiss_lp;
        } sea;
        struct {
            mz_svf rumble, crackle;
            float flicker, flicker_target, crack;
            double next, next_flicker;
        } fire;
        struct {
            mz_insect insect[MZ_SYNTH_INSECTS];
            mz_svf bg[2];
        } night;
        struct {
            mz_osc hum[2][4];
            mz_svf rumble[2], pass;
            float level, level_target, pass_dir;
            double next, next_level, pass_start;
        } city;
        struct {
            mz_svf lp[2];
            float env, peak, decay, roll, roll_target;
            double next, attack_end, next_roll;
        } thunder;
        struct {
            mz_svf room;
            float amp, freq, phase;
            double next, start;
            float echo[MZ_SYNTH_ECHO];
            int echo_pos;
        } drip;
        struct {
            mz_osc osc[2][MZ_SYNTH_VOICES * MZ_SYNTH_PARTIALS];
            float amp[MZ_SYNTH_VOICES * MZ_SYNTH_PARTIALS];
            float brightness;
        } drone;
        struct {
            size_t pos;
            bool done;
        } clip;
    } u;
} mz_synth;

/* channels: 2 (stereo) or 1 (mono), as the bus the bed plays on takes it
 * (the mixer's mz_bus_channels; the synth does not know the buses). */
void mz_synth_init(mz_synth *s, mz_bed bed, int channels, const mz_synth_params *p, uint32_t seed);
/* New parameters; intensity and brightness glide there over about a second,
 * so retargeting never steps the signal. */
void mz_synth_retarget(mz_synth *s, const mz_synth_params *p);
/* Writes `frames` frames of s->channels interleaved samples (replaces). */
void mz_synth_render(mz_synth *s, float *out, int frames);

/* ---- the plan: which beds a scene wants ---- */

#define MZ_PLAN_MAX 16
#define MZ_PLAN_FILES 8

typedef struct mz_plan_bed {
    mz_bed bed;
    float level; /* gain when fully faded in */
    mz_synth_params params;
} mz_plan_bed;

typedef struct mz_plan {
    mz_plan_bed beds[MZ_PLAN_MAX];
    int nbeds;
    /* Unknown tags, for the caller to log (pointers into the caller's tags). */
    const char *unknown[MZ_PLAN_MAX];
    int nunknown;
} mz_plan;

/* Maps tags and parameters (either may be empty/NULL) to beds. Pure. */
void mz_plan_scene(mz_plan *plan, const mz_scene_params *params, const char *const *tags,
                   size_t ntags);
const mz_plan_bed *mz_plan_find(const mz_plan *plan, mz_bed bed);

/* ---- the mixer: beds on buses, with gain ramps ---- */

/* Bus 0 is the stereo ambience (non-positional); the others are mono
 * sources placed in space, one per positional bed. */
typedef enum mz_bus { MZ_BUS_AMBIENT, MZ_BUS_SEA, MZ_BUS_FIRE, MZ_BUS_DRIP, MZ_BUS_COUNT } mz_bus;

mz_bus mz_bed_bus(mz_bed bed);
int mz_bus_channels(mz_bus bus);
/* Where a positional bus's bed is placed, relative to the listener when its
 * scene starts: x right, y up, z backwards (OpenAL's axes), metres. */
void mz_bus_anchor(mz_bus bus, float out[3]);

#define MZ_MIX_LAYERS 24
/* Shortest fade: a cut still ramps over this long. */
#define MZ_MIX_MIN_FADE_S 0.03f

/* A bed's loudness is level x sin(fade * pi/2): `fade` (0..1) carries fades
 * in and out, equal-power so two unrelated beds crossfading keep the total
 * power; `level` glides between scenes that both have the bed. Both move
 * linearly by their step per sample. */
typedef struct mz_mix_layer {
    mz_synth synth;
    mz_bus bus;
    float level, level_target, level_step;
    float fade, fade_target, fade_step;
} mz_mix_layer;

typedef struct mz_mix {
    mz_mix_layer *layers[MZ_MIX_LAYERS];
    int nlayers;
    float master_target;
    float master[MZ_BUS_COUNT]; /* per bus: buses render independently */
    float duck[MZ_BUS_COUNT];
    uint32_t seed;
    uint64_t frames[MZ_BUS_COUNT];
    float scratch[2 * MZ_AUDIO_BLOCK];
    float bus_scratch[MZ_AUDIO_BLOCK];
    float duck_curve[MZ_AUDIO_BLOCK], master_curve[MZ_AUDIO_BLOCK];
} mz_mix;

/* master: the initial master gain (volume, 0 when muted). */
void mz_mix_init(mz_mix *m, float master);
void mz_mix_free(mz_mix *m);
/* Crossfades to the plan's beds over transition_s (>= MZ_MIX_MIN_FADE_S).
 * Beds already playing glide to their new parameters; others fade in or out.
 * Returns a bit per bus (1 << bus) that got a bed where it had none: the
 * caller places that bus's source (mz_bus_anchor). */
unsigned mz_mix_set_scene(mz_mix *m, const mz_plan *plan, float transition_s);
/* Adds the author's clip (looped, ambient) fading in; keeps one layer per
 * clip, so adding a clip already playing only retargets it. */
void mz_mix_add_clip(mz_mix *m, const mz_clip *clip, float level, float transition_s);
/* Fades out clips not in keep[] over transition_s. */
void mz_mix_keep_clips(mz_mix *m, const mz_clip *const *keep, int nkeep, float transition_s);
/* Plays speech once on the ambience, replacing (quickly fading) any other;
 * NULL just stops speech. The ambience ducks while speech plays. */
void mz_mix_speak(mz_mix *m, const mz_clip *speech);
bool mz_mix_speaking(const mz_mix *m);
/* Whether a layer still plays `clip` (its owner frees it once none does). */
bool mz_mix_plays(const mz_mix *m, const mz_clip *clip);
/* Master gain target (volume, or 0 when muted); ramps over ~20 ms. */
void mz_mix_set_master(mz_mix *m, float gain);
/* Renders `frames` (<= MZ_AUDIO_BLOCK) frames of a bus: mz_bus_channels
 * interleaved samples. Layers that have faded out are removed. */
void mz_mix_render(mz_mix *m, mz_bus bus, float *out, int frames);
/* Renders every bus and pans the positional ones by their anchors into one
 * stereo buffer (for offline rendering: tests, tools/audio_demo). */
void mz_mix_render_stereo(mz_mix *m, float *out, int frames);

#endif
