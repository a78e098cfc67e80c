/* story_internal.h — what the files of the story runtime share.
 *
 * A story is split in two: the *graph* (story_graph: everything read from
 * the story's files — the Lua state, the scenes, the lexicon; replaced whole
 * by a reload) and the *play state* (story_play, in mz_story: where the
 * viewer is, visit counts, the random generator). The state table `s` and
 * the item set live in the graph's Lua state and are copied across a reload.
 *
 * Lua stack effects are noted as [-pop, +push] like the Lua manual. */
#ifndef MZ_STORY_INTERNAL_H
#define MZ_STORY_INTERNAL_H

#include "mz_error.h"
#include "mz_story.h"
#include "mz_text.h"

#include <lauxlib.h>
#include <lua.h>

/* ---- growable byte buffer (serial.c) ---- */
typedef struct story_buf {
    char *data; /* always NUL-terminated once anything was put */
    size_t len, cap;
    bool failed; /* an allocation failed: contents are incomplete */
} story_buf;

void story_buf_put(story_buf *b, const char *s, size_t n);
void story_buf_puts(story_buf *b, const char *s);
void story_buf_printf(story_buf *b, const char *fmt, ...) MZ_PRINTF(2, 3);
void story_buf_free(story_buf *b);
/* Appends s as a quoted string with escapes ("a\"b\n"). */
void story_buf_quote(story_buf *b, const char *s, size_t n);

/* ---- values in text (serial.c): state, saves ---- */
/* Appends the value at idx: strings, numbers, booleans and tables of them,
 * keys sorted so equal states give equal text. On other values (functions,
 * cycles) returns false with a message naming the path (`what`.key). */
bool story_serial_write(lua_State *L, int idx, const char *what, story_buf *out, char *err,
                        size_t errcap);
/* Parses one value from text[*pos..len) and pushes it [-0, +1 on success]. */
bool story_serial_read(lua_State *L, const char *text, size_t len, size_t *pos, char *err,
                       size_t errcap);
/* Parses a quoted string at text[*pos]; the result is malloc'd (NULL on error). */
char *story_serial_unquote(const char *text, size_t len, size_t *pos, size_t *out_len);

/* ---- seeded random numbers (rng.c): xoshiro256** seeded by splitmix64 ---- */
typedef struct story_rng {
    uint64_t s[4];
} story_rng;

void story_rng_seed(story_rng *r, uint64_t seed);
uint64_t story_rng_next(story_rng *r);
double story_rng_float(story_rng *r); /* [0, 1) */
/* Uniform in [lo, hi], lo <= hi, without modulo bias. */
int64_t story_rng_range(story_rng *r, int64_t lo, int64_t hi);
uint64_t story_hash(const void *data, size_t n, uint64_t h); /* FNV-1a 64, chainable */
#define STORY_HASH_INIT 0xcbf29ce484222325ull
uint64_t story_mix(uint64_t x); /* splitmix64 finaliser */

/* ---- the graph ---- */
typedef struct story_transition {
    const char **patterns;
    size_t pattern_count;
    const char *to; /* static target, or NULL */
    int to_ref;     /* function(s) -> id, or LUA_NOREF */
    int when_ref, effect_ref;
    const char *reply, *refuse;
    const char *file;
    int line;              /* best guess: the line of its first pattern */
    int to_scene;          /* index of `to`, -1 if unknown or dynamic */
    mz_pattern **compiled; /* pattern_count, made on first entry of the scene */
} story_transition;

typedef enum story_otherwise {
    STORY_OTHERWISE_MODIFY,
    STORY_OTHERWISE_REPLY,
    STORY_OTHERWISE_FUNCTION,
} story_otherwise;

typedef struct story_scene {
    const char *id;
    const char *file;
    int line;
    bool ending;
    const char *prompt; /* static, or NULL when prompt_ref is a function */
    int prompt_ref;
    const char *caption;
    int caption_ref;
    const char *hint; /* shown after hint_after unmatched lines; or hint_ref */
    int hint_ref;
    const char **sound;
    size_t sound_count;
    const char **sound_files; /* joined with the story folder */
    size_t sound_file_count;
    story_transition *on;
    size_t on_count;
    story_otherwise otherwise;
    const char *otherwise_reply;
    int otherwise_ref;
    int enter_ref, leave_ref;
    float transition_s; /* < 0: the story's default */
    bool compiled;
    struct story_variant *variants; /* what may vary per viewer (variant.c) */
    size_t variant_count;
} story_scene;

