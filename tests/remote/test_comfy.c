/* The ComfyUI adapter against a fake ComfyUI (fake_comfy.c) speaking the
 * real message shapes: the last frame is uploaded, the example workflow is
 * queued with its placeholders filled in, previews arrive as transitional
 * frames, then the finished images; a failing workflow falls back. */
#include "fake_comfy.h"
#include "mz_error.h"
#include "mz_gen.h"
#include "mz_log.h"
#include "mz_test.h"
#include "mz_time.h"

#include <signal.h>
#include <stdlib.h>

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
    MZ_RUN(test_failing_workflow_falls_back);
    MZ_RUN(test_bad_uris);
    return mz_test_finish();
}
