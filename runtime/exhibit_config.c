/* exhibit_config — see exhibit_config.h. One table describes every key:
 * the file parser, the flags, the defaults and --print-config all read it,
 * so a new setting is one line here. */
#include "exhibit_config.h"

#include "mz_error.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef enum kind { K_TEXT, K_LIST, K_BOOL, K_INT, K_SECONDS } kind;

typedef struct setting {
    const char *key;
    kind kind;
    size_t offset;
    const char *def;
    double min, max; /* K_INT, K_SECONDS */
    const char *help;
} setting;

#define AT(f) offsetof(mz_exhibit_config, f)
static const setting settings[] = {
    {"stories", K_LIST, AT(stories), "", 0, 0,
     "story folders, comma-separated (the command line's STORY... replaces them); the first "
     "plays at start, the operator can switch"},
    {"generator", K_TEXT, AT(generator), "", 0, 0,
     "generator URI (maze play --generator); empty: the embedded procedural one"},
    {"generator_fallback", K_TEXT, AT(generator_fallback), "procedural", 0, 0,
     "what stands in while a remote generator fails; none: nothing (\"Back in a moment\")"},
    {"attract", K_TEXT, AT(attract), "", 0, 0,
     "file of demo lines played while nobody plays; empty: the story's attract.txt, else its "
     "demo.txt"},
    {"attract_line_s", K_SECONDS, AT(attract_line_s), "6", 0.1, 3600,
     "seconds between two demo lines in attract"},
    {"attract_text", K_TEXT, AT(attract_text), "Type to begin", 0, 0,
     "the invitation shown in attract"},
    {"lang", K_TEXT, AT(lang), "", 0, 0,
     "the language stories start in, and attract plays in (one of the story's, \"fr\"); empty: "
     "the story's first"},
    {"lang_keys", K_BOOL, AT(lang_keys), "true", 0, 0,
     "attract lists a story's languages by their own names: keys 1-9 start a visitor in one"},
    {"lang_detect", K_BOOL, AT(lang_detect), "false", 0, 0,
     "guess the language from a visitor's first line (each language's filler words, its "
     "script) unless a key chose one; no clear guess: lang. The session log says which"},
    {"profile", K_TEXT, AT(profile), "", 0, 0,
     "the viewer profile every visitor gets, \"tone=eerie\" (fields the story declares); "
     "empty: the story's defaults"},
    {"profile_keys", K_BOOL, AT(profile_keys), "false", 0, 0,
     "attract shows the story's first viewer field (its question, else its name) and its value: "
     "Up and Down change it, attract repaints in it, and the next visitor plays in it"},
    {"fullscreen", K_BOOL, AT(fullscreen), "true", 0, 0, "fill the screen (false: a window)"},
    {"width", K_INT, AT(width), "1280", 320, 8192, "window width when not fullscreen"},
    {"height", K_INT, AT(height), "720", 240, 8192, "window height when not fullscreen"},
    {"author_keys", K_BOOL, AT(author_keys), "false", 0, 0,
     "let visitors use the author keys F1-F12 (never Esc)"},
    {"volume", K_SECONDS, AT(volume), "1", 0, 1, "sound volume 0..1 at start"},
    {"muted", K_BOOL, AT(muted), "false", 0, 0, "start with the sound off"},
    {"idle_warn", K_SECONDS, AT(idle_warn), "45", 0.1, 86400,
     "seconds without a key mid-story before the countdown shows"},
    {"idle_reset", K_SECONDS, AT(idle_reset), "60", 0.1, 86400,
     "seconds without a key mid-story before going back to attract"},
    {"idle_text", K_TEXT, AT(idle_text), "Still there? Press any key", 0, 0,
     "the countdown's question"},
    {"ending_hold", K_SECONDS, AT(ending_hold), "8", 0, 3600,
     "seconds an ending stays on screen before the credits"},
    {"credits_s", K_SECONDS, AT(credits_s), "8", 0, 3600, "seconds the credits show"},
    {"credits_text", K_TEXT, AT(credits_text), "Thank you for playing", 0, 0,
     "the credits' first line (the disclosure follows it)"},
    {"disclosure", K_TEXT, AT(disclosure), "", 0, 0,
     "the line saying the scenes are generated; empty: the story's"},
    {"hang_s", K_SECONDS, AT(hang_s), "10", 0.5, 3600,
     "restart the player when its frame loop is silent this long"},
    {"standby", K_BOOL, AT(standby), "true", 0, 0,
     "keep a second player ready behind the screen, so a restart shows at once (its memory "
     "doubles the player's)"},
    {"max_rss_mb", K_INT, AT(max_rss_mb), "2048", 16, 1048576,
     "restart the player at the next attract once its memory (RSS) passes this"},
    {"backoff_max_s", K_SECONDS, AT(backoff_max_s), "30", 0.1, 3600,
     "longest wait between restarts when the player keeps crashing"},
    {"gen_stall_s", K_SECONDS, AT(gen_stall_s), "5", 0.5, 3600,
     "no frame from the generator this long: 'back in a moment' and retry"},
    {"state_dir", K_TEXT, AT(state_dir), ".", 0, 0,
     "folder for last-crash.log and the console token"},
    {"session_log", K_TEXT, AT(session_log), "sessions.jsonl", 0, 0,
     "one JSON line per visitor session (relative: inside state_dir)"},
    {"session_log_kb", K_INT, AT(session_log_kb), "1024", 1, 1048576,
     "rotate the session log past this size"},
    {"session_log_keep", K_INT, AT(session_log_keep), "5", 1, 100, "rotated logs kept (.1 ...)"},
    {"log_viewer_text", K_BOOL, AT(log_viewer_text), "false", 0, 0,
     "also log what visitors typed (off: no viewer text is kept)"},
    {"console_bind", K_TEXT, AT(console_bind), "127.0.0.1", 0, 0,
     "address the operator console listens on (loopback: this machine only)"},
    {"console_port", K_INT, AT(console_port), "8090", -1, 65535,
     "the operator console's port (0: any free one, printed; -1: no console)"},
    {"console_token", K_TEXT, AT(console_token), "", 0, 0,
     "operator token; empty: a random one, printed and written to state_dir/console-token"},
    {"console_dir", K_TEXT, AT(console_dir), "assets/web", 0, 0,
     "folder of the operator page (operator.html and its files)"},
    {"audience", K_TEXT, AT(audience), "off", 0, 0,
     "the audience's phones: off, queue (their lines on screen in turn) or vote (on the "
     "scene's choices)"},
    {"audience_bind", K_TEXT, AT(audience_bind), "0.0.0.0", 0, 0,
     "address the audience page listens on (the phones reach it over the LAN)"},
    {"audience_port", K_INT, AT(audience_port), "8091", 0, 65535,
     "the audience page's port (0: a free one)"},
    {"audience_url", K_TEXT, AT(audience_url), "", 0, 0,
     "the URL the QR code shows; empty: http://LAN-ADDRESS:PORT/audience"},
    {"qr", K_BOOL, AT(qr), "true", 0, 0, "show the QR code to the audience page"},
    {"qr_corner", K_TEXT, AT(qr_corner), "bottom-right", 0, 0,
     "its corner: top-left, top-right, bottom-left or bottom-right"},
    {"premoderate", K_BOOL, AT(premoderate), "false", 0, 0,
     "queue: an operator approves each line on /moderate.html (the console token)"},
    {"turn_s", K_SECONDS, AT(turn_s), "8", 0.1, 3600,
     "queue: seconds between two audience lines on screen"},
    {"vote_s", K_SECONDS, AT(vote_s), "20", 1, 3600, "vote: seconds a vote stays open"},
    {"moderation_timeout", K_SECONDS, AT(moderation_timeout), "60", 1, 86400,
     "lines waiting for the operator longer than this are not accepted"},
    {"audience_max_len", K_INT, AT(audience_max_len), "140", 1, 500,
     "longest line a phone may send, in bytes"},
    {"audience_rate_s", K_SECONDS, AT(audience_rate_s), "5", 0.1, 3600,
     "seconds between two lines of one phone"},
    {"audience_mute_after", K_INT, AT(audience_mute_after), "3", 1, 1000,
     "lines not accepted before a phone is muted (10 minutes)"},
    {"moderation_dir", K_TEXT, AT(moderation_dir), "assets/moderation", 0, 0,
     "folder of blocked lists (LANG.txt) and allow lists (allow/LANG.txt)"},
    {"moderation_langs", K_TEXT, AT(moderation_langs), "", 0, 0,
     "languages whose lists apply, \"en,fr\"; empty: all"},
    {"moderation_list", K_TEXT, AT(moderation_list), "", 0, 0,
     "the installation's own blocked words and phrases, one a line"},
    {"moderation_allow", K_TEXT, AT(moderation_allow), "", 0, 0,
     "the installation's own innocent words the lists would block"},
    {"audience_pages", K_TEXT, AT(audience_pages), "assets/web", 0, 0,
     "the folder of the audience's and the moderator's pages"},
    {"trace", K_TEXT, AT(trace), "", 0, 0,
     "the player's trace, one JSON line a turn (it holds what was typed), in TRACE.PID for "
     "each player process; empty: none"},
};
#define SETTING_COUNT (int)(sizeof settings / sizeof settings[0])
_Static_assert(sizeof settings / sizeof settings[0] <= MZ_EXHIBIT_MAX_KEYS,
               "a setting past MZ_EXHIBIT_MAX_KEYS would have no flag");

