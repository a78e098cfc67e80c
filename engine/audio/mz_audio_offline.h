/* mz_audio_offline — the soundscape mz_audio plays, rendered on demand into
 * the caller's buffer instead of a device: the same plan and mixer, no
 * OpenAL, no threads, and deterministic (the same calls give the same
 * samples). Recordings take their soundtrack from it, so a video has sound
 * with no sound device (or ALSOFT_DRIVERS=null) and stays in step with its
 * frames.
 *
 * Positional beds are panned by their anchors (no listener movement), as in
 * tools/audio_demo. Authors' files are decoded when their scene is set (on
 * the caller's thread; at most MZ_AUDIO_OFFLINE_FILES distinct files are
 * kept). Narration is spoken into it as mz_audio_say speaks it (espeak-ng,
 * the ambience ducking), synthesised on the caller's thread when it is
 * asked for, so the same calls still give the same samples.
 *
 * Threading: one thread at a time. Ownership: create/destroy; strings and
 * arrays are copied. Errors: create returns NULL (out of memory); a file
 * that cannot be read is logged and skipped. */
#ifndef MZ_AUDIO_OFFLINE_H
#define MZ_AUDIO_OFFLINE_H

#include "mz_scene.h"

#include <stdbool.h>
#include <stddef.h>

#define MZ_AUDIO_OFFLINE_RATE 44100
#define MZ_AUDIO_OFFLINE_FILES 16

typedef struct mz_audio_offline mz_audio_offline;

mz_audio_offline *mz_audio_offline_create(void);
void mz_audio_offline_destroy(mz_audio_offline *a);

/* As mz_audio_set_scene: crossfades to the scene's beds (and files). */
void mz_audio_offline_set_scene(mz_audio_offline *a, const mz_scene_params *params,
                                const char *const *tags, size_t ntags, const char *const *files,
                                size_t nfiles, float transition_s);

/* Speaks `text` (UTF-8, copied) from the next sample rendered, replacing
 * what is being said; NULL or "" stops speech. voice: an espeak-ng voice
 * ("en", "fr"; NULL or "" -> "en"). False + mz_error() when espeak-ng cannot
 * say it (no voice, no data): the soundscape goes on without it. */
bool mz_audio_offline_say(mz_audio_offline *a, const char *text, const char *voice);

/* The next `frames` frames of interleaved stereo float at
 * MZ_AUDIO_OFFLINE_RATE. */
void mz_audio_offline_render(mz_audio_offline *a, float *stereo, size_t frames);

#endif
