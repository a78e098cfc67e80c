/* The generation server (mz_gen_server.h): libwebsockets in one service
 * loop; each client's generator on a producer thread of its own
 * (gen_producer.h), whose encoded frames the loop moves into the client's
 * bounded send queue. The loop itself only parses, copies and writes. */
#include "mz_gen_server.h"

#include "gen_producer.h"
#include "mz_error.h"
#include "mz_gen_backend.h"
#include "mz_gen_proto.h"
#include "mz_log.h"
#include "mz_time.h"
#include "mz_token.h"
#include "wire.h"
#include "ws_guard.h"

#include <stdatomic.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TICK_US 1000
#define HELLO_TIMEOUT_S 5
#define IDLE_TIMEOUT_S 60
/* A closing client that does not read its error and close in this time is
 * cut off: it must not keep its slot, nor its queue. */
#define CLOSE_GRACE_S 5
#define MAX_TOKEN 128

typedef enum phase { PHASE_HELLO, PHASE_READY, PHASE_CONDITIONING } phase;

typedef struct client {
    struct client *next;
    mz_gen_server *server;
    mz_gen_wire wire;
    char peer[64];
    phase phase;
    bool closing; /* a fatal error is queued: close once it is sent */
    bool cut_off; /* ... it was not read within CLOSE_GRACE_S: killed */
    enum lws_close_status close_status;
    uint64_t closing_ns;
    uint64_t connected_ns;
    uint64_t last_io_ns;      /* the last byte received or chunk written */
    uint32_t max_frame_bytes; /* from the client's hello */
    mz_gen_producer *prod;    /* its generator, from hello until it closes */
    bool opening;             /* ... still opening: no welcome yet */
    /* The scene whose conditioning frames are arriving, and they as sent. */
    mz_gen_proto_msg pending;
    uint8_t *cond[MZ_GEN_PROTO_MAX_CONDITIONING];
    size_t cond_len[MZ_GEN_PROTO_MAX_CONDITIONING];
    int cond_count;
    /* The scene being made: accepted and not yet done or cancelled. */
    bool active;
    uint64_t scene_id;
} client;

struct mz_gen_server {
    struct lws_context *ctx;
    lws_sorted_usec_list_t tick;
    char backend[256];
    const mz_gen_backend *impl;
    int max_clients, max_queue;
    void *gpu;
    mz_gen_quality quality;
    float scale;
    int port;
    atomic_bool stop;
    atomic_int producers; /* producer threads running, closing ones too */
    bool trim_pending;    /* the last client left: give memory back once quiet */
    char token[MAX_TOKEN + 1];
    char origins[1024]; /* ",a,b," so a match is a strstr of ",x," */
    uint64_t idle_ns;
    mz_gen_ws_guard *guard; /* unmasked client frames */
    client *clients;
    mz_gen_server_stats stats;
};

static void drop_conditioning(client *c);

/* From a fatal error on: nothing more is made or sent but what is queued
 * of text (the error), then the close. The generator and the frames not
 * yet begun are let go now, not when the client goes: a client that does
 * not read would otherwise keep them (200 MB at 1080p) as long as it
 * keeps its socket open. */
static void begin_close(client *c, enum lws_close_status status)
{
    if (c->closing) return;
    c->closing = true;
    c->close_status = status;
    c->closing_ns = mz_time_ns();
    c->active = false;
    if (c->prod) mz_gen_producer_stop(c->prod);
    c->prod = NULL;
    drop_conditioning(c);
    mz_gen_wire_drop_frames(&c->wire);
    lws_callback_on_writable(c->wire.wsi);
}

