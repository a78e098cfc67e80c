/* maze play — play a story. */
#include "mz_commands.h"
#include "mz_play.h"
#include "mz_defaults.h"
#include "mz_error.h"
#include "mz_record_video.h"
#include "play_window.h"
#include "mz_story.h"

#include <stdio.h>

static int run(const mz_command *cmd, int argc, char **argv)
{
    bool headless = false, fullscreen = false, narrate = false, no_vsync = false, mute = false;
    bool no_metadata = false, no_disclosure = false, video_disclosure = false;
    const char *disclosure = NULL;
    double volume = 1.0;
    const char *inputs = NULL, *trace = NULL, *generator = NULL, *record = NULL;
    const char *load = NULL, *save_dir = NULL, *at = NULL, *lang = NULL, *video = NULL;
    const char *profile_path = NULL;
    char profile[MZ_STORY_PROFILE_MAX];
    mz_arg_list sets = {0};
    long seed = 1, frames_per_turn = 0, turn_limit_ms = 250;
    int size[2] = {0, 0}, window[2] = {MZ_DEFAULT_WINDOW_WIDTH, MZ_DEFAULT_WINDOW_HEIGHT};
    double fps = 0;
    const mz_arg args[] = {
        {"--headless", MZ_ARG_FLAG, &headless, NULL, "play with no window (needs --inputs)"},
        {"--inputs", MZ_ARG_STRING, &inputs, "FILE", "viewer lines to play, one per line"},
        {"--seed", MZ_ARG_INT, &seed, "N", "random seed: same seed + inputs, same play (1)", 0,
         MZ_ARG_MAX_SEED},
        {"--trace", MZ_ARG_STRING, &trace, "FILE", "write each turn as a line of JSON"},
        {"--generator", MZ_ARG_STRING, &generator, "URI", "render scenes with this generator"},
        {"--record", MZ_ARG_STRING, &record, "DIR", "headless: write the frames shown as PNGs"},
        {"--size", MZ_ARG_SIZE, size, "WxH",
         "frame size (window: the window's, at most 960x540 on a CPU; headless: 640x360)"},
        {"--fps", MZ_ARG_FLOAT, &fps, "F", "frames per second of scene time, 1..240 (30)", 1, 240},
        {"--video", MZ_ARG_STRING, &video, "FILE",
         "record a video with sound and subtitles (.mp4 or .webm; F10 in the window)"},
        {"--frames-per-turn", MZ_ARG_INT, &frames_per_turn, "N",
         "headless: frames each turn shows (1 s worth)", 0, 100000},
        {"--window", MZ_ARG_SIZE, window, "WxH", "window size (1280x720)"},
        {"--fullscreen", MZ_ARG_FLAG, &fullscreen, NULL, "start fullscreen (F11 toggles)"},
        {"--load", MZ_ARG_STRING, &load, "FILE", "start from a save (F5 saves, F9 loads)"},
        {"--at", MZ_ARG_STRING, &at, "SCENE", "start in SCENE instead of the start scene"},
        {"--lang", MZ_ARG_STRING, &lang, "CODE",
         "play in one of the story's languages (its first)"},
        {"--profile", MZ_ARG_STRING, &profile_path, "FILE",
         "the viewer's profile: \"tone = eerie\" lines (variants the story declares)"},
        {"--set", MZ_ARG_LIST, &sets, "NAME=VALUE",
         "start with state field NAME = VALUE (repeatable)"},
        {"--narrate", MZ_ARG_FLAG, &narrate, NULL,
         "speak captions aloud (and in the video's soundtrack)"},
        {"--volume", MZ_ARG_FLOAT, &volume, "V", "sound volume 0..1 (1; F7/F8 in the window)", 0,
         1},
        {"--mute", MZ_ARG_FLAG, &mute, NULL, "start with the sound off (F6 toggles)"},
        {"--save-dir", MZ_ARG_STRING, &save_dir, "DIR", "quick saves and F12 screenshots (.)"},
        {"--no-vsync", MZ_ARG_FLAG, &no_vsync, NULL, "present without waiting for the display"},
        {"--disclosure", MZ_ARG_STRING, &disclosure, "TEXT",
         "the label saying scenes are generated (default: the story's)"},
        {"--no-disclosure", MZ_ARG_FLAG, &no_disclosure, NULL, "no such label on screen"},
        {"--video-disclosure", MZ_ARG_FLAG, &video_disclosure, NULL,
         "headless: burn the label into the video's picture too (a window's video has "
         "what its screen shows)"},
        {"--no-metadata", MZ_ARG_FLAG, &no_metadata, NULL,
         "PNGs without provenance (the prompt may hold the viewer's words)"},
        MZ_ARG_TURN_LIMIT(turn_limit_ms),
        {0},
    };
    const char *story = NULL;
    int npos = 0;
    int rc = mz_args_parse(cmd, args, argc, argv, &story, 1, &npos);
    if (rc != MZ_ARGS_CONTINUE) return rc;
    if (video && !mz_record_video_path_ok(video)) return mz_args_usage_error(cmd, "%s", mz_error());
    if (profile_path && !mz_story_profile_read(profile_path, profile, sizeof profile)) {
        fprintf(stderr, "maze play: %s\n", mz_error());
        return 1;
    }
    const mz_play_options play = {
        .seed = (uint64_t)seed,
        .load = load,
        .generator = generator,
        .trace = trace,
        .fps = (float)fps,
        .no_metadata = no_metadata,
        .video = video,
        .disclosure = disclosure,
        .no_disclosure = no_disclosure,
        .video_disclosure = video_disclosure,
        .at = at,
        .lang = lang,
        .profile = profile_path ? profile : NULL,
        .turn_limit_ms = (uint32_t)turn_limit_ms,
        .sets = sets.items,
        .set_count = sets.count,
    };
    if (!headless)
        return mz_play_window(&(mz_player_desc){
            .play = play,
            .story = npos ? story : NULL, /* none: pick from stories/ */
            .width = window[0],
            .height = window[1],
            .gen_width = size[0],
            .gen_height = size[1],
            .fullscreen = fullscreen,
            .narrate = narrate,
            /* 0 means "default" in the desc: a volume of 0 is asked as mute. */
            .volume = volume > 0 ? (float)volume : 1.0f,
            .muted = mute || volume == 0,
            .no_vsync = no_vsync,
            .save_dir = save_dir,
        });
    if (npos != 1) return mz_args_usage_error(cmd, "which story? (e.g. stories/lighthouse)");
    if (!inputs) return mz_args_usage_error(cmd, "--headless needs --inputs FILE");
    return mz_play_headless(&(mz_play_headless_desc){
        .play = play,
        .story_path = story,
        .inputs_path = inputs,
        .record_dir = record,
        .width = size[0],
        .height = size[1],
        .frames_per_turn = (int)frames_per_turn,
        .narrate = narrate,
    });
}