typedef struct story_arena story_arena;

/* Everything one loading of the story's files produced. */
typedef struct story_vm story_vm;
typedef struct story_graph {
    story_vm *vm;
    story_arena *arena;
    const char *path; /* story.lua */
    const char *dir;  /* its folder */
    const char *title, *style;
    /* story { languages = {...} }: the first is the one plain strings are
     * in; `lang` indexes the one this load plays in. None declared: 0. */
    const char **languages;
    size_t language_count, lang;
    const char *start_id;
    int start;
    const char *story_file;
    int story_line;
    const char **char_names, **char_texts;
    size_t char_count;
    struct story_synonyms {
        const char *word;
        const char **alternatives;
        size_t count;
    } * synonyms; /* as declared, sorted by word (for lint) */
    size_t synonym_count;
    float transition_s;
    bool narrate;
    const char *disclosure; /* the story's label; "" = off; NULL = the default */
    bool no_undo;   /* story { undo = false } */
    int hint_after; /* unmatched lines in a row before a hint; 0: never */
    bool no_disambiguate; /* story { disambiguate = false }: ties go to the first */
    story_scene global; /* story { on = ... }: transitions for every scene */
    story_scene *scenes;
    size_t scene_count;
    int *index; /* open-addressing hash of scene ids, index_size slots, -1 empty */
    size_t index_size;
    mz_lexicon *lex;
    char *initial_vars; /* serialised story.vars */
    uint64_t files_hash;
    struct story_source {
        const char *path; /* as loaded: "stories/x/story.lua" */
        char *text;       /* the file's text, for lines of transitions and lint */
        size_t len;
        size_t *line_starts; /* offsets of each line's first byte */
        size_t line_count;
    } * sources; /* every file loaded, story.lua first */
    size_t source_count;
    struct story_viewer *viewer; /* the profile and story-wide variants (variant.c) */
} story_graph;

typedef void (*story_problem_fn)(const char *file, int line, const char *message, void *user);

typedef struct story_load_options {
    const mz_story_desc *desc; /* budgets, blocked words */
    story_problem_fn problem;  /* every problem found (lint); NULL: the first fails the load */
    void *user;
} story_load_options;

/* The line (1-based) of the byte at pos of a loaded file (graph.c). */
int story_source_line(const struct story_source *src, size_t pos);
/* Loads and validates (graph.c). NULL + mz_error() when it cannot be played. */
story_graph *story_graph_load(const char *path, const story_load_options *opt);
void story_graph_destroy(story_graph *g);
int story_graph_find(const story_graph *g, const char *id); /* index or -1 */
/* " (did you mean 'x'?)" naming the closest of names (within a third of
 * the name's length, at least one edit), or "" (lint_refs.c). */
void story_closest_hint(const char *name, const char *const *names, size_t count, char *out,
                        size_t cap);
/* The same among the graph's scene ids. */
void story_did_you_mean(const story_graph *g, const char *name, char *out, size_t cap);
/* Replaces a table keyed by language on the top of the stack with its
 * entry in the language played (else the first language's) [-1, +1], and
 * returns the type of what is on top. */
int story_pick_language(const story_graph *g, lua_State *L);
/* Compiles the scene's patterns once. */
bool story_graph_compile_scene(story_graph *g, story_scene *sc);
/* The line of `key = ...` in the declaration at file:line (the first
 * after it, before the next declaration); `line` when not found. */
int story_graph_field_line(const story_graph *g, const char *file, int line, const char *key);
/* Copies a string into the graph's arena. */
const char *story_graph_strdup(story_graph *g, const char *s, size_t n);

/* ---- viewer profiles and variants (variant.c) ----
 * story { viewer = { tone = { "gentle", "eerie" } } } declares the profile
 * fields a story reads and their values (the first is the default); a
 * scene's `variants` (and the story's, for its style) list what changes
 * for a value, or for one seed in N. Nothing else may change. */
typedef struct story_route {
    size_t transition; /* index in the scene's `on` */
    const char *to;
    int to_scene; /* -1 until resolved, or unknown */
} story_route;

