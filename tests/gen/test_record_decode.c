#define _GNU_SOURCE /* mkstemps */
/* mz_record_decode on streams held in memory: an animated WebP whose later
 * frames are partial rectangles blended over the canvas (as libwebp's
 * encoder makes them), an MP4 of mz_record_video's (its index at the end)
 * read with and without seeking, and the errors: a truncated WebP, a
 * picture over the size limit, bytes that are no picture; a frame
 * callback that stops the decoding. */
#include "mz_error.h"
#include "mz_record_decode.h"
#include "mz_record_video.h"
#include "mz_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <webp/encode.h>
#include <webp/mux.h>

typedef struct memory {
    const uint8_t *data;
    size_t len, pos;
} memory;

static long mem_read(void *user, uint8_t *buf, size_t cap)
{
    memory *m = user;
    /* Small, odd pieces: the readers must not expect whole chunks. */
    size_t n = m->len - m->pos < cap ? m->len - m->pos : cap;
    if (n > 1000) n = 1000;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (long)n;
}

static bool mem_seek(void *user, uint64_t offset)
{
    memory *m = user;
    if (offset > m->len) return mz_fail("seek past the end");
    m->pos = (size_t)offset;
    return true;
}

typedef struct got {
    int frames, stop_after;
    uint32_t w, h;
    uint8_t centre[8][4], corner[8][4];
    double time_s[8];
} got;

static bool on_frame(void *user, const mz_record_decoded *f)
{
    got *g = user;
    int k = g->frames++;
    g->w = f->width, g->h = f->height;
    if (k < 8) {
        memcpy(g->centre[k], f->rgba + ((size_t)(f->height / 2) * f->width + f->width / 2) * 4, 4);
        memcpy(g->corner[k], f->rgba, 4);
        g->time_s[k] = f->time_s;
    }
    return !g->stop_after || g->frames < g->stop_after;
}

static bool decode(const uint8_t *data, size_t len, bool seekable, uint32_t max_dim, got *g)
{
    memory m = {.data = data, .len = len};
    return mz_record_decode(&(mz_record_decode_desc){
        .source = {.read = mem_read, .seek = seekable ? mem_seek : NULL, .size = len, .user = &m},
        .max_dim = max_dim,
        .frame = on_frame,
        .user = g});
}

static void fill(uint8_t *rgba, int w, int h, int x0, int y0, int x1, int y1, const uint8_t c[4])
{
    for (int y = y0; y < y1 && y < h; y++)
        for (int x = x0; x < x1 && x < w; x++)
            memcpy(rgba + ((size_t)y * w + x) * 4, c, 4);
}

/* 64x48: red; then a 16x16 half-transparent blue square in the middle;
 * then the square green. libwebp's encoder sends the later frames as that
 * rectangle only, with the blending and disposal flags it needs. */
static bool make_webp(WebPData *out)
{
    enum { W = 64, H = 48 };
    static const uint8_t red[4] = {255, 0, 0, 255}, blue[4] = {0, 0, 255, 128},
                         green[4] = {0, 255, 0, 255};
    WebPAnimEncoderOptions ao;
    WebPConfig cfg;
    if (!WebPAnimEncoderOptionsInit(&ao) || !WebPConfigInit(&cfg)) return false;
    cfg.lossless = 1;
    WebPAnimEncoder *enc = WebPAnimEncoderNew(W, H, &ao);
    WebPPicture pic;
    WebPPictureInit(&pic);
    pic.use_argb = 1;
    pic.width = W, pic.height = H;
    uint8_t *rgba = malloc(W * H * 4);
    bool ok = enc && rgba && WebPPictureAlloc(&pic);
    for (int k = 0; ok && k < 3; k++) {
        fill(rgba, W, H, 0, 0, W, H, red);
        if (k) fill(rgba, W, H, 24, 16, 40, 32, k == 1 ? blue : green);
        ok = WebPPictureImportRGBA(&pic, rgba, W * 4) &&
             WebPAnimEncoderAdd(enc, &pic, k * 100, &cfg);
    }
    ok = ok && WebPAnimEncoderAdd(enc, NULL, 300, NULL) && WebPAnimEncoderAssemble(enc, out);
    WebPPictureFree(&pic);
    WebPAnimEncoderDelete(enc);
    free(rgba);
    return ok;
}

