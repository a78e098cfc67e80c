/* graph.h — the story graph (graph.c): everything one loading of the
 * story's files produced — the Lua state, the scenes, the lexicon, the
 * files' text; replaced whole by a reload. Strings and arrays live in the
 * graph's arena and go with it. Filled by load.c; read by play and lint. */
#ifndef MZ_STORY_GRAPH_H
#define MZ_STORY_GRAPH_H

#include "mz_text.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
    const char *prompt; /* static, or NULL when prompt_ref is a function; a
                           weighted list's heaviest text */
    int prompt_ref;
    /* prompt = { {"text", weight}, ... }: the texts and their weights
     * normalised to sum 1 (prompt_count 0 for a plain prompt). */
    const char **prompt_texts;
    float *prompt_weights;
    size_t prompt_count;
    int transition_steps;          /* frames (1..MZ_STORY_MAX_TRANSITION_STEPS), 0 for none */
    const char *transition_method; /* "linear" or "slerp" with steps */
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
    struct story_variant *variants; /* what may vary per viewer (variant.h) */
    size_t variant_count;
} story_scene;

typedef struct story_arena story_arena;

/* Everything one loading of the story's files produced. */
typedef struct story_vm story_vm;
typedef struct story_play story_play;
typedef struct story_graph {
    story_vm *vm; /* owned; its user pointer is this graph (the bindings' way in) */
    /* The play state the bindings (visits, random...) work on: set by the
     * mz_story that plays this graph; NULL while it loads. */
    story_play *play;
    /* While loading (bind_story.c records, load.c reads): registry refs
     * of the list of declarations, id -> declaration, the story{} table. */
    int decls_ref, ids_ref, story_ref;
    int include_depth;
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
    bool no_undo;           /* story { undo = false } */
    const char **attract;   /* story { attract = ... }: the kiosk's demo lines */
    size_t attract_count;
    int hint_after;         /* unmatched lines in a row before a hint; 0: never */
    bool no_disambiguate;   /* story { disambiguate = false }: ties go to the first */
    story_scene global;     /* story { on = ... }: transitions for every scene */
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
    struct story_viewer *viewer; /* the profile and story-wide variants (variant.h) */
} story_graph;

/* An empty graph: NULL + mz_error(). */
story_graph *story_graph_create(void);
void story_graph_destroy(story_graph *g);
/* Zeroed memory, or a copy of a string, in the graph's arena (freed with it). */
void *story_graph_alloc(story_graph *g, size_t n);
const char *story_graph_strdup(story_graph *g, const char *s, size_t n);
/* Builds the index of scene ids; false + mz_error(). */
bool story_graph_index(story_graph *g);
int story_graph_find(const story_graph *g, const char *id); /* index or -1 */
/* The index of a language code among the story's, or -1. */
int story_graph_language(const story_graph *g, const char *code);
/* Keeps a copy of a file the story loaded: hashed for saves, scanned for
 * lines. False if it was already loaded or out of memory. */
bool story_graph_add_source(story_graph *g, const char *path, const char *text, size_t len);
/* The loaded file at path, or NULL. */
const struct story_source *story_graph_source(const story_graph *g, const char *path);
/* The line (1-based) of the byte at pos of a loaded file. */
int story_source_line(const struct story_source *src, size_t pos);
/* The line of the first quoted `text` in src[from..end), 0 when it is not
 * there; *after (may be NULL) gets the offset just past it. */
int story_source_quoted_line(const struct story_source *src, const char *text, size_t from,
                             size_t end, size_t *after);
/* " (did you mean 'x'?)" naming the closest of names (within a third of
 * the name's length, at least one edit), or "". */
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

#endif