typedef struct story_variant {
    const char *file;
    int line;
    int field;       /* index of the viewer field it is keyed on, or -1 */
    size_t value;    /* the value of that field it applies to */
    uint32_t one_in; /* keyed on the seed instead: one playthrough in N */
    const char *style, *prompt, *caption;
    int prompt_ref, caption_ref;
    story_route *routes;
    size_t route_count;
} story_variant;

/* Reads the story's viewer declaration and every scene's variants from the
 * declarations (before the loader drops them) and builds the read-only
 * `viewer` global from `profile` (desc.profile's text). Problems go to
 * `problem`; fatal ones make the load fail; with `lint`, also those only
 * an author wants (a variant's caption missing a language). */
typedef void (*story_variant_problem_fn)(void *user, bool fatal, const char *file, int line,
                                         const char *message);
void story_variants_read(story_graph *g, const char *profile, bool lint,
                         story_variant_problem_fn problem, void *user);
void story_variants_destroy(story_graph *g);
/* Sets the profile from text ("tone = eerie" lines, or "tone=eerie,pace=slow");
 * fields it does not give keep their first value. false + err on a value
 * the story does not declare; nothing changes then, nor when !apply (a
 * check). */
bool story_viewer_set(story_graph *g, const char *profile, bool apply, char *err, size_t errcap);
/* The profile as "tone=eerie,pace=slow" (declared fields only) into buf. */
void story_viewer_text(const story_graph *g, char *buf, size_t cap);
/* The variant of sc (NULL: the story's) that gives `part` (one of
 * MZ_STORY_VARIED_*) for this profile and seed, or NULL. */
const story_variant *story_variant_for(const story_graph *g, const story_scene *sc, uint64_t seed,
                                       unsigned part);
/* The route a variant gives transition t of sc, or NULL. */
const story_route *story_variant_route(const story_graph *g, const story_scene *sc, uint64_t seed,
                                       size_t t);
/* What story code that reads `viewer` makes from now on (a MZ_STORY_VARIED_*
 * bit); returns the previous one. Reads are collected per turn: */
/* Whom a variant is for, "tone=eerie" or "one seed in 3", and what it
 * gives, "style, caption" (for maze graph). */
void story_variant_describe(const story_graph *g, const story_variant *v, char *buf, size_t cap);
/* The story-wide variants: their count, *out the first. */
size_t story_variants_of_story(const story_graph *g, const story_variant **out);
unsigned story_viewer_part(story_graph *g, unsigned part);
unsigned story_viewer_reads(story_graph *g); /* the parts read since the last call */

/* ---- the play state (lives in mz_story; the graph's bindings reach it) ---- */
#define STORY_MAX_MODIFIERS 3
#define STORY_MAX_INPUT 1024 /* bytes of viewer text kept at most */

typedef struct story_play {
    bool begun;
    int scene; /* index in the current graph */
    int turn;
    story_rng rng;
    uint32_t *visits; /* per scene index of the current graph */
    int modifier_count;
    char modifiers[STORY_MAX_MODIFIERS][STORY_MAX_INPUT + 1];
    int unmatched; /* lines in a row that matched nothing, for hints */
    /* A question asked ("Climb the stairs, or climb the ladder?"): the two
     * transitions (of the scene, or of the story when pending_global). */
    int pending[2];
    bool pending_global;
    bool asking;
} story_play;

struct mz_story {
    story_graph *g;
    story_play play;
    char *path_arg;     /* desc.path, copied */
    char lang_arg[16];  /* desc.lang, copied */
    char profile[512];  /* the profile played, as text: desc.profile for reloads */
    mz_story_desc desc; /* with blocked_words deep-copied */
    uint64_t seed;
    size_t max_input;
    story_buf good_state; /* s and items as text, after the last good turn */
    /* The turn handed out, and the next one being made. */
    char input[STORY_MAX_INPUT + 1];
    story_buf prompt, caption, next_prompt, next_caption, reply, matched, scratch;
    int matched_transition; /* this turn's, or -1 */
    unsigned varied;        /* this turn's MZ_STORY_VARIED_* from variants */
    char runner_up[128];    /* the next best pattern of this turn's match, or "" */
    float runner_up_score;
    char error[MZ_ERROR_MAX];
};

/* Serialises s and the items (state.c) into out; false + s->error. */
bool story_state_write(mz_story *s, story_graph *g, story_buf *out);
/* Restores what story_state_write wrote, in place (tables keep their identity). */
bool story_state_read(mz_story *s, story_graph *g, const char *text, size_t len);

