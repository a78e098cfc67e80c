/* maze exhibit — an unattended installation: the supervisor
 * (exhibit_supervisor) and, as the hidden `maze exhibit-player`, the kiosk
 * player it runs (exhibit_kiosk). Both read the same arguments. */
#include "exhibit_config.h"
#include "exhibit_kiosk.h"
#include "exhibit_link.h"
#include "exhibit_operator.h"
#include "exhibit_supervisor.h"
#include "mz_commands.h"
#include "mz_error.h"
#include "mz_token.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_FLAGS MZ_EXHIBIT_MAX_KEYS
#define FIXED_FLAGS 2

/* The config file, then every key's flag over it, then the STORY... list.
 * Returns MZ_ARGS_CONTINUE or an exit status; *print_config for
 * --print-config. */
static int read_settings(const mz_command *cmd, int argc, char **argv, mz_exhibit_config *cfg,
                         bool *print_config)
{
    const char *config = NULL;
    static char names[MAX_FLAGS][48];
    const char *values[MAX_FLAGS] = {0};
    mz_arg args[MAX_FLAGS + FIXED_FLAGS + 1] = {
        {"--config", MZ_ARG_STRING, &config, "FILE", "the settings file (see --print-config)"},
        {"--print-config", MZ_ARG_FLAG, print_config, NULL,
         "print the default settings, a comment on each, and exit"},
    };
    int keys = mz_exhibit_config_count();
    for (int i = 0; i < keys && i < MAX_FLAGS; i++) {
        snprintf(names[i], sizeof names[i], "--%s", mz_exhibit_config_key(i));
        for (char *c = names[i] + 2; *c; c++)
            if (*c == '_') *c = '-';
        args[FIXED_FLAGS + i] = (mz_arg){names[i], MZ_ARG_STRING, &values[i], "V",
                                         mz_exhibit_config_help(i)};
    }
    const char *stories[MZ_EXHIBIT_MAX_STORIES];
    int nstories = 0;
    int rc = mz_args_parse(cmd, args, argc, argv, stories, MZ_EXHIBIT_MAX_STORIES, &nstories);
    if (rc != MZ_ARGS_CONTINUE) return rc;
    mz_exhibit_config_defaults(cfg);
    if (*print_config) return MZ_ARGS_CONTINUE;
    if (config && !mz_exhibit_config_load(cfg, config)) {
        fprintf(stderr, "maze %s: %s\n", cmd->name, mz_error());
        return 2;
    }
    for (int i = 0; i < keys && i < MAX_FLAGS; i++)
        if (values[i] && !mz_exhibit_config_set(cfg, mz_exhibit_config_key(i), values[i], names[i]))
            return mz_args_usage_error(cmd, "%s", mz_error());
    for (int i = 0; i < nstories; i++)
        snprintf(cfg->stories[i], sizeof cfg->stories[i], "%s", stories[i]);
    if (nstories) cfg->story_count = nstories;
    if (!cfg->story_count)
        return mz_args_usage_error(cmd, "which story? (STORY... or stories = in the config)");
    for (int i = 0; i < cfg->story_count; i++)
        if (access(cfg->stories[i], R_OK) != 0)
            return mz_args_usage_error(cmd, "no story at %s", cfg->stories[i]);
    if (cfg->idle_reset <= cfg->idle_warn)
        return mz_args_usage_error(cmd, "idle_reset (%g s) must be longer than idle_warn (%g s)",
                                   cfg->idle_reset, cfg->idle_warn);
    return MZ_ARGS_CONTINUE;
}

