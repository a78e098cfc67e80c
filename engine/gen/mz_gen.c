/* The generator front: backend choice, the frame ring, superseding, pacing
 * and stats. Backends only make frames; everything a consumer sees about
 * ordering and memory is decided here, the same for every backend.
 *
 * The ring has ring_frames + 2 fixed slots: up to ring_frames ready frames,
 * one being filled by the producer and one held by the consumer (the frame
 * the last poll returned, valid until the next poll). Slot buffers are
 * allocated at open for the default size and only grow when a request asks
 * for bigger frames, so memory is bounded by slots x the largest frame.
 *
 * Fallback: a remote backend (backend->remote) gets a second, local backend
 * beside it (desc->fallback, normally procedural), opened and warmed up at
 * open. The owner's thread supervises in poll/wait/submit: when the remote
 * reports itself unhealthy, or makes no frame of the current scene within
 * desc->deadline_s, the fallback takes the scene over at once, starting from
 * the frame on screen; when the remote delivers a frame of the current scene
 * again, it takes back over. Backends are only ever called from the owner's
 * thread, so the switch needs no locking beyond the ring's. */
#include "mz_gen.h"
#include "mz_gen_backend.h"
#include "mz_gen_backends.h"
#include "comfy_uri.h"

#include "mz_defaults.h"
#include "mz_error.h"
#include "mz_log.h"
#include "mz_stats.h"
#include "mz_time.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RING 256
#define LATENCY_WINDOW 256
#define FPS_WINDOW 128

static const mz_gen_backend *const backends[] = {
    &mz_gen_procedural_backend,
    &mz_gen_remote_backend,
    &mz_gen_comfy_backend,
};
#define BACKEND_COUNT (sizeof backends / sizeof backends[0])

typedef enum slot_state { SLOT_FREE, SLOT_WRITING, SLOT_READY, SLOT_HELD } slot_state;

typedef struct ring_slot {
    slot_state state;
    uint8_t *rgba;
    size_t cap;
    mz_frame frame;
} ring_slot;

/* A backend in use: the primary, and a remote backend's fallback; only
 * frames from the active one reach the ring. */
struct mz_gen_sink {
    mz_gen *gen;
    const mz_gen_backend *backend; /* NULL: no such backend (no fallback) */
    void *self;
    bool healthy;
    char why[160]; /* its last health report */
    char what[128]; /* what makes its frames (mz_gen_sink_describe); "" unsaid */
};

struct mz_gen {
    pthread_mutex_t lock;
    pthread_cond_t space; /* a slot was freed, the scene changed, or closing */
    pthread_cond_t ready; /* a frame was queued */
    bool realtime;
    bool closing;

    ring_slot *slots;
    int nslots, ring_frames;
    int *queue; /* ready slot indices, oldest first, circular */
    int qhead, qlen;
    int held; /* slot the consumer holds, or -1 */

    mz_gen_sink primary;
    mz_gen_sink fallback;
    mz_gen_sink *active;
    uint64_t deadline_ns;   /* no frame from the primary for this long: fall back */
    uint64_t progress_ns;   /* the primary's last sign of life in this scene */
    uint32_t primary_frames; /* of the current scene, from the primary */
    uint32_t scene_frames;  /* frames the scene has; 0: open-ended */
    bool primary_back;      /* the primary made a frame while standing in */
    bool making;            /* the primary says it is making the scene (stats) */
    float made;             /* how far, 0..1 */
    mz_gen_job *last;       /* the current scene, for the fallback; owner thread only */

    /* The scene in flight. */
    uint64_t current;        /* 0: none (cancelled or nothing submitted) */
    uint64_t submit_ns;      /* when it was submitted */
    bool first_seen;         /* its first frame has been queued */
    double period_ns;        /* 1 / fps */
    uint64_t pace_origin_ns; /* realtime: when frame 0 was due */

    /* Stats. */
    uint64_t frames, dropped;
    uint64_t frame_ns[FPS_WINDOW]; /* queue times of the latest frames, circular */
    double latency_ms[LATENCY_WINDOW];
    uint64_t scenes;
    double last_latency_ms;
};

static void deadline_after(struct timespec *ts, uint64_t ns_from_now)
{
    uint64_t at = mz_time_ns() + ns_from_now;
    ts->tv_sec = (time_t)(at / 1000000000u);
    ts->tv_nsec = (long)(at % 1000000000u);
}

