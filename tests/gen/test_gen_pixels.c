/* The procedural generator's real pixels, on lavapipe with validation on:
 * prompts change the picture the way the words say, seeds reproduce, a new
 * scene continues from the last frame, and a few reference images hold.
 * MZ_UPDATE_GOLDEN=1 rewrites the reference images (look at them first). */
#include "mz_error.h"
#include "mz_gen.h"
#include "mz_gpu.h"
#include "mz_record.h"
#include "mz_test.h"
#include "mz_time.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define W 160
#define H 90
#define BYTES (W * H * 4)

static mz_gpu *gpu;

static uint8_t *render_neg(const char *prompt, const char *negative, uint64_t seed, uint32_t at);

/* Frame `at` of a fresh generator rendering `prompt`. Caller frees. */
static uint8_t *render(const char *prompt, uint64_t seed, uint32_t at)
{
    return render_neg(prompt, NULL, seed, at);
}

/* Frame `at` of a fresh generator rendering `prompt` at w x h. Caller frees. */
static uint8_t *render_at(const char *prompt, const char *negative, uint64_t seed, uint32_t at,
                          int w, int h)
{
    size_t bytes = (size_t)w * h * 4;
    mz_gen_desc d = {.gpu = gpu};
    mz_gen *g = mz_gen_open(&d);
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    if (!g) return calloc(1, bytes);
    mz_scene_request r = {
        .id = 1, .prompt = prompt, .negative = negative, .seed = seed, .width = w, .height = h};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
    uint8_t *out = calloc(1, bytes);
    mz_frame f;
    for (uint32_t i = 0; i <= at; i++) {
        bool got = mz_gen_wait(g, &f, 20000);
        MZ_CHECK_MSG(got, "frame %u of \"%s\"", i, prompt);
        if (!got) break;
        MZ_CHECK(f.index == i && f.width == (uint32_t)w && f.height == (uint32_t)h);
        if (i == at) memcpy(out, f.rgba, bytes);
    }
    mz_gen_close(g);
    return out;
}

static uint8_t *render_neg(const char *prompt, const char *negative, uint64_t seed, uint32_t at)
{
    return render_at(prompt, negative, seed, at, W, H);
}

static double mean_channel(const uint8_t *px, int c)
{
    double s = 0;
    for (int i = 0; i < W * H; i++)
        s += px[i * 4 + c];
    return s / (W * H);
}

static double luma(const uint8_t *px)
{
    return 0.2126 * mean_channel(px, 0) + 0.7152 * mean_channel(px, 1) +
           0.0722 * mean_channel(px, 2);
}

/* Mean of each pixel's smallest channel: high only where bright and grey. */
static double whiteness(const uint8_t *px)
{
    double s = 0;
    for (int i = 0; i < W * H; i++) {
        int m = px[i * 4] < px[i * 4 + 1] ? px[i * 4] : px[i * 4 + 1];
        s += m < px[i * 4 + 2] ? m : px[i * 4 + 2];
    }
    return s / (W * H);
}

static double mean_abs_diff_n(const uint8_t *a, const uint8_t *b, int pixels)
{
    double s = 0;
    for (int i = 0; i < pixels * 4; i++)
        if (i % 4 != 3) s += abs(a[i] - b[i]);
    return s / (pixels * 3.0);
}

static double mean_abs_diff(const uint8_t *a, const uint8_t *b)
{
    return mean_abs_diff_n(a, b, W * H);
}

static double luma_at(const uint8_t *px, int x, int y)
{
    const uint8_t *q = px + (y * W + x) * 4;
    return 0.2126 * q[0] + 0.7152 * q[1] + 0.0722 * q[2];
}

/* Straight vertical edges: the most rows in which one column holds a sharp
 * step of luma (sharper than the steps beside it), as a share of the
 * height. Window frames and walls' corners stack theirs in one column; the
 * ragged, soft edge of rock wanders across columns. */
static double straight_vertical_edge(const uint8_t *px)
{
    int best = 0;
    for (int x = 1; x + 2 < W; x++) {
        int n = 0;
        for (int y = 0; y < H; y++) {
            double d = fabs(luma_at(px, x + 1, y) - luma_at(px, x, y));
            n += d > 20.0 && d > fabs(luma_at(px, x, y) - luma_at(px, x - 1, y)) &&
                 d >= fabs(luma_at(px, x + 2, y) - luma_at(px, x + 1, y));
        }
        if (n > best) best = n;
    }
    return (double)best / H;
}

