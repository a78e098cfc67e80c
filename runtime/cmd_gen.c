/* maze gen — what a prompt makes: renders a scene (and optionally a second
 * one that continues from it) to numbered PNGs and a .y4m video. */
#include "mz_commands.h"

#include "mz_error.h"
#include "gen_env.h"
#include "mz_gen.h"
#include "mz_gpu.h"
#include "mz_manifest.h"
#include "mz_provenance.h"
#include "mz_recorder.h"
#include "mz_record.h"
#include "mz_scene_interp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* --explain: which words became what, what was drawn from them, and which
 * words were not understood. Nothing is rendered. */
static int explain(const char *prompt)
{
    mz_scene_params p;
    mz_scene_trace why;
    mz_scene_interpret(NULL, prompt, NULL, &p, &why);
    printf("maze gen --explain \"%s\"\n\nwords understood:\n", prompt);
    for (int i = 0; i < why.count; i++) {
        const mz_scene_trace_item *it = &why.item[i];
        printf("  %-24.*s -> %s", (int)it->length, prompt + it->offset, it->name);
        if (it->kind == MZ_SCENE_TRACE_ENTITY) printf(" (a name)");
        if (it->negated) printf(" [negated]");
        if (it->kind == MZ_SCENE_TRACE_EFFECT && !it->negated && it->intensity != 1)
            printf(" [x%.2f]", it->intensity);
        printf(": %s\n", it->effects && *it->effects ? it->effects : "-");
    }
    if (why.dropped) printf("  (and %d more)\n", why.dropped);
    printf("\nnot understood (%d):", why.unknown);
    for (int i = 0; i < why.unknown && i < MZ_SCENE_TRACE_MAX; i++)
        printf(" %.*s", (int)why.unknown_word[i].length, prompt + why.unknown_word[i].offset);
    printf("%s\n\nsubjects drawn (%d):\n", why.unknown > MZ_SCENE_TRACE_MAX ? " ..." : "",
           p.subject_count);
    for (int i = 0; i < p.subject_count; i++) {
        const mz_subject *s = &p.subject[i];
        printf("  %s, %s, %s, build %.2f, size %.2f, colour %.2f %.2f %.2f", mz_subject_kind_name(s->kind),
               mz_pose_name(s->pose), mz_place_name(s->place), s->build, s->size, s->colour.r,
               s->colour.g, s->colour.b);
        if (s->beard > 0) printf(", beard %.2f %.2f %.2f", s->hair.r, s->hair.g, s->hair.b);
        if (s->entity) printf(", entity #%08x", s->entity);
        printf("\n");
    }
    char line[1024];
    mz_scene_params_describe(&p, line, sizeof line);
    printf("\nscene: %s\n", line);
    return 0;
}

/* --blend "W:TEXT" items after PROMPT at `weight`: the first scene's
 * weighted prompts (out[0] is PROMPT). False + mz_error() for a bad item. */
static bool blend_list(const char *prompt, double weight, const mz_arg_list *blends,
                       mz_scene_prompt *out, size_t *count)
{
    *count = 0;
    if (!blends->count) return true;
    if (blends->count + 1 > MZ_GEN_MAX_PROMPTS)
        return mz_fail("--blend: at most %d prompts blend, PROMPT included", MZ_GEN_MAX_PROMPTS);
    out[(*count)++] = (mz_scene_prompt){prompt, (float)weight};
    for (int i = 0; i < blends->count; i++) {
        char *end;
        double w = strtod(blends->items[i], &end);
        if (end == blends->items[i] || *end != ':' || !(w >= 0 && w <= 1e6))
            return mz_fail("--blend '%s': give WEIGHT:TEXT, WEIGHT a number in 0..1e6",
                           blends->items[i]);
        out[(*count)++] = (mz_scene_prompt){end + 1, (float)w};
    }
    return true;
}

