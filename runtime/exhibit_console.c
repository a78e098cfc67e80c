/* exhibit_console — see exhibit_console.h. */
#include "exhibit_console.h"

#include "mz_error.h"
#include "mz_log.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SESSIONS_CAP = 64 * 1024 };

/* The series the console publishes, in registration order. */
enum {
    M_SESSIONS,
    M_ENDINGS,
    M_RESTARTS,
    M_FALLBACKS,
    M_TURNS,
    M_FIRST_FRAME,
    M_TURN_LATENCY,
    M_UPTIME,
    M_RSS,
    M_FPS,
    M_SESSIONS_TODAY,
    M_COUNT
};

struct mz_console {
    mz_console_desc desc;
    mz_metrics *metrics;
    int id[M_COUNT];
    /* Histograms are registered with the program's bounds the first time
     * it reports them (the bounds are its to choose). */
    bool have_hist[2];
};

static const mz_metric_desc series_desc[M_COUNT] = {
    [M_SESSIONS] = {MZ_METRIC_COUNTER, "maze_sessions_total", "Visitor sessions started."},
    [M_ENDINGS] = {MZ_METRIC_COUNTER, "maze_endings_total",
                   "Visitor sessions that reached an ending."},
    [M_RESTARTS] = {MZ_METRIC_COUNTER, "maze_restarts_total",
                    "Player processes restarted by the watchdog or the operator."},
    [M_FALLBACKS] = {MZ_METRIC_COUNTER, "maze_fallbacks_total",
                     "Times the generator fell back to the embedded one or was reopened."},
    [M_TURNS] = {MZ_METRIC_COUNTER, "maze_turns_total", "Story turns played."},
    [M_FIRST_FRAME] = {MZ_METRIC_HISTOGRAM, "maze_first_frame_seconds",
                       "Visitor input to the new scene's first frame on screen."},
    [M_TURN_LATENCY] = {MZ_METRIC_HISTOGRAM, "maze_turn_seconds",
                        "Time the story took to answer a turn."},
    [M_UPTIME] = {MZ_METRIC_GAUGE, "maze_uptime_seconds", "Seconds since maze exhibit started."},
    [M_RSS] = {MZ_METRIC_GAUGE, "maze_player_rss_bytes", "Resident memory of the player process."},
    [M_FPS] = {MZ_METRIC_GAUGE, "maze_displayed_fps", "Frames shown per second."},
    [M_SESSIONS_TODAY] = {MZ_METRIC_GAUGE, "maze_sessions_today",
                          "Visitor sessions since midnight."},
};

static void read_status(mz_console *c, mz_console_status *st)
{
    memset(st, 0, sizeof *st);
    st->first_frame_p95_ms = -1;
    c->desc.status(c->desc.user, st);
    st->state[sizeof st->state - 1] = 0;
    if (st->error_count > MZ_CONSOLE_ERRORS) st->error_count = MZ_CONSOLE_ERRORS;
    if (st->story_count > MZ_CONSOLE_STORIES) st->story_count = MZ_CONSOLE_STORIES;
}

/* The status into the registry: counters and histograms are the
 * program's, mirrored. */
static void update_metrics(mz_console *c, const mz_console_status *st)
{
    const mz_console_histogram *hist[2] = {&st->first_frame, &st->turn_latency};
    for (int i = 0; i < 2; i++) {
        const mz_console_histogram *h = hist[i];
        int slot = M_FIRST_FRAME + i;
        if (!c->have_hist[i] && h->n > 0) {
            mz_metric_desc d = series_desc[slot];
            d.buckets = h->bounds_s;
            d.n_buckets = h->n > MZ_CONSOLE_BUCKETS ? MZ_CONSOLE_BUCKETS : h->n;
            c->id[slot] = mz_metrics_add(c->metrics, &d);
            if (c->id[slot] < 0) mz_log_warn("console: %s", mz_error());
            c->have_hist[i] = true;
        }
        if (c->id[slot] >= 0)
            mz_metrics_set_histogram(c->metrics, c->id[slot], h->cumulative, h->count, h->sum_s);
    }
    const uint64_t totals[] = {st->sessions, st->endings, st->restarts, st->fallbacks, st->turns};
    for (int i = 0; i < 5; i++)
        mz_metrics_set_total(c->metrics, c->id[M_SESSIONS + i], (double)totals[i]);
    mz_metrics_set(c->metrics, c->id[M_UPTIME], st->uptime_s);
    mz_metrics_set(c->metrics, c->id[M_RSS], (double)st->rss_kb * 1024);
    mz_metrics_set(c->metrics, c->id[M_FPS], st->fps);
    mz_metrics_set(c->metrics, c->id[M_SESSIONS_TODAY], (double)st->sessions_today);
}

