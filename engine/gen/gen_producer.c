/* One client's generator on its own thread (see gen_producer.h). */
#include "gen_producer.h"

#include "mz_error.h"
#include "mz_gen.h"
#include "mz_gen_backend.h"
#include "mz_record.h"
#include "mz_time.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long the thread waits for a frame before it looks for news again. */
#define POLL_MS 10

/* A scene with its conditioning frames, as the client sent them. */
typedef struct scene {
    mz_gen_proto_msg msg;
    uint8_t *cond[MZ_GEN_PROTO_MAX_CONDITIONING];
    size_t cond_len[MZ_GEN_PROTO_MAX_CONDITIONING];
    int cond_count;
} scene;

struct mz_gen_producer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake; /* news for the thread, or room for a frame */
    char backend[256];
    const struct mz_gen_backend *impl;
    void *gpu;
    mz_gen_quality quality;
    float scale;
    atomic_int *alive;
    /* Under lock: what the service thread says... */
    bool quit;
    scene *next_scene;
    bool cancel;
    uint64_t cancel_id;
    /* ... and what the thread says. */
    mz_gen_producer_state state;
    char text[256];
    mz_gen_producer_event *head, *tail;
    bool frame_waiting; /* a frame is among the events */
};

static void scene_free(scene *s)
{
    if (!s) return;
    for (int i = 0; i < s->cond_count; i++)
        free(s->cond[i]);
    free(s);
}

void mz_gen_producer_event_free(mz_gen_producer_event *e)
{
    if (!e) return;
    if (e->msg) mz_gen_wire_msg_free(e->msg);
    free(e);
}

/* Under lock. */
static void post(mz_gen_producer *p, mz_gen_producer_event *e)
{
    if (p->tail)
        p->tail->next = e;
    else
        p->head = e;
    p->tail = e;
    p->frame_waiting |= e->kind == MZ_GEN_PRODUCER_FRAME;
}

static void post_new(mz_gen_producer *p, mz_gen_producer_kind kind, uint64_t id, uint32_t frames)
{
    mz_gen_producer_event *e = calloc(1, sizeof *e);
    if (!e) return; /* the client then misses a message; nothing else to do */
    e->kind = kind;
    e->id = id;
    e->frames = frames;
    pthread_mutex_lock(&p->lock);
    post(p, e);
    pthread_mutex_unlock(&p->lock);
}

static void post_error(mz_gen_producer *p, mz_gen_proto_status code, uint64_t id, bool fatal,
                       const char *message)
{
    mz_gen_producer_event *e = calloc(1, sizeof *e);
    if (!e) return;
    e->kind = MZ_GEN_PRODUCER_ERROR;
    e->id = id;
    e->code = code;
    e->fatal = fatal;
    snprintf(e->message, sizeof e->message, "%s", message);
    pthread_mutex_lock(&p->lock);
    post(p, e);
    pthread_mutex_unlock(&p->lock);
}

/* Under lock: news for the thread. */
static bool news(const mz_gen_producer *p)
{
    return p->quit || p->next_scene || p->cancel;
}

/* Under lock: news that ends scene `id` (a cancel of another scene does not). */
static bool superseded(const mz_gen_producer *p, uint64_t id)
{
    return p->quit || p->next_scene || (p->cancel && p->cancel_id == id);
}

/* Waits under lock until news or the monotonic time `until_ns`. */
static void wait_until(mz_gen_producer *p, uint64_t until_ns)
{
    struct timespec ts = {.tv_sec = (time_t)(until_ns / 1000000000u),
                          .tv_nsec = (long)(until_ns % 1000000000u)};
    pthread_cond_timedwait(&p->wake, &p->lock, &ts);
}

/* What is being made. */
typedef struct making {
    bool active;
    uint64_t id;
    bool realtime;
    mz_gen_proto_encoding encoding;
    double fps;
    uint32_t target; /* frames in the scene; 0: open-ended */
    uint32_t sent;
    uint64_t first_ns;
} making;

