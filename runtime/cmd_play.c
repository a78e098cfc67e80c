/* maze play — play a story. */
#include "mz_commands.h"
#include "mz_play.h"

#include <stdio.h>

static int run(const mz_command *cmd, int argc, char **argv)
{
    bool headless = false;
    const char *inputs = NULL, *trace = NULL;
    long seed = 1;
    const mz_arg args[] = {
        {"--headless", MZ_ARG_FLAG, &headless, NULL, "play with no window (needs --inputs)"},
        {"--inputs", MZ_ARG_STRING, &inputs, "FILE", "viewer lines to play, one per line"},
        {"--seed", MZ_ARG_INT, &seed, "N", "random seed: same seed + inputs, same play (1)"},
        {"--trace", MZ_ARG_STRING, &trace, "FILE", "write each turn as a line of JSON"},
        {0},
    };
    const char *story = NULL;
    int npos = 0;
    switch (mz_args_parse(cmd, args, argc, argv, &story, 1, &npos)) {
    case MZ_ARGS_HELP: return 0;
    case MZ_ARGS_ERROR: return 2;
    case MZ_ARGS_OK: break;
    }
    if (npos != 1) return mz_args_usage_error(cmd, "which story? (e.g. stories/lighthouse)");
    if (seed < 0) return mz_args_usage_error(cmd, "--seed must be 0 or more");
    if (!headless)
        return mz_args_usage_error(cmd, "the windowed player is not built yet; "
                                        "use --headless --inputs FILE");
    if (!inputs) return mz_args_usage_error(cmd, "--headless needs --inputs FILE");
    return mz_play_headless(&(mz_play_headless_desc){
        .story_path = story,
        .inputs_path = inputs,
        .seed = (uint64_t)seed,
        .trace_path = trace,
    });
}

const mz_command mz_cmd_play = {
    .name = "play",
    .summary = "play a story",
    .usage = "STORY [--headless --inputs FILE] [--seed N] [--trace FILE]",
    .details = "STORY is a story folder (or its story.lua). With --headless, each line of the\n"
               "inputs file is one thing the viewer types; a transcript goes to stdout and\n"
               "--trace writes one JSON object per turn (turn, input, scene, prompt, matched,\n"
               "score, reply, ending, error). Exit status: 0 played, 1 the story cannot load,\n"
               "2 usage.",
    .run = run,
};
