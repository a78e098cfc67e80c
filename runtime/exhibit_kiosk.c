/* exhibit_kiosk — see exhibit_kiosk.h. */
#include "exhibit_kiosk.h"

#include "exhibit_audience.h"
#include "exhibit_link.h"
#include "mz_error.h"
#include "mz_log.h"
#include "mz_text.h"
#include "mz_time.h"
#include "play_window.h"
#include "story_questions.h"

#include <SDL.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define STATUS_EVERY_S 0.2 /* the heartbeat: hang_s is at least 0.5 s */
#define MAX_DEMO 64
#define MAX_LANGS 9 /* keys 1-9 */
#define MAX_VALUES 8

typedef enum kstate { ATTRACT, PLAYING, IDLE_WARNING, ENDING, CREDITS, STARTING, STANDBY } kstate;
static const char *const state_names[] = {"attract", "playing", "idle_warning", "ending",
                                          "credits", "starting", "standby"};

typedef struct kiosk {
    mz_exhibit_config cfg;
    int status_fd, command_fd;
    mz_exhibit_lines commands;
    mz_player *p;
    int story;
    kstate state;
    uint64_t state_ns, key_ns;
    bool paused, quit;
    /* attract's demo */
    char *demo[MAX_DEMO];
    int demo_count, demo_next;
    uint64_t demo_ns;
    /* the story's languages (issue 17): attract's keys, the first line's guess */
    char langs[MAX_LANGS][16];
    int lang_count, lang_default, lang; /* indexes into langs */
    const char *lang_from;              /* "default", "key" or "detected" */
    bool drop_text;                     /* the text of the key that chose a language */
    bool first_line;                    /* the visitor's first line is still to come */
    char choices[MZ_EXHIBIT_TEXT];      /* "1 English   2 Français" */
    /* the story's first viewer field, Up and Down in attract (profile_keys) */
    char field[64], ask[256], values[MAX_VALUES][64];
    int value_count, value_default, value;
    char profile[MZ_EXHIBIT_TEXT + 128]; /* the config's, and the value chosen */
    /* the visitor session */
    time_t session_start;
    uint64_t seed;
    cJSON *inputs; /* what the visitor typed (log_viewer_text), else NULL */
    int last_turn;
    /* the generator */
    uint64_t frames_seen, frame_ns, retry_ns;
    bool stalled, gen_fresh;
    int reopens; /* in a row, each without a frame */
    uint64_t fallbacks; /* remote -> embedded switches, and reopens */
    bool was_fallback;
    double last_latency;
    uint64_t status_ns;
    char banner[1024];
    mz_exhibit_audience *audience; /* the phones (issue 11), or NULL */
} kiosk;

static double since(uint64_t ns)
{
    return mz_time_ms_since(ns) / 1000.0;
}

static void report(kiosk *k, mz_exhibit_msg_kind kind, const char *text, double value)
{
    if (k->status_fd < 0) return;
    mz_exhibit_msg m = {.kind = kind, .value = value};
    snprintf(m.text, sizeof m.text, "%s", text ? text : "");
    if (!mz_exhibit_msg_write(k->status_fd, &m)) mz_log_warn("exhibit: cannot reach the supervisor");
}

static void send_status(kiosk *k)
{
    if (k->status_fd < 0) return;
    mz_exhibit_msg m = {.kind = MZ_EXHIBIT_MSG_STATUS};
    mz_exhibit_live *l = &m.live;
    snprintf(l->state, sizeof l->state, "%s", state_names[k->state]);
    snprintf(l->story, sizeof l->story, "%.*s", (int)sizeof l->story - 1, k->cfg.stories[k->story]);
    snprintf(l->scene, sizeof l->scene, "%s", mz_player_scene(k->p));
    l->turn = mz_player_turns(k->p);
    mz_player_stats(k->p, &l->fps, l->backend, &l->fallback, &l->first_frame_p95_ms);
    k->fallbacks += l->fallback && !k->was_fallback; /* a remote generator gave way */
    k->was_fallback = l->fallback;
    l->fallbacks = k->fallbacks;
    l->paused = k->paused;
    mz_audio *a = mz_player_audio(k->p);
    l->muted = mz_audio_muted(a);
    l->volume = mz_audio_volume(a);
    mz_exhibit_msg_write(k->status_fd, &m);
    k->status_ns = mz_time_ns();
}

