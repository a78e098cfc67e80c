/* The shared WebSocket client skeleton (see ws_client.h). */
#include "ws_client.h"

#include "mz_error.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reconnects back off: the first retry this long after a loss, each next
 * one twice as late, up to BACKOFF_MAX_MS. */
#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 2000

typedef enum link_state { LINK_DOWN, LINK_CONNECTING, LINK_UP } link_state;

struct mz_gen_ws_client {
    mz_gen_ws_client_desc desc; /* strings point into the fields below */
    char host[256], host_header[260], path[512], subprotocol[64], origin[260], ca_file[1024];
    char headers[MZ_GEN_WS_CLIENT_MAX_HEADERS][MZ_GEN_WS_CLIENT_MAX_HEADER_LEN];
    const char *header_list[MZ_GEN_WS_CLIENT_MAX_HEADERS];
    /* One protocol, named as the subprotocol asked for: libwebsockets
     * binds the connection to it by that name. */
    struct lws_protocols protocols[2];
    struct lws_context *ctx;
    pthread_t thread;
    atomic_bool quit;

    /* Service thread only. */
    struct lws *wsi;
    mz_gen_wire wire;
    link_state link;
    int backoff_ms;
    lws_sorted_usec_list_t retry;
};

static void connect_now(lws_sorted_usec_list_t *sul);

/* The link is gone (or never came): report it, retry later. */
static void link_lost(mz_gen_ws_client *c, const char *why)
{
    if (c->link == LINK_DOWN) return;
    c->link = LINK_DOWN;
    c->wsi = NULL;
    mz_gen_wire_reset(&c->wire);
    if (atomic_load(&c->quit)) return; /* closing: nothing to report or retry */
    c->desc.down(c, c->desc.user, why, c->backoff_ms);
    lws_sul_schedule(c->ctx, 0, &c->retry, connect_now, (lws_usec_t)c->backoff_ms * 1000);
    c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
}

static void connect_now(lws_sorted_usec_list_t *sul)
{
    mz_gen_ws_client *c = lws_container_of(sul, mz_gen_ws_client, retry);
    struct lws_client_connect_info ci = {
        .context = c->ctx,
        .address = c->host,
        .port = c->desc.port,
        .path = c->path,
        .host = c->host_header,
        .ssl_connection = c->desc.tls ? LCCSCF_USE_SSL : 0,
        .origin = c->desc.origin,
        .protocol = c->desc.subprotocol,
        .local_protocol_name = c->protocols[0].name,
        .pwsi = &c->wsi,
    };
    c->link = LINK_CONNECTING;
    mz_gen_wire_init(&c->wire, NULL, c->desc.max_text, c->desc.max_binary);
    if (!lws_client_connect_via_info(&ci)) link_lost(c, "cannot start a connection");
}

static int on_event(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    (void)user;
    mz_gen_ws_client *c = lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        if (c->desc.wake && !atomic_load(&c->quit)) c->desc.wake(c, c->desc.user);
        return 0;
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
        /* in: where the next header goes; len: the room left. */
        char **p = in;
        for (size_t i = 0; i < c->desc.header_count; i++) {
            size_t n = strlen(c->header_list[i]);
            if (n + 2 > len) return -1;
            memcpy(*p, c->header_list[i], n);
            memcpy(*p + n, "\r\n", 2);
            *p += n + 2;
            len -= n + 2;
        }
        return 0;
    }
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        c->wsi = wsi;
        c->wire.wsi = wsi;
        c->link = LINK_UP;
        return c->desc.up(c, c->desc.user) ? 0 : -1;
    case LWS_CALLBACK_CLIENT_RECEIVE: {
        if (wsi != c->wsi) return 0; /* a dropped connection's last bytes */
        bool ok = true;
        switch (mz_gen_wire_receive(&c->wire, in, len)) {
        case MZ_GEN_WIRE_PARTIAL:
            break;
        case MZ_GEN_WIRE_TOO_LARGE: {
            char why[160];
            snprintf(why, sizeof why, "a %s message over %zu bytes from the server",
                     c->wire.in_binary ? "binary" : "text",
                     c->wire.in_binary ? c->wire.max_binary : c->wire.max_text);
            mz_gen_ws_client_drop(c, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, why);
            ok = false;
            break;
        }
        case MZ_GEN_WIRE_COMPLETE:
            ok = c->desc.message(c, c->desc.user, c->wire.in, c->wire.in_len, c->wire.in_binary);
            break;
        }
        if (!ok) {
            link_lost(c, "out of memory"); /* unless the callback said why */
            mz_gen_wire_kill(wsi);
        }
        return 0;
    }
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (wsi != c->wsi) return -1;
        return mz_gen_wire_writeable(&c->wire) ? 0 : -1;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
        if (c->link == LINK_CONNECTING || wsi == c->wsi)
            link_lost(c, in && len ? (const char *)in : "connection failed");
        return 0;
    case LWS_CALLBACK_CLIENT_CLOSED:
        if (wsi == c->wsi) link_lost(c, "connection closed");
        return 0;
    default:
        return 0;
    }
}