static void cond_init_monotonic(pthread_cond_t *c)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(c, &attr);
    pthread_condattr_destroy(&attr);
}

static int queue_pop(mz_gen *g)
{
    int s = g->queue[g->qhead];
    g->qhead = (g->qhead + 1) % g->nslots;
    g->qlen--;
    return s;
}

/* Frees every queued frame (not the held one). Lock held. */
static void purge_queue(mz_gen *g)
{
    while (g->qlen)
        g->slots[queue_pop(g)].state = SLOT_FREE;
    pthread_cond_broadcast(&g->space);
}

static bool still_wanted(const mz_gen *g, const mz_gen_sink *sink, uint64_t scene)
{
    return !g->closing && g->active == sink && scene == g->current;
}

/* Realtime: holds frame `index` until it is due, so frames leave at the
 * scene's fps. A producer that fell behind restarts the clock instead of
 * releasing a burst. Lock held; returns false if the scene went away. */
static bool pace(mz_gen *g, const mz_gen_sink *sink, const mz_frame *f)
{
    uint64_t now = mz_time_ns();
    /* The clock starts at this frame: after a switch between backends the
     * first frame may have any index. */
    if (f->index == 0 || !g->pace_origin_ns)
        g->pace_origin_ns = now - (uint64_t)(f->index * g->period_ns);
    uint64_t due = g->pace_origin_ns + (uint64_t)(f->index * g->period_ns);
    if (now > due + (uint64_t)g->period_ns) {
        g->pace_origin_ns = now - (uint64_t)(f->index * g->period_ns);
        return true;
    }
    struct timespec ts = {(time_t)(due / 1000000000u), (long)(due % 1000000000u)};
    while (still_wanted(g, sink, f->scene_id) && mz_time_ns() < due)
        pthread_cond_timedwait(&g->space, &g->lock, &ts);
    return still_wanted(g, sink, f->scene_id);
}

/* Waits for room in the queue. Realtime waits one frame period, then drops
 * the oldest frame (the consumer is behind); otherwise it waits for the
 * consumer. Lock held; returns a free slot, or -1 if the scene went away. */
static int reserve_slot(mz_gen *g, const mz_gen_sink *sink, uint64_t scene)
{
    while (still_wanted(g, sink, scene) && g->qlen >= g->ring_frames) {
        if (!g->realtime) {
            pthread_cond_wait(&g->space, &g->lock);
            continue;
        }
        struct timespec ts;
        deadline_after(&ts, (uint64_t)g->period_ns);
        if (pthread_cond_timedwait(&g->space, &g->lock, &ts) != 0 && g->qlen >= g->ring_frames) {
            g->slots[queue_pop(g)].state = SLOT_FREE;
            g->dropped++;
        }
    }
    if (!still_wanted(g, sink, scene)) return -1;
    for (int i = 0; i < g->nslots; i++)
        if (g->slots[i].state == SLOT_FREE) return i;
    return -1; /* unreachable: qlen < ring_frames leaves two slots besides the held one */
}

static void record_queued(mz_gen *g, const mz_frame *f)
{
    uint64_t now = mz_time_ns();
    g->frame_ns[g->frames % FPS_WINDOW] = now;
    g->frames++;
    if (!g->first_seen && f->scene_id == g->current) {
        g->first_seen = true;
        g->last_latency_ms = (double)(now - g->submit_ns) / 1e6;
        g->latency_ms[g->scenes % LATENCY_WINDOW] = g->last_latency_ms;
        g->scenes++;
    }
}