/* Share of the picture brighter than `level` (0..255 luma). */
static double bright_share(const uint8_t *px, double level)
{
    int n = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            n += luma_at(px, x, y) > level;
    return (double)n / (W * H);
}

/* Mean red minus blue over columns [x0, x1): how warm that part is. */
static double warmth(const uint8_t *px, int x0, int x1)
{
    double s = 0;
    for (int y = 0; y < H; y++)
        for (int x = x0; x < x1; x++)
            s += px[(y * W + x) * 4] - px[(y * W + x) * 4 + 2];
    return s / ((x1 - x0) * H);
}

/* Interiors: a room is built (straight walls, a window onto a bright sky
 * that fills only a small part of the view), a cave is rock around a wide
 * opening. */
static void a_room_is_not_a_cave(void)
{
    uint8_t *room = render("a small room on a sunny afternoon", 3, 12);
    uint8_t *cave = render("a cave on a sunny afternoon", 3, 12);
    double room_edge = straight_vertical_edge(room), cave_edge = straight_vertical_edge(cave);
    double room_sky = bright_share(room, 100), cave_sky = bright_share(cave, 100);
    MZ_CHECK_MSG(room_edge > 0.22 && cave_edge < 0.18, "vertical edges: room %.2f, cave %.2f",
                 room_edge, cave_edge);
    MZ_CHECK_MSG(room_sky > 0.01 && room_sky < 0.12 && cave_sky > 0.15,
                 "bright share: room %.3f, cave %.3f", room_sky, cave_sky);
    free(room);
    free(cave);
}

/* A fire in the hearth warms and lights its side of the room. */
static void a_fire_warms_the_room_near_it(void)
{
    uint8_t *cold = render("a room at night", 5, 12);
    uint8_t *lit = render("a room at night, a fire in the hearth", 5, 12);
    double left = warmth(lit, 0, W / 3), right = warmth(lit, W - W / 3, W);
    int x0 = left > right ? 0 : W - W / 3; /* the hearth's side */
    double near_luma = 0, far_luma = 0;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W / 3; x++) {
            near_luma += luma_at(lit, x0 + x, y);
            far_luma += luma_at(lit, W - W / 3 - x0 + x, y);
        }
    MZ_CHECK_MSG(fabs(left - right) > 8.0, "warmth left %.1f right %.1f", left, right);
    MZ_CHECK_MSG(near_luma > 1.3 * far_luma, "luma near the fire %.0f, away %.0f", near_luma,
                 far_luma);
    MZ_CHECK_MSG(warmth(lit, x0, x0 + W / 3) > warmth(cold, x0, x0 + W / 3) + 10.0,
                 "the fire's side: %.1f with it, %.1f without",
                 warmth(lit, x0, x0 + W / 3), warmth(cold, x0, x0 + W / 3));
    free(cold);
    free(lit);
}

static void night_is_darker_than_noon(void)
{
    uint8_t *night = render("open fields at night", 1, 3);
    uint8_t *noon = render("open fields at noon", 1, 3);
    MZ_CHECK_MSG(luma(night) * 2 < luma(noon), "night %.1f, noon %.1f", luma(night), luma(noon));
    free(night);
    free(noon);
}

static void snow_is_whiter_than_desert(void)
{
    uint8_t *snow = render("a snowfield", 1, 3);
    uint8_t *desert = render("a desert", 1, 3);
    MZ_CHECK_MSG(whiteness(snow) > whiteness(desert) + 20, "snow %.1f, desert %.1f",
                 whiteness(snow), whiteness(desert));
    free(snow);
    free(desert);
}

static void red_sunset_is_redder_than_blue_morning(void)
{
    uint8_t *red = render("a red sunset over the hills", 1, 3);
    uint8_t *blue = render("a blue morning over the hills", 1, 3);
    double r = mean_channel(red, 0) - mean_channel(red, 2);
    double b = mean_channel(blue, 0) - mean_channel(blue, 2);
    MZ_CHECK_MSG(r > b + 20, "red-blue: sunset %.1f, morning %.1f", r, b);
    free(red);
    free(blue);
}

/* The negative prompt takes things out: "rain" there clears the rain. */
static void the_negative_prompt_removes_things(void)
{
    uint8_t *wet = render("heavy rain over green hills", 1, 3);
    uint8_t *dry = render_neg("heavy rain over green hills", "rain, fog", 1, 3);
    MZ_CHECK_MSG(luma(dry) > luma(wet) + 5, "with rain %.1f, without %.1f", luma(wet), luma(dry));
    free(wet);
    free(dry);
}

