/* mz_scene_interp — the prompt interpreter: a prompt string → mz_scene_params.
 *
 * What it is for: the procedural generator (engine/gen) and the audio module
 * turn a scene request's prompt into numbers with this. The words it knows
 * live in a lexicon, which is data (assets/lexicon/lexicon.txt, its format
 * documented at the top of that file); the same file is embedded in the
 * library at build time, so mz_scene_lexicon_builtin() works with no files.
 *
 * How a prompt is read (the documented rules):
 * - Case-insensitive. Words are runs of letters, digits, apostrophes and any
 *   byte >= 0x80; everything else separates words, and . , ; : ! ? also end a
 *   clause (phrases, negation and modifiers never reach across a clause end).
 *   A word the lexicon lacks is tried with simple suffixes removed (rains,
 *   raining, rainy → rain; cliffs → cliff); still unknown words are ignored.
 * - Phrases beat words: at each word the longest lexicon phrase (up to 4
 *   words) that starts there is taken ("lighthouse beam", "pan left").
 * - Modifiers ("heavy", "light", "very", "a little"…) scale the effects of the
 *   next entry by their factor (factors multiply: "very heavy rain").
 *   Negators ("no", "not", "without") turn the next entry (within 3 words)
 *   into its neutral value: "no rain" sets rain to 0; "or"/"nor" carry a
 *   negation on ("no rain or snow"). A negated setting, time or camera word
 *   does nothing.
 * - An adjective (a colour, "dark"…) right before a word the lexicon does
 *   not know describes that thing ("a black cat", "green eyes"): it acts at
 *   a third of its strength and only as an implied value (below).
 * - Later words override earlier ones: each parameter ends with the value of
 *   the last entry that set it ("dawn… then night" is night). Implied values
 *   (a sunset's orange tint, a storm's gloom; written `?=` in the lexicon)
 *   apply only when no word of the prompt sets that parameter explicitly, so
 *   "red sunset" is red. Settings: the last one named is `setting`, the last
 *   different one before it becomes `setting2` at weight 0.35 ("a forest by
 *   a lake": lake, with forest blended in).
 * - Entities: lexicon entries marked `entity` (lighthouse, keeper…; an
 *   entry may name another: "lighthouse beam" is the lighthouse) and names
 *   (runs of unknown Capitalised words: "…met Mara", "Old Tom") get a stable
 *   seed, mz_scene_entity_seed(name), in entity_seed[] in the order first
 *   named (at most 4; each once; a negated one not at all). A one-word name
 *   opening a sentence is not recognised ("Walking…" is no name) unless the
 *   lexicon lists it: mz_scene_lexicon_add(lx, "mara: entity").
 * - Only the first MZ_SCENE_MAX_WORDS words are read.
 *
 * Ownership: a lexicon is created by load/parse and freed by destroy; the
 * built-in one is shared and never freed. Threading: a lexicon is read-only
 * during interpretation, so any number of threads may interpret with the
 * same lexicon at once; mz_scene_lexicon_add must not run concurrently with
 * anything else on that lexicon. Errors: functions returning bool/NULL set
 * mz_error() ("lexicon.txt:12: unknown key 'rian'"). */
#ifndef MZ_SCENE_INTERP_H
#define MZ_SCENE_INTERP_H

#include "mz_scene.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MZ_SCENE_MAX_WORDS 256

typedef struct mz_scene_lexicon mz_scene_lexicon;

/* Loads a lexicon file; path NULL gives a fresh, owned copy of the built-in
 * lexicon (to extend with mz_scene_lexicon_add). NULL on error. */
mz_scene_lexicon *mz_scene_lexicon_load(const char *path);

/* Parses lexicon text (len bytes; need not be NUL-terminated). `name` is
 * used in error messages. NULL on error. */
mz_scene_lexicon *mz_scene_lexicon_parse(const char *text, size_t len, const char *name);

/* The lexicon embedded at build time: shared, immutable, never NULL. */
const mz_scene_lexicon *mz_scene_lexicon_builtin(void);

/* Adds or replaces one entry, written as a line of the file format, e.g.
 * "mara: entity el.figures=0.6" so a story's characters persist. */
bool mz_scene_lexicon_add(mz_scene_lexicon *lx, const char *line);

/* Number of entries (phrases, synonyms counted once each). */
size_t mz_scene_lexicon_size(const mz_scene_lexicon *lx);

void mz_scene_lexicon_destroy(mz_scene_lexicon *lx);

/* What one matched entry did, for the overlay and debugging. */
typedef enum mz_scene_trace_kind {
    MZ_SCENE_TRACE_EFFECT,   /* set parameters */
    MZ_SCENE_TRACE_MODIFIER, /* scaled the next entry */
    MZ_SCENE_TRACE_NEGATOR,  /* negated the next entry */
    MZ_SCENE_TRACE_ENTITY,   /* a capitalised name: an entity seed only */
} mz_scene_trace_kind;

typedef struct mz_scene_trace_item {
    mz_scene_trace_kind kind;
    char name[32];       /* the entry's name (first phrase of its line), truncated */
    uint32_t offset;     /* bytes into the prompt where the match starts */
    uint32_t length;     /* bytes of the prompt it covers */
    float intensity;     /* factor applied (1 = plain) */
    bool negated;        /* applied as its neutral value */
    uint32_t entity;     /* the entity seed it gave, 0 if none */
    const char *effects; /* the entry's items as written in the lexicon
                          * ("" for names); valid while the lexicon lives */
} mz_scene_trace_item;

#define MZ_SCENE_TRACE_MAX 32

/* A word of the prompt the lexicon does not know: bytes into the prompt. */
typedef struct mz_scene_trace_word {
    uint32_t offset, length;
} mz_scene_trace_word;

typedef struct mz_scene_trace {
    int count;      /* items filled */
    int dropped;    /* matches beyond MZ_SCENE_TRACE_MAX, not recorded */
    int unknown;    /* words ignored (capitalised ones may still make a name) */
    bool truncated; /* the prompt had more than MZ_SCENE_MAX_WORDS words */
    mz_scene_trace_item item[MZ_SCENE_TRACE_MAX];
    /* The first MZ_SCENE_TRACE_MAX of the `unknown` words, in prompt order. */
    mz_scene_trace_word unknown_word[MZ_SCENE_TRACE_MAX];
} mz_scene_trace;

/* Interprets `prompt` (any bytes, NUL-terminated) on top of `base` (NULL =
 * mz_scene_params_default()) into *out (may alias base). entity_seed[] is
 * rebuilt from the prompt, not kept from base. lx NULL = the built-in
 * lexicon; why may be NULL. False only for a NULL prompt or out. */
bool mz_scene_interpret(const mz_scene_lexicon *lx, const char *prompt, const mz_scene_params *base,
                        mz_scene_params *out, mz_scene_trace *why);

/* The seed an entity name gets (case-insensitive; never 0). The same name
 * gives the same seed in every scene, on every machine. */
uint32_t mz_scene_entity_seed(const char *name);

/* One line summary of the parameters ("sea 19.0h rain .80 tint(.90 .15 .10)
 * x.55 …") for logs and the overlay. Writes at most cap bytes including the
 * NUL; returns the length the full line has (as snprintf). */
size_t mz_scene_params_describe(const mz_scene_params *p, char *buf, size_t cap);

/* One line of what the words did ("heavy x1.6 > rain; no > fog[neg]; …"). */
size_t mz_scene_trace_describe(const mz_scene_trace *t, char *buf, size_t cap);

#endif