static void begin(mz_gen_producer *p, mz_gen *g, scene *s, making *mk)
{
    const mz_gen_proto_msg *m = &s->msg;
    mk->active = false;
    mz_frame cond[MZ_GEN_PROTO_MAX_CONDITIONING];
    uint8_t *pixels[MZ_GEN_PROTO_MAX_CONDITIONING] = {0};
    mz_gen_proto_status st = MZ_GEN_PROTO_OK;
    for (int i = 0; i < s->cond_count && st == MZ_GEN_PROTO_OK; i++) {
        mz_gen_proto_frame f;
        st = mz_gen_proto_frame_parse(s->cond[i], s->cond_len[i], MZ_GEN_PROTO_MAX_FRAME_BYTES, &f);
        if (st != MZ_GEN_PROTO_OK) break;
        pixels[i] = malloc((size_t)f.width * f.height * 4);
        st = pixels[i] ? mz_gen_proto_frame_pixels(&f, pixels[i])
                       : (mz_fail("out of memory"), MZ_GEN_PROTO_INTERNAL);
        cond[i] = (mz_frame){.scene_id = m->id,
                             .index = (uint32_t)i,
                             .width = f.width,
                             .height = f.height,
                             .rgba = pixels[i]};
    }
    const char *tags[MZ_GEN_PROTO_MAX_TAGS];
    for (int i = 0; i < m->tag_count; i++)
        tags[i] = m->tags[i];
    mz_scene_prompt prompts[MZ_GEN_PROTO_MAX_PROMPTS];
    for (int i = 0; i < m->prompt_count; i++)
        prompts[i] = (mz_scene_prompt){m->prompts[i].text, m->prompts[i].weight};
    mz_scene_request req = {
        .id = m->id,
        .prompt = m->prompt,
        .negative = m->negative,
        .seed = m->seed,
        .tags = tags,
        .tag_count = (size_t)m->tag_count,
        .transition_s = m->transition,
        .prompts = prompts,
        .prompt_count = (size_t)m->prompt_count,
        .transition_steps = (uint32_t)m->transition_steps,
        .transition_method = (mz_transition_method)m->transition_method,
        .duration_s = m->duration,
        .width = m->width,
        .height = m->height,
        .fps = m->fps,
    };
    if (st != MZ_GEN_PROTO_OK)
        post_error(p, st, m->id, true, mz_error());
    else if (!mz_gen_submit(g, &req, cond, (size_t)s->cond_count))
        post_error(p, MZ_GEN_PROTO_INTERNAL, m->id, false, mz_error());
    else {
        *mk = (making){.active = true,
                       .id = m->id,
                       .realtime = m->realtime,
                       .encoding = m->encoding,
                       .fps = m->fps > 0 ? m->fps : 30};
        /* The same count as the procedural backend makes. */
        mk->target = m->duration > 0 ? (uint32_t)ceilf(m->duration * (float)mk->fps) : 0;
        post_new(p, MZ_GEN_PRODUCER_ACCEPTED, m->id, 0);
    }
    for (int i = 0; i < s->cond_count; i++)
        free(pixels[i]);
}

/* Encodes frame f as the client asked into a whole binary message. */
static mz_gen_wire_msg *encode(const mz_frame *f, mz_gen_proto_encoding encoding)
{
    size_t payload = (size_t)f->width * f->height * 4;
    uint8_t *encoded = NULL;
    /* Raw is exact but 3.7 MB a 720p frame; JPEG is about a tenth, and
     * cheaper for the client than receiving raw (docs/protocol.md). */
    bool ok = encoding == MZ_GEN_PROTO_JPEG
                  ? mz_gen_jpeg_encode(f->rgba, f->width, f->height, 90, &encoded, &payload)
              : encoding == MZ_GEN_PROTO_PNG
                  ? mz_record_png_encode(f->rgba, f->width, f->height, NULL, &encoded, &payload)
                  : true;
    mz_gen_wire_msg *msg =
        ok ? mz_gen_wire_msg_new(MZ_GEN_PROTO_HEADER_SIZE + payload, true) : NULL;
    if (ok && !msg) mz_fail("out of memory");
    if (msg) {
        uint8_t *out = mz_gen_wire_msg_data(msg);
        mz_gen_proto_frame h = {.scene_id = f->scene_id,
                                .index = f->index,
                                .transitional = f->transitional,
                                .time_us = (uint64_t)llround(f->time_s * 1e6),
                                .width = f->width,
                                .height = f->height,
                                .encoding = encoding,
                                .payload_size = payload};
        mz_gen_proto_frame_header(&h, out);
        memcpy(out + MZ_GEN_PROTO_HEADER_SIZE, encoded ? encoded : f->rgba, payload);
    }
    free(encoded);
    return msg;
}

