/* bind_story.h — the story API's globals (bind_story.c). */
#ifndef MZ_STORY_BIND_H
#define MZ_STORY_BIND_H

#include "graph.h"

/* Registers story, scene, ending, include, visits, give... in g's state,
 * and the interruptible string patterns (bind_story.c); the story API's
 * functions reach g through story_vm_user. */
void story_bind(story_graph *g);

#endif
