/* The fake servers' listening loop (see fake_loop.h). */
#include "fake_loop.h"

#include "wire.h"

#include <string.h>

static void *service(void *arg)
{
    fake_loop *l = arg;
    mz_gen_wire_serve(l->ctx, &l->quit);
    return NULL;
}

/* The engine's own listener, unless the fake listens elsewhere or over TLS
 * (the engine's server has neither). */
static struct lws_context *listen_on(const struct lws_protocols *protocols, void *user,
                                     const fake_loop_opts *o, int *port)
{
    if (!o || (!o->iface && !o->cert))
        return mz_gen_wire_listen(protocols, user, "127.0.0.1", 0, port);
    struct lws_context_creation_info info = {
        .port = 0,
        .iface = o->iface ? o->iface : "127.0.0.1",
        .protocols = protocols,
        .gid = -1,
        .uid = -1,
        .user = user,
        .ssl_cert_filepath = o->cert,
        .ssl_private_key_filepath = o->key,
        .options = LWS_SERVER_OPTION_VALIDATE_UTF8 |
                   (o->cert ? LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT : 0) |
                   (o->iface && strchr(o->iface, ':') ? 0 : LWS_SERVER_OPTION_DISABLE_IPV6),
    };
    lws_set_log_level(LLL_ERR, NULL);
    struct lws_context *ctx = lws_create_context(&info);
    struct lws_vhost *vh = ctx ? lws_get_vhost_by_name(ctx, "default") : NULL;
    *port = vh ? lws_get_vhost_listen_port(vh) : -1;
    if (*port > 0) return ctx;
    if (ctx) lws_context_destroy(ctx);
    return NULL;
}

bool fake_loop_start(fake_loop *l, const struct lws_protocols *protocols, void *user,
                     const fake_loop_opts *opts)
{
    atomic_init(&l->quit, false);
    l->ctx = listen_on(protocols, user, opts, &l->port);
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
