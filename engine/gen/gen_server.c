/* The generation server (mz_gen_server.h): libwebsockets in one service
 * loop, one mz_gen per client, frames pumped from each client's generator
 * into its bounded send queue by a 1 ms tick. */
#include "mz_gen_server.h"

#include "mz_error.h"
#include "mz_record.h"
#include "mz_gen.h"
#include "mz_gen_backend.h"
#include "mz_gen_proto.h"
#include "mz_log.h"
#include "mz_time.h"
#include "wire.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TICK_US 1000
#define HELLO_TIMEOUT_S 5

typedef enum phase { PHASE_HELLO, PHASE_READY, PHASE_CONDITIONING } phase;

typedef struct client {
    struct client *next;
    mz_gen_server *server;
    mz_gen_wire wire;
    char peer[64];
    phase phase;
    bool closing; /* a fatal error is queued: close once it is sent */
    enum lws_close_status close_status;
    uint64_t connected_ns;
    uint32_t max_frame_bytes; /* from the client's hello */
    mz_gen *gen;
    /* The scene whose conditioning frames are arriving. */
    mz_gen_proto_msg pending;
    uint8_t *cond[MZ_GEN_PROTO_MAX_CONDITIONING];
    uint32_t cond_w[MZ_GEN_PROTO_MAX_CONDITIONING], cond_h[MZ_GEN_PROTO_MAX_CONDITIONING];
    int cond_count;
    /* The scene being streamed. */
    bool active;
    uint64_t scene_id;
    bool realtime;
    mz_gen_proto_encoding encoding; /* what the client asked its frames in */
    double fps;
    uint32_t target; /* frames in the scene; 0: open-ended */
    uint32_t sent;
    uint64_t first_sent_ns;
} client;

struct mz_gen_server {
    struct lws_context *ctx;
    lws_sorted_usec_list_t tick;
    char backend[256];
    const mz_gen_backend *impl;
    int max_clients, max_queue;
    void *gpu;
    int port;
    atomic_bool stop;
    client *clients;
    mz_gen_server_stats stats;
};

static void send_msg(client *c, const mz_gen_proto_msg *m)
{
    size_t len;
    char *text = mz_gen_proto_encode(m, &len);
    if (!text || !mz_gen_wire_send_text(&c->wire, text, len)) {
        mz_log_error("serve: %s: cannot queue a message: %s", c->peer, mz_error());
        c->closing = true;
        c->close_status = LWS_CLOSE_STATUS_UNEXPECTED_CONDITION;
        lws_callback_on_writable(c->wire.wsi);
    }
    free(text);
}

static void send_error(client *c, mz_gen_proto_status code, uint64_t id, bool fatal,
                       const char *message)
{
    mz_gen_proto_msg m = {.type = MZ_GEN_PROTO_ERROR, .code = code, .id = id, .fatal = fatal};
    snprintf(m.message, sizeof m.message, "%s", message);
    mz_log_warn("serve: %s: %s%s: %s", c->peer, mz_gen_proto_status_code(code),
                fatal ? " (closing)" : "", message);
    send_msg(c, &m);
    if (fatal && !c->closing) {
        c->closing = true;
        c->close_status = code == MZ_GEN_PROTO_TOO_LARGE ? LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE
                          : code == MZ_GEN_PROTO_BUSY
                              ? (enum lws_close_status)1013 /* try again later */
                              : LWS_CLOSE_STATUS_PROTOCOL_ERR;
        c->server->stats.refused++;
    }
}

static void drop_conditioning(client *c)
{
    for (int i = 0; i < MZ_GEN_PROTO_MAX_CONDITIONING; i++) {
        free(c->cond[i]);
        c->cond[i] = NULL;
    }
    c->cond_count = 0;
}