static void test_animated_webp(void)
{
    WebPData webp;
    WebPDataInit(&webp);
    MZ_CHECK(make_webp(&webp));
    got g = {0};
    MZ_CHECK_MSG(decode(webp.bytes, webp.size, false, 0, &g), "%s", mz_error());
    MZ_CHECK_MSG(g.frames == 3 && g.w == 64 && g.h == 48, "%d frames %ux%u", g.frames, g.w, g.h);
    for (int k = 0; k < 3; k++) {
        MZ_CHECK_MSG(fabs(g.time_s[k] - k * 0.1) < 1e-9, "frame %d at %.3f s", k, g.time_s[k]);
        MZ_CHECK(!memcmp(g.corner[k], (uint8_t[]){255, 0, 0, 255}, 4));
    }
    MZ_CHECK(!memcmp(g.centre[0], (uint8_t[]){255, 0, 0, 255}, 4));
    /* The canvas is the picture given, translucent square included: the
     * encoder's rectangle is put down without blending where it must be. */
    MZ_CHECK_MSG(!memcmp(g.centre[1], (uint8_t[]){0, 0, 255, 128}, 4), "(%d,%d,%d,%d)",
                 g.centre[1][0], g.centre[1][1], g.centre[1][2], g.centre[1][3]);
    MZ_CHECK(!memcmp(g.centre[2], (uint8_t[]){0, 255, 0, 255}, 4));

    /* Stopped after the first frame: a success with one frame. */
    got one = {.stop_after = 1};
    MZ_CHECK(decode(webp.bytes, webp.size, false, 0, &one) && one.frames == 1);
    /* Cut short, or wider than allowed: an error saying so. */
    got cut = {0};
    MZ_CHECK(!decode(webp.bytes, webp.size - 10, false, 0, &cut));
    MZ_CHECK_HAS(mz_error(), "the WebP ends inside a chunk");
    got big = {0};
    MZ_CHECK(!decode(webp.bytes, webp.size, false, 32, &big) && big.frames == 0);
    MZ_CHECK_HAS(mz_error(), "64x48 picture (the limit is 32)");
    WebPDataClear(&webp);
}

/* Writes an MP4 with mz_record_video (the index last, FFmpeg's default):
 * frame k solid colours[k % 3], or noise; returns its bytes (malloc'd). */
static uint8_t *make_mp4(uint32_t w, uint32_t h, int frames, bool noise, size_t *len)
{
    static const uint8_t colours[3][4] = {{255, 0, 0, 255}, {0, 0, 255, 255}, {255, 255, 255, 255}};
    char path[] = "/tmp/maze_decode_XXXXXX.mp4";
    int fd = mkstemps(path, 4);
    MZ_CHECK(fd >= 0);
    close(fd);
    mz_record_video *v = mz_record_video_open(
        &(mz_record_video_desc){.path = path, .width = w, .height = h, .fps = 12.5});
    MZ_CHECK_MSG(v != NULL, "%s", mz_error());
    uint8_t *rgba = malloc((size_t)w * h * 4);
    for (int k = 0; v && k < frames; k++) {
        fill(rgba, (int)w, (int)h, 0, 0, (int)w, (int)h, colours[k % 3]);
        for (size_t i = 0; noise && i < (size_t)w * h * 4; i++)
            rgba[i] = (uint8_t)rand();
        MZ_CHECK(mz_record_video_frame(v, rgba, NULL, 0));
    }
    MZ_CHECK(mz_record_video_close(v, NULL));
    free(rgba);
    FILE *fp = fopen(path, "rb");
    uint8_t *data = malloc(8 << 20);
    *len = fp ? fread(data, 1, 8 << 20, fp) : 0;
    if (fp) fclose(fp);
    remove(path);
    return data;
}

static void test_mp4_index_at_the_end(void)
{
    static const uint8_t colours[3][4] = {{255, 0, 0, 255}, {0, 0, 255, 255}, {255, 255, 255, 255}};
    size_t len;
    uint8_t *data = make_mp4(64, 48, 10, false, &len);
    got g = {0};
    MZ_CHECK_MSG(decode(data, len, true, 0, &g), "%s", mz_error());
    MZ_CHECK_MSG(g.frames == 10, "%d frames", g.frames);
    for (int k = 0; k < 8; k++) {
        MZ_CHECK_MSG(fabs(g.time_s[k] - k / 12.5) < 1e-6, "frame %d at %.4f s", k, g.time_s[k]);
        for (int c = 0; c < 3; c++)
            MZ_CHECK_MSG(abs(g.centre[k][c] - colours[k % 3][c]) <= 24, "frame %d: (%d,%d,%d)", k,
                         g.centre[k][0], g.centre[k][1], g.centre[k][2]);
    }
    free(data);
    /* Larger than the reader's buffer: without seeking, the index at the
     * end cannot be reached, and the error says why. */
    data = make_mp4(320, 240, 12, true, &len);
    MZ_CHECK_MSG(len > (256 << 10), "%zu bytes", len);
    got flat = {0};
    MZ_CHECK(!decode(data, len, false, 0, &flat) && flat.frames == 0);
    MZ_CHECK_HAS(mz_error(), "(it cannot seek: is the MP4's index at the end?)");
    got sought = {0};
    MZ_CHECK(decode(data, len, true, 0, &sought) && sought.frames == 12);
    free(data);
}

static void test_not_a_picture(void)
{
    static const char text[] = "Traceback (most recent call last): not a video\n";
    got g = {0};
    MZ_CHECK(!decode((const uint8_t *)text, sizeof text - 1, true, 0, &g) && g.frames == 0);
    MZ_CHECK_HAS(mz_error(), "not a picture or video");
    MZ_CHECK(!decode((const uint8_t *)text, 0, true, 0, &g));
    MZ_CHECK_HAS(mz_error(), "the stream is empty");
}

int main(void)
{
    MZ_RUN(test_animated_webp);
    MZ_RUN(test_mp4_index_at_the_end);
    MZ_RUN(test_not_a_picture);
    return mz_test_finish();
}
