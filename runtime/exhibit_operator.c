/* exhibit_operator — see exhibit_operator.h. */
#include "exhibit_operator.h"

#include "exhibit_console.h"
#include "mz_error.h"
#include "mz_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mz_exhibit_operator {
    mz_exhibit_config cfg;
    mz_exhibit_sup *sup;
    mz_web *web;
    mz_console *console;
};

static void status(void *user, mz_console_status *out)
{
    mz_exhibit_operator *op = user;
    mz_exhibit_status st;
    mz_exhibit_sup_status(op->sup, &st);
    const mz_exhibit_live *l = &st.live;
    snprintf(out->state, sizeof out->state, "%s", st.player_up ? l->state : "starting");
    snprintf(out->story, sizeof out->story, "%s", l->story);
    snprintf(out->scene, sizeof out->scene, "%s", l->scene);
    snprintf(out->generator, sizeof out->generator, "%s", l->backend);
    out->turn = l->turn;
    out->uptime_s = st.uptime_s;
    out->fps = l->fps;
    out->first_frame_p95_ms = st.latency_count ? st.latency_p95_ms : -1;
    out->fallback = l->fallback;
    out->rss_kb = st.rss_kb;
    out->player_up = st.player_up;
    out->paused = l->paused;
    out->muted = l->muted;
    out->volume = l->volume;
    out->sessions = st.sessions;
    out->sessions_today = st.sessions_today;
    out->endings = st.endings;
    out->restarts = st.restarts;
    out->fallbacks = l->fallbacks;
    out->turns = st.turns;
    mz_console_histogram *h = &out->first_frame;
    h->n = MZ_EXHIBIT_LATENCY_BUCKETS - 1; /* the last bound is +Inf: that is count */
    for (int i = 0; i < h->n; i++) {
        h->bounds_s[i] = mz_exhibit_latency_bounds[i] / 1000.0;
        h->cumulative[i] = st.latency_buckets[i];
    }
    h->count = st.latency_count;
    h->sum_s = st.latency_sum_ms / 1000.0;
    out->error_count = st.error_count;
    for (int i = 0; i < st.error_count && i < MZ_CONSOLE_ERRORS; i++)
        snprintf(out->errors[i], sizeof out->errors[i], "%s", st.errors[i]);
    out->story_count = op->cfg.story_count < MZ_CONSOLE_STORIES ? op->cfg.story_count
                                                                 : MZ_CONSOLE_STORIES;
    for (int i = 0; i < out->story_count; i++)
        snprintf(out->stories[i], sizeof out->stories[i], "%.*s", (int)sizeof out->stories[i] - 1,
                 op->cfg.stories[i]);
}

static bool control(void *user, const char *action, double value)
{
    mz_exhibit_operator *op = user;
    return mz_exhibit_sup_command(op->sup, action, value);
}

static void sessions(void *user, char *out, size_t cap)
{
    mz_exhibit_operator *op = user;
    mz_exhibit_sup_sessions(op->sup, out, cap);
}

mz_exhibit_operator *mz_exhibit_operator_start(const mz_exhibit_config *cfg, mz_exhibit_sup *sup)
{
    mz_exhibit_operator *op = calloc(1, sizeof *op);
    if (!op) {
        mz_fail("out of memory");
        return NULL;
    }
    op->cfg = *cfg;
    op->sup = sup;
    op->web = mz_web_create(&(mz_web_desc){
        .bind = cfg->console_bind,
        .port = (int)cfg->console_port,
        .token = cfg->console_token[0] ? cfg->console_token : NULL,
        .static_dir = cfg->console_dir,
    });
    char path[1100];
    snprintf(path, sizeof path, "%s/console-token", cfg->state_dir[0] ? cfg->state_dir : ".");
    bool ok = op->web && mz_web_write_token_file(op->web, path);
    ok = ok && (op->console = mz_console_create(&(mz_console_desc){
                    .web = op->web, .status = status, .control = control,
                    .sessions = sessions, .user = op}));
    ok = ok && mz_web_start(op->web);
    if (!ok) {
        mz_fail_context("operator console on %s:%ld", cfg->console_bind, cfg->console_port);
        mz_exhibit_operator_stop(op);
        return NULL;
    }
    fprintf(stderr,
            "maze exhibit: operator console on http://%s:%d/operator.html#token=%s "
            "(token also in %s)\n",
            cfg->console_bind, mz_web_port(op->web), mz_web_token(op->web), path);
    return op;
}

void mz_exhibit_operator_stop(mz_exhibit_operator *op)
{
    if (!op) return;
    mz_web_destroy(op->web); /* first: no handler runs after this */
    mz_console_destroy(op->console);
    free(op);
}