static int run_gen(const mz_command *cmd, int argc, char **argv)
{
    long seed = 1, frames = 60, then_at = -1;
    int size[2] = {640, 360};
    double fps = 30, transition = 1.0;
    const char *then = NULL, *out = "out/gen", *uri = NULL, *video_path = NULL, *quality = "auto";
    const char *disclosure = NULL, *method_name = "linear";
    bool y4m = false, no_metadata = false, explain_only = false;
    mz_arg_list blends = {0};
    double weight = 1;
    long steps = 0;
    const mz_arg args[] = {
        {"--seed", MZ_ARG_INT, &seed, "N", "seed (same prompt + seed = same frames; default 1)", 0,
         MZ_ARG_MAX_SEED},
        {"--frames", MZ_ARG_INT, &frames, "N", "frames to write (default 60)", 1, 1000000},
        {"--size", MZ_ARG_SIZE, size, "WxH", "frame size (default 640x360)"},
        {"--fps", MZ_ARG_FLOAT, &fps, "F", "frames per second of scene time, 1..240 (default 30)",
         1, 240},
        {"--then", MZ_ARG_STRING, &then, "PROMPT", "a second scene continuing from the first"},
        {"--then-at", MZ_ARG_INT, &then_at, "N", "frame where --then starts (default: halfway)", 0,
         1000000},
        {"--transition", MZ_ARG_FLOAT, &transition, "S",
         "seconds the change takes, 0..60 (default 1)", 0, 60},
        {"--steps", MZ_ARG_INT, &steps, "N",
         "the change to --then takes N frames instead of --transition's seconds", 0,
         MZ_GEN_MAX_TRANSITION_STEPS},
        {"--method", MZ_ARG_STRING, &method_name, "M", "with --steps: linear (default) or slerp"},
        {"--blend", MZ_ARG_LIST, &blends, "W:TEXT",
         "blend TEXT at weight W into the first scene (repeatable; docs/protocol.md)"},
        {"--weight", MZ_ARG_FLOAT, &weight, "W", "PROMPT's weight in a --blend (default 1)", 0,
         1e6},
        {"--out", MZ_ARG_STRING, &out, "DIR", "where frames go (default out/gen)"},
        {"--y4m", MZ_ARG_FLAG, &y4m, NULL, "also write DIR/gen.y4m"},
        {"--generator", MZ_ARG_STRING, &uri, "URI", "generator backend (default procedural)"},
        {"--video", MZ_ARG_STRING, &video_path, "FILE",
         "also a video with sound and the prompts as subtitles (.mp4 or .webm)"},
        {"--disclosure", MZ_ARG_STRING, &disclosure, "TEXT",
         "burn this label into the video (e.g. \"" MZ_PROVENANCE_DISCLOSURE "\")"},
        {"--no-metadata", MZ_ARG_FLAG, &no_metadata, NULL,
         "PNGs without provenance (prompt, seed, DigitalSourceType)"},
        {"--quality", MZ_ARG_STRING, &quality, "Q", "auto (default) or reference (all pixels drawn)"},
        {"--explain", MZ_ARG_FLAG, &explain_only, NULL, "what the words became; renders nothing"},
        {0},
    };
    const char *prompt = NULL;
    int npos = 0;
    int rc = mz_args_parse(cmd, args, argc, argv, &prompt, 1, &npos);
    if (rc != MZ_ARGS_CONTINUE) return rc;
    if (npos != 1) return mz_args_usage_error(cmd, "give one PROMPT (quote it)");
    if (explain_only) return explain(prompt);
    mz_gen_quality q;
    if (!mz_gen_quality_parse(quality, &q)) return mz_args_usage_error(cmd, "%s", mz_error());
    mz_transition_method method;
    if (!mz_transition_method_parse(method_name, &method))
        return mz_args_usage_error(cmd, "--method: %s", mz_error());
    mz_scene_prompt prompts[MZ_GEN_MAX_PROMPTS];
    size_t prompt_count;
    if (!blend_list(prompt, weight, &blends, prompts, &prompt_count))
        return mz_args_usage_error(cmd, "%s", mz_error());
    if (then_at >= frames)
        return mz_args_usage_error(cmd, "--then-at %ld is not a frame of the %ld made", then_at,
                                   frames);
    if (then_at < 0) then_at = frames / 2;
    if (video_path && !mz_record_video_path_ok(video_path))
        return mz_args_usage_error(cmd, "%s", mz_error());
    if ((y4m || video_path) && (size[0] % 2 || size[1] % 2))
        return mz_args_usage_error(cmd, "--y4m and --video need an even --size");

    int status = 1;
    mz_gpu *gpu = NULL;
    mz_gen *gen = NULL;
    mz_record_y4m *video = NULL;
    mz_manifest *manifest = NULL;
    mz_recorder *recorder = NULL;
    mz_provenance provenance = {.off = no_metadata};
    char path[4096];
    if (!mz_record_make_dir(out)) goto done;
    if (!(gpu = mz_gpu_create(NULL))) goto done;
    mz_gen_desc desc = {.uri = uri, .gpu = gpu, .quality = q};
    mz_gen_desc_from_env(&desc);
    if (!(gen = mz_gen_open(&desc))) goto done;
    if (!no_metadata && !(manifest = mz_manifest_create(&(mz_manifest_desc){
                              .command = "gen",
                              .generator = uri,
                              .seed = (uint64_t)seed,
                              .width = size[0],
                              .height = size[1],
                              .fps = (float)fps,
                              .prompt = prompt,
                              .then = then,
                              .frames = frames,
                              .then_at = then_at,
                              .transition = (float)transition,
                              .reference = q == MZ_GEN_QUALITY_REFERENCE,
                              .scale = desc.scale,
                          })))
        goto done;
    if (y4m) {
        snprintf(path, sizeof path, "%s/gen.y4m", out);
        if (!(video = mz_record_y4m_open(path, (uint32_t)size[0], (uint32_t)size[1], fps)))
            goto done;
    }
    if (video_path && !(recorder = mz_recorder_open(&(mz_recorder_desc){
                            .path = video_path,
                            .width = size[0],
                            .height = size[1],
                            .fps = (float)fps,
                            .provenance = &provenance,
                            .title = prompt,
                            .generator = uri,
                            .seed = (uint64_t)seed,
                            .disclosure = disclosure,
                        })))
        goto done;
    if (recorder) mz_recorder_scene(recorder, prompt, (float)transition);
    printf("maze gen: \"%s\", %dx%d, seed %ld, on %s\n", prompt, size[0], size[1], seed,
           mz_gpu_device_name(gpu));
    mz_scene_request req = {.id = 1,
                            .prompt = prompt,
                            .seed = (uint64_t)seed,
                            .transition_s = (float)transition,
                            .width = size[0],
                            .height = size[1],
                            .fps = (float)fps,
                            .prompts = prompts,
                            .prompt_count = prompt_count};
    if (!mz_gen_submit(gen, &req, NULL, 0)) goto done;
    mz_frame f = {0};
    bool have = false;
    bool tty = isatty(fileno(stdout));
    long step = frames >= 10 ? frames / 10 : 1;
    for (long i = 0; i < frames; i++) {
        if (then && i == then_at) {
            mz_scene_request next = req;
            next.id = 2;
            next.prompt = then;
            next.prompts = NULL;
            next.prompt_count = 0;
            next.transition_steps = (uint32_t)steps;
            next.transition_method = method;
            printf("%smaze gen: frame %ld: %s\n", tty ? "\n" : "", i, then);
            if (!mz_gen_submit(gen, &next, have ? &f : NULL, have ? 1 : 0)) goto done;
            if (recorder) mz_recorder_scene(recorder, then, (float)transition);
        }
        if (!mz_gen_wait(gen, &f, 10000)) {
            mz_fail("no frame after 10 s");
            goto done;
        }
        have = true;
        char name[32];
        snprintf(name, sizeof name, "frame_%05ld.png", i);
        snprintf(path, sizeof path, "%s/%s", out, name);
        mz_provenance_frame pf = {.gen = gen,
                                  .turn = -1,
                                  .prompt = then && i >= then_at ? then : prompt,
                                  .seed = (uint64_t)seed};
        if (!mz_provenance_png_write(&(mz_provenance){.off = no_metadata}, &pf, path, f.rgba,
                                     f.width, f.height))
            goto done;
        if (manifest) mz_manifest_file(manifest, name);
        if (video && !mz_record_y4m_write(video, f.rgba)) goto done;
        if (recorder && !mz_recorder_frame(recorder, &f)) goto done;
        /* A live counter on a terminal; a line every tenth of the way in logs. */
        if (tty || (i + 1) % step == 0 || i + 1 == frames) {
            printf("%sframe %ld/%ld (scene %llu, frame %u%s)%s", tty ? "\r" : "", i + 1, frames,
                   (unsigned long long)f.scene_id, f.index, f.transitional ? ", transition" : "",
                   tty ? "   " : "\n");
            fflush(stdout);
        }
    }
    mz_gen_stats st;
    mz_gen_stats_get(gen, &st);
    if (video) {
        bool closed = mz_record_y4m_close(video);
        video = NULL;
        if (!closed) goto done;
        if (manifest) mz_manifest_file(manifest, "gen.y4m");
    }
    mz_recorder *finished = recorder;
    recorder = NULL;
    if (!mz_recorder_close(finished, st.backend, NULL)) goto done;
    snprintf(path, sizeof path, "%s/manifest.json", out);
    if (manifest && !mz_manifest_write(manifest, path, st.backend)) goto done;
    printf("%smaze gen: %ld frames in %s/ (drawn at %ux%u); first frame %.1f ms; validation "
           "errors %u\n",
           tty ? "\n" : "", frames, out, f.drawn_width, f.drawn_height, st.first_frame_ms,
           mz_gpu_validation_errors(gpu));
    status = 0;
done:
    if (status) fprintf(stderr, "\nmaze gen: %s\n", mz_error());
    if (video && !mz_record_y4m_close(video) && !status) {
        fprintf(stderr, "maze gen: %s\n", mz_error());
        status = 1;
    }
    mz_recorder_close(recorder, NULL, NULL);
    mz_manifest_destroy(manifest);
    mz_gen_close(gen);
    mz_gpu_destroy(gpu);
    return status;
}

const mz_command mz_cmd_gen = {
    .name = "gen",
    .summary = "render what a prompt makes to PNG frames (and a .y4m)",
    .usage = "PROMPT [options]",
    .details = "Renders headless (lavapipe where there is no GPU). With --then, a second\n"
               "scene starts at --then-at from the last frame shown, as in play.\n"
               "Example: maze gen \"a lighthouse on a rocky shore at dusk, rain\" --frames 90",
    .run = run_gen,
};