/* ---- attract's demo lines: the config's file, else the story's attract
 * list (story { attract = ... }), else its attract.txt, else demo.txt ---- */

static bool demo_add(kiosk *k, const char *line)
{
    char *copy = k->demo_count < MAX_DEMO ? strdup(line) : NULL;
    if (copy) k->demo[k->demo_count++] = copy;
    return copy != NULL;
}

/* Reads the lines of the story playing now (call it after the story loads). */
static void load_demo(kiosk *k)
{
    for (int i = 0; i < k->demo_count; i++)
        free(k->demo[i]);
    k->demo_count = 0;
    const char *story = k->cfg.stories[k->story];
    char path[MZ_EXHIBIT_TEXT + 32];
    FILE *f = NULL;
    size_t listed = 0;
    const mz_story *s = mz_player_story(k->p);
    const char *const *lines = s ? mz_story_attract(s, &listed) : NULL;
    if (k->cfg.attract[0]) {
        f = fopen(k->cfg.attract, "r");
        if (!f) mz_log_warn("exhibit: attract %s cannot be read; no demo", k->cfg.attract);
    } else if (listed) {
        for (size_t i = 0; i < listed; i++)
            if (!demo_add(k, lines[i])) break;
        return;
    } else {
        snprintf(path, sizeof path, "%s/attract.txt", story);
        f = fopen(path, "r");
        if (!f) {
            snprintf(path, sizeof path, "%s/demo.txt", story);
            f = fopen(path, "r");
        }
    }
    if (!f) return;
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] && line[0] != '#' && !demo_add(k, line)) break;
    }
    fclose(f);
}

/* ---- the story's languages: attract's choices, the visitor's language ---- */

/* The first viewer field the story declares, its value after the config's
 * profile the default, when the config lets visitors choose it. */
static void load_field(kiosk *k, mz_story *st)
{
    mz_story_viewer_info info;
    k->value_count = k->value_default = 0;
    if (!k->cfg.profile_keys || !mz_story_viewer_get(st, 0, &info) || info.value_count < 2) return;
    snprintf(k->field, sizeof k->field, "%s", info.name);
    snprintf(k->ask, sizeof k->ask, "%s%s", info.ask ? info.ask : info.name, info.ask ? "" : ":");
    for (size_t i = 0; i < info.value_count && k->value_count < MAX_VALUES; i++)
        snprintf(k->values[k->value_count++], sizeof k->values[0], "%s", info.values[i]);
    k->value_default = (int)info.current;
}

static void load_story_choices(kiosk *k)
{
    const mz_exhibit_config *c = &k->cfg;
    k->lang_count = k->lang_default = 0;
    k->choices[0] = '\0';
    mz_story *st = mz_story_load(&(mz_story_desc){.path = c->stories[k->story],
                                                  .profile = c->profile[0] ? c->profile : NULL});
    if (!st) {
        mz_log_warn("exhibit: %s", mz_error()); /* the player says so too */
        return;
    }
    size_t n = mz_story_language_count(st);
    for (size_t i = 0; i < n && k->lang_count < MAX_LANGS; i++) {
        const char *code = mz_story_language(st, i), *name = mz_questions_language_name(code);
        snprintf(k->langs[k->lang_count], sizeof k->langs[0], "%s", code);
        if (!strcmp(code, c->lang)) k->lang_default = k->lang_count;
        size_t len = strlen(k->choices);
        snprintf(k->choices + len, sizeof k->choices - len, "%s%d %s", len ? "   " : "",
                 k->lang_count + 1, name ? name : code);
        k->lang_count++;
    }
    load_field(k, st);
    k->value = k->value_default;
    mz_story_destroy(st);
    if (c->lang[0] && strcmp(k->langs[k->lang_default], c->lang))
        mz_log_warn("exhibit: %s has no language '%s'; playing in its first", c->stories[k->story],
                    c->lang);
    if (k->lang_count < 2 || !c->lang_keys) k->choices[0] = '\0';
}

/* Whether a profile's item (len bytes, "tone = eerie") sets `field`. */
static bool names_field(const char *item, size_t len, const char *field)
{
    const char *eq = memchr(item, '=', len), *end = eq;
    if (!eq) return false;
    while (item < end && (*item == ' ' || *item == '\t'))
        item++;
    while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    return (size_t)(end - item) == strlen(field) && !memcmp(item, field, (size_t)(end - item));
}

