/* load.h — loading a story (load.c): runs its files in a new sandbox
 * (vm.h) with the story API bound (bind_story.h) and reads what they
 * declared into a story_graph, which the caller owns. */
#ifndef MZ_STORY_LOAD_H
#define MZ_STORY_LOAD_H

#include "graph.h"
#include "mz_story.h"

typedef void (*story_problem_fn)(const char *file, int line, const char *message, void *user);

typedef struct story_load_options {
    const mz_story_desc *desc; /* budgets, blocked words */
    story_problem_fn problem;  /* every problem found (lint); NULL: the first fails the load */
    void *user;
} story_load_options;

/* Loads and validates (load.c). NULL + mz_error() when it cannot be played. */
story_graph *story_graph_load(const char *path, const story_load_options *opt);

#endif
