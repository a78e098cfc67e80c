/* variant.h — viewer profiles and variants (variant.c).
 * story { viewer = { tone = { "gentle", "eerie" } } } declares the profile
 * fields a story reads and their values (the first is the default); a
 * scene's `variants` (and the story's, for its style) list what changes
 * for a value, or for one seed in N. Nothing else may change. What is read
 * lives in the graph's arena and goes with the graph (nothing to free). */
#ifndef MZ_STORY_VARIANT_H
#define MZ_STORY_VARIANT_H

#include "graph.h"
#include "mz_story.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
 * `problem`; fatal ones make the load fail. `text` is the loader's: it
 * turns the caption at the top of the stack into the language played
 * [-1, +1] (a table by language, or the per-language files' entry for `id`,
 * "SCENE.variant.N.caption"; lint hears of a language missing) and returns
 * its Lua type. */
typedef void (*story_variant_problem_fn)(void *user, bool fatal, const char *file, int line,
                                         const char *message);
typedef int (*story_variant_text_fn)(void *user, const char *id, const char *file, int line);
void story_variants_read(story_graph *g, const char *profile, story_variant_problem_fn problem,
                         story_variant_text_fn text, void *user);
/* Sets the profile from text ("tone = eerie" lines, or "tone=eerie,pace=slow");
 * fields it does not give keep their first value. false + err on a value
 * the story does not declare; nothing changes then, nor when !apply (a
 * check). */
bool story_viewer_set(story_graph *g, const char *profile, bool apply, char *err, size_t errcap);
/* The profile as "tone=eerie,pace=slow" (declared fields only) into buf. */
void story_viewer_text(const story_graph *g, char *buf, size_t cap);
/* The declared fields (sorted by name), for mz_story_viewer_count/_get. */
size_t story_viewer_count(const story_graph *g);
bool story_viewer_get(const story_graph *g, size_t i, mz_story_viewer_info *out);
/* The variant of sc (NULL: the story's) that gives `part` (one of
 * MZ_STORY_VARIED_*) for this profile and seed, or NULL. */
const story_variant *story_variant_for(const story_graph *g, const story_scene *sc, uint64_t seed,
                                       unsigned part);
/* The route a variant gives transition t of sc, or NULL. */
const story_route *story_variant_route(const story_graph *g, const story_scene *sc, uint64_t seed,
                                       size_t t);
/* Whom a variant is for, "tone=eerie" or "one seed in 3", and what it
 * gives, "style, caption" (for maze graph). */
void story_variant_describe(const story_graph *g, const story_variant *v, char *buf, size_t cap);
/* The story-wide variants: their count, *out the first. */
size_t story_variants_of_story(const story_graph *g, const story_variant **out);
/* What story code that reads `viewer` makes from now on (a MZ_STORY_VARIED_*
 * bit); returns the previous one. Reads are collected per turn: */
unsigned story_viewer_part(story_graph *g, unsigned part);
unsigned story_viewer_reads(story_graph *g); /* the parts read since the last call */

#endif