static void start_scene(client *c)
{
    const mz_gen_proto_msg *m = &c->pending;
    if ((uint64_t)m->width * (uint64_t)m->height * 4 > c->max_frame_bytes) {
        send_error(c, MZ_GEN_PROTO_UNSUPPORTED, m->id, false,
                   "frames of that size are over the client's max_frame_bytes");
        drop_conditioning(c);
        return;
    }
    const char *tags[MZ_GEN_PROTO_MAX_TAGS];
    for (int i = 0; i < m->tag_count; i++)
        tags[i] = m->tags[i];
    mz_scene_request req = {
        .id = m->id,
        .prompt = m->prompt,
        .negative = m->negative,
        .seed = m->seed,
        .tags = tags,
        .tag_count = (size_t)m->tag_count,
        .transition_s = m->transition,
        .duration_s = m->duration,
        .width = m->width,
        .height = m->height,
        .fps = m->fps,
    };
    mz_frame cond[MZ_GEN_PROTO_MAX_CONDITIONING];
    for (int i = 0; i < c->cond_count; i++)
        cond[i] = (mz_frame){.scene_id = m->id,
                             .index = (uint32_t)i,
                             .width = c->cond_w[i],
                             .height = c->cond_h[i],
                             .rgba = c->cond[i]};
    bool ok = mz_gen_submit(c->gen, &req, cond, (size_t)c->cond_count);
    drop_conditioning(c);
    if (!ok) {
        send_error(c, MZ_GEN_PROTO_INTERNAL, m->id, false, mz_error());
        return;
    }
    c->active = true;
    c->scene_id = m->id;
    c->realtime = m->realtime;
    c->encoding = m->encoding;
    c->fps = m->fps > 0 ? m->fps : 30;
    /* The same count as the procedural backend makes. */
    c->target = m->duration > 0 ? (uint32_t)ceilf(m->duration * (float)c->fps) : 0;
    c->sent = 0;
    c->server->stats.scenes++;
    mz_log_debug("serve: %s: scene %llu '%.60s' %dx%d", c->peer, (unsigned long long)m->id,
                 m->prompt, m->width, m->height);
    send_msg(c, &(mz_gen_proto_msg){.type = MZ_GEN_PROTO_ACCEPTED, .id = m->id});
}

static void on_hello(client *c, const mz_gen_proto_msg *m)
{
    c->max_frame_bytes = m->max_frame_bytes;
    snprintf(c->peer + strlen(c->peer), sizeof c->peer - strlen(c->peer), " (%.30s)", m->peer);
    mz_gen_desc desc = {
        .uri = c->server->backend, .realtime = false, .gpu = c->server->gpu, .fallback = ""};
    c->gen = c->server->impl ? mz_gen_open_backend(&desc, c->server->impl) : mz_gen_open(&desc);
    if (!c->gen) {
        send_error(c, MZ_GEN_PROTO_INTERNAL, 0, true, mz_error());
        return;
    }
    mz_gen_proto_msg w = {.type = MZ_GEN_PROTO_WELCOME,
                          .version = MZ_GEN_PROTO_VERSION,
                          .streaming = true,
                          .limits = mz_gen_proto_default_limits()};
    w.limits.max_queue_frames = (uint32_t)c->server->max_queue;
    snprintf(w.peer, sizeof w.peer, "maze serve");
    mz_gen_stats st;
    mz_gen_stats_get(c->gen, &st);
    snprintf(w.backend, sizeof w.backend, "%s", st.backend);
    send_msg(c, &w);
    c->phase = PHASE_READY;
}

static void on_text(client *c, const char *text, size_t len)
{
    mz_gen_proto_msg *m = malloc(sizeof *m);
    if (!m) {
        send_error(c, MZ_GEN_PROTO_INTERNAL, 0, true, "out of memory");
        return;
    }
    mz_gen_proto_status s = mz_gen_proto_decode(text, len, m);
    if (s != MZ_GEN_PROTO_OK) {
        send_error(c, s, 0, true, mz_error());
    } else if (c->phase == PHASE_HELLO) {
        if (m->type == MZ_GEN_PROTO_HELLO)
            on_hello(c, m);
        else
            send_error(c, MZ_GEN_PROTO_BAD_MESSAGE, 0, true, "the first message must be hello");
    } else if (c->phase == PHASE_CONDITIONING) {
        send_error(c, MZ_GEN_PROTO_BAD_MESSAGE, c->pending.id, true,
                   "conditioning frames must directly follow their scene");
    } else if (m->type == MZ_GEN_PROTO_SCENE) {
        c->pending = *m;
        if (m->conditioning > 0)
            c->phase = PHASE_CONDITIONING;
        else
            start_scene(c);
    } else if (m->type == MZ_GEN_PROTO_CANCEL) {
        if (c->active && m->id == c->scene_id) {
            mz_gen_cancel(c->gen);
            c->active = false;
        }
    } else {
        char why[96];
        snprintf(why, sizeof why, "a client does not send '%s'",
                 m->type == MZ_GEN_PROTO_HELLO ? "hello twice" : "server messages");
        send_error(c, MZ_GEN_PROTO_BAD_MESSAGE, 0, true, why);
    }
    free(m);
}

