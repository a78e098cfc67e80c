/* exhibit_link — the messages between `maze exhibit` (the supervisor) and
 * its player process, one JSON object per line over two pipes.
 *
 * Player -> supervisor (the player's fd 3): a status line at least five
 * times a second from its frame loop (that is the heartbeat), a line when a
 * visitor session starts and one when it ends (the session log's line), the
 * input -> screen latency of each scene, and errors.
 * Supervisor -> player (the player's fd 4): operator commands.
 * The audience's phones (issue 11) are served by the supervisor, so they
 * outlive a player: it gives the player on screen their lines, free text
 * to match against the scene's choices, and the vote's tally; the player
 * says what became of each (shown, matched) and each new vote's choices.
 * Lines are under PIPE_BUF (4096 bytes), so a write is never interleaved.
 *
 * Ownership: plain structs, copied. Errors: false (a write that failed, a
 * line that is not a message); nothing here exits. */
#ifndef MZ_EXHIBIT_LINK_H
#define MZ_EXHIBIT_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MZ_EXHIBIT_STATUS_FD 3
#define MZ_EXHIBIT_COMMAND_FD 4
#define MZ_EXHIBIT_LINE_MAX 4000

/* What the player shows now. */
typedef struct mz_exhibit_live {
    char state[16];   /* attract, playing, idle_warning, ending, credits */
    char story[256];  /* folder */
    char scene[128];
    int turn;
    double fps;       /* frames shown per second */
    char backend[32]; /* the generator producing now */
    bool fallback;    /* ...standing in for a failed remote one */
    uint64_t fallbacks;  /* times the generator fell back or was reopened */
    double first_frame_p95_ms;
    bool paused, muted;
    double volume;
} mz_exhibit_live;

typedef enum mz_exhibit_msg_kind {
    MZ_EXHIBIT_MSG_STATUS,  /* live */
    MZ_EXHIBIT_MSG_START,   /* a visitor started: text = {"start":..,"story":..,"seed":..} */
    MZ_EXHIBIT_MSG_SESSION, /* a session ended: text = its session-log line */
    MZ_EXHIBIT_MSG_LATENCY, /* value = input -> first frame on screen, ms */
    MZ_EXHIBIT_MSG_ERROR,   /* text */
    MZ_EXHIBIT_MSG_COMMAND, /* text = attract, pause, resume, mute, unmute, volume (value),
                               story (value = index), quit */
    /* the audience's phones: S = supervisor, P = player */
    MZ_EXHIBIT_MSG_LINE,    /* S->P: play text from the audience; id (0: a vote's winner) */
    MZ_EXHIBIT_MSG_SHOWN,   /* P->S: line id is on screen (value 1) or was not taken (0) */
    MZ_EXHIBIT_MSG_VOTE,    /* P->S: a new scene's choices, text = a JSON array of strings */
    MZ_EXHIBIT_MSG_MATCH,   /* S->P: free text (text) of line id for the vote */
    MZ_EXHIBIT_MSG_MATCHED, /* P->S: line id counts toward choice value (-1: none) */
    MZ_EXHIBIT_MSG_TALLY,   /* S->P: the vote's tally to show (text, "" none); value 1:
                               new votes came (someone is there) */
} mz_exhibit_msg_kind;

typedef struct mz_exhibit_msg {
    mz_exhibit_msg_kind kind;
    mz_exhibit_live live;
    char text[MZ_EXHIBIT_LINE_MAX - 100];
    double value;
    uint64_t id; /* an audience line's */
} mz_exhibit_msg;

/* Writes one line (blocking; the reader drains continuously). */
bool mz_exhibit_msg_write(int fd, const mz_exhibit_msg *m);
bool mz_exhibit_msg_parse(const char *line, mz_exhibit_msg *m);

/* Splits what a (non-blocking) fd delivers into lines. */
typedef struct mz_exhibit_lines {
    char buf[2 * MZ_EXHIBIT_LINE_MAX];
    size_t len;
    bool eof; /* the writer closed its end */
} mz_exhibit_lines;

/* Reads what is there (never blocks on a non-blocking fd). */
void mz_exhibit_lines_read(mz_exhibit_lines *l, int fd);
/* The next whole line into out (without '\n'); false when none. A line
 * longer than the buffer is dropped. */
bool mz_exhibit_lines_next(mz_exhibit_lines *l, char *out, size_t cap);

#endif