static int run_exhibit(const mz_command *cmd, int argc, char **argv)
{
    mz_exhibit_config cfg;
    bool print_config = false;
    int rc = read_settings(cmd, argc, argv, &cfg, &print_config);
    if (rc != MZ_ARGS_CONTINUE) return rc;
    if (print_config) {
        mz_exhibit_config_print(&cfg, stdout);
        return 0;
    }
    if (!(getenv("DISPLAY") && *getenv("DISPLAY")) && !getenv("WAYLAND_DISPLAY")) {
        fprintf(stderr, "maze exhibit: no display to open a window on (DISPLAY is not set)\n");
        return 2;
    }
    /* The console and the audience's moderation page take one operator
     * token: a random one when the config gives none (the console writes it
     * to state_dir/console-token). */
    if (!cfg.console_token[0] && !mz_token_random(cfg.console_token, sizeof cfg.console_token)) {
        fprintf(stderr, "maze exhibit: %s\n", mz_error());
        return 1;
    }
    mz_exhibit_sup *s =
        mz_exhibit_sup_create(&(mz_exhibit_sup_desc){.config = &cfg, .argc = argc - 1,
                                                     .argv = argv + 1});
    if (!s) {
        fprintf(stderr, "maze exhibit: %s\n", mz_error());
        return 1;
    }
    mz_exhibit_operator *op = NULL;
    if (cfg.console_port >= 0 && !(op = mz_exhibit_operator_start(&cfg, s))) {
        fprintf(stderr, "maze exhibit: %s\n", mz_error());
        mz_exhibit_sup_destroy(s);
        return 1;
    }
    rc = mz_exhibit_sup_run(s);
    if (rc) fprintf(stderr, "maze exhibit: %s\n", mz_error());
    mz_exhibit_operator_stop(op);
    mz_exhibit_sup_destroy(s);
    return rc;
}

static int run_player(const mz_command *cmd, int argc, char **argv)
{
    mz_exhibit_config cfg;
    bool print_config = false;
    int rc = read_settings(cmd, argc, argv, &cfg, &print_config);
    if (rc != MZ_ARGS_CONTINUE) return rc;
    /* Under the supervisor fds 3 and 4 are its pipes; run by hand, the
     * player plays alone. */
    bool linked = fcntl(MZ_EXHIBIT_STATUS_FD, F_GETFD) >= 0 &&
                  fcntl(MZ_EXHIBIT_COMMAND_FD, F_GETFD) >= 0;
    return mz_exhibit_kiosk_run(&(mz_exhibit_kiosk_desc){
        .config = &cfg,
        .status_fd = linked ? MZ_EXHIBIT_STATUS_FD : -1,
        .command_fd = linked ? MZ_EXHIBIT_COMMAND_FD : -1,
        .standby = linked && getenv("MZ_EXHIBIT_STANDBY"), /* set by the supervisor */
    });
}

const mz_command mz_cmd_exhibit = {
    .name = "exhibit",
    .summary = "run an unattended installation (kiosk, visitors, watchdog)",
    .usage = "STORY... [--config FILE] [--KEY VALUE...] | --print-config",
    .details =
        "A fullscreen kiosk for the public: no cursor, no way out for visitors (Esc,\n"
        "Alt+F4 and closing the window do nothing; the F keys are off unless\n"
        "author_keys = true). While nobody plays, the story's demo (attract.txt or\n"
        "demo.txt in its folder, or the config's attract file) plays under \"Type to\n"
        "begin\"; the first key starts a fresh story with a new seed, and is kept.\n"
        "idle_warn s without a key shows a countdown, idle_reset s goes back; an\n"
        "ending holds ending_hold s, then the credits with the disclosure line.\n"
        "Each visitor session is one JSON line in the session log (start, end,\n"
        "turns, ending, reason: ending, idle, operator, crash or hang).\n"
        "`maze exhibit` supervises the player process: it restarts it when it\n"
        "crashes, hangs (no heartbeat for hang_s) or passes max_rss_mb (at the\n"
        "next attract), with a back-off when it keeps failing, keeps the last\n"
        "crash's stderr in state_dir/last-crash.log, and speaks sd_notify (READY,\n"
        "WATCHDOG) under systemd (tools/maze-exhibit.service). SIGTERM stops it.\n"
        "Settings: one file (key = value; --print-config shows every key with\n"
        "its default and a comment); each key is also a flag (idle_warn ->\n"
        "--idle-warn), which wins over the file. docs/exhibition.md is the guide.\n"
        "Exit status: 0 stopped, 1 cannot start, 2 usage or settings error.",
    .run = run_exhibit,
};

/* Not listed in `maze --help`: the supervisor starts it. */
const mz_command mz_cmd_exhibit_player = {
    .name = "exhibit-player",
    .summary = NULL,
    .usage = "(started by maze exhibit, with the same arguments)",
    .details = NULL,
    .run = run_player,
};