static void *service(void *arg)
{
    mz_gen_ws_client *c = arg;
    lws_sul_schedule(c->ctx, 0, &c->retry, connect_now, 1);
    mz_gen_wire_serve(c->ctx, &c->quit);
    return NULL;
}

static bool copy(char *dst, size_t cap, const char *src)
{
    return !src || (size_t)snprintf(dst, cap, "%s", src) < cap;
}

mz_gen_ws_client *mz_gen_ws_client_open(const mz_gen_ws_client_desc *desc)
{
    mz_gen_ws_client *c = calloc(1, sizeof *c);
    if (!c) {
        mz_fail("out of memory");
        return NULL;
    }
    c->desc = *desc;
    bool v6 = strchr(desc->host, ':') != NULL; /* Host: [::1] */
    bool fits = desc->header_count <= MZ_GEN_WS_CLIENT_MAX_HEADERS;
    for (size_t i = 0; fits && i < desc->header_count; i++) {
        fits = copy(c->headers[i], sizeof c->headers[i], desc->headers[i]);
        c->header_list[i] = c->headers[i];
    }
    if (!fits || !copy(c->host, sizeof c->host, desc->host) ||
        snprintf(c->host_header, sizeof c->host_header, v6 ? "[%s]" : "%s", desc->host) < 0 ||
        !copy(c->path, sizeof c->path, desc->path) ||
        !copy(c->subprotocol, sizeof c->subprotocol, desc->subprotocol) ||
        !copy(c->origin, sizeof c->origin, desc->origin) ||
        !copy(c->ca_file, sizeof c->ca_file, desc->ca_file)) {
        free(c);
        mz_fail("a WebSocket address part is too long");
        return NULL;
    }
    c->desc.host = c->host;
    c->desc.path = c->path;
    c->desc.subprotocol = desc->subprotocol ? c->subprotocol : NULL;
    c->desc.origin = desc->origin ? c->origin : NULL;
    c->desc.ca_file = desc->ca_file ? c->ca_file : NULL;
    c->desc.headers = c->header_list;
    c->backoff_ms = BACKOFF_FIRST_MS;
    atomic_init(&c->quit, false);
    c->protocols[0] = (struct lws_protocols){
        .name = desc->subprotocol ? c->subprotocol : "mz_gen_ws_client",
        .callback = on_event,
        .rx_buffer_size = 64 * 1024,
    };
    c->ctx = mz_gen_wire_client(c->protocols, c, desc->tls, c->desc.ca_file);
    if (!c->ctx) {
        free(c);
        mz_fail("cannot create a libwebsockets context");
        return NULL;
    }
    if (pthread_create(&c->thread, NULL, service, c)) {
        lws_context_destroy(c->ctx);
        free(c);
        mz_fail("cannot start a WebSocket service thread");
        return NULL;
    }
    return c;
}

void mz_gen_ws_client_close(mz_gen_ws_client *c)
{
    if (!c) return;
    atomic_store(&c->quit, true);
    lws_cancel_service(c->ctx);
    pthread_join(c->thread, NULL);
    lws_sul_cancel(&c->retry);
    lws_context_destroy(c->ctx);
    mz_gen_wire_reset(&c->wire);
    free(c);
}

void mz_gen_ws_client_wake(mz_gen_ws_client *c)
{
    lws_cancel_service(c->ctx);
}

mz_gen_wire *mz_gen_ws_client_wire(mz_gen_ws_client *c)
{
    return c->link == LINK_UP ? &c->wire : NULL;
}

void mz_gen_ws_client_reset_backoff(mz_gen_ws_client *c)
{
    c->backoff_ms = BACKOFF_FIRST_MS;
}

void mz_gen_ws_client_drop(mz_gen_ws_client *c, int code, const char *why)
{
    if (c->wsi) lws_close_reason(c->wsi, (enum lws_close_status)code, NULL, 0);
    link_lost(c, why);
}
