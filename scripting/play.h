/* play.h — the play state: where the viewer is, visit counts, the random
 * generator, modifiers, a question asked. It lives in mz_story (story.c)
 * and outlives reloads; the graph's bindings (visits, random...) reach it
 * through story_graph.play. Plain data: no functions. */
#ifndef MZ_STORY_PLAY_H
#define MZ_STORY_PLAY_H

#include "rng.h"

#include <stdbool.h>
#include <stdint.h>

#define STORY_MAX_MODIFIERS 3
#define STORY_MAX_INPUT 1024 /* bytes of viewer text kept at most */

typedef struct story_play story_play;
struct story_play {
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
};

#endif