bool mz_gen_sink_push(mz_gen_sink *sink, const mz_frame *frame)
{
    mz_gen *g = sink->gen;
    size_t bytes = (size_t)frame->width * frame->height * 4;
    pthread_mutex_lock(&g->lock);
    if (sink == &g->primary && frame->scene_id == g->current && !g->closing) {
        g->progress_ns = mz_time_ns();
        if (g->active != sink) {
            /* Back while the fallback stands in: the owner switches at its
             * next poll; meanwhile keep the remote scene going. */
            g->primary_back = true;
            pthread_cond_broadcast(&g->ready);
            pthread_mutex_unlock(&g->lock);
            return true;
        }
        g->primary_frames++;
    }
    if (!still_wanted(g, sink, frame->scene_id) || (g->realtime && !pace(g, sink, frame))) {
        pthread_mutex_unlock(&g->lock);
        return false;
    }
    int s = reserve_slot(g, sink, frame->scene_id);
    if (s < 0) {
        pthread_mutex_unlock(&g->lock);
        return false;
    }
    ring_slot *slot = &g->slots[s];
    slot->state = SLOT_WRITING;
    pthread_mutex_unlock(&g->lock);

    /* The copy happens unlocked: the slot is ours while WRITING. */
    bool ok = true;
    if (slot->cap < bytes) {
        uint8_t *bigger = realloc(slot->rgba, bytes);
        if (bigger) {
            slot->rgba = bigger;
            slot->cap = bytes;
        } else {
            ok = false;
        }
    }
    if (ok) memcpy(slot->rgba, frame->rgba, bytes);

    pthread_mutex_lock(&g->lock);
    if (!ok || !still_wanted(g, sink, frame->scene_id)) {
        slot->state = SLOT_FREE;
        pthread_mutex_unlock(&g->lock);
        if (!ok) mz_log_error("gen: out of memory for a %ux%u frame", frame->width, frame->height);
        return false;
    }
    slot->frame = *frame;
    slot->frame.rgba = slot->rgba;
    slot->state = SLOT_READY;
    g->queue[(g->qhead + g->qlen) % g->nslots] = s;
    g->qlen++;
    record_queued(g, frame);
    pthread_cond_broadcast(&g->ready);
    pthread_mutex_unlock(&g->lock);
    return true;
}

void mz_gen_sink_health(mz_gen_sink *sink, bool healthy, const char *why)
{
    mz_gen *g = sink->gen;
    pthread_mutex_lock(&g->lock);
    bool changed = sink->healthy != healthy;
    sink->healthy = healthy;
    snprintf(sink->why, sizeof sink->why, "%s", why ? why : "");
    pthread_cond_broadcast(&g->ready); /* a waiting owner supervises now */
    pthread_mutex_unlock(&g->lock);
    if (changed)
        mz_log_warn("gen: %s is %s%s%s", sink->backend->name, healthy ? "healthy" : "unhealthy",
                    why ? ": " : "", why ? why : "");
}

void mz_gen_sink_describe(mz_gen_sink *sink, const char *what)
{
    pthread_mutex_lock(&sink->gen->lock);
    snprintf(sink->what, sizeof sink->what, "%s", what ? what : "");
    pthread_mutex_unlock(&sink->gen->lock);
}

void mz_gen_uri_shown(const char *uri, char *out, size_t cap)
{
    if (!mz_comfy_uri_accepts(uri)) {
        /* The remote backend's token=VALUE (docs/protocol.md) */
        const char *t = uri ? strstr(uri, "?token=") : NULL;
        if (!t && uri) t = strstr(uri, "&token=");
        if (t)
            snprintf(out, cap, "%.*s***%s", (int)(t + 7 - uri), uri, t + 7 + strcspn(t + 7, "&"));
        else
            snprintf(out, cap, "%s", uri ? uri : "");
        return;
    }
    mz_comfy_uri *u = malloc(sizeof *u); /* 17 kB: headers up to a JWT's size */
    if (u && mz_comfy_uri_parse(uri, u))
        snprintf(out, cap, "%s", u->shown);
    else /* never opened; its header values are not known to be hidden */
        snprintf(out, cap, "comfy: a URI that does not parse");
    free(u);
}

void mz_gen_sink_progress(mz_gen_sink *sink, uint64_t scene_id, bool making, float done)
{
    mz_gen *g = sink->gen;
    pthread_mutex_lock(&g->lock);
    if (sink == &g->primary && scene_id == g->current) {
        g->making = making;
        g->made = done;
    }
    pthread_mutex_unlock(&g->lock);
}

static const mz_gen_backend *find_backend(const char *uri)
{
    for (size_t i = 0; i < BACKEND_COUNT; i++)
        if (backends[i]->accepts(uri)) return backends[i];
    return NULL;
}

static void open_fallback(mz_gen *g, const mz_gen_desc *desc);

