/* A client that sends whatever a test gives it (see raw_client.h). */
#include "raw_client.h"

#include "mz_gen_proto.h"
#include "mz_time.h"
#include "wire.h"

#include <stdlib.h>
#include <string.h>

typedef struct exchange {
    const raw_msg *msgs;
    int count;
    mz_gen_wire wire;
    bool closed;
    raw_reply *reply;
} exchange;

static int on_event(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    (void)user;
    exchange *x = lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        x->wire.wsi = wsi;
        for (int i = 0; i < x->count; i++) {
            if (x->msgs[i].binary)
                memcpy(mz_gen_wire_send_binary(&x->wire, x->msgs[i].len), x->msgs[i].data,
                       x->msgs[i].len);
            else
                mz_gen_wire_send_text(&x->wire, x->msgs[i].data, x->msgs[i].len);
        }
        return 0;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        return mz_gen_wire_writeable(&x->wire) ? 0 : -1;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (mz_gen_wire_receive(&x->wire, in, len) == MZ_GEN_WIRE_COMPLETE && !x->wire.in_binary) {
            mz_gen_proto_msg *m = malloc(sizeof *m);
            if (mz_gen_proto_decode((const char *)x->wire.in, x->wire.in_len, m) ==
                MZ_GEN_PROTO_OK) {
                if (m->type == MZ_GEN_PROTO_WELCOME) x->reply->welcomed = true;
                if (m->type == MZ_GEN_PROTO_ACCEPTED) x->reply->accepted = true;
                if (m->type == MZ_GEN_PROTO_ERROR && !x->reply->code[0]) {
                    snprintf(x->reply->code, sizeof x->reply->code, "%s",
                             mz_gen_proto_status_code(m->code));
                    snprintf(x->reply->message, sizeof x->reply->message, "%s", m->message);
                    x->reply->fatal = m->fatal;
                }
            }
            free(m);
        }
        return 0;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
    case LWS_CALLBACK_CLIENT_CLOSED:
        x->closed = true;
        return 0;
    default:
        return 0;
    }
}

static void tick_cb(lws_sorted_usec_list_t *sul)
{
    (void)sul; /* only wakes lws_service so the timeout is seen */
}

static const struct lws_protocols protocols[] = {
    {.name = MZ_GEN_PROTO_SUBPROTOCOL, .callback = on_event, .rx_buffer_size = 64 * 1024},
    {0},
};

bool raw_exchange(int port, const raw_msg *msgs, int count, double timeout_ms, raw_reply *reply)
{
    memset(reply, 0, sizeof *reply);
    exchange x = {.msgs = msgs, .count = count, .reply = reply};
    mz_gen_wire_init(&x.wire, NULL, MZ_GEN_PROTO_MAX_TEXT, MZ_GEN_PROTO_MAX_MESSAGE);
    struct lws_context *ctx = mz_gen_wire_client(protocols, &x, false, NULL);
    if (!ctx) return false;
    struct lws_client_connect_info ci = {
        .context = ctx,
        .address = "127.0.0.1",
        .port = port,
        .path = "/",
        .host = "127.0.0.1",
        .protocol = MZ_GEN_PROTO_SUBPROTOCOL,
    };
    bool ok = lws_client_connect_via_info(&ci) != NULL;
    uint64_t t0 = mz_time_ns();
    /* A timer keeps lws_service returning so the timeout is checked. */
    lws_sorted_usec_list_t tick;
    memset(&tick, 0, sizeof tick);
    while (ok && !x.closed && mz_time_ms_since(t0) < timeout_ms) {
        lws_sul_schedule(ctx, 0, &tick, tick_cb, 20000);
        lws_service(ctx, 0);
    }
    reply->closed = x.closed;
    lws_sul_cancel(&tick);
    lws_context_destroy(ctx);
    mz_gen_wire_reset(&x.wire);
    return ok;
}