static void the_same_seed_gives_the_same_frames(void)
{
    const char *p = "a lighthouse on the shore at dusk, birds";
    uint8_t *a = render(p, 42, 4), *b = render(p, 42, 4), *c = render(p, 43, 4);
    MZ_CHECK(memcmp(a, b, BYTES) == 0);
    MZ_CHECK_MSG(mean_abs_diff(a, c) > 1.0, "seeds 42 and 43 differ by %.2f", mean_abs_diff(a, c));
    free(a);
    free(b);
    free(c);
}

static void frames_move(void)
{
    uint8_t *f0 = render("a windy sea under clouds", 1, 0);
    uint8_t *f10 = render("a windy sea under clouds", 1, 10);
    MZ_CHECK_MSG(mean_abs_diff(f0, f10) > 0.5, "frame 0 vs 10: %.2f", mean_abs_diff(f0, f10));
    free(f0);
    free(f10);
}

/* The camera pose each frame reports, over `n` frames of `prompt`. */
static void camera_path(const char *prompt, int n, float *yaw, float *z)
{
    mz_gen *g = mz_gen_open(&(mz_gen_desc){.gpu = gpu});
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    if (!g) return;
    mz_scene_request r = {.id = 1, .prompt = prompt, .seed = 1, .width = W, .height = H};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
    mz_frame f;
    for (int i = 0; i < n && mz_gen_wait(g, &f, 20000); i++) {
        yaw[i] = f.camera_yaw;
        z[i] = f.camera_z;
    }
    mz_gen_close(g);
}

/* Frames say where their camera stands, so sound can follow it: a pan
 * turns, a dolly moves forward, a still camera stays. */
static void frames_report_their_camera(void)
{
    enum { N = 40 };
    float yaw[N] = {0}, z[N] = {0};
    camera_path("the sea, pan right", N, yaw, z);
    MZ_CHECK_MSG(yaw[N - 1] > yaw[1] + 0.01f, "pan: yaw %.4f -> %.4f", (double)yaw[1],
                 (double)yaw[N - 1]);
    camera_path("the sea, dolly forward", N, yaw, z);
    MZ_CHECK_MSG(z[N - 1] > z[1], "dolly: z %.3f -> %.3f", (double)z[1], (double)z[N - 1]);
    camera_path("the sea, still camera", N, yaw, z);
    MZ_CHECK_MSG(fabsf(yaw[N - 1] - yaw[1]) < 1e-3f && fabsf(z[N - 1] - z[1]) < 1e-3f,
                 "still: yaw %.4f -> %.4f, z %.3f -> %.3f", (double)yaw[1], (double)yaw[N - 1],
                 (double)z[1], (double)z[N - 1]);
}

static void unknown_words_still_render(void)
{
    uint8_t *px = render("zxqv blorptangle wibble", 1, 2);
    double l = luma(px);
    MZ_CHECK_MSG(l > 30 && l < 240, "luma %.1f", l);
    /* Not a flat colour: a place has a sky and a ground. */
    double top = 0, bottom = 0;
    for (int x = 0; x < W; x++) {
        top += px[(5 * W + x) * 4 + 2];
        bottom += px[((H - 5) * W + x) * 4 + 2];
    }
    MZ_CHECK(fabs(top - bottom) / W > 10);
    free(px);
}

/* A scene change continues from the last frame shown: its first frames are
 * close to that frame, frames well into it are not. */
static void a_new_scene_continues_from_the_last_frame(void)
{
    mz_gen_desc d = {.gpu = gpu};
    mz_gen *g = mz_gen_open(&d);
    MZ_CHECK(g != NULL);
    if (!g) return;
    mz_scene_request r = {.id = 1,
                          .prompt = "a green forest at noon",
                          .seed = 5,
                          .width = W,
                          .height = H,
                          .transition_s = 1.0f,
                          .fps = 30};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
    mz_frame f;
    for (int i = 0; i < 10; i++)
        MZ_CHECK(mz_gen_wait(g, &f, 20000));
    uint8_t *last = malloc(BYTES);
    memcpy(last, f.rgba, BYTES);
    r.id = 2;
    r.prompt = "a city at night";
    MZ_CHECK(mz_gen_submit(g, &r, &f, 1));
    double diff[60] = {0};
    bool transitional[60] = {0};
    for (int i = 0; i < 60; i++) {
        if (!mz_gen_wait(g, &f, 20000)) {
            MZ_CHECK_MSG(false, "frame %d of the new scene", i);
            break;
        }
        MZ_CHECK(f.scene_id == 2 && f.index == (uint32_t)i);
        diff[i] = mean_abs_diff(last, f.rgba);
        transitional[i] = f.transitional;
    }
    /* Frame 0 is drawn for the new scene (the dissolve's first step), not
     * the last frame handed back: close to it, yet not it. */
    MZ_CHECK_MSG(diff[0] > 0 && diff[0] < 1.0, "first frame differs by %.3f", diff[0]);
    MZ_CHECK_MSG(diff[1] < 4.0, "second frame differs by %.2f", diff[1]);
    MZ_CHECK_MSG(diff[0] < diff[10] && diff[10] < diff[59], "dissolve: %.2f, %.2f, %.2f", diff[0],
                 diff[10], diff[59]);
    MZ_CHECK_MSG(diff[59] > 25.0, "two seconds in, still only %.2f from the old scene", diff[59]);
    MZ_CHECK(transitional[0] && !transitional[59]);
    mz_gen_close(g);
    free(last);
}

