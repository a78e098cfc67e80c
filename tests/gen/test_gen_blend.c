/* Blended prompts and stepped transitions in the procedural generator's
 * real pixels (issue 16, docs/protocol.md "Blended prompts"): a 50/50 blend
 * of two prompts lies between them on a measured feature, a transition of
 * N steps arrives at frame N and not before, the same request gives the
 * same pixels, and bad requests are refused with a message. */
#include "mz_error.h"
#include "mz_gen.h"
#include "mz_gpu.h"
#include "mz_scene_interp.h"
#include "mz_test.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define W 128
#define H 72
#define BYTES ((size_t)W * H * 4)

static mz_gpu *gpu;

static mz_gen *open_gen(void)
{
    mz_gen *g = mz_gen_open(&(mz_gen_desc){.gpu = gpu});
    MZ_CHECK_MSG(g != NULL, "%s", mz_error());
    return g;
}

/* Frames 0..n-1 of *r on g, each copied into out[i] (n * BYTES). */
static bool frames(mz_gen *g, const mz_scene_request *r, const mz_frame *cond, uint8_t *out, int n)
{
    if (!g || !mz_gen_submit(g, r, cond, cond ? 1 : 0)) return false;
    for (int i = 0; i < n; i++) {
        mz_frame f;
        if (!mz_gen_wait(g, &f, 30000) || f.scene_id != r->id || f.index != (uint32_t)i) {
            MZ_CHECK_MSG(false, "scene %llu: frame %d did not come", (unsigned long long)r->id, i);
            return false;
        }
        memcpy(out + (size_t)i * BYTES, f.rgba, BYTES);
    }
    return true;
}

/* Frame `at` of a fresh generator's scene r. Caller frees. */
static uint8_t *frame_of(const mz_scene_request *r, int at)
{
    mz_gen *g = open_gen();
    uint8_t *all = calloc((size_t)at + 1, BYTES), *out = calloc(1, BYTES);
    if (frames(g, r, NULL, all, at + 1)) memcpy(out, all + (size_t)at * BYTES, BYTES);
    free(all);
    mz_gen_close(g);
    return out;
}

static double mean_channel(const uint8_t *px, int c)
{
    double s = 0;
    for (size_t i = 0; i < (size_t)W * H; i++)
        s += px[i * 4 + c];
    return s / (W * H);
}

/* Red over blue: the feature the two prompts below differ in. */
static double redness(const uint8_t *px)
{
    return mean_channel(px, 0) - mean_channel(px, 2);
}

static double mean_abs_diff(const uint8_t *a, const uint8_t *b)
{
    double s = 0;
    for (size_t i = 0; i < BYTES; i++)
        if (i % 4 != 3) s += abs(a[i] - b[i]);
    return s / (W * H * 3.0);
}

static mz_scene_request request(uint64_t id, const char *prompt)
{
    return (mz_scene_request){.id = id, .prompt = prompt, .seed = 11, .width = W, .height = H};
}

#define RED "a red plain at noon, still"
#define BLUE "a blue plain at noon, still"

static void a_half_blend_lies_between_its_prompts(void)
{
    mz_scene_request red = request(1, RED), blue = request(1, BLUE);
    mz_scene_prompt both[] = {{RED, 0.5f}, {BLUE, 0.5f}};
    mz_scene_request half = request(1, RED);
    half.prompts = both;
    half.prompt_count = 2;
    uint8_t *a = frame_of(&red, 2), *b = frame_of(&blue, 2), *m = frame_of(&half, 2);
    double ra = redness(a), rb = redness(b), rm = redness(m);
    printf("  redness: red %.1f, blend %.1f, blue %.1f; blend differs from red by %.1f, "
           "from blue by %.1f\n",
           ra, rm, rb, mean_abs_diff(m, a), mean_abs_diff(m, b));
    MZ_CHECK_MSG(ra > rb + 30, "the two prompts differ little: %.1f vs %.1f", ra, rb);
    /* Between them, well away from either end. */
    MZ_CHECK_MSG(rm > rb + 0.25 * (ra - rb) && rm < ra - 0.25 * (ra - rb),
                 "blend %.1f not between %.1f and %.1f", rm, rb, ra);
    MZ_CHECK(mean_abs_diff(m, a) > 5 && mean_abs_diff(m, b) > 5);

    /* Weights lean the blend: 0.8 red is redder than 0.5. */
    mz_scene_prompt leaning[] = {{RED, 4}, {BLUE, 1}}; /* normalised: 0.8, 0.2 */
    half.prompts = leaning;
    uint8_t *l = frame_of(&half, 2);
    MZ_CHECK_MSG(redness(l) > rm + 5 && redness(l) < ra + 1, "0.8 red: %.1f", redness(l));
    free(a), free(b), free(m), free(l);
}

