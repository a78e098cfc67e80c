#include "mz_session.h"

#include "mz_defaults.h"

#include "mz_error.h"
#include "mz_text.h"
#include "mz_time.h"

#include <cjson/cJSON.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mz_session {
    mz_story *story;
    FILE *trace;
    mz_session_turn_fn on_turn;
    void *user;
    mz_story_turn turn;
    bool begun;
    mz_story_history *history; /* for undo */
    char *at;                  /* begin here (NULL: the start scene) */
    char **sets;               /* "NAME=VALUE" applied after begin */
    size_t set_count;

    /* The generator side (all unused when gen is NULL). */
    mz_gen *gen;
    int width, height;
    float fps;
    uint64_t scene_id;        /* the last scene submitted */
    char *scene_prompt;       /* and its prompt (a modifier changes it in place) */
    uint64_t input_ns;        /* when the current turn's input was accepted */
    mz_frame shown;           /* the frame on screen: the next scene's conditioning */
    bool have_shown;
    bool trace_pending;       /* the turn's trace line waits for its first frame */
    const char *source;       /* where the turn's input came from ("audience"), or NULL */
};

/* cJSON copies bytes as they are: what is not valid UTF-8 becomes U+FFFD
 * first, so the trace is always valid JSON. */
void mz_json_string(FILE *out, const char *s)
{
    if (!s) {
        fputs("null", out);
        return;
    }
    size_t n = strlen(s), len = 0;
    char *valid = malloc(n * 3 + 1); /* one invalid byte becomes three */
    for (size_t i = 0; valid && i < n;) {
        uint32_t cp;
        size_t used;
        if (mz_utf8_next((const unsigned char *)s + i, n - i, &cp, &used)) {
            memcpy(valid + len, s + i, used);
            len += used;
        } else {
            memcpy(valid + len, "\xEF\xBF\xBD", 3);
            len += 3;
        }
        i += used;
    }
    if (valid) valid[len] = '\0';
    cJSON *item = valid ? cJSON_CreateString(valid) : NULL;
    char *text = item ? cJSON_PrintUnformatted(item) : NULL;
    fputs(text ? text : "null", out); /* null only when out of memory */
    cJSON_free(text);
    cJSON_Delete(item);
    free(valid);
}

/* first_frame_ms < 0: no first frame to report (null). The field is only
 * written when a generator runs, so story-only traces stay byte-identical
 * between replays. */
static void write_trace(mz_session *ss, double first_frame_ms)
{
    const mz_story_turn *t = &ss->turn;
    FILE *f = ss->trace;
    fprintf(f, "{\"turn\":%d,\"input\":", t->turn);
    mz_json_string(f, t->input);
    fputs(",\"scene\":", f);
    mz_json_string(f, t->scene);
    fprintf(f, ",\"scene_changed\":%s,\"prompt\":", t->scene_changed ? "true" : "false");
    mz_json_string(f, t->prompt);
    /* Only for scenes that have them: other traces stay as they were. */
    for (size_t i = 0; i < t->prompt_count; i++) {
        fputs(i ? ",{\"text\":" : ",\"prompts\":[{\"text\":", f);
        mz_json_string(f, t->prompts[i].text);
        fprintf(f, ",\"weight\":%.3f}%s", (double)t->prompts[i].weight,
                i + 1 == t->prompt_count ? "]" : "");
    }
    if (t->transition_steps)
        fprintf(f, ",\"transition_steps\":%d,\"transition_method\":\"%s\"", t->transition_steps,
                t->transition_method);
    fputs(",\"caption\":", f);
    mz_json_string(f, t->caption);
    fputs(",\"matched\":", f);
    mz_json_string(f, t->matched);
    fprintf(f, ",\"score\":%.3f,", (double)t->score);
    if (ss->gen && first_frame_ms >= 0)
        fprintf(f, "\"first_frame_ms\":%.1f,", first_frame_ms);
    else if (ss->gen)
        fputs("\"first_frame_ms\":null,", f);
    fputs("\"reply\":", f);
    mz_json_string(f, t->reply);
    fputs(",\"ending\":", f);
    mz_json_string(f, t->ending);
    fputs(",\"error\":", f);
    mz_json_string(f, t->error);
    if (ss->source) { /* only for lines from elsewhere: keyboard traces stay as they were */
        fputs(",\"from\":", f);
        mz_json_string(f, ss->source);
    }
    fputs("}\n", f);
    fflush(f);
}

/* A trace line still waiting for its first frame is written without one
 * before the turn it describes is overwritten. */
