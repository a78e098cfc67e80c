/* The display renderer on a headless target: letterboxing, overlay alpha,
 * crossfade, resize, frame size changes — checked in read-back pixels, with
 * the validation layers counting errors. */
#include "mz_error.h"
#include "mz_render.h"
#include "mz_test.h"
#include "mz_time.h"

#include <stdlib.h>

static mz_gpu *gpu;

static uint8_t *solid(int w, int h, uint8_t r, uint8_t g, uint8_t b, uint8_t a)
{
    uint8_t *p = malloc((size_t)w * h * 4);
    for (int i = 0; i < w * h; i++) {
        p[i * 4 + 0] = r;
        p[i * 4 + 1] = g;
        p[i * 4 + 2] = b;
        p[i * 4 + 3] = a;
    }
    return p;
}

static const uint8_t *px(const uint8_t *img, int w, int x, int y)
{
    return img + ((size_t)y * w + x) * 4;
}

static bool near(const uint8_t *p, int r, int g, int b)
{
    return abs(p[0] - r) <= 3 && abs(p[1] - g) <= 3 && abs(p[2] - b) <= 3;
}

static void test_letterbox_and_overlay(void)
{
    mz_render *r = mz_render_create(&(mz_render_desc){.gpu = gpu, .width = 320, .height = 180});
    MZ_CHECK_MSG(r, "%s", mz_error());
    if (!r) return;
    int w, h;
    uint8_t *shot = mz_render_screenshot(r, &w, &h);
    MZ_CHECK(shot && w == 320 && h == 180);
    MZ_CHECK(shot && near(px(shot, w, 160, 90), 0, 0, 0)); /* nothing yet: black */
    free(shot);

    uint8_t *red = solid(160, 120, 255, 0, 0, 255); /* 4:3 in 16:9: bars left and right */
    MZ_CHECK(mz_render_set_frame(r, red, 160, 120));
    shot = mz_render_screenshot(r, &w, &h);
    MZ_CHECK(shot && near(px(shot, w, 160, 90), 255, 0, 0));
    MZ_CHECK(shot && near(px(shot, w, 5, 90), 0, 0, 0));
    MZ_CHECK(shot && near(px(shot, w, 314, 90), 0, 0, 0));
    MZ_CHECK(shot && near(px(shot, w, 160, 2), 255, 0, 0)); /* full height */
    free(shot);

    /* overlay: top half half-transparent white, bottom half transparent */
    uint8_t *ov = solid(320, 180, 255, 255, 255, 0);
    for (int i = 0; i < 320 * 90; i++)
        ov[i * 4 + 3] = 128;
    MZ_CHECK(mz_render_set_overlay(r, ov, 320, 180, 320 * 4));
    shot = mz_render_screenshot(r, &w, &h);
    MZ_CHECK(shot && near(px(shot, w, 160, 40), 255, 128, 128));
    MZ_CHECK(shot && near(px(shot, w, 5, 40), 128, 128, 128));
    MZ_CHECK(shot && near(px(shot, w, 160, 150), 255, 0, 0));
    free(shot);
    MZ_CHECK(mz_render_set_overlay(r, NULL, 0, 0, 0));
    shot = mz_render_screenshot(r, &w, &h);
    MZ_CHECK(shot && near(px(shot, w, 160, 40), 255, 0, 0));
    free(shot);

    /* resize: a square target puts the bars above and below */
    mz_render_resize(r, 200, 200);
    shot = mz_render_screenshot(r, &w, &h);
    MZ_CHECK(shot && w == 200 && h == 200);
    MZ_CHECK(shot && near(px(shot, w, 100, 100), 255, 0, 0));
    MZ_CHECK(shot && near(px(shot, w, 100, 5), 0, 0, 0));
    MZ_CHECK(shot && near(px(shot, w, 100, 194), 0, 0, 0));
    free(shot);

    /* minimised: nothing presented, no error */
    mz_render_resize(r, 0, 0);
    bool presented = true;
    MZ_CHECK(mz_render_present(r, &presented));
    MZ_CHECK(!presented);
    MZ_CHECK(mz_render_screenshot(r, &w, &h) == NULL);
    mz_render_resize(r, 320, 180);

    /* many presents with uploads each time: two frames in flight */
    for (int i = 0; i < 20; i++) {
        red[0] = (uint8_t)i;
        MZ_CHECK(mz_render_set_frame(r, red, 160, 120));
        MZ_CHECK(mz_render_present(r, NULL));
    }
    free(red);
    free(ov);
    mz_render_destroy(r);
}

