/* exhibit_console — the operator console of `maze exhibit`: its routes on
 * an mz_web server (the page itself is assets/web/operator.html, served
 * as a static file) and the metrics behind /metrics.
 *
 *   GET  /health        public  {"state","scene","turn","uptime_s","restarts",...}
 *   GET  /api/status    token   everything the page shows (JSON)
 *   POST /api/control   token   {"action": "attract" | "pause" | "resume" | "mute" |
 *                                "unmute" | "volume" (+ "volume": 0..1) |
 *                                "story" (+ "story": index or name) | "restart" | "stop"}
 *   GET  /api/sessions  token   the session log's last lines, a JSON array, newest first
 *   GET  /metrics       token   Prometheus text (Authorization: Bearer in the scrape config)
 *
 * The data come from the embedding program (exhibit's supervisor) through
 * the desc's callbacks; the console keeps no state of its own but its
 * metrics registry.
 *
 * Threading: the callbacks run on the mz_web service thread, one at a time,
 * while the program's own threads run: they must be safe to call from
 * there (copy a snapshot under a mutex, queue a command).
 * Ownership: the console borrows the mz_web (create the console after the
 * server, destroy it after mz_web_destroy). Errors: NULL + mz_error(). */
#ifndef MZ_EXHIBIT_CONSOLE_H
#define MZ_EXHIBIT_CONSOLE_H

#include "mz_metrics.h"
#include "mz_web.h"

#include <stdbool.h>
#include <stdint.h>

#define MZ_CONSOLE_TEXT 256
#define MZ_CONSOLE_ERRORS 5
#define MZ_CONSOLE_STORIES 8
#define MZ_CONSOLE_BUCKETS 16

/* A latency histogram kept by the program: bounds in seconds, cumulative
 * counts per bound (the +Inf bucket is count). n == 0: none yet. */
typedef struct mz_console_histogram {
    int n;
    double bounds_s[MZ_CONSOLE_BUCKETS];
    unsigned long long cumulative[MZ_CONSOLE_BUCKETS];
    unsigned long long count;
    double sum_s;
} mz_console_histogram;

typedef struct mz_console_status {
    char state[16]; /* attract, playing, idle_warning, ending, credits, starting */
    char story[MZ_CONSOLE_TEXT];
    char scene[MZ_CONSOLE_TEXT];
    int turn;
    double uptime_s;
    double fps;                /* frames shown per second */
    double first_frame_p95_ms; /* < 0: computed from first_frame */
    char generator[MZ_CONSOLE_TEXT];
    bool fallback; /* the embedded generator stands in for a failed one */
    long rss_kb;   /* the player's */
    bool player_up;
    bool paused, muted;
    double volume; /* 0..1 */
    uint64_t sessions, sessions_today, endings, restarts, fallbacks, turns;
    mz_console_histogram first_frame, turn_latency;
    char errors[MZ_CONSOLE_ERRORS][MZ_CONSOLE_TEXT]; /* newest first */
    int error_count;
    char stories[MZ_CONSOLE_STORIES][MZ_CONSOLE_TEXT]; /* what "story" may switch to */
    int story_count;
} mz_console_status;

typedef struct mz_console_desc {
    mz_web *web; /* required; routes are added to it before mz_web_start */
    /* Fills *out (zeroed first). Required. */
    void (*status)(void *user, mz_console_status *out);
    /* An operator command, checked: action is one of the list above;
     * value is the volume (0..1) or the story's index, else 0. false
     * with mz_error() when it cannot be done (answered 409). Required. */
    bool (*control)(void *user, const char *action, double value);
    /* The session log's last lines as a JSON array, newest first, into
     * out (cap bytes, NUL-terminated). NULL: none kept. */
    void (*sessions)(void *user, char *out, size_t cap);
    void *user;
} mz_console_desc;

typedef struct mz_console mz_console;

mz_console *mz_console_create(const mz_console_desc *desc);
void mz_console_destroy(mz_console *c);

/* The console's registry, for more series of the program's own. */
mz_metrics *mz_console_metrics(mz_console *c);

#endif