mz_gen_desc mz_gen_desc_defaults(const mz_gen_desc *desc)
{
    mz_gen_desc d = desc ? *desc : (mz_gen_desc){0};
    if (!d.uri || !d.uri[0]) d.uri = "procedural";
    if (d.ring_frames <= 0) d.ring_frames = MZ_DEFAULT_RING_FRAMES;
    if (d.ring_frames > MAX_RING) d.ring_frames = MAX_RING;
    if (!d.fallback) d.fallback = "procedural";
    if (!(d.deadline_s > 0)) d.deadline_s = MZ_DEFAULT_DEADLINE_S;
    if (!(d.scale >= 0.25f && d.scale <= 1.0f)) d.scale = 0;
    return d;
}

mz_gen *mz_gen_open(const mz_gen_desc *desc)
{
    mz_gen_desc d = mz_gen_desc_defaults(desc);
    const mz_gen_backend *be = find_backend(d.uri);
    if (!be) {
        mz_fail("gen: no backend for '%s' (known: procedural, ws://host:port, "
                "comfy[s]://host:port?workflow=FILE)",
                d.uri);
        return NULL;
    }
    return mz_gen_open_backend(&d, be);
}

mz_gen *mz_gen_open_backend(const mz_gen_desc *given, const mz_gen_backend *be)
{
    if (be->version != MZ_GEN_BACKEND_VERSION) {
        mz_fail("gen: backend '%s' has version %u, this engine needs %u", be->name, be->version,
                MZ_GEN_BACKEND_VERSION);
        return NULL;
    }
    const mz_gen_desc d = mz_gen_desc_defaults(given), *desc = &d;
    int ring = desc->ring_frames;
    mz_gen *g = calloc(1, sizeof *g);
    if (!g) {
        mz_fail("gen: out of memory");
        return NULL;
    }
    pthread_mutex_init(&g->lock, NULL);
    cond_init_monotonic(&g->space);
    cond_init_monotonic(&g->ready);
    g->realtime = desc->realtime;
    g->ring_frames = ring;
    g->nslots = ring + 2;
    g->held = -1;
    g->period_ns = 1e9 / MZ_DEFAULT_FPS;
    g->slots = calloc((size_t)g->nslots, sizeof *g->slots);
    g->queue = calloc((size_t)g->nslots, sizeof *g->queue);
    const size_t default_bytes = MZ_DEFAULT_FRAME_WIDTH * MZ_DEFAULT_FRAME_HEIGHT * 4;
    bool ok = g->slots && g->queue;
    for (int i = 0; ok && i < g->nslots; i++) {
        g->slots[i].rgba = malloc(default_bytes);
        g->slots[i].cap = g->slots[i].rgba ? default_bytes : 0;
        ok = g->slots[i].rgba != NULL;
    }
    if (!ok) {
        mz_fail("gen: out of memory for the frame ring");
        mz_gen_close(g);
        return NULL;
    }
    g->primary = (mz_gen_sink){.gen = g, .backend = be, .healthy = true};
    g->active = &g->primary;
    g->deadline_ns = (uint64_t)(desc->deadline_s * 1e9);
    if (be->remote) open_fallback(g, desc);
    g->primary.self = be->open(desc, &g->primary);
    if (!g->primary.self) {
        mz_fail_context("gen: opening '%s'", be->name);
        mz_gen_close(g);
        return NULL;
    }
    return g;
}

/* The fallback is opened at open, not at the first failure, so switching
 * costs no device creation or shader compile. Without one (desc->fallback
 * "", or it cannot open) the remote backend runs alone. */
static void open_fallback(mz_gen *g, const mz_gen_desc *desc)
{
    const char *uri = desc->fallback;
    if (!uri[0]) return;
    const mz_gen_backend *fb = find_backend(uri);
    if (!fb || fb->remote || fb->version != MZ_GEN_BACKEND_VERSION) {
        mz_log_warn("gen: fallback '%s' is not a local backend; running without one", uri);
        return;
    }
    mz_gen_desc fdesc = *desc;
    fdesc.uri = uri;
    g->fallback = (mz_gen_sink){.gen = g, .backend = fb, .healthy = true};
    g->fallback.self = fb->open(&fdesc, &g->fallback);
    if (!g->fallback.self) {
        mz_log_warn("gen: fallback '%s' did not open (%s); running without one", uri, mz_error());
        g->fallback.backend = NULL;
    }
}

/* Switches between a remote primary and its fallback (see the top of this
 * file). Owner thread; lock not held. */
