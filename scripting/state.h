/* state.h — the story's state (`s` and the item set, in the graph's Lua
 * state) as text and back (state.c): the snapshot each turn rolls back to,
 * undo, saves and reloads. */
#ifndef MZ_STORY_STATE_H
#define MZ_STORY_STATE_H

#include "mz_buf.h"
#include "graph.h"

/* Serialises s and the items into out; false + mz_error(). */
bool story_state_write(story_graph *g, mz_buf *out);
/* Restores what story_state_write wrote, in place (tables keep their
 * identity); false + mz_error(). */
bool story_state_read(story_graph *g, const char *text, size_t len);

#endif
