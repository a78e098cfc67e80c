/* mz_recorder — a playthrough video being made: the frames shown, the
 * soundscape of each scene and, when narrating, each new scene's caption
 * spoken (both rendered offline by mz_audio_offline, so it needs no sound
 * device and stays in step with the frames), the story's
 * captions and the viewer's lines as subtitles, the provenance as container
 * metadata, and a manifest sidecar (FILE.json) when it closes.
 *
 * It joins engine/record (the encoder) and engine/audio (the mixer), which
 * do not know each other. Used by `maze gen --video`, `maze play --headless
 * --video` and the window (--video, F10).
 *
 * Ownership: open/close; strings are copied. Threading: one thread (the
 * encoder has its own). Errors: NULL / false + mz_error(). */
#ifndef MZ_RECORDER_H
#define MZ_RECORDER_H

#include "mz_gen.h"
#include "mz_provenance.h"
#include "mz_record_video.h"
#include "mz_story.h"
#include "overlay.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct mz_recorder mz_recorder;

typedef struct mz_recorder_desc {
    const char *path;            /* FILE.mp4 or FILE.webm (required) */
    int width, height;           /* of the frames (required; even) */
    float fps;                   /* 0 -> 30 */
    bool realtime;               /* the window: drop frames rather than stall */
    const mz_provenance *provenance; /* NULL or off: no metadata, no manifest */
    const char *title;           /* the container's title (story title or prompt) */
    const char *generator;       /* URI for the manifest; NULL -> procedural */
    uint64_t seed;
    const char *disclosure;      /* burnt into the picture's corner; NULL -> none */
    bool narrate;                /* speak each new scene's caption, as the player does */
    const char *voice;           /* espeak-ng voice (the story's language); NULL -> "en" */
} mz_recorder_desc;

mz_recorder *mz_recorder_open(const mz_recorder_desc *desc);

/* A story turn: the sound follows its scene (and, narrating, a new scene's
 * caption is spoken) and the subtitles show the viewer's line and the
 * caption (or the story's reply). */
void mz_recorder_turn(mz_recorder *r, const mz_story_turn *turn);
/* A scene without a story (maze gen): its prompt is the sound and caption. */
void mz_recorder_scene(mz_recorder *r, const char *prompt, float transition_s);

/* What is burnt into the picture from the next frame on: `st` drawn by the
 * player's overlay at the video's size (the window hands it what its
 * viewer sees, less the recording indicator; the desc's disclosure is
 * {.disclosure = TEXT}); NULL: nothing. False + mz_error() when it cannot
 * be drawn (the video goes on with the last one). */
bool mz_recorder_overlay(mz_recorder *r, const mz_overlay_state *st);

/* The next frame shown (its size must be the desc's), with 1/fps s of sound. */
bool mz_recorder_frame(mz_recorder *r, const mz_frame *frame);

mz_record_video_stats mz_recorder_stats(mz_recorder *r);

/* Finishes the video and writes FILE.json (the manifest). backend: the
 * generator that made the frames (mz_gen_stats.backend). */
bool mz_recorder_close(mz_recorder *r, const char *backend, mz_record_video_stats *stats);

#endif
