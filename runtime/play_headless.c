/* play_headless.c — the story alone, fed from a file of viewer lines. */
#include "mz_play.h"
#include "mz_session.h"

#include "mz_error.h"
#include "mz_gen.h"
#include "mz_gpu.h"
#include "mz_record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0, got;
    char *data = malloc(cap);
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(data, cap * 2);
            if (!bigger) {
                free(data);
                data = NULL;
            }
            data = bigger;
            cap *= 2;
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(data);
        return NULL;
    }
    *len = n;
    return data;
}

static void show(const mz_story_turn *t)
{
    if (t->scene_changed) {
        printf("[%d] %s", t->turn, t->scene);
        if (t->caption[0]) printf(": %s", t->caption);
        printf("\n");
    }
    if (t->reply) printf("    \"%s\"\n", t->reply);
    if (t->error) fprintf(stderr, "%s\n", t->error);
}

/* The generator side of a headless play: frames made, shown (to the
 * session) and recorded. */
typedef struct pictures {
    mz_gpu *gpu;
    mz_gen *gen;
    const char *record_dir;
    int frames_per_turn;
    long recorded;
} pictures;

static bool pictures_open(pictures *pc, const mz_play_headless_desc *desc)
{
    memset(pc, 0, sizeof *pc);
    if (!desc->generator && !desc->record_dir) return true;
    pc->record_dir = desc->record_dir;
    float fps = desc->fps > 0 ? desc->fps : 30.0f;
    pc->frames_per_turn = desc->frames_per_turn > 0 ? desc->frames_per_turn : (int)(fps + 0.5f);
    if (pc->record_dir && !mz_record_make_dir(pc->record_dir)) return false;
    if (!(pc->gpu = mz_gpu_create(NULL))) return false;
    mz_gen_desc gd = {.uri = desc->generator, .gpu = pc->gpu};
    return (pc->gen = mz_gen_open(&gd)) != NULL;
}

static void pictures_close(pictures *pc)
{
    mz_gen_close(pc->gen);
    mz_gpu_destroy(pc->gpu);
}

/* Shows (and records) the frames of one turn. */
static bool pictures_turn(pictures *pc, mz_session *ss)
{
    mz_frame f;
    for (int i = 0; pc->gen && i < pc->frames_per_turn; i++) {
        if (!mz_gen_wait(pc->gen, &f, 10000)) return mz_fail("the generator made no frame in 10 s");
        mz_session_frame_shown(ss, &f);
        if (!pc->record_dir) continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/frame_%06ld.png", pc->record_dir, pc->recorded);
        if (!mz_record_png_write(path, f.rgba, f.width, f.height)) return false;
        pc->recorded++;
    }
    return true;
}

int mz_play_headless(const mz_play_headless_desc *desc)
{
    size_t len = 0;
    char *inputs = read_all(desc->inputs_path, &len);
    if (!inputs) {
        fprintf(stderr, "maze play: cannot read the inputs %s\n", desc->inputs_path);
        return 2;
    }
    pictures pc;
    if (!pictures_open(&pc, desc)) {
        fprintf(stderr, "maze play: %s\n", mz_error());
        pictures_close(&pc);
        free(inputs);
        return 1;
    }
    mz_session *ss = mz_session_create(&(mz_session_desc){
        .story_path = desc->story_path,
        .seed = desc->seed,
        .trace_path = desc->trace_path,
        .gen = pc.gen,
        .width = desc->width,
        .height = desc->height,
        .fps = desc->fps,
        .at = desc->at,
        .sets = desc->sets,
        .set_count = (size_t)desc->set_count,
    });
    if (!ss) {
        fprintf(stderr, "maze play: %s\n", mz_error());
        pictures_close(&pc);
        free(inputs);
        return 1;
    }
    printf("%s\n", mz_story_title(mz_session_story(ss)));
    if (!mz_session_begin(ss)) {
        fprintf(stderr, "maze play: %s\n", mz_error());
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
                printf("    (%s)\n", mz_error());
        } else if (t->ended) {
            left++;
        } else {
            printf("> %.*s\n", (int)n, inputs + pos);
            mz_session_input(ss, inputs + pos, n);
            t = mz_session_turn(ss);
            show(t);
            pictures_ok = pictures_ok && pictures_turn(&pc, ss);
        }
        pos = end + 1;
    }
    if (t->ended)
        printf("the story ended at '%s' after %d turns%s\n", t->ending, t->turn,
               left ? " (inputs left over)" : "");
    else
        printf("the inputs ran out at '%s' after %d turns\n", t->scene, t->turn);
    if (!pictures_ok) fprintf(stderr, "maze play: frames: %s\n", mz_error());
    if (pc.recorded) printf("%ld frames recorded in %s/\n", pc.recorded, pc.record_dir);
    mz_session_destroy(ss);
    pictures_close(&pc);
    free(inputs);
    return 0;
}
