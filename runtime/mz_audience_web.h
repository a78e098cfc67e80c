/* mz_audience_web — the audience's phones on the installation's web server
 * (mz_web): the page's API, its live WebSocket, and the operator's
 * moderation API. The logic is mz_audience's; this file only speaks HTTP.
 *
 *   GET  /audience                 -> 302 to /audience.html, giving the phone its cookie
 *   POST /api/audience/line        body: the line (text/plain) -> {"id","state","reason"}
 *   POST /api/audience/vote        body: a choice's index -> {"state","reason"}
 *   GET  /api/audience/state?id=N  -> {"mode","line":{...},"vote":{...}} (polling)
 *   WS   /ws/audience              pushes {"type":"line",...} for the phone's lines
 *                                  and {"type":"vote",...} each second of a vote
 *   GET  /api/moderation           token: {"timeout_s","waiting":[{"id","age_s","text"}]}
 *   POST /api/moderation           token: body "approve N" or "reject N"
 * A phone is its cookie `mz_phone` (made here, 32 hex digits) plus its
 * address; the pages are assets/web/audience.* and moderate.html.
 *
 * A pump thread (every 100 ms) ticks the audience (moderation timeouts),
 * pushes line changes to their phones' WebSockets and the vote's tally.
 * The kiosk takes lines with mz_audience_next / the vote's winner itself.
 *
 * Ownership: the web server and the audience are borrowed; create this
 * before mz_web_start. The web server calls into this until it is
 * destroyed, and the pump calls the web server: so stop this, destroy the
 * web server, then destroy this. Errors: NULL + mz_error(). */
#ifndef MZ_AUDIENCE_WEB_H
#define MZ_AUDIENCE_WEB_H

#include "mz_audience.h"
#include "mz_web.h"

typedef struct mz_audience_web mz_audience_web;

mz_audience_web *mz_audience_web_create(mz_web *web, mz_audience *audience);
/* Stops the pump (no more pushes); before mz_web_destroy. */
void mz_audience_web_stop(mz_audience_web *aw);
/* After mz_web_destroy (it stops the pump if still running). */
void mz_audience_web_destroy(mz_audience_web *aw);

/* Seconds on the monotonic clock the audience is given. */
double mz_audience_web_now(void);

#endif
