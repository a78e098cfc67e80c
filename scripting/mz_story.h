/* mz_story — a Lua story graph, run sandboxed.
 *
 * A story is a folder with story.lua (API: docs/story-api.md). Loading runs
 * it once in a fresh sandboxed Lua state (allow-listed globals, a capped
 * allocator, an instruction budget per call, a CPU-time limit per turn and
 * per load) and validates the graph.
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

/* The most a story's text may be, in bytes (docs/story-api.md): a longer
 * static text fails the load, a longer one made in play fails the turn. */
#define MZ_STORY_MAX_PROMPT 8192  /* the composed prompt, characters expanded */
#define MZ_STORY_MAX_CAPTION 8192
#define MZ_STORY_MAX_REPLY 2048
/* A scene's weighted prompts and its transition in frames (issue 16; the
 * generator's limits, mz_gen.h). */
#define MZ_STORY_MAX_PROMPTS 8
#define MZ_STORY_MAX_TRANSITION_STEPS 600

typedef struct mz_story_desc {
    const char *path;  /* story folder, or its story.lua */
    uint64_t seed;     /* 0 -> 1 */
    /* Installation-wide moderation list, added to the story's own. Copied. */
    const char *const *blocked_words;
    size_t blocked_count;
    uint32_t instruction_budget; /* per callback; 0 -> 1,000,000 */
    /* CPU time a turn's story code may take (all its callbacks together,
     * pattern matching included), and loading the story's files. */
    uint32_t time_limit_ms;      /* 0 -> 250 */
    uint32_t load_time_limit_ms; /* 0 -> 5,000 */
    size_t memory_limit;         /* bytes for the Lua state; 0 -> 64 MiB */
    size_t max_input_bytes;      /* 0 -> MZ_TEXT_DEFAULT_MAX; at most 1024 */
    /* One of the story's languages ("fr"); NULL -> its first. Loading fails,
     * naming the ones it has, for a language the story does not declare. */
    const char *lang;
    /* The viewer profile: "tone = eerie" lines (a --profile file's text) or
     * "tone=eerie,pace=slow". Only fields the story declares (story {
     * viewer = ... }) are read; a value it does not declare fails the load.
     * NULL: each field's first value. Copied. */
    const char *profile;
} mz_story_desc;

/* What a turn has that a viewer variant (or story code reading `viewer`)
 * made, in mz_story_turn.varied: everything else is the same for every
 * profile. */
enum {
    MZ_STORY_VARIED_STYLE = 1,  /* the palette: the style before the prompt */
    MZ_STORY_VARIED_PROMPT = 2, /* the scene's prompt */
    MZ_STORY_VARIED_CAPTION = 4,
    MZ_STORY_VARIED_ROUTE = 8, /* the transition taken led elsewhere */
    MZ_STORY_VARIED_CODE = 16, /* other story code read `viewer`: state may differ */
};

/* One of a scene's weighted prompts, composed like `prompt`. */
typedef struct mz_story_prompt {
    const char *text;
    float weight; /* the scene's weights normalised to sum 1 */
} mz_story_prompt;

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
    /* prompt = { {"a misty harbour", 0.7}, {"a storm", 0.3} }: each composed
     * (style, characters, modifiers), in the scene's order;
     * `prompt` is then the heaviest one. NULL/0 for a plain prompt. */
    const mz_story_prompt *prompts;
    size_t prompt_count;
    int transition_steps;          /* the scene's transition_steps: frames, or 0 */
    const char *transition_method; /* "linear" or "slerp" with steps, else NULL */
    uint64_t seed;          /* generation seed for this scene (stable across visits) */
    bool ended;             /* the scene is an ending */
    const char *ending;     /* its name, or NULL */
    const char *error;      /* "file:line: message" if story code failed this turn
                               (the turn was rolled back), else NULL */
    int transition;         /* index in the scene's `on` of the transition taken
                               (not one its `when` refused), or -1 */
    unsigned varied;        /* MZ_STORY_VARIED_* bits */
} mz_story_turn;

mz_story *mz_story_load(const mz_story_desc *desc);
void mz_story_destroy(mz_story *s);

const char *mz_story_title(const mz_story *s);
const char *mz_story_path(const mz_story *s); /* the story.lua path */
/* The languages the story declares (story { languages = ... }), first the
 * one its plain strings are in; 0 when it declares none. */
size_t mz_story_language_count(const mz_story *s);
const char *mz_story_language(const mz_story *s, size_t i); /* NULL out of range */
/* The language it plays in, or NULL when it declares none. */
const char *mz_story_lang(const mz_story *s);
bool mz_story_narrate(const mz_story *s);     /* the story asks for spoken captions */
/* The story's disclosure label: its own text, "" when it turns the label
 * off (disclosure = false), NULL when it leaves the player's default. */
const char *mz_story_disclosure(const mz_story *s);
/* The lines an exhibition's attract loop plays while nobody does (story {
 * attract = { ... } } or the file it names), in order, owned by the story;
 * *count 0 when it names none. */
const char *const *mz_story_attract(const mz_story *s, size_t *count);

bool mz_story_begin(mz_story *s, mz_story_turn *out);
/* The seed the next begin starts the story's random generator from (0 -> 1):
 * many playthroughs of one loaded story, each with its own seed. */
void mz_story_reseed(mz_story *s, uint64_t seed);
/* Begins in `scene` instead of the start scene (authors testing from a
 * point: `maze play --at`), with the initial state; its enter hook runs.
 * false + mz_error() naming the closest scene when there is no such scene. */
