#include "mz_record.h"

#include "mz_buf.h"
#include "mz_error.h"

#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool mz_record_make_dir(const char *path)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return mz_fail("%.64s...: path too long", path);
    for (char *p = buf + 1;; p++) {
        bool end = *p == '\0';
        if (*p == '/' || end) {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return mz_fail("mkdir %s: %s", buf, strerror(errno));
            if (end) break;
            *p = '/';
        }
    }
    return true;
}

/* libpng reports errors by longjmp; these handlers turn them into mz_fail
 * messages and the setjmp below into a false return. */
static void png_error_fn(png_structp png, png_const_charp msg)
{
    mz_fail("png: %s", msg);
    png_longjmp(png, 1);
}

static void png_warning_fn(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

void mz_record_meta_add(mz_record_meta *meta, const char *key, const char *value)
{
    if (value && meta->count < MZ_RECORD_MAX_TAGS)
        meta->tags[meta->count++] = (mz_record_tag){key, value};
}

/* The XMP packet for a DigitalSourceType term (a plain word: nothing to
 * escape). */
static bool xmp_packet(const char *term, char *buf, size_t cap)
{
    for (const char *c = term; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z')))
            return mz_fail("png: '%s' is not a DigitalSourceType term", term);
    int n = snprintf(buf, cap,
                     "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
                     "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
                     " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
                     "  <rdf:Description rdf:about=\"\"\n"
                     "    xmlns:Iptc4xmpExt=\"http://iptc.org/std/Iptc4xmpExt/2008-02-29/\"\n"
                     "    Iptc4xmpExt:DigitalSourceType="
                     "\"http://cv.iptc.org/newscodes/digitalsourcetype/%s\"/>\n"
                     " </rdf:RDF>\n"
                     "</x:xmpmeta>\n"
                     "<?xpacket end=\"r\"?>",
                     term);
    return n > 0 && (size_t)n < cap ? true : mz_fail("png: DigitalSourceType term too long");
}

/* Where encoded bytes go: a file (png_init_io) or a growing buffer. */
typedef struct png_sink {
    FILE *file;
    mz_buf data;
} png_sink;

static void sink_write(png_structp png, png_bytep bytes, png_size_t n)
{
    png_sink *s = png_get_io_ptr(png);
    if (!mz_buf_put(&s->data, bytes, n)) png_error(png, "out of memory");
}

static void sink_flush(png_structp png)
{
    (void)png;
}

/* The one PNG encoder: every PNG the engine writes comes through here. */
static bool png_encode(png_sink *sink, const uint8_t *rgba, uint32_t w, uint32_t h,
                       const mz_record_meta *meta)
{
    char xmp[1024];
    png_text text[MZ_RECORD_MAX_TAGS + 1];
    int ntext = 0;
    for (int i = 0; meta && i < meta->count && i < MZ_RECORD_MAX_TAGS; i++)
        text[ntext++] = (png_text){.compression = PNG_ITXT_COMPRESSION_NONE,
                                   .key = (char *)meta->tags[i].key,
                                   .text = (char *)meta->tags[i].value,
                                   .itxt_length = strlen(meta->tags[i].value)};
    if (meta && meta->source_type) {
        if (!xmp_packet(meta->source_type, xmp, sizeof xmp)) return false;
        text[ntext++] = (png_text){.compression = PNG_ITXT_COMPRESSION_NONE,
                                   .key = "XML:com.adobe.xmp",
                                   .text = xmp,
                                   .itxt_length = strlen(xmp)};
    }
    png_structp png =
        png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_error_fn, png_warning_fn);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *row = malloc((size_t)w * 3);
    bool ok = png && info && row;
    if (!ok) mz_fail("png: out of memory");
    if (ok && setjmp(png_jmpbuf(png))) {
        ok = false;
    } else if (ok) {
        if (sink->file)
            png_init_io(png, sink->file);
        else
            png_set_write_fn(png, sink, sink_write, sink_flush);
        png_set_compression_level(png, 2);
        png_set_filter(png, 0, PNG_FILTER_SUB);
        png_set_IHDR(png, info, w, h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        if (ntext) png_set_text(png, info, text, ntext);
        png_write_info(png, info);
        for (uint32_t y = 0; y < h; y++) {
            const uint8_t *src = rgba + (size_t)y * w * 4;
            for (uint32_t x = 0; x < w; x++)
                memcpy(row + x * 3, src + x * 4, 3);
            png_write_row(png, row);
        }
        png_write_end(png, NULL);
    }
    png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
    free(row);
    return ok;
}

bool mz_record_png_write(const char *path, const uint8_t *rgba, uint32_t w, uint32_t h,
                         const mz_record_meta *meta)
{
    png_sink sink = {.file = fopen(path, "wb")};
    if (!sink.file) return mz_fail("%s: %s", path, strerror(errno));
    bool ok = png_encode(&sink, rgba, w, h, meta);
    if (fclose(sink.file) != 0 && ok) ok = mz_fail("%s: %s", path, strerror(errno));
    if (!ok) mz_fail_context("writing %s", path);
    return ok;
}

bool mz_record_png_encode(const uint8_t *rgba, uint32_t w, uint32_t h, const mz_record_meta *meta,
                          uint8_t **out, size_t *len)
{
    png_sink sink = {0};
    *out = NULL;
    if (!png_encode(&sink, rgba, w, h, meta)) {
        mz_buf_free(&sink.data);
        return false;
    }
    *out = (uint8_t *)mz_buf_take(&sink.data, len);
    return true;
}

uint8_t *mz_record_png_read(const char *path, uint32_t *width, uint32_t *height)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        mz_fail("%s: %s", path, strerror(errno));
        return NULL;
    }
    png_structp png =
        png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_error_fn, png_warning_fn);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    /* volatile: assigned after setjmp and read after a longjmp. */
    uint8_t *volatile pixels = NULL;
    bool ok = png && info;
    if (!ok) mz_fail("png: out of memory");
    if (ok && setjmp(png_jmpbuf(png))) {
        ok = false;
    } else if (ok) {
        png_init_io(png, f);
        png_read_info(png, info);
        /* Whatever the file holds, make it 8-bit RGBA. */
        png_set_expand(png);
        png_set_strip_16(png);
        png_set_gray_to_rgb(png);
        png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
        png_read_update_info(png, info);
        uint32_t w = png_get_image_width(png, info), h = png_get_image_height(png, info);
        pixels = malloc((size_t)w * h * 4);
        if (!pixels) png_error(png, "out of memory");
        for (uint32_t y = 0; y < h; y++)
            png_read_row(png, pixels + (size_t)y * w * 4, NULL);
        png_read_end(png, NULL);
        *width = w;
        *height = h;
    }
    png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
    fclose(f);
    if (!ok) {
        free(pixels);
        mz_fail_context("reading %s", path);
        return NULL;
    }
    return pixels;
}

