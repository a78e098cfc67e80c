/* The ComfyUI adapter on animated outputs (issue 16, item 3), against the
 * fake ComfyUI with an animated output node (fake_media.c): each shape real
 * nodes report (SaveAnimatedWEBP, SaveAnimatedPNG, SaveVideo, SaveWEBM,
 * VHS_VideoCombine's gifs) gives every frame of the file, with its colour,
 * at the file's times, handed out at the file's rate; a video over 64 MiB
 * streams through with memory bounded by the frames in flight. */
#include "fake_comfy.h"
#include "mz_error.h"
#include "mz_gen.h"
#include "mz_log.h"
#include "mz_test.h"
#include "mz_time.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define W 120
#define H 80
#define WORKFLOW "docs/comfyui-workflow-example.json"

#if defined(__SANITIZE_ADDRESS__)
/* ASan keeps freed blocks (256 MiB by default) to catch uses after free:
 * they would count as resident. The test's ASAN_OPTIONS set other flags. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "quarantine_size_mb=8";
}
#endif

typedef struct clip {
    int frames;
    double first_time_s, last_time_s;
    double first_ms, last_ms; /* when they came out, from the submit */
    int wrong_colour, wrong_time;
    char first_error[160];
} clip;

/* The finished frames of one scene: colours and times checked as they come. */
static void collect(mz_gen *g, uint64_t scene, fake_media_kind kind, int tolerance, clip *out)
{
    memset(out, 0, sizeof *out);
    int want = fake_media_frames(kind);
    double fps = fake_media_fps(kind);
    uint64_t t0 = mz_time_ns();
    /* 69 MiB to decode: minutes on a machine shared by many builds. */
    double limit_ms = kind == FAKE_MEDIA_BIG_MP4 ? 240000 : 20000;
    while (out->frames < want && mz_time_ms_since(t0) < limit_ms) {
        mz_frame fr;
        if (!mz_gen_wait(g, &fr, 50) || fr.scene_id != scene || fr.transitional) continue;
        int k = out->frames++;
        double now = mz_time_ms_since(t0);
        if (k == 0) out->first_ms = now, out->first_time_s = fr.time_s;
        out->last_ms = now;
        out->last_time_s = fr.time_s;
        if (kind == FAKE_MEDIA_BIG_MP4) continue; /* noise */
        uint8_t rgb[3];
        fake_media_colour(k, rgb);
        const uint8_t *mid = fr.rgba + ((size_t)(fr.height / 2) * fr.width + fr.width / 2) * 4;
        bool colour_ok = fr.width == W && fr.height == H;
        for (int c = 0; c < 3; c++)
            colour_ok &= abs(mid[c] - rgb[c]) <= tolerance;
        bool time_ok = fabs(fr.time_s - out->first_time_s - k / fps) < 2e-3;
        if ((!colour_ok || !time_ok) && !out->first_error[0])
            snprintf(out->first_error, sizeof out->first_error,
                     "frame %d: %ux%u (%d,%d,%d) at %.4f s, not (%d,%d,%d) at %.4f s", k, fr.width,
                     fr.height, mid[0], mid[1], mid[2], fr.time_s - out->first_time_s, rgb[0],
                     rgb[1], rgb[2], k / fps);
        out->wrong_colour += !colour_ok;
        out->wrong_time += !time_ok;
    }
}

static mz_gen *open_on(fake_comfy *f, const char *workflow)
{
    char uri[256];
    snprintf(uri, sizeof uri, "comfy://127.0.0.1:%d?workflow=%s", fake_comfy_port(f), workflow);
    mz_gen *g = mz_gen_open(&(mz_gen_desc){.uri = uri, .fallback = "", .deadline_s = 0.5f});
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    fake_comfy_log log;
    uint64_t t0 = mz_time_ns();
    do {
        mz_time_sleep_ms(10);
        fake_comfy_log_get(f, &log);
    } while (g && !log.ws_connections && mz_time_ms_since(t0) < 2000);
    return g;
}

/* One scene through an output of `kind`: every frame, its colour, its time,
 * and the wall time between the first and the last at the file's rate. */
