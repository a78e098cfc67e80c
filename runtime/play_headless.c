/* play_headless.c — the story alone, fed from a file of viewer lines.
 *
 * The transcript on stdout is written a line at a time (a killed run keeps
 * every line it printed), and everything in it that came from the story or a
 * viewer is escaped: a viewer's ESC or OSC sequence shows as text instead of
 * clearing or retitling the operator's terminal. */
#include "mz_play.h"
#include "mz_session.h"
#include "gen_env.h"

#include "mz_defaults.h"
#include "mz_buf.h"
#include "mz_error.h"
#include "mz_gen.h"
#include "mz_gpu.h"
#include "mz_manifest.h"
#include "mz_provenance.h"
#include "mz_recorder.h"
#include "mz_record.h"
#include "mz_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The inputs may come from a pipe (`--inputs <(...)`), so not only from a
 * regular file. */
static char *read_inputs(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    mz_buf b = {0};
    bool ok = mz_buf_read_stream(&b, f, SIZE_MAX);
    fclose(f);
    if (!ok) mz_buf_free(&b);
    return ok ? mz_buf_take(&b, len) : NULL;
}

/* Writes text that came from a story or a viewer, escaped. */
static void put_text(FILE *f, const char *s, size_t n)
{
    char small[1024];
    size_t need = mz_text_escape(s, n, small, sizeof small);
    char *big = need < sizeof small ? NULL : malloc(need + 1);
    if (big) mz_text_escape(s, n, big, need + 1);
    fputs(big ? big : small, f); /* out of memory: cut short, still escaped */
    free(big);
}

/* prefix (ours), then s escaped, then suffix and the end of the line. */
static void put_line(FILE *f, const char *prefix, const char *s, const char *suffix)
{
    fputs(prefix, f);
    put_text(f, s, strlen(s));
    fputs(suffix, f);
    fputc('\n', f);
}

static void show(const mz_story_turn *t)
{
    if (t->scene_changed) {
        printf("[%d] ", t->turn);
        put_text(stdout, t->scene, strlen(t->scene));
        put_line(stdout, t->caption[0] ? ": " : "", t->caption, "");
    }
    if (t->reply) put_line(stdout, "    \"", t->reply, "\"");
    if (t->error) put_line(stderr, "", t->error, "");
}

/* The generator side of a headless play: frames made, shown (to the
 * session) and recorded. */
typedef struct pictures {
    mz_gpu *gpu;
    mz_gen *gen;
    const char *record_dir;
    int frames_per_turn;
    float fps;
    const char *generator;
    long recorded;
    mz_provenance provenance;
    mz_manifest *manifest; /* with a recording, unless --no-metadata */
    const char *video_path;
    mz_recorder *video;    /* opened at the first frame: its size is the video's */
    uint64_t seed;
    const mz_play_headless_desc *desc;
} pictures;

static bool pictures_open(pictures *pc, const mz_play_headless_desc *desc)
{
    memset(pc, 0, sizeof *pc);
    if (!desc->play.generator && !desc->record_dir && !desc->play.video) return true;
    pc->record_dir = desc->record_dir;
    pc->video_path = desc->play.video;
    pc->desc = desc;
    pc->seed = desc->play.seed;
    float fps = desc->play.fps > 0 ? desc->play.fps : MZ_DEFAULT_FPS;
    pc->fps = fps;
    pc->generator = desc->play.generator;
    pc->frames_per_turn = desc->frames_per_turn > 0 ? desc->frames_per_turn : (int)(fps + 0.5f);
    if (pc->record_dir && !mz_record_make_dir(pc->record_dir)) return false;
    pc->provenance.off = desc->play.no_metadata;
    if ((pc->record_dir || pc->video_path) && !desc->play.no_metadata &&
        !mz_provenance_story(&pc->provenance, desc->story_path))
        return false;
    mz_gen_desc gd = {.uri = desc->play.generator};
    mz_gen_desc_from_env(&gd);
    if (pc->record_dir && !desc->play.no_metadata &&
        !(pc->manifest = mz_manifest_create(&(mz_manifest_desc){
              .command = "play",
              .generator = desc->play.generator,
              .story = &pc->provenance,
              .story_path = desc->story_path,
              .seed = desc->play.seed ? desc->play.seed : 1,
              .width = desc->width,
              .height = desc->height,
              .fps = desc->play.fps,
              .frames_per_turn = pc->frames_per_turn,
              .scale = gd.scale,
          })))
        return false;
    if (!(pc->gpu = mz_gpu_create(NULL))) return false;
    gd.gpu = pc->gpu;
    return (pc->gen = mz_gen_open(&gd)) != NULL;
}

/* A frame into the video; the first one opens it. */
static bool video_frame(pictures *pc, mz_session *ss, const mz_frame *f, bool new_turn)
{
    if (!pc->video) {
        pc->video = mz_recorder_open(&(mz_recorder_desc){
            .path = pc->video_path,
            .width = (int)f->width,
            .height = (int)f->height,
            .fps = pc->fps,
            .provenance = &pc->provenance,
            .title = mz_story_title(mz_session_story(ss)),
            .generator = pc->generator,
            .seed = pc->seed,
            .disclosure =
                pc->desc->play.video_disclosure
                    ? mz_provenance_disclosure(pc->desc->play.no_disclosure,
                                               pc->desc->play.disclosure, mz_session_story(ss))
                    : NULL,
            .narrate = pc->desc->narrate || mz_story_narrate(mz_session_story(ss)),
            .voice = mz_story_lang(mz_session_story(ss)),
        });
        if (!pc->video) return false;
        new_turn = true;
    }
    if (new_turn) mz_recorder_turn(pc->video, mz_session_turn(ss));
    return mz_recorder_frame(pc->video, f);
}