static void supervise(mz_gen *g)
{
    if (!g->fallback.backend) return;
    enum { STAY, FALL_BACK, RETURN } action = STAY;
    char why[200] = "";
    mz_frame shown = {0};
    pthread_mutex_lock(&g->lock);
    uint64_t now = mz_time_ns();
    bool complete = g->scene_frames && g->primary_frames >= g->scene_frames;
    if (g->active == &g->primary) {
        /* A full ring stalls the producer, not the server. */
        if (g->qlen >= g->ring_frames) g->progress_ns = now;
        if (!g->primary.healthy) {
            action = FALL_BACK;
            snprintf(why, sizeof why, "%s", g->primary.why);
        } else if (g->current && !complete && now - g->progress_ns > g->deadline_ns) {
            action = FALL_BACK;
            snprintf(why, sizeof why, "no frame from %s for %.1f s", g->primary.backend->name,
                     (double)(now - g->progress_ns) / 1e9);
        }
    } else if (g->primary_back && g->primary.healthy) {
        action = RETURN;
    }
    if (action == FALL_BACK) {
        g->active = &g->fallback;
        /* The held frame stays valid until the owner's next poll: this is it. */
        if (g->held >= 0) shown = g->slots[g->held].frame;
    } else if (action == RETURN) {
        g->active = &g->primary;
        g->progress_ns = now;
    }
    if (action != STAY) {
        g->primary_back = false;
        g->pace_origin_ns = 0;
    }
    /* A scene the remote finished before it went away needs no stand-in. */
    bool resume = g->current && !complete;
    pthread_mutex_unlock(&g->lock);

    if (action == FALL_BACK) {
        mz_log_warn("gen: falling back to %s: %s", g->fallback.backend->name, why);
        if (resume && g->last) {
            /* The frame on screen is newer than the scene's conditioning. */
            mz_gen_job *job =
                shown.rgba ? mz_gen_job_make(&g->last->req, &shown, 1) : mz_gen_job_retain(g->last);
            if (job) g->fallback.backend->submit(g->fallback.self, job);
        }
    } else if (action == RETURN) {
        mz_log_warn("gen: %s is back; leaving the fallback", g->primary.backend->name);
        g->fallback.backend->cancel(g->fallback.self);
    }
}

bool mz_gen_submit(mz_gen *g, const mz_scene_request *req, const mz_frame *conditioning,
                   size_t count)
{
    if (!req || req->id == 0) return mz_fail("gen: a scene request needs a nonzero id");
    if (!req->prompt) return mz_fail("gen: scene %llu has no prompt", (unsigned long long)req->id);
    /* The one copy of the scene: every backend shares it by reference. */
    mz_gen_job *job = mz_gen_job_make(req, conditioning, count);
    if (!job) return false;
    pthread_mutex_lock(&g->lock);
    g->current = req->id;
    g->submit_ns = mz_time_ns();
    g->first_seen = false;
    g->pace_origin_ns = 0;
    g->period_ns = 1e9 / job->req.fps;
    g->progress_ns = g->submit_ns;
    g->primary_frames = 0;
    g->scene_frames = req->duration_s > 0 ? (uint32_t)ceilf(req->duration_s * job->req.fps) : 0;
    g->primary_back = false;
    g->making = false;
    g->made = 0;
    purge_queue(g);
    bool standing_in = g->active != &g->primary;
    pthread_mutex_unlock(&g->lock);
    mz_gen_job_release(g->last);
    g->last = job;
    /* The remote always gets the scene, so it can come back with it. */
    bool ok = g->primary.backend->submit(g->primary.self, mz_gen_job_retain(job));
    if (!g->fallback.backend) return ok;
    if (standing_in) ok = g->fallback.backend->submit(g->fallback.self, mz_gen_job_retain(job));
    supervise(g);
    return ok || standing_in;
}

bool mz_gen_scene_params(const mz_gen *g, mz_scene_params *out)
{
    if (g->last) *out = g->last->params;
    return g->last != NULL;
}

bool mz_gen_poll(mz_gen *g, mz_frame *out)
{
    supervise(g);
    pthread_mutex_lock(&g->lock);
    if (g->held >= 0) {
        g->slots[g->held].state = SLOT_FREE;
        g->held = -1;
        pthread_cond_broadcast(&g->space);
    }
    bool got = false;
    if (g->qlen) {
        g->held = queue_pop(g);
        g->slots[g->held].state = SLOT_HELD;
        *out = g->slots[g->held].frame;
        got = true;
        pthread_cond_broadcast(&g->space);
    }
    pthread_mutex_unlock(&g->lock);
    return got;
}

