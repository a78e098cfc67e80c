/* mz_audience — what the audience's phones send, before it reaches the
 * screen: per-phone limits, public moderation (mz_screen), the operator's
 * pre-moderation queue, and the two modes.
 *
 * queue: accepted lines wait in order, one per phone at a time (so no
 *   phone starves the others), and mz_audience_next hands out at most one
 *   every turn_s seconds, to be shown captioned as from the audience; the
 *   line stays queued until the screen says it showed it (mz_audience_shown)
 *   or gives it back (mz_audience_give_back: the screen went away), so a
 *   player restarting loses no line.
 * vote:  mz_audience_vote_open starts a round with the scene's choices;
 *   phones vote for a choice, or type a line that counts toward the choice
 *   it matches: the story matches it (the same matcher as typed input, in
 *   the story's language, synonyms and all), so the audience hands such
 *   lines out (mz_audience_to_match) and hears the answer
 *   (mz_audience_matched); mz_audience_vote_close, after vote_s, names the
 *   most-chosen (ties: the earlier choice).
 *
 * A line goes: sent → (waiting for the operator) → queued → shown (a vote's
 * free text: queued → counted), or not accepted. Rejected text is never
 * kept, and never logged in clear: the log says its salted hash
 * (mz_screen_hash) and the reason. The reason a phone sees says nothing of
 * the filter ("not accepted").
 *
 * Time is passed in (seconds, monotonic) so tests need no clock.
 * Threading: every function takes the audience's own mutex; the web
 * server's thread and the kiosk's main thread may call any of them.
 * Ownership: the audience copies what it keeps; the screen given in the
 * desc is borrowed and must outlive it. Errors: NULL / false + mz_error(). */
#ifndef MZ_AUDIENCE_H
#define MZ_AUDIENCE_H

#include "mz_screen.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum mz_audience_mode { MZ_AUDIENCE_QUEUE = 0, MZ_AUDIENCE_VOTE } mz_audience_mode;

typedef struct mz_audience_desc {
    mz_audience_mode mode;
    const mz_screen *screen;     /* borrowed; NULL: no word screening (tests) */
    bool premoderate;            /* lines wait for the operator's approval */
    double turn_s;               /* queue: seconds between lines shown; 0: 8 */
    double vote_s;               /* vote: seconds a round lasts; 0: 20 */
    double moderation_timeout_s; /* waiting longer is a rejection; 0: 60 */
    size_t max_bytes;            /* of a line, after sanitising; 0: 140 */
    double rate_s;               /* seconds between two lines of one phone; 0: 5 */
    int ip_burst;                /* lines per rate_s from one address (phones share NATs); 0: 6 */
    int mute_after;              /* rejected lines before a phone is muted; 0: 3 */
    double mute_s;               /* how long a mute lasts; 0: 600 */
    size_t max_waiting;          /* lines queued or awaiting the operator; 0: 256 */
} mz_audience_desc;

typedef enum mz_line_state {
    MZ_LINE_NONE = 0, /* no such line (unknown or forgotten id) */
    MZ_LINE_WAITING,  /* for the operator */
    MZ_LINE_QUEUED,   /* accepted, waiting for its turn */
    MZ_LINE_SHOWN,    /* on screen */
    MZ_LINE_COUNTED,  /* a vote, counted */
    MZ_LINE_REJECTED, /* not accepted */
} mz_line_state;

const char *mz_line_state_name(mz_line_state s); /* "waiting", "queued", ... */

typedef struct mz_audience mz_audience;

mz_audience *mz_audience_create(const mz_audience_desc *desc);
void mz_audience_destroy(mz_audience *a);

/* What a phone (its cookie id; ip its address) sent. Returns the line's
 * state; *id (may be NULL) its id (0 when refused before it was a line);
 * *reason (may be NULL) a short public reason when refused: "too long",
 * "too fast", "muted", "busy", "already waiting", "not accepted", "no vote
 * open", "empty". */
mz_line_state mz_audience_submit(mz_audience *a, const char *phone, const char *ip,
                                 const char *text, double now, uint64_t *id, const char **reason);

/* A line's state now (for the phone that owns it: other phones get NONE). */
mz_line_state mz_audience_status(mz_audience *a, const char *phone, uint64_t id,
                                 const char **reason);

/* ---- pre-moderation (the operator) ---- */

typedef struct mz_audience_pending {
    uint64_t id;
    double age_s;
    char text[512];
} mz_audience_pending;

/* Up to cap waiting lines, oldest first; returns how many. */
size_t mz_audience_waiting(mz_audience *a, double now, mz_audience_pending *out, size_t cap);
/* false (mz_error) when id is not waiting. */
bool mz_audience_decide(mz_audience *a, uint64_t id, bool approve, double now);

/* Rejects lines that waited past the timeout, ends mutes. Call often. */
void mz_audience_tick(mz_audience *a, double now);

/* ---- queue mode ---- */

/* The next line to show, if its turn has come: copied into text (cap
 * bytes), *id set; it stays queued (handed out) until one of the two
 * below. False when nothing is due. */
bool mz_audience_next(mz_audience *a, double now, char *text, size_t cap, uint64_t *id);
/* The screen shows line id: it is shown. */
void mz_audience_shown(mz_audience *a, uint64_t id);
/* Line id (0: every line handed out, queue and vote) was not taken: it
 * goes back to its place, to be handed out again (a queue line at once). */
void mz_audience_give_back(mz_audience *a, uint64_t id);

/* ---- vote mode ---- */

#define MZ_AUDIENCE_MAX_CHOICES 8

/* Opens a round with up to MZ_AUDIENCE_MAX_CHOICES choices (copied),
 * closing any before it. A round that ends (here or in close) rejects its
 * free text not yet matched ("no vote open"). */
bool mz_audience_vote_open(mz_audience *a, const char *const *choices, size_t count, double now);
/* Free text of the open round to be matched against its choices: the
 * oldest not handed out, into text (cap bytes), *id set. False: none. */
bool mz_audience_to_match(mz_audience *a, char *text, size_t cap, uint64_t *id);
/* What line id matched: the choice it counts toward, or -1 (rejected:
 * "matches no choice"). Too late for its round: rejected "no vote open". */
void mz_audience_matched(mz_audience *a, uint64_t id, int choice, double now);
/* A button press: choice index for this round. Same states as submit. */
mz_line_state mz_audience_vote(mz_audience *a, const char *phone, const char *ip, int choice,
                               double now, const char **reason);
/* Counts per choice into counts (cap entries); returns the number of
 * choices (0: no round open). *left_s: seconds until the round closes. */
size_t mz_audience_tally(mz_audience *a, double now, int *counts, size_t cap, double *left_s);
/* When the round's time is up (or force): closes it and returns the
 * winner's index, -1 without votes; -2 when the round is still open or none is. */
int mz_audience_vote_close(mz_audience *a, double now, bool force);
/* The current round's choice i ("" when out of range). */
const char *mz_audience_choice(mz_audience *a, size_t i, char *out, size_t cap);

mz_audience_mode mz_audience_get_mode(const mz_audience *a);
/* The longest line accepted, in bytes (for the page's text box). */
size_t mz_audience_max_bytes(const mz_audience *a);

/* A change to a line for its phone's live page: drained in order. */
typedef struct mz_audience_change {
    uint64_t id;
    mz_line_state state;
    char phone[64];
} mz_audience_change;
/* Moves up to cap changes since the last call into out; returns how many. */
size_t mz_audience_changes(mz_audience *a, mz_audience_change *out, size_t cap);

#endif
