/* Captions in other scripts: CJK glyphs from the CJK font (not DejaVu's
 * empty boxes), Arabic and Hebrew shaped right to left and set at the right.
 * With MZ_CAPTION_SHOTS=DIR set, the captions are also written as PNGs
 * (docs/captions-*.png are these). */
#include "mz_record.h"
#include "mz_test.h"
#include "overlay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { W = 960, H = 540 };

/* The overlay's pixels for a caption, copied (the overlay reuses its surface). */
static Uint8 *draw(mz_overlay *o, const char *caption, const char *shot)
{
    SDL_Surface *s = mz_overlay_draw(o, W, H, &(mz_overlay_state){.caption = caption});
    MZ_CHECK(s && s->w == W && s->pitch == W * 4);
    if (!s) return NULL;
    Uint8 *px = malloc((size_t)W * H * 4);
    memcpy(px, s->pixels, (size_t)W * H * 4);
    const char *dir = getenv("MZ_CAPTION_SHOTS");
    if (dir && shot) {
        /* On a slate background, as the viewer sees it over a dark scene. */
        Uint8 *rgb = malloc((size_t)W * H * 4);
        for (size_t i = 0; i < (size_t)W * H; i++) {
            unsigned a = px[i * 4 + 3];
            for (int k = 0; k < 3; k++)
                rgb[i * 4 + k] = (Uint8)((px[i * 4 + k] * a + 40u * (255 - a)) / 255);
            rgb[i * 4 + 3] = 255;
        }
        char path[512];
        snprintf(path, sizeof path, "%s/captions-%s.png", dir, shot);
        MZ_CHECK(mz_record_png_write(path, rgb, W, H, NULL));
        free(rgb);
    }
    return px;
}

/* Leftmost and rightmost column with bright (glyph) pixels in the band. */
static void ink(const Uint8 *px, int top, int *left, int *right)
{
    *left = W;
    *right = -1;
    for (int y = top; y < H; y++)
        for (int x = 0; x < W; x++) {
            const Uint8 *p = px + ((size_t)y * W + (size_t)x) * 4;
            if (p[3] > 200 && p[0] > 200) {
                if (x < *left) *left = x;
                if (x > *right) *right = x;
            }
        }
}

static void test_cjk(void)
{
    mz_overlay *o = mz_overlay_create(NULL);
    MZ_CHECK(o != NULL);
    if (!o) return;
    /* Two different characters: the same empty box twice if the font lacks them. */
    Uint8 *a = draw(o, "灯", NULL), *b = draw(o, "台", NULL);
    MZ_CHECK(a && b && memcmp(a, b, (size_t)W * H * 4) != 0);
    free(a);
    free(b);
    free(draw(o, "灯台は暗い。嵐が近づいている。小さな船が港へ急いでいる。", "ja"));
    free(draw(o, "Le phare de Gull Rock devrait déjà briller. Il est éteint. Sur l'eau, un "
                 "petit bateau file vers le port.", "fr"));
    mz_overlay_destroy(o);
}

static void test_right_to_left(void)
{
    mz_overlay *o = mz_overlay_create(NULL);
    MZ_CHECK(o != NULL);
    if (!o) return;
    int left, right;
    Uint8 *px = draw(o, "The lighthouse is dark.", NULL);
    ink(px, mz_overlay_band_top(o), &left, &right);
    MZ_CHECK_MSG(left < W / 8, "Latin starts at the left: %d", left);
    free(px);
    px = draw(o, "المنارة مظلمة. العاصفة تقترب.", "ar");
    ink(px, mz_overlay_band_top(o), &left, &right);
    MZ_CHECK_MSG(right > W * 7 / 8 && left > W / 4, "Arabic sits at the right: %d..%d", left,
                 right);
    free(px);
    px = draw(o, "המגדלור חשוך.", NULL);
    ink(px, mz_overlay_band_top(o), &left, &right);
    MZ_CHECK_MSG(right > W * 7 / 8 && left > W / 2, "Hebrew sits at the right: %d..%d", left,
                 right);
    free(px);
    /* Shaping: joined Arabic letters are narrower than the same letters alone. */
    px = draw(o, "ببب", NULL);
    int jl, jr;
    ink(px, mz_overlay_band_top(o), &jl, &jr);
    free(px);
    px = draw(o, "ب ب ب", NULL);
    int sl, sr;
    ink(px, mz_overlay_band_top(o), &sl, &sr);
    free(px);
    MZ_CHECK_MSG(jr - jl < (sr - sl) * 2 / 3, "joined %d px, apart %d px", jr - jl, sr - sl);
    mz_overlay_destroy(o);
}

