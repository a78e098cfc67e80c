/* ws_client — the one libwebsockets client of engine/gen (private): a
 * connection to one server path, kept up with backoff on its own service
 * thread, used by the remote backend (docs/protocol.md) and the ComfyUI
 * adapter (its /ws). The skeleton owns the context, the protocol table, the
 * event switch, the service thread, reassembly (mz_gen_wire) and the
 * reconnects; the user sees whole messages and the link going up and down.
 *
 * Threading: every callback runs on the service thread, and so must every
 * call here except open, wake and close (any thread). Ownership: open
 * copies the desc's strings; close joins the thread before it returns, so
 * no callback runs after it. Errors: open returns NULL + mz_fail(). */
#ifndef MZ_GEN_WS_CLIENT_H
#define MZ_GEN_WS_CLIENT_H

#include "wire.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mz_gen_ws_client mz_gen_ws_client;

#define MZ_GEN_WS_CLIENT_MAX_HEADERS 8
#define MZ_GEN_WS_CLIENT_MAX_HEADER_LEN 2048 /* a line's bytes, NUL included */

typedef struct mz_gen_ws_client_desc {
    const char *host; /* a name, an IPv4 address or an IPv6 one (no brackets) */
    int port;
    bool tls;                   /* wss: the server's certificate is checked */
    const char *ca_file;        /* PEM certificates to trust; NULL: the system's */
    const char *const *headers; /* "Name: value" lines added to the handshake (at most
                                   MZ_GEN_WS_CLIENT_MAX_HEADERS, each shorter than
                                   MZ_GEN_WS_CLIENT_MAX_HEADER_LEN) */
    size_t header_count;
    const char *path;
    const char *subprotocol; /* asked of the server; NULL: none */
    const char *origin;      /* the Origin header; NULL: none (a program, not a browser) */
    size_t max_text, max_binary;
    void *user; /* passed to every callback */
    /* The link is up. false: drop it (and retry). */
    bool (*up)(mz_gen_ws_client *c, void *user);
    /* A whole message (a text one is NUL-terminated). false: drop the link. */
    bool (*message)(mz_gen_ws_client *c, void *user, const uint8_t *data, size_t len, bool binary);
    /* The link is gone, or never came: `why`; the next try is retry_ms away.
     * Not called once close has begun. */
    void (*down)(mz_gen_ws_client *c, void *user, const char *why, int retry_ms);
    /* mz_gen_ws_client_wake was called; may be NULL. */
    void (*wake)(mz_gen_ws_client *c, void *user);
} mz_gen_ws_client_desc;

/* Starts the service thread, which connects at once. */
mz_gen_ws_client *mz_gen_ws_client_open(const mz_gen_ws_client_desc *desc);
/* Stops the thread and drops the link; NULL is ignored. */
void mz_gen_ws_client_close(mz_gen_ws_client *c);
/* Runs the desc's wake callback on the service thread soon. */
void mz_gen_ws_client_wake(mz_gen_ws_client *c);

/* The link's message queues, for sending: NULL while the link is down. */
mz_gen_wire *mz_gen_ws_client_wire(mz_gen_ws_client *c);
/* The server is serving: the next loss retries after the first backoff
 * again (the backoff doubles from 100 ms to 2 s otherwise). */
void mz_gen_ws_client_reset_backoff(mz_gen_ws_client *c);
/* Drops the link for a fault of the server's, telling it `code` (an
 * lws_close_status), and reports `why` through the down callback. From
 * the message callback, which should then return false. */
void mz_gen_ws_client_drop(mz_gen_ws_client *c, int code, const char *why);

#endif