/* Frame `at` of a second scene that continues from frame 5 of a first,
 * the generator having drawn `ahead` frames past frame 5 by then (it runs
 * ahead of the consumer into its ring). Drawn at half size, so the resolve
 * pass's jitter and reprojection carry over too. Caller frees. */
static uint8_t *second_scene(int ring, uint64_t ahead, uint32_t at)
{
    mz_gen_desc d = {.gpu = gpu, .ring_frames = ring, .scale = 0.5f};
    mz_gen *g = mz_gen_open(&d);
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    uint8_t *out = calloc(1, BYTES);
    if (!g) return out;
    mz_scene_request r = {
        .id = 1, .prompt = "a green forest at noon, fast drifting camera", .seed = 5,
        .width = W, .height = H};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
    mz_frame f;
    for (int i = 0; i <= 5; i++)
        MZ_CHECK(mz_gen_wait(g, &f, 20000));
    mz_gen_stats st;
    for (int tries = 0; tries < 2000; tries++) { /* up to 20 s on a loaded machine */
        mz_gen_stats_get(g, &st);
        if (st.frames >= 6 + ahead) break;
        mz_time_sleep_ms(10);
    }
    MZ_CHECK_MSG(st.frames >= 6 + ahead, "%llu frames drawn", (unsigned long long)st.frames);
    r.id = 2;
    r.prompt = "a city at night";
    MZ_CHECK(mz_gen_submit(g, &r, &f, 1));
    for (uint32_t i = 0; i <= at; i++) {
        bool got = mz_gen_wait(g, &f, 20000);
        MZ_CHECK_MSG(got, "frame %u of the second scene", i);
        if (!got) break;
        if (i == at) memcpy(out, f.rgba, BYTES);
    }
    mz_gen_close(g);
    return out;
}

/* A new scene continues from the frame it is given (the one on screen),
 * not from the newest frame drawn: the same requests give the same pixels
 * however far the generator had run ahead of the consumer (which depends
 * on the machine's load), so a recording replays exactly. */
static void a_new_scene_continues_from_the_frame_given(void)
{
    uint8_t *close = second_scene(1, 0, 20), *far = second_scene(8, 8, 20);
    int differ = 0;
    for (size_t i = 0; i < BYTES; i++)
        differ += close[i] != far[i];
    MZ_CHECK_MSG(differ == 0, "%d bytes differ with the generator 8 frames further ahead", differ);
    /* Not a scene that does not move: the camera is 8 frames on there. */
    uint8_t *later = second_scene(8, 8, 28);
    MZ_CHECK_MSG(mean_abs_diff(close, later) > 0.5, "8 frames later differs by %.3f",
                 mean_abs_diff(close, later));
    free(close);
    free(far);
    free(later);
}

/* How far a W x H frame is from the reference image at path. A reference
 * that cannot be read or has another size is a failure with a message,
 * never a comparison skipped: a test that stops comparing must not pass. */
static bool reference_diff(const char *path, const uint8_t *px, double *diff, char *why,
                           size_t cap)
{
    uint32_t w = 0, h = 0;
    uint8_t *ref = mz_record_png_read(path, &w, &h);
    bool ok = ref && w == W && h == H;
    if (!ref)
        snprintf(why, cap, "%s", mz_error());
    else if (!ok)
        snprintf(why, cap, "%s is %ux%u, the frames %dx%d (MZ_UPDATE_GOLDEN=1 remakes it)", path,
                 w, h, W, H);
    else
        *diff = mean_abs_diff(px, ref);
    free(ref);
    return ok;
}