/* Fallback per character, not per caption: in a caption with CJK in it,
 * Arabic still comes from DejaVu (Noto Sans CJK has none: one box for every
 * letter), CJK from Noto, and the Latin keeps DejaVu's width. */
static void test_mixed_scripts(void)
{
    mz_overlay *o = mz_overlay_create(NULL);
    MZ_CHECK(o != NULL);
    if (!o) return;
    Uint8 *a = draw(o, "Rock \xe7\x81\xaf ب", NULL), *b = draw(o, "Rock \xe7\x81\xaf ت", NULL);
    MZ_CHECK_MSG(a && b && memcmp(a, b, (size_t)W * H * 4) != 0,
                 "two Arabic letters beside CJK drew the same (boxes)");
    free(a);
    free(b);
    a = draw(o, "Rock \xe7\x81\xaf ب", NULL);
    b = draw(o, "Rock \xe5\x8f\xb0 ب", NULL);
    MZ_CHECK_MSG(a && b && memcmp(a, b, (size_t)W * H * 4) != 0,
                 "two CJK characters drew the same");
    free(a);
    free(b);
    /* Latin set in DejaVu: as wide as alone (Noto's Latin is wider). */
    int left, right, l2, r2;
    Uint8 *px = draw(o, "Gull Rock lighthouse", NULL);
    ink(px, mz_overlay_band_top(o), &left, &right);
    free(px);
    px = draw(o, "Gull Rock lighthouse \xe7\x81\xaf\xe5\x8f\xb0", NULL);
    int top = mz_overlay_band_top(o);
    free(px);
    px = draw(o, "Gull Rock lighthouse \xe7\x81\xaf\xe5\x8f\xb0", NULL);
    ink(px, top, &l2, &r2);
    MZ_CHECK_MSG(l2 == left && r2 > right + 20, "Latin %d..%d alone, %d..%d with CJK", left, right,
                 l2, r2);
    free(px);
    /* A long one wraps, between CJK characters too: more lines, all drawn. */
    px = draw(
        o,
        "灯台は暗い。嵐が近づいている。小さな船が港へ急いでいる。灯台は暗い。嵐が近づいている。"
        "小さな船が港へ急いでいる。灯台は暗い。 Gull Rock.",
        NULL);
    int two = mz_overlay_band_top(o);
    ink(px, two, &l2, &r2);
    MZ_CHECK_MSG(two < top - 20 && r2 < W - 20, "band top %d (one line: %d), ink to %d", two, top,
                 r2);
    free(px);
    /* An Arabic caption with Latin and CJK in it: set from the right. */
    px = draw(o, "المنارة Gull Rock \xe7\x81\xaf\xe5\x8f\xb0 مظلمة", NULL);
    ink(px, mz_overlay_band_top(o), &left, &right);
    MZ_CHECK_MSG(right > W * 7 / 8 && left > W / 4, "set at the right: %d..%d", left, right);
    free(px);
    free(draw(o,
              "The keeper says \xe7\x81\xaf\xe5\x8f\xb0\xe3\x81\xaf\xe6\x9a\x97\xe3\x81"
              "\x84 (the lighthouse is dark), and the captain answers: المنارة مظلمة.",
              "mixed"));
    mz_overlay_destroy(o);
}

int main(void)
{
    MZ_RUN(test_mixed_scripts);
    MZ_RUN(test_cjk);
    MZ_RUN(test_right_to_left);
    return mz_test_finish();
}