static void check_kind(fake_media_kind kind, const char *name, int tolerance)
{
    fake_comfy *f = fake_comfy_start(&(fake_comfy_opts){.media = kind, .steps = 1});
    MZ_CHECK(f != NULL);
    mz_gen *g = f ? open_on(f, WORKFLOW) : NULL;
    if (!g) {
        if (f) fake_comfy_stop(f);
        return;
    }
    mz_scene_request r = {
        .id = 4, .prompt = "a hall", .seed = 4, .width = W, .height = H, .fps = 10};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
    clip c;
    collect(g, 4, kind, tolerance, &c);
    int want = fake_media_frames(kind);
    double fps = fake_media_fps(kind);
    MZ_CHECK_MSG(c.frames == want, "%s: %d of %d frames", name, c.frames, want);
    MZ_CHECK_MSG(!c.wrong_colour && !c.wrong_time, "%s: %d colours and %d times wrong; %s", name,
                 c.wrong_colour, c.wrong_time, c.first_error);
    /* Paced at the file's rate: not faster (but for when this thread
     * itself ran late); slower only by the load. */
    double span_ms = c.last_ms - c.first_ms, due_ms = (want - 1) * 1000.0 / fps;
    MZ_CHECK_MSG(c.frames < 2 || (span_ms > due_ms * 0.8 && span_ms < due_ms + 1500),
                 "%s: %d frames over %.0f ms, at %.1f fps %.0f ms", name, c.frames, span_ms, fps,
                 due_ms);
    printf("%s: %d frames at %.2f fps, first %.0f ms after the submit, over %.0f ms (due %.0f)\n",
           name, c.frames, fps, c.first_ms, span_ms, due_ms);
    mz_gen_close(g);
    fake_comfy_stop(f);
}

static void test_animated_webp(void)
{
    check_kind(FAKE_MEDIA_WEBP, "SaveAnimatedWEBP", 0);
}

static void test_animated_png(void)
{
    check_kind(FAKE_MEDIA_APNG, "SaveAnimatedPNG", 0);
}

static void test_save_video_mp4(void)
{
    check_kind(FAKE_MEDIA_MP4, "SaveVideo (H.264 MP4)", 24);
}

static void test_save_webm(void)
{
    check_kind(FAKE_MEDIA_WEBM, "SaveWEBM (VP9)", 24);
}

static void test_save_video_av1_webm(void)
{
    check_kind(FAKE_MEDIA_AV1_WEBM, "SaveVideo (AV1 WebM)", 24);
}

/* GIF's palette here is 3-3-2: 255 red or green comes back as 252. */
static void test_vhs_gif(void)
{
    check_kind(FAKE_MEDIA_VHS_GIF, "VHS_VideoCombine image/gif", 3);
}

static void test_vhs_mp4(void)
{
    check_kind(FAKE_MEDIA_VHS_MP4, "VHS_VideoCombine video/h264-mp4", 24);
}

static long status_kib(const char *field)
{
    FILE *fp = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;
    size_t n = strlen(field);
    while (fp && fgets(line, sizeof line, fp))
        if (!strncmp(line, field, n) && line[n] == ':') kib = atol(line + n + 1);
    if (fp) fclose(fp);
    return kib;
}

/* The peak resident size counts from now ("5": proc(5), clear_refs);
 * returns the resident size now, in KiB. */
static long peak_reset(void)
{
    FILE *fp = fopen("/proc/self/clear_refs", "w");
    MZ_CHECK(fp && fputs("5", fp) >= 0);
    if (fp) fclose(fp);
    return status_kib("VmRSS");
}

/* A video larger than the old 64 MiB cap streams through whole, and the
 * process's peak resident memory grows by far less than the file. */