/* The next story plays in language i (of the story's), with the config's
 * profile and the value chosen in attract (the later wins). */
static void set_viewer(kiosk *k, int i, const char *from)
{
    k->lang = i;
    k->lang_from = from;
    /* the config's "name=value" items (split by commas or newlines, as
     * profiles are), less the field chosen here, then the value chosen */
    size_t n = 0;
    k->profile[0] = '\0';
    for (const char *c = k->cfg.profile; *c;) {
        size_t len = strcspn(c, ",\n");
        if (len && !(k->value_count && names_field(c, len, k->field)) && n < sizeof k->profile)
            n += (size_t)snprintf(k->profile + n, sizeof k->profile - n, "%s%.*s", n ? "," : "",
                                  (int)len, c);
        c += len + (c[len] != '\0');
    }
    if (k->value_count && n < sizeof k->profile)
        snprintf(k->profile + n, sizeof k->profile - n, "%s%s=%s", n ? "," : "", k->field,
                 k->values[k->value]);
    mz_player_set_viewer(k->p, k->lang_count ? k->langs[i] : NULL,
                         k->profile[0] ? k->profile : NULL);
}

/* ---- states ---- */

static void set_state(kiosk *k, kstate s)
{
    if (s != k->state) mz_log_info("exhibit: %s", state_names[s]);
    k->state = s;
    k->state_ns = mz_time_ns();
}

static uint64_t new_seed(void)
{
    uint64_t s = 0;
    if (getrandom(&s, sizeof s, GRND_NONBLOCK) != sizeof s) s = mz_time_ns() ^ (uint64_t)getpid();
    s &= (1ull << 53) - 1; /* traces and the protocol carry 53 bits */
    return s ? s : 1;
}

static void iso_time(time_t t, char *out, size_t cap)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The session log's line for the visitor leaving: `reason` ending, idle or
 * operator. No viewer text unless the config asks for it. */
static void end_session(kiosk *k, const char *reason)
{
    if (k->state == ATTRACT || k->state == STARTING || k->state == STANDBY) return;
    char start[32], end[32];
    iso_time(k->session_start, start, sizeof start);
    iso_time(time(NULL), end, sizeof end);
    cJSON *o = cJSON_CreateObject();
    const char *ending = mz_player_ending(k->p);
    cJSON_AddStringToObject(o, "start", start);
    cJSON_AddStringToObject(o, "end", end);
    cJSON_AddNumberToObject(o, "seconds", (double)(time(NULL) - k->session_start));
    cJSON_AddStringToObject(o, "story", k->cfg.stories[k->story]);
    char seed[24]; /* in full: a double would print 53-bit seeds as 8.7e+15 */
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)k->seed);
    cJSON_AddRawToObject(o, "seed", seed);
    cJSON_AddNumberToObject(o, "turns", mz_player_turns(k->p));
    if (ending)
        cJSON_AddStringToObject(o, "ending", ending);
    else
        cJSON_AddNullToObject(o, "ending");
    cJSON_AddStringToObject(o, "reason", reason);
    if (k->lang_count) {
        cJSON_AddStringToObject(o, "lang", k->langs[k->lang]);
        cJSON_AddStringToObject(o, "lang_from", k->lang_from);
    }
    if (k->profile[0]) cJSON_AddStringToObject(o, "profile", k->profile);
    if (k->inputs) {
        cJSON_AddItemToObject(o, "inputs", k->inputs);
        k->inputs = NULL;
    }
    char *line = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (line) report(k, MZ_EXHIBIT_MSG_SESSION, line, 0);
    cJSON_free(line);
}

static bool start_attract(kiosk *k)
{
#ifdef __GLIBC__
    /* Between two visitors, the free pages left inside the heap go back
     * to the system (every arena: the generator's and sound's threads
     * allocate too): a week of sessions must not keep its high-water mark. */
    malloc_trim(0);
#endif
    set_state(k, ATTRACT);
    k->demo_next = 0;
    k->demo_ns = mz_time_ns();
    set_viewer(k, k->lang_default, "default");
    /* Attract always plays the same way: the demo's seed. */
    return mz_player_new_story(k->p, k->cfg.stories[k->story], 1, true);
}