/* The status's p95, or the histogram's when the program gives none. */
static double first_frame_p95_ms(mz_console *c, const mz_console_status *st)
{
    double q;
    if (st->first_frame_p95_ms >= 0) return st->first_frame_p95_ms;
    if (c->id[M_FIRST_FRAME] >= 0 &&
        mz_metrics_quantile(c->metrics, c->id[M_FIRST_FRAME], 0.95, &q))
        return q * 1000;
    return -1;
}

/* cJSON's text as the answer. */
static void send_json(mz_web_response *resp, cJSON *root)
{
    char *text = root ? cJSON_PrintUnformatted(root) : NULL;
    cJSON_Delete(root);
    if (!text) return mz_web_error(resp, 500, "out of memory");
    mz_web_write(resp, text, strlen(text));
    mz_web_write(resp, "\n", 1);
    cJSON_free(text);
}

static void add_number(cJSON *o, const char *name, double v)
{
    /* JSON has no NaN or infinity: an unknown number is null. */
    if (isfinite(v))
        cJSON_AddNumberToObject(o, name, v);
    else
        cJSON_AddNullToObject(o, name);
}

/* What /health and /api/status both give. */
static cJSON *live_json(const mz_console_status *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "state", st->state);
    cJSON_AddStringToObject(o, "scene", st->scene);
    cJSON_AddNumberToObject(o, "turn", st->turn);
    add_number(o, "uptime_s", st->uptime_s);
    cJSON_AddNumberToObject(o, "restarts", (double)st->restarts);
    cJSON_AddBoolToObject(o, "player_up", st->player_up);
    return o;
}

static void on_health(void *user, const mz_web_request *req, mz_web_response *resp)
{
    (void)req;
    mz_console_status st;
    read_status(user, &st);
    /* Uptime checkers read the status code: 503 while no player runs. */
    if (!st.player_up) mz_web_status(resp, 503, NULL);
    send_json(resp, live_json(&st));
}

static void on_status(void *user, const mz_web_request *req, mz_web_response *resp)
{
    (void)req;
    mz_console *c = user;
    mz_console_status st;
    read_status(c, &st);
    update_metrics(c, &st);
    cJSON *o = live_json(&st);
    cJSON_AddStringToObject(o, "story", st.story);
    cJSON_AddNumberToObject(o, "sessions", (double)st.sessions);
    cJSON_AddNumberToObject(o, "sessions_today", (double)st.sessions_today);
    cJSON_AddNumberToObject(o, "endings", (double)st.endings);
    cJSON_AddNumberToObject(o, "turns", (double)st.turns);
    add_number(o, "fps", st.fps);
    double p95 = first_frame_p95_ms(c, &st);
    if (p95 >= 0)
        add_number(o, "first_frame_p95_ms", p95);
    else
        cJSON_AddNullToObject(o, "first_frame_p95_ms");
    cJSON_AddStringToObject(o, "generator", st.generator);
    cJSON_AddBoolToObject(o, "fallback", st.fallback);
    cJSON_AddNumberToObject(o, "fallbacks", (double)st.fallbacks);
    cJSON_AddNumberToObject(o, "rss_mb", (double)st.rss_kb / 1024);
    cJSON_AddBoolToObject(o, "paused", st.paused);
    cJSON_AddBoolToObject(o, "muted", st.muted);
    add_number(o, "volume", st.volume);
    cJSON *errors = cJSON_AddArrayToObject(o, "errors");
    for (int i = 0; i < st.error_count; i++)
        cJSON_AddItemToArray(errors, cJSON_CreateString(st.errors[i]));
    cJSON *stories = cJSON_AddArrayToObject(o, "stories");
    for (int i = 0; i < st.story_count; i++)
        cJSON_AddItemToArray(stories, cJSON_CreateString(st.stories[i]));
    send_json(resp, o);
}

static const char *const actions[] = {"attract", "pause", "resume",  "mute", "unmute",
                                      "volume",  "story", "restart", "stop"};

/* The action's value from the request: the volume, or the story's index
 * (given as a number or by name). false with the reason. */
