/* Scene jobs: one copy of a request and its conditioning frames, and the
 * one reading of its words, shared by reference between the front and its
 * backends (see mz_gen_backend.h). */
#include "mz_defaults.h"
#include "mz_error.h"
#include "mz_gen_backend.h"
#include "mz_log.h"
#include "mz_scene_interp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one string the interpreter reads: the prompt, then the story's tags
 * (words it may know: "storm", "night"), then each comma-separated item of
 * the negative prompt as "no ITEM" (its negation rule turns "no rain" into
 * rain 0). Items are clauses of their own, so nothing reaches across. */
static char *compose_prompt(const mz_scene_request *req)
{
    const char *neg = req->negative ? req->negative : "";
    size_t n = strlen(req->prompt) + 1 + strlen(neg) * 6 + 8;
    for (size_t i = 0; i < req->tag_count; i++)
        n += req->tags[i] ? strlen(req->tags[i]) + 2 : 0;
    char *s = malloc(n);
    if (!s) return NULL;
    strcpy(s, req->prompt);
    size_t at = strlen(s);
    for (size_t i = 0; i < req->tag_count; i++)
        if (req->tags[i]) at += (size_t)sprintf(s + at, ". %s", req->tags[i]);
    while (*neg) {
        size_t len = strcspn(neg, ",");
        if (len) at += (size_t)sprintf(s + at, ". no %.*s", (int)len, neg);
        neg += len + (neg[len] == ',');
    }
    return s;
}

/* The scene's parameters, read once for every backend and the sound. A
 * prompt the interpreter refuses (or no memory) reads as the default scene. */
static void interpret(const mz_scene_request *req, mz_scene_params *out)
{
    char *text = compose_prompt(req);
    if (!text || !mz_scene_interpret(NULL, text, NULL, out, NULL)) *out = mz_scene_params_default();
    if (text && mz_log_enabled(MZ_LOG_DEBUG)) {
        char line[512];
        mz_scene_params_describe(out, line, sizeof line);
        mz_log_debug("gen: scene %llu \"%s\" -> %s", (unsigned long long)req->id, text, line);
    }
    free(text);
}

mz_scene_request mz_scene_request_defaults(const mz_scene_request *req)
{
    mz_scene_request r = *req;
    if (r.width <= 0) r.width = MZ_DEFAULT_FRAME_WIDTH;
    if (r.height <= 0) r.height = MZ_DEFAULT_FRAME_HEIGHT;
    if (!(r.fps > 0)) r.fps = MZ_DEFAULT_FPS;
    if (!(r.transition_s > 0)) r.transition_s = MZ_DEFAULT_TRANSITION_S;
    return r;
}

mz_gen_job *mz_gen_job_make(const mz_scene_request *req, const mz_frame *cond, size_t count)
{
    size_t first = count > MZ_GEN_MAX_CONDITIONING ? count - MZ_GEN_MAX_CONDITIONING : 0;
    /* One block: the job, the tag pointers, the strings, the pixels. */
    size_t tags = req->tag_count;
    size_t size = sizeof(mz_gen_job) + tags * sizeof(char *) + strlen(req->prompt) + 1 +
                  (req->negative ? strlen(req->negative) + 1 : 0);
    for (size_t i = 0; i < tags; i++)
        size += strlen(req->tags[i] ? req->tags[i] : "") + 1;
    for (size_t i = first; i < count; i++)
        size += (size_t)cond[i].width * cond[i].height * 4;
    mz_gen_job *job = malloc(size);
    if (!job) {
        mz_fail("gen: out of memory for scene %llu", (unsigned long long)req->id);
        return NULL;
    }
    memset(job, 0, sizeof *job);
    atomic_init(&job->refs, 1);
    job->req = mz_scene_request_defaults(req);
    const char **tag = (const char **)(job + 1);
    char *p = (char *)(tag + tags);
    job->req.prompt = p;
    p = stpcpy(p, req->prompt) + 1;
    if (req->negative) {
        job->req.negative = p;
        p = stpcpy(p, req->negative) + 1;
    }
    for (size_t i = 0; i < tags; i++) {
        tag[i] = p;
        p = stpcpy(p, req->tags[i] ? req->tags[i] : "") + 1;
    }
    job->req.tags = tags ? tag : NULL;
    for (size_t i = first; i < count; i++) {
        size_t bytes = (size_t)cond[i].width * cond[i].height * 4;
        memcpy(p, cond[i].rgba, bytes);
        job->cond[job->cond_count] = cond[i];
        job->cond[job->cond_count++].rgba = (const uint8_t *)p;
        p += bytes;
    }
    interpret(&job->req, &job->params);
    return job;
}

mz_gen_job *mz_gen_job_retain(mz_gen_job *job)
{
    atomic_fetch_add(&job->refs, 1);
    return job;
}

void mz_gen_job_release(mz_gen_job *job)
{
    if (job && atomic_fetch_sub(&job->refs, 1) == 1) free(job);
}
