/* PNG round trip and the Y4M stream's layout. */
#include "mz_error.h"
#include "mz_record.h"
#include "mz_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[64];

/* A path in this run's scratch directory. */
static const char *at(const char *name)
{
    static char path[4][256];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", dir, name);
    return p;
}

static void png_round_trip_keeps_pixels(void)
{
    uint8_t px[7 * 5 * 4];
    for (int i = 0; i < 7 * 5; i++) {
        px[i * 4] = (uint8_t)(i * 7);
        px[i * 4 + 1] = (uint8_t)(255 - i);
        px[i * 4 + 2] = (uint8_t)(i * 3);
        px[i * 4 + 3] = 255;
    }
    MZ_CHECK(mz_record_make_dir(at("a/b")));
    MZ_CHECK(mz_record_png_write(at("a/b/t.png"), px, 7, 5, NULL));
    uint32_t w = 0, h = 0;
    uint8_t *back = mz_record_png_read(at("a/b/t.png"), &w, &h);
    MZ_CHECK(back && w == 7 && h == 5);
    if (back) MZ_CHECK(memcmp(back, px, sizeof px) == 0);
    free(back);
}

static void png_errors_name_the_file(void)
{
    uint32_t w, h;
    MZ_CHECK(mz_record_png_read(at("missing.png"), &w, &h) == NULL);
    MZ_CHECK_HAS(mz_error(), "missing.png");
    FILE *f = fopen(at("bad.png"), "wb");
    if (f) {
        fputs("not a png at all", f);
        fclose(f);
    }
    MZ_CHECK(mz_record_png_read(at("bad.png"), &w, &h) == NULL);
    MZ_CHECK_HAS(mz_error(), "bad.png");
}

static void y4m_has_header_and_frames(void)
{
    uint8_t px[4 * 2 * 4];
    memset(px, 255, sizeof px); /* white: Y 255, U and V 128 */
    mz_record_y4m *y = mz_record_y4m_open(at("t.y4m"), 4, 2, 30);
    MZ_CHECK(y != NULL);
    if (!y) return;
    MZ_CHECK(mz_record_y4m_write(y, px) && mz_record_y4m_write(y, px));
    MZ_CHECK(mz_record_y4m_close(y));
    FILE *f = fopen(at("t.y4m"), "rb");
    char buf[256] = {0};
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f) fclose(f);
    const char *header = "YUV4MPEG2 W4 H2 F30000:1000 Ip A1:1 C420jpeg\n";
    MZ_CHECK(memcmp(buf, header, strlen(header)) == 0);
    size_t frame = 6 + 4 * 2 * 3 / 2;
    MZ_CHECK(n == strlen(header) + 2 * frame);
    const unsigned char *p = (const unsigned char *)buf + strlen(header) + 6;
    MZ_CHECK(p[0] == 255 && p[8] == 128 && p[9] == 128);
    MZ_CHECK(mz_record_y4m_open(at("odd.y4m"), 3, 2, 30) == NULL);
    MZ_CHECK_HAS(mz_error(), "even");
}

/* A rate the header cannot say ("F0:1000", or NaN printed as a number) is
 * refused rather than written as a broken video. */
static void y4m_refuses_bad_rates(void)
{
    const double bad[] = {NAN, INFINITY, -INFINITY, 0, -30, 0.0001, 2e6};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        MZ_CHECK_MSG(mz_record_y4m_open(at("rate.y4m"), 4, 2, bad[i]) == NULL, "fps %g", bad[i]);
        MZ_CHECK_HAS(mz_error(), "frame rate");
    }
    MZ_CHECK(access(at("rate.y4m"), F_OK) != 0); /* nothing was created */
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/mz_test_record_XXXXXX");
    if (!mkdtemp(dir)) return 1;
    MZ_RUN(png_round_trip_keeps_pixels);
    MZ_RUN(png_errors_name_the_file);
    MZ_RUN(y4m_has_header_and_frames);
    MZ_RUN(y4m_refuses_bad_rates);
    unlink(at("a/b/t.png"));
    rmdir(at("a/b"));
    rmdir(at("a"));
    unlink(at("bad.png"));
    unlink(at("t.y4m"));
    rmdir(dir);
    return mz_test_finish();
}
