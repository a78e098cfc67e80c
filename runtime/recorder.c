#define _POSIX_C_SOURCE 200809L
#include "mz_recorder.h"

#include "mz_audio_offline.h"
#include "mz_error.h"
#include "mz_gen.h"
#include "mz_log.h"
#include "mz_manifest.h"
#include "mz_scene_interp.h"
#include "mz_session.h"
#include "overlay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mz_recorder {
    mz_record_video *video;
    mz_audio_offline *audio;
    mz_manifest *manifest;
    char path[4096];
    int w, h;
    double fps;
    uint64_t frames;
    float *samples;
    size_t samples_cap;
    char *prompt; /* the last prompt the sound was set from */
    /* What is burnt into the picture: the overlay last drawn, at the
     * video's size, straight-alpha RGBA; rows[y] says whether row y has any
     * of it (most rows have none, and are copied as they are). */
    mz_overlay *overlay;
    uint8_t *label;
    bool *rows;
    bool labelled;
    uint8_t *burnt; /* a frame with the label on it */
    bool narrate;
    bool speech_warned; /* narration failed once (logged); the sound goes on */
    char voice[32];
};

bool mz_recorder_overlay(mz_recorder *r, const mz_overlay_state *st)
{
    size_t row = (size_t)r->w * 4;
    if (!st) {
        r->labelled = false;
        return true;
    }
    if (!r->overlay && !(r->overlay = mz_overlay_create(NULL)))
        return mz_fail("recording: cannot draw the overlay: %s", mz_error());
    if (!r->label) r->label = malloc(row * r->h);
    if (!r->burnt) r->burnt = malloc(row * r->h);
    if (!r->rows) r->rows = calloc((size_t)r->h, sizeof *r->rows);
    if (!r->label || !r->burnt || !r->rows)
        return mz_fail("recording: out of memory for the overlay");
    SDL_Surface *s = mz_overlay_draw(r->overlay, r->w, r->h, st);
    if (!s) return mz_fail("recording: cannot draw the overlay: %s", mz_error());
    for (int y = 0; y < r->h; y++) {
        uint8_t *to = r->label + y * row;
        memcpy(to, (const uint8_t *)s->pixels + y * s->pitch, row);
        r->rows[y] = false;
        for (size_t x = 3; x < row && !r->rows[y]; x += 4)
            r->rows[y] = to[x] != 0;
    }
    r->labelled = true;
    return true;
}

/* The frame with the overlay blended over it. */
static const uint8_t *burn_label(mz_recorder *r, const uint8_t *rgba)
{
    size_t row = (size_t)r->w * 4;
    for (int y = 0; y < r->h; y++) {
        const uint8_t *from = rgba + y * row, *label = r->label + y * row;
        uint8_t *to = r->burnt + y * row;
        if (!r->rows[y]) {
            memcpy(to, from, row);
            continue;
        }
        for (size_t i = 0; i < row; i += 4) {
            unsigned a = label[i + 3];
            for (int c = 0; c < 3; c++)
                to[i + c] = (uint8_t)((from[i + c] * (255 - a) + label[i + c] * a + 127) / 255);
            to[i + 3] = 255;
        }
    }
    return r->burnt;
}

/* The sound of a prompt, or of a turn's weighted prompts blended as the
 * generator blends them: what it would read in them, plus tags. */
static void set_sound(mz_recorder *r, const char *prompt, const mz_story_prompt *prompts,
                      size_t nprompts, const char *const *tags, size_t ntags,
                      const char *const *files, size_t nfiles, float transition_s)
{
    if (r->prompt && prompt && !strcmp(r->prompt, prompt)) return;
    free(r->prompt);
    r->prompt = prompt ? strdup(prompt) : NULL;
    mz_scene_params params, each[MZ_SCENE_MAX_BLEND];
    float weight[MZ_SCENE_MAX_BLEND];
    size_t n = nprompts < MZ_SCENE_MAX_BLEND ? nprompts : MZ_SCENE_MAX_BLEND;
    for (size_t i = 0; i < n; i++) {
        mz_scene_interpret(NULL, prompts[i].text, NULL, &each[i], NULL);
        weight[i] = prompts[i].weight;
    }
    if (n)
        params = mz_scene_params_blend(each, weight, (int)n);
    else
        mz_scene_interpret(NULL, prompt ? prompt : "", NULL, &params, NULL);
    mz_audio_offline_set_scene(r->audio, &params, tags, ntags, files, nfiles, transition_s);
}

