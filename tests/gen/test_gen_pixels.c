/* The procedural generator's real pixels, on lavapipe with validation on:
 * prompts change the picture the way the words say, seeds reproduce, a new
 * scene continues from the last frame, and a few reference images hold.
 * MZ_UPDATE_GOLDEN=1 rewrites the reference images (look at them first). */
#include "mz_error.h"
#include "mz_gen.h"
#include "mz_gpu.h"
#include "mz_record.h"
#include "mz_test.h"

#include <math.h>
#include <stdlib.h>
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

static uint8_t *render_neg(const char *prompt, const char *negative, uint64_t seed, uint32_t at)
{
    mz_gen_desc d = {.gpu = gpu};
    mz_gen *g = mz_gen_open(&d);
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    if (!g) return calloc(1, BYTES);
    mz_scene_request r = {
        .id = 1, .prompt = prompt, .negative = negative, .seed = seed, .width = W, .height = H};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
    uint8_t *out = calloc(1, BYTES);
    mz_frame f;
    for (uint32_t i = 0; i <= at; i++) {
        bool got = mz_gen_wait(g, &f, 20000);
        MZ_CHECK_MSG(got, "frame %u of \"%s\"", i, prompt);
        if (!got) break;
        MZ_CHECK(f.index == i && f.width == W && f.height == H);
        if (i == at) memcpy(out, f.rgba, BYTES);
    }
    mz_gen_close(g);
    return out;
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

static double mean_abs_diff(const uint8_t *a, const uint8_t *b)
{
    double s = 0;
    for (int i = 0; i < BYTES; i++)
        if (i % 4 != 3) s += abs((int)a[i] - (int)b[i]);
    return s / (W * H * 3);
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

int main(void)
{
    mz_gpu_desc d = {.validation = true};
    gpu = mz_gpu_create(&d);
    if (!gpu) {
        fprintf(stderr, "no Vulkan device: %s\n", mz_error());
        return 1;
    }
    MZ_RUN(night_is_darker_than_noon);
    MZ_RUN(snow_is_whiter_than_desert);
    MZ_RUN(red_sunset_is_redder_than_blue_morning);
    MZ_RUN(the_negative_prompt_removes_things);
    MZ_RUN(the_same_seed_gives_the_same_frames);
    MZ_RUN(frames_move);
    MZ_RUN(frames_report_their_camera);
    MZ_RUN(unknown_words_still_render);
    MZ_RUN(a_new_scene_continues_from_the_last_frame);
    MZ_RUN(a_room_is_not_a_cave);
    MZ_RUN(a_fire_warms_the_room_near_it);
    MZ_RUN(a_reference_of_another_size_fails);
    MZ_RUN(reference_images_hold);
    uint32_t errors = mz_gpu_validation_errors(gpu);
    MZ_CHECK_MSG(errors == 0, "%u validation errors", errors);
    mz_gpu_destroy(gpu);
    return mz_test_finish();
}
