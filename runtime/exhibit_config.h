/* exhibit_config — the settings of `maze exhibit`, from one file and flags.
 *
 * The file is lines of `key = value`: blank lines and lines whose first
 * non-blank character is '#' are ignored; a value is the rest of the line,
 * trimmed, or a "double-quoted string" (\" and \\ escape); numbers are
 * decimal; booleans are true/false, yes/no, on/off, 1/0; `stories` is a
 * comma-separated list. Parsing is strict: an unknown key, a key set twice,
 * a missing '=' or a value out of range fails with "FILE:LINE: ..." and
 * nothing after the error is applied. Every key is also a flag
 * (`idle_warn` -> `--idle-warn`), applied after the file, so flags win.
 * mz_exhibit_config_print() writes the defaults as a file, a comment on each.
 *
 * Ownership: the struct is plain data (fixed-size strings); copy it freely.
 * Errors: false with mz_error() ("FILE:LINE: ..." or "--flag: ..."). */
#ifndef MZ_EXHIBIT_CONFIG_H
#define MZ_EXHIBIT_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#define MZ_EXHIBIT_MAX_STORIES 8
#define MZ_EXHIBIT_TEXT 512
#define MZ_EXHIBIT_MAX_KEYS 64 /* settings, each also a flag (cmd_exhibit sizes its table by it) */

typedef struct mz_exhibit_config {
    /* what plays */
    char stories[MZ_EXHIBIT_MAX_STORIES][MZ_EXHIBIT_TEXT];
    int story_count;
    char generator[MZ_EXHIBIT_TEXT]; /* "" -> procedural */
    char generator_fallback[MZ_EXHIBIT_TEXT]; /* "none" -> none */
    char attract[MZ_EXHIBIT_TEXT];   /* a file of demo lines; "" -> the story's */
    double attract_line_s;
    char attract_text[MZ_EXHIBIT_TEXT];
    /* the visitor's language and profile (issue 17) */
    char lang[MZ_EXHIBIT_TEXT];    /* "" -> the story's first */
    bool lang_keys, lang_detect;
    char profile[MZ_EXHIBIT_TEXT]; /* "tone=eerie"; "" -> the story's defaults */
    bool profile_keys;             /* attract: Up/Down choose the first viewer field */
    /* the window */
    bool fullscreen;
    long width, height;
    bool author_keys;
    double volume;
    bool muted;
    /* a visitor */
    double idle_warn, idle_reset;
    char idle_text[MZ_EXHIBIT_TEXT];
    double ending_hold, credits_s;
    char credits_text[MZ_EXHIBIT_TEXT];
    char disclosure[MZ_EXHIBIT_TEXT]; /* "" -> the story's */
    /* the watchdog */
    double hang_s;
    bool standby;
    long max_rss_mb;
    double backoff_max_s;
    double gen_stall_s;
    /* logs and files */
    char state_dir[MZ_EXHIBIT_TEXT];
    char session_log[MZ_EXHIBIT_TEXT];
    long session_log_kb;
    long session_log_keep;
    bool log_viewer_text;
    /* the operator console (issue 10's web part reads these) */
    char console_bind[MZ_EXHIBIT_TEXT];
    long console_port;
    char console_token[MZ_EXHIBIT_TEXT]; /* "" -> random, written to state_dir */
    char console_dir[MZ_EXHIBIT_TEXT];   /* the operator page's files */
    /* the audience's phones (issue 11: exhibit_audience.c reads these) */
    char audience[MZ_EXHIBIT_TEXT]; /* off, queue or vote */
    char audience_bind[MZ_EXHIBIT_TEXT];
    long audience_port;
    char audience_url[MZ_EXHIBIT_TEXT]; /* "" -> http://LAN-ADDRESS:PORT/audience */
    bool qr;
    char qr_corner[MZ_EXHIBIT_TEXT];
    bool premoderate;
    double turn_s, vote_s, moderation_timeout;
    long audience_max_len, audience_mute_after;
    double audience_rate_s;
    char moderation_dir[MZ_EXHIBIT_TEXT], moderation_langs[MZ_EXHIBIT_TEXT];
    char moderation_list[MZ_EXHIBIT_TEXT], moderation_allow[MZ_EXHIBIT_TEXT];
    char trace[MZ_EXHIBIT_TEXT]; /* the player's trace (JSON lines); "" -> none */
    char audience_pages[MZ_EXHIBIT_TEXT]; /* the folder served to phones */
} mz_exhibit_config;

/* The defaults (what --print-config prints). */
void mz_exhibit_config_defaults(mz_exhibit_config *cfg);

/* Reads FILE over *cfg. */
bool mz_exhibit_config_load(mz_exhibit_config *cfg, const char *path);

/* Sets one key from text; `where` names the source in errors ("--idle-warn",
 * "exhibit.conf:12"). */
bool mz_exhibit_config_set(mz_exhibit_config *cfg, const char *key, const char *value,
                           const char *where);

/* The number of keys, and key i's name (for building flags). */
int mz_exhibit_config_count(void);
const char *mz_exhibit_config_key(int i);
/* Key i's help line (its comment in --print-config). */
const char *mz_exhibit_config_help(int i);

/* Writes *cfg as a config file, each key after its comment. */
void mz_exhibit_config_print(const mz_exhibit_config *cfg, FILE *out);

#endif
