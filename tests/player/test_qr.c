/* test_qr — the audience page's QR code as the kiosk draws it: the overlay
 * (with a caption and labels) composited over a busy picture, written as a
 * PNG and read back by zbarimg (zbar-tools), which must find the URL; in
 * each corner, at 1280x720 and at 640x360. */
#define _DEFAULT_SOURCE /* mkstemps */
#include "mz_error.h"
#include "mz_qr.h"
#include "mz_record.h"
#include "mz_test.h"
#include "overlay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char url[] = "http://192.168.1.20:8080/audience";

/* zbarimg's reading of the overlay over a striped picture, or "" */
static const char *scan(mz_overlay *o, const mz_qr *q, mz_qr_corner corner, int w, int h,
                        int rect_out[4])
{
    static char result[512];
    result[0] = '\0';
    SDL_Surface *s = mz_overlay_draw(o, w, h,
                                     &(mz_overlay_state){.caption = "The lighthouse door opens.",
                                                         .disclosure = "Scenes generated live",
                                                         .qr = q,
                                                         .qr_corner = corner,
                                                         .qr_url = url});
    MZ_CHECK(s != NULL);
    if (!s) return result;
    uint8_t *rgb = malloc((size_t)w * (size_t)h * 4);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            const uint8_t *p =
                (const uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch + (size_t)x * 4;
            uint8_t *d = rgb + ((size_t)y * (size_t)w + (size_t)x) * 4;
            uint8_t bg = (uint8_t)(((x / 7 + y / 5) % 3) * 90); /* a busy scene behind */
            for (int k = 0; k < 3; k++)
                d[k] = (uint8_t)((p[k] * p[3] + bg * (255 - p[3])) / 255);
            d[3] = 255;
        }
    char path[] = "/tmp/mz_test_qr_XXXXXX.png";
    int fd = mkstemps(path, 4);
    MZ_CHECK(fd >= 0);
    close(fd);
    MZ_CHECK(mz_record_png_write(path, rgb, (uint32_t)w, (uint32_t)h, NULL));
    free(rgb);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "zbarimg --quiet --raw %s 2>/dev/null", path);
    FILE *f = popen(cmd, "r");
    if (f) {
        if (!fgets(result, sizeof result, f)) result[0] = '\0';
        pclose(f);
    }
    result[strcspn(result, "\n")] = '\0';
    if (getenv("MZ_QR_SHOT")) rename(path, getenv("MZ_QR_SHOT"));
    unlink(path);
    mz_qr_place(q, w, h, corner, mz_qr_module_px(q, h), 0, rect_out);
    return result;
}

static void test_decodes_in_each_corner(void)
{
    if (system("zbarimg --version >/dev/null 2>&1") != 0) {
        fprintf(stderr, "zbarimg missing: install zbar-tools (tools/dev)\n");
        MZ_CHECK(!"zbarimg present");
        return;
    }
    mz_overlay *o = mz_overlay_create(NULL);
    mz_qr *q = mz_qr_create(url);
    MZ_CHECK(o && q);
    if (!o || !q) return;
    static const char *const names[] = {"bottom-right", "bottom-left", "top-right", "top-left"};
    for (int c = 0; c < 4; c++) {
        mz_qr_corner corner;
        MZ_CHECK(mz_qr_corner_parse(names[c], &corner) && corner == (mz_qr_corner)c);
        int rect[4];
        MZ_CHECK_STR(scan(o, q, corner, 1280, 720, rect), url);
        /* the code sits in its corner: its centre in that quarter */
        bool right = c == 0 || c == 2, bottom = c < 2;
        MZ_CHECK((rect[0] + rect[2] / 2 > 640) == right);
        MZ_CHECK((rect[1] + rect[3] / 2 > 360) == bottom);
    }
    int rect[4];
    MZ_CHECK_STR(scan(o, q, MZ_QR_BOTTOM_RIGHT, 640, 360, rect), url);
    MZ_CHECK(rect[2] <= 360 / 4); /* small enough to leave the picture to the scene */
    mz_qr_destroy(q);
    mz_overlay_destroy(o);
}

static void test_errors(void)
{
    MZ_CHECK(mz_qr_create("") == NULL);
    MZ_CHECK_HAS(mz_error(), "no text");
    static char huge[8000];
    memset(huge, 'x', sizeof huge - 1);
    MZ_CHECK(mz_qr_create(huge) == NULL);
    MZ_CHECK_HAS(mz_error(), "cannot encode");
    mz_qr_corner c;
    MZ_CHECK(!mz_qr_corner_parse("middle", &c));
    MZ_CHECK(!mz_qr_corner_parse(NULL, &c));
}

int main(void)
{
    MZ_RUN(test_decodes_in_each_corner);
    MZ_RUN(test_errors);
    return mz_test_finish();
}