bool mz_story_begin_at(mz_story *s, const char *scene, mz_story_turn *out);
/* Sets the state field `name` (which story.vars must declare) to `value`,
 * read as true/false, a number, or else a string, after begin (`--set`). */
bool mz_story_set(mz_story *s, const char *name, const char *value, mz_story_turn *out);

/* Undo: a bounded history of the states before each turn. Push before a
 * turn; undo goes back one. A story may switch undo off (story { undo =
 * false }): then mz_story_history_undo fails and says so. */
typedef struct mz_story_history mz_story_history;
mz_story_history *mz_story_history_create(size_t capacity); /* 0 -> 32 */
void mz_story_history_destroy(mz_story_history *h);
void mz_story_history_push(mz_story_history *h, const mz_story *s);
void mz_story_history_clear(mz_story_history *h);
bool mz_story_history_undo(mz_story_history *h, mz_story *s, mz_story_turn *out);
bool mz_story_undo_allowed(const mz_story *s);
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
/* The graph as loaded, for tools (maze test): scenes in declaration order,
 * each with its transitions. Strings belong to the story and stay valid
 * until it is reloaded or destroyed. */
typedef struct mz_story_scene_info {
    const char *id, *file;
    int line;
    bool ending;
    const char *prompt; /* the static prompt (a list's heaviest), or NULL when it is a function */
    size_t transition_count;
    /* A weighted list's texts and normalised weights (0 for a plain prompt). */
    const char *const *prompt_texts;
    const float *prompt_weights;
    size_t prompt_count;
    int transition_steps; /* 0 when the scene has none */
    const char *transition_method;
} mz_story_scene_info;

typedef struct mz_story_transition_info {
    const char *const *patterns;
    size_t pattern_count;
    const char *to; /* a static target, or NULL (stays, or a `to` function) */
    int to_scene;   /* index of `to`, or -1 */
    bool dynamic;   /* `to` is a function */
    bool conditional; /* it has a `when` */
    const char *file;
    int line;
} mz_story_transition_info;

size_t mz_story_scene_count(const mz_story *s);
/* false when i (or t) is out of range. */
bool mz_story_scene_get(const mz_story *s, size_t i, mz_story_scene_info *out);
bool mz_story_transition_get(const mz_story *s, size_t i, size_t t,
                              mz_story_transition_info *out);
/* The current scene's transition (its index in the scene's `on`) that
 * `text` would be matched to, as mz_story_input matches typed input: the
 * same sanitising and the story's lexicon (its language, its synonyms,
 * stop words, typo tolerance), best score first, earliest on ties; -1 when
 * none scores enough (or before begin). Runs no story code and changes
 * nothing: a `when` is asked by the turn that plays the transition. */
int mz_story_match(mz_story *s, const char *text, size_t len);
/* The current scene's index, -1 before begin. */
int mz_story_scene_index(const mz_story *s);
/* A hash of where the story is and what it holds (scene, state, items,
 * modifiers, visit counts with 3 or more counted as 3): for searches that
 * should not explore the same situation twice. */
uint64_t mz_story_state_digest(const mz_story *s);

/* The live state for the author's inspector (F3), as lines of text:
 * "vars  {...}", "items {...}", "visits id N, ...", and the last match with
 * its score and the runner-up pattern. Returns the length (as snprintf). */
size_t mz_story_inspect(const mz_story *s, char *buf, size_t cap);

/* A top-level field of `s` that story.vars does not declare (the story
 * wrote it), copied into name (cap bytes); false when there is none. */
bool mz_story_undeclared_field(mz_story *s, char *name, size_t cap);

/* A copy of the play state (scene, `s`, items, visits, random generator,
 * modifiers, turn number, the prompt and caption shown) in memory: for
 * undo, and for searches that branch from one state. NULL + mz_error() when
 * out of memory. Restoring fails when the story was reloaded with another
 * number of scenes since; *out (may be NULL) gets the restored turn. */
typedef struct mz_story_snapshot mz_story_snapshot;
mz_story_snapshot *mz_story_snapshot_take(const mz_story *s);
bool mz_story_snapshot_restore(mz_story *s, const mz_story_snapshot *snap, mz_story_turn *out);
void mz_story_snapshot_free(mz_story_snapshot *snap);

/* The viewer profile fields the story declares (story { viewer = ... }),
 * sorted by name, with their values (the first is the default) and the one
 * played. Strings belong to the story (valid until reload or destroy). */
typedef struct mz_story_viewer_info {
    const char *name;
    const char *const *values;
    size_t value_count;
    size_t current;
    const char *ask; /* the question to ask a viewer for it (in the language played), or NULL */
} mz_story_viewer_info;
size_t mz_story_viewer_count(const mz_story *s);
bool mz_story_viewer_get(const mz_story *s, size_t i, mz_story_viewer_info *out);
/* Plays on with another profile (text as mz_story_desc.profile), from the
 * next turn or begin: a window's opening question, an exhibit's config.
 * false + mz_error() naming the values the story has; nothing changes then. */
bool mz_story_set_profile(mz_story *s, const char *profile);
/* The profile played, "tone=eerie,pace=slow" (declared fields only; "" when
 * the story declares none). Valid until the next call on s. */
const char *mz_story_profile(mz_story *s);
/* A profile file's text (`--profile FILE`: "tone = eerie" lines, # comments)
 * into buf; false + mz_error() when it cannot be read (missing, not a
 * regular file, not under cap bytes). */
#define MZ_STORY_PROFILE_MAX 4096
bool mz_story_profile_read(const char *path, char *buf, size_t cap);

/* Writes the graph in Graphviz DOT. */
bool mz_story_graph_dot(const char *path, FILE *out);

#endif