struct mz_record_y4m {
    FILE *f;
    uint32_t w, h;
    uint8_t *planes; /* Y, then U, then V */
    bool ok;
};

mz_record_y4m *mz_record_y4m_open(const char *path, uint32_t w, uint32_t h, double fps)
{
    if (w % 2 || h % 2) {
        mz_fail("%s: y4m needs an even size, not %ux%u", path, w, h);
        return NULL;
    }
    /* The header keeps the rate in thousandths: below that it would say 0. */
    if (!isfinite(fps) || fps < 0.001 || fps > 1e6) {
        mz_fail("%s: y4m frame rate %g is not in 0.001..1000000", path, fps);
        return NULL;
    }
    mz_record_y4m *y = calloc(1, sizeof *y);
    if (y) y->planes = malloc((size_t)w * h * 3 / 2);
    if (!y || !y->planes) {
        if (y) free(y);
        mz_fail("y4m: out of memory");
        return NULL;
    }
    y->f = fopen(path, "wb");
    if (!y->f) {
        mz_fail("%s: %s", path, strerror(errno));
        free(y->planes);
        free(y);
        return NULL;
    }
    y->w = w;
    y->h = h;
    y->ok = true;
    unsigned num = (unsigned)(fps * 1000.0 + 0.5);
    fprintf(y->f, "YUV4MPEG2 W%u H%u F%u:1000 Ip A1:1 C420jpeg\n", w, h, num);
    return y;
}

static uint8_t clamp8(int v)
{
    return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
}

bool mz_record_y4m_write(mz_record_y4m *y, const uint8_t *rgba)
{
    uint32_t w = y->w, h = y->h;
    uint8_t *Y = y->planes, *U = Y + (size_t)w * h, *V = U + (size_t)w * h / 4;
    /* BT.601 full range in fixed point (x256). */
    for (uint32_t j = 0; j < h; j++)
        for (uint32_t i = 0; i < w; i++) {
            const uint8_t *p = rgba + ((size_t)j * w + i) * 4;
            Y[(size_t)j * w + i] = clamp8((77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8);
        }
    for (uint32_t j = 0; j < h / 2; j++)
        for (uint32_t i = 0; i < w / 2; i++) {
            int r = 0, g = 0, b = 0;
            for (int k = 0; k < 4; k++) {
                const uint8_t *p = rgba + ((size_t)(2 * j + k / 2) * w + 2 * i + k % 2) * 4;
                r += p[0];
                g += p[1];
                b += p[2];
            }
            U[(size_t)j * (w / 2) + i] =
                clamp8(((-43 * r - 85 * g + 128 * b) / 4 + 128 * 256) >> 8);
            V[(size_t)j * (w / 2) + i] =
                clamp8(((128 * r - 107 * g - 21 * b) / 4 + 128 * 256) >> 8);
        }
    size_t bytes = (size_t)w * h * 3 / 2;
    if (fputs("FRAME\n", y->f) < 0 || fwrite(y->planes, 1, bytes, y->f) != bytes)
        y->ok = mz_fail("y4m: %s", strerror(errno));
    return y->ok;
}

bool mz_record_y4m_close(mz_record_y4m *y)
{
    if (!y) return true;
    bool ok = y->ok;
    if (fclose(y->f) != 0 && ok) ok = mz_fail("y4m: %s", strerror(errno));
    free(y->planes);
    free(y);
    return ok;
}