/* Makes, paces, encodes and hands over the next frame of the scene. */
static void make_frame(mz_gen_producer *p, mz_gen *g, making *mk)
{
    mz_frame f;
    if (!mz_gen_wait(g, &f, POLL_MS) || f.scene_id != mk->id) return;
    if (mk->realtime && mk->sent > 0) {
        uint64_t due = mk->first_ns + (uint64_t)(mk->sent / mk->fps * 1e9);
        pthread_mutex_lock(&p->lock);
        while (!superseded(p, mk->id) && mz_time_ns() < due)
            wait_until(p, due);
        bool gone = superseded(p, mk->id);
        pthread_mutex_unlock(&p->lock);
        if (gone) return;
    }
    mz_gen_wire_msg *msg = encode(&f, mk->encoding);
    mz_gen_producer_event *e = msg ? calloc(1, sizeof *e) : NULL;
    if (!e) {
        if (msg) mz_gen_wire_msg_free(msg);
        post_error(p, MZ_GEN_PROTO_INTERNAL, mk->id, true, msg ? "out of memory" : mz_error());
        mk->active = false;
        return;
    }
    e->kind = MZ_GEN_PRODUCER_FRAME;
    e->id = mk->id;
    e->msg = msg;
    pthread_mutex_lock(&p->lock);
    while (!superseded(p, mk->id) && p->frame_waiting)
        pthread_cond_wait(&p->wake, &p->lock);
    bool gone = superseded(p, mk->id);
    if (!gone) post(p, e);
    pthread_mutex_unlock(&p->lock);
    if (gone) {
        mz_gen_producer_event_free(e);
        return;
    }
    if (mk->sent++ == 0) mk->first_ns = mz_time_ns();
    if (mk->target && mk->sent >= mk->target) {
        mk->active = false;
        mz_gen_cancel(g);
        post_new(p, MZ_GEN_PRODUCER_DONE, mk->id, mk->sent);
    }
}

static void *run(void *arg)
{
    mz_gen_producer *p = arg;
    mz_gen_desc desc = {.uri = p->backend,
                        .realtime = false,
                        .gpu = p->gpu,
                        .fallback = "",
                        .quality = p->quality,
                        .scale = p->scale};
    mz_gen *g = p->impl ? mz_gen_open_backend(&desc, p->impl) : mz_gen_open(&desc);
    mz_gen_stats st = {0};
    if (g) mz_gen_stats_get(g, &st);
    pthread_mutex_lock(&p->lock);
    p->state = g ? MZ_GEN_PRODUCER_OPEN : MZ_GEN_PRODUCER_FAILED;
    snprintf(p->text, sizeof p->text, "%s", g ? st.backend : mz_error());
    pthread_mutex_unlock(&p->lock);
    making mk = {0};
    for (;;) {
        pthread_mutex_lock(&p->lock);
        while (!news(p) && !(g && mk.active))
            pthread_cond_wait(&p->wake, &p->lock);
        if (p->quit) {
            pthread_mutex_unlock(&p->lock);
            break;
        }
        scene *s = p->next_scene;
        p->next_scene = NULL;
        bool cancel = p->cancel;
        uint64_t cancel_id = p->cancel_id;
        p->cancel = false;
        pthread_mutex_unlock(&p->lock);
        if (g && cancel && mk.active && cancel_id == mk.id) {
            mz_gen_cancel(g);
            mk.active = false;
        }
        if (g && s) begin(p, g, s, &mk);
        scene_free(s);
        if (g && mk.active && !s) make_frame(p, g, &mk);
    }
    if (g) mz_gen_close(g);
    scene_free(p->next_scene);
    while (p->head) {
        mz_gen_producer_event *e = p->head;
        p->head = e->next;
        mz_gen_producer_event_free(e);
    }
    atomic_int *alive = p->alive;
    pthread_cond_destroy(&p->wake);
    pthread_mutex_destroy(&p->lock);
    free(p);
    atomic_fetch_sub(alive, 1);
    return NULL;
}