static void on_binary(client *c, const uint8_t *data, size_t len)
{
    if (c->phase != PHASE_CONDITIONING) {
        send_error(c, MZ_GEN_PROTO_BAD_MESSAGE, 0, true,
                   c->phase == PHASE_HELLO
                       ? "the first message must be hello"
                       : "a binary message outside a scene's conditioning frames");
        return;
    }
    mz_gen_proto_frame f;
    mz_gen_proto_status s = mz_gen_proto_frame_parse(data, len, MZ_GEN_PROTO_MAX_FRAME_BYTES, &f);
    if (s == MZ_GEN_PROTO_OK &&
        (!f.conditioning || f.scene_id != c->pending.id || f.index != (uint32_t)c->cond_count)) {
        mz_fail("conditioning frame %u of scene %llu does not follow scene %llu, frame %d", f.index,
                (unsigned long long)f.scene_id, (unsigned long long)c->pending.id, c->cond_count);
        s = MZ_GEN_PROTO_BAD_FRAME;
    }
    int i = c->cond_count;
    if (s == MZ_GEN_PROTO_OK) {
        c->cond[i] = malloc((size_t)f.width * f.height * 4);
        s = c->cond[i] ? mz_gen_proto_frame_pixels(&f, c->cond[i]) : MZ_GEN_PROTO_INTERNAL;
    }
    if (s != MZ_GEN_PROTO_OK) {
        drop_conditioning(c);
        send_error(c, s, c->pending.id, true, mz_error());
        return;
    }
    c->cond_w[i] = f.width;
    c->cond_h[i] = f.height;
    if (++c->cond_count == c->pending.conditioning) {
        c->phase = PHASE_READY;
        start_scene(c);
    }
}

/* Moves ready frames of the client's scene into its send queue, up to the
 * queue limit and, for realtime scenes, no earlier than their time. */
static void pump(client *c)
{
    mz_gen_server *s = c->server;
    while (c->active && !c->closing && c->wire.queued_binary < s->max_queue) {
        uint64_t now = mz_time_ns();
        if (c->realtime && c->sent > 0 &&
            now < c->first_sent_ns + (uint64_t)(c->sent / c->fps * 1e9))
            return;
        mz_frame f;
        if (!mz_gen_poll(c->gen, &f)) return;
        if (f.scene_id != c->scene_id) continue;
        size_t payload = (size_t)f.width * f.height * 4;
        uint8_t *encoded = NULL;
        /* Raw is exact but 3.7 MB a 720p frame; JPEG is about a tenth, and
         * cheaper for the client than receiving raw (docs/protocol.md). */
        bool ok = c->encoding == MZ_GEN_PROTO_JPEG
                      ? mz_gen_jpeg_encode(f.rgba, f.width, f.height, 90, &encoded, &payload)
                  : c->encoding == MZ_GEN_PROTO_PNG
                      ? mz_record_png_encode(f.rgba, f.width, f.height, NULL, &encoded, &payload)
                      : true;
        uint8_t *msg =
            ok ? mz_gen_wire_send_binary(&c->wire, MZ_GEN_PROTO_HEADER_SIZE + payload) : NULL;
        if (!msg) {
            free(encoded);
            send_error(c, MZ_GEN_PROTO_INTERNAL, c->scene_id, true,
                       ok ? "out of memory" : mz_error());
            return;
        }
        mz_gen_proto_frame h = {.scene_id = f.scene_id,
                                .index = f.index,
                                .transitional = f.transitional,
                                .time_us = (uint64_t)llround(f.time_s * 1e6),
                                .width = f.width,
                                .height = f.height,
                                .encoding = c->encoding,
                                .payload_size = payload};
        mz_gen_proto_frame_header(&h, msg);
        memcpy(msg + MZ_GEN_PROTO_HEADER_SIZE, encoded ? encoded : f.rgba, payload);
        free(encoded);
        if (c->sent++ == 0) c->first_sent_ns = now;
        s->stats.frames_sent++;
        if (c->target && c->sent >= c->target) {
            c->active = false;
            mz_gen_cancel(c->gen);
            send_msg(c, &(mz_gen_proto_msg){
                            .type = MZ_GEN_PROTO_DONE, .id = c->scene_id, .frames = c->sent});
        }
    }
}

static void on_tick(lws_sorted_usec_list_t *sul)
{
    mz_gen_server *s = lws_container_of(sul, mz_gen_server, tick);
    uint64_t now = mz_time_ns();
    for (client *c = s->clients; c; c = c->next) {
        if (c->phase == PHASE_HELLO && !c->closing &&
            now - c->connected_ns > (uint64_t)HELLO_TIMEOUT_S * 1000000000u)
            send_error(c, MZ_GEN_PROTO_BAD_MESSAGE, 0, true, "no hello within 5 s");
        pump(c);
    }
    lws_sul_schedule(s->ctx, 0, &s->tick, on_tick, TICK_US);
}

static void client_free(client *c)
{
    mz_gen_server *s = c->server;
    for (client **p = &s->clients; *p; p = &(*p)->next)
        if (*p == c) {
            *p = c->next;
            break;
        }
    s->stats.clients--;
    mz_log_info("serve: %s disconnected (%d clients)", c->peer, s->stats.clients);
    if (c->gen) mz_gen_close(c->gen);
    drop_conditioning(c);
    mz_gen_wire_reset(&c->wire);
    free(c);
}

