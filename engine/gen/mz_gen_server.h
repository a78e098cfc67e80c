/* mz_gen_server — the engine's own generation server: serves a local
 * generator backend (normally `procedural`) to remote clients over
 * docs/protocol.md. `maze serve` is a thin wrapper around it.
 *
 * Each client gets its own mz_gen (one scene in flight per connection, as
 * the protocol says), opened, run and closed on a thread of its own; all
 * connections share one service thread, the one that calls
 * mz_gen_server_run, which only parses and moves bytes. Queues are bounded:
 * at most max_queue_frames frames wait per client (and one more being
 * handed over), after which its generator waits.
 *
 * Threading: create/run/destroy on one thread; mz_gen_server_stop may be
 * called from any thread or a signal handler. Errors: NULL/false +
 * mz_error(). */
#ifndef MZ_GEN_SERVER_H
#define MZ_GEN_SERVER_H

#include "mz_gen.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct mz_gen_server mz_gen_server;
struct mz_gen_backend; /* mz_gen_backend.h */

typedef struct mz_gen_server_desc {
    const char *bind;     /* address to listen on; NULL -> "127.0.0.1" */
    int port;             /* 0 -> a free port (see mz_gen_server_port) */
    const char *backend;  /* generator URI per client; NULL -> "procedural" */
    int max_clients;      /* 0 -> 8; more are refused with error `busy` */
    int max_queue_frames; /* 0 -> MZ_GEN_PROTO_MAX_QUEUE */
    void *gpu;            /* optional mz_gpu* shared by the clients' generators */
    /* The clients' generators' quality and scale (mz_gen_desc's). */
    mz_gen_quality quality;
    float scale;
    /* Serve this backend instead of the one `backend` names (tests and
     * benchmarks: a synthetic generator isolates the protocol's cost). */
    const struct mz_gen_backend *impl;
    /* Clients must connect with ?token=TOKEN. NULL or "": none on
     * loopback; on any other address a random one is made (see
     * mz_gen_server_token). Compared in constant time. */
    const char *token;
    /* Comma-separated Origin values allowed to connect. A WebSocket
     * handshake with any other Origin header (browsers always send one) is
     * refused; clients that send none (programs) are not affected. */
    const char *allow_origins;
    /* A client that has said hello and then neither sent nor read anything
     * for this long is closed (error `timeout`). 0 -> 60. */
    float idle_timeout_s;
} mz_gen_server_desc;

typedef struct mz_gen_server_stats {
    int clients;          /* connected now */
    uint64_t connections; /* accepted since create */
    uint64_t scenes, frames_sent;
    uint64_t refused; /* over max_clients, or closed for a protocol error */
    uint64_t denied;  /* handshakes refused: bad or missing token, Origin not allowed */
    uint64_t idle;    /* closed after idle_timeout_s */
} mz_gen_server_stats;

/* Listens at once; the port is bound when this returns. */
mz_gen_server *mz_gen_server_create(const mz_gen_server_desc *desc);
int mz_gen_server_port(const mz_gen_server *s);
/* The token clients must present ("" when none is required): the one in
 * the desc, or the one made for a non-loopback address. */
const char *mz_gen_server_token(const mz_gen_server *s);
/* Services clients until mz_gen_server_stop; then closes every connection. */
bool mz_gen_server_run(mz_gen_server *s);
void mz_gen_server_stop(mz_gen_server *s);
void mz_gen_server_stats_get(const mz_gen_server *s, mz_gen_server_stats *out);
void mz_gen_server_destroy(mz_gen_server *s);

#endif