/* A visitor's story, in language `lang` of the story's (chosen by `from`). */
static void start_visitor(kiosk *k, int lang, const char *from)
{
    set_viewer(k, lang, from);
    k->first_line = true;
    k->seed = new_seed();
    k->session_start = time(NULL);
    k->last_turn = 0;
    cJSON_Delete(k->inputs);
    k->inputs = k->cfg.log_viewer_text ? cJSON_CreateArray() : NULL;
    if (!mz_player_new_story(k->p, k->cfg.stories[k->story], k->seed, false)) {
        mz_log_error("exhibit: %s", mz_error());
        report(k, MZ_EXHIBIT_MSG_ERROR, mz_error(), 0);
    }
    set_state(k, PLAYING);
    char start[32], text[700];
    iso_time(k->session_start, start, sizeof start);
    snprintf(text, sizeof text, "{\"start\":\"%s\",\"seed\":%llu,\"lang\":\"%s\"}", start,
             (unsigned long long)k->seed, k->lang_count ? k->langs[k->lang] : "");
    report(k, MZ_EXHIBIT_MSG_START, text, 0);
}

static void to_attract(kiosk *k, const char *reason)
{
    end_session(k, reason);
    k->value = k->value_default; /* the next visitor chooses afresh */
    if (!start_attract(k)) {
        mz_log_error("exhibit: %s", mz_error());
        report(k, MZ_EXHIBIT_MSG_ERROR, mz_error(), 0);
    }
}

/* Sees every key before the player: the first one in attract brings a new
 * visitor's story (the key then goes on into it), in the language whose
 * number it is when attract lists them (that key is not typed). */
static bool on_key(void *user, bool text, int key)
{
    kiosk *k = user;
    bool drop = text && k->drop_text;
    k->drop_text = false; /* a key's text comes right after it, or never */
    if (drop || k->paused || k->state == ENDING || k->state == CREDITS) return false;
    k->key_ns = mz_time_ns();
    if (k->state == ATTRACT && k->value_count && (key == SDLK_UP || key == SDLK_DOWN)) {
        /* attract plays on in the value chosen: the visitor sees it */
        k->value = (k->value + (key == SDLK_UP ? -1 : 1) + k->value_count) % k->value_count;
        if (!start_attract(k)) report(k, MZ_EXHIBIT_MSG_ERROR, mz_error(), 0);
        return false;
    }
    if (k->state == ATTRACT && !text && k->choices[0] && key >= SDLK_1 &&
        key < SDLK_1 + k->lang_count) {
        start_visitor(k, key - SDLK_1, "key");
        k->drop_text = true;
        return false;
    }
    if (k->state == ATTRACT && !text) start_visitor(k, k->lang_default, "default");
    if (k->state == IDLE_WARNING) set_state(k, PLAYING);
    return true;
}

/* The visitor's first line, before it plays: with lang_detect and no
 * language chosen by key, the story starts again in the language the line
 * seems to be in (same seed; the line then plays there). */
static void on_line(void *user, const char *line)
{
    kiosk *k = user;
    bool first = k->first_line;
    k->first_line = false;
    if (!first || !k->cfg.lang_detect || k->state != PLAYING || k->lang_count < 2 ||
        strcmp(k->lang_from, "default"))
        return;
    const char *codes[MAX_LANGS];
    for (int i = 0; i < k->lang_count; i++)
        codes[i] = k->langs[i];
    int guess = mz_text_guess_lang(line, strlen(line), codes, (size_t)k->lang_count);
    if (guess < 0 || guess == k->lang) return;
    mz_log_info("exhibit: the first line reads as '%s'", k->langs[guess]);
    set_viewer(k, guess, "detected");
    if (!mz_player_new_story(k->p, k->cfg.stories[k->story], k->seed, false)) {
        mz_log_error("exhibit: %s", mz_error());
        report(k, MZ_EXHIBIT_MSG_ERROR, mz_error(), 0);
    }
}

