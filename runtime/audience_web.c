/* audience_web.c — mz_audience_web: the phones' HTTP API, WebSocket and
 * pump over mz_audience. */
#include "mz_audience_web.h"

#include "mz_error.h"
#include "mz_time.h"
#include "mz_token.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONNS 512 /* WebSocket connections remembered (mz_web caps them lower) */

typedef struct conn {
    uint64_t id; /* 0: free */
    char phone[64];
} conn;

struct mz_audience_web {
    mz_web *web;
    mz_audience *aud;
    pthread_mutex_t lock; /* conns: written by the web thread, read by the pump */
    conn conns[CONNS];
    pthread_t pump;
    bool running;
    pthread_mutex_t stop_lock;
    pthread_cond_t stop;
    mz_audience_pending waiting[64]; /* the moderation list's, on the web thread */
};

double mz_audience_web_now(void)
{
    return (double)mz_time_ns() / 1e9;
}

/* The phone's id from its cookie, or a new one (then set on resp). */
static bool phone_id(const mz_web_request *req, mz_web_response *resp, char id[64])
{
    if (mz_web_cookie(req, "mz_phone", id, 64) && mz_token_valid(id, 16, 63)) return true;
    if (!resp || !mz_token_random(id, 64)) return false;
    char cookie[128];
    snprintf(cookie, sizeof cookie, "mz_phone=%s; Path=/; Max-Age=86400; SameSite=Strict", id);
    mz_web_header(resp, "Set-Cookie", cookie);
    return true;
}

static void write_line(mz_web_response *resp, uint64_t id, mz_line_state s, const char *reason)
{
    mz_web_printf(resp, "{\"id\":%llu,\"state\":\"%s\",\"reason\":\"", (unsigned long long)id,
                  mz_line_state_name(s));
    mz_web_write_json_string(resp, reason ? reason : "");
    mz_web_write(resp, "\"}", 2);
}

static void on_landing(void *user, const mz_web_request *req, mz_web_response *resp)
{
    (void)user;
    char id[64];
    phone_id(req, resp, id);
    mz_web_status(resp, 302, "text/plain");
    mz_web_header(resp, "Location", "/audience.html");
}

static void on_line(void *user, const mz_web_request *req, mz_web_response *resp)
{
    mz_audience_web *aw = user;
    char who[64];
    if (!phone_id(req, resp, who)) return mz_web_error(resp, 500, mz_error());
    uint64_t id;
    const char *reason;
    mz_line_state s = mz_audience_submit(aw->aud, who, req->client_ip, req->body,
                                         mz_audience_web_now(), &id, &reason);
    write_line(resp, id, s, reason);
}

static void on_vote(void *user, const mz_web_request *req, mz_web_response *resp)
{
    mz_audience_web *aw = user;
    char who[64];
    if (!phone_id(req, resp, who)) return mz_web_error(resp, 500, mz_error());
    char *end;
    long choice = strtol(req->body, &end, 10);
    if (end == req->body) return mz_web_error(resp, 400, "the body is a choice's number");
    const char *reason;
    mz_line_state s =
        mz_audience_vote(aw->aud, who, req->client_ip, (int)choice, mz_audience_web_now(), &reason);
    write_line(resp, 0, s, reason);
}

/* {"open":..,"left_s":..,"choices":[{"text":..,"count":..}]} */
static void write_vote(mz_audience_web *aw, mz_web_response *resp, double now)
{
    int counts[MZ_AUDIENCE_MAX_CHOICES];
    double left;
    size_t n = mz_audience_tally(aw->aud, now, counts, MZ_AUDIENCE_MAX_CHOICES, &left);
    mz_web_printf(resp, "{\"open\":%s,\"left_s\":%.1f,\"choices\":[", n ? "true" : "false", left);
    for (size_t i = 0; i < n; i++) {
        char text[160];
        mz_web_printf(resp, "%s{\"text\":\"", i ? "," : "");
        mz_web_write_json_string(resp, mz_audience_choice(aw->aud, i, text, sizeof text));
        mz_web_printf(resp, "\",\"count\":%d}", counts[i]);
    }
    mz_web_write(resp, "]}", 2);
}

