/* story_internal.h — mz_story itself, shared by the files that implement
 * mz_story.h (story.c, save.c, story_query.c, story_history.c).
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

#include "mz_buf.h"
#include "graph.h"
#include "mz_error.h"
#include "mz_story.h"
#include "play.h"

struct mz_story {
    story_graph *g;
    story_play play;
    char *path_arg;     /* desc.path, copied */
    char lang_arg[16];  /* desc.lang, copied */
    char profile[512];  /* the profile played, as text: desc.profile for reloads */
    mz_story_desc desc; /* with blocked_words deep-copied */
    uint64_t seed;
    size_t max_input;
    mz_buf good_state; /* s and items as text, after the last good turn */
    /* The turn handed out, and the next one being made. */
    char input[STORY_MAX_INPUT + 1];
    mz_buf prompt, caption, next_prompt, next_caption, reply, matched, scratch;
    /* A weighted list's prompts, composed, one after another with their
     * NULs (blend_count of them), for the turn handed out and the next. */
    mz_buf blend, next_blend;
    size_t blend_count, next_blend_count;
    mz_story_prompt turn_prompts[MZ_STORY_MAX_PROMPTS]; /* the turn's, into `blend` */
    int matched_transition; /* this turn's, or -1 */
    unsigned varied;        /* this turn's MZ_STORY_VARIED_* from variants */
    char runner_up[128];    /* the next best pattern of this turn's match, or "" */
    float runner_up_score;
    /* This turn's mz_error() when its story code failed (turn.error), or "". */
    char turn_error[MZ_ERROR_MAX];
};

#endif
