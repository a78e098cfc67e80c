/* lint_internal.h — what lint.c (mz_story_lint, the graph as DOT) lends
 * the other authoring tools: Graphviz strings. Problems are collected in
 * lint_report.c; names and words are checked in lint_refs.c. */
#ifndef MZ_LINT_INTERNAL_H
#define MZ_LINT_INTERNAL_H

#include <stdio.h>

/* s as a quoted Graphviz string ("\n" for newlines, control bytes dropped). */
void story_dot_string(FILE *out, const char *s);

#endif
