/* The ComfyUI adapter against a fake ComfyUI (fake_comfy.c) that behaves as
 * the real one does: the last frame is uploaded, the example workflow is
 * queued with its placeholders filled in, previews arrive as transitional
 * frames, then the finished images; a failing workflow falls back;
 * superseded prompts are cancelled on the server; previews and outputs of
 * other prompts are not shown; node errors are reported by node; results
 * come from /history when /ws drops; one upload name per client; the
 * output node chosen; progress in the stats; missing node classes named;
 * a server behind a proxy (path prefix, auth header), on IPv6, over TLS. */
#include "comfy_uri.h"
#include "fake_comfy.h"
#include "http.h"
#include "mz_error.h"
#include "mz_gen.h"
#include "mz_log.h"
#include "mz_test.h"
#include "mz_time.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <math.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define W 120
#define H 80
#define WORKFLOW "docs/comfyui-workflow-example.json"

/* The adapter on the fake at 127.0.0.1, with `options` ("&output=12") after
 * the workflow. */
static mz_gen *open_comfy_with(const fake_comfy *f, const char *fallback, const char *options)
{
    char uri[512];
    snprintf(uri, sizeof uri, "comfy://127.0.0.1:%d?workflow=%s%s", fake_comfy_port(f), WORKFLOW,
             options);
    return mz_gen_open(&(mz_gen_desc){.uri = uri, .fallback = fallback, .deadline_s = 0.5f});
}

static mz_gen *open_comfy(const fake_comfy *f, const char *fallback)
{
    return open_comfy_with(f, fallback, "");
}

/* The /ws link comes up on its own thread; give it a moment. */
static void wait_ws(fake_comfy *f)
{
    fake_comfy_log log;
    uint64_t t0 = mz_time_ns();
    do {
        mz_time_sleep_ms(10);
        fake_comfy_log_get(f, &log);
    } while ((!log.ws_connections || !log.preview_metadata) && mz_time_ms_since(t0) < 2000);
}

/* Log lines, to check the messages the adapter gives. */
static pthread_mutex_t logged_lock = PTHREAD_MUTEX_INITIALIZER;
static char logged[16384];

static void capture(mz_log_level level, const char *line, void *user)
{
    (void)level, (void)user;
    pthread_mutex_lock(&logged_lock);
    size_t n = strlen(logged);
    snprintf(logged + n, sizeof logged - n, "%s\n", line);
    pthread_mutex_unlock(&logged_lock);
    fputs(line, stderr);
    fputc('\n', stderr);
}

static bool logged_has(const char *text)
{
    pthread_mutex_lock(&logged_lock);
    bool has = strstr(logged, text) != NULL;
    pthread_mutex_unlock(&logged_lock);
    return has;
}

/* The frames of one scene until `finals` finished ones came or time ran out. */
typedef struct seen {
    int previews, finals;
    int green_previews;   /* this client's prompt */
    int foreign_previews; /* grey: a prompt queued without a client_id */
    int yellow_finals;    /* PreviewImage's output */
    uint8_t final_colours[2][4];
} seen;

/* Previews are JPEG: a solid colour comes back within a few levels. */
static bool near(const uint8_t *px, int r, int g, int b)
{
    return abs(px[0] - r) <= 6 && abs(px[1] - g) <= 6 && abs(px[2] - b) <= 6;
}

static void collect(mz_gen *g, uint64_t scene_id, int finals, double timeout_ms, seen *out)
{
    memset(out, 0, sizeof *out);
    uint64_t t0 = mz_time_ns();
    while (mz_time_ms_since(t0) < timeout_ms && out->finals < finals) {
        mz_frame fr;
        if (!mz_gen_wait(g, &fr, 50) || fr.scene_id != scene_id) continue;
        MZ_CHECK(fr.width == W && fr.height == H);
        MZ_CHECK_MSG(fabs(fr.time_s - fr.index / 10.0) < 1e-9, "frame %u at %.3f s", fr.index,
                     fr.time_s);
        const uint8_t *mid = fr.rgba + ((size_t)(fr.height / 2) * fr.width + fr.width / 2) * 4;
        if (fr.transitional) {
            MZ_CHECK_MSG(out->finals == 0, "a preview after the finished frames");
            out->previews++;
            out->green_previews += near(mid, 0, 200, 0);
            out->foreign_previews += near(mid, 200, 200, 200);
        } else {
            out->yellow_finals += near(mid, 220, 220, 0);
            if (out->finals < 2) memcpy(out->final_colours[out->finals], mid, 4);
            out->finals++;
        }
    }
}

/* A fake with `opts` and the adapter on it (URI options `options`), its
 * /ws up; NULL (nothing left running) when the adapter did not open. */