mz_recorder *mz_recorder_open(const mz_recorder_desc *d)
{
    mz_recorder *r = calloc(1, sizeof *r);
    if (!r) {
        mz_fail("recording: out of memory");
        return NULL;
    }
    snprintf(r->path, sizeof r->path, "%s", d->path);
    r->w = d->width;
    r->h = d->height;
    r->fps = d->fps > 0 ? d->fps : 30;
    r->narrate = d->narrate;
    snprintf(r->voice, sizeof r->voice, "%s", d->voice ? d->voice : "");
    const mz_provenance *p = d->provenance && !d->provenance->off ? d->provenance : NULL;
    char seed[24], source[128], generator[768];
    /* auth headers in a ComfyUI URI stay out of the file's tags */
    mz_gen_uri_shown(d->generator ? d->generator : "procedural", generator, sizeof generator);
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)d->seed);
    const char *backend = d->generator && strncmp(d->generator, "procedural", 10) != 0
                              ? "remote"
                              : "procedural";
    snprintf(source, sizeof source, "http://cv.iptc.org/newscodes/digitalsourcetype/%s",
             mz_provenance_source_type(backend));
    mz_record_tag tags[] = {
        {"title", d->title},
        {"comment", "Pictures and sound generated by " MZ_PROVENANCE_SOFTWARE},
        {"DigitalSourceType", source},
        {"generator", generator},
        {"seed", seed},
        {"story", p ? p->story_id : NULL},
        {"story_sha256", p ? p->story_hash : NULL},
    };
    int ntags = 0;
    mz_record_tag kept[sizeof tags / sizeof tags[0]];
    for (size_t i = 0; p && i < sizeof tags / sizeof tags[0]; i++)
        if (tags[i].value && *tags[i].value) kept[ntags++] = tags[i];
    r->audio = mz_audio_offline_create();
    if (r->audio)
        r->video = mz_record_video_open(&(mz_record_video_desc){
            .path = d->path,
            .width = (uint32_t)d->width,
            .height = (uint32_t)d->height,
            .fps = r->fps,
            .audio_rate = MZ_AUDIO_OFFLINE_RATE,
            .subtitles = true,
            .tags = kept,
            .tag_count = ntags,
            .realtime = d->realtime,
        });
    if (r->video && p)
        r->manifest = mz_manifest_create(&(mz_manifest_desc){
            .command = "video",
            .generator = d->generator,
            .story = p->story_id[0] ? p : NULL,
            .seed = d->seed,
            .width = d->width,
            .height = d->height,
            .fps = (float)r->fps,
        });
    if (!r->video || (p && !r->manifest) ||
        (d->disclosure && !mz_recorder_overlay(r, &(mz_overlay_state){.disclosure = d->disclosure}))) {
        mz_manifest_destroy(r->manifest); /* nothing to vouch for */
        r->manifest = NULL;
        mz_recorder_close(r, NULL, NULL);
        return NULL;
    }
    return r;
}

void mz_recorder_turn(mz_recorder *r, const mz_story_turn *t)
{
    set_sound(r, t->prompt, t->prompts, t->prompt_count, t->sound, t->sound_count, t->sound_files,
              t->sound_file_count, mz_session_transition_s(t, (float)r->fps));
    /* What the player says aloud: a new scene's caption. */
    if (r->narrate && t->scene_changed && t->caption && *t->caption &&
        !mz_audio_offline_say(r->audio, t->caption, r->voice) && !r->speech_warned) {
        mz_log_warn("recording: narration unavailable: %s", mz_error());
        r->speech_warned = true;
    }
    if (r->manifest) mz_manifest_turn(r->manifest, t);
    const char *said = t->reply && *t->reply ? t->reply : t->caption;
    if (!(t->input && *t->input) && !(said && *said)) return;
    size_t len = strlen(t->input ? t->input : "") + strlen(said ? said : "") + 8;
    char *text = malloc(len);
    if (!text) return;
    if (t->input && *t->input)
        snprintf(text, len, "> %s%s%s", t->input, said && *said ? "\n" : "", said ? said : "");
    else
        snprintf(text, len, "%s", said);
    mz_record_video_caption(r->video, text);
    free(text);
}

void mz_recorder_scene(mz_recorder *r, const char *prompt, float transition_s)
{
    set_sound(r, prompt, NULL, 0, NULL, 0, NULL, 0, transition_s);
    mz_record_video_caption(r->video, prompt);
}

bool mz_recorder_frame(mz_recorder *r, const mz_frame *f)
{
    if ((int)f->width != r->w || (int)f->height != r->h)
        return mz_fail("recording: a %ux%u frame in a %dx%d video", f->width, f->height, r->w,
                       r->h);
    /* each frame carries the samples up to its end, so rounding never drifts */
    size_t from = (size_t)((double)r->frames * MZ_AUDIO_OFFLINE_RATE / r->fps + 0.5);
    size_t to = (size_t)((double)(r->frames + 1) * MZ_AUDIO_OFFLINE_RATE / r->fps + 0.5);
    size_t n = to - from;
    if (n > r->samples_cap) {
        float *bigger = realloc(r->samples, n * 2 * sizeof(float));
        if (!bigger) return mz_fail("recording: out of memory");
        r->samples = bigger;
        r->samples_cap = n;
    }
    mz_audio_offline_render(r->audio, r->samples, n);
    r->frames++;
    const uint8_t *rgba = r->labelled ? burn_label(r, f->rgba) : f->rgba;
    return mz_record_video_frame(r->video, rgba, r->samples, n);
}

mz_record_video_stats mz_recorder_stats(mz_recorder *r)
{
    return mz_record_video_stats_get(r->video);
}

bool mz_recorder_close(mz_recorder *r, const char *backend, mz_record_video_stats *stats)
{
    if (!r) return true;
    bool ok = mz_record_video_close(r->video, stats);
    if (ok && r->manifest) {
        char manifest[4200];
        const char *slash = strrchr(r->path, '/');
        mz_manifest_file(r->manifest, slash ? slash + 1 : r->path);
        snprintf(manifest, sizeof manifest, "%s.json", r->path);
        ok = mz_manifest_write(r->manifest, manifest, backend && *backend ? backend : "procedural");
    }
    mz_manifest_destroy(r->manifest);
    mz_audio_offline_destroy(r->audio);
    free(r->samples);
    free(r->prompt);
    mz_overlay_destroy(r->overlay);
    free(r->label);
    free(r->rows);
    free(r->burnt);
    free(r);
    return ok;
}