static void command(kiosk *k, const mz_exhibit_msg *m)
{
    const char *c = m->text;
    mz_audio *a = mz_player_audio(k->p);
    if (!strcmp(c, "attract")) {
        to_attract(k, "operator");
    } else if (!strcmp(c, "pause") || !strcmp(c, "resume")) {
        k->paused = !strcmp(c, "pause");
        k->key_ns = mz_time_ns(); /* the idle clock starts again on resume */
    } else if (!strcmp(c, "mute") || !strcmp(c, "unmute")) {
        mz_audio_set_muted(a, !strcmp(c, "mute"));
    } else if (!strcmp(c, "volume")) {
        mz_audio_set_volume(a, m->value < 0 ? 0 : m->value > 1 ? 1 : (float)m->value);
    } else if (!strcmp(c, "story")) {
        int i = (int)m->value;
        if (i >= 0 && i < k->cfg.story_count) {
            end_session(k, "operator"); /* logged under the story it played */
            k->state = ATTRACT;
            k->story = i;
            load_story_choices(k); /* its languages: attract starts it in one */
            to_attract(k, "operator");
            load_demo(k); /* the new story's */
        }
    } else if (!strcmp(c, "quit")) {
        end_session(k, "operator");
        k->quit = true;
    } else {
        mz_log_warn("exhibit: unknown command '%s'", c);
    }
}

/* The audience's phones (issue 11), served by the supervisor: a line whose
 * turn came, or a vote's winner, plays as the visitor's would (in attract
 * it brings a visitor's story first); phones voting keep the visitor there. */
static void audience(kiosk *k, const mz_exhibit_msg *m)
{
    char text[MZ_EXHIBIT_LINE_MAX];
    bool can_play =
        !k->paused && (k->state == ATTRACT || k->state == PLAYING || k->state == IDLE_WARNING);
    mz_exhibit_audience_ask ask =
        mz_exhibit_audience_heard(k->audience, k->p, m, can_play, text, sizeof text);
    if (ask == MZ_EXHIBIT_AUDIENCE_NOTHING || !can_play) return;
    if (k->state == ATTRACT) start_visitor(k, k->lang_default, "default");
    if (k->state == IDLE_WARNING) set_state(k, PLAYING);
    k->key_ns = mz_time_ns();
    if (ask == MZ_EXHIBIT_AUDIENCE_PLAY) mz_player_submit_from(k->p, text, "audience");
}

static void read_commands(kiosk *k)
{
    if (k->command_fd < 0) return;
    mz_exhibit_lines_read(&k->commands, k->command_fd);
    char line[MZ_EXHIBIT_LINE_MAX];
    mz_exhibit_msg m;
    while (mz_exhibit_lines_next(&k->commands, line, sizeof line)) {
        if (!mz_exhibit_msg_parse(line, &m)) continue;
        if (m.kind == MZ_EXHIBIT_MSG_COMMAND)
            command(k, &m);
        else
            audience(k, &m);
    }
    if (k->commands.eof) k->quit = true; /* the supervisor is gone */
}

/* The turn just played, kept for the log when the config asks. */
static void note_turn(kiosk *k)
{
    int turns = mz_player_turns(k->p);
    if (turns == k->last_turn) return;
    k->last_turn = turns;
    const mz_story_turn *t = mz_player_turn(k->p);
    if (k->inputs && t && t->input) cJSON_AddItemToArray(k->inputs, cJSON_CreateString(t->input));
}

static void play_demo(kiosk *k)
{
    if (since(k->demo_ns) < k->cfg.attract_line_s || !mz_player_scene_shown(k->p)) return;
    k->demo_ns = mz_time_ns();
    if (mz_player_ending(k->p) || k->demo_next >= k->demo_count) {
        if (!start_attract(k)) report(k, MZ_EXHIBIT_MSG_ERROR, mz_error(), 0);
        return;
    }
    mz_player_submit(k->p, k->demo[k->demo_next++]);
}

/* The invitation, the story's languages under it when it offers them, and
 * the viewer field's question with the value chosen. */
static void attract_banner(const kiosk *k, char *banner, size_t cap)
{
    int n =
        snprintf(banner, cap, "%s%s%s", k->cfg.attract_text, k->choices[0] ? "\n" : "", k->choices);
    if (k->value_count && n >= 0 && (size_t)n < cap)
        snprintf(banner + n, cap - (size_t)n, "\n\xe2\x86\x91\xe2\x86\x93 %s %s", k->ask,
                 k->values[k->value]);
}

