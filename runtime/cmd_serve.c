/* maze serve — the engine's generation server (engine/gen/mz_gen_server.h)
 * on the command line, until SIGINT or SIGTERM. */
#include "mz_commands.h"
#include "gen_env.h"
#include "mz_gen_server.h"
#include "mz_log.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The one server of this process, for the signal handler. */
static mz_gen_server *running;

static void on_signal(int sig)
{
    (void)sig;
    if (running) mz_gen_server_stop(running);
}

static int serve_run(const mz_command *cmd, int argc, char **argv)
{
    long port = 8765, max_clients = 8;
    double idle_timeout = 60;
    const char *backend = "procedural", *bind = "127.0.0.1";
    const char *token = getenv("MZ_SERVE_TOKEN"), *origins = "", *quality = "auto";
    const mz_arg args[] = {
        {"--port", MZ_ARG_INT, &port, "N", "port to listen on; 0 picks a free one (default 8765)", 0,
         65535},
        {"--bind", MZ_ARG_STRING, &bind, "ADDR",
         "address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)"},
        {"--backend", MZ_ARG_STRING, &backend, "URI", "generator to serve (default procedural)"},
        {"--quality", MZ_ARG_STRING, &quality, "Q",
         "the clients' procedural generators: auto (default) or reference (all pixels drawn); "
         "MZ_GEN_SCALE applies as in maze play"},
        {"--max-clients", MZ_ARG_INT, &max_clients, "N",
         "clients served at once; more are refused as busy (default 8)", 1, 1024},
        {"--token", MZ_ARG_STRING, &token, "TOKEN",
         "clients must connect with ws://HOST:PORT/?token=TOKEN (default: $MZ_SERVE_TOKEN; "
         "off the loopback address a random one is made and printed)"},
        {"--allow-origin", MZ_ARG_STRING, &origins, "LIST",
         "comma-separated web page origins allowed to connect (default none: browsers are "
         "refused)"},
        {"--idle-timeout", MZ_ARG_FLOAT, &idle_timeout, "S",
         "close a client that sent and read nothing for S seconds (default 60)", 1, 86400},
        {0},
    };
    int npos = 0;
    int rc = mz_args_parse(cmd, args, argc, argv, NULL, 0, &npos);
    if (rc != MZ_ARGS_CONTINUE) return rc;
    /* The clients' generators take the settings a local one would. */
    mz_gen_desc gen = {0};
    if (!mz_gen_quality_parse(quality, &gen.quality))
        return mz_args_usage_error(cmd, "%s", mz_error());
    mz_gen_desc_from_env(&gen);

    /* A server's log is its record of who connected: info unless MZ_LOG says. */
    if (!getenv("MZ_LOG")) mz_log_set_level(MZ_LOG_INFO);
    mz_gen_server_desc desc = {.bind = bind,
                               .port = (int)port,
                               .backend = backend,
                               .quality = gen.quality,
                               .scale = gen.scale,
                               .max_clients = (int)max_clients,
                               .token = token,
                               .allow_origins = origins,
                               .idle_timeout_s = (float)idle_timeout};
    mz_gen_server *s = mz_gen_server_create(&desc);
    if (!s) {
        fprintf(stderr, "maze serve: %s\n", mz_error());
        return 1;
    }
    running = s;
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* Tests and scripts read the port from this line. */
    printf("maze serve: listening on ws://%s:%d (backend %s, at most %ld clients)\n", bind,
           mz_gen_server_port(s), backend, max_clients);
    const char *need = mz_gen_server_token(s);
    if (need[0] && !(token && token[0]))
        printf("maze serve: token %s (clients: ws://HOST:%d/?token=%s)\n", need,
               mz_gen_server_port(s), need);
    else if (need[0])
        printf("maze serve: clients must present the token\n");
    fflush(stdout);
    bool ok = mz_gen_server_run(s);
    if (!ok) fprintf(stderr, "maze serve: %s\n", mz_error());
    mz_gen_server_stats st;
    mz_gen_server_stats_get(s, &st);
    running = NULL;
    mz_gen_server_destroy(s);
    mz_log_info("serve: stopped after %llu connections, %llu scenes, %llu frames",
                (unsigned long long)st.connections, (unsigned long long)st.scenes,
                (unsigned long long)st.frames_sent);
    printf("maze serve: stopped (%llu connections, %llu scenes, %llu frames sent)\n",
           (unsigned long long)st.connections, (unsigned long long)st.scenes,
           (unsigned long long)st.frames_sent);
    return ok ? 0 : 1;
}

const mz_command mz_cmd_serve = {
    .name = "serve",
    .summary = "serve a generator to remote players (docs/protocol.md)",
    .usage = "[options]",
    .details = "Serves the embedded generator over the maze generation protocol, so players\n"
               "started with --generator ws://HOST:PORT render here. Each client gets its own\n"
               "generator; SIGINT or SIGTERM stops the server cleanly. Web pages (any\n"
               "request with an Origin header) are refused unless --allow-origin lists them;\n"
               "see docs/protocol.md, 'Access'.",
    .run = serve_run,
};
