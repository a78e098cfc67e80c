/* exhibit_phones — the audience's phones in `maze exhibit`'s supervisor:
 * the public page's server (mz_web + mz_audience_web on audience_bind and
 * audience_port), moderation (mz_screen on the config's lists), the
 * operator's queue, the rate limits and mutes. It lives in the supervisor
 * so that a player restarting (a crash, a hang, its memory) drops no phone,
 * no WebSocket and no waiting line: the player on screen gets the lines
 * over exhibit_link and says what became of them (exhibit_audience is its
 * side).
 *
 * Each loop of the supervisor: mz_exhibit_phones_tick with the player's last
 * status sends it what is due (a line whose turn came, free text to match,
 * the vote's winner and tally); mz_exhibit_phones_heard takes its answers;
 * mz_exhibit_phones_lost when it is gone: the lines it had go back to the
 * queue (a queued line is shown by the next player), its vote round ends.
 *
 * Ownership: the config is copied. Threading: the supervisor's loop; the
 * web server and mz_audience_web's pump run threads of their own.
 * Errors: NULL + mz_error(). */
#ifndef MZ_EXHIBIT_PHONES_H
#define MZ_EXHIBIT_PHONES_H

#include "exhibit_config.h"
#include "exhibit_link.h"

#include <stdbool.h>

typedef struct mz_exhibit_phones mz_exhibit_phones;

/* NULL without an error (mz_error() empty) when the config's audience is
 * "off"; NULL with one when it cannot run (the port taken, a bad list). */
mz_exhibit_phones *mz_exhibit_phones_create(const mz_exhibit_config *cfg);
void mz_exhibit_phones_destroy(mz_exhibit_phones *ph);

/* The page's URL (what the player's QR code says). */
const char *mz_exhibit_phones_url(const mz_exhibit_phones *ph);

/* Sends the player on screen what is due. `live` is its last status, `up`
 * whether it reports; send writes one message to it (false: not sent, and
 * what it carried is given back). */
void mz_exhibit_phones_tick(mz_exhibit_phones *ph, const mz_exhibit_live *live, bool up,
                            bool (*send)(void *user, const mz_exhibit_msg *m), void *user);
/* A message from the player on screen: SHOWN, VOTE, MATCHED (others are
 * not the phones'). */
void mz_exhibit_phones_heard(mz_exhibit_phones *ph, const mz_exhibit_msg *m);
/* The player on screen is gone (or a new one took over). */
void mz_exhibit_phones_lost(mz_exhibit_phones *ph);

#endif
