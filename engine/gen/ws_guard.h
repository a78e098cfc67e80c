/* ws_guard — refuses WebSocket frames a client did not mask, for the
 * generation server (private to engine/gen).
 *
 * RFC 6455 5.1: a server must close the connection on an unmasked client
 * frame. Debian 12's libwebsockets 4.1.6 does not: its server parser
 * (lib/roles/ws/ops-ws.c, lws_ws_rx_sm, state LWS_RXPS_04_FRAME_HDR_LEN,
 * line 244) stores the bit in wsi->ws->this_frame_masked, which no API
 * shows, and only uses it to skip the masking key; the payload is passed
 * on as it is. No option or callback of 4.1 sees frame headers.
 *
 * So the guard reads what libwebsockets reads: it defines recv(2) for the
 * process (libwebsockets.so calls recv through its PLT, so the program's
 * definition is the one it gets) and passes every call straight to the
 * next recv (libc's, or a sanitizer's) except on a thread that entered a
 * guard, for a socket that guard watches. There it follows the bytes as
 * libwebsockets will parse them (the HTTP upgrade request, then frame
 * headers and payload lengths) and, at a header without the mask bit,
 * returns only the bytes before that frame and drops the rest: the frame
 * never reaches libwebsockets, and the socket is marked refused for its
 * owner to close (1002).
 *
 * Threading: a guard belongs to the thread that entered it; recv on other
 * threads never looks at it. Ownership: the caller creates and destroys it.
 * Errors: watch fails (false + mz_error) only when out of memory. */
#ifndef MZ_GEN_WS_GUARD_H
#define MZ_GEN_WS_GUARD_H

#include <stdbool.h>

typedef struct mz_gen_ws_guard mz_gen_ws_guard;

mz_gen_ws_guard *mz_gen_ws_guard_create(void);
void mz_gen_ws_guard_destroy(mz_gen_ws_guard *g);

/* From now on the calling thread's recv goes through g (NULL: through none). */
void mz_gen_ws_guard_enter(mz_gen_ws_guard *g);

/* A new connection on fd, before anything is read from it: an HTTP
 * upgrade request comes first. owner identifies it for forget. */
bool mz_gen_ws_guard_watch(mz_gen_ws_guard *g, int fd, const void *owner);
/* The owner's socket is closed: stop watching it (no-op if not watched). */
void mz_gen_ws_guard_forget(mz_gen_ws_guard *g, const void *owner);
/* An unmasked frame arrived on fd: close the connection. */
bool mz_gen_ws_guard_refused(const mz_gen_ws_guard *g, int fd);

#endif