int mz_exhibit_config_count(void)
{
    return SETTING_COUNT;
}

const char *mz_exhibit_config_key(int i)
{
    return i >= 0 && i < SETTING_COUNT ? settings[i].key : NULL;
}

const char *mz_exhibit_config_help(int i)
{
    return i >= 0 && i < SETTING_COUNT ? settings[i].help : NULL;
}

static bool set_list(mz_exhibit_config *cfg, const char *value, const char *where)
{
    int n = 0;
    const char *at = value;
    while (*at) {
        const char *comma = strchr(at, ',');
        size_t len = comma ? (size_t)(comma - at) : strlen(at);
        while (len && isspace((unsigned char)*at))
            at++, len--;
        while (len && isspace((unsigned char)at[len - 1]))
            len--;
        if (len) {
            if (n == MZ_EXHIBIT_MAX_STORIES)
                return mz_fail("%s: stories: at most %d", where, MZ_EXHIBIT_MAX_STORIES);
            if (len >= MZ_EXHIBIT_TEXT) return mz_fail("%s: stories: a name is too long", where);
            memcpy(cfg->stories[n], at, len);
            cfg->stories[n++][len] = '\0';
        }
        if (!comma) break;
        at = comma + 1;
    }
    cfg->story_count = n;
    return true;
}

