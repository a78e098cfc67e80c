/* exhibit_supervisor — `maze exhibit` itself: runs the player (exhibit_kiosk)
 * as a child process and keeps a screen alive.
 *
 * The child is this program again (`/proc/self/exe exhibit-player ARGS`)
 * with its status pipe on fd 3 and its command pipe on fd 4
 * (exhibit_link). The supervisor starts a new one
 *   - when it exits or dies (a crash),
 *   - when no status line came for hang_s (a hang: SIGKILL first),
 *   - when its RSS passes max_rss_mb, at its next return to attract,
 *   - when the operator asks (restart).
 * With `standby` on, a second player waits ready with its window hidden
 * (MZ_EXHIBIT_STANDBY=1 in its environment) and takes over at once with
 * "go"; a new standby starts 2 s after. The hang check and memory watch
 * are for the player on screen.
 * A player that was on screen under 10 s before crashing is restarted after a
 * back-off doubling from 0.5 s to backoff_max_s; one that lived longer is
 * restarted at once. The player's stderr is passed through, and its last
 * 16 KB before a crash go to state_dir/last-crash.log.
 * The supervisor writes the session log (a session cut by a crash is
 * logged with reason crash or hang) and tells systemd READY=1 once the
 * first player reports, then WATCHDOG=1 every second while it runs.
 *
 * With the audience's phones on, it serves them (exhibit_phones): they stay
 * connected while players come and go, and it hands the player on screen
 * their lines over the link (a line the player had not shown goes to the
 * next one).
 *
 * The operator console reads mz_exhibit_sup_status() and calls
 * mz_exhibit_sup_command(); both are safe from any thread.
 *
 * Ownership: the desc's config and argv are copied. Errors: NULL /
 * false with mz_error(); mz_exhibit_sup_run returns an exit status. */
#ifndef MZ_EXHIBIT_SUPERVISOR_H
#define MZ_EXHIBIT_SUPERVISOR_H

#include "exhibit_config.h"
#include "exhibit_link.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct mz_exhibit_sup mz_exhibit_sup;

typedef struct mz_exhibit_sup_desc {
    const mz_exhibit_config *config;
    /* the player's arguments after `exhibit-player` (the exhibit's own) */
    int argc;
    char **argv;
} mz_exhibit_sup_desc;

/* Input -> first frame on screen, a Prometheus histogram's buckets (ms). */
#define MZ_EXHIBIT_LATENCY_BUCKETS 8
extern const double mz_exhibit_latency_bounds[MZ_EXHIBIT_LATENCY_BUCKETS]; /* last: +Inf */

#define MZ_EXHIBIT_ERRORS 5
#define MZ_EXHIBIT_RECENT_SESSIONS 20

typedef struct mz_exhibit_status {
    mz_exhibit_live live; /* the player's last report */
    bool player_up;       /* a player runs and has reported within hang_s */
    double uptime_s;      /* of the supervisor */
    long rss_kb;          /* the player's; 0 while none runs */
    int fds;              /* the player's open file descriptors */
    int pid;              /* the player's; 0 while none runs */
    uint64_t restarts;    /* players started after the first */
    uint64_t crashes, hangs, rss_restarts;
    uint64_t sessions, sessions_today, endings, turns;
    uint64_t latency_count, latency_buckets[MZ_EXHIBIT_LATENCY_BUCKETS]; /* cumulative */
    double latency_sum_ms, latency_p95_ms; /* p95 over the last 256 scenes */
    char errors[MZ_EXHIBIT_ERRORS][256]; /* newest first */
    int error_count;
} mz_exhibit_status;

mz_exhibit_sup *mz_exhibit_sup_create(const mz_exhibit_sup_desc *desc);
/* Supervises until mz_exhibit_sup_stop (or SIGTERM/SIGINT); returns 0, or
 * 1 when the first player could not be started at all. */
int mz_exhibit_sup_run(mz_exhibit_sup *s);
void mz_exhibit_sup_destroy(mz_exhibit_sup *s);

void mz_exhibit_sup_status(mz_exhibit_sup *s, mz_exhibit_status *out);
/* The last sessions' log lines as a JSON array, newest first, into out. */
void mz_exhibit_sup_sessions(mz_exhibit_sup *s, char *out, size_t cap);
/* An operator command: attract, pause, resume, mute, unmute, volume
 * (value 0..1), story (value = index into config.stories), restart, stop.
 * false with mz_error() for an unknown one. */
bool mz_exhibit_sup_command(mz_exhibit_sup *s, const char *cmd, double value);
void mz_exhibit_sup_stop(mz_exhibit_sup *s);

#endif