/* ---- the Lua state (vm.c) ---- */
/* Creation order of the state's tables, functions, userdata and threads
 * (and, lazily, of anything else whose identity shows): what `pairs`,
 * tostring and %p use instead of addresses, which change between runs. */
typedef struct story_ids {
    struct story_id {
        uintptr_t key; /* the object's address; 0: empty slot */
        uint64_t id;
    } * slot;
    size_t cap, count;
    uint64_t next;
} story_ids;

struct story_vm {
    lua_State *L;
    size_t used, limit;
    bool capped; /* the limit applies only while story code runs */
    uint32_t budget, load_budget, instructions;
    /* CPU time per turn (or load): the instruction budget cannot see inside
     * C functions. Read through the cheap wall clock (vm.c). */
    uint64_t time_limit_ns, load_time_limit_ns;
    uint64_t clock_wall, clock_cpu, clock_next; /* when the turn began; next check */
    bool clock_cpu_known;
    bool killed;      /* out of budget or time: every hook raises until the call returns */
    bool out_of_time; /* killed by the clock rather than the budget */
    char where[MZ_ERROR_MAX / 2]; /* last "file:line" seen by the hook during this call */
    char error[MZ_ERROR_MAX];
    story_ids ids;
    bool loading; /* story/scene/ending/include are allowed */
    story_graph *graph;
    story_play *play;     /* NULL until the graph is attached to a mz_story */
    int s_ref, items_ref; /* the state table and the item set */
    int decls_ref;        /* while loading: list of declarations */
    int ids_ref;          /* while loading: id -> declaration */
    int story_ref;        /* while loading: the story{} table */
    int include_depth;
};

/* Keeps a copy of a file the story loaded (graph.c): hashed for saves,
 * scanned for lines. False if it was already loaded. */
bool story_graph_add_source(story_graph *g, const char *path, const char *text, size_t len);

/* A sandboxed state: allow-listed globals, the story API bound. */
story_vm *story_vm_create(const mz_story_desc *desc, story_graph *g);
void story_vm_destroy(story_vm *vm);
/* The one pcall wrapper [-(nargs+1), +nresults on success, +0 on error]. On
 * error vm->error holds "file:line: message". */
bool story_vm_call(story_vm *vm, int nargs, int nresults);
/* Runs the file in the sandbox with the loading budget; nresults of what it
 * returns are pushed on success. */
bool story_vm_run_file(story_vm *vm, const char *path, int nresults);
/* Reads a whole regular file (malloc'd, NUL-terminated); refuses others
 * (a FIFO would block). */
char *story_read_file(const char *path, size_t max, size_t *len);
/* A path inside the story folder (no "..", not absolute), else NULL + message. */
bool story_check_relative(const char *name, char *err, size_t errcap);
/* Whether path, with every symbolic link followed, is inside folder dir. */
bool story_inside_folder(const char *dir, const char *path, char *err, size_t errcap);

/* "file:line" of the function at idx (its definition). */
void story_vm_where_defined(lua_State *L, int idx, char *out, size_t cap);

/* The sandbox's vm, from inside a binding. */
story_vm *story_vm_of(lua_State *L);

/* Starts the clock of a turn or a load: every call until the next start
 * shares its time limit. */
void story_vm_clock_start(story_vm *vm);
/* Raises "file:line: the story ran too long" once the turn is out of time
 * (for C functions that may run long: pattern matching). */
void story_vm_check_time(lua_State *L);
/* "file:line" of the Lua code running at `level`, with the whole path. */
void story_vm_where(lua_State *L, int level, char *out, size_t cap);
/* The object's creation number (see story_ids) [-0, +0]. */
uint64_t story_vm_id(lua_State *L, int idx);
/* tostring without addresses [-0, +1]. */
const char *story_vm_tostring(lua_State *L, int idx, size_t *len);

/* string.find, match, gmatch and gsub, interruptible (pattern.c). */
void story_pattern_bind(lua_State *L, int string_table);

/* Registers story, scene, ending, include, visits, give... (bind_story.c) */
void story_bind(story_vm *vm);

/* Replaces the contents of the table at dst with those of the table at src
 * (shallow), keeping dst's identity [-0, +0]. */
void story_table_replace(lua_State *L, int dst, int src);

#endif