bool mz_gen_wait(mz_gen *g, mz_frame *out, double timeout_ms)
{
    uint64_t end = mz_time_ns() + (uint64_t)(timeout_ms > 0 ? timeout_ms * 1e6 : 0);
    for (;;) {
        if (mz_gen_poll(g, out)) return true;
        uint64_t now = mz_time_ns();
        if (now >= end) return false;
        /* With a fallback, wake at least every 20 ms to check the deadline. */
        uint64_t slice = end - now;
        if (g->fallback.backend && slice > 20000000u) slice = 20000000u;
        struct timespec ts;
        deadline_after(&ts, slice);
        pthread_mutex_lock(&g->lock);
        /* A late wake-up (the primary back, health changed) costs one slice. */
        if (!g->qlen) pthread_cond_timedwait(&g->ready, &g->lock, &ts);
        pthread_mutex_unlock(&g->lock);
    }
}

void mz_gen_cancel(mz_gen *g)
{
    pthread_mutex_lock(&g->lock);
    g->current = 0;
    g->making = false;
    purge_queue(g);
    if (g->held >= 0) g->slots[g->held].state = SLOT_FREE;
    g->held = -1;
    bool standing_in = g->active != &g->primary;
    pthread_mutex_unlock(&g->lock);
    g->primary.backend->cancel(g->primary.self);
    if (standing_in) g->fallback.backend->cancel(g->fallback.self);
}

void mz_gen_stats_get(mz_gen *g, mz_gen_stats *out)
{
    memset(out, 0, sizeof *out);
    double sorted[LATENCY_WINDOW];
    pthread_mutex_lock(&g->lock);
    snprintf(out->backend, sizeof out->backend, "%s", g->active->backend->name);
    snprintf(out->generator, sizeof out->generator, "%s", g->active->what);
    out->fallback_active = g->active != &g->primary;
    out->frames = g->frames;
    out->dropped = g->dropped;
    out->first_frame_ms = g->last_latency_ms;
    out->making = g->making;
    out->progress = g->made;
    size_t n = g->scenes < LATENCY_WINDOW ? (size_t)g->scenes : LATENCY_WINDOW;
    memcpy(sorted, g->latency_ms, n * sizeof *sorted);
    uint64_t now = mz_time_ns(), oldest = now;
    size_t recent = 0, have = g->frames < FPS_WINDOW ? (size_t)g->frames : FPS_WINDOW;
    for (size_t i = 0; i < have; i++) {
        uint64_t t = g->frame_ns[i];
        if (now - t > 1000000000u) continue;
        recent++;
        if (t < oldest) oldest = t;
    }
    pthread_mutex_unlock(&g->lock);
    /* Frames in the last second over the time they span, so a short burst
     * after a pause is not read as a low rate. */
    if (recent > 1 && now > oldest) out->fps = (double)(recent - 1) * 1e9 / (double)(now - oldest);
    if (n) {
        mz_stats_sort(sorted, n);
        out->first_frame_p50_ms = sorted[(n - 1) / 2];
        out->first_frame_p95_ms = mz_stats_percentile(sorted, n, 0.95);
    }
}

void mz_gen_close(mz_gen *g)
{
    if (!g) return;
    pthread_mutex_lock(&g->lock);
    g->closing = true;
    pthread_cond_broadcast(&g->space);
    pthread_mutex_unlock(&g->lock);
    if (g->primary.self) g->primary.backend->close(g->primary.self);
    if (g->fallback.self) g->fallback.backend->close(g->fallback.self);
    mz_gen_job_release(g->last);
    for (int i = 0; g->slots && i < g->nslots; i++)
        free(g->slots[i].rgba);
    free(g->slots);
    free(g->queue);
    pthread_cond_destroy(&g->space);
    pthread_cond_destroy(&g->ready);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

bool mz_gen_quality_parse(const char *name, mz_gen_quality *out)
{
    if (name && strcmp(name, "auto") == 0)
        *out = MZ_GEN_QUALITY_AUTO;
    else if (name && strcmp(name, "reference") == 0)
        *out = MZ_GEN_QUALITY_REFERENCE;
    else
        return mz_fail("unknown quality '%s' (auto or reference)", name ? name : "");
    return true;
}
