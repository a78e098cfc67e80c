/* mz_play — ways of playing a story; `maze play` picks one. */
#ifndef MZ_PLAY_H
#define MZ_PLAY_H

#include <stdbool.h>
#include <stdint.h>

typedef struct mz_play_headless_desc {
    const char *story_path;
    const char *inputs_path; /* one viewer line per line (any bytes; CRLF is fine) */
    uint64_t seed;           /* 0 -> 1 */
    const char *trace_path;  /* JSON lines, or NULL */
    const char *load_path;   /* start from this save instead of the start scene, or NULL */
    /* The generator: used when a URI or a record folder is given (the
     * story alone otherwise). Each turn then shows frames_per_turn frames. */
    const char *generator;   /* URI; NULL with record_dir -> "procedural" */
    const char *record_dir;  /* every frame shown as a numbered PNG, or NULL */
    int width, height;       /* 0 -> 640x360 */
    float fps;               /* 0 -> 30 */
    int frames_per_turn;     /* 0 -> one second's worth */
    bool no_metadata;        /* recordings without provenance (nor manifest) */
    const char *video_path;  /* a video of the frames shown, with sound and subtitles, or NULL */
    const char *disclosure;  /* the label's text (NULL: the story's), burnt into the video */
    bool no_disclosure;      /*   with video_disclosure; no_disclosure: none */
    bool video_disclosure;
    const char *at;          /* begin in this scene (--at), or NULL */
    const char *lang;        /* one of the story's languages (--lang), or NULL: its first */
    const char *profile;     /* the viewer profile's text (--profile FILE's), or NULL */
    const char *const *sets; /* "NAME=VALUE" set after begin (--set) */
    int set_count;
} mz_play_headless_desc;

/* Plays the inputs through the story with no window, printing a transcript
 * on stdout. A line `undo` takes the last turn back (unless the story
 * switched undo off: then it is an input like any other) (and, with a generator, making the frames each turn shows). Returns the exit code: 0 played (story errors during play are
 * reported and play goes on), 1 the story or the save (load_path) cannot load,
 * 2 the inputs cannot be read. */
int mz_play_headless(const mz_play_headless_desc *desc);

#endif
