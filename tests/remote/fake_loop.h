/* fake_loop — what the fake servers share: a libwebsockets context
 * listening on 127.0.0.1 at a free port, serviced by its own thread.
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

/* `user` is what lws_context_user returns in the protocols' callbacks. */
bool fake_loop_start(fake_loop *l, const struct lws_protocols *protocols, void *user);
void fake_loop_stop(fake_loop *l);
void fake_loop_close(fake_loop *l);

#endif
