/* Scene jobs: one copy of a request and its conditioning frames, shared by
 * reference between the front and its backends (see mz_gen_backend.h). */
#include "mz_error.h"
#include "mz_gen_backend.h"

#include <stdlib.h>
#include <string.h>

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
