/* mz_story — a Lua story graph, run sandboxed.
 *
 * A story is a folder with story.lua (API: docs/story-api.md). Loading runs
 * it once in a fresh sandboxed Lua state (allow-listed globals, a capped
 * allocator, an instruction budget per call) and validates the graph.
 * Every host -> Lua call goes through one pcall wrapper; a Lua error, a
 * runaway loop or a bad transition becomes an error message of the form
 * "stories/x/story.lua:42: message" and the story keeps its last good state.
 *
 * Playing: mz_story_begin enters the start scene; each mz_story_input takes
 * one line of viewer text (any bytes: it is sanitised and moderated here),
 * matches it against the current scene's transitions, runs conditions,
 * effects and hooks, and composes the prompt for the generator.
 * Given the same seed and the same inputs, a playthrough is identical.
 *
 * Ownership: the caller owns the mz_story. Strings in a mz_story_turn belong
 * to the story and stay valid until the next call on it.
 * Threading: one thread per mz_story. Errors: false / NULL + mz_error(). */
#ifndef MZ_STORY_H
#define MZ_STORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct mz_story mz_story;

typedef struct mz_story_desc {
    const char *path;  /* story folder, or its story.lua */
    uint64_t seed;     /* 0 -> 1 */
    /* Installation-wide moderation list, added to the story's own. Copied. */
    const char *const *blocked_words;
    size_t blocked_count;
    uint32_t instruction_budget; /* per callback; 0 -> 1,000,000 */
    size_t memory_limit;         /* bytes for the Lua state; 0 -> 64 MiB */
    size_t max_input_bytes;      /* 0 -> MZ_TEXT_DEFAULT_MAX; at most 1024 */
} mz_story_desc;

typedef struct mz_story_turn {
    int turn;               /* 0 for begin, then 1, 2, ... */
    const char *input;      /* the viewer's text after sanitising; "" for begin */
    const char *scene;      /* scene id after the turn */
    bool scene_changed;     /* a new scene was entered (begin counts) */
    const char *prompt;     /* the full composed prompt: style, scene, characters, modifiers */
    const char *caption;    /* the scene's caption/narration ("" if none) */
    const char *reply;      /* a reply to the viewer (no match, or a transition's), or NULL */
    const char *matched;    /* the pattern that matched, or NULL */
    float score;            /* its score (best seen when nothing matched) */
    const char *const *sound; /* the scene's sound tags */
    size_t sound_count;
    const char *const *sound_files; /* author's own sound files, paths relative to cwd */
    size_t sound_file_count;
    float transition_s;     /* how long the change into this scene should take */
    uint64_t seed;          /* generation seed for this scene (stable across visits) */
    bool ended;             /* the scene is an ending */
    const char *ending;     /* its name, or NULL */
    const char *error;      /* "file:line: message" if story code failed this turn
                               (the turn was rolled back), else NULL */
} mz_story_turn;

mz_story *mz_story_load(const mz_story_desc *desc);
void mz_story_destroy(mz_story *s);

const char *mz_story_title(const mz_story *s);
const char *mz_story_path(const mz_story *s); /* the story.lua path */
bool mz_story_narrate(const mz_story *s);     /* the story asks for spoken captions */
/* The story's disclosure label: its own text, "" when it turns the label
 * off (disclosure = false), NULL when it leaves the player's default. */
const char *mz_story_disclosure(const mz_story *s);

bool mz_story_begin(mz_story *s, mz_story_turn *out);
/* false only for misuse (before begin); story errors come back in out->error. */
bool mz_story_input(mz_story *s, const char *text, size_t len, mz_story_turn *out);

/* Re-reads the story's files, keeping the current scene and state. On error
 * the running story is untouched and false is returned. */
bool mz_story_reload(mz_story *s);

/* The current turn again, with the prompt and caption composed afresh (after
 * a reload, the edited prompt shows at once). false only before begin. */
bool mz_story_refresh(mz_story *s, mz_story_turn *out);

/* Atomic (write to a temporary file, then rename) and versioned. */
bool mz_story_save(const mz_story *s, const char *path);
/* Restores a save; fails with a clear message if it belongs to another story
 * or its scene no longer exists. Fills *out with the restored scene. */
bool mz_story_restore(mz_story *s, const char *path, mz_story_turn *out);

/* Authoring tools. Each problem is reported with file and line. */
typedef void (*mz_story_report_fn)(const char *file, int line, const char *message, void *user);
/* Returns the number of problems found (a story that cannot load is one). */
int mz_story_lint(const char *path, mz_story_report_fn report, void *user);
/* Writes the graph in Graphviz DOT. */
bool mz_story_graph_dot(const char *path, FILE *out);

#endif
