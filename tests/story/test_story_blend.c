/* Weighted prompts and transitions in frames in a story (issue 16):
 * prompt = { {"text", weight}, ... } and transition_steps reach the turn,
 * composed like a prompt; bad ones are lint errors at their file:line; the
 * graph shows them. */
#include "mz_error.h"
#include "mz_story.h"
#include "mz_test.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#define FIX "tests/story/fixtures/"

static void turns_carry_the_blend(void)
{
    mz_story *s = mz_story_load(&(mz_story_desc){.path = FIX "blend", .seed = 1});
    MZ_CHECK_MSG(s != NULL, "%s", mz_error());
    if (!s) return;
    mz_story_turn t;
    MZ_CHECK(mz_story_begin(s, &t));
    MZ_CHECK(t.prompt_count == 2 && t.error == NULL);
    if (t.prompt_count != 2) goto done;
    /* Each composed like a prompt: the style, the {keeper} expanded. */
    MZ_CHECK_STR(t.prompts[0].text,
                 "oil painting, a misty harbour, an old keeper with a white beard");
    MZ_CHECK_STR(t.prompts[1].text, "oil painting, a storm");
    MZ_CHECK(fabsf(t.prompts[0].weight - 0.7f) < 1e-6f &&
             fabsf(t.prompts[1].weight - 0.3f) < 1e-6f);
    /* `prompt` is the heaviest, for what draws one prompt. */
    MZ_CHECK_STR(t.prompt, t.prompts[0].text);
    MZ_CHECK(t.transition_steps == 0 && t.transition_method == NULL);

    MZ_CHECK(mz_story_input(s, "wait", 4, &t));
    MZ_CHECK_STR(t.scene, "storm");
    MZ_CHECK(t.prompt_count == 2);
    /* Relative weights, normalised: 3 and 1 are 0.75 and 0.25. */
    MZ_CHECK(t.prompt_count == 2 && t.prompts[0].weight == 0.75f && t.prompts[1].weight == 0.25f);
    MZ_CHECK_STR(t.prompt, "oil painting, a storm at sea");
    MZ_CHECK(t.transition_steps == 8);
    MZ_CHECK_STR(t.transition_method, "slerp");
    /* Unmatched words become modifiers of every prompt of the blend. */
    MZ_CHECK(mz_story_input(s, "make it rain", 12, &t));
    MZ_CHECK(t.prompt_count == 2);
    if (t.prompt_count == 2)
        MZ_CHECK_STR(t.prompts[1].text, "oil painting, a lighthouse, make it rain");

    MZ_CHECK(mz_story_input(s, "shelter", 7, &t));
    MZ_CHECK_STR(t.scene, "hut");
    MZ_CHECK(t.prompt_count == 0 && t.prompts == NULL);
    MZ_CHECK(t.transition_steps == 4);
    MZ_CHECK_STR(t.transition_method, "linear");
done:
    mz_story_destroy(s);
}

static char problems[4096];
static int problem_count;
static void collect(const char *file, int line, const char *message, void *user)
{
    (void)user;
    problem_count++;
    size_t n = strlen(problems);
    snprintf(problems + n, sizeof problems - n, "%s:%d: %s\n", file, line, message);
}

static void lint_finds_bad_blends(void)
{
    problems[0] = '\0';
    problem_count = 0;
    MZ_CHECK(mz_story_lint(FIX "blend", collect, NULL) == 0);
    MZ_CHECK_MSG(problem_count == 0, "%s", problems);
    problems[0] = '\0';
    problem_count = 0;
    int n = mz_story_lint(FIX "blendbad", collect, NULL);
    printf("%s", problems);
#define AT FIX "blendbad/story.lua:"
    MZ_CHECK_HAS(problems, AT "5: scene 'a': prompt 1 has weight -1 (a number in 0..1e6)");
    MZ_CHECK_HAS(problems, AT "10: scene 'b': the prompt weights are all 0");
    MZ_CHECK_HAS(problems,
                 AT "11: scene 'b': 'transition_steps' must be a whole number of frames in 1..600");
    MZ_CHECK_HAS(problems, AT "16: scene 'c': prompt 1 must be {\"text\", weight}");
    MZ_CHECK_HAS(problems,
                 AT "17: scene 'c': 'transition_steps' must be a whole number of frames in 1..600");
    MZ_CHECK_HAS(
        problems,
        AT "18: scene 'c': 'transition_method' must be \"linear\" or \"slerp\", not \"cubic\"");
    MZ_CHECK_HAS(problems,
                 AT "23: scene 'd': 'prompt' as a list needs 1 to 8 {\"text\", weight} pairs");
    MZ_CHECK_HAS(problems,
                 AT "24: scene 'd': 'transition_steps' must be a whole number of frames in 1..600");
    MZ_CHECK_HAS(problems, AT "29: scene 'e': prompt 1 must be {\"text\", weight}");
#undef AT
    MZ_CHECK(n == problem_count && n >= 9);
    /* Play refuses the story with the first of them. */
    MZ_CHECK(mz_story_load(&(mz_story_desc){.path = FIX "blendbad"}) == NULL);
    MZ_CHECK_HAS(mz_error(), "blendbad/story.lua:5:");
}

static void the_graph_shows_the_blend(void)
{
    char path[] = "/tmp/mz_blend_graph_XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w+");
    MZ_CHECK(mz_story_graph_dot(FIX "blend", f));
    rewind(f);
    char dot[4096] = {0};
    fread(dot, 1, sizeof dot - 1, f);
    fclose(f);
    unlink(path);
    MZ_CHECK_HAS(dot, "xlabel=\"0.70 a misty harbour, {keeper}\\n0.30 a storm\"");
    MZ_CHECK_HAS(dot, "xlabel=\"0.75 a storm at sea\\n0.25 a lighthouse\\n8 steps, slerp\"");
    MZ_CHECK_HAS(dot, "xlabel=\"4 steps, linear\"");
}

int main(void)
{
    MZ_RUN(turns_carry_the_blend);
    MZ_RUN(lint_finds_bad_blends);
    MZ_RUN(the_graph_shows_the_blend);
    return mz_test_finish();
}