/* The visitor cycle's clock, and the banner each state shows. */
static void tick(kiosk *k)
{
    mz_exhibit_audience_poll(k->audience, k->p);
    const mz_exhibit_config *c = &k->cfg;
    char banner[sizeof k->banner] = "";
    double idle = since(k->key_ns);
    switch (k->state) {
    case ATTRACT:
        if (!k->paused) play_demo(k);
        attract_banner(k, banner, sizeof banner);
        break;
    case PLAYING:
    case IDLE_WARNING:
        note_turn(k);
        if (k->paused) break;
        if (mz_player_ending(k->p)) {
            set_state(k, ENDING);
        } else if (idle >= c->idle_reset) {
            to_attract(k, "idle");
            attract_banner(k, banner, sizeof banner);
        } else if (idle >= c->idle_warn) {
            if (k->state != IDLE_WARNING) set_state(k, IDLE_WARNING);
            snprintf(banner, sizeof banner, "%s  %d", c->idle_text,
                     (int)(c->idle_reset - idle + 0.999));
        }
        break;
    case ENDING:
        if (since(k->state_ns) >= c->ending_hold) set_state(k, CREDITS);
        break;
    case STARTING:
    case STANDBY:
        break;
    case CREDITS: {
        const char *disclosure = mz_player_disclosure(k->p);
        snprintf(banner, sizeof banner, "%s%s%s", c->credits_text, disclosure ? "\n" : "",
                 disclosure ? disclosure : "");
        if (since(k->state_ns) >= c->credits_s) {
            to_attract(k, "ending");
            attract_banner(k, banner, sizeof banner);
        }
        break;
    }
    }
    if (k->paused) snprintf(banner, sizeof banner, "Paused");
    /* The generator: no frame for gen_stall_s means it failed outright (a
     * lost device, a shader that does not build, a server gone with no
     * fallback): a card over the last good frame, and a new generator. */
    uint64_t frames = mz_player_frames_taken(k->p);
    /* A generator just opened (a remote one connecting, shaders building)
     * gets three times as long for its first frame, doubling with each
     * reopen that brought none (up to 16 times): on an overloaded machine
     * reopening too soon would never let one finish starting. */
    double limit = k->gen_fresh ? 3 * c->gen_stall_s * (1 << (k->reopens < 4 ? k->reopens : 4))
                                : c->gen_stall_s;
    if (frames != k->frames_seen) {
        k->frames_seen = frames;
        k->frame_ns = mz_time_ns();
        if (k->stalled) mz_log_info("exhibit: the generator is back");
        k->stalled = k->gen_fresh = false;
        k->reopens = 0;
    } else if (since(k->frame_ns) >= limit && since(k->retry_ns) >= limit) {
        if (!k->stalled) {
            mz_log_error("exhibit: no frame from the generator for %.1f s: reopening it",
                         since(k->frame_ns));
            report(k, MZ_EXHIBIT_MSG_ERROR, "the generator stopped: reopening it", 0);
        }
        k->stalled = true;
        k->retry_ns = mz_time_ns();
        k->fallbacks++;
        k->reopens += k->gen_fresh; /* another one that never drew */
        k->gen_fresh = true;
        if (!mz_player_reopen_generator(k->p)) {
            mz_log_error("exhibit: %s", mz_error());
            report(k, MZ_EXHIBIT_MSG_ERROR, mz_error(), 0);
        }
    }
    if (k->stalled) snprintf(banner, sizeof banner, "Back in a moment");
    mz_player_set_banner(k->p, banner);
    double ff = mz_player_first_frame_ms(k->p);
    if (ff > 0 && ff != k->last_latency && mz_player_scene_shown(k->p)) {
        k->last_latency = ff;
        report(k, MZ_EXHIBIT_MSG_LATENCY, NULL, ff);
    }
}

/* A standby waits here, its window hidden, until the supervisor says go
 * (true) or quit, or goes away (false). */
static bool wait_for_go(kiosk *k)
{
    set_state(k, STANDBY);
    send_status(k);
    char line[MZ_EXHIBIT_LINE_MAX];
    mz_exhibit_msg m;
    for (;;) {
        struct pollfd pfd = {.fd = k->command_fd, .events = POLLIN};
        if (poll(&pfd, 1, -1) < 0 && errno != EINTR) return false;
        mz_exhibit_lines_read(&k->commands, k->command_fd);
        while (mz_exhibit_lines_next(&k->commands, line, sizeof line)) {
            if (!mz_exhibit_msg_parse(line, &m) || m.kind != MZ_EXHIBIT_MSG_COMMAND) continue;
            if (!strcmp(m.text, "go")) return true;
            if (!strcmp(m.text, "quit")) return false;
        }
        if (k->commands.eof) return false;
    }
}

