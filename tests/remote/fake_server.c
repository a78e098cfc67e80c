/* A misbehaving generation server (see fake_server.h). */
#include "fake_server.h"

#include "fake_loop.h"

#include "mz_gen_proto.h"
#include "wire.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct fake_server {
    fake_loop loop;
    atomic_int connections;
    fake_mode mode;
    pthread_mutex_t lock;
    char scene_text[8192]; /* the last scene message, as sent (a 1.0 server's view) */
};

/* Per connection: the wire, and for FAKE_ENDLESS whether the endless frame
 * has begun (its bytes go out raw, past lws's framing). */
typedef struct conn {
    mz_gen_wire wire;
    bool endless, endless_started;
} conn;

/* Writes a WebSocket header for a binary frame of 2^40 bytes by hand: lws
 * only frames what it is given whole. */
static int endless_header(struct lws *wsi)
{
    uint8_t b[LWS_PRE + 10] = {0};
    uint8_t *h = b + LWS_PRE;
    h[0] = 0x82; /* FIN, binary */
    h[1] = 127;  /* 64-bit length follows */
    uint64_t n = 1ull << 40;
    for (int i = 0; i < 8; i++)
        h[2 + i] = (uint8_t)(n >> (56 - 8 * i));
    return lws_write(wsi, h, 10, LWS_WRITE_RAW) == 10 ? 0 : -1;
}

/* Then 64 KiB of payload per WRITEABLE, until the client goes. */
static int endless_chunk(struct lws *wsi)
{
    static uint8_t b[LWS_PRE + 65536];
    memset(b + LWS_PRE, 0x4d, 65536);
    if (lws_write(wsi, b + LWS_PRE, 65536, LWS_WRITE_RAW) < 0) return -1;
    lws_callback_on_writable(wsi);
    return 0;
}

static void send_json(mz_gen_wire *w, const mz_gen_proto_msg *m)
{
    size_t len;
    char *text = mz_gen_proto_encode(m, &len);
    mz_gen_wire_send_text(w, text, len);
    free(text);
}

static void misbehave(fake_server *f, conn *cn, const mz_gen_proto_msg *scene)
{
    mz_gen_wire *w = &cn->wire;
    uint64_t id = scene->id;
    switch (f->mode) {
    case FAKE_STALL:
    case FAKE_BAD_VERSION:
        return;
    case FAKE_EMPTY_TEXT:
        mz_gen_wire_send_text(w, "", 0);
        return;
    case FAKE_EMPTY_BINARY:
        mz_gen_wire_send_binary(w, 0);
        return;
    case FAKE_ENDLESS:
        cn->endless = true; /* after the queued `accepted` */
        return;
    case FAKE_GARBAGE: {
        uint8_t *b = mz_gen_wire_send_binary(w, 1000);
        uint32_t x = 12345;
        for (int i = 0; i < 1000; i++)
            b[i] = (uint8_t)(x = x * 1103515245u + 12345u) >> 3;
        return;
    }
    case FAKE_TRUNCATED:
    case FAKE_OVERSIZED_FRAME: {
        bool big = f->mode == FAKE_OVERSIZED_FRAME;
        mz_gen_proto_frame h = {.scene_id = id,
                                .width = big ? 4096 : 64,
                                .height = big ? 4096 : 64,
                                .payload_size = 64 * 64 * 4};
        uint8_t *b = mz_gen_wire_send_binary(w, MZ_GEN_PROTO_HEADER_SIZE + 100);
        mz_gen_proto_frame_header(&h, b);
        memset(b + MZ_GEN_PROTO_HEADER_SIZE, 7, 100);
        return;
    }
    case FAKE_STALL_MIDWAY:
        for (uint32_t i = 0; i < 3; i++) {
            mz_gen_proto_frame h = {.scene_id = id,
                                    .index = i,
                                    .width = (uint32_t)scene->width,
                                    .height = (uint32_t)scene->height,
                                    .payload_size = (size_t)scene->width * scene->height * 4};
            uint8_t *b = mz_gen_wire_send_binary(w, MZ_GEN_PROTO_HEADER_SIZE + h.payload_size);
            mz_gen_proto_frame_header(&h, b);
            memset(b + MZ_GEN_PROTO_HEADER_SIZE, 90, h.payload_size);
        }
        return;
    case FAKE_OVERSIZED_TEXT: {
        size_t n = 70 * 1024;
        char *t = malloc(n);
        memset(t, ' ', n);
        memcpy(t, "{\"type\":\"progress\",", 19);
        mz_gen_wire_send_text(w, t, n);
        free(t);
        return;
    }
    }
}