static int on_event(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    client **slot = user;
    client *c = slot ? *slot : NULL;
    mz_gen_server *s = lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        c = calloc(1, sizeof *c);
        if (!c) return -1;
        *slot = c;
        c->server = s;
        mz_gen_wire_init(&c->wire, wsi, MZ_GEN_PROTO_MAX_TEXT, MZ_GEN_PROTO_MAX_MESSAGE);
        lws_get_peer_simple(wsi, c->peer, sizeof c->peer - 40);
        c->connected_ns = mz_time_ns();
        c->next = s->clients;
        s->clients = c;
        s->stats.clients++;
        s->stats.connections++;
        mz_log_info("serve: %s connected (%d clients)", c->peer, s->stats.clients);
        if (s->stats.clients > s->max_clients) {
            char why[64];
            snprintf(why, sizeof why, "this server takes at most %d clients", s->max_clients);
            send_error(c, MZ_GEN_PROTO_BUSY, 0, true, why);
        }
        return 0;
    case LWS_CALLBACK_RECEIVE:
        if (!c || c->closing) return 0;
        switch (mz_gen_wire_receive(&c->wire, in, len)) {
        case MZ_GEN_WIRE_PARTIAL:
            return 0;
        case MZ_GEN_WIRE_TOO_LARGE:
            send_error(c, MZ_GEN_PROTO_TOO_LARGE, 0, true,
                       c->wire.in_binary ? "binary message over the frame limit"
                                         : "text message over 64 KiB");
            return 0;
        case MZ_GEN_WIRE_COMPLETE:
            if (c->wire.in_binary)
                on_binary(c, c->wire.in, c->wire.in_len);
            else
                on_text(c, (const char *)c->wire.in, c->wire.in_len);
            pump(c);
            return 0;
        }
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        if (!c) return 0;
        if (!mz_gen_wire_writeable(&c->wire)) return -1;
        if (c->closing && c->wire.queued == 0) {
            lws_close_reason(wsi, c->close_status, NULL, 0);
            return -1;
        }
        pump(c);
        return 0;
    case LWS_CALLBACK_CLOSED:
        if (c) client_free(c);
        *slot = NULL;
        return 0;
    default:
        return 0;
    }
}

static const struct lws_protocols protocols[] = {
    {.name = MZ_GEN_PROTO_SUBPROTOCOL,
     .callback = on_event,
     .per_session_data_size = sizeof(client *),
     .rx_buffer_size = 64 * 1024},
    {0},
};

mz_gen_server *mz_gen_server_create(const mz_gen_server_desc *desc)
{
    mz_gen_server *s = calloc(1, sizeof *s);
    if (!s) {
        mz_fail("serve: out of memory");
        return NULL;
    }
    snprintf(s->backend, sizeof s->backend, "%s", desc->backend ? desc->backend : "procedural");
    s->max_clients = desc->max_clients > 0 ? desc->max_clients : 8;
    s->max_queue = desc->max_queue_frames > 0 ? desc->max_queue_frames : MZ_GEN_PROTO_MAX_QUEUE;
    s->gpu = desc->gpu;
    s->impl = desc->impl;
    atomic_init(&s->stop, false);
    const char *iface = desc->bind ? desc->bind : "127.0.0.1";
    s->ctx = mz_gen_wire_listen(protocols, s, iface, desc->port, &s->port);
    if (!s->ctx) {
        mz_fail("serve: cannot listen on %s:%d", iface, desc->port);
        free(s);
        return NULL;
    }
    lws_sul_schedule(s->ctx, 0, &s->tick, on_tick, TICK_US);
    return s;
}

int mz_gen_server_port(const mz_gen_server *s)
{
    return s->port;
}

bool mz_gen_server_run(mz_gen_server *s)
{
    return mz_gen_wire_serve(s->ctx, &s->stop) || mz_fail("serve: the service loop failed");
}

void mz_gen_server_stop(mz_gen_server *s)
{
    /* Only an atomic store: safe in a signal handler. The 1 ms tick wakes
     * the loop to see it. */
    atomic_store(&s->stop, true);
}

void mz_gen_server_stats_get(const mz_gen_server *s, mz_gen_server_stats *out)
{
    *out = s->stats;
}

void mz_gen_server_destroy(mz_gen_server *s)
{
    if (!s) return;
    lws_sul_cancel(&s->tick);
    lws_context_destroy(s->ctx);
    /* Connections lws closed without a CLOSED callback. */
    while (s->clients)
        client_free(s->clients);
    free(s);
}