static mz_gen *start_with(const fake_comfy_opts *opts, const char *fallback, const char *options,
                          fake_comfy **f)
{
    *f = fake_comfy_start(opts);
    MZ_CHECK(*f != NULL);
    if (!*f) return NULL;
    mz_gen *g = open_comfy_with(*f, fallback, options);
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    if (!g) {
        fake_comfy_stop(*f);
        return NULL;
    }
    wait_ws(*f);
    return g;
}

static mz_gen *start(const fake_comfy_opts *opts, const char *fallback, fake_comfy **f)
{
    return start_with(opts, fallback, "", f);
}

static void submit(mz_gen *g, uint64_t id)
{
    mz_scene_request r = {
        .id = id, .prompt = "a hall", .seed = id, .width = W, .height = H, .fps = 10};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
}

/* A call of someone else's (ComfyUI's own page) to the fake. */
static void post(const fake_comfy *f, const char *path, const char *json)
{
    mz_gen_http_response resp;
    MZ_CHECK(mz_gen_http_do(&(mz_gen_http_request){.host = "127.0.0.1",
                                                   .port = fake_comfy_port(f),
                                                   .path = path,
                                                   .content_type = "application/json",
                                                   .body = json,
                                                   .body_len = strlen(json),
                                                   .max_body = 4096,
                                                   .timeout_s = 2},
                            &resp));
    mz_gen_http_free(&resp);
}

