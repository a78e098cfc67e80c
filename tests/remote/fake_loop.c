/* The fake servers' listening loop (see fake_loop.h). */
#include "fake_loop.h"

#include "wire.h"

static void *service(void *arg)
{
    fake_loop *l = arg;
    mz_gen_wire_serve(l->ctx, &l->quit);
    return NULL;
}

bool fake_loop_start(fake_loop *l, const struct lws_protocols *protocols, void *user)
{
    atomic_init(&l->quit, false);
    l->ctx = mz_gen_wire_listen(protocols, user, "127.0.0.1", 0, &l->port);
    if (!l->ctx) return false;
    if (pthread_create(&l->thread, NULL, service, l) == 0) return true;
    fake_loop_close(l);
    return false;
}

void fake_loop_stop(fake_loop *l)
{
    atomic_store(&l->quit, true);
    lws_cancel_service(l->ctx);
    pthread_join(l->thread, NULL);
}

void fake_loop_close(fake_loop *l)
{
    lws_context_destroy(l->ctx);
    l->ctx = NULL;
}
