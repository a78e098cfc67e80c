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
 * Ownership: the session owns its mz_story and the trace file. The turn
 * given to on_turn and returned by mz_session_turn stays valid until the
 * next call on the session. Threading: one thread. Errors: false / NULL +
 * mz_error(). */
#ifndef MZ_SESSION_H
#define MZ_SESSION_H

#include "mz_story.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct mz_session mz_session;

typedef void (*mz_session_turn_fn)(const mz_story_turn *turn, void *user);

typedef struct mz_session_desc {
    const char *story_path;  /* folder or story.lua (required) */
    uint64_t seed;           /* 0 -> 1 */
    const char *trace_path;  /* JSON lines; NULL -> no trace */
    /* Installation-wide moderation words (copied by the story). */
    const char *const *blocked_words;
    size_t blocked_count;
    mz_session_turn_fn on_turn; /* after each turn; NULL -> none */
    void *user;
} mz_session_desc;

mz_session *mz_session_create(const mz_session_desc *desc);
void mz_session_destroy(mz_session *session);

mz_story *mz_session_story(mz_session *session);
/* The latest turn, or NULL before begin. */
const mz_story_turn *mz_session_turn(const mz_session *session);

bool mz_session_begin(mz_session *session); /* also restarts */
bool mz_session_input(mz_session *session, const char *text, size_t len);

bool mz_session_save(mz_session *session, const char *path);
bool mz_session_load(mz_session *session, const char *path);
/* Re-reads the story's files; the scene and state carry over. */
bool mz_session_reload(mz_session *session);

/* Writes s as a JSON string: escapes quotes, backslashes and control
 * characters, and replaces invalid UTF-8 with U+FFFD. NULL -> null. */
void mz_json_string(FILE *out, const char *s);

#endif