static int on_event(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    conn *cn = user; /* NULL in callbacks of no connection */
    mz_gen_wire *w = cn ? &cn->wire : NULL;
    fake_server *f = lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        atomic_fetch_add(&f->connections, 1);
        cn->endless = cn->endless_started = false;
        mz_gen_wire_init(w, wsi, MZ_GEN_PROTO_MAX_TEXT, MZ_GEN_PROTO_MAX_MESSAGE);
        return 0;
    case LWS_CALLBACK_RECEIVE:
        if (mz_gen_wire_receive(w, in, len) != MZ_GEN_WIRE_COMPLETE || w->in_binary) return 0;
        {
            mz_gen_proto_msg *m = malloc(sizeof *m);
            if (mz_gen_proto_decode((const char *)w->in, w->in_len, m) == MZ_GEN_PROTO_OK) {
                if (m->type == MZ_GEN_PROTO_HELLO) {
                    mz_gen_proto_msg r = {.type = MZ_GEN_PROTO_WELCOME,
                                          .version = f->mode == FAKE_BAD_VERSION ? 2 : 1,
                                          .streaming = true,
                                          .limits = mz_gen_proto_default_limits()};
                    send_json(w, &r);
                } else if (m->type == MZ_GEN_PROTO_SCENE) {
                    pthread_mutex_lock(&f->lock);
                    snprintf(f->scene_text, sizeof f->scene_text, "%.*s", (int)w->in_len,
                             (const char *)w->in);
                    pthread_mutex_unlock(&f->lock);
                    send_json(w, &(mz_gen_proto_msg){.type = MZ_GEN_PROTO_ACCEPTED, .id = m->id});
                    misbehave(f, cn, m);
                }
            }
            free(m);
        }
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        if (cn->endless && w->queued == 0) {
            bool started = cn->endless_started;
            cn->endless_started = true;
            return started ? endless_chunk(wsi) : endless_header(wsi) || endless_chunk(wsi);
        }
        if (!mz_gen_wire_writeable(w)) return -1;
        if (cn->endless && w->queued == 0) lws_callback_on_writable(wsi);
        return 0;
    case LWS_CALLBACK_CLOSED:
        mz_gen_wire_reset(w);
        return 0;
    default:
        return 0;
    }
}

static const struct lws_protocols protocols[] = {
    {.name = MZ_GEN_PROTO_SUBPROTOCOL,
     .callback = on_event,
     .per_session_data_size = sizeof(conn),
     .rx_buffer_size = 64 * 1024},
    {0},
};

fake_server *fake_server_start(fake_mode mode)
{
    fake_server *f = calloc(1, sizeof *f);
    f->mode = mode;
    atomic_init(&f->connections, 0);
    pthread_mutex_init(&f->lock, NULL);
    if (!fake_loop_start(&f->loop, protocols, f, NULL)) {
        pthread_mutex_destroy(&f->lock);
        free(f);
        return NULL;
    }
    return f;
}

int fake_server_port(const fake_server *f)
{
    return f->loop.port;
}

void fake_server_scene_text(fake_server *f, char *out, size_t cap)
{
    pthread_mutex_lock(&f->lock);
    snprintf(out, cap, "%s", f->scene_text);
    pthread_mutex_unlock(&f->lock);
}

int fake_server_connections(fake_server *f)
{
    return atomic_load(&f->connections);
}

void fake_server_stop(fake_server *f)
{
    fake_loop_stop(&f->loop);
    fake_loop_close(&f->loop);
    pthread_mutex_destroy(&f->lock);
    free(f);
}