static bool set_value(mz_exhibit_config *cfg, const setting *s, const char *value,
                      const char *where)
{
    char *field = (char *)cfg + s->offset;
    char *end = NULL;
    errno = 0;
    switch (s->kind) {
    case K_TEXT:
        if (strlen(value) >= MZ_EXHIBIT_TEXT)
            return mz_fail("%s: %s: longer than %d bytes", where, s->key, MZ_EXHIBIT_TEXT - 1);
        snprintf(field, MZ_EXHIBIT_TEXT, "%s", value);
        return true;
    case K_LIST:
        return set_list(cfg, value, where);
    case K_BOOL: {
        static const char *const yes[] = {"true", "yes", "on", "1"}, *const no[] = {"false", "no",
                                                                                   "off", "0"};
        for (int i = 0; i < 4; i++) {
            if (!strcmp(value, yes[i]) || !strcmp(value, no[i])) {
                *(bool *)field = !strcmp(value, yes[i]);
                return true;
            }
        }
        return mz_fail("%s: %s: '%s' is not true or false", where, s->key, value);
    }
    case K_INT: {
        long v = strtol(value, &end, 10);
        if (errno || end == value || *end || v < s->min || v > s->max)
            return mz_fail("%s: %s: '%s' is not an integer in %.0f..%.0f", where, s->key, value,
                           s->min, s->max);
        *(long *)field = v;
        return true;
    }
    case K_SECONDS: {
        double v = strtod(value, &end);
        if (errno || end == value || *end || !isfinite(v) || v < s->min || v > s->max)
            return mz_fail("%s: %s: '%s' is not a number in %g..%g", where, s->key, value, s->min,
                           s->max);
        *(double *)field = v;
        return true;
    }
    }
    return false;
}

static const setting *find(const char *key)
{
    for (int i = 0; i < SETTING_COUNT; i++)
        if (!strcmp(settings[i].key, key)) return &settings[i];
    return NULL;
}

bool mz_exhibit_config_set(mz_exhibit_config *cfg, const char *key, const char *value,
                           const char *where)
{
    const setting *s = find(key);
    if (!s) return mz_fail("%s: unknown setting '%s' (maze exhibit --print-config lists them)",
                           where, key);
    return set_value(cfg, s, value, where);
}

