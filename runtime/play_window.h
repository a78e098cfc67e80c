/* play_window — the windowed player: `maze play STORY`.
 *
 * A mz_player runs one window: SDL2 events, the input line, the story, the
 * generator's frames, the overlay, mz_render presenting on Vulkan. The
 * program calls mz_player_step() until it returns false; mz_play_window()
 * is that loop.
 *
 * Offscreen (tests, no X): no window and no SDL video, only SDL's event
 * queue (SDL_PushEvent works) and a headless render target of the given
 * size; everything else — event handling, story, generator, overlay,
 * composite — is the same code as in the window.
 *
 * Ownership: the caller owns the mz_player; options' strings must outlive it.
 * Errors: NULL with mz_error(); mz_play_window returns an exit status. */
#ifndef MZ_PLAY_WINDOW_H
#define MZ_PLAY_WINDOW_H

#include "mz_audio.h"
#include "mz_play.h"
#include "mz_qr.h"
#include "mz_story.h"
#include <stdbool.h>
#include <stdint.h>

typedef struct mz_player mz_player;

typedef struct mz_player_desc {
    const char *story;         /* folder; NULL -> pick one from stories_dir */
    const char *stories_dir;   /* NULL -> "stories" */
    mz_play_options play;      /* what headless play takes too (mz_play.h) */
    const char *gen_fallback;  /* a remote generator's stand-in (mz_gen_desc.fallback):
                                   NULL -> procedural, "" -> none */
    int width, height;         /* window / target size; 0 -> 1280x720 */
    int gen_width, gen_height; /* size scenes are generated at; 0 -> the window's
                                  (on a CPU at most 640x360), stepped down (not
                                  below 640x360) while the generator holds under
                                  24 fps */
    bool fullscreen;
    bool narrate; /* speak captions (when audio is available) */
    float volume; /* 0..1; 0 -> 1 (F7/F8 change it) */
    bool muted;   /* start muted (F6 toggles) */
    bool no_vsync;
    const char *save_dir; /* quick saves and screenshots; NULL -> "." */
    bool offscreen;       /* no window (see above) */
    /* Kiosk (maze exhibit): no cursor; Esc, window-close and quit events do
     * nothing; the F keys only with author_keys; no "the end" notice (the
     * caller shows its own banner). on_key, when set, sees each key press
     * (text = false, key its SDL keycode) and typed text (true, key 0)
     * first; false drops the event. on_line, when set, sees each line the
     * viewer typed before it is played (it may start a new story, which the
     * line then goes into). */
    bool kiosk;
    bool author_keys;
    bool hidden; /* open the window hidden, until mz_player_show (a standby kiosk) */
    bool (*on_key)(void *user, bool text, int key);
    void (*on_line)(void *user, const char *line);
    void *key_user;
} mz_player_desc;

mz_player *mz_player_create(const mz_player_desc *desc);
/* Handles pending events, takes new frames, draws and presents one frame.
 * false once the player should close (quit confirmed, window closed, or a
 * fatal error: then mz_player_failed() is true and mz_error() says why). */
bool mz_player_step(mz_player *p);
bool mz_player_failed(const mz_player *p);
void mz_player_destroy(mz_player *p);

/* A video is being recorded (--video, F10). */
bool mz_player_recording(const mz_player *p);

/* What tests look at. */
const char *mz_player_scene(const mz_player *p); /* current scene id, "" before */
bool mz_player_scene_shown(const mz_player *p);  /* its first frame is on screen */
int mz_player_turns(const mz_player *p);
uint64_t mz_player_frames_presented(const mz_player *p);
/* The size of the frames on screen, and the size the generator drew them
 * at before scaling (0s before the first frame). */
void mz_player_frame_size(const mz_player *p, int *width, int *height, int *drawn_w, int *drawn_h);
/* Presents once more and reads it back (malloc'd RGBA; caller frees). */
uint8_t *mz_player_screenshot(mz_player *p, int *width, int *height);
/* The captions band's top row in the last overlay drawn, -1 if none. */
int mz_player_band_top(const mz_player *p);
/* Vulkan validation errors counted on the player's gpu. */
uint32_t mz_player_validation_errors(const mz_player *p);
/* The last scene's input -> first frame presented, ms. */
double mz_player_first_frame_ms(const mz_player *p);
/* The last notice shown to the viewer (saved, reloaded, a story error...). */
const char *mz_player_notice(const mz_player *p);
/* The caption on screen, "" before the first scene. */
const char *mz_player_caption(const mz_player *p);
/* The player's sound (silent without a device); owned by the player. */
mz_audio *mz_player_audio(const mz_player *p);

/* The whole windowed run: returns the process exit status (2 with a message
 * on stderr when there is no display). */
/* The F3 state inspector's text as last drawn, or NULL while it is hidden. */
const char *mz_player_inspector(const mz_player *p);

int mz_play_window(const mz_player_desc *desc);

/* For the kiosk (exhibit_kiosk.c). */
/* A fresh play of STORY: new state and seed; the input line is kept (the
 * visitor's first keystroke) unless clear_input. */
bool mz_player_new_story(mz_player *p, const char *story, uint64_t seed, bool clear_input);
/* The language (one of the story's, NULL: its first) and viewer profile
 * ("tone=eerie", NULL: the defaults) of the stories started from now on,
 * instead of desc.play's (copied). */
void mz_player_set_viewer(mz_player *p, const char *lang, const char *profile);
/* The last turn played (its input is the viewer's sanitised text), or NULL. */
const mz_story_turn *mz_player_turn(const mz_player *p);
/* The story playing (owned by the player, replaced by the next new story),
 * or NULL before one loaded. */
const mz_story *mz_player_story(const mz_player *p);
/* The label saying the scenes are generated, or NULL when off. */
const char *mz_player_disclosure(const mz_player *p);
/* Plays text as if typed and entered (attract's demo lines). */
bool mz_player_submit(mz_player *p, const char *text);
/* The ending reached, or NULL while the story goes on. */
const char *mz_player_ending(const mz_player *p);
/* A centred card over everything (copied); NULL or "" hides it. */
void mz_player_set_banner(mz_player *p, const char *text);
/* Shows and raises a window opened hidden. */
void mz_player_show(mz_player *p);
/* Frames taken from the generator so far. */
uint64_t mz_player_frames_taken(const mz_player *p);
/* Closes the generator and opens it again, asking for the current scene. */
bool mz_player_reopen_generator(mz_player *p);
/* The audience's phones (issue 11). */
/* The QR code to the audience page in its corner with the URL (qr is
 * borrowed, url copied; NULL hides it), and a line over the picture: the
 * audience's line being played, or the vote's tally (copied; NULL hides). */
void mz_player_set_audience(mz_player *p, const mz_qr *qr, mz_qr_corner corner, const char *url,
                            const char *line);
/* mz_player_submit for a line from elsewhere: the trace says "from":source
 * (a string constant). */
bool mz_player_submit_from(mz_player *p, const char *text, const char *source);
/* The current scene's transitions that have patterns, at most cap (the
 * story's strings, valid until the next turn); returns how many. A vote's
 * choice is a transition's first pattern. */
size_t mz_player_choices(mz_player *p, mz_story_transition_info *out, size_t cap);
/* Which of those choices `text` says, as the story matches typed input
 * (mz_story_match: its language, its synonyms): its index in
 * mz_player_choices' list, or -1. */
int mz_player_match(mz_player *p, const char *text);
/* Shown fps, and the generator's backend (with fallback) and first-frame p95. */
void mz_player_stats(mz_player *p, double *fps, char backend[32], bool *fallback,
                     double *first_frame_p95_ms);

#endif
