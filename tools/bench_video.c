/* bench_video — what recording a video costs: the CPU time the encoder
 * thread spends per frame (RGBA -> YUV + H.264 or VP9), and the time the
 * frame loop spends handing a frame over (copy + the soundtrack's mix), at
 * 1280x720 unless --size says otherwise. Frames are the procedural
 * generator's (made first, then encoded in a loop, so the figures are the
 * encoder's alone). --overlay burns in an overlay as the window's video
 * does (a two-line caption and the disclosure label), so the frame loop's
 * share includes blending it.
 *
 *   bench_video [--size WxH] [--frames N] [--out DIR] [--overlay]
 */
#include "mz_error.h"
#include "mz_gen.h"
#include "mz_gpu.h"
#include "mz_recorder.h"
#include "mz_stats.h"
#include "mz_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

#define SOURCE_FRAMES 30

static int bench(const char *path, const mz_frame *src, int w, int h, int frames, bool overlay)
{
    mz_recorder *r = mz_recorder_open(&(mz_recorder_desc){
        .path = path, .width = w, .height = h, .fps = 30, .title = "bench_video"});
    const mz_overlay_state seen = {
        .caption = "The lamp room is cold; the great lens turns slowly above you, throwing "
                   "light across the sea.",
        .disclosure = "Scenes generated as you play"};
    if (r && overlay && !mz_recorder_overlay(r, &seen)) {
        mz_recorder_close(r, NULL, NULL);
        r = NULL;
    }
    if (!r) {
        fprintf(stderr, "bench_video: %s\n", mz_error());
        return 1;
    }
    double *hand = malloc(sizeof(double) * (size_t)frames);
    uint64_t t0 = mz_time_ns();
    double process0 = cpu_ms(CLOCK_PROCESS_CPUTIME_ID);
    bool ok = hand != NULL;
    for (int i = 0; ok && i < frames; i++) {
        double t = cpu_ms(CLOCK_THREAD_CPUTIME_ID);
        ok = mz_recorder_frame(r, &src[i % SOURCE_FRAMES]);
        hand[i] = cpu_ms(CLOCK_THREAD_CPUTIME_ID) - t;
    }
    mz_record_video_stats st;
    ok = mz_recorder_close(r, "procedural", &st) && ok;
    double wall = mz_time_ms_since(t0);
    double process = cpu_ms(CLOCK_PROCESS_CPUTIME_ID) - process0;
    if (!ok) {
        fprintf(stderr, "bench_video: %s\n", mz_error());
        free(hand);
        return 1;
    }
    mz_stats_sort(hand, (size_t)frames);
    double frame_loop = 0;
    for (int i = 0; i < frames; i++)
        frame_loop += hand[i];
    printf("%-5s %dx%d, %d frames: %.1f ms CPU per frame, all threads (the recorder's thread "
           "%.1f ms); the frame loop's share p50 %.2f ms, p95 %.2f ms, mean %.2f ms (copy + "
           "sound mix%s); encoded at %.1f frames/s\n",
           strrchr(path, '.') + 1, w, h, frames, process / frames, st.encode_cpu_ms,
           mz_stats_percentile(hand, (size_t)frames, 0.5),
           mz_stats_percentile(hand, (size_t)frames, 0.95), frame_loop / frames,
           overlay ? " + overlay" : "", frames * 1000.0 / wall);
    free(hand);
    return 0;
}

int main(int argc, char **argv)
{
    int w = 1280, h = 720, frames = 150;
    const char *out = "/tmp";
    bool overlay = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--size") && i + 1 < argc && sscanf(argv[i + 1], "%dx%d", &w, &h) == 2)
            i++;
        else if (!strcmp(argv[i], "--frames") && i + 1 < argc)
            frames = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--overlay"))
            overlay = true;
        else {
            fprintf(stderr,
                    "usage: bench_video [--size WxH] [--frames N] [--out DIR] [--overlay]\n");
            return 2;
        }
    }
    if (w <= 0 || h <= 0 || w % 2 || h % 2 || frames < 1) {
        fprintf(stderr, "bench_video: an even size and frames >= 1\n");
        return 2;
    }
    mz_gpu *gpu = mz_gpu_create(NULL);
    mz_gen *gen = gpu ? mz_gen_open(&(mz_gen_desc){.gpu = gpu}) : NULL;
    static mz_frame src[SOURCE_FRAMES];
    uint8_t *pixels = malloc((size_t)w * h * 4 * SOURCE_FRAMES);
    bool ok = gen && pixels &&
              mz_gen_submit(gen,
                            &(mz_scene_request){.id = 1,
                                                .prompt = "a lighthouse on a rocky shore at dusk, rain",
                                                .seed = 1,
                                                .width = w,
                                                .height = h},
                            NULL, 0);
    for (int i = 0; ok && i < SOURCE_FRAMES; i++) {
        ok = mz_gen_wait(gen, &src[i], 10000);
        if (ok) {
            uint8_t *copy = pixels + (size_t)i * w * h * 4;
            memcpy(copy, src[i].rgba, (size_t)w * h * 4);
            src[i].rgba = copy;
        }
    }
    mz_gen_close(gen);
    mz_gpu_destroy(gpu);
    if (!ok) {
        fprintf(stderr, "bench_video: no frames: %s\n", mz_error());
        free(pixels);
        return 1;
    }
    char path[4096];
    int rc = 0;
    const char *kinds[] = {"mp4", "webm"};
    for (int k = 0; k < 2 && !rc; k++) {
        snprintf(path, sizeof path, "%s/bench_video.%s", out, kinds[k]);
        rc = bench(path, src, w, h, frames, overlay);
        remove(path);
    }
    free(pixels);
    return rc;
}
