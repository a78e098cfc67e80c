/* mz_gen_backend — what a generator backend implements (private to engine/gen).
 *
 * The front (mz_gen.c) owns the frame ring, picks a backend by URI, and
 * handles superseding and stats; a backend only turns requests into frames
 * and hands each finished frame to the sink, from any thread. A remote
 * backend also tells the sink whether its server is healthy, so the front
 * can switch to the fallback backend and back.
 *
 * Versioned: a backend whose `version` differs from MZ_GEN_BACKEND_VERSION
 * is refused at open. */
#ifndef MZ_GEN_BACKEND_H
#define MZ_GEN_BACKEND_H

#include "mz_gen.h"

#include <stdatomic.h>

#define MZ_GEN_BACKEND_VERSION 2

/* The newest conditioning frames a job keeps (older ones are dropped). */
#define MZ_GEN_MAX_CONDITIONING 4

/* A scene as the front hands it to backends: the request with copies of
 * everything it points to, made once per submit (job.c). Read-only once
 * made, so the front and any number of backends share it across threads:
 * each holder owns one reference and gives it back with
 * mz_gen_job_release; the last release frees it. */
typedef struct mz_gen_job {
    /* With its defaults filled in (mz_scene_request_defaults); prompt,
     * negative, tags and prompts point into the job; the prompts' weights
     * are normalised to sum 1. */
    mz_scene_request req;
    /* The last frames shown, oldest first, at most MZ_GEN_MAX_CONDITIONING:
     * rgba points into the job. */
    mz_frame cond[MZ_GEN_MAX_CONDITIONING];
    size_t cond_count;
    /* What engine/scene's interpreter reads in the prompt (or each of the
     * prompts, blended by weight), the tags and the negative prompt (each
     * item as "no ITEM"). */
    mz_scene_params params;
    atomic_int refs; /* job.c's */
} mz_gen_job;

/* A job with one reference (the caller's), or NULL + mz_fail(). Keeps the
 * newest MZ_GEN_MAX_CONDITIONING of `cond`. */
mz_gen_job *mz_gen_job_make(const mz_scene_request *req, const mz_frame *cond, size_t count);
/* Where frame `index` of r stands in the change from the scene before:
 * *t how far the parameters have come (0..1; with transition_steps, step
 * index+1 of them on r's method's curve, 1 from frame steps-1 on; else
 * eased over transition_s) and *morph how much of the old image still
 * dissolves away (1..0, over the first 80% of transition_s). */
void mz_gen_transition_at(const mz_scene_request *r, uint32_t index, float *t, float *morph);
/* Another reference to job; returns job. */
mz_gen_job *mz_gen_job_retain(mz_gen_job *job);
/* Gives one reference back; NULL is ignored. */
void mz_gen_job_release(mz_gen_job *job);

typedef struct mz_gen_sink mz_gen_sink;

/* Copies a finished frame into the ring. Returns false when the frame's
 * scene has been superseded or cancelled: the backend should stop that
 * scene. In realtime mode this may wait (bounded) for ring space. */
bool mz_gen_sink_push(mz_gen_sink *sink, const mz_frame *frame);

/* A remote backend reports its server's state (reachable and serving). */
void mz_gen_sink_health(mz_gen_sink *sink, bool healthy, const char *why);

/* What makes the frames, as far as the backend knows it (a remote server's
 * name and backend from its welcome; copied): mz_gen_stats.generator. */
void mz_gen_sink_describe(mz_gen_sink *sink, const char *what);

/* A backend that knows how far it is with a scene says so (ComfyUI: its
 * sampler's steps): making until the scene's last frame is made or its job
 * ends, done 0..1. Read by mz_gen_stats (the player's working indicator);
 * ignored unless scene_id is the current scene. Never blocks. */
void mz_gen_sink_progress(mz_gen_sink *sink, uint64_t scene_id, bool making, float done);

typedef struct mz_gen_backend {
    uint32_t version;
    const char *name;
    bool (*accepts)(const char *uri);
    /* Returns the backend's state, or NULL + mz_fail(). desc has its
     * defaults filled in (mz_gen_desc_defaults). */
    void *(*open)(const mz_gen_desc *desc, mz_gen_sink *sink);
    /* Takes over one reference to job (released by the backend when done
     * with it, also when submit fails); never blocks on work. */
    bool (*submit)(void *self, mz_gen_job *job);
    void (*cancel)(void *self);
    void (*close)(void *self);
    /* Frames come from a server that may be absent, late or broken: the
     * front opens desc->fallback beside this backend and switches to it
     * (see mz_gen.c). Zero for local backends. */
    bool remote;
} mz_gen_backend;

/* Opens a generator on a given backend instead of one chosen by URI: for
 * tests (a fake backend) and for programs that bring their own backend. */
mz_gen *mz_gen_open_backend(const mz_gen_desc *desc, const mz_gen_backend *backend);

#endif
