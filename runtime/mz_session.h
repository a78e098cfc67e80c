/* mz_session — one playthrough: owns the story, runs its turns, writes the
 * trace, and tells whoever plugs in (the generator, the window) about each
 * turn.
 *
 * The flow: create (loads the story) -> begin -> input... ; save/load/reload
 * at any time after begin. Every turn, begin's included, is written to the
 * trace (one JSON object per line: turn, input, scene, scene_changed,
 * prompt, caption, matched, score, reply, ending, error) and handed to
 * desc.on_turn. Story errors do not stop a session: the turn carries the
 * error and the story keeps its last good state.
 *
 * With a generator (desc.gen), every scene change (or new prompt: a
 * modifier) is submitted to it as a
 * scene request (prompt, seed, sound tags, transition) that continues from
 * the frame on screen; the caller polls the generator and reports each
 * frame it shows with mz_session_frame_shown. A scene-changing turn's trace
 * line then waits for that scene's first frame and gains first_frame_ms
 * (input accepted -> first frame of the new scene shown); other lines get
 * "first_frame_ms":null. Without a generator the trace has no such field.
 *
 * Ownership: the session owns its mz_story and the trace file; the
 * generator is the caller's. The turn
 * given to on_turn and returned by mz_session_turn stays valid until the
 * next call on the session. Threading: one thread. Errors: false / NULL +
 * mz_error(). */
#ifndef MZ_SESSION_H
#define MZ_SESSION_H

#include "mz_gen.h"
#include "mz_story.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct mz_session mz_session;

typedef void (*mz_session_turn_fn)(const mz_story_turn *turn, void *user);

typedef struct mz_session_desc {
    const char *story_path; /* folder or story.lua (required) */
    uint64_t seed;          /* 0 -> 1 */
    const char *trace_path; /* JSON lines; NULL -> no trace */
    /* Installation-wide moderation words (copied by the story). */
    const char *const *blocked_words;
    size_t blocked_count;
    mz_session_turn_fn on_turn; /* after each turn; NULL -> none */
    void *user;
    mz_gen *gen;       /* scenes go here; NULL -> the story alone. Not owned. */
    int width, height; /* frame size asked of the generator; 0 -> its default */
    float fps;         /* 0 -> the generator's default */
    /* Play from here (`maze play --at SCENE --set NAME=VALUE`): begin (and
     * every restart) enters `at` instead of the start scene, then sets each
     * "NAME=VALUE". Copied. */
    const char *at;
    const char *const *sets;
    size_t set_count;
    const char *lang; /* one of the story's languages, or NULL: its first. Copied. */
    const char *profile; /* the viewer profile's text (mz_story_desc.profile), or NULL. Copied. */
    uint32_t turn_limit_ms; /* CPU time a turn's story code may take; 0 -> 250 (mz_story_desc) */
} mz_session_desc;

mz_session *mz_session_create(const mz_session_desc *desc);
void mz_session_destroy(mz_session *session);

mz_story *mz_session_story(mz_session *session);
/* The latest turn, or NULL before begin. */
const mz_story_turn *mz_session_turn(const mz_session *session);

bool mz_session_begin(mz_session *session); /* also restarts */
bool mz_session_input(mz_session *session, const char *text, size_t len);
/* Takes the last turn back (a bounded history of 32 turns; cleared by
 * begin, load and reload). false + mz_error() when there is nothing to undo
 * or the story switched undo off. */
bool mz_session_undo(mz_session *session);
/* mz_session_input for a line from elsewhere than the keyboard: its trace
 * line says "from":source ("audience", issue 11). source is a string
 * constant (kept, not copied). */
bool mz_session_input_from(mz_session *session, const char *text, size_t len, const char *source);

/* The frame now on screen, polled from desc.gen. It is the conditioning of
 * the next scene change: the struct is copied, its pixels must stay valid
 * until the next call on the session (a polled frame's do if every polled
 * frame is reported here). */
void mz_session_frame_shown(mz_session *session, const mz_frame *frame);

/* Uses gen from now on (the old one closed by its owner: the kiosk reopens
 * a generator that failed) and sends it the current scene again. */
bool mz_session_set_gen(mz_session *session, mz_gen *gen);

/* The frame size asked of the generator from the next scene on. */
void mz_session_set_size(mz_session *session, int width, int height);

/* The id of the last scene request submitted to desc.gen (0: none yet). A
 * frame with this scene_id is the new scene's; the window shows "working"
 * until the first one is on screen. */
uint64_t mz_session_scene_id(const mz_session *session);

bool mz_session_save(mz_session *session, const char *path);
bool mz_session_load(mz_session *session, const char *path);
/* Re-reads the story's files; the scene and state carry over. */
bool mz_session_reload(mz_session *session);

/* Writes s as a JSON string (escaped by cJSON), invalid UTF-8 replaced
 * with U+FFFD. NULL -> null. */
/* How long the change into t's scene takes at fps, for what follows the
 * picture (the sound's crossfade): its transition_steps frames when it has
 * them (fps 0: the default fps), else its seconds (mz_scene_request_defaults'
 * rule). */
float mz_session_transition_s(const mz_story_turn *t, float fps);
void mz_json_string(FILE *out, const char *s);

#endif