/* Finishes the video and writes the recording's manifest (after its last
 * frame). */
static bool pictures_finish(pictures *pc)
{
    if (!pc->gen) return true;
    mz_gen_stats st;
    mz_gen_stats_get(pc->gen, &st);
    mz_recorder *video = pc->video;
    pc->video = NULL;
    if (!mz_recorder_close(video, st.backend, NULL)) return false;
    if (!pc->manifest) return true;
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest.json", pc->record_dir);
    return mz_manifest_write(pc->manifest, path, st.backend);
}

static void pictures_close(pictures *pc)
{
    mz_recorder_close(pc->video, NULL, NULL);
    mz_manifest_destroy(pc->manifest);
    mz_gen_close(pc->gen);
    mz_gpu_destroy(pc->gpu);
}

/* Shows (and records) the frames of one turn. */
static bool pictures_turn(pictures *pc, mz_session *ss)
{
    mz_frame f;
    if (pc->manifest) mz_manifest_turn(pc->manifest, mz_session_turn(ss));
    for (int i = 0; pc->gen && i < pc->frames_per_turn; i++) {
        if (!mz_gen_wait(pc->gen, &f, 10000)) return mz_fail("the generator made no frame in 10 s");
        mz_session_frame_shown(ss, &f);
        if (pc->video_path && !video_frame(pc, ss, &f, i == 0)) return false;
        if (!pc->record_dir) continue;
        char path[4096];
        char name[32];
        snprintf(name, sizeof name, "frame_%06ld.png", pc->recorded);
        snprintf(path, sizeof path, "%s/%s", pc->record_dir, name);
        mz_provenance_frame pf = mz_provenance_turn(mz_session_turn(ss), pc->gen);
        if (!mz_provenance_png_write(&pc->provenance, &pf, path, f.rgba, f.width, f.height))
            return false;
        if (pc->manifest) mz_manifest_file(pc->manifest, name);
        pc->recorded++;
    }
    return true;
}

int mz_play_headless(const mz_play_headless_desc *desc)
{
    setvbuf(stdout, NULL, _IOLBF, 0); /* before anything is written to it */
    size_t len = 0;
    char *inputs = read_inputs(desc->inputs_path, &len);
    if (!inputs) {
        fprintf(stderr, "maze play: cannot read the inputs %s\n", desc->inputs_path);
        return 2;
    }
    pictures pc;
    if (!pictures_open(&pc, desc)) {
        put_line(stderr, "maze play: ", mz_error(), "");
        pictures_close(&pc);
        free(inputs);
        return 1;
    }
    mz_session *ss = mz_session_create(&(mz_session_desc){
        .story_path = desc->story_path,
        .seed = desc->play.seed,
        .trace_path = desc->play.trace,
        .gen = pc.gen,
        .width = desc->width,
        .height = desc->height,
        .fps = desc->play.fps,
        .at = desc->play.at,
        .lang = desc->play.lang,
        .profile = desc->play.profile,
        .turn_limit_ms = desc->play.turn_limit_ms,
        .sets = desc->play.sets,
        .set_count = (size_t)desc->play.set_count,
    });
    if (!ss) {
        put_line(stderr, "maze play: ", mz_error(), "");
        pictures_close(&pc);
        free(inputs);
        return 1;
    }
    put_line(stdout, "", mz_story_title(mz_session_story(ss)), "");
    bool started = desc->play.load ? mz_session_load(ss, desc->play.load) : mz_session_begin(ss);
    if (!started) {
        put_line(stderr,
                 desc->play.load ? "maze play: cannot load the save: " : "maze play: ", mz_error(),
                 "");
        mz_session_destroy(ss);
        pictures_close(&pc);
        free(inputs);
        return 1;
    }
    const mz_story_turn *t = mz_session_turn(ss);
    show(t);
    bool pictures_ok = pictures_turn(&pc, ss);
    size_t pos = 0, left = 0;
    while (pos < len) {
        char *nl = memchr(inputs + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - inputs) : len, n = end - pos;
        if (n && inputs[pos + n - 1] == '\r') n--;
        bool undo = n == 4 && !memcmp(inputs + pos, "undo", 4) &&
                    mz_story_undo_allowed(mz_session_story(ss));
        if (undo) {
            printf("< undo\n");
            if (mz_session_undo(ss))
                show(t = mz_session_turn(ss));
            else
                put_line(stdout, "    (", mz_error(), ")");
        } else if (t->ended) {
            left++;
        } else {
            fputs("> ", stdout);
            put_text(stdout, inputs + pos, n);
            fputc('\n', stdout);
            if (pc.manifest) mz_manifest_input(pc.manifest, inputs + pos, n);
            mz_session_input(ss, inputs + pos, n);
            t = mz_session_turn(ss);
            show(t);
            pictures_ok = pictures_ok && pictures_turn(&pc, ss);
        }
        pos = end + 1;
    }
    char after[64];
    snprintf(after, sizeof after, "' after %d turns%s", t->turn,
             t->ended && left ? " (inputs left over)" : "");
    if (t->ended)
        put_line(stdout, "the story ended at '", t->ending, after);
    else
        put_line(stdout, "the inputs ran out at '", t->scene, after);
    pictures_ok = pictures_ok && pictures_finish(&pc);
    if (!pictures_ok) put_line(stderr, "maze play: frames: ", mz_error(), "");
    if (pc.recorded) printf("%ld frames recorded in %s/\n", pc.recorded, pc.record_dir);
    mz_session_destroy(ss);
    pictures_close(&pc);
    free(inputs);
    return 0;
}