static void test_crossfade_and_new_size(void)
{
    mz_render *r = mz_render_create(&(mz_render_desc){.gpu = gpu, .width = 64, .height = 64});
    if (!r) return;
    uint8_t *red = solid(64, 64, 255, 0, 0, 255), *blue = solid(64, 64, 0, 0, 255, 255);
    mz_render_set_frame(r, red, 64, 64);
    mz_render_present(r, NULL);
    mz_render_crossfade(r, 1.0);
    mz_render_set_frame(r, blue, 64, 64);
    int w, h;
    uint8_t *shot = mz_render_screenshot(r, &w, &h);
    /* early in the fade: mostly the red before */
    MZ_CHECK_MSG(shot && shot[0] > 128 && shot[2] < 128, "%d %d %d", shot[0], shot[1], shot[2]);
    free(shot);
    mz_time_sleep_ms(150); /* part way: both colours, generous for a loaded machine */
    shot = mz_render_screenshot(r, &w, &h);
    MZ_CHECK_MSG(shot && shot[0] > 40 && shot[0] < 245 && shot[2] > 10 && shot[2] < 215, "%d %d",
                 shot[0], shot[2]);
    free(shot);
    mz_time_sleep_ms(900);
    shot = mz_render_screenshot(r, &w, &h);
    MZ_CHECK(shot && near(shot, 0, 0, 255));
    free(shot);

    /* later frames of the same scene replace the frame without fading */
    mz_render_set_frame(r, red, 64, 64);
    shot = mz_render_screenshot(r, &w, &h);
    MZ_CHECK(shot && near(shot, 255, 0, 0));
    free(shot);

    /* a frame of another size: textures remade, a fade becomes a cut */
    uint8_t *green = solid(32, 16, 0, 255, 0, 255);
    mz_render_crossfade(r, 1.0);
    MZ_CHECK(mz_render_set_frame(r, green, 32, 16));
    shot = mz_render_screenshot(r, &w, &h);
    MZ_CHECK(shot && near(px(shot, w, 32, 32), 0, 255, 0));
    MZ_CHECK(shot && near(px(shot, w, 32, 4), 0, 0, 0));
    free(shot);
    free(red);
    free(blue);
    free(green);
    mz_render_destroy(r);
}

static void test_bad_input(void)
{
    mz_render *r = mz_render_create(&(mz_render_desc){.gpu = gpu});
    if (!r) return;
    int w, h;
    uint8_t *shot = mz_render_screenshot(r, &w, &h);
    MZ_CHECK(shot && w == 1280 && h == 720); /* the default size */
    free(shot);
    MZ_CHECK(!mz_render_set_frame(r, NULL, 10, 10));
    MZ_CHECK_HAS(mz_error(), "empty frame");
    uint8_t one[4] = {0};
    MZ_CHECK(!mz_render_set_overlay(r, one, 2, 2, 4));
    MZ_CHECK_HAS(mz_error(), "bad overlay");
    mz_render_destroy(r);
    MZ_CHECK(mz_render_create(&(mz_render_desc){0}) == NULL);
    MZ_CHECK_HAS(mz_error(), "no gpu");
}

int main(void)
{
    gpu = mz_gpu_create(&(mz_gpu_desc){.validation = true});
    if (!gpu) {
        fprintf(stderr, "no gpu: %s\n", mz_error());
        return 1;
    }
    MZ_RUN(test_letterbox_and_overlay);
    MZ_RUN(test_crossfade_and_new_size);
    MZ_RUN(test_bad_input);
    uint32_t errors = mz_gpu_validation_errors(gpu);
    mz_gpu_destroy(gpu);
    MZ_CHECK_MSG(errors == 0, "%u validation errors", errors);
    if (errors) mz_test_failed++;
    return mz_test_finish();
}