static void flush_pending(mz_session *ss)
{
    if (ss->trace_pending) {
        ss->trace_pending = false;
        write_trace(ss, -1);
    }
    ss->source = NULL; /* the next turn's, until it says otherwise */
}

/* Sends the current scene to the generator, continuing from the frame on
 * screen. */
_Static_assert(MZ_STORY_MAX_PROMPTS <= MZ_GEN_MAX_PROMPTS &&
                   MZ_STORY_MAX_TRANSITION_STEPS <= MZ_GEN_MAX_TRANSITION_STEPS,
               "every scene a story may write, the generator takes");

float mz_session_transition_s(const mz_story_turn *t, float fps)
{
    if (!t->transition_steps) return t->transition_s;
    return (float)t->transition_steps / (fps > 0 ? fps : MZ_DEFAULT_FPS);
}

static bool submit_scene(mz_session *ss)
{
    const mz_story_turn *t = &ss->turn;
    mz_scene_prompt prompts[MZ_STORY_MAX_PROMPTS];
    for (size_t i = 0; i < t->prompt_count; i++)
        prompts[i] = (mz_scene_prompt){t->prompts[i].text, t->prompts[i].weight};
    mz_transition_method method = MZ_TRANSITION_LINEAR;
    if (t->transition_method) mz_transition_method_parse(t->transition_method, &method);
    mz_scene_request req = {
        .id = ++ss->scene_id,
        .prompt = t->prompt ? t->prompt : "",
        .seed = t->seed,
        .tags = t->sound,
        .tag_count = t->sound_count,
        .transition_s = t->transition_s,
        .prompts = prompts,
        .prompt_count = t->prompt_count,
        .transition_steps = (uint32_t)t->transition_steps,
        .transition_method = method,
        .width = ss->width,
        .height = ss->height,
        .fps = ss->fps,
    };
    free(ss->scene_prompt);
    ss->scene_prompt = strdup(req.prompt);
    if (mz_gen_submit(ss->gen, &req, ss->have_shown ? &ss->shown : NULL, ss->have_shown ? 1 : 0))
        return true;
    fprintf(stderr, "maze: the generator refused scene '%s': %s\n", t->scene, mz_error());
    return false;
}

bool mz_session_set_gen(mz_session *ss, mz_gen *gen)
{
    ss->gen = gen; /* the frame shown stays the caller's copy: the scene continues from it */
    return !gen || !ss->begun || submit_scene(ss);
}

static void turn_done(mz_session *ss, bool traced, bool new_scene)
{
    ss->begun = true;
    /* A new scene, or the same scene with a new prompt (the viewer's words
     * folded in as a modifier): either way the picture must change. */
    const char *prompt = ss->turn.prompt ? ss->turn.prompt : "";
    bool changed = new_scene || ss->turn.scene_changed || !ss->scene_prompt ||
                   strcmp(prompt, ss->scene_prompt) != 0;
    bool submitted = ss->gen && changed && submit_scene(ss);
    if (traced && ss->trace) {
        if (submitted)
            ss->trace_pending = true; /* written when the first frame is shown */
        else
            write_trace(ss, -1);
    }
    if (ss->on_turn) ss->on_turn(&ss->turn, ss->user);
}

mz_session *mz_session_create(const mz_session_desc *desc)
{
    if (!desc || !desc->story_path) {
        mz_fail("mz_session_create: no story");
        return NULL;
    }
    mz_session *ss = calloc(1, sizeof *ss);
    if (!ss) {
        mz_fail("out of memory");
        return NULL;
    }
    ss->on_turn = desc->on_turn;
    ss->user = desc->user;
    ss->gen = desc->gen;
    ss->width = desc->width;
    ss->height = desc->height;
    ss->fps = desc->fps;
    mz_story_desc sd = {
        .path = desc->story_path,
        .seed = desc->seed,
        .blocked_words = desc->blocked_words,
        .blocked_count = desc->blocked_count,
        .lang = desc->lang,
        .profile = desc->profile,
        .time_limit_ms = desc->turn_limit_ms,
    };
    ss->story = mz_story_load(&sd);
    ss->history = mz_story_history_create(0);
    ss->at = desc->at ? strdup(desc->at) : NULL;
    ss->sets = desc->set_count ? calloc(desc->set_count, sizeof *ss->sets) : NULL;
    for (size_t i = 0; ss->sets && i < desc->set_count; i++)
        if ((ss->sets[i] = strdup(desc->sets[i]))) ss->set_count++;
    if (!ss->story || !ss->history || (desc->at && !ss->at) || ss->set_count != desc->set_count) {
        if (ss->story) mz_fail("out of memory");
        mz_session_destroy(ss);
        return NULL;
    }
    if (desc->trace_path) {
        ss->trace = fopen(desc->trace_path, "w");
        if (!ss->trace) {
            mz_fail("cannot write the trace %s", desc->trace_path);
            mz_session_destroy(ss);
            return NULL;
        }
    }
    return ss;
}

