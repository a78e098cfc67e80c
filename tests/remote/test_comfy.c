/* The ComfyUI adapter against a fake ComfyUI (fake_comfy.c) speaking the
 * real message shapes: the last frame is uploaded, the example workflow is
 * queued with its placeholders filled in, previews arrive as transitional
 * frames, then the finished images; a failing workflow falls back. */
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

static mz_gen *open_comfy(const fake_comfy *f, const char *fallback)
{
    char uri[256];
    snprintf(uri, sizeof uri, "comfy://127.0.0.1:%d?workflow=%s", fake_comfy_port(f), WORKFLOW);
    return mz_gen_open(&(mz_gen_desc){.uri = uri, .fallback = fallback, .deadline_s = 0.5f});
}

static void test_scene_through_comfy(void)
{
    fake_comfy *f = fake_comfy_start(false);
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
                          .seed = 123456789,
                          .width = W,
                          .height = H,
                          .fps = 10,
                          .duration_s = 2};
    /* The /ws link comes up on its own thread; give it a moment. */
    fake_comfy_log log;
    uint64_t t0 = mz_time_ns();
    do {
        mz_time_sleep_ms(10);
        fake_comfy_log_get(f, &log);
    } while (!log.ws_connections && mz_time_ms_since(t0) < 2000);
    MZ_CHECK(mz_gen_submit(g, &r, &cond, 1));

    int previews = 0, finals = 0;
    uint8_t final_colours[2][4] = {{0}};
    t0 = mz_time_ns();
    while (mz_time_ms_since(t0) < 5000 && finals < 2) {
        mz_frame fr;
        if (!mz_gen_wait(g, &fr, 50) || fr.scene_id != 5) continue;
        MZ_CHECK(fr.width == W && fr.height == H);
        MZ_CHECK_MSG(fabs(fr.time_s - fr.index / 10.0) < 1e-9, "frame %u at %.3f s", fr.index,
                     fr.time_s);
        const uint8_t *mid = fr.rgba + ((size_t)(H / 2) * W + W / 2) * 4;
        if (fr.transitional) {
            MZ_CHECK_MSG(finals == 0, "a preview after the finished frames");
            MZ_CHECK_MSG(mid[1] == 200 && mid[0] == 0, "preview pixel %u,%u,%u", mid[0], mid[1],
                         mid[2]);
            previews++;
        } else {
            memcpy(final_colours[finals++], mid, 4);
        }
    }
    MZ_CHECK_MSG(previews == 3, "%d previews", previews);
    MZ_CHECK_MSG(finals == 2, "%d finished frames", finals);
    MZ_CHECK(final_colours[0][0] == 220 && final_colours[0][2] == 0);
    MZ_CHECK(final_colours[1][0] == 0 && final_colours[1][2] == 220);

    fake_comfy_log_get(f, &log);
    MZ_CHECK(log.uploads == 1 && log.upload_w == 200 && log.upload_h == 100);
    MZ_CHECK(!memcmp(log.upload_pixel, (uint8_t[]){250, 120, 10, 255}, 4));
    MZ_CHECK(log.prompts == 1 && log.views == 2);
    MZ_CHECK_STR(log.client_id, log.ws_client_id);
    MZ_CHECK_HAS(log.workflow, "\"seed\":123456789");
    MZ_CHECK_HAS(log.workflow, "\"text\":\"a \\\"red\\\" door in a white wall, cinematic still");
    MZ_CHECK_HAS(log.workflow, "\"text\":\"blur, text, watermark\"");
    MZ_CHECK_HAS(log.workflow, "\"image\":\"maze_up.png\"");
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
    fake_comfy *f = fake_comfy_start(false);
    char uri[256];
    snprintf(uri, sizeof uri, "comfy://127.0.0.1:%d?workflow=%s", fake_comfy_port(f), path);
    mz_gen *g = mz_gen_open(&(mz_gen_desc){.uri = uri, .fallback = ""});
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    char prompt[301];
    memset(prompt, 'p', 300);
    prompt[300] = 0;
    mz_scene_request r = {.id = 9, .prompt = prompt, .seed = 1, .width = W, .height = H};
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
    fake_comfy *f = fake_comfy_start(true);
    mz_gen *g = f ? open_comfy(f, NULL) : NULL;
    MZ_CHECK(g != NULL);
    if (g) {
        mz_scene_request r = {.id = 6, .prompt = "a bridge", .seed = 1, .width = W, .height = H};
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
    MZ_CHECK(!mz_gen_open(&(mz_gen_desc){.uri = "comfy://127.0.0.1?workflow=x.json"}));
    MZ_CHECK_HAS(mz_error(), "comfy://host:port?workflow=FILE");
    MZ_CHECK(!mz_gen_open(&(mz_gen_desc){.uri = "comfy://127.0.0.1:1?workflow=/nonexistent"}));
    MZ_CHECK_HAS(mz_error(), "cannot open workflow /nonexistent");
    MZ_CHECK(!mz_gen_open(&(mz_gen_desc){.uri = "comfy://127.0.0.1:1?workflow=README.md"}));
    MZ_CHECK_HAS(mz_error(), "is not a JSON object");
}

int main(void)
{
    mz_log_init();
    signal(SIGPIPE, SIG_IGN);
    MZ_RUN(test_scene_through_comfy);
    MZ_RUN(test_placeholder_repeated);
    MZ_RUN(test_failing_workflow_falls_back);
    MZ_RUN(test_bad_uris);
    MZ_RUN(test_http_client);
    return mz_test_finish();
}
