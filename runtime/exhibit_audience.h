/* exhibit_audience — the audience's phones in `maze exhibit`'s player: the
 * public page's server (mz_web + mz_audience_web, on audience_bind and
 * audience_port), moderation (mz_screen on the config's lists), the QR code
 * and the line or tally over the picture, and what the phones ask of the
 * story each tick.
 *
 * Ownership: the config is copied; the player is borrowed per call.
 * Threading: the kiosk's main thread; the web server runs its own.
 * Errors: NULL + mz_error(). */
#ifndef MZ_EXHIBIT_AUDIENCE_H
#define MZ_EXHIBIT_AUDIENCE_H

#include "exhibit_config.h"
#include "play_window.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct mz_exhibit_audience mz_exhibit_audience;

/* NULL without an error (mz_error() empty) when the config's audience is
 * "off"; NULL with one when it cannot run. */
mz_exhibit_audience *mz_exhibit_audience_create(const mz_exhibit_config *cfg);
void mz_exhibit_audience_destroy(mz_exhibit_audience *ea);

typedef enum mz_exhibit_audience_ask {
    MZ_EXHIBIT_AUDIENCE_NOTHING = 0,
    MZ_EXHIBIT_AUDIENCE_ACTIVE, /* phones are voting: a visitor is there */
    MZ_EXHIBIT_AUDIENCE_PLAY,   /* play `text` (an accepted line, or the vote's winner) */
} mz_exhibit_audience_ask;

/* Each tick: updates the QR code and the line or tally over the picture,
 * opens a vote on each new scene shown, and says what the phones ask. */
mz_exhibit_audience_ask mz_exhibit_audience_poll(mz_exhibit_audience *ea, mz_player *p, char *text,
                                                 size_t cap);

/* The page's URL (what the QR code says). */
const char *mz_exhibit_audience_url(const mz_exhibit_audience *ea);

#endif