static void a_reference_of_another_size_fails(void)
{
    char path[] = "/tmp/mz_golden_XXXXXX";
    int fd = mkstemp(path);
    MZ_CHECK(fd >= 0);
    if (fd < 0) return;
    close(fd);
    uint8_t *px = calloc(1, BYTES), small[32 * 18 * 4] = {0};
    MZ_CHECK(mz_record_png_write(path, small, 32, 18, NULL));
    double d = -1;
    char why[512] = "";
    MZ_CHECK(!reference_diff(path, px, &d, why, sizeof why));
    MZ_CHECK_HAS(why, "is 32x18, the frames 160x90");
    MZ_CHECK(d == -1);
    unlink(path);
    MZ_CHECK(!reference_diff(path, px, &d, why, sizeof why)); /* and one that is gone */
    free(px);
}

/* ---- subjects: the prompt's people, animals and things ---- */

#define SW 320
#define SH 180

/* Where a subject is: the pixels that differ between a frame with it and
 * the same frame without it, their bounding box and mean colour. */
typedef struct blob {
    int pixels;
    int x0, y0, x1, y1;
    double cx, r, g, b;
} blob;

static blob difference(const uint8_t *with, const uint8_t *without)
{
    blob o = {.x0 = SW, .y0 = SH, .x1 = -1, .y1 = -1};
    for (int y = 0; y < SH; y++)
        for (int x = 0; x < SW; x++) {
            const uint8_t *a = with + (y * SW + x) * 4, *b = without + (y * SW + x) * 4;
            if (abs(a[0] - b[0]) + abs(a[1] - b[1]) + abs(a[2] - b[2]) < 40) continue;
            o.pixels++;
            o.cx += x;
            o.r += a[0];
            o.g += a[1];
            o.b += a[2];
            o.x0 = x < o.x0 ? x : o.x0;
            o.x1 = x > o.x1 ? x : o.x1;
            o.y0 = y < o.y0 ? y : o.y0;
            o.y1 = y > o.y1 ? y : o.y1;
        }
    if (o.pixels) {
        o.cx /= o.pixels;
        o.r /= o.pixels;
        o.g /= o.pixels;
        o.b /= o.pixels;
    }
    return o;
}

/* A subject rendered into a scene: `scene` is a printf format with one %s
 * where the subject's words go. */
static blob subject_in(const char *scene, const char *subject)
{
    char with[1024], without[1024];
    snprintf(with, sizeof with, scene, subject);
    snprintf(without, sizeof without, scene, "");
    uint8_t *a = render_at(with, NULL, 3, 8, SW, SH), *b = render_at(without, NULL, 3, 8, SW, SH);
    blob o = difference(a, b);
    free(a);
    free(b);
    return o;
}

static double hue_of(const blob *o)
{
    double mx = fmax(o->r, fmax(o->g, o->b)), mn = fmin(o->r, fmin(o->g, o->b));
    if (mx - mn < 1e-6) return 0;
    double h = mx == o->r   ? fmod((o->g - o->b) / (mx - mn), 6.0)
               : mx == o->g ? (o->b - o->r) / (mx - mn) + 2.0
                            : (o->r - o->g) / (mx - mn) + 4.0;
    return h * 60.0 < 0 ? h * 60.0 + 360.0 : h * 60.0;
}

/* The lighthouse story's characters, as its prompts spell them out. */
#define KEEPER "an old keeper with a white beard and a yellow oilskin coat"
#define DOG "a shaggy grey sheepdog with one torn ear"

/* One character, one look: the keeper's yellow coat in the cottage (by the
 * fire, at night) and at the foot of the tower (in the storm), and the dog
 * drawn in both. */
