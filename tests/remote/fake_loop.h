/* fake_loop — what the fake servers share: a libwebsockets context
 * listening on a loopback address at a free port, serviced by its own
 * thread.
 *
 * Ownership: the loop is embedded in its fake; fake_loop_stop ends the
 * thread and fake_loop_close destroys the context (in between, the fake may
 * still touch what the service thread used, e.g. cancel its timers). */
#ifndef FAKE_LOOP_H
#define FAKE_LOOP_H

#include <libwebsockets.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

typedef struct fake_loop {
    struct lws_context *ctx;
    pthread_t thread;
    atomic_bool quit;
    int port;
} fake_loop;

/* Where and how a fake listens; zero: 127.0.0.1, plain. */
typedef struct fake_loop_opts {
    const char *iface;      /* "::1" for IPv6 */
    const char *cert, *key; /* PEM files: https and wss */
} fake_loop_opts;

/* `user` is what lws_context_user returns in the protocols' callbacks;
 * opts may be NULL. */
bool fake_loop_start(fake_loop *l, const struct lws_protocols *protocols, void *user,
                     const fake_loop_opts *opts);
void fake_loop_stop(fake_loop *l);
void fake_loop_close(fake_loop *l);

#endif