static void the_same_request_gives_the_same_pixels(void)
{
    mz_scene_prompt both[] = {{"a misty harbour at dusk", 0.7f}, {"a storm", 0.3f}};
    mz_scene_request r = request(1, "a misty harbour at dusk");
    r.prompts = both;
    r.prompt_count = 2;
    r.transition_steps = 4;
    r.transition_method = MZ_TRANSITION_SLERP;
    uint8_t *a = frame_of(&r, 3), *b = frame_of(&r, 3);
    MZ_CHECK(!memcmp(a, b, BYTES));
    free(a), free(b);
}

enum { STEPS = 6, AFTER = 4 };

/* Redness of frames 0..STEPS+AFTER-1 of a change from the red plain to the
 * blue one taking STEPS frames by `method`, on a generator that has shown
 * the red one. (Redness, not brightness: it follows the parameters
 * linearly, as the blend above shows; the sky's light does not follow the
 * hour.) */
static void red_to_blue(mz_transition_method method, double *out)
{
    mz_gen *g = open_gen();
    uint8_t *px = calloc(STEPS + AFTER, BYTES), *cond = malloc(BYTES);
    mz_scene_request red = request(1, RED);
    bool ok = frames(g, &red, NULL, px, 3);
    memcpy(cond, px + 2 * BYTES, BYTES);
    mz_frame last = {.scene_id = 1, .index = 2, .width = W, .height = H, .rgba = cond};
    mz_scene_request blue = request(2, BLUE);
    blue.transition_steps = STEPS;
    blue.transition_method = method;
    ok = ok && frames(g, &blue, &last, px, STEPS + AFTER);
    for (int i = 0; i < STEPS + AFTER; i++)
        out[i] = ok ? redness(px + (size_t)i * BYTES) : 0;
    free(cond);
    free(px);
    mz_gen_close(g);
}

static void a_transition_of_n_steps_arrives_at_frame_n(void)
{
    double lin[STEPS + AFTER], sl[STEPS + AFTER];
    red_to_blue(MZ_TRANSITION_LINEAR, lin);
    red_to_blue(MZ_TRANSITION_SLERP, sl);
    printf("  redness by frame (linear / slerp):");
    for (int i = 0; i < STEPS + AFTER; i++)
        printf(" %.1f/%.1f", lin[i], sl[i]);
    printf("\n");
    double span = lin[0] - lin[STEPS - 1];
    MZ_CHECK_MSG(span > 30, "red to blue changed redness by only %.1f", span);
    for (int i = 1; i < STEPS; i++)
        MZ_CHECK_MSG(lin[i] < lin[i - 1] - 0.05 * span,
                     "frame %d (%.1f) is no bluer than %d (%.1f)", i, lin[i], i - 1, lin[i - 1]);
    /* Frame N (index N-1) is the target: nothing after it moves on. */
    for (int i = STEPS; i < STEPS + AFTER; i++)
        MZ_CHECK_MSG(fabs(lin[i] - lin[STEPS - 1]) < 0.02 * span,
                     "frame %d (%.1f) still changing after frame %d (%.1f)", i, lin[i], STEPS - 1,
                     lin[STEPS - 1]);
    MZ_CHECK(fabs(sl[STEPS - 1] - lin[STEPS - 1]) < 0.02 * span);
    /* Step N-1 is 5/6 of the way for linear and 0.79 for slerp (whose
     * weights move fast at the ends and slowly in the middle); the old
     * image has dissolved by then, so the parameters alone show. */
    MZ_CHECK_MSG(sl[STEPS - 2] > lin[STEPS - 2] + 0.015 * span, "step %d: slerp %.1f, linear %.1f",
                 STEPS - 1, sl[STEPS - 2], lin[STEPS - 2]);
}