static void test_big_video_bounded_memory(void)
{
    fake_comfy *f = fake_comfy_start(&(fake_comfy_opts){.media = FAKE_MEDIA_BIG_MP4, .steps = 1});
    MZ_CHECK(f != NULL);
    mz_gen *g = f ? open_on(f, WORKFLOW) : NULL;
    if (!g) {
        if (f) fake_comfy_stop(f);
        return;
    }
    long base_kib = peak_reset();
    mz_scene_request r = {
        .id = 9, .prompt = "a hall", .seed = 9, .width = W, .height = H, .fps = 25};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
    clip c;
    collect(g, 9, FAKE_MEDIA_BIG_MP4, 0, &c);
    long peak_kib = status_kib("VmHWM");
    struct stat st = {0};
    char path[600];
    snprintf(path, sizeof path, "%s/AnimateDiff_00003.mp4", fake_comfy_media_dir(f));
    stat(path, &st);
    double file_mib = st.st_size / 1048576.0, grew_mib = (peak_kib - base_kib) / 1024.0;
    MZ_CHECK_MSG(file_mib > 64, "the file is %.1f MiB", file_mib);
    MZ_CHECK_MSG(c.frames == fake_media_frames(FAKE_MEDIA_BIG_MP4), "%d of %d frames", c.frames,
                 fake_media_frames(FAKE_MEDIA_BIG_MP4));
    MZ_CHECK_MSG(grew_mib < 40, "the peak grew by %.1f MiB for a %.1f MiB file", grew_mib,
                 file_mib);
    printf("big video: %.1f MiB, %d frames (1280x720), first %.0f ms after the submit, "
           "peak resident +%.1f MiB\n",
           file_mib, c.frames, c.first_ms, grew_mib);
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* A new scene while a video streams: the old file's transfer is given up
 * at once (the fake sees the client leave mid-file), and the new scene's
 * video plays whole. Each full play leaves one reply early by design: the
 * first, from byte 0, when the demuxer jumps to the index at the end. */
static void test_new_scene_stops_the_stream(void)
{
    fake_comfy *f = fake_comfy_start(&(fake_comfy_opts){.media = FAKE_MEDIA_BIG_MP4, .steps = 1});
    mz_gen *g = f ? open_on(f, WORKFLOW) : NULL;
    if (!g) {
        if (f) fake_comfy_stop(f);
        return;
    }
    mz_scene_request r = {
        .id = 1, .prompt = "a hall", .seed = 1, .width = W, .height = H, .fps = 25};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
    int old_frames = 0;
    uint64_t t0 = mz_time_ns();
    while (old_frames < 3 && mz_time_ms_since(t0) < 60000) {
        mz_frame fr;
        old_frames += mz_gen_wait(g, &fr, 50) && !fr.transitional;
    }
    r.id = 2;
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
    clip c;
    collect(g, 2, FAKE_MEDIA_BIG_MP4, 0, &c);
    fake_comfy_log log;
    fake_comfy_log_get(f, &log);
    MZ_CHECK_MSG(old_frames == 3 && c.frames == fake_media_frames(FAKE_MEDIA_BIG_MP4),
                 "%d frames of the old scene, %d of the new", old_frames, c.frames);
    MZ_CHECK_MSG(log.views_cut == 3, "%d /view replies left early (3: the old file's stream)",
                 log.views_cut);
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* Log lines, for the message a broken file gives. */
static pthread_mutex_t logged_lock = PTHREAD_MUTEX_INITIALIZER;
static char logged[8192];

static void capture(mz_log_level level, const char *line, void *user)
{
    (void)level, (void)user;
    pthread_mutex_lock(&logged_lock);
    size_t n = strlen(logged);
    snprintf(logged + n, sizeof logged - n, "%s\n", line);
    pthread_mutex_unlock(&logged_lock);
}

/* An output that is no picture nor video: the server is reported unhealthy
 * with the file's name and why, the fallback shows the scene. */
static void test_broken_output_reported(void)
{
    fake_comfy *f = fake_comfy_start(&(fake_comfy_opts){.media = FAKE_MEDIA_BROKEN, .steps = 1});
    char uri[256];
    snprintf(uri, sizeof uri, "comfy://127.0.0.1:%d?workflow=%s", fake_comfy_port(f), WORKFLOW);
    mz_gen *g = mz_gen_open(&(mz_gen_desc){.uri = uri, .deadline_s = 5});
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    if (!g) {
        fake_comfy_stop(f);
        return;
    }
    mz_log_set_sink(capture, NULL);
    mz_scene_request r = {
        .id = 6, .prompt = "a hall", .seed = 6, .width = W, .height = H, .fps = 10};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
    mz_gen_stats st = {0};
    uint64_t t0 = mz_time_ns();
    while (!st.fallback_active && mz_time_ms_since(t0) < 10000) {
        mz_frame fr;
        mz_gen_wait(g, &fr, 50);
        mz_gen_stats_get(g, &st);
    }
    mz_log_set_sink(NULL, NULL);
    MZ_CHECK_MSG(st.fallback_active, "still on %s", st.backend);
    pthread_mutex_lock(&logged_lock);
    MZ_CHECK_HAS(logged, "ComfyUI_00002_.mp4: decode: not a picture or video");
    pthread_mutex_unlock(&logged_lock);
    mz_gen_close(g);
    fake_comfy_stop(f);
}

/* The three workflows docs/comfyui.md offers, each against the fake with
 * the output node it ends in: every frame comes out; the figures printed
 * are the ones the doc quotes (frames, the first finished frame's latency
 * from the submit, the peak resident growth). */
static void test_doc_workflows(void)
{
    static const struct {
        const char *file, *node;
        fake_media_kind kind;
        int frames;
    } docs[] = {
        {"docs/comfyui-workflow-example.json", "SaveImage", FAKE_MEDIA_NONE, 2},
        {"docs/comfyui-workflow-animated-webp.json", "SaveAnimatedWEBP", FAKE_MEDIA_WEBP, 6},
        {"docs/comfyui-workflow-vhs-video.json", "VHS_VideoCombine", FAKE_MEDIA_VHS_MP4, 8},
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        fake_comfy *f = fake_comfy_start(&(fake_comfy_opts){.media = docs[i].kind, .steps = 3});
        mz_gen *g = f ? open_on(f, docs[i].file) : NULL;
        if (!g) {
            if (f) fake_comfy_stop(f);
            continue;
        }
        long base_kib = peak_reset();
        mz_scene_request r = {.id = 3,
                              .prompt = "a harbour",
                              .seed = 3,
                              .width = W,
                              .height = H,
                              .fps = 8,
                              .duration_s = 1};
        MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
        uint64_t t0 = mz_time_ns();
        int finals = 0, previews = 0;
        double first_preview_ms = 0, first_final_ms = 0, last_ms = 0;
        while (finals < docs[i].frames && mz_time_ms_since(t0) < 20000) {
            mz_frame fr;
            if (!mz_gen_wait(g, &fr, 50) || fr.scene_id != 3) continue;
            double now = mz_time_ms_since(t0);
            if (fr.transitional && !previews++) first_preview_ms = now;
            if (!fr.transitional && !finals++) first_final_ms = now;
            last_ms = now;
        }
        double grew_mib = (status_kib("VmHWM") - base_kib) / 1024.0;
        fake_comfy_log log;
        fake_comfy_log_get(f, &log);
        MZ_CHECK_MSG(finals == docs[i].frames, "%s: %d of %d frames", docs[i].file, finals,
                     docs[i].frames);
        MZ_CHECK_HAS(log.workflow, docs[i].node);
        MZ_CHECK_MSG(!strstr(log.workflow, "{{"), "%s: a placeholder left", docs[i].file);
        printf("%s (%s): %d previews, the first at %.0f ms; %d frames, the first at %.0f ms, the "
               "last at %.0f ms; peak resident +%.1f MiB\n",
               docs[i].file, docs[i].node, previews, first_preview_ms, finals, first_final_ms,
               last_ms, grew_mib);
        mz_gen_close(g);
        fake_comfy_stop(f);
    }
}

int main(void)
{
    mz_log_init();
    signal(SIGPIPE, SIG_IGN);
    MZ_RUN(test_animated_webp);
    MZ_RUN(test_animated_png);
    MZ_RUN(test_save_video_mp4);
    MZ_RUN(test_save_webm);
    MZ_RUN(test_save_video_av1_webm);
    MZ_RUN(test_vhs_gif);
    MZ_RUN(test_vhs_mp4);
    MZ_RUN(test_big_video_bounded_memory);
    MZ_RUN(test_new_scene_stops_the_stream);
    MZ_RUN(test_broken_output_reported);
    MZ_RUN(test_doc_workflows);
    return mz_test_finish();
}
