/* mz_play — ways of playing a story; `maze play` picks one. */
#ifndef MZ_PLAY_H
#define MZ_PLAY_H

#include <stdbool.h>
#include <stdint.h>

/* What both ways of playing take from `maze play`'s options: the command
 * fills it once and hands it to whichever it runs. */
typedef struct mz_play_options {
    uint64_t seed;           /* 0 -> 1 */
    const char *load;        /* start from this save instead of the start scene, or NULL */
    const char *generator;   /* URI; NULL -> "procedural" (headless: see below) */
    const char *trace;       /* JSON lines, one object per turn, or NULL */
    float fps;               /* scene frames per second; 0 -> 30 */
    bool no_metadata;        /* recordings without provenance (nor manifest) */
    const char *video;       /* a video of the frames shown, with sound and subtitles, or NULL */
    const char *disclosure;  /* the label's text; NULL -> the story's (mz_provenance_disclosure) */
    bool no_disclosure;      /* no label */
    bool video_disclosure;   /* headless: burn the label into videos (the window's has its overlay) */
    const char *at;          /* begin (and restart) in this scene (--at), or NULL */
    const char *lang;        /* one of the story's languages (--lang), or NULL: its first */
    const char *profile;     /* the viewer profile's text (--profile FILE's), or NULL */
    const char *const *sets; /* "NAME=VALUE" set after begin (--set) */
    int set_count;
    uint32_t turn_limit_ms;  /* --turn-limit-ms; 0 -> 250 */
} mz_play_options;

typedef struct mz_play_headless_desc {
    mz_play_options play;
    const char *story_path;
    const char *inputs_path; /* one viewer line per line (any bytes; CRLF is fine) */
    /* The generator: used when play.generator, a record folder or a video
     * is given (the story alone otherwise). Each turn then shows
     * frames_per_turn frames. */
    const char *record_dir;  /* every frame shown as a numbered PNG, or NULL */
    int width, height;       /* 0 -> 640x360 */
    int frames_per_turn;     /* 0 -> one second's worth */
    bool narrate;            /* the video's soundtrack speaks the captions (--narrate) */
} mz_play_headless_desc;

/* Plays the inputs through the story with no window, printing a transcript
 * on stdout. A line `undo` takes the last turn back (unless the story
 * switched undo off: then it is an input like any other) (and, with a generator, making the frames each turn shows). Returns the exit code: 0 played (story errors during play are
 * reported and play goes on), 1 the story or the save (load_path) cannot load,
 * 2 the inputs cannot be read. */
int mz_play_headless(const mz_play_headless_desc *desc);

#endif
