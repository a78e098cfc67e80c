/* A misbehaving generation server (see fake_server.h). */
#include "fake_server.h"

#include "mz_gen_proto.h"
#include "wire.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct fake_server {
    struct lws_context *ctx;
    pthread_t thread;
    atomic_bool quit;
    atomic_int connections;
    fake_mode mode;
    int port;
};

static void send_json(mz_gen_wire *w, const mz_gen_proto_msg *m)
{
    size_t len;
    char *text = mz_gen_proto_encode(m, &len);
    mz_gen_wire_send_text(w, text, len);
    free(text);
}

static void misbehave(fake_server *f, mz_gen_wire *w, const mz_gen_proto_msg *scene)
{
    uint64_t id = scene->id;
    switch (f->mode) {
    case FAKE_STALL:
    case FAKE_BAD_VERSION:
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
    mz_gen_wire *w = user;
    fake_server *f = lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        atomic_fetch_add(&f->connections, 1);
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
                    send_json(w, &(mz_gen_proto_msg){.type = MZ_GEN_PROTO_ACCEPTED, .id = m->id});
                    misbehave(f, w, m);
                }
            }
            free(m);
        }
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return mz_gen_wire_writeable(w) ? 0 : -1;
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
     .per_session_data_size = sizeof(mz_gen_wire),
     .rx_buffer_size = 64 * 1024},
    {0},
};

static void *service(void *arg)
{
    fake_server *f = arg;
    while (!atomic_load(&f->quit))
        if (lws_service(f->ctx, 0) < 0) break;
    return NULL;
}

fake_server *fake_server_start(fake_mode mode)
{
    fake_server *f = calloc(1, sizeof *f);
    f->mode = mode;
    atomic_init(&f->quit, false);
    atomic_init(&f->connections, 0);
    struct lws_context_creation_info info = {
        .port = 0,
        .iface = "127.0.0.1",
        .protocols = protocols,
        .gid = -1,
        .uid = -1,
        .user = f,
        .options = LWS_SERVER_OPTION_DISABLE_IPV6,
    };
    lws_set_log_level(LLL_ERR, NULL);
    f->ctx = lws_create_context(&info);
    struct lws_vhost *vh = f->ctx ? lws_get_vhost_by_name(f->ctx, "default") : NULL;
    f->port = vh ? lws_get_vhost_listen_port(vh) : -1;
    if (f->port <= 0) {
        if (f->ctx) lws_context_destroy(f->ctx);
        free(f);
        return NULL;
    }
    pthread_create(&f->thread, NULL, service, f);
    return f;
}

int fake_server_port(const fake_server *f)
{
    return f->port;
}

int fake_server_connections(fake_server *f)
{
    return atomic_load(&f->connections);
}

void fake_server_stop(fake_server *f)
{
    atomic_store(&f->quit, true);
    lws_cancel_service(f->ctx);
    pthread_join(f->thread, NULL);
    lws_context_destroy(f->ctx);
    free(f);
}