/* Subjects come from the heaviest prompt, and from others with at least
 * MZ_SCENE_SUBJECT_WEIGHT of the weight. */
static void subjects_follow_the_weights(void)
{
    mz_scene_params p[2];
    MZ_CHECK(mz_scene_interpret(NULL, "a dog by the fire", NULL, &p[0], NULL));
    MZ_CHECK(mz_scene_interpret(NULL, "a cat on the left", NULL, &p[1], NULL));
    mz_scene_params light = mz_scene_params_blend(p, (float[]){0.2f, 0.8f}, 2);
    MZ_CHECK(light.subject_count == 1 && light.subject[0].kind == MZ_SUBJECT_CAT);
    mz_scene_params even = mz_scene_params_blend(p, (float[]){0.5f, 0.5f}, 2);
    MZ_CHECK(even.subject_count == 2 && even.subject[0].kind == MZ_SUBJECT_DOG &&
             even.subject[1].kind == MZ_SUBJECT_CAT);
    /* Settings: the two heaviest are drawn, the second at its share. */
    MZ_CHECK(mz_scene_interpret(NULL, "the sea", NULL, &p[0], NULL));
    MZ_CHECK(mz_scene_interpret(NULL, "a forest", NULL, &p[1], NULL));
    mz_scene_params s = mz_scene_params_blend(p, (float[]){0.7f, 0.3f}, 2);
    MZ_CHECK(s.setting == MZ_SETTING_SEA && s.setting2 == MZ_SETTING_FOREST);
    MZ_CHECK(fabsf(s.setting2_weight - 0.3f) < 1e-5f);
}

static void bad_requests_are_refused(void)
{
    mz_gen *g = open_gen();
    if (!g) return;
    mz_scene_prompt nine[9];
    for (int i = 0; i < 9; i++)
        nine[i] = (mz_scene_prompt){"a plain", 1};
    mz_scene_request r = request(1, "a plain");
    r.prompts = nine;
    r.prompt_count = 9;
    MZ_CHECK(!mz_gen_submit(g, &r, NULL, 0));
    MZ_CHECK_HAS(mz_error(), "9 prompts; at most 8");
    r.prompt_count = 2;
    nine[1].weight = -1;
    MZ_CHECK(!mz_gen_submit(g, &r, NULL, 0));
    MZ_CHECK_HAS(mz_error(), "prompt 2 has weight -1");
    nine[1].weight = NAN;
    MZ_CHECK(!mz_gen_submit(g, &r, NULL, 0));
    nine[0].weight = nine[1].weight = 0;
    MZ_CHECK(!mz_gen_submit(g, &r, NULL, 0));
    MZ_CHECK_HAS(mz_error(), "sum to 0");
    nine[0].weight = 1;
    r.transition_steps = MZ_GEN_MAX_TRANSITION_STEPS + 1;
    MZ_CHECK(!mz_gen_submit(g, &r, NULL, 0));
    MZ_CHECK_HAS(mz_error(), "601 steps");
    r.transition_steps = MZ_GEN_MAX_TRANSITION_STEPS;
    MZ_CHECK_MSG(mz_gen_submit(g, &r, NULL, 0), "%s", mz_error());
    mz_transition_method m;
    MZ_CHECK(mz_transition_method_parse("slerp", &m) && m == MZ_TRANSITION_SLERP);
    MZ_CHECK(!mz_transition_method_parse("cubic", &m));
    MZ_CHECK_HAS(mz_error(), "\"linear\" or \"slerp\"");
    mz_gen_close(g);
}

int main(void)
{
    gpu = mz_gpu_create(&(mz_gpu_desc){.validation = true});
    if (!gpu) {
        fprintf(stderr, "no Vulkan device: %s\n", mz_error());
        return 1;
    }
    MZ_RUN(subjects_follow_the_weights);
    MZ_RUN(bad_requests_are_refused);
    MZ_RUN(a_half_blend_lies_between_its_prompts);
    MZ_RUN(the_same_request_gives_the_same_pixels);
    MZ_RUN(a_transition_of_n_steps_arrives_at_frame_n);
    uint32_t errors = mz_gpu_validation_errors(gpu);
    MZ_CHECK_MSG(errors == 0, "%u validation errors", errors);
    mz_gpu_destroy(gpu);
    return mz_test_finish();
}