static bool control_value(mz_console *c, const char *action, const cJSON *req, double *value,
                          char *why, size_t cap)
{
    *value = 0;
    if (!strcmp(action, "volume")) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, "volume");
        if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 1))
            return snprintf(why, cap, "volume needs \"volume\": a number from 0 to 1"), false;
        *value = v->valuedouble;
        return true;
    }
    if (strcmp(action, "story")) return true;
    mz_console_status st;
    read_status(c, &st);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(req, "story");
    for (int i = 0; i < st.story_count; i++)
        if ((cJSON_IsNumber(v) && v->valuedouble == i) ||
            (cJSON_IsString(v) && !strcmp(v->valuestring, st.stories[i]))) {
            *value = i;
            return true;
        }
    snprintf(why, cap, "story needs \"story\": one of the %d configured stories (index or name)",
             st.story_count);
    return false;
}

static void on_control(void *user, const mz_web_request *req, mz_web_response *resp)
{
    mz_console *c = user;
    cJSON *body = cJSON_ParseWithLength(req->body, req->body_len);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(body, "action");
    const char *action = NULL;
    for (size_t i = 0; cJSON_IsString(a) && i < sizeof actions / sizeof *actions; i++)
        if (!strcmp(a->valuestring, actions[i])) action = actions[i];
    char why[160];
    double value;
    if (!body) {
        mz_web_error(resp, 400, "the body is not JSON");
    } else if (!action) {
        mz_web_error(resp, 400,
                     "\"action\" is one of attract, pause, resume, mute, unmute, volume, story, "
                     "restart, stop");
    } else if (!control_value(c, action, body, &value, why, sizeof why)) {
        mz_web_error(resp, 400, why);
    } else if (!c->desc.control(c->desc.user, action, value)) {
        mz_web_error(resp, 409, mz_error());
    } else {
        mz_log_info("console: %s: %s %g", req->client_ip, action, value);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "done", action);
        send_json(resp, o);
    }
    cJSON_Delete(body);
}

static void on_sessions(void *user, const mz_web_request *req, mz_web_response *resp)
{
    (void)req;
    mz_console *c = user;
    if (!c->desc.sessions) return (void)mz_web_write(resp, "[]\n", 3);
    char *out = calloc(1, SESSIONS_CAP);
    if (!out) return mz_web_error(resp, 500, "out of memory");
    c->desc.sessions(c->desc.user, out, SESSIONS_CAP);
    out[SESSIONS_CAP - 1] = 0;
    /* Passed on only when it is what the page expects. */
    cJSON *list = cJSON_Parse(out);
    if (cJSON_IsArray(list)) {
        send_json(resp, list);
    } else {
        cJSON_Delete(list);
        mz_web_error(resp, 500, "the session list is not a JSON array");
    }
    free(out);
}

static void on_metrics(void *user, const mz_web_request *req, mz_web_response *resp)
{
    (void)req;
    mz_console *c = user;
    mz_console_status st;
    read_status(c, &st);
    update_metrics(c, &st);
    size_t len;
    char *text = mz_metrics_text(c->metrics, &len);
    if (!text) return mz_web_error(resp, 500, mz_error());
    mz_web_status(resp, 200, MZ_METRICS_CONTENT_TYPE);
    mz_web_write(resp, text, len);
    free(text);
}

mz_console *mz_console_create(const mz_console_desc *desc)
{
    if (!desc || !desc->web || !desc->status || !desc->control) {
        mz_fail("console: a server, a status and a control callback are required");
        return NULL;
    }
    mz_console *c = calloc(1, sizeof *c);
    if (!c || !(c->metrics = mz_metrics_create())) {
        free(c);
        mz_fail("console: out of memory");
        return NULL;
    }
    c->desc = *desc;
    bool ok = true;
    for (int i = 0; i < M_COUNT && ok; i++) {
        c->id[i] = -1;
        if (series_desc[i].type != MZ_METRIC_HISTOGRAM)
            ok = (c->id[i] = mz_metrics_add(c->metrics, &series_desc[i])) >= 0;
    }
    mz_web *w = desc->web;
    ok = ok && mz_web_route(w, "GET", "/health", false, on_health, c) &&
         mz_web_route(w, "GET", "/api/status", true, on_status, c) &&
         mz_web_route(w, "POST", "/api/control", true, on_control, c) &&
         mz_web_route(w, "GET", "/api/sessions", true, on_sessions, c) &&
         mz_web_route(w, "GET", "/metrics", true, on_metrics, c);
    if (!ok) {
        mz_fail_context("console");
        mz_console_destroy(c);
        return NULL;
    }
    return c;
}

void mz_console_destroy(mz_console *c)
{
    if (!c) return;
    mz_metrics_destroy(c->metrics);
    free(c);
}

mz_metrics *mz_console_metrics(mz_console *c)
{
    return c->metrics;
}
