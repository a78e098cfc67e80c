/* mz_audio — the soundscape of a scene, and narration, on OpenAL.
 *
 * What it does: each scene gets a procedural soundscape (wind, rain, sea,
 * fire, night insects, city hum, thunder, interior drips, a tonal drone that
 * follows the mood) chosen from the story's sound tags and the scene
 * parameters, plus any sound files the story names. Scene changes crossfade
 * with per-sample gain ramps (no clicks, no gaps). Some beds are placed in
 * space (the sea to one side, a fire ahead) and move as the camera turns.
 * Captions can be spoken (espeak-ng) while the ambience ducks.
 *
 * Use from the player: mz_audio_open once; mz_audio_set_scene on every scene
 * change; mz_audio_set_listener once per frame with the camera; mz_audio_say
 * with a caption when the story narrates; mz_audio_close at the end. There is
 * no per-frame update: a mixer thread refills the streaming buffers (4 x 50 ms
 * per source) and a worker thread synthesises speech and decodes files, so no
 * call here waits on audio work; each takes a mutex for a few microseconds.
 *
 * No sound device: mz_audio_open still returns a handle. It runs silent
 * (mz_audio_is_silent), accepts every call, and logs one warning saying so.
 * Audio never fails the program.
 *
 * Threading: a handle is used from one thread (the player's); the threads it
 * starts are its own. Ownership: every string and array passed in is copied;
 * the caller keeps its own. Only one handle should be open at a time (OpenAL
 * contexts and espeak-ng are process-wide); opening a second is allowed but
 * both share the one speech synthesiser. */
#ifndef MZ_AUDIO_H
#define MZ_AUDIO_H

#include "mz_scene.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mz_audio mz_audio;

typedef struct mz_audio_desc {
    /* OpenAL device name; NULL = the default device. */
    const char *device;
    /* Master volume 0..1; 0 (unset) means 1. Use `muted` for silence. */
    float volume;
    bool muted;
    /* Speak what mz_audio_say is given. Off by default (the player turns it
     * on with --narrate or the story's `narrate = true`). */
    bool narrate;
    /* espeak-ng voice, e.g. "en" or "en-us"; NULL = "en". */
    const char *voice;
} mz_audio_desc;

/* Opens the device and starts the mixer. A zero desc (or NULL) is valid.
 * Never returns NULL except when out of memory; with no device the handle is
 * silent (see above). */
mz_audio *mz_audio_open(const mz_audio_desc *desc);

/* Stops the threads, closes the device, frees the handle. NULL is a no-op. */
void mz_audio_close(mz_audio *a);

/* True when no device could be opened: calls are accepted, nothing plays. */
bool mz_audio_is_silent(const mz_audio *a);

/* Crossfades to a new scene's soundscape over transition_s seconds (at least
 * 30 ms, so even a cut does not click).
 *  params: the scene's parameters (NULL = tags only). Weather and setting add
 *          beds without tags: rain > 0 adds rain, the sea setting adds waves,
 *          fire light adds a fire, a night-time outdoor scene adds insects...
 *  tags:   the story's sound tags ("sea", "wind", "rain", "fire", "night",
 *          "city", "storm", "drone", "interior", "drip"; a few synonyms such
 *          as "waves", "thunder", "cave" are known). Unknown tags are logged
 *          once at info level and ignored.
 *  files:  the story's own WAV (PCM 8/16/24/32-bit or float) or OGG Vorbis
 *          files, as paths the process can open (the caller resolves them
 *          against the story folder); looped on the ambient bed. Decoded on
 *          the worker thread and kept until close; a file that cannot be read
 *          is logged once and skipped.
 * A mood drone is always present, quietly; the "drone" tag brings it forward. */
void mz_audio_set_scene(mz_audio *a, const mz_scene_params *params, const char *const *tags,
                        size_t ntags, const char *const *files, size_t nfiles, float transition_s);

/* The camera, once per frame: position in world units (metres) and yaw in
 * radians (0 looks down -Z, positive turns right). Positional beds are placed
 * around the listener when their scene starts and stay put in the world, so
 * turning the camera swings the sea from one ear to the other. */
void mz_audio_set_listener(mz_audio *a, float x, float y, float z, float yaw);

/* Speaks `text` (copied; UTF-8) when narration is on, replacing anything being
 * spoken; the ambience ducks while it plays. Synthesis runs on the worker
 * thread, so this returns at once. Only pass text the story wants spoken
 * (captions), never the viewer's own words unless the story says so. */
void mz_audio_say(mz_audio *a, const char *text);

/* Turns narration on or off (off also stops what is being spoken). */
void mz_audio_set_narration(mz_audio *a, bool on);
/* The espeak-ng voice for what is said next ("fr"; NULL or "" -> "en"),
 * e.g. the language of the story playing; mz_audio_voice copies it out. */
void mz_audio_set_voice(mz_audio *a, const char *voice);
void mz_audio_voice(mz_audio *a, char *out, size_t cap);
bool mz_audio_narration(const mz_audio *a);

/* Master volume 0..1 (clamped) and mute; changes ramp over ~20 ms and are
 * heard after the queued buffers (<= 200 ms). */
void mz_audio_set_volume(mz_audio *a, float volume);
float mz_audio_volume(const mz_audio *a);
void mz_audio_set_muted(mz_audio *a, bool muted);
bool mz_audio_muted(const mz_audio *a);

typedef struct mz_audio_stats {
    /* Mixer CPU time per second of audio rendered, in ms (thread CPU time). */
    double cpu_ms_per_s;
    double seconds_rendered; /* per source, i.e. the timeline's length */
    uint32_t buffers_queued; /* on all sources, now */
    uint32_t underruns;      /* times a source ran dry and was restarted */
    uint32_t layers;         /* beds playing, including ones fading out */
    bool speaking;
} mz_audio_stats;

/* A snapshot; zeros on a silent handle. */
mz_audio_stats mz_audio_stats_get(const mz_audio *a);

#endif