int mz_exhibit_kiosk_run(const mz_exhibit_kiosk_desc *desc)
{
#ifdef __GLIBC__
    /* Frames, their conditioning copies and text surfaces (0.1-4 MB) come
     * and go with every scene. glibc raises its threshold for giving a
     * block a mapping of its own to the largest block freed, so after the
     * first scenes they land in the heap, where their mixed sizes and
     * lifetimes leave holes the next ones do not fit: the heap grew about
     * 1 MB every few minutes under tools/soak_exhibit.sh while the live
     * heap stayed flat (heaptrack). A fixed threshold keeps each such block
     * in a mapping of its own, returned whole when freed. */
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
    kiosk *k = calloc(1, sizeof *k);
    if (!k) return 1;
    k->cfg = *desc->config;
    k->status_fd = desc->status_fd;
    k->command_fd = desc->command_fd;
    k->state = STARTING;
    k->gen_fresh = true;
    if (k->command_fd >= 0) fcntl(k->command_fd, F_SETFL, O_NONBLOCK);
    const mz_exhibit_config *c = &k->cfg;
    load_story_choices(k);
    k->lang = k->lang_default;
    k->lang_from = "default";
    /* One trace per player process: a standby starts (and would truncate
     * the file) while the player it replaces still writes. */
    char trace[MZ_EXHIBIT_TEXT + 16];
    snprintf(trace, sizeof trace, "%s.%d", c->trace, (int)getpid());
    k->p = mz_player_create(&(mz_player_desc){
        .play = {
            .generator = c->generator[0] ? c->generator : NULL,
            .disclosure = c->disclosure[0] ? c->disclosure : NULL,
            .no_metadata = true, /* no screenshots anyway; and never viewer text in files */
            .trace = c->trace[0] ? trace : NULL,
            .lang = k->lang_count ? k->langs[k->lang_default] : NULL,
            .profile = c->profile[0] ? c->profile : NULL, /* what load_story_choices read */
        },
        .story = c->stories[0],
        .gen_fallback = strcmp(c->generator_fallback, "none") ? c->generator_fallback : "",
        .width = (int)c->width,
        .height = (int)c->height,
        .fullscreen = c->fullscreen,
        .volume = c->volume > 0 ? (float)c->volume : 1.0f,
        .muted = c->muted || c->volume == 0,
        .kiosk = true,
        .hidden = desc->standby,
        .author_keys = c->author_keys,
        .on_key = on_key,
        .on_line = on_line,
        .key_user = k,
    });
    int status = 0;
    if (!k->p) {
        fprintf(stderr, "maze exhibit: %s\n", mz_error());
        status = 1;
    } else {
        load_demo(k);
        if (desc->standby && k->command_fd >= 0 && !wait_for_go(k)) k->quit = true;
        if (desc->standby) mz_player_show(k->p);
        /* The phones are the supervisor's: without it, none. */
        k->audience =
            k->quit || k->status_fd < 0 ? NULL : mz_exhibit_audience_create(c, k->status_fd);
        if (!k->quit && k->status_fd >= 0 && !k->audience && *mz_error()) {
            fprintf(stderr, "maze exhibit: %s\n", mz_error());
            status = 1;
        }
        /* the player began the story: that is attract's first play */
        k->key_ns = k->frame_ns = k->demo_ns = mz_time_ns();
        set_state(k, ATTRACT);
    }
    while (!status && !k->quit) {
        read_commands(k);
        if (!mz_player_step(k->p)) {
            /* the renderer's device is gone, or the window: the supervisor
             * starts a new player */
            fprintf(stderr, "maze exhibit: %s\n", mz_error());
            report(k, MZ_EXHIBIT_MSG_ERROR, mz_error(), 0);
            status = 1;
            break;
        }
        tick(k);
        if (since(k->status_ns) >= STATUS_EVERY_S) send_status(k);
    }
    mz_exhibit_audience_destroy(k->audience);
    mz_player_destroy(k->p);
    for (int i = 0; i < k->demo_count; i++)
        free(k->demo[i]);
    cJSON_Delete(k->inputs);
    free(k);
    return status;
}