void mz_exhibit_config_defaults(mz_exhibit_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (int i = 0; i < SETTING_COUNT; i++) {
        bool ok = set_value(cfg, &settings[i], settings[i].def, "default");
        (void)ok; /* the table's defaults are in range (test_exhibit_config checks) */
    }
}

/* A quoted value: unescapes into out; false on a missing quote or junk after it. */
static bool unquote(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (in++; *in && *in != '"'; in++) {
        if (*in == '\\' && (in[1] == '"' || in[1] == '\\')) in++;
        if (n + 1 < cap) out[n++] = *in;
    }
    out[n] = '\0';
    if (*in != '"') return false;
    for (in++; *in; in++)
        if (!isspace((unsigned char)*in)) return false;
    return true;
}

bool mz_exhibit_config_load(mz_exhibit_config *cfg, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return mz_fail("%s: %s", path, strerror(errno));
    char line[4096], where[600];
    int lineno = 0;
    bool seen[SETTING_COUNT] = {false};
    int seen_line[SETTING_COUNT] = {0};
    bool ok = true;
    while (ok && fgets(line, sizeof line, f)) {
        lineno++;
        snprintf(where, sizeof where, "%s:%d", path, lineno);
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            ok = mz_fail("%s: line longer than %zu bytes", where, sizeof line - 2);
            break;
        }
        while (len && isspace((unsigned char)line[len - 1]))
            line[--len] = '\0';
        char *at = line;
        while (isspace((unsigned char)*at))
            at++;
        if (!*at || *at == '#') continue;
        char *eq = strchr(at, '=');
        if (!eq) {
            ok = mz_fail("%s: expected 'key = value', got '%.80s'", where, at);
            break;
        }
        char *key_end = eq;
        while (key_end > at && isspace((unsigned char)key_end[-1]))
            key_end--;
        *key_end = '\0';
        char *value = eq + 1;
        while (isspace((unsigned char)*value))
            value++;
        char unq[sizeof line];
        if (*value == '"') {
            if (!unquote(value, unq, sizeof unq)) {
                ok = mz_fail("%s: %s: unterminated string, or text after its closing quote",
                             where, at);
                break;
            }
            value = unq;
        }
        const setting *s = find(at);
        if (s && seen[s - settings]) {
            ok = mz_fail("%s: %s is already set on line %d", where, at, seen_line[s - settings]);
            break;
        }
        ok = mz_exhibit_config_set(cfg, at, value, where);
        if (ok) {
            seen[s - settings] = true;
            seen_line[s - settings] = lineno;
        }
    }
    fclose(f);
    return ok;
}

/* A text value as the parser reads it back: quoted when it has edge
 * blanks, quotes, a backslash or nothing at all. */
static void print_text(const char *v, FILE *out)
{
    size_t n = strlen(v);
    bool quote = !n || isspace((unsigned char)v[0]) || isspace((unsigned char)v[n - 1]) ||
                 strpbrk(v, "\"\\") || v[0] == '#';
    if (!quote) {
        fputs(v, out);
        return;
    }
    fputc('"', out);
    for (; *v; v++) {
        if (*v == '"' || *v == '\\') fputc('\\', out);
        fputc(*v, out);
    }
    fputc('"', out);
}

void mz_exhibit_config_print(const mz_exhibit_config *cfg, FILE *out)
{
    fprintf(out, "# maze exhibit settings: key = value, one per line; '#' starts a comment line.\n"
                 "# Every key is also a flag: idle_warn -> --idle-warn (flags win over the file).\n");
    for (int i = 0; i < SETTING_COUNT; i++) {
        const setting *s = &settings[i];
        const char *field = (const char *)cfg + s->offset;
        fprintf(out, "\n# %s", s->help);
        if (s->kind == K_INT) fprintf(out, " (%.0f..%.0f)", s->min, s->max);
        if (s->kind == K_SECONDS) fprintf(out, " (%g..%g)", s->min, s->max);
        fprintf(out, "\n%s = ", s->key);
        switch (s->kind) {
        case K_TEXT:
            print_text(field, out);
            break;
        case K_LIST:
            for (int k = 0; k < cfg->story_count; k++)
                fprintf(out, "%s%s", k ? ", " : "", cfg->stories[k]);
            break;
        case K_BOOL:
            fputs(*(const bool *)field ? "true" : "false", out);
            break;
        case K_INT:
            fprintf(out, "%ld", *(const long *)field);
            break;
        case K_SECONDS:
            fprintf(out, "%g", *(const double *)field);
            break;
        }
        fputc('\n', out);
    }
}