void mz_session_destroy(mz_session *ss)
{
    if (!ss) return;
    flush_pending(ss);
    free(ss->scene_prompt);
    if (ss->trace) fclose(ss->trace);
    mz_story_history_destroy(ss->history);
    free(ss->at);
    for (size_t i = 0; i < ss->set_count; i++)
        free(ss->sets[i]);
    free(ss->sets);
    mz_story_destroy(ss->story);
    free(ss);
}

mz_story *mz_session_story(mz_session *ss)
{
    return ss->story;
}

const mz_story_turn *mz_session_turn(const mz_session *ss)
{
    return ss->begun ? &ss->turn : NULL;
}

/* Each "NAME=VALUE" of --set, after begin. */
static bool apply_sets(mz_session *ss)
{
    for (size_t i = 0; i < ss->set_count; i++) {
        char *eq = strchr(ss->sets[i], '=');
        if (!eq || eq == ss->sets[i])
            return mz_fail("--set %s: write NAME=VALUE", ss->sets[i]);
        *eq = '\0';
        bool ok = mz_story_set(ss->story, ss->sets[i], eq + 1, &ss->turn);
        *eq = '=';
        if (!ok) return false;
    }
    return true;
}

bool mz_session_begin(mz_session *ss)
{
    flush_pending(ss);
    ss->input_ns = mz_time_ns();
    mz_story_history_clear(ss->history);
    bool ok = ss->at ? mz_story_begin_at(ss->story, ss->at, &ss->turn)
                     : mz_story_begin(ss->story, &ss->turn);
    if (!ok || !apply_sets(ss)) return false;
    ss->turn.scene_changed = true; /* --set refreshed it: it is still the first scene */
    turn_done(ss, true, true);
    return true;
}

static bool input(mz_session *ss, const char *text, size_t len, const char *source)
{
    flush_pending(ss);
    ss->source = source;
    ss->input_ns = mz_time_ns();
    mz_story_history_push(ss->history, ss->story);
    if (!mz_story_input(ss->story, text, len, &ss->turn)) return false;
    turn_done(ss, true, false);
    return true;
}

bool mz_session_input(mz_session *ss, const char *text, size_t len)
{
    return input(ss, text, len, NULL);
}

bool mz_session_input_from(mz_session *ss, const char *text, size_t len, const char *source)
{
    return input(ss, text, len, source);
}

bool mz_session_undo(mz_session *ss)
{
    flush_pending(ss);
    ss->input_ns = mz_time_ns();
    if (!mz_story_history_undo(ss->history, ss->story, &ss->turn)) return false;
    /* The scene shown before the undone turn comes back as a new scene. */
    ss->turn.scene_changed = true;
    turn_done(ss, true, false);
    return true;
}

void mz_session_frame_shown(mz_session *ss, const mz_frame *frame)
{
    ss->shown = *frame; /* its pixels stay the caller's (see the header) */
    ss->have_shown = true;
    if (ss->trace_pending && frame->scene_id == ss->scene_id) {
        ss->trace_pending = false;
        write_trace(ss, mz_time_ms_since(ss->input_ns));
    }
}

uint64_t mz_session_scene_id(const mz_session *ss)
{
    return ss->scene_id;
}

bool mz_session_save(mz_session *ss, const char *path)
{
    return mz_story_save(ss->story, path);
}

bool mz_session_load(mz_session *ss, const char *path)
{
    flush_pending(ss);
    if (!mz_story_restore(ss->story, path, &ss->turn)) return false;
    mz_story_history_clear(ss->history);
    turn_done(ss, false, true);
    return true;
}

bool mz_session_reload(mz_session *ss)
{
    flush_pending(ss);
    if (!mz_story_reload(ss->story)) return false;
    mz_story_history_clear(ss->history);
    if (!ss->begun) return true;
    mz_story_refresh(ss->story, &ss->turn);
    turn_done(ss, false, true);
    return true;
}

void mz_session_set_size(mz_session *ss, int width, int height)
{
    ss->width = width;
    ss->height = height;
}
