/* lint_internal.h — what the lint's files share (lint.c collects and sorts
 * problems; lint_refs.c checks names, words and characters in the text). */
#ifndef MZ_LINT_INTERNAL_H
#define MZ_LINT_INTERNAL_H

#include "graph.h"
#include "mz_error.h"

#include <stdio.h>

typedef struct lint_ctx lint_ctx;

void lint_report(lint_ctx *ctx, const char *file, int line, const char *fmt, ...)
    MZ_PRINTF(4, 5);

/* Undeclared state fields, has() of items never given, visits() of unknown
 * scenes, words under two synonyms, stop-word-only patterns, characters
 * that describe themselves, NUL and zero-width characters in strings. */
void lint_refs(story_graph *g, lint_ctx *ctx);

/* s as a quoted Graphviz string ("\n" for newlines, control bytes dropped). */
void story_dot_string(FILE *out, const char *s);

#endif
