#include "mz_audio_offline.h"

#include "mz_audio_internal.h"
#include "mz_error.h"
#include "mz_log.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(MZ_AUDIO_OFFLINE_RATE == MZ_AUDIO_RATE, "one rate for live and offline sound");

/* Speech clips kept while a layer plays them: the one said, and those
 * still fading out after being replaced. */
#define OFFLINE_SPEECH 4

struct mz_audio_offline {
    mz_mix mix;
    mz_clip *speech[OFFLINE_SPEECH];
    char *paths[MZ_AUDIO_OFFLINE_FILES];
    mz_clip *clips[MZ_AUDIO_OFFLINE_FILES];
    int nclips;
};

mz_audio_offline *mz_audio_offline_create(void)
{
    mz_audio_offline *a = calloc(1, sizeof *a);
    if (!a) {
        mz_fail("audio: out of memory");
        return NULL;
    }
    mz_mix_init(&a->mix, 1.0f);
    return a;
}

void mz_audio_offline_destroy(mz_audio_offline *a)
{
    if (!a) return;
    mz_mix_free(&a->mix);
    for (int i = 0; i < OFFLINE_SPEECH; i++)
        mz_clip_free(a->speech[i]);
    for (int i = 0; i < a->nclips; i++) {
        free(a->paths[i]);
        mz_clip_free(a->clips[i]);
    }
    free(a);
}

/* A file's clip, decoded once; NULL if it cannot be read (logged). */
static const mz_clip *clip_for(mz_audio_offline *a, const char *path)
{
    for (int i = 0; i < a->nclips; i++)
        if (!strcmp(a->paths[i], path)) return a->clips[i];
    if (a->nclips == MZ_AUDIO_OFFLINE_FILES) return NULL;
    mz_clip *clip = mz_clip_load(path);
    size_t len = strlen(path) + 1;
    char *copy = malloc(len);
    if (!copy) {
        mz_clip_free(clip);
        return NULL;
    }
    memcpy(copy, path, len);
    if (!clip) mz_log_warn("audio: %s; recording without it", mz_error());
    a->paths[a->nclips] = copy;
    a->clips[a->nclips++] = clip;
    return clip;
}

void mz_audio_offline_set_scene(mz_audio_offline *a, const mz_scene_params *params,
                                const char *const *tags, size_t ntags, const char *const *files,
                                size_t nfiles, float transition_s)
{
    mz_plan plan;
    mz_plan_scene(&plan, params, tags, tags ? ntags : 0);
    mz_mix_set_scene(&a->mix, &plan, transition_s);
    const mz_clip *keep[MZ_PLAN_FILES];
    int nkeep = 0;
    for (size_t i = 0; files && i < nfiles && nkeep < MZ_PLAN_FILES; i++) {
        const mz_clip *clip = files[i] ? clip_for(a, files[i]) : NULL;
        if (clip) keep[nkeep++] = clip;
    }
    for (int i = 0; i < nkeep; i++)
        mz_mix_add_clip(&a->mix, keep[i], MZ_AUDIO_CLIP_LEVEL, transition_s);
    mz_mix_keep_clips(&a->mix, keep, nkeep, transition_s);
}

bool mz_audio_offline_say(mz_audio_offline *a, const char *text, const char *voice)
{
    int slot = -1;
    for (int i = 0; i < OFFLINE_SPEECH; i++) {
        if (a->speech[i] && !mz_mix_plays(&a->mix, a->speech[i])) {
            mz_clip_free(a->speech[i]);
            a->speech[i] = NULL;
        }
        if (!a->speech[i]) slot = i;
    }
    if (!text || !*text) {
        mz_mix_speak(&a->mix, NULL);
        return true;
    }
    if (slot < 0) return mz_fail("audio: %d lines still being said; this one is not", OFFLINE_SPEECH);
    mz_clip *clip = mz_speech_synth(text, voice && *voice ? voice : NULL);
    if (!clip) return false;
    a->speech[slot] = clip;
    mz_mix_speak(&a->mix, clip);
    return true;
}

void mz_audio_offline_render(mz_audio_offline *a, float *stereo, size_t frames)
{
    for (size_t pos = 0; pos < frames;) {
        int n = frames - pos < MZ_AUDIO_BLOCK ? (int)(frames - pos) : MZ_AUDIO_BLOCK;
        mz_mix_render_stereo(&a->mix, stereo + 2 * pos, n);
        pos += (size_t)n;
    }
}