static void test_scene_through_comfy(void)
{
    fake_comfy *f = fake_comfy_start(NULL);
    MZ_CHECK(f != NULL);
    mz_gen *g = open_comfy(f, "");
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    if (!g) {
        fake_comfy_stop(f);
        return;
    }
    /* The last frame shown: a solid orange 200x100 image. */
    uint8_t *shown = malloc(200 * 100 * 4);
    for (int i = 0; i < 200 * 100; i++)
        memcpy(shown + 4 * i, (uint8_t[]){250, 120, 10, 255}, 4);
    mz_frame cond = {.scene_id = 1, .width = 200, .height = 100, .rgba = shown};
    mz_scene_request r = {.id = 5,
                          .prompt = "a \"red\" door in a white wall",
                          .negative = "blur",
                          .seed = 18446744073709551557ull, /* above 2^53 */
                          .width = W,
                          .height = H,
                          .fps = 10,
                          .duration_s = 2};
    wait_ws(f);
    MZ_CHECK(mz_gen_submit(g, &r, &cond, 1));

    seen got;
    collect(g, 5, 2, 5000, &got);
    MZ_CHECK_MSG(got.previews == 3 && got.green_previews == 3, "%d previews, %d green",
                 got.previews, got.green_previews);
    MZ_CHECK_MSG(got.finals == 2, "%d finished frames", got.finals);
    MZ_CHECK(got.final_colours[0][0] == 220 && got.final_colours[0][2] == 0);
    MZ_CHECK(got.final_colours[1][0] == 0 && got.final_colours[1][2] == 220);

    fake_comfy_log log;
    fake_comfy_log_get(f, &log);
    MZ_CHECK(log.uploads == 1 && log.upload_w == 200 && log.upload_h == 100);
    MZ_CHECK(!memcmp(log.upload_pixel, (uint8_t[]){250, 120, 10, 255}, 4));
    MZ_CHECK(log.prompts == 1 && log.views == 2);
    MZ_CHECK_STR(log.client_id, log.ws_client_id);
    MZ_CHECK_HAS(log.workflow, "\"seed\":18446744073709551557");
    MZ_CHECK_HAS(log.workflow, "\"text\":\"a \\\"red\\\" door in a white wall, cinematic still");
    MZ_CHECK_HAS(log.workflow, "\"text\":\"blur, text, watermark\"");
    char image[96];
    snprintf(image, sizeof image, "\"image\":\"%s.png\"", log.client_id);
    MZ_CHECK_HAS(log.workflow, image);
    /* The example's eight node classes, each asked of /object_info once. */
    MZ_CHECK_MSG(log.object_info == 8, "%d /object_info requests", log.object_info);
    MZ_CHECK_HAS(log.workflow, "\"width\":120");
    MZ_CHECK(!strstr(log.workflow, "{{"));
    mz_gen_stats s;
    mz_gen_stats_get(g, &s);
    MZ_CHECK_STR(s.backend, "comfy");
    free(shown);
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* A placeholder repeated more often than any guess of the buffer allowed:
 * every copy is filled in, nothing is cut (the adapter once truncated the
 * string silently). */
static void test_placeholder_repeated(void)
{
    char path[] = "/tmp/maze_wf_XXXXXX";
    int fd = mkstemp(path);
    MZ_CHECK(fd >= 0);
    FILE *wf = fdopen(fd, "w");
    fputs("{\"6\":{\"class_type\":\"CLIPTextEncode\",\"inputs\":{\"text\":\"", wf);
    for (int i = 0; i < 16; i++)
        fputs("{{prompt}}|", wf);
    fputs("END\"}}}", wf);
    fclose(wf);
    fake_comfy *f = fake_comfy_start(NULL);
    char uri[256];
    snprintf(uri, sizeof uri, "comfy://127.0.0.1:%d?workflow=%s", fake_comfy_port(f), path);
    mz_gen *g = mz_gen_open(&(mz_gen_desc){.uri = uri, .fallback = ""});
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    char prompt[301];
    memset(prompt, 'p', 300);
    prompt[300] = 0;
    mz_scene_request r = {.id = 9, .prompt = prompt, .seed = 1, .width = W, .height = H, .fps = 10};
    MZ_CHECK(g && mz_gen_submit(g, &r, NULL, 0));
    fake_comfy_log log;
    uint64_t t0 = mz_time_ns();
    do {
        mz_time_sleep_ms(10);
        fake_comfy_log_get(f, &log);
    } while (!log.prompts && mz_time_ms_since(t0) < 5000);
    int copies = 0;
    for (const char *p = log.workflow; (p = strstr(p, prompt)); p += 300)
        copies++;
    MZ_CHECK_MSG(copies == 16, "%d copies of the prompt", copies);
    MZ_CHECK_HAS(log.workflow, "|END\"");
    mz_gen_close(g);
    fake_comfy_stop(f);
    unlink(path);
}

static void test_failing_workflow_falls_back(void)
{
    fake_comfy *f = fake_comfy_start(&(fake_comfy_opts){.fail = true});
    mz_gen *g = f ? open_comfy(f, NULL) : NULL;
    MZ_CHECK(g != NULL);
    if (g) {
        mz_scene_request r = {
            .id = 6, .prompt = "a bridge", .seed = 1, .width = W, .height = H, .fps = 10};
        MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
        uint64_t t0 = mz_time_ns();
        mz_gen_stats s = {0};
        int fallback_frames = 0;
        while (mz_time_ms_since(t0) < 3000 && fallback_frames < 3) {
            mz_frame fr;
            if (mz_gen_wait(g, &fr, 50)) {
                mz_gen_stats_get(g, &s);
                fallback_frames += s.fallback_active;
            }
        }
        MZ_CHECK_MSG(fallback_frames == 3 && !strcmp(s.backend, "procedural"), "%d from %s",
                     fallback_frames, s.backend);
    }
    mz_gen_close(g);
    if (f) fake_comfy_stop(f);
}

/* One canned HTTP answer on a loopback socket, for the client's parsing. */
typedef struct canned {
    int listen_fd;
    const char *reply;
} canned;

static void *answer_once(void *arg)
{
    canned *c = arg;
    int fd = accept(c->listen_fd, NULL, NULL);
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    (void)n;
    send(fd, c->reply, strlen(c->reply), MSG_NOSIGNAL);
    close(fd);
    return NULL;
}

static bool http_canned(const char *reply, size_t max_body, mz_gen_http_response *r)
{
    canned c = {.listen_fd = socket(AF_INET, SOCK_STREAM, 0), .reply = reply};
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    bind(c.listen_fd, (struct sockaddr *)&a, sizeof a);
    listen(c.listen_fd, 1);
    getsockname(c.listen_fd, (struct sockaddr *)&a, &len);
    pthread_t t;
    pthread_create(&t, NULL, answer_once, &c);
    bool ok = mz_gen_http_do(&(mz_gen_http_request){.host = "127.0.0.1",
                                                    .port = ntohs(a.sin_port),
                                                    .path = "/x",
                                                    .max_body = max_body,
                                                    .timeout_s = 2.0},
                             r);
    pthread_join(t, NULL);
    close(c.listen_fd);
    return ok;
}

static void test_http_client(void)
{
    mz_gen_http_response r;
    MZ_CHECK(http_canned("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                         "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n",
                         1000, &r));
    MZ_CHECK(r.status == 200 && r.len == 12 && !strcmp(r.body, "hello, world"));
    mz_gen_http_free(&r);
    MZ_CHECK(http_canned("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}", 1000, &r));
    MZ_CHECK(r.status == 404 && r.len == 2);
    mz_gen_http_free(&r);
    /* No length: read to the close. */
    MZ_CHECK(http_canned("HTTP/1.0 200 OK\r\n\r\nuntil close", 1000, &r));
    MZ_CHECK(r.len == 11 && !strcmp(r.body, "until close"));
    mz_gen_http_free(&r);
    /* Bounded: a body over the limit, a truncated body, a bad chunk. */
    MZ_CHECK(!http_canned("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\nxx", 1000, &r));
    MZ_CHECK_HAS(mz_error(), "over 1000");
    MZ_CHECK(!http_canned("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nshort", 1000, &r));
    MZ_CHECK_HAS(mz_error(), "closed with 45 bytes remaining");
    MZ_CHECK(!http_canned("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 1000, &r));
    MZ_CHECK_HAS(mz_error(), "chunked-encoding");
    MZ_CHECK(!http_canned("garbage\r\n\r\n", 1000, &r));
    MZ_CHECK_HAS(mz_error(), "HTTP/0.9");
    /* A server that never answers: the timeout, or the abort flag, ends it. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof addr;
    bind(fd, (struct sockaddr *)&addr, sizeof addr);
    listen(fd, 1);
    getsockname(fd, (struct sockaddr *)&addr, &alen);
    uint64_t t0 = mz_time_ns();
    mz_gen_http_request silent = {
        .host = "127.0.0.1", .port = ntohs(addr.sin_port), .path = "/", .max_body = 100};
    silent.timeout_s = 0.2;
    MZ_CHECK(!mz_gen_http_do(&silent, &r));
    double ms = mz_time_ms_since(t0);
    MZ_CHECK_HAS(mz_error(), "timed out");
    MZ_CHECK_MSG(ms >= 150 && ms < 1000, "timed out after %.0f ms", ms);
    atomic_bool abort_now;
    atomic_init(&abort_now, true);
    t0 = mz_time_ns();
    silent.timeout_s = 10.0;
    silent.abort = &abort_now;
    MZ_CHECK(!mz_gen_http_do(&silent, &r));
    MZ_CHECK_HAS(mz_error(), "abandoned");
    MZ_CHECK(mz_time_ms_since(t0) < 500);
    close(fd);
    char q[64];
    MZ_CHECK(mz_gen_http_query_escape("a b/c&d", q, sizeof q) && !strcmp(q, "a%20b%2Fc%26d"));
}

static void test_bad_uris(void)
{
    MZ_CHECK(!mz_gen_open(&(mz_gen_desc){.uri = "comfy://127.0.0.1:8188"}));
    MZ_CHECK_HAS(mz_error(), "comfy://host[:port][/prefix]?workflow=FILE");
    MZ_CHECK(!mz_gen_open(&(mz_gen_desc){.uri = "comfy://127.0.0.1:99999?workflow=x.json"}));
    MZ_CHECK_HAS(mz_error(), "bad port '99999'");
    MZ_CHECK(
        !mz_gen_open(&(mz_gen_desc){.uri = "comfy://127.0.0.1:1?workflow=" WORKFLOW "&output=99"}));
    MZ_CHECK_HAS(mz_error(), "output=99: workflow " WORKFLOW " has no node 99");
    MZ_CHECK(!mz_gen_open(
        &(mz_gen_desc){.uri = "comfy://127.0.0.1:1?workflow=" WORKFLOW "&colour=red"}));
    MZ_CHECK_HAS(mz_error(), "unknown option 'colour'");
    MZ_CHECK(!mz_gen_open(&(mz_gen_desc){.uri = "comfy://127.0.0.1:1?workflow=/nonexistent"}));
    MZ_CHECK_HAS(mz_error(), "cannot open workflow /nonexistent");
    MZ_CHECK(!mz_gen_open(&(mz_gen_desc){.uri = "comfy://127.0.0.1:1?workflow=README.md"}));
    MZ_CHECK_HAS(mz_error(), "is not a JSON object");
}

/* A prompt queued without a client_id (another user's, from ComfyUI's own
 * page with no socket) runs first: its previews are broadcast to every
 * socket. None of them is shown as the scene. */
static void test_previews_of_other_prompts_dropped(void)
{
    fake_comfy *f;
    mz_gen *g = start(NULL, "", &f);
    if (!g) return;
    const char *other = "{\"prompt\":{\"3\":{\"class_type\":\"KSampler\",\"inputs\":{}}}}";
    post(f, "/prompt", other);
    submit(g, 7);
    seen s;
    collect(g, 7, 2, 5000, &s);
    MZ_CHECK_MSG(s.foreign_previews == 0, "%d previews of another prompt shown",
                 s.foreign_previews);
    MZ_CHECK_MSG(s.previews == 3 && s.finals == 2, "%d previews, %d finished", s.previews,
                 s.finals);
    fake_comfy_log log;
    fake_comfy_log_get(f, &log);
    MZ_CHECK(log.preview_metadata && log.prompts == 2);
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* Scene after scene, faster than ComfyUI finishes them: each superseded
 * prompt is cancelled on the server, so the queue never holds more than
 * the current prompt and one stale one, and the last scene is not made to
 * wait behind the others. */
static void test_superseded_prompts_cancelled(void)
{
    fake_comfy *f;
    mz_gen *g = start(&(fake_comfy_opts){.steps = 30}, "", &f);
    if (!g) return;
    enum { CHANGES = 8 };
    for (uint64_t id = 1; id <= CHANGES; id++) {
        submit(g, id);
        mz_time_sleep_ms(60);
    }
    seen s;
    collect(g, CHANGES, 2, 10000, &s);
    MZ_CHECK_MSG(s.finals == 2, "%d finished frames of the last scene", s.finals);
    fake_comfy_log log;
    fake_comfy_log_get(f, &log);
    MZ_CHECK_MSG(log.queue_max <= 2, "%d prompts queued at once", log.queue_max);
    /* Every stale prompt was deleted or interrupted: none ran to its end. */
    MZ_CHECK_MSG(log.interrupted + log.deleted == log.prompts - 1,
                 "%d prompts, %d interrupted, %d deleted", log.prompts, log.interrupted,
                 log.deleted);
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* The output node is cached: its `executed` comes before the /prompt reply. */
static void test_cached_output_before_reply(void)
{
    fake_comfy *f;
    mz_gen *g = start(&(fake_comfy_opts){.cached = true, .reply_delay_ms = 150}, "", &f);
    if (!g) return;
    submit(g, 3);
    seen s;
    collect(g, 3, 2, 3000, &s);
    MZ_CHECK_MSG(s.finals == 2, "%d finished frames", s.finals);
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* validate_prompt's node_errors, on a 400 (nothing queued) and on a 200
 * (queued, those outputs skipped): both reported by node id and class, with
 * the whole message. */
static void test_node_errors_reported(void)
{
    static const char *expected = "node 4 (CheckpointLoaderSimple): Value not in list: ckpt_name: "
                                  "'sd_xl_base_1.0.safetensors' not in ['v1-5-pruned.safetensors']";
    for (int status = 400; status >= 200; status -= 200) {
        logged[0] = 0;
        fake_comfy *f;
        mz_gen *g = start(&(fake_comfy_opts){.node_errors = status}, "", &f);
        if (!g) return;
        submit(g, 4);
        seen s;
        collect(g, 4, 2, status == 200 ? 3000 : 500, &s);
        MZ_CHECK_MSG(logged_has(expected), "%d: no node error in the log", status);
        MZ_CHECK(logged_has(status == 200 ? "skips the outputs of" : "refused the workflow"));
        MZ_CHECK_MSG(s.finals == (status == 200 ? 2 : 0), "%d: %d finished", status, s.finals);
        mz_gen_close(g);
        fake_comfy_stop(f);
    }
}

/* Someone stops the prompt from ComfyUI's page: the scene falls back. */
static void test_interrupted_elsewhere(void)
{
    logged[0] = 0;
    fake_comfy *f;
    mz_gen *g = start(&(fake_comfy_opts){.steps = 50}, NULL, &f);
    if (!g) return;
    submit(g, 8);
    mz_frame fr;
    uint64_t t0 = mz_time_ns();
    while (mz_time_ms_since(t0) < 3000 && !(mz_gen_wait(g, &fr, 50) && fr.transitional))
        ;
    post(f, "/interrupt", "{}");
    mz_gen_stats st = {0};
    t0 = mz_time_ns();
    while (mz_time_ms_since(t0) < 3000 && !st.fallback_active) {
        mz_gen_wait(g, &fr, 50);
        mz_gen_stats_get(g, &st);
    }
    MZ_CHECK_MSG(st.fallback_active, "still %s after the interrupt", st.backend);
    MZ_CHECK(logged_has("interrupted on the server at node 3 (KSampler)"));
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* 300 images in one `executed`: every one is fetched and shown. */
static void test_many_images(void)
{
    fake_comfy *f;
    mz_gen *g = start(&(fake_comfy_opts){.images = 300, .steps = 1}, "", &f);
    if (!g) return;
    submit(g, 2);
    seen s;
    collect(g, 2, 300, 20000, &s);
    fake_comfy_log log;
    fake_comfy_log_get(f, &log);
    mz_gen_stats st;
    mz_gen_stats_get(g, &st);
    MZ_CHECK_MSG(log.views == 300, "%d of 300 images fetched", log.views);
    MZ_CHECK_MSG(s.finals + (int)st.dropped == 300, "%d shown, %llu dropped", s.finals,
                 (unsigned long long)st.dropped);
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* /ws drops at the second sampler step and stays down until the prompt has
 * ended: its `executed` reaches nobody. The finished frames still come,
 * read from /history. */
static void test_ws_drop_results_from_history(void)
{
    fake_comfy *f;
    mz_gen *g = start(&(fake_comfy_opts){.drop_ws_at_step = 2, .steps = 5}, "", &f);
    if (!g) return;
    submit(g, 11);
    seen s;
    collect(g, 11, 2, 5000, &s);
    fake_comfy_log log;
    fake_comfy_log_get(f, &log);
    MZ_CHECK_MSG(s.finals == 2, "%d finished frames after /ws dropped", s.finals);
    MZ_CHECK(s.final_colours[0][0] == 220 && s.final_colours[1][2] == 220);
    MZ_CHECK_MSG(log.history_hits >= 1, "%d /history answers held the prompt", log.history_hits);
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* Scene after scene: ComfyUI's input/ folder holds one conditioning frame
 * of this client, overwritten, not one per scene. */
static void test_one_upload_name(void)
{
    fake_comfy *f;
    mz_gen *g = start(&(fake_comfy_opts){.steps = 1}, "", &f);
    if (!g) return;
    for (uint64_t id = 1; id <= 3; id++) {
        submit(g, id);
        seen s;
        collect(g, id, 2, 5000, &s);
        MZ_CHECK_MSG(s.finals == 2, "scene %llu: %d finished", (unsigned long long)id, s.finals);
    }
    fake_comfy_log log;
    fake_comfy_log_get(f, &log);
    MZ_CHECK_MSG(log.uploads == 3 && log.input_files == 1, "%d uploads made %d files", log.uploads,
                 log.input_files);
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* The workflow also has a PreviewImage (node 12, yellow, type temp): by
 * default only the saved images (node 9) are shown; previews=1 adds it;
 * output=12 shows only it. */
static void test_output_node_choice(void)
{
    static const struct {
        const char *options;
        int finals, yellow;
    } cases[] = {{"", 2, 0}, {"&previews=1", 3, 1}, {"&output=12", 1, 1}, {"&output=9", 2, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fake_comfy *f;
        mz_gen *g = start_with(&(fake_comfy_opts){.preview_node = true, .steps = 1}, "",
                               cases[i].options, &f);
        if (!g) return;
        submit(g, 12);
        seen s;
        collect(g, 12, cases[i].finals + 1, 1500, &s);
        MZ_CHECK_MSG(s.finals == cases[i].finals && s.yellow_finals == cases[i].yellow,
                     "'%s': %d finished, %d of PreviewImage", cases[i].options, s.finals,
                     s.yellow_finals);
        mz_gen_close(g);
        fake_comfy_stop(f);
    }
}

/* ComfyUI's `progress` (sampler steps) reaches mz_gen_stats while the scene
 * is made, rising to 1, and `making` ends once its images are in. */
static void test_progress_in_stats(void)
{
    fake_comfy *f;
    mz_gen *g = start(&(fake_comfy_opts){.steps = 8}, "", &f);
    if (!g) return;
    submit(g, 13);
    float seen_progress[16];
    int distinct = 0, finals = 0;
    bool rising = true, making_seen = false;
    mz_gen_stats st = {0};
    uint64_t t0 = mz_time_ns();
    while (mz_time_ms_since(t0) < 5000 && finals < 2) {
        mz_frame fr;
        if (mz_gen_wait(g, &fr, 5) && fr.scene_id == 13 && !fr.transitional) finals++;
        mz_gen_stats_get(g, &st);
        making_seen |= st.making;
        if (st.making && (!distinct || st.progress != seen_progress[distinct - 1]) &&
            distinct < 16) {
            rising &= !distinct || st.progress > seen_progress[distinct - 1];
            seen_progress[distinct++] = st.progress;
        }
    }
    MZ_CHECK(making_seen && finals == 2);
    MZ_CHECK_MSG(distinct >= 4 && rising && seen_progress[distinct - 1] == 1.0f,
                 "%d values, rising %d, last %.3f", distinct, rising,
                 distinct ? seen_progress[distinct - 1] : -1.0);
    t0 = mz_time_ns();
    while (mz_time_ms_since(t0) < 2000 && st.making) {
        mz_time_sleep_ms(10);
        mz_gen_stats_get(g, &st);
    }
    MZ_CHECK_MSG(!st.making, "still making after the last frame");
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* A node class the server lacks (a custom node not installed) is named
 * before anything is queued; the engine falls back. */
static void test_missing_node_class(void)
{
    logged[0] = 0;
    fake_comfy *f;
    mz_gen *g = start(&(fake_comfy_opts){.missing_class = "VAEEncode"}, "", &f);
    if (!g) return;
    submit(g, 14);
    uint64_t t0 = mz_time_ns();
    while (mz_time_ms_since(t0) < 3000 && !logged_has("lacks"))
        mz_time_sleep_ms(10);
    MZ_CHECK(logged_has("ComfyUI lacks the workflow's node classes VAEEncode (node 11)"));
    fake_comfy_log log;
    fake_comfy_log_get(f, &log);
    MZ_CHECK_MSG(log.prompts == 0, "%d prompts queued", log.prompts);
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* ComfyUI behind a proxy at /comfy/ that wants a bearer token as long as a
 * JWT: every call and the /ws upgrade carry it, and the token never shows
 * in the log. A wrong token is refused (and nothing is made). */
static void test_behind_proxy(void)
{
    char secret[1300], token[1400];
    for (int i = 0; i < 1200; i++)
        secret[i] = "abcdefghijklmnopqrstuvwxyz0123456789-_."[i % 39];
    snprintf(secret + 1200, sizeof secret - 1200, "t0ken");
    snprintf(token, sizeof token, "Bearer %s", secret);
    for (int right = 1; right >= 0; right--) {
        logged[0] = 0;
        fake_comfy *f =
            fake_comfy_start(&(fake_comfy_opts){.prefix = "/comfy", .authorization = token});
        char uri[1700];
        snprintf(uri, sizeof uri,
                 "comfy://127.0.0.1:%d/comfy/?workflow=%s&header=Authorization:%%20Bearer%%20%s",
                 fake_comfy_port(f), WORKFLOW, right ? secret : "wrong-t0ken");
        mz_gen *g = mz_gen_open(&(mz_gen_desc){.uri = uri, .fallback = ""});
        MZ_CHECK_MSG(g != NULL, "%s", mz_error());
        if (!g) {
            fake_comfy_stop(f);
            return;
        }
        if (right) wait_ws(f);
        submit(g, 15);
        seen s;
        collect(g, 15, 2, right ? 5000 : 1000, &s);
        fake_comfy_log log;
        fake_comfy_log_get(f, &log);
        if (right)
            MZ_CHECK_MSG(s.finals == 2 && log.unauthorized == 0 && log.ws_connections == 1,
                         "%d finished, %d refused", s.finals, log.unauthorized);
        else
            MZ_CHECK_MSG(s.finals == 0 && log.unauthorized > 0 && log.prompts == 0,
                         "wrong token: %d finished, %d refused", s.finals, log.unauthorized);
        MZ_CHECK(!logged_has("t0ken"));
        mz_gen_close(g);
        fake_comfy_stop(f);
    }
}

/* ComfyUI on an IPv6 address: comfy://[::1]:PORT. */
static void test_ipv6_literal(void)
{
    fake_comfy *f = fake_comfy_start(&(fake_comfy_opts){.iface = "::1"});
    if (!f) {
        printf("SKIP test_ipv6_literal: cannot listen on ::1 here\n");
        return;
    }
    char uri[256];
    snprintf(uri, sizeof uri, "comfy://[::1]:%d?workflow=%s", fake_comfy_port(f), WORKFLOW);
    mz_gen *g = mz_gen_open(&(mz_gen_desc){.uri = uri, .fallback = ""});
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    if (g) {
        wait_ws(f);
        submit(g, 16);
        seen s;
        collect(g, 16, 2, 5000, &s);
        fake_comfy_log log;
        fake_comfy_log_get(f, &log);
        MZ_CHECK_MSG(s.finals == 2 && s.previews == 3 && log.ws_connections == 1,
                     "%d finished, %d previews over IPv6", s.finals, s.previews);
    }
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* ComfyUI in TLS mode (a self-signed certificate made here with openssl):
 * comfys:// with ca= trusting it makes frames; without ca= the certificate
 * is refused, so nothing is made. */
static void test_tls(void)
{
    char dir[] = "/tmp/maze_tls_XXXXXX", cmd[1024], cert[64], key[64];
    if (!mkdtemp(dir)) return;
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
             "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout %s -out %s "
             ">/dev/null 2>&1",
             key, cert);
    if (system(cmd) != 0) {
        printf("SKIP test_tls: no openssl to make a certificate\n");
        rmdir(dir);
        return;
    }
    fake_comfy *f = fake_comfy_start(&(fake_comfy_opts){.cert = cert, .key = key});
    MZ_CHECK(f != NULL);
    for (int trusted = 1; f && trusted >= 0; trusted--) {
        char uri[512];
        snprintf(uri, sizeof uri, "comfys://127.0.0.1:%d?workflow=%s%s%s", fake_comfy_port(f),
                 WORKFLOW, trusted ? "&ca=" : "", trusted ? cert : "");
        mz_gen *g = mz_gen_open(&(mz_gen_desc){.uri = uri, .fallback = ""});
        MZ_CHECK_MSG(g != NULL, "%s", mz_error());
        if (!g) break;
        if (trusted) wait_ws(f);
        submit(g, 17);
        seen s;
        collect(g, 17, 2, trusted ? 5000 : 1000, &s);
        MZ_CHECK_MSG(s.finals == (trusted ? 2 : 0) && s.previews == (trusted ? 3 : 0),
                     "trusted %d: %d finished, %d previews", trusted, s.finals, s.previews);
        mz_gen_close(g);
    }
    if (f) fake_comfy_stop(f);
    unlink(cert);
    unlink(key);
    rmdir(dir);
}

/* The URI's parts and options, and the form shown in logs. */
static void test_uri_parse(void)
{
    mz_comfy_uri u;
    MZ_CHECK(mz_comfy_uri_parse("comfys://[fd00::1]/comfy/?workflow=a%20b.json&output=9&"
                                "header=Authorization:%20Bearer%20xyz&header=X-Team:%20a%26b",
                                &u));
    MZ_CHECK(u.tls && u.port == 443);
    MZ_CHECK_STR(u.host, "fd00::1");
    MZ_CHECK_STR(u.prefix, "/comfy");
    MZ_CHECK_STR(u.workflow, "a b.json");
    MZ_CHECK_STR(u.output, "9");
    MZ_CHECK(u.header_count == 2);
    MZ_CHECK_STR(u.header_list[0], "Authorization: Bearer xyz");
    MZ_CHECK_STR(u.header_list[1], "X-Team: a&b");
    MZ_CHECK_STR(u.shown, "comfys://[fd00::1]/comfy?workflow=a%20b.json&output=9&"
                          "header=Authorization: ***&header=X-Team: ***");
    MZ_CHECK(mz_comfy_uri_parse("comfy://gpu-box?workflow=w.json", &u));
    MZ_CHECK(!u.tls && u.port == 8188 && !u.prefix[0] && !u.header_count);
    /* A CR LF decoded into a header would start another header. */
    MZ_CHECK(!mz_comfy_uri_parse("comfy://h:1?workflow=w&header=A:%20b%0D%0AX:%20y", &u));
    MZ_CHECK_HAS(mz_error(), "control character");
    MZ_CHECK(!mz_comfy_uri_parse("comfy://h:1?workflow=w&header=no-colon", &u));
    MZ_CHECK_HAS(mz_error(), "header=NAME: VALUE");
    MZ_CHECK(!mz_comfy_uri_parse("comfy://::1:8188?workflow=w", &u));
    MZ_CHECK_HAS(mz_error(), "in brackets");
    MZ_CHECK(!mz_comfy_uri_parse("comfy://[::1?workflow=w", &u));
    MZ_CHECK_HAS(mz_error(), "no ']'");
    MZ_CHECK(!mz_comfy_uri_parse("comfy://h:1?workflow=w&previews=yes", &u));
    MZ_CHECK_HAS(mz_error(), "previews=0 or previews=1");
    /* What manifests and videos record: the token hidden, other URIs as given. */
    char shown[256];
    mz_gen_uri_shown("comfy://h:1?workflow=w&header=Authorization:%20Bearer%20xyz", shown,
                     sizeof shown);
    MZ_CHECK_STR(shown, "comfy://h:1?workflow=w&header=Authorization: ***");
    mz_gen_uri_shown("ws://h:9000?encoding=png&token=abcdef&x=1", shown, sizeof shown);
    MZ_CHECK_STR(shown, "ws://h:9000?encoding=png&token=***&x=1");
    mz_gen_uri_shown("procedural", shown, sizeof shown);
    MZ_CHECK_STR(shown, "procedural");
}

int main(void)
{
    mz_log_init();
    mz_log_set_sink(capture, NULL);
    signal(SIGPIPE, SIG_IGN);
    MZ_RUN(test_scene_through_comfy);
    MZ_RUN(test_placeholder_repeated);
    MZ_RUN(test_failing_workflow_falls_back);
    MZ_RUN(test_previews_of_other_prompts_dropped);
    MZ_RUN(test_superseded_prompts_cancelled);
    MZ_RUN(test_cached_output_before_reply);
    MZ_RUN(test_node_errors_reported);
    MZ_RUN(test_interrupted_elsewhere);
    MZ_RUN(test_many_images);
    MZ_RUN(test_ws_drop_results_from_history);
    MZ_RUN(test_one_upload_name);
    MZ_RUN(test_output_node_choice);
    MZ_RUN(test_progress_in_stats);
    MZ_RUN(test_missing_node_class);
    MZ_RUN(test_behind_proxy);
    MZ_RUN(test_ipv6_literal);
    MZ_RUN(test_tls);
    MZ_RUN(test_uri_parse);
    MZ_RUN(test_bad_uris);
    MZ_RUN(test_http_client);
    return mz_test_finish();
}