static void the_keeper_and_the_dog_look_the_same_in_both_scenes(void)
{
    const char *cottage = "a cramped low room at night, fire in the hearth, %s, rain on the window";
    const char *tower = "a tall white lighthouse on the cliff, stormy sea at night, %s";
    blob k1 = subject_in(cottage, KEEPER " slumped in a chair with a bandaged leg");
    blob k2 = subject_in(tower, KEEPER " standing at the foot of the tower");
    double h1 = hue_of(&k1), h2 = hue_of(&k2);
    printf("  keeper: cottage %d px hue %.0f, tower %d px hue %.0f\n", k1.pixels, h1, k2.pixels, h2);
    MZ_CHECK_MSG(k1.pixels > 150 && k2.pixels > 60, "keeper drawn: %d and %d pixels", k1.pixels,
                 k2.pixels);
    MZ_CHECK_MSG(h1 > 35 && h1 < 75 && h2 > 35 && h2 < 75, "a yellow coat: hues %.0f, %.0f", h1, h2);
    MZ_CHECK_MSG(fabs(h1 - h2) < 15, "the coat's hue changes from %.0f to %.0f", h1, h2);
    blob d1 = subject_in(cottage, DOG " asleep by the fire");
    blob d2 = subject_in(tower, DOG);
    printf("  dog: cottage %d px, tower %d px\n", d1.pixels, d2.pixels);
    MZ_CHECK_MSG(d1.pixels > 60 && d2.pixels > 20, "dog drawn: %d and %d pixels", d1.pixels,
                 d2.pixels);
}

/* The keeper's size is his own: standing in two different outdoor scenes
 * (placed by the same seed), his figure is as tall in both. */
static void the_keeper_is_the_same_size_in_two_scenes(void)
{
    blob a = subject_in("the foot of a lighthouse at night in a storm, %s", KEEPER " standing");
    blob b = subject_in("green hills in the morning, %s", KEEPER " standing");
    int ha = a.y1 - a.y0 + 1, hb = b.y1 - b.y0 + 1, wa = a.x1 - a.x0 + 1, wb = b.x1 - b.x0 + 1;
    printf("  keeper standing: %dx%d px at night, %dx%d px in the morning\n", wa, ha, wb, hb);
    MZ_CHECK_MSG(a.pixels > 40 && b.pixels > 40, "drawn: %d, %d pixels", a.pixels, b.pixels);
    MZ_CHECK_MSG(abs(ha - hb) <= 2 && abs(wa - wb) <= 2, "%dx%d against %dx%d", wa, ha, wb, hb);
}

/* Position words place subjects: a dog on the left, a dog on the right. */
static void position_words_place_subjects(void)
{
    blob l = subject_in("a meadow at noon, %s", "a black dog on the left");
    blob r = subject_in("a meadow at noon, %s", "a black dog on the right");
    printf("  dog on the left at x %.0f, on the right at x %.0f (of %d)\n", l.cx, r.cx, SW);
    MZ_CHECK_MSG(l.pixels > 20 && r.pixels > 20, "drawn: %d, %d", l.pixels, r.pixels);
    MZ_CHECK_MSG(l.cx < SW * 0.4 && r.cx > SW * 0.6, "left at %.0f, right at %.0f", l.cx, r.cx);
}

/* ---- temporal upsampling: 640x360 is drawn one pixel in 3x2 on a CPU ---- */

#define TW 640
#define TH 360

/* The detail a frame holds beyond half its size: RMSE (0..255) against its
 * own copy averaged 2x2 and scaled back up (bilinear). */
static double detail_beyond_half(const uint8_t *px)
{
    double sum = 0;
    for (int y = 0; y < TH; y++)
        for (int x = 0; x < TW; x++) {
            /* Bilinear between the half-size pixels around (x, y). */
            double fx = fmin(fmax((x + 0.5) / 2 - 0.5, 0), TW / 2 - 1);
            double fy = fmin(fmax((y + 0.5) / 2 - 0.5, 0), TH / 2 - 1);
            int x0 = (int)fx, y0 = (int)fy, x1 = x0 + (x0 < TW / 2 - 1), y1 = y0 + (y0 < TH / 2 - 1);
            for (int c = 0; c < 3; c++) {
                double h[2][2];
                for (int j = 0; j < 2; j++)
                    for (int i = 0; i < 2; i++) {
                        int hx = i ? x1 : x0, hy = j ? y1 : y0;
                        h[j][i] = (px[((2 * hy) * TW + 2 * hx) * 4 + c] +
                                   px[((2 * hy) * TW + 2 * hx + 1) * 4 + c] +
                                   px[((2 * hy + 1) * TW + 2 * hx) * 4 + c] +
                                   px[((2 * hy + 1) * TW + 2 * hx + 1) * 4 + c]) /
                                  4.0;
                    }
                double tx = fx - x0, ty = fy - y0;
                double up = (h[0][0] * (1 - tx) + h[0][1] * tx) * (1 - ty) +
                            (h[1][0] * (1 - tx) + h[1][1] * tx) * ty;
                double d = px[(y * TW + x) * 4 + c] - up;
                sum += d * d;
            }
        }
    return sqrt(sum / (TW * TH * 3.0));
}

