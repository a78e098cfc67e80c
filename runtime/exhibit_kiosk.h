/* exhibit_kiosk — the player process of `maze exhibit`: one visitor after
 * another in a kiosk window (mz_player with desc.kiosk).
 *
 * attract (the story's demo lines and the invitation) -> a key starts a
 * fresh story (new state and seed; the key is kept) -> playing -> after
 * idle_warn s without a key a countdown -> after idle_reset s back to
 * attract; an ending holds ending_hold s, then the credits (with the
 * disclosure) credits_s s, then attract. When the generator gives no frame
 * for gen_stall_s, "back in a moment" covers the last good frame and the
 * generator is reopened, every gen_stall_s, until frames come again.
 *
 * It reports to the supervisor over exhibit_link (status = heartbeat,
 * sessions, latencies, errors) and takes its commands; with fds of -1 it
 * runs alone (reports dropped, no commands).
 *
 * Ownership: the config is copied. Errors: an exit status (1 with the
 * reason on stderr when the window or the story cannot run). */
#ifndef MZ_EXHIBIT_KIOSK_H
#define MZ_EXHIBIT_KIOSK_H

#include "exhibit_config.h"

typedef struct mz_exhibit_kiosk_desc {
    const mz_exhibit_config *config;
    int status_fd;  /* -1: none */
    int command_fd; /* -1: none */
    /* A standby: made ready with its window hidden, it reports "standby"
     * and waits for the command "go" before it shows and plays (the
     * supervisor swaps it in for a player that died: no start-up wait). */
    bool standby;
} mz_exhibit_kiosk_desc;

int mz_exhibit_kiosk_run(const mz_exhibit_kiosk_desc *desc);

#endif