mz_gen_producer *mz_gen_producer_start(const mz_gen_producer_desc *desc)
{
    mz_gen_producer *p = calloc(1, sizeof *p);
    if (!p) {
        mz_fail("out of memory");
        return NULL;
    }
    snprintf(p->backend, sizeof p->backend, "%s", desc->backend);
    p->impl = desc->impl;
    p->gpu = desc->gpu;
    p->quality = desc->quality;
    p->scale = desc->scale;
    p->alive = desc->alive;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* mz_time_ns's clock */
    pthread_cond_init(&p->wake, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&p->lock, NULL);
    atomic_fetch_add(p->alive, 1);
    pthread_attr_t ta;
    pthread_attr_init(&ta);
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&p->thread, &ta, run, p);
    pthread_attr_destroy(&ta);
    if (rc) {
        atomic_fetch_sub(p->alive, 1);
        pthread_cond_destroy(&p->wake);
        pthread_mutex_destroy(&p->lock);
        free(p);
        mz_fail("serve: cannot start a generator thread");
        return NULL;
    }
    return p;
}

mz_gen_producer_state mz_gen_producer_state_get(mz_gen_producer *p, char *text, size_t cap)
{
    pthread_mutex_lock(&p->lock);
    mz_gen_producer_state s = p->state;
    snprintf(text, cap, "%s", p->text);
    pthread_mutex_unlock(&p->lock);
    return s;
}

void mz_gen_producer_scene(mz_gen_producer *p, const mz_gen_proto_msg *m, uint8_t **cond,
                           const size_t *cond_len, int count)
{
    scene *s = calloc(1, sizeof *s);
    if (!s) {
        for (int i = 0; i < count; i++)
            free(cond[i]);
        post_error(p, MZ_GEN_PROTO_INTERNAL, m->id, false, "out of memory");
        return;
    }
    s->msg = *m;
    for (int i = 0; i < count; i++) {
        s->cond[i] = cond[i];
        s->cond_len[i] = cond_len[i];
    }
    s->cond_count = count;
    pthread_mutex_lock(&p->lock);
    scene_free(p->next_scene);
    p->next_scene = s;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

void mz_gen_producer_cancel(mz_gen_producer *p, uint64_t id)
{
    pthread_mutex_lock(&p->lock);
    p->cancel = true;
    p->cancel_id = id;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
}

mz_gen_producer_event *mz_gen_producer_next(mz_gen_producer *p, bool take_frame)
{
    pthread_mutex_lock(&p->lock);
    mz_gen_producer_event *e = p->head;
    if (e && (e->kind != MZ_GEN_PRODUCER_FRAME || take_frame)) {
        p->head = e->next;
        if (!p->head) p->tail = NULL;
        e->next = NULL;
        if (e->kind == MZ_GEN_PRODUCER_FRAME) {
            p->frame_waiting = false;
            pthread_cond_signal(&p->wake);
        }
    } else {
        e = NULL;
    }
    pthread_mutex_unlock(&p->lock);
    return e;
}

void mz_gen_producer_stop(mz_gen_producer *p)
{
    pthread_mutex_lock(&p->lock);
    p->quit = true;
    pthread_cond_signal(&p->wake);
    pthread_mutex_unlock(&p->lock);
}