static void send_msg(client *c, const mz_gen_proto_msg *m)
{
    size_t len;
    char *text = mz_gen_proto_encode(m, &len);
    if (!text || !mz_gen_wire_send_text(&c->wire, text, len)) {
        mz_log_error("serve: %s: cannot queue a message: %s", c->peer, mz_error());
        begin_close(c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION);
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
        begin_close(c, code == MZ_GEN_PROTO_TOO_LARGE ? LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE
                       : code == MZ_GEN_PROTO_BUSY
                           ? (enum lws_close_status)1013 /* try again later */
                       : code == MZ_GEN_PROTO_TIMEOUT ? LWS_CLOSE_STATUS_GOINGAWAY
                                                      : LWS_CLOSE_STATUS_PROTOCOL_ERR);
        if (code == MZ_GEN_PROTO_TIMEOUT)
            c->server->stats.idle++;
        else
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

/* The pending scene, its conditioning frames complete, goes to the producer. */
static void start_scene(client *c)
{
    const mz_gen_proto_msg *m = &c->pending;
    if ((uint64_t)m->width * (uint64_t)m->height * 4 > c->max_frame_bytes) {
        send_error(c, MZ_GEN_PROTO_UNSUPPORTED, m->id, false,
                   "frames of that size are over the client's max_frame_bytes");
        drop_conditioning(c);
        return;
    }
    mz_gen_producer_scene(c->prod, m, c->cond, c->cond_len, c->cond_count);
    memset(c->cond, 0, sizeof c->cond); /* the producer's now */
    c->cond_count = 0;
    c->active = true;
    c->scene_id = m->id;
    c->server->stats.scenes++;
    mz_log_debug("serve: %s: scene %llu '%.60s' %dx%d", c->peer, (unsigned long long)m->id,
                 m->prompt, m->width, m->height);
}

/* Opening a generator takes from a fraction of a second to seconds: it
 * happens on the producer's thread, and the client's further input waits
 * in the socket until the welcome (see opened); anything the client sent
 * before it is answered after it. */
static void on_hello(client *c, const mz_gen_proto_msg *m)
{
    mz_gen_server *s = c->server;
    c->max_frame_bytes = m->max_frame_bytes;
    snprintf(c->peer + strlen(c->peer), sizeof c->peer - strlen(c->peer), " (%.30s)", m->peer);
    /* Generators of gone clients still closing count: reconnecting at once,
     * again and again, must not pile them up. */
    if (atomic_load(&s->producers) >= 2 * s->max_clients) {
        send_error(c, MZ_GEN_PROTO_BUSY, 0, true, "too many generators still closing");
        return;
    }
    c->prod = mz_gen_producer_start(&(mz_gen_producer_desc){
        .backend = s->backend,
        .impl = s->impl,
        .gpu = s->gpu,
        .quality = s->quality,
        .scale = s->scale,
        .alive = &s->producers});
    if (!c->prod) {
        send_error(c, MZ_GEN_PROTO_INTERNAL, 0, true, mz_error());
        return;
    }
    c->opening = true;
    c->phase = PHASE_READY;
    lws_rx_flow_control(c->wire.wsi, 0);
}

/* From the tick: the welcome once the client's generator is open. */
static void opened(client *c)
{
    char text[256];
    mz_gen_producer_state st = mz_gen_producer_state_get(c->prod, text, sizeof text);
    if (st == MZ_GEN_PRODUCER_OPENING) return;
    if (st == MZ_GEN_PRODUCER_FAILED) {
        send_error(c, MZ_GEN_PROTO_INTERNAL, 0, true, text);
        return;
    }
    mz_gen_proto_msg w = {.type = MZ_GEN_PROTO_WELCOME,
                          .version = MZ_GEN_PROTO_VERSION,
                          .minor = MZ_GEN_PROTO_MINOR,
                          .streaming = true,
                          .limits = mz_gen_proto_default_limits()};
    w.limits.max_queue_frames = (uint32_t)c->server->max_queue;
    snprintf(w.peer, sizeof w.peer, "maze serve " MZ_VERSION);
    snprintf(w.backend, sizeof w.backend, "%.*s", (int)sizeof w.backend - 1, text);
    send_msg(c, &w);
    c->opening = false;
    c->last_io_ns = mz_time_ns();
    lws_rx_flow_control(c->wire.wsi, 1);
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
            mz_gen_producer_cancel(c->prod, m->id);
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

/* Checks a conditioning frame's header and keeps it as sent: decoding it
 * (PNG at up to 4096x4096) is the producer's work. */
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
        c->cond[i] = malloc(len);
        if (c->cond[i]) {
            memcpy(c->cond[i], data, len);
        } else {
            mz_fail("out of memory");
            s = MZ_GEN_PROTO_INTERNAL;
        }
    }
    if (s != MZ_GEN_PROTO_OK) {
        drop_conditioning(c);
        send_error(c, s, c->pending.id, true, mz_error());
        return;
    }
    c->cond_len[i] = len;
    if (++c->cond_count == c->pending.conditioning) {
        c->phase = PHASE_READY;
        start_scene(c);
    }
}

/* Moves what the client's producer has made into its send queue: its
 * messages, and frames while the queue has room. */
static void drain(client *c)
{
    mz_gen_server *s = c->server;
    mz_gen_producer_event *e;
    while (!c->closing && c->prod && !c->opening &&
           (e = mz_gen_producer_next(c->prod, c->wire.queued_binary < s->max_queue))) {
        switch (e->kind) {
        case MZ_GEN_PRODUCER_FRAME:
            mz_gen_wire_push(&c->wire, e->msg);
            e->msg = NULL;
            s->stats.frames_sent++;
            break;
        case MZ_GEN_PRODUCER_ACCEPTED:
            send_msg(c, &(mz_gen_proto_msg){.type = MZ_GEN_PROTO_ACCEPTED, .id = e->id});
            break;
        case MZ_GEN_PRODUCER_DONE:
            if (e->id == c->scene_id) c->active = false;
            send_msg(c, &(mz_gen_proto_msg){
                            .type = MZ_GEN_PROTO_DONE, .id = e->id, .frames = e->frames});
            break;
        case MZ_GEN_PRODUCER_ERROR:
            if (e->id == c->scene_id) c->active = false;
            send_error(c, e->code, e->id, e->fatal, e->message);
            break;
        }
        mz_gen_producer_event_free(e);
    }
}

/* RFC 6455 5.1: the connection fails: what is queued is dropped, and the
 * close (1002) goes next. */
static void refuse_unmasked(client *c)
{
    mz_log_warn("serve: %s: an unmasked frame (closing)", c->peer);
    mz_gen_wire_reset(&c->wire);
    begin_close(c, LWS_CLOSE_STATUS_PROTOCOL_ERR);
    c->server->stats.refused++;
}

/* Cuts off clients that do not read their close, closes clients that sent
 * an unmasked frame or said nothing in time, welcomes those whose
 * generator has opened, and moves frames; once no client and no producer
 * is left, gives memory back. */
static void on_tick(lws_sorted_usec_list_t *sul)
{
    mz_gen_server *s = lws_container_of(sul, mz_gen_server, tick);
    uint64_t now = mz_time_ns();
    for (client *c = s->clients; c; c = c->next) {
        if (c->closing) {
            if (!c->cut_off && now - c->closing_ns > (uint64_t)CLOSE_GRACE_S * 1000000000u) {
                mz_log_warn("serve: %s: does not read its close: cut off", c->peer);
                c->cut_off = true;
                mz_gen_wire_kill(c->wire.wsi);
            }
            continue;
        }
        if (mz_gen_ws_guard_refused(s->guard, lws_get_socket_fd(c->wire.wsi)))
            refuse_unmasked(c);
        else if (c->phase == PHASE_HELLO &&
                 now - c->connected_ns > (uint64_t)HELLO_TIMEOUT_S * 1000000000u)
            send_error(c, MZ_GEN_PROTO_TIMEOUT, 0, true, "no hello within 5 s");
        else if (c->opening)
            opened(c);
        /* Quiet with a scene streaming and nothing waiting is the
         * generator's doing, not the client's. */
        else if (c->phase != PHASE_HELLO && now - c->last_io_ns > s->idle_ns &&
                 (!c->active || c->wire.queued > 0))
            send_error(c, MZ_GEN_PROTO_TIMEOUT, 0, true,
                       "nothing sent or read for the idle timeout");
        drain(c);
    }
#ifdef __GLIBC__
    /* A client's frames (8 MB each at 1080p, queues, its generator's ring)
     * come from several threads' arenas, which glibc keeps after free():
     * four gone 1080p clients left ~250 MB resident. Trimming walks every
     * arena, too slow while clients are being served; and the producers
     * free their generators after their clients have gone. */
    if (s->trim_pending && !s->clients && atomic_load(&s->producers) == 0) {
        malloc_trim(0);
        s->trim_pending = false;
    }
#endif
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
    if (c->prod) mz_gen_producer_stop(c->prod);
    drop_conditioning(c);
    mz_gen_wire_reset(&c->wire);
    free(c);
    s->trim_pending = s->stats.clients == 0;
}

/* The handshake: the Origin must be allowed (if there is one) and the token
 * right (if one is required). Nonzero refuses the connection. */
static int admit(mz_gen_server *s, struct lws *wsi)
{
    char peer[64], origin[256], arg[MAX_TOKEN + 8];
    lws_get_peer_simple(wsi, peer, sizeof peer);
    int olen = lws_hdr_total_length(wsi, WSI_TOKEN_ORIGIN);
    if (olen > 0) {
        char key[sizeof origin + 2] = ",";
        if (olen >= (int)sizeof origin ||
            lws_hdr_copy(wsi, origin, sizeof origin, WSI_TOKEN_ORIGIN) < 0)
            snprintf(origin, sizeof origin, "(too long)");
        snprintf(key + 1, sizeof key - 1, "%s,", origin);
        if (!strstr(s->origins, key)) {
            mz_log_warn("serve: %s: refused: Origin '%s' is not in --allow-origin", peer, origin);
            s->stats.denied++;
            return 1;
        }
    }
    if (s->token[0]) {
        const char *given = lws_get_urlarg_by_name(wsi, "token=", arg, sizeof arg);
        if (!given || !mz_token_equal(given, s->token)) {
            mz_log_warn("serve: %s: refused: %s token", peer, given ? "wrong" : "no");
            s->stats.denied++;
            return 1;
        }
    }
    return 0;
}

static int on_event(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    client **slot = user;
    client *c = slot ? *slot : NULL;
    mz_gen_server *s = lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_SERVER_NEW_CLIENT_INSTANTIATED:
        /* Before anything is read from the socket. */
        return mz_gen_ws_guard_watch(s->guard, lws_get_socket_fd(wsi), wsi) ? 0 : -1;
    case LWS_CALLBACK_WSI_DESTROY:
        mz_gen_ws_guard_forget(s->guard, wsi);
        return 0;
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
        return admit(s, wsi);
    case LWS_CALLBACK_ESTABLISHED:
        c = calloc(1, sizeof *c);
        if (!c) return -1;
        *slot = c;
        c->server = s;
        mz_gen_wire_init(&c->wire, wsi, MZ_GEN_PROTO_MAX_TEXT, MZ_GEN_PROTO_MAX_MESSAGE);
        lws_get_peer_simple(wsi, c->peer, sizeof c->peer - 40);
        c->connected_ns = c->last_io_ns = mz_time_ns();
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
        c->last_io_ns = mz_time_ns();
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
            drain(c);
            return 0;
        }
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        if (!c) return 0;
        if (c->wire.queued) c->last_io_ns = mz_time_ns();
        if (!mz_gen_wire_writeable(&c->wire)) return -1;
        if (c->closing && c->wire.queued == 0) {
            lws_close_reason(wsi, c->close_status, NULL, 0);
            return -1;
        }
        drain(c);
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

static bool is_loopback(const char *iface)
{
    return !strncmp(iface, "127.", 4) || !strcmp(iface, "localhost") || !strcmp(iface, "::1");
}

/* The desc's token, or a random one when the address is not loopback. */
static bool make_token(mz_gen_server *s, const char *token, const char *iface)
{
    if (token && token[0]) {
        if (!mz_token_valid(token, 1, MAX_TOKEN))
            return mz_fail("serve: a token is 1 to %d of A-Z a-z 0-9 - . _ ~", MAX_TOKEN);
        snprintf(s->token, sizeof s->token, "%s", token);
        return true;
    }
    if (is_loopback(iface)) return true;
    return mz_token_random(s->token, sizeof s->token);
}

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
    s->quality = desc->quality;
    s->scale = desc->scale;
    s->impl = desc->impl;
    s->idle_ns =
        (uint64_t)((desc->idle_timeout_s > 0 ? desc->idle_timeout_s : IDLE_TIMEOUT_S) * 1e9);
    atomic_init(&s->stop, false);
    atomic_init(&s->producers, 0);
    const char *iface = desc->bind ? desc->bind : "127.0.0.1";
    if (!make_token(s, desc->token, iface)) {
        free(s);
        return NULL;
    }
    snprintf(s->origins, sizeof s->origins, ",%s,", desc->allow_origins ? desc->allow_origins : "");
    s->guard = mz_gen_ws_guard_create();
    s->ctx = s->guard ? mz_gen_wire_listen(protocols, s, iface, desc->port, &s->port) : NULL;
    if (!s->ctx) {
        if (s->guard) mz_fail("serve: cannot listen on %s:%d", iface, desc->port);
        mz_gen_ws_guard_destroy(s->guard);
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

const char *mz_gen_server_token(const mz_gen_server *s)
{
    return s->token;
}

bool mz_gen_server_run(mz_gen_server *s)
{
    mz_gen_ws_guard_enter(s->guard);
    bool ok = mz_gen_wire_serve(s->ctx, &s->stop);
    mz_gen_ws_guard_enter(NULL);
    return ok || mz_fail("serve: the service loop failed");
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
    /* The producers close their generators and free themselves. */
    while (atomic_load(&s->producers) > 0)
        mz_time_sleep_ms(1);
    mz_gen_ws_guard_destroy(s->guard);
    free(s);
}
