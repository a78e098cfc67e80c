/* lint_refs.h — lint's checks of names, words and characters in the
 * story's text (lint_refs.c). */
#ifndef MZ_LINT_REFS_H
#define MZ_LINT_REFS_H

#include "graph.h"
#include "lint_report.h"

/* Undeclared state fields, has() of items never given, visits() of unknown
 * scenes, words under two synonyms, stop-word-only patterns, characters
 * that describe themselves, NUL and zero-width characters in strings. */
void lint_refs(story_graph *g, lint_ctx *ctx);

#endif
