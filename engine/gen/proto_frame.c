/* Binary frame messages of docs/protocol.md and the image codecs behind
 * them (libpng, libjpeg). Every size is checked before it is used. */
#include "mz_gen_proto.h"

#include "mz_error.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

static const uint8_t magic[4] = {'M', 'Z', 'F', '1'};

enum { FLAG_TRANSITIONAL = 1, FLAG_CONDITIONING = 2 };

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

void mz_gen_proto_frame_header(const mz_gen_proto_frame *f, uint8_t out[MZ_GEN_PROTO_HEADER_SIZE])
{
    memcpy(out, magic, 4);
    put16(out + 4, MZ_GEN_PROTO_VERSION);
    put16(out + 6, MZ_GEN_PROTO_HEADER_SIZE);
    put64(out + 8, f->scene_id);
    put32(out + 16, f->index);
    put16(out + 20, (uint16_t)((f->transitional ? FLAG_TRANSITIONAL : 0) |
                               (f->conditioning ? FLAG_CONDITIONING : 0)));
    put16(out + 22, (uint16_t)f->encoding);
    put64(out + 24, f->time_us);
    put32(out + 32, f->width);
    put32(out + 36, f->height);
    put32(out + 40, (uint32_t)f->payload_size);
}

mz_gen_proto_status mz_gen_proto_frame_parse(const uint8_t *msg, size_t len,
                                             uint32_t max_frame_bytes, mz_gen_proto_frame *out)
{
    memset(out, 0, sizeof *out);
    if (len < MZ_GEN_PROTO_HEADER_SIZE) {
        mz_fail("binary message of %zu bytes is shorter than the %d-byte frame header", len,
                MZ_GEN_PROTO_HEADER_SIZE);
        return MZ_GEN_PROTO_BAD_FRAME;
    }
    if (memcmp(msg, magic, 4)) {
        mz_fail("binary message does not start with the frame magic \"MZF1\"");
        return MZ_GEN_PROTO_BAD_FRAME;
    }
    uint16_t version = get16(msg + 4), header = get16(msg + 6);
    if (version != MZ_GEN_PROTO_VERSION) {
        mz_fail("frame of protocol version %u, this side speaks %d", version, MZ_GEN_PROTO_VERSION);
        return MZ_GEN_PROTO_BAD_VERSION;
    }
    if (header < MZ_GEN_PROTO_HEADER_SIZE || header > len) {
        mz_fail("frame header size %u is not in %d..%zu", header, MZ_GEN_PROTO_HEADER_SIZE, len);
        return MZ_GEN_PROTO_BAD_FRAME;
    }
    uint16_t flags = get16(msg + 20), encoding = get16(msg + 22);
    out->scene_id = get64(msg + 8);
    out->index = get32(msg + 16);
    out->transitional = flags & FLAG_TRANSITIONAL;
    out->conditioning = flags & FLAG_CONDITIONING;
    out->time_us = get64(msg + 24);
    out->width = get32(msg + 32);
    out->height = get32(msg + 36);
    out->payload_size = get32(msg + 40);
    out->payload = msg + header;
    if (encoding > MZ_GEN_PROTO_JPEG) {
        mz_fail("frame encoding %u is not raw (0), PNG (1) or JPEG (2)", encoding);
        return MZ_GEN_PROTO_BAD_FRAME;
    }
    out->encoding = (mz_gen_proto_encoding)encoding;
    if (out->width < MZ_GEN_PROTO_MIN_DIM || out->width > MZ_GEN_PROTO_MAX_DIM ||
        out->height < MZ_GEN_PROTO_MIN_DIM || out->height > MZ_GEN_PROTO_MAX_DIM) {
        mz_fail("frame size %ux%u is outside %d..%d", out->width, out->height, MZ_GEN_PROTO_MIN_DIM,
                MZ_GEN_PROTO_MAX_DIM);
        return MZ_GEN_PROTO_BAD_FRAME;
    }
    uint64_t raw = (uint64_t)out->width * out->height * 4;
    if (raw > max_frame_bytes || out->payload_size > max_frame_bytes) {
        mz_fail("frame of %ux%u (%zu payload bytes) is over the %u-byte frame limit", out->width,
                out->height, out->payload_size, max_frame_bytes);
        return MZ_GEN_PROTO_TOO_LARGE;
    }
    if (out->payload_size != len - header) {
        mz_fail("frame says %zu payload bytes but %zu follow its header", out->payload_size,
                len - header);
        return MZ_GEN_PROTO_BAD_FRAME;
    }
    if (out->encoding == MZ_GEN_PROTO_RAW && out->payload_size != raw) {
        mz_fail("raw frame of %ux%u needs %llu bytes, has %zu", out->width, out->height,
                (unsigned long long)raw, out->payload_size);
        return MZ_GEN_PROTO_BAD_FRAME;
    }
    return MZ_GEN_PROTO_OK;
}

