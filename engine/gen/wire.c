/* Chunked, queued WebSocket messages over libwebsockets (see wire.h). */
#include "wire.h"

#include <stdlib.h>
#include <string.h>

/* One lws_write per WRITEABLE callback, at most this much: large enough
 * that a 720p frame takes ~14 callbacks, small enough that other clients of
 * the same loop are served in between. */
#define CHUNK (256 * 1024)

struct mz_gen_wire_msg {
    mz_gen_wire_msg *next;
    bool binary;
    size_t len, sent;
    uint8_t data[]; /* LWS_PRE bytes lws writes its header into, then the message */
};

void mz_gen_wire_init(mz_gen_wire *w, struct lws *wsi, size_t max_text, size_t max_binary)
{
    memset(w, 0, sizeof *w);
    w->wsi = wsi;
    w->max_text = max_text;
    w->max_binary = max_binary;
}

mz_gen_wire_msg *mz_gen_wire_msg_new(size_t len, bool binary)
{
    mz_gen_wire_msg *m = malloc(sizeof *m + LWS_PRE + len);
    if (!m) return NULL;
    m->next = NULL;
    m->binary = binary;
    m->len = len;
    m->sent = 0;
    return m;
}

uint8_t *mz_gen_wire_msg_data(mz_gen_wire_msg *m)
{
    return m->data + LWS_PRE;
}

void mz_gen_wire_msg_free(mz_gen_wire_msg *m)
{
    free(m);
}

void mz_gen_wire_push(mz_gen_wire *w, mz_gen_wire_msg *m)
{
    if (w->tail)
        w->tail->next = m;
    else
        w->head = m;
    w->tail = m;
    w->queued++;
    w->queued_binary += m->binary;
    if (w->wsi) lws_callback_on_writable(w->wsi);
}

static mz_gen_wire_msg *enqueue(mz_gen_wire *w, size_t len, bool binary)
{
    mz_gen_wire_msg *m = mz_gen_wire_msg_new(len, binary);
    if (m) mz_gen_wire_push(w, m);
    return m;
}

bool mz_gen_wire_send_text(mz_gen_wire *w, const char *text, size_t len)
{
    mz_gen_wire_msg *m = enqueue(w, len, false);
    if (!m) return false;
    memcpy(m->data + LWS_PRE, text, len);
    return true;
}

uint8_t *mz_gen_wire_send_binary(mz_gen_wire *w, size_t len)
{
    mz_gen_wire_msg *m = enqueue(w, len, true);
    return m ? m->data + LWS_PRE : NULL;
}

void mz_gen_wire_drop_frames(mz_gen_wire *w)
{
    mz_gen_wire_msg **p = &w->head, *last = NULL;
    while (*p) {
        mz_gen_wire_msg *m = *p;
        if (m->binary && m->sent == 0) {
            *p = m->next;
            w->queued--;
            w->queued_binary--;
            free(m);
        } else {
            last = m;
            p = &m->next;
        }
    }
    w->tail = last;
}

bool mz_gen_wire_writeable(mz_gen_wire *w)
{
    mz_gen_wire_msg *m = w->head;
    if (!m) return true;
    size_t n = m->len - m->sent;
    if (n > CHUNK) n = CHUNK;
    int flags = lws_write_ws_flags(m->binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT, m->sent == 0,
                                   m->sent + n == m->len);
    /* The LWS_PRE bytes before this chunk were already sent (or are the
     * reserved head): lws may overwrite them with the frame header. */
    if (lws_write(w->wsi, m->data + LWS_PRE + m->sent, n, (enum lws_write_protocol)flags) < (int)n)
        return false;
    m->sent += n;
    if (m->sent == m->len) {
        w->head = m->next;
        if (!w->head) w->tail = NULL;
        w->queued--;
        w->queued_binary -= m->binary;
        free(m);
    }
    if (w->head) lws_callback_on_writable(w->wsi);
    return true;
}