const mz_command mz_cmd_play = {
    .name = "play",
    .summary = "play a story",
    .usage = "[STORY] [--headless --inputs FILE] [--seed N] [--trace FILE] [options]",
    .details = "STORY is a story folder (or its story.lua); without one, the window offers\n"
               "the stories under stories/. In the window: type and press Enter; Up/Down\n"
               "for history; Ctrl+Z takes a turn back; F1 author's overlay; F3 the story's\n"
               "state (vars, items, visits, the match and its runner-up); F2 reload\n"
               "the story after editing it (saving a .lua file of the story reloads it\n"
               "too);\n"
               "F5/F9 quick save/load; F6 sound on/off; F7/F8 volume down/up;\n"
               "F10 start/stop a video; F11 fullscreen; F12 screenshot; Esc to quit.\n"
               "With --headless, each line of the inputs file is one thing the viewer\n"
               "types (a line `undo` takes the last turn back, unless the story has\n"
               "undo = false); a transcript goes to stdout and --trace writes one JSON object per\n"
               "turn (turn, input, scene, prompt, matched, score, reply, ending, error).\n"
               "With --generator or --record, each turn also renders frames (the\n"
               "procedural generator by default). In the window, and headless with a\n"
               "generator, the trace gains first_frame_ms: input accepted -> first frame of\n"
               "the new scene shown (in the window: presented on screen).\n"
               "--at SCENE and --set NAME=VALUE start from a chosen point, to test a\n"
               "part of a story without playing up to it; every restart starts there too.\n"
               "--load FILE starts from a save, in the window or headless.\n"
               "--profile FILE gives the viewer's profile (\"tone = eerie\" lines): a\n"
               "story that declares variants plays the ones for it (docs/story-api.md).\n"
               "Exit status: 0 played, 1 the story, the save (--load) or the generator\n"
               "cannot load, 2 usage (or no display for the window).",
    .run = run,
};