/* What an image being decoded may be: each side at most max_dim and, when
 * width is nonzero, exactly width x height. */
typedef struct image_want {
    uint32_t max_dim, width, height;
} image_want;

static bool image_decode(const uint8_t *data, size_t len, const image_want *want, uint8_t **rgba,
                         uint32_t *w, uint32_t *h);

mz_gen_proto_status mz_gen_proto_frame_pixels(const mz_gen_proto_frame *f, uint8_t *rgba)
{
    if (f->encoding == MZ_GEN_PROTO_RAW) {
        memcpy(rgba, f->payload, f->payload_size);
        return MZ_GEN_PROTO_OK;
    }
    uint8_t *pixels;
    uint32_t w, h;
    /* The image must be the header's size, checked from the image's own
     * header before anything is allocated or decoded: a 16x16 frame whose PNG
     * says 4096x4096 is refused, not inflated to 64 MB first. */
    image_want want = {MZ_GEN_PROTO_MAX_DIM, f->width, f->height};
    if (!image_decode(f->payload, f->payload_size, &want, &pixels, &w, &h))
        return MZ_GEN_PROTO_BAD_FRAME;
    memcpy(rgba, pixels, (size_t)w * h * 4);
    free(pixels);
    return MZ_GEN_PROTO_OK;
}

/* ---- image codecs ------------------------------------------------------ */

/* Whether an image of iw x ih, read from its header, is what is wanted. */
static bool image_size_ok(const char *kind, uint32_t iw, uint32_t ih, const image_want *want)
{
    if (iw == 0 || ih == 0 || iw > want->max_dim || ih > want->max_dim)
        return mz_fail("%s of %ux%u is outside 1..%u", kind, iw, ih, want->max_dim);
    if (want->width && (iw != want->width || ih != want->height))
        return mz_fail("frame header says %ux%u, its image is %ux%u", want->width, want->height,
                       iw, ih);
    return true;
}

static bool png_decode(const uint8_t *data, size_t len, const image_want *want, uint8_t **rgba,
                       uint32_t *w, uint32_t *h)
{
    png_image img = {.version = PNG_IMAGE_VERSION};
    if (!png_image_begin_read_from_memory(&img, data, len))
        return mz_fail("PNG decode: %s", img.message);
    if (!image_size_ok("PNG", img.width, img.height, want)) {
        png_image_free(&img);
        return false;
    }
    img.format = PNG_FORMAT_RGBA;
    *rgba = malloc(PNG_IMAGE_SIZE(img));
    if (!*rgba) {
        png_image_free(&img);
        return mz_fail("PNG decode: out of memory");
    }
    if (!png_image_finish_read(&img, NULL, *rgba, 0, NULL)) {
        free(*rgba);
        *rgba = NULL;
        return mz_fail("PNG decode: %s", img.message);
    }
    *w = img.width;
    *h = img.height;
    return true;
}

/* libjpeg reports fatal errors through error_exit, which must not return:
 * it jumps back into jpeg_decode, the only frame between setjmp and libjpeg,
 * so no engine code is skipped. */
typedef struct jpeg_fail {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} jpeg_fail;

static void jpeg_error_exit(j_common_ptr cinfo)
{
    jpeg_fail *f = (jpeg_fail *)cinfo->err;
    f->mgr.format_message(cinfo, f->message);
    longjmp(f->jump, 1);
}

static void jpeg_quiet(j_common_ptr cinfo, int level)
{
    (void)cinfo;
    (void)level;
}