mz_gen_wire_rx mz_gen_wire_receive(mz_gen_wire *w, const void *in, size_t len)
{
    if (lws_is_first_fragment(w->wsi)) {
        w->in_len = 0;
        w->in_binary = lws_frame_is_binary(w->wsi);
        w->in_overflow = false;
    }
    size_t limit = w->in_binary ? w->max_binary : w->max_text;
    size_t need = w->in_len + len;
    if (w->in_overflow || need > limit || need < len) {
        w->in_overflow = true;
        return MZ_GEN_WIRE_TOO_LARGE;
    }
    /* `!w->in`: an empty first message still needs the byte its NUL goes in. */
    if (need > w->in_cap || !w->in) {
        /* Grow to what the current ws frame announces, so a 3.5 MB frame
         * costs one or two reallocs, not one per fragment. */
        size_t cap = need + lws_remaining_packet_payload(w->wsi);
        if (cap > limit) cap = limit;
        if (cap < 2 * w->in_cap && 2 * w->in_cap <= limit) cap = 2 * w->in_cap;
        uint8_t *grown = realloc(w->in, cap + 1);
        if (!grown) return MZ_GEN_WIRE_TOO_LARGE;
        w->in = grown;
        w->in_cap = cap;
    }
    memcpy(w->in + w->in_len, in, len);
    w->in_len = need;
    if (!lws_is_final_fragment(w->wsi)) return MZ_GEN_WIRE_PARTIAL;
    w->in[w->in_len] = 0; /* text messages can be read as C strings */
    return MZ_GEN_WIRE_COMPLETE;
}

void mz_gen_wire_kill(struct lws *wsi)
{
    lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
}

void mz_gen_wire_reset(mz_gen_wire *w)
{
    while (w->head) {
        mz_gen_wire_msg *next = w->head->next;
        free(w->head);
        w->head = next;
    }
    free(w->in);
    struct lws *wsi = w->wsi;
    size_t max_text = w->max_text, max_binary = w->max_binary;
    mz_gen_wire_init(w, wsi, max_text, max_binary);
}

struct lws_context *mz_gen_wire_listen(const struct lws_protocols *protocols, void *user,
                                       const char *iface, int port, int *bound)
{
    struct lws_context_creation_info info = {
        .port = port,
        .iface = iface,
        .protocols = protocols,
        .gid = -1,
        .uid = -1,
        .user = user,
        /* RFC 6455 8.1: text that is not UTF-8 closes the connection (1007). */
        .options = LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_VALIDATE_UTF8,
    };
    lws_set_log_level(LLL_ERR, NULL);
    struct lws_context *ctx = lws_create_context(&info);
    struct lws_vhost *vh = ctx ? lws_get_vhost_by_name(ctx, "default") : NULL;
    *bound = vh ? lws_get_vhost_listen_port(vh) : -1;
    if (*bound > 0) return ctx;
    if (ctx) lws_context_destroy(ctx);
    return NULL;
}

struct lws_context *mz_gen_wire_client(const struct lws_protocols *protocols, void *user, bool tls,
                                       const char *ca_file)
{
    struct lws_context_creation_info info = {
        .port = CONTEXT_PORT_NO_LISTEN,
        .protocols = protocols,
        .gid = -1,
        .uid = -1,
        .user = user,
        .connect_timeout_secs = 2,
        /* The handshake is built in this buffer (4 kB by default): room for
         * extra headers such as a JWT bearer token. */
        .pt_serv_buf_size = 32 * 1024,
        .options =
            LWS_SERVER_OPTION_VALIDATE_UTF8 | (tls ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0),
        .client_ssl_ca_filepath = ca_file,
    };
    lws_set_log_level(LLL_ERR, NULL);
    return lws_create_context(&info);
}

bool mz_gen_wire_serve(struct lws_context *ctx, const atomic_bool *quit)
{
    while (!atomic_load(quit))
        if (lws_service(ctx, 0) < 0) return false;
    return true;
}
