/* lint_report.c — lint's problems: collected, then reported in file and
 * line order, the order an author reads them in. */
#include "lint_report.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lint_collect(const char *file, int line, const char *message, void *user)
{
    lint_ctx *ctx = user;
    if (ctx->count == ctx->cap) {
        int cap = ctx->cap ? ctx->cap * 2 : 16;
        lint_problem *items = realloc(ctx->items, (size_t)cap * sizeof *items);
        if (!items) return;
        ctx->items = items;
        ctx->cap = cap;
    }
    ctx->items[ctx->count] = (lint_problem){strdup(file), strdup(message), line, ctx->count};
    ctx->count++;
}

static int problem_cmp(const void *pa, const void *pb)
{
    const lint_problem *a = pa, *b = pb;
    int c = strcmp(a->file ? a->file : "", b->file ? b->file : "");
    if (c) return c;
    if (a->line != b->line) return a->line < b->line ? -1 : 1;
    return a->seq - b->seq;
}

int lint_finish(lint_ctx *ctx, mz_story_report_fn report, void *user)
{
    if (ctx->count) qsort(ctx->items, (size_t)ctx->count, sizeof *ctx->items, problem_cmp);
    for (int i = 0; i < ctx->count; i++) {
        lint_problem *p = &ctx->items[i];
        if (report) report(p->file ? p->file : "?", p->line, p->message ? p->message : "?", user);
        free(p->file);
        free(p->message);
    }
    free(ctx->items);
    return ctx->count;
}

void lint_report(lint_ctx *ctx, const char *file, int line, const char *fmt, ...)
{
    char msg[MZ_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lint_collect(file, line, msg, ctx);
}
