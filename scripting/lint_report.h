/* lint_report.h — lint's problems (lint_report.c): collected as they are
 * found, in any order, then handed to the caller's report function in file
 * and line order. A zeroed lint_ctx is empty; lint_finish frees it. */
#ifndef MZ_LINT_REPORT_H
#define MZ_LINT_REPORT_H

#include "mz_error.h" /* MZ_PRINTF */
#include "mz_story.h" /* mz_story_report_fn */

typedef struct lint_problem {
    char *file, *message;
    int line, seq;
} lint_problem;

typedef struct lint_ctx {
    lint_problem *items;
    int count, cap;
} lint_ctx;

/* A problem (a story_problem_fn, user = the lint_ctx); strings copied. */
void lint_collect(const char *file, int line, const char *message, void *user);
void lint_report(lint_ctx *ctx, const char *file, int line, const char *fmt, ...) MZ_PRINTF(4, 5);
/* Reports every problem in order, frees them, returns how many there were. */
int lint_finish(lint_ctx *ctx, mz_story_report_fn report, void *user);

#endif
