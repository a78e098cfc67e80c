/* Scene jobs: one copy of a request and its conditioning frames, and the
 * one reading of its words, shared by reference between the front and its
 * backends (see mz_gen_backend.h). */
#include "mz_defaults.h"
#include "mz_error.h"
#include "mz_gen_backend.h"
#include "mz_log.h"
#include "mz_scene_interp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(MZ_GEN_MAX_PROMPTS <= MZ_SCENE_MAX_BLEND, "the scene blends every prompt");

/* The one string the interpreter reads: a prompt, then the story's tags
 * (words it may know: "storm", "night"), then each comma-separated item of
 * the negative prompt as "no ITEM" (its negation rule turns "no rain" into
 * rain 0). Items are clauses of their own, so nothing reaches across. */
static char *compose_prompt(const mz_scene_request *req, const char *prompt)
{
    const char *neg = req->negative ? req->negative : "";
    size_t n = strlen(prompt) + 1 + strlen(neg) * 6 + 8;
    for (size_t i = 0; i < req->tag_count; i++)
        n += req->tags[i] ? strlen(req->tags[i]) + 2 : 0;
    char *s = malloc(n);
    if (!s) return NULL;
    strcpy(s, prompt);
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

/* One prompt's parameters. A prompt the interpreter refuses (or no memory)
 * reads as the default scene. */
static void interpret_one(const mz_scene_request *req, const char *prompt, mz_scene_params *out)
{
    char *text = compose_prompt(req, prompt);
    if (!text || !mz_scene_interpret(NULL, text, NULL, out, NULL)) *out = mz_scene_params_default();
    if (text && mz_log_enabled(MZ_LOG_DEBUG)) {
        char line[512];
        mz_scene_params_describe(out, line, sizeof line);
        mz_log_debug("gen: scene %llu \"%s\" -> %s", (unsigned long long)req->id, text, line);
    }
    free(text);
}

/* The scene's parameters, read once for every backend and the sound: its
 * prompts blended by weight (mz_scene_params_blend), or its one prompt. */
static void interpret(const mz_scene_request *req, mz_scene_params *out)
{
    if (!req->prompt_count) {
        interpret_one(req, req->prompt, out);
        return;
    }
    mz_scene_params each[MZ_GEN_MAX_PROMPTS];
    float w[MZ_GEN_MAX_PROMPTS];
    for (size_t i = 0; i < req->prompt_count; i++) {
        interpret_one(req, req->prompts[i].text, &each[i]);
        w[i] = req->prompts[i].weight;
    }
    *out = mz_scene_params_blend(each, w, (int)req->prompt_count);
}

static const char *const method_names[] = {"linear", "slerp"};

bool mz_transition_method_parse(const char *name, mz_transition_method *out)
{
    for (int i = 0; i < 2; i++)
        if (name && !strcmp(name, method_names[i])) {
            *out = (mz_transition_method)i;
            return true;
        }
    return mz_fail("transition method '%s': expected \"linear\" or \"slerp\"", name ? name : "");
}

const char *mz_transition_method_name(mz_transition_method m)
{
    return (unsigned)m < 2 ? method_names[m] : "?";
}

static float smooth01(float t)
{
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return t * t * (3 - 2 * t);
}

/* A stepped transition's share of the new scene at step x (0..1). */
static float stepped(mz_transition_method method, float x)
{
    if (method == MZ_TRANSITION_LINEAR) return x;
    /* slerp(a, b, x) of two orthogonal unit vectors is a cos(x pi/2) +
     * b sin(x pi/2); scene numbers are mixed, not rotated, so they take
     * those two weights normalised to sum 1. */
    float sa = cosf(x * 1.5707963f), sb = sinf(x * 1.5707963f);
    return sb / (sa + sb);
}

void mz_gen_transition_at(const mz_scene_request *r, uint32_t index, float *t, float *morph)
{
    /* The dissolve's clock: the conditioning image was shown one frame
     * before frame 0 (step 0). */
    float since = (float)index / r->fps + 1.0f / r->fps, trans = r->transition_s;
    *morph = 1.0f - smooth01(since / (trans * 0.8f));
    if (!r->transition_steps)
        *t = smooth01(since / trans);
    else /* counted in frames, so step N is exactly the last */
        *t = index + 1 >= r->transition_steps
                 ? 1.0f
                 : stepped(r->transition_method, (float)(index + 1) / (float)r->transition_steps);
}

/* A request's prompts, checked as the header promises. */
static bool check_prompts(const mz_scene_request *req)
{
    unsigned long long id = (unsigned long long)req->id;
    if (req->prompt_count > MZ_GEN_MAX_PROMPTS)
        return mz_fail("gen: scene %llu has %zu prompts; at most %d blend", id, req->prompt_count,
                       MZ_GEN_MAX_PROMPTS);
    if (req->prompt_count && !req->prompts)
        return mz_fail("gen: scene %llu: prompt_count without prompts", id);
    float sum = 0;
    for (size_t i = 0; i < req->prompt_count; i++) {
        float w = req->prompts[i].weight;
        if (!req->prompts[i].text)
            return mz_fail("gen: scene %llu: prompt %zu has no text", id, i + 1);
        if (!isfinite(w) || w < 0)
            return mz_fail("gen: scene %llu: prompt %zu has weight %g (a finite number >= 0)", id,
                           i + 1, (double)w);
        sum += w;
    }
    if (req->prompt_count && !(sum > 0 && isfinite(sum)))
        return mz_fail("gen: scene %llu: the prompts' weights sum to %g (more than 0 needed)", id,
                       (double)sum);
    if (req->transition_steps > MZ_GEN_MAX_TRANSITION_STEPS)
        return mz_fail("gen: scene %llu: a transition of %u steps (at most %d)", id,
                       req->transition_steps, MZ_GEN_MAX_TRANSITION_STEPS);
    if ((unsigned)req->transition_method > MZ_TRANSITION_SLERP)
        return mz_fail("gen: scene %llu: unknown transition method %d", id,
                       (int)req->transition_method);
    return true;
}

mz_scene_request mz_scene_request_defaults(const mz_scene_request *req)
{
    mz_scene_request r = *req;
    if (r.width <= 0) r.width = MZ_DEFAULT_FRAME_WIDTH;
    if (r.height <= 0) r.height = MZ_DEFAULT_FRAME_HEIGHT;
    if (!(r.fps > 0)) r.fps = MZ_DEFAULT_FPS;
    if (!(r.transition_s > 0)) r.transition_s = MZ_DEFAULT_TRANSITION_S;
    /* Steps take the place of seconds: backends that count seconds (the
     * sound's crossfade, servers that ignore steps) see the same length. */
    if (r.transition_steps) r.transition_s = (float)r.transition_steps / r.fps;
    return r;
}

mz_gen_job *mz_gen_job_make(const mz_scene_request *req, const mz_frame *cond, size_t count)
{
    if (!check_prompts(req)) return NULL;
    size_t first = count > MZ_GEN_MAX_CONDITIONING ? count - MZ_GEN_MAX_CONDITIONING : 0;
    /* One block: the job, the tag pointers, the prompts, the strings, the pixels. */
    size_t tags = req->tag_count, prompts = req->prompt_count;
    size_t size = sizeof(mz_gen_job) + tags * sizeof(char *) + prompts * sizeof(mz_scene_prompt) +
                  strlen(req->prompt) + 1 + (req->negative ? strlen(req->negative) + 1 : 0);
    for (size_t i = 0; i < tags; i++)
        size += strlen(req->tags[i] ? req->tags[i] : "") + 1;
    for (size_t i = 0; i < prompts; i++)
        size += strlen(req->prompts[i].text) + 1;
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
    mz_scene_prompt *prompt = (mz_scene_prompt *)(job + 1);
    const char **tag = (const char **)(prompt + prompts);
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
    float sum = 0;
    for (size_t i = 0; i < prompts; i++)
        sum += req->prompts[i].weight;
    for (size_t i = 0; i < prompts; i++) {
        prompt[i] = (mz_scene_prompt){.text = p, .weight = req->prompts[i].weight / sum};
        p = stpcpy(p, req->prompts[i].text) + 1;
    }
    job->req.prompts = prompts ? prompt : NULL;
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
