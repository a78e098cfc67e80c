/* WebP, still or animated, read chunk by chunk (Google's "WebP Container
 * Specification": RIFF, VP8X, ANIM, ANMF frames holding ALPH + VP8/VP8L),
 * so one frame's chunk is in memory at a time, not the file. Each frame is
 * decoded by libwebp's WebPDecodeRGBA (which takes a frame's ALPH + VP8
 * chunks as they are) and put on the canvas the way libwebp's own
 * WebPAnimDecoder does (anim_decode.c): the canvas starts transparent, the
 * ANIM background colour is only a hint and is not used, a frame is
 * alpha-blended unless it says not to, and a frame marked "dispose" clears
 * its rectangle to transparent before the next one. */
#include "mz_error.h"
#include "record_decode_internal.h"

#include <stdlib.h>
#include <string.h>
#include <webp/decode.h>

#define SKIP_BUFFER 4096

static uint32_t le24(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static uint32_t le32(const uint8_t *p)
{
    return le24(p) | (uint32_t)p[3] << 24;
}

/* n bytes, or false at the end (eof_ok: and nothing read) or on an error. */
static bool read_full(mz_record_input *in, uint8_t *buf, size_t n, bool *eof)
{
    size_t got = 0;
    while (got < n) {
        long r = mz_record_input_read(in, buf + got, n - got);
        if (r < 0) return false;
        if (r == 0) {
            if (eof && !got) {
                *eof = true;
                return false;
            }
            return mz_fail("decode: the WebP ends inside a chunk");
        }
        got += (size_t)r;
    }
    return true;
}

static bool skip(mz_record_input *in, size_t n)
{
    uint8_t buf[SKIP_BUFFER];
    while (n) {
        size_t step = n < sizeof buf ? n : sizeof buf;
        if (!read_full(in, buf, step, NULL)) return false;
        n -= step;
    }
    return true;
}

typedef struct anim {
    uint8_t *canvas;
    uint32_t w, h;
    uint32_t index;
    double time_s;
    uint32_t dispose_x, dispose_y, dispose_w, dispose_h; /* 0 wide: none */
    bool stopped;
} anim;

static void clear_rect(anim *a, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    for (uint32_t row = y; row < y + h; row++)
        memset(a->canvas + ((size_t)row * a->w + x) * 4, 0, (size_t)w * 4);
}

/* Non-premultiplied "over", as anim_decode.c's BlendPixelNonPremult. */
static void blend(uint8_t *dst, const uint8_t *src)
{
    uint32_t sa = src[3], da = dst[3] * (255 - sa) / 255, a = sa + da;
    for (int c = 0; c < 3; c++)
        dst[c] = a ? (uint8_t)((src[c] * sa + dst[c] * da) / a) : 0;
    dst[3] = (uint8_t)a;
}

/* One ANMF chunk's payload: its 16-byte header, then ALPH + VP8/VP8L. */
static bool anim_frame(anim *a, const uint8_t *p, size_t len, const mz_record_decode_desc *d)
{
    if (!a->canvas) return mz_fail("decode: a WebP animation frame before the canvas (VP8X)");
    if (len < 16) return mz_fail("decode: a WebP animation frame too short");
    uint32_t x = 2 * le24(p), y = 2 * le24(p + 3), w = 1 + le24(p + 6), h = 1 + le24(p + 9);
    uint32_t duration_ms = le24(p + 12);
    bool no_blend = p[15] & 2, dispose = p[15] & 1;
    if (x + w > a->w || y + h > a->h)
        return mz_fail("decode: a %ux%u WebP frame at %u,%u outside its %ux%u canvas", w, h, x, y,
                       a->w, a->h);
    int fw, fh;
    /* The bitstream's own size is checked before libwebp allocates it. */
    uint8_t *rgba =
        WebPGetInfo(p + 16, len - 16, &fw, &fh) && (uint32_t)fw == w && (uint32_t)fh == h
            ? WebPDecodeRGBA(p + 16, len - 16, &fw, &fh)
            : NULL;
    if (!rgba || (uint32_t)fw != w || (uint32_t)fh != h) {
        WebPFree(rgba);
        return mz_fail("decode: WebP frame %u does not decode", a->index);
    }
    if (a->dispose_w) clear_rect(a, a->dispose_x, a->dispose_y, a->dispose_w, a->dispose_h);
    for (uint32_t row = 0; row < h; row++) {
        uint8_t *dst = a->canvas + ((size_t)(y + row) * a->w + x) * 4;
        const uint8_t *src = rgba + (size_t)row * w * 4;
        if (no_blend)
            memcpy(dst, src, (size_t)w * 4);
        else
            for (uint32_t i = 0; i < w; i++)
                blend(dst + 4 * i, src + 4 * i);
    }
    WebPFree(rgba);
    a->dispose_x = x, a->dispose_y = y, a->dispose_w = dispose ? w : 0, a->dispose_h = h;
    mz_record_decoded out = {.rgba = a->canvas,
                             .width = a->w,
                             .height = a->h,
                             .index = a->index++,
                             .time_s = a->time_s,
                             .length_s = duration_ms / 1000.0};
    a->time_s += out.length_s;
    a->stopped = !d->frame(d->user, &out);
    return true;
}

/* A still picture: its VP8/VP8L chunk with the ALPH chunk before it, if any. */
static bool still(anim *a, const uint8_t *data, size_t len, const mz_record_decode_desc *d)
{
    int w, h;
    if (!WebPGetInfo(data, len, &w, &h)) return mz_fail("decode: the WebP picture does not decode");
    if ((uint32_t)w > d->max_dim || (uint32_t)h > d->max_dim)
        return mz_fail("decode: a %dx%d picture (the limit is %u)", w, h, d->max_dim);
    uint8_t *rgba = WebPDecodeRGBA(data, len, &w, &h);
    bool ok = rgba || mz_fail("decode: the WebP picture does not decode");
    /* Numbered and timed after any frames before it (a file may hold
     * several pictures, whatever the format says). */
    mz_record_decoded out = {.rgba = rgba,
                             .width = (uint32_t)w,
                             .height = (uint32_t)h,
                             .index = a->index,
                             .time_s = a->time_s};
    if (ok) a->index++, a->stopped = !d->frame(d->user, &out);
    WebPFree(rgba);
    return ok;
}

bool mz_record_webp_decode(mz_record_input *in, const mz_record_decode_desc *d)
{
    uint8_t riff[12];
    if (!read_full(in, riff, sizeof riff, NULL)) return false;
    anim a = {0};
    /* A chunk larger than its pictures' pixels is not a picture. */
    size_t max_chunk = (size_t)d->max_dim * d->max_dim * 4 + 65536;
    uint8_t *chunk = NULL; /* the last ALPH chunk, header included, then the one being read */
    size_t kept = 0;       /* bytes of ALPH kept at the front of chunk */
    bool ok = true, eof = false;
    while (ok && !a.stopped) {
        uint8_t head[8];
        if (!read_full(in, head, sizeof head, &eof)) {
            ok = eof;
            break;
        }
        uint32_t size = le32(head + 4);
        size_t padded = (size_t)size + (size & 1);
        bool alph = !memcmp(head, "ALPH", 4),
             vp8 = !memcmp(head, "VP8 ", 4) || !memcmp(head, "VP8L", 4);
        if (!alph && !vp8 && memcmp(head, "VP8X", 4) && memcmp(head, "ANMF", 4)) {
            ok = skip(in, padded); /* ANIM, ICCP, EXIF, XMP and unknown chunks */
            continue;
        }
        if (padded > max_chunk) {
            ok = mz_fail("decode: a WebP %.4s chunk of %u bytes", (const char *)head, size);
            break;
        }
        if (!alph && !vp8) kept = 0;
        uint8_t *grown = realloc(chunk, kept + 8 + padded);
        if (!grown) {
            ok = mz_fail("decode: out of memory");
            break;
        }
        chunk = grown;
        uint8_t *body = chunk + kept + 8;
        memcpy(chunk + kept, head, 8);
        if (!(ok = read_full(in, body, padded, NULL))) break;
        if (alph) {
            memmove(chunk, chunk + kept, 8 + padded); /* an ALPH before it is replaced */
            kept = 8 + padded;
        } else if (vp8) {
            ok = still(&a, chunk, kept + 8 + padded, d);
            kept = 0;
        } else if (!memcmp(head, "VP8X", 4)) {
            if (size < 10) {
                ok = mz_fail("decode: a WebP VP8X chunk too short");
                break;
            }
            a.w = 1 + le24(body + 4);
            a.h = 1 + le24(body + 7);
            if (a.w > d->max_dim || a.h > d->max_dim) {
                ok = mz_fail("decode: a %ux%u picture (the limit is %u)", a.w, a.h, d->max_dim);
                break;
            }
            max_chunk = (size_t)a.w * a.h * 4 + 65536;
            free(a.canvas);
            if (!(a.canvas = calloc((size_t)a.w * a.h, 4))) ok = mz_fail("decode: out of memory");
        } else {
            ok = anim_frame(&a, body, size, d);
        }
    }
    free(chunk);
    free(a.canvas);
    return ok;
}
