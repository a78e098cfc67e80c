/* maze play — play a story. */
#include "mz_commands.h"
#include "mz_play.h"

#include <stdio.h>

static int run(const mz_command *cmd, int argc, char **argv)
{
    bool headless = false;
    const char *inputs = NULL, *trace = NULL, *generator = NULL, *record = NULL;
    long seed = 1, frames_per_turn = 0;
    int size[2] = {0, 0};
    double fps = 0;
    const mz_arg args[] = {
        {"--headless", MZ_ARG_FLAG, &headless, NULL, "play with no window (needs --inputs)"},
        {"--inputs", MZ_ARG_STRING, &inputs, "FILE", "viewer lines to play, one per line"},
        {"--seed", MZ_ARG_INT, &seed, "N", "random seed: same seed + inputs, same play (1)"},
        {"--trace", MZ_ARG_STRING, &trace, "FILE", "write each turn as a line of JSON"},
        {"--generator", MZ_ARG_STRING, &generator, "URI", "render scenes with this generator"},
        {"--record", MZ_ARG_STRING, &record, "DIR", "write the frames shown as PNGs (procedural)"},
        {"--size", MZ_ARG_SIZE, size, "WxH", "frame size (640x360)"},
        {"--fps", MZ_ARG_FLOAT, &fps, "F", "frames per second of scene time (30)"},
        {"--frames-per-turn", MZ_ARG_INT, &frames_per_turn, "N", "headless: frames each turn shows (1 s worth)"},
        {0},
    };
    const char *story = NULL;
    int npos = 0;
    switch (mz_args_parse(cmd, args, argc, argv, &story, 1, &npos)) {
    case MZ_ARGS_HELP:
        return 0;
    case MZ_ARGS_ERROR:
        return 2;
    case MZ_ARGS_OK:
        break;
    }
    if (npos != 1) return mz_args_usage_error(cmd, "which story? (e.g. stories/lighthouse)");
    if (seed < 0) return mz_args_usage_error(cmd, "--seed must be 0 or more");
    if (fps < 0 || fps > 240) return mz_args_usage_error(cmd, "--fps must be in (0, 240]");
    if (frames_per_turn < 0 || frames_per_turn > 100000)
        return mz_args_usage_error(cmd, "--frames-per-turn must be 0..100000");
    if (!headless)
        return mz_args_usage_error(cmd, "the windowed player is not built yet; "
                                        "use --headless --inputs FILE");
    if (!inputs) return mz_args_usage_error(cmd, "--headless needs --inputs FILE");
    return mz_play_headless(&(mz_play_headless_desc){
        .story_path = story,
        .inputs_path = inputs,
        .seed = (uint64_t)seed,
        .trace_path = trace,
        .generator = generator,
        .record_dir = record,
        .width = size[0],
        .height = size[1],
        .fps = (float)fps,
        .frames_per_turn = (int)frames_per_turn,
    });
}

const mz_command mz_cmd_play = {
    .name = "play",
    .summary = "play a story",
    .usage = "STORY [--headless --inputs FILE] [--seed N] [--trace FILE]",
    .details = "STORY is a story folder (or its story.lua). With --headless, each line of the\n"
               "inputs file is one thing the viewer types; a transcript goes to stdout and\n"
               "--trace writes one JSON object per turn (turn, input, scene, prompt, matched,\n"
               "score, reply, ending, error). With --generator or --record, each turn also\n"
               "renders frames (the procedural generator by default) and the trace gains\n"
               "first_frame_ms: input accepted -> first frame of the new scene shown.\n"
               "Exit status: 0 played, 1 the story (or the generator) cannot load, 2 usage.",
    .run = run,
};
