/* story_query.c — the loaded graph and the play state, read-only, for tools
 * that explore a story from outside (maze test: coverage, random play). */
#include "story_internal.h"

#include <string.h>

size_t mz_story_scene_count(const mz_story *s)
{
    return s->g->scene_count;
}

bool mz_story_scene_get(const mz_story *s, size_t i, mz_story_scene_info *out)
{
    if (i >= s->g->scene_count) return false;
    const story_scene *sc = &s->g->scenes[i];
    *out = (mz_story_scene_info){
        .id = sc->id,
        .file = sc->file,
        .line = sc->line,
        .ending = sc->ending,
        .prompt = sc->prompt,
        .transition_count = sc->on_count,
    };
    return true;
}

bool mz_story_transition_get(const mz_story *s, size_t i, size_t t,
                              mz_story_transition_info *out)
{
    if (i >= s->g->scene_count || t >= s->g->scenes[i].on_count) return false;
    const story_transition *tr = &s->g->scenes[i].on[t];
    *out = (mz_story_transition_info){
        .patterns = tr->patterns,
        .pattern_count = tr->pattern_count,
        .to = tr->to,
        .to_scene = tr->to_scene,
        .dynamic = tr->to_ref != LUA_NOREF,
        .conditional = tr->when_ref != LUA_NOREF,
        .file = tr->file,
        .line = tr->line,
    };
    return true;
}

int mz_story_scene_index(const mz_story *s)
{
    return s->play.begun ? s->play.scene : -1;
}

uint64_t mz_story_state_digest(const mz_story *s)
{
    const story_play *p = &s->play;
    uint64_t h = story_hash(&p->scene, sizeof p->scene, STORY_HASH_INIT);
    /* good_state is s and the items as sorted text after the last good turn. */
    if (s->good_state.data) h = story_hash(s->good_state.data, s->good_state.len, h);
    /* Visit counts above 3 are folded together, so that walking round a loop
     * does not make endless new states for a search. */
    for (size_t i = 0; i < s->g->scene_count; i++) {
        uint8_t v = p->visits[i] > 3 ? 3 : (uint8_t)p->visits[i];
        h = story_hash(&v, 1, h);
    }
    for (int m = 0; m < p->modifier_count; m++)
        h = story_hash(p->modifiers[m], strlen(p->modifiers[m]) + 1, h);
    return h;
}
