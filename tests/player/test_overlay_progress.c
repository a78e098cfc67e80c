/* The working indicator with a generator's progress (ComfyUI's sampler
 * steps, through mz_gen_stats): a bar under the dots, filled in proportion;
 * none without progress. */
#include "mz_test.h"
#include "overlay.h"

#include <stdlib.h>
#include <string.h>

enum { W = 960, H = 540 };

/* Bright, nearly opaque pixels of the top right quarter, per row. */
static void bright_rows(mz_overlay *o, float progress, int *count)
{
    SDL_Surface *s = mz_overlay_draw(
        o, W, H, &(mz_overlay_state){.working = true, .time_s = 0.3, .progress = progress});
    MZ_CHECK(s && s->pitch == W * 4);
    for (int y = 0; y < H / 4; y++) {
        count[y] = 0;
        for (int x = W / 2; s && x < W; x++) {
            const Uint8 *p = (const Uint8 *)s->pixels + ((size_t)y * W + (size_t)x) * 4;
            count[y] += p[3] > 200 && p[0] > 200;
        }
    }
}

static void test_bar_follows_progress(void)
{
    mz_overlay *o = mz_overlay_create(NULL);
    MZ_CHECK(o != NULL);
    if (!o) return;
    int full[H / 4], none[H / 4], quarter[H / 4], three[H / 4], row = 0;
    bright_rows(o, 1.0f, full);
    bright_rows(o, 0, none);
    bright_rows(o, 0.25f, quarter);
    bright_rows(o, 0.75f, three);
    for (int y = 0; y < H / 4; y++)
        if (full[y] > full[row]) row = y;
    /* The full bar's row is wider than the dots', and empty without progress. */
    MZ_CHECK_MSG(full[row] > 0 && none[row] == 0, "bar row %d: %d full, %d without progress", row,
                 full[row], none[row]);
    MZ_CHECK_MSG(abs(three[row] - 3 * quarter[row]) <= 3 && abs(full[row] - 4 * quarter[row]) <= 4,
                 "filled %d, %d, %d pixels at 1/4, 3/4, 1", quarter[row], three[row], full[row]);
    mz_overlay_destroy(o);
}

int main(void)
{
    MZ_RUN(test_bar_follows_progress);
    return mz_test_finish();
}