static void on_state(void *user, const mz_web_request *req, mz_web_response *resp)
{
    mz_audience_web *aw = user;
    char who[64] = "", arg[32];
    phone_id(req, NULL, who);
    uint64_t id = mz_web_query(req, "id", arg, sizeof arg) ? strtoull(arg, NULL, 10) : 0;
    const char *reason;
    mz_line_state s = mz_audience_status(aw->aud, who, id, &reason);
    mz_web_printf(resp, "{\"mode\":\"%s\",\"max_len\":%zu,\"line\":",
                  mz_audience_get_mode(aw->aud) == MZ_AUDIENCE_VOTE ? "vote" : "queue",
                  mz_audience_max_bytes(aw->aud));
    write_line(resp, id, s, reason);
    mz_web_write(resp, ",\"vote\":", 8);
    write_vote(aw, resp, mz_audience_web_now());
    mz_web_write(resp, "}", 1);
}

static void on_moderation_list(void *user, const mz_web_request *req, mz_web_response *resp)
{
    (void)req;
    mz_audience_web *aw = user;
    mz_audience_pending *waiting = aw->waiting;
    size_t n = mz_audience_waiting(aw->aud, mz_audience_web_now(), waiting, 64);
    mz_web_printf(resp, "{\"waiting\":[");
    for (size_t i = 0; i < n; i++) {
        mz_web_printf(resp, "%s{\"id\":%llu,\"age_s\":%.1f,\"text\":\"", i ? "," : "",
                      (unsigned long long)waiting[i].id, waiting[i].age_s);
        mz_web_write_json_string(resp, waiting[i].text);
        mz_web_write(resp, "\"}", 2);
    }
    mz_web_write(resp, "]}", 2);
}

static void on_moderation_decide(void *user, const mz_web_request *req, mz_web_response *resp)
{
    mz_audience_web *aw = user;
    char verb[16];
    unsigned long long id;
    if (sscanf(req->body, "%15s %llu", verb, &id) != 2 ||
        (strcmp(verb, "approve") && strcmp(verb, "reject")))
        return mz_web_error(resp, 400, "the body is \"approve ID\" or \"reject ID\"");
    if (!mz_audience_decide(aw->aud, id, !strcmp(verb, "approve"), mz_audience_web_now()))
        return mz_web_error(resp, 409, mz_error());
    mz_web_printf(resp, "{\"ok\":true}");
}

static void ws_open(void *user, uint64_t id, const mz_web_request *req)
{
    mz_audience_web *aw = user;
    char who[64];
    if (!phone_id(req, NULL, who)) return; /* no cookie: the page polls instead */
    pthread_mutex_lock(&aw->lock);
    for (size_t i = 0; i < CONNS; i++)
        if (!aw->conns[i].id) {
            aw->conns[i].id = id;
            snprintf(aw->conns[i].phone, sizeof aw->conns[i].phone, "%s", who);
            break;
        }
    pthread_mutex_unlock(&aw->lock);
}

static void ws_close(void *user, uint64_t id)
{
    mz_audience_web *aw = user;
    pthread_mutex_lock(&aw->lock);
    for (size_t i = 0; i < CONNS; i++)
        if (aw->conns[i].id == id) aw->conns[i].id = 0;
    pthread_mutex_unlock(&aw->lock);
}

static void ws_message(void *user, uint64_t id, const char *data, size_t len, bool binary)
{
    (void)user, (void)id, (void)data, (void)len, (void)binary; /* the page only listens */
}

/* Pushes one change to every connection of its phone. */
static void push_change(mz_audience_web *aw, const mz_audience_change *c)
{
    const char *reason = NULL;
    if (c->state == MZ_LINE_REJECTED) mz_audience_status(aw->aud, c->phone, c->id, &reason);
    char msg[256];
    int n = snprintf(msg, sizeof msg,
                     "{\"type\":\"line\",\"id\":%llu,\"state\":\"%s\",\"reason\":\"%s\"}",
                     (unsigned long long)c->id, mz_line_state_name(c->state), reason ? reason : "");
    pthread_mutex_lock(&aw->lock);
    for (size_t i = 0; i < CONNS; i++)
        if (aw->conns[i].id && !strcmp(aw->conns[i].phone, c->phone))
            mz_web_ws_send(aw->web, aw->conns[i].id, msg, (size_t)n, false);
    pthread_mutex_unlock(&aw->lock);
}

