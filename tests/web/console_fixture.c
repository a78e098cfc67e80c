/* console_fixture — the operator console on an mz_web server, fed by a fake
 * supervisor, for tests/web/console.py (and by hand: it prints the port
 * and token, then serves until stdin closes).
 *
 *   console_fixture --static assets/web --check tests/web/console_check.html
 *
 * Control calls are printed to stdout as "control ACTION VALUE"; the check
 * page's POST /test/report as "report BODY". "attract" sets the state to
 * attract, "pause"/"resume" and "mute"/"unmute" flip their flags, "stop" is
 * refused (409) to test a failing control. */
#include "exhibit_console.h"
#include "fixture.h"
#include "mz_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char state[16] = "playing";
static bool paused, muted;
static double volume = 0.8;
static char *check_page;

static void fake_status(void *user, mz_console_status *st)
{
    (void)user;
    snprintf(st->state, sizeof st->state, "%s", state);
    snprintf(st->story, sizeof st->story, "stories/lighthouse");
    snprintf(st->scene, sizeof st->scene, "the-lamp-room");
    st->turn = 4;
    st->uptime_s = 93784; /* 1 d 02:03:04 */
    st->fps = 29.5;
    st->first_frame_p95_ms = -1; /* from the histogram */
    snprintf(st->generator, sizeof st->generator, "remote ws://gpu-1:9000");
    st->rss_kb = 512000;
    st->player_up = true;
    st->paused = paused;
    st->muted = muted;
    st->volume = volume;
    st->sessions = 40, st->sessions_today = 12, st->endings = 9, st->restarts = 1;
    st->fallbacks = 2, st->turns = 333;
    /* 20 first frames: 10 under 0.25 s, 8 more under 0.5 s, 2 under 1 s. */
    st->first_frame = (mz_console_histogram){.n = 4,
                                             .bounds_s = {0.25, 0.5, 1, 2},
                                             .cumulative = {10, 18, 20, 20},
                                             .count = 20,
                                             .sum_s = 7.5};
    st->turn_latency = (mz_console_histogram){
        .n = 2, .bounds_s = {0.01, 0.1}, .cumulative = {300, 330}, .count = 333, .sum_s = 4};
    snprintf(st->errors[0], sizeof st->errors[0], "generator: the connection to gpu-1 was lost");
    snprintf(st->errors[1], sizeof st->errors[1], "<b>not markup</b>");
    st->error_count = 2;
    snprintf(st->stories[0], sizeof st->stories[0], "stories/lighthouse");
    snprintf(st->stories[1], sizeof st->stories[1], "stories/forest");
    st->story_count = 2;
}

static bool fake_control(void *user, const char *action, double value)
{
    (void)user;
    printf("control %s %g\n", action, value);
    fflush(stdout);
    if (!strcmp(action, "stop")) return mz_fail("this fixture does not stop");
    if (!strcmp(action, "attract")) snprintf(state, sizeof state, "attract");
    if (!strcmp(action, "pause") || !strcmp(action, "resume")) paused = !strcmp(action, "pause");
    if (!strcmp(action, "mute") || !strcmp(action, "unmute")) muted = !strcmp(action, "mute");
    if (!strcmp(action, "volume")) volume = value;
    return true;
}

static void fake_sessions(void *user, char *out, size_t cap)
{
    (void)user;
    snprintf(
        out, cap,
        "[{\"start\":\"2026-12-06T18:40:00Z\",\"end\":\"2026-12-06T18:44:10Z\",\"seconds\":250,"
        "\"story\":\"stories/lighthouse\",\"seed\":7,\"turns\":9,\"ending\":\"home\","
        "\"reason\":\"ending\"},"
        "{\"start\":\"2026-12-06T18:30:00Z\",\"end\":\"2026-12-06T18:31:30Z\",\"seconds\":90,"
        "\"story\":\"stories/forest\",\"seed\":6,\"turns\":2,\"ending\":null,"
        "\"reason\":\"idle\"}]");
}

static void serve_check(void *user, const mz_web_request *req, mz_web_response *resp)
{
    (void)user, (void)req;
    if (!check_page) return mz_web_error(resp, 404, "no check page");
    mz_web_status(resp, 200, "text/html; charset=utf-8");
    mz_web_write(resp, check_page, strlen(check_page));
}

static void on_report(void *user, const mz_web_request *req, mz_web_response *resp)
{
    (void)user;
    printf("report %s\n", req->body);
    fflush(stdout);
    mz_web_write(resp, "{}\n", 3);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    static char buf[64 * 1024];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    return buf;
}

int main(int argc, char **argv)
{
    mz_web_desc desc = {0};
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--token")) desc.token = argv[i + 1];
        if (!strcmp(argv[i], "--static")) desc.static_dir = argv[i + 1];
        if (!strcmp(argv[i], "--check")) check_page = slurp(argv[i + 1]);
    }
    mz_web *web = mz_web_create(&desc);
    mz_console *console = web ? mz_console_create(&(mz_console_desc){
                                    .web = web,
                                    .status = fake_status,
                                    .control = fake_control,
                                    .sessions = fake_sessions,
                                })
                              : NULL;
    if (!console || !mz_web_route(web, "GET", "/test/check.html", false, serve_check, NULL) ||
        !mz_web_route(web, "POST", "/test/report", false, on_report, NULL) || !mz_web_start(web)) {
        fprintf(stderr, "console_fixture: %s\n", mz_error());
        mz_web_destroy(web);
        mz_console_destroy(console);
        return 1;
    }
    fixture_serve(web);
    mz_web_destroy(web);
    mz_console_destroy(console);
    return 0;
}