/* Frame `at` (640x360) of `a` from frame 0, then, when given, `b` from
 * frame `cut_at` on (a cut: a dissolve of one frame). Caller frees. */
static uint8_t *sequence(mz_gen_quality q, const char *a, const char *b, int cut_at, int at)
{
    mz_gen_desc d = {.gpu = gpu, .quality = q};
    mz_gen *g = mz_gen_open(&d);
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    uint8_t *out = calloc(1, (size_t)TW * TH * 4);
    if (!g) return out;
    mz_scene_request r = {.id = 1, .prompt = a, .seed = 5, .width = TW, .height = TH};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
    mz_frame f;
    for (int i = 0; i <= at; i++) {
        if (b && i == cut_at) {
            mz_scene_request next = r;
            next.id = 2;
            next.prompt = b;
            next.transition_s = 0.001f;
            MZ_CHECK(mz_gen_submit(g, &next, &f, 1));
        }
        bool got = mz_gen_wait(g, &f, 20000);
        MZ_CHECK_MSG(got, "frame %d", i);
        if (!got) break;
        if (i == at) memcpy(out, f.rgba, (size_t)TW * TH * 4);
    }
    mz_gen_close(g);
    return out;
}

/* Drawn at a sixth of the pixels (3x2 cells), a frame one second into a
 * scene holds most of the detail of one drawn in full: the samples of the
 * frames before are gathered, not just the newest scaled up. */
static void frames_drawn_smaller_gather_detail(void)
{
    const char *prompt = "a lighthouse on a rocky shore at dusk, a city far off, lit windows";
    uint8_t *a = sequence(MZ_GEN_QUALITY_AUTO, prompt, NULL, 0, 30);
    uint8_t *r = sequence(MZ_GEN_QUALITY_REFERENCE, prompt, NULL, 0, 30);
    double da = detail_beyond_half(a), dr = detail_beyond_half(r);
    printf("  detail beyond 320x180 at frame 30: %.2f auto, %.2f reference (%.0f %%)\n", da, dr,
           100 * da / dr);
    MZ_CHECK_MSG(da > 0.85 * dr, "auto %.2f against reference %.2f", da, dr);
    MZ_CHECK_MSG(mean_abs_diff_n(a, r, TW * TH) < 6, "auto and reference differ by %.2f",
                 mean_abs_diff_n(a, r, TW * TH));
    free(a);
    free(r);
}

/* With the camera still, every pixel is drawn once in each grid cycle
 * (640x360 on a CPU: 3x2 cells, 6 frames) and taken as drawn, and the
 * history is kept where nothing changed: two cycles into the scene the
 * frame is the full-size render's, bar what moves by itself (a drifting
 * cloud's edge). */
static void a_still_frame_converges_to_the_reference(void)
{
    const char *prompt = "green hills and a forest at noon, a still shot, windless";
    uint8_t *a = sequence(MZ_GEN_QUALITY_AUTO, prompt, NULL, 0, 12);
    uint8_t *r = sequence(MZ_GEN_QUALITY_REFERENCE, prompt, NULL, 0, 12);
    double diff = mean_abs_diff_n(a, r, TW * TH);
    int same = 0;
    for (int i = 0; i < TW * TH; i++)
        same += memcmp(a + i * 4, r + i * 4, 3) == 0;
    printf("  frame 12 of a still shot: %.3f from the reference, %.1f %% of pixels identical\n",
           diff, 100.0 * same / (TW * TH));
    MZ_CHECK_MSG(diff < 0.1 && same > TW * TH * 0.99, "%.3f from the reference, %d pixels identical",
                 diff, same);
    free(a);
    free(r);
}

/* After a cut nothing of the old scene lingers: the new scene's next
 * frames match the reference render of the same sequence. */
static void no_ghost_after_a_cut(void)
{
    const char *a = "a city at night, lit windows", *b = "snowy mountains at noon";
    uint8_t *old = sequence(MZ_GEN_QUALITY_REFERENCE, a, NULL, 0, 9);
    for (int at = 11; at <= 12; at++) {
        uint8_t *x = sequence(MZ_GEN_QUALITY_AUTO, a, b, 10, at);
        uint8_t *r = sequence(MZ_GEN_QUALITY_REFERENCE, a, b, 10, at);
        double to_ref = mean_abs_diff_n(x, r, TW * TH), to_old = mean_abs_diff_n(x, old, TW * TH);
        printf("  %d frame(s) after the cut: %.2f from the reference, %.2f from the old scene\n",
               at - 10, to_ref, to_old);
        MZ_CHECK_MSG(to_ref < 8 && to_old > 40, "frame %d: %.2f from the reference, %.2f from the old scene",
                     at, to_ref, to_old);
        free(x);
        free(r);
    }
    free(old);
}

