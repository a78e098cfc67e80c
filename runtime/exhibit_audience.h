/* exhibit_audience — the audience's phones in `maze exhibit`'s player: the
 * QR code and the line or tally over the picture, each new scene's choices
 * for the vote, and what the supervisor's messages (exhibit_phones serves
 * the phones) ask of the story. The page's server is not here: a player
 * that restarts drops no phone.
 *
 * Ownership: the config is copied; the player is borrowed per call.
 * Threading: the kiosk's main thread. Errors: NULL + mz_error(). */
#ifndef MZ_EXHIBIT_AUDIENCE_H
#define MZ_EXHIBIT_AUDIENCE_H

#include "exhibit_config.h"
#include "exhibit_link.h"
#include "play_window.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct mz_exhibit_audience mz_exhibit_audience;

/* NULL without an error (mz_error() empty) when the config's audience is
 * "off"; NULL with one when it cannot run. The QR code says
 * cfg->audience_url (the supervisor passes its page's). Answers go to
 * link_fd (exhibit_link's status pipe). */
mz_exhibit_audience *mz_exhibit_audience_create(const mz_exhibit_config *cfg, int link_fd);
void mz_exhibit_audience_destroy(mz_exhibit_audience *ea);

typedef enum mz_exhibit_audience_ask {
    MZ_EXHIBIT_AUDIENCE_NOTHING = 0,
    MZ_EXHIBIT_AUDIENCE_ACTIVE, /* phones are voting: a visitor is there */
    MZ_EXHIBIT_AUDIENCE_PLAY,   /* play `text` (an accepted line, or the vote's winner) */
} mz_exhibit_audience_ask;

/* Each tick: updates the QR code and the line or tally over the picture,
 * and in vote mode sends each new scene's choices once it shows. */
void mz_exhibit_audience_poll(mz_exhibit_audience *ea, mz_player *p);

/* A message from the supervisor (LINE, MATCH, TALLY; others: NOTHING).
 * can_play: the kiosk would take a line now (else a line is given back).
 * A line to play is copied into text (cap bytes) and answered shown. */
mz_exhibit_audience_ask mz_exhibit_audience_heard(mz_exhibit_audience *ea, mz_player *p,
                                                  const mz_exhibit_msg *m, bool can_play,
                                                  char *text, size_t cap);

#endif
