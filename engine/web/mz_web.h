/* mz_web — a small HTTP + WebSocket server for the consoles of an
 * installation (the operator's page, the audience's phones), on
 * libwebsockets' HTTP serving: lws parses HTTP, this module routes.
 *
 * Use: mz_web_create (binds the port, makes the token) → mz_web_route /
 * mz_web_ws_endpoint for each route → mz_web_start (starts the service
 * thread) → … → mz_web_destroy. Routes are fixed once started.
 *
 * Requests: a GET or POST to a registered path calls its handler (HEAD
 * gets a GET route's headers without the body: uptime checkers use it);
 * any other GET is served from desc.static_dir (if set; "/" is index.html);
 * anything else answers 404 (405 for a known path with another method).
 * A route or endpoint registered with needs_token answers 401 unless the
 * request carries the operator token as `Authorization: Bearer TOKEN`, the
 * cookie `mz_token=TOKEN` or the query parameter `token=TOKEN` (the last
 * two for browsers: a WebSocket cannot set a header). Tokens are compared
 * in constant time. A POST body over desc.max_body answers 413 without
 * calling the handler.
 *
 * Threading: one service thread, started by mz_web_start, runs every
 * handler and every WebSocket callback, one at a time. Handlers must not
 * block long (they hold up every other client). From any thread:
 * mz_web_ws_send / _broadcast / _close / _count (they queue under a mutex
 * and wake the service thread with lws_cancel_service). To serve data
 * another thread produces, read it in the handler through something
 * thread-safe: a copy you publish under your own mutex, or a getter that
 * locks (as runtime/exhibit_console.c's status callback does).
 *
 * Ownership: the desc's strings and route paths are copied. Request fields
 * are valid during the call only. A response body is copied.
 * Errors: false / NULL + mz_error(). */
#ifndef MZ_WEB_H
#define MZ_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mz_error.h"

typedef struct mz_web mz_web;

typedef struct mz_web_desc {
    const char *bind;       /* interface address; NULL: 127.0.0.1 (loopback only) */
    int port;               /* 0: a free port (mz_web_port says which) */
    const char *token;      /* operator token, 16 to 128 of A-Z a-z 0-9 - . _ ~;
                             * NULL or "": 32 random hex digits (getrandom) */
    const char *static_dir; /* folder served to unrouted GETs; NULL: none */
    size_t max_body;        /* request body cap; 0: 64 KiB */
    int max_ws;             /* open WebSocket connections; 0: 256 */
    size_t max_ws_message;  /* received WebSocket message cap; 0: 16 KiB */
    int max_ws_queue;       /* messages queued to one connection; past it the
                             * connection is closed as too slow; 0: 64 */
} mz_web_desc;

/* What a handler sees. Strings are never NULL ("" when absent). */
typedef struct mz_web_request {
    const char *method;       /* "GET", "HEAD" (a GET route's) or "POST" */
    const char *path;         /* decoded, without the query */
    const char *query;        /* decoded arguments joined by '&', without '?' */
    const char *cookie;       /* the Cookie header */
    const char *client_ip;    /* the peer's address */
    const char *content_type; /* of the body */
    const char *body;         /* body_len bytes, then a NUL */
    size_t body_len;
    bool authorized; /* carried the operator token */
} mz_web_request;

/* A handler's answer: status 200 and application/json unless set. */
typedef struct mz_web_response mz_web_response;

typedef void (*mz_web_handler)(void *user, const mz_web_request *req, mz_web_response *resp);

/* content_type NULL keeps the current one. */
void mz_web_status(mz_web_response *resp, int status, const char *content_type);
/* Appends to the body; false when out of memory (the answer becomes 500). */
bool mz_web_write(mz_web_response *resp, const void *data, size_t len);
bool mz_web_printf(mz_web_response *resp, const char *fmt, ...) MZ_PRINTF(2, 3);
/* An extra header line ("Set-Cookie", "Location"…); false if too long. */
bool mz_web_header(mz_web_response *resp, const char *name, const char *value);
/* Sets status and a body {"error": message} (JSON-escaped). */
void mz_web_error(mz_web_response *resp, int status, const char *message);

/* The value of query parameter / cookie `name` into out (cap bytes).
 * false when absent or longer than cap - 1. */
bool mz_web_query(const mz_web_request *req, const char *name, char *out, size_t cap);
bool mz_web_cookie(const mz_web_request *req, const char *name, char *out, size_t cap);

/* Appends s to resp as the inside of a JSON string (quotes not included). */
bool mz_web_write_json_string(mz_web_response *resp, const char *s);

mz_web *mz_web_create(const mz_web_desc *desc);
/* Stops the service thread, closes every connection, frees. NULL is fine. */
void mz_web_destroy(mz_web *w);

int mz_web_port(const mz_web *w);
const char *mz_web_token(const mz_web *w);
/* Writes the token and a newline to path, mode 0600 (replacing the file). */
bool mz_web_write_token_file(const mz_web *w, const char *path);

/* method "GET" or "POST"; path exact ("/api/status"). Before mz_web_start. */
bool mz_web_route(mz_web *w, const char *method, const char *path, bool needs_token,
                  mz_web_handler fn, void *user);

/* WebSocket connections are named by an id: never 0, never reused. */
typedef struct mz_web_ws_callbacks {
    /* After the handshake; req has no body. */
    void (*on_open)(void *user, uint64_t conn, const mz_web_request *req);
    /* One whole message (fragments joined), at most desc.max_ws_message
     * bytes (a longer one closes the connection with 1009). data is
     * followed by a NUL. */
    void (*on_message)(void *user, uint64_t conn, const char *data, size_t len, bool binary);
    void (*on_close)(void *user, uint64_t conn);
    void *user;
} mz_web_ws_callbacks;

/* A WebSocket endpoint at path (exact). Before mz_web_start. */
bool mz_web_ws_endpoint(mz_web *w, const char *path, bool needs_token,
                        const mz_web_ws_callbacks *cb);

/* Any thread. Queues a copy for one connection; false if it is gone. */
bool mz_web_ws_send(mz_web *w, uint64_t conn, const void *data, size_t len, bool binary);
/* Any thread. One copy queued to every open connection of the endpoint at
 * path; returns how many it was queued to. */
int mz_web_ws_broadcast(mz_web *w, const char *path, const void *data, size_t len, bool binary);
/* Any thread. Closes a connection once its queue is written. */
void mz_web_ws_close(mz_web *w, uint64_t conn);
/* Open WebSocket connections (any thread). */
int mz_web_ws_count(mz_web *w);

/* Starts the service thread. */
bool mz_web_start(mz_web *w);

#endif