/* Reference images: the look of a few prompts, within a tolerance (any
 * deliberate change of the shader means looking at and updating these). */
static void reference_images_hold(void)
{
    static const struct {
        const char *prompt, *file;
    } refs[] = {
        {"seashore at dusk with a lighthouse", "lighthouse_dusk.png"},
        {"a city at night", "city_night.png"},
        {"a cave with a fire", "cave_fire.png"},
        {"a low room at night, a fire in the hearth, a keeper in a chair", "room_fire.png"},
    };
    bool update = getenv("MZ_UPDATE_GOLDEN") && getenv("MZ_UPDATE_GOLDEN")[0] == '1';
    for (size_t i = 0; i < sizeof refs / sizeof refs[0]; i++) {
        uint8_t *px = render(refs[i].prompt, 1, 12);
        char path[512];
        snprintf(path, sizeof path, "tests/gen/golden/%s", refs[i].file);
        if (update) {
            MZ_CHECK_MSG(mz_record_png_write(path, px, W, H, NULL), "%s", mz_error());
        } else {
            double d = 0;
            char why[512];
            bool ok = reference_diff(path, px, &d, why, sizeof why);
            MZ_CHECK_MSG(ok, "%s", why);
            MZ_CHECK_MSG(d < 3.0, "%s differs from its reference by %.2f", refs[i].file, d);
        }
        free(px);
    }
}

/* The desc's scale sets the size drawn, on any device (it was read from
 * MZ_GEN_SCALE inside the engine before). */
static void the_desc_sets_the_drawn_size(void)
{
    mz_gen *g = mz_gen_open(&(mz_gen_desc){.gpu = gpu, .scale = 0.5f});
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    if (!g) return;
    mz_scene_request r = {.id = 1, .prompt = "open fields", .width = 320, .height = 180};
    mz_frame f;
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0) && mz_gen_wait(g, &f, 20000));
    MZ_CHECK_MSG(f.width == 320 && f.drawn_width == 160 && f.drawn_height == 90, "%ux%u drawn",
                 f.drawn_width, f.drawn_height);
    mz_gen_close(g);
}

/* Two halves, two ctest entries (test_gen_pixels, test_gen_subjects), so
 * each stays well inside its time limit on a slow machine: the argument
 * "subjects" runs the subjects and temporal upsampling checks. */
int main(int argc, char **argv)
{
    bool subjects = argc > 1 && strcmp(argv[1], "subjects") == 0;
    mz_gpu_desc d = {.validation = true};
    gpu = mz_gpu_create(&d);
    if (!gpu) {
        fprintf(stderr, "no Vulkan device: %s\n", mz_error());
        return 1;
    }
    if (subjects) {
        MZ_RUN(the_keeper_and_the_dog_look_the_same_in_both_scenes);
        MZ_RUN(the_keeper_is_the_same_size_in_two_scenes);
        MZ_RUN(position_words_place_subjects);
        MZ_RUN(frames_drawn_smaller_gather_detail);
        MZ_RUN(a_still_frame_converges_to_the_reference);
        MZ_RUN(no_ghost_after_a_cut);
    } else {
        MZ_RUN(night_is_darker_than_noon);
        MZ_RUN(snow_is_whiter_than_desert);
        MZ_RUN(red_sunset_is_redder_than_blue_morning);
        MZ_RUN(the_negative_prompt_removes_things);
        MZ_RUN(the_same_seed_gives_the_same_frames);
        MZ_RUN(frames_move);
        MZ_RUN(frames_report_their_camera);
        MZ_RUN(the_desc_sets_the_drawn_size);
        MZ_RUN(unknown_words_still_render);
        MZ_RUN(a_new_scene_continues_from_the_last_frame);
        MZ_RUN(a_new_scene_continues_from_the_frame_given);
        MZ_RUN(a_room_is_not_a_cave);
        MZ_RUN(a_fire_warms_the_room_near_it);
        MZ_RUN(a_reference_of_another_size_fails);
        MZ_RUN(reference_images_hold);
    }
    uint32_t errors = mz_gpu_validation_errors(gpu);
    MZ_CHECK_MSG(errors == 0, "%u validation errors", errors);
    mz_gpu_destroy(gpu);
    return mz_test_finish();
}