static void push_tally(mz_audience_web *aw, double now)
{
    int counts[MZ_AUDIENCE_MAX_CHOICES];
    double left;
    size_t n = mz_audience_tally(aw->aud, now, counts, MZ_AUDIENCE_MAX_CHOICES, &left);
    if (n == 0) return;
    char msg[1024];
    int len = snprintf(msg, sizeof msg, "{\"type\":\"vote\",\"left_s\":%.1f,\"counts\":[", left);
    for (size_t i = 0; i < n && len < (int)sizeof msg - 16; i++)
        len += snprintf(msg + len, sizeof msg - (size_t)len, "%s%d", i ? "," : "", counts[i]);
    len += snprintf(msg + len, sizeof msg - (size_t)len, "]}");
    mz_web_ws_broadcast(aw->web, "/ws/audience", msg, (size_t)len, false);
}

static void *pump(void *arg)
{
    mz_audience_web *aw = arg;
    mz_audience_change changes[64];
    double last_tally = 0;
    pthread_mutex_lock(&aw->stop_lock);
    while (aw->running) {
        pthread_mutex_unlock(&aw->stop_lock);
        double now = mz_audience_web_now();
        mz_audience_tick(aw->aud, now);
        size_t n;
        while ((n = mz_audience_changes(aw->aud, changes, 64)) > 0)
            for (size_t i = 0; i < n; i++)
                push_change(aw, &changes[i]);
        if (now - last_tally >= 1) {
            push_tally(aw, now);
            last_tally = now;
        }
        pthread_mutex_lock(&aw->stop_lock);
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        if (aw->running) pthread_cond_timedwait(&aw->stop, &aw->stop_lock, &until);
    }
    pthread_mutex_unlock(&aw->stop_lock);
    return NULL;
}

mz_audience_web *mz_audience_web_create(mz_web *web, mz_audience *audience)
{
    if (!web || !audience) {
        mz_fail("mz_audience_web_create: missing argument");
        return NULL;
    }
    mz_audience_web *aw = calloc(1, sizeof *aw);
    if (!aw) {
        mz_fail("audience: out of memory");
        return NULL;
    }
    aw->web = web;
    aw->aud = audience;
    pthread_mutex_init(&aw->lock, NULL);
    pthread_mutex_init(&aw->stop_lock, NULL);
    pthread_cond_init(&aw->stop, NULL);
    mz_web_ws_callbacks cb = {ws_open, ws_message, ws_close, aw};
    bool ok = mz_web_route(web, "GET", "/audience", false, on_landing, aw) &&
              mz_web_route(web, "POST", "/api/audience/line", false, on_line, aw) &&
              mz_web_route(web, "POST", "/api/audience/vote", false, on_vote, aw) &&
              mz_web_route(web, "GET", "/api/audience/state", false, on_state, aw) &&
              mz_web_route(web, "GET", "/api/moderation", true, on_moderation_list, aw) &&
              mz_web_route(web, "POST", "/api/moderation", true, on_moderation_decide, aw) &&
              mz_web_ws_endpoint(web, "/ws/audience", false, &cb);
    aw->running = ok;
    if (ok && pthread_create(&aw->pump, NULL, pump, aw) != 0) {
        aw->running = false;
        ok = mz_fail("audience: cannot start its thread");
    }
    if (!ok) { /* the server is not started: nothing calls the routes given it yet */
        mz_audience_web_destroy(aw);
        return NULL;
    }
    return aw;
}

void mz_audience_web_stop(mz_audience_web *aw)
{
    if (!aw) return;
    pthread_mutex_lock(&aw->stop_lock);
    bool was = aw->running;
    aw->running = false;
    pthread_cond_signal(&aw->stop);
    pthread_mutex_unlock(&aw->stop_lock);
    if (was) pthread_join(aw->pump, NULL);
}

void mz_audience_web_destroy(mz_audience_web *aw)
{
    if (!aw) return;
    mz_audience_web_stop(aw);
    pthread_cond_destroy(&aw->stop);
    pthread_mutex_destroy(&aw->stop_lock);
    pthread_mutex_destroy(&aw->lock);
    free(aw);
}
