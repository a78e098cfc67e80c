/* web_fixture — an mz_web server with test routes, driven by web.py.
 *
 *   web_fixture [--token T] [--static DIR] [--max-body N] [--max-ws N]
 *               [--token-file PATH]
 *
 * Prints "port=P token=T" and serves until stdin closes. Routes:
 *   GET  /echo       public: the request as JSON
 *   POST /echo       token:  the request and its body as JSON
 *   GET  /count      public: {"ws": open WebSocket connections}
 *   GET  /metrics    public: a registry with each kind of metric
 *   WS   /ws/echo    public: echoes each message; "all:TEXT" broadcasts
 *                    TEXT to every /ws/echo connection instead
 *   WS   /ws/op      token:  sends "hello N" on open
 * Events are logged to stderr: "open N /path", "close N". */
#include "fixture.h"
#include "mz_metrics.h"
#include "mz_web.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static mz_web *web;
static mz_metrics *metrics;

static void echo(void *user, const mz_web_request *req, mz_web_response *resp)
{
    (void)user;
    const char *fields[][2] = {
        {"method", req->method}, {"path", req->path},           {"query", req->query},
        {"cookie", req->cookie}, {"client_ip", req->client_ip}, {"content_type", req->content_type},
        {"body", req->body}};
    mz_web_printf(resp, "{\"authorized\":%s,\"body_len\":%zu", req->authorized ? "true" : "false",
                  req->body_len);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        mz_web_printf(resp, ",\"%s\":\"", fields[i][0]);
        mz_web_write_json_string(resp, fields[i][1]);
        mz_web_write(resp, "\"", 1);
    }
    char who[32];
    if (mz_web_query(req, "who", who, sizeof who)) {
        mz_web_write(resp, ",\"who\":\"", 8);
        mz_web_write_json_string(resp, who);
        mz_web_write(resp, "\"", 1);
    }
    mz_web_write(resp, "}\n", 2);
    mz_web_header(resp, "X-Fixture", "yes");
}

static void count(void *user, const mz_web_request *req, mz_web_response *resp)
{
    (void)user, (void)req;
    mz_web_printf(resp, "{\"ws\":%d}\n", mz_web_ws_count(web));
}

static void serve_metrics(void *user, const mz_web_request *req, mz_web_response *resp)
{
    (void)user, (void)req;
    size_t len;
    char *text = mz_metrics_text(metrics, &len);
    if (!text) return mz_web_error(resp, 500, mz_error());
    mz_web_status(resp, 200, MZ_METRICS_CONTENT_TYPE);
    mz_web_write(resp, text, len);
    free(text);
}

/* One of each kind, with values web.py checks after parsing. */
static mz_metrics *make_metrics(void)
{
    mz_metrics *m = mz_metrics_create();
    int c = mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_COUNTER, "maze_sessions_total",
                                                "Visitor sessions started."});
    int e1 = mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_COUNTER, "maze_session_ends_total",
                                                 "Sessions ended, by why.", "reason", "idle"});
    int e2 = mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_COUNTER, "maze_session_ends_total",
                                                 "Sessions ended, by why.", "reason",
                                                 "odd \"value\"\\ with\nnewline"});
    int g = mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_GAUGE, "maze_rss_bytes",
                                                "Resident memory of the player.\nSecond line."});
    int h = mz_metrics_add(m, &(mz_metric_desc){MZ_METRIC_HISTOGRAM, "maze_turn_seconds",
                                                "Viewer text to the scene's first frame."});
    mz_metrics_inc(m, c, 7);
    mz_metrics_inc(m, e1, 3);
    mz_metrics_inc(m, e2, 1);
    mz_metrics_set(m, g, 52428800);
    const double turns[] = {0.004, 0.02, 0.02, 0.3, 12};
    for (size_t i = 0; i < sizeof turns / sizeof turns[0]; i++)
        mz_metrics_observe(m, h, turns[i]);
    return m;
}

static void on_open(void *user, uint64_t conn, const mz_web_request *req)
{
    fprintf(stderr, "open %llu %s\n", (unsigned long long)conn, req->path);
    if (user) {
        char hello[32];
        int n = snprintf(hello, sizeof hello, "hello %llu", (unsigned long long)conn);
        mz_web_ws_send(web, conn, hello, (size_t)n, false);
    }
}

static void on_message(void *user, uint64_t conn, const char *data, size_t len, bool binary)
{
    (void)user;
    if (!binary && len > 4 && !strncmp(data, "all:", 4))
        mz_web_ws_broadcast(web, "/ws/echo", data + 4, len - 4, false);
    else
        mz_web_ws_send(web, conn, data, len, binary);
}

static void on_close(void *user, uint64_t conn)
{
    (void)user;
    fprintf(stderr, "close %llu\n", (unsigned long long)conn);
}

int main(int argc, char **argv)
{
    mz_web_desc desc = {0};
    const char *token_file = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--token")) desc.token = argv[i + 1];
        if (!strcmp(argv[i], "--static")) desc.static_dir = argv[i + 1];
        if (!strcmp(argv[i], "--max-body")) desc.max_body = strtoul(argv[i + 1], NULL, 10);
        if (!strcmp(argv[i], "--max-ws")) desc.max_ws = atoi(argv[i + 1]);
        if (!strcmp(argv[i], "--token-file")) token_file = argv[i + 1];
    }
    metrics = make_metrics();
    web = mz_web_create(&desc);
    if (!web) {
        fprintf(stderr, "web_fixture: %s\n", mz_error());
        return 1;
    }
    mz_web_ws_callbacks echo_cb = {on_open, on_message, on_close, NULL};
    mz_web_ws_callbacks op_cb = {on_open, on_message, on_close, &op_cb};
    if (!mz_web_route(web, "GET", "/echo", false, echo, NULL) ||
        !mz_web_route(web, "POST", "/echo", true, echo, NULL) ||
        !mz_web_route(web, "GET", "/count", false, count, NULL) ||
        !mz_web_route(web, "GET", "/metrics", false, serve_metrics, NULL) ||
        !mz_web_ws_endpoint(web, "/ws/echo", false, &echo_cb) ||
        !mz_web_ws_endpoint(web, "/ws/op", true, &op_cb) ||
        (token_file && !mz_web_write_token_file(web, token_file)) || !mz_web_start(web)) {
        fprintf(stderr, "web_fixture: %s\n", mz_error());
        mz_web_destroy(web);
        mz_metrics_destroy(metrics);
        return 1;
    }
    /* A route after the start is refused with a message. */
    if (mz_web_route(web, "GET", "/late", false, echo, NULL) ||
        !strstr(mz_error(), "fixed once the server has started")) {
        fprintf(stderr, "web_fixture: a late route was accepted\n");
        mz_web_destroy(web);
        return 1;
    }
    fixture_serve(web);
    mz_web_destroy(web);
    mz_metrics_destroy(metrics);
    return 0;
}