static bool jpeg_decode(const uint8_t *data, size_t len, const image_want *want, uint8_t **rgba,
                        uint32_t *w, uint32_t *h)
{
    struct jpeg_decompress_struct cinfo;
    jpeg_fail fail;
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile row = NULL;
    cinfo.err = jpeg_std_error(&fail.mgr);
    fail.mgr.error_exit = jpeg_error_exit;
    fail.mgr.emit_message = jpeg_quiet;
    if (setjmp(fail.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        return mz_fail("JPEG decode: %s", fail.message);
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    if (!image_size_ok("JPEG", cinfo.image_width, cinfo.image_height, want)) {
        jpeg_destroy_decompress(&cinfo);
        return false;
    }
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    uint32_t iw = cinfo.output_width, ih = cinfo.output_height;
    pixels = malloc((size_t)iw * ih * 4);
    row = malloc((size_t)iw * 3);
    if (!pixels || !row) longjmp(fail.jump, 1);
    while (cinfo.output_scanline < ih) {
        uint8_t *rowp = row;
        uint32_t y = cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &rowp, 1);
        uint8_t *dst = pixels + (size_t)y * iw * 4;
        for (uint32_t x = 0; x < iw; x++) {
            dst[4 * x] = row[3 * x];
            dst[4 * x + 1] = row[3 * x + 1];
            dst[4 * x + 2] = row[3 * x + 2];
            dst[4 * x + 3] = 255;
        }
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(row);
    *rgba = pixels;
    *w = iw;
    *h = ih;
    return true;
}

bool mz_gen_jpeg_encode(const uint8_t *rgba, uint32_t w, uint32_t h, int quality, uint8_t **out,
                        size_t *len)
{
    struct jpeg_compress_struct cinfo;
    jpeg_fail fail;
    unsigned char *volatile buf = NULL;
    unsigned long size = 0;
    *out = NULL;
    cinfo.err = jpeg_std_error(&fail.mgr);
    fail.mgr.error_exit = jpeg_error_exit;
    fail.mgr.emit_message = jpeg_quiet;
    if (setjmp(fail.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buf);
        return mz_fail("JPEG encode: %s", fail.message);
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, (unsigned char **)&buf, &size);
    cinfo.image_width = w;
    cinfo.image_height = h;
    cinfo.input_components = 4;
    cinfo.in_color_space = JCS_EXT_RGBA; /* libjpeg-turbo: no conversion pass */
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < h) {
        JSAMPROW row = (JSAMPROW)(rgba + (size_t)cinfo.next_scanline * w * 4);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buf;
    *len = size;
    return true;
}

static bool image_decode(const uint8_t *data, size_t len, const image_want *want, uint8_t **rgba,
                         uint32_t *w, uint32_t *h)
{
    static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    *rgba = NULL;
    if (len >= 8 && !memcmp(data, png_sig, 8)) return png_decode(data, len, want, rgba, w, h);
    if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
        return jpeg_decode(data, len, want, rgba, w, h);
    return mz_fail("image is neither PNG nor JPEG");
}

bool mz_gen_image_decode(const uint8_t *data, size_t len, uint32_t max_dim, uint8_t **rgba,
                         uint32_t *w, uint32_t *h)
{
    image_want any = {max_dim, 0, 0};
    return image_decode(data, len, &any, rgba, w, h);
}

void mz_gen_image_scale(const uint8_t *src, uint32_t sw, uint32_t sh, uint8_t *dst, uint32_t dw,
                        uint32_t dh)
{
    for (uint32_t y = 0; y < dh; y++) {
        float fy = ((float)y + 0.5f) * (float)sh / (float)dh - 0.5f;
        int y0 = fy < 0 ? 0 : (int)fy;
        int y1 = y0 + 1 < (int)sh ? y0 + 1 : (int)sh - 1;
        float ty = fy < 0 ? 0 : fy - (float)y0;
        for (uint32_t x = 0; x < dw; x++) {
            float fx = ((float)x + 0.5f) * (float)sw / (float)dw - 0.5f;
            int x0 = fx < 0 ? 0 : (int)fx;
            int x1 = x0 + 1 < (int)sw ? x0 + 1 : (int)sw - 1;
            float tx = fx < 0 ? 0 : fx - (float)x0;
            const uint8_t *a = src + ((size_t)y0 * sw + (size_t)x0) * 4;
            const uint8_t *b = src + ((size_t)y0 * sw + (size_t)x1) * 4;
            const uint8_t *c = src + ((size_t)y1 * sw + (size_t)x0) * 4;
            const uint8_t *d = src + ((size_t)y1 * sw + (size_t)x1) * 4;
            uint8_t *o = dst + ((size_t)y * dw + x) * 4;
            for (int k = 0; k < 4; k++) {
                float top = a[k] + (b[k] - a[k]) * tx, bottom = c[k] + (d[k] - c[k]) * tx;
                o[k] = (uint8_t)(top + (bottom - top) * ty + 0.5f);
            }
        }
    }
}
