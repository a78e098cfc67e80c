/* story_query.c — the loaded graph and the play state, read-only, for tools
 * that explore a story from outside (maze test: coverage, random play); and
 * the viewer profile's public side (the fields, setting and reading it),
 * over variant.h. */
#include "story_internal.h"

#include "serial.h"
#include "state.h"
#include "variant.h"
#include "vm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t mz_story_scene_count(const mz_story *s)
{
    return s->g->scene_count;
}

bool mz_story_scene_get(const mz_story *s, size_t i, mz_story_scene_info *out)
{
    if (i >= s->g->scene_count) return false;
    const story_scene *sc = &s->g->scenes[i];
    *out = (mz_story_scene_info){
        .id = sc->id,
        .file = sc->file,
        .line = sc->line,
        .ending = sc->ending,
        .prompt = sc->prompt,
        .transition_count = sc->on_count,
        .prompt_texts = sc->prompt_texts,
        .prompt_weights = sc->prompt_weights,
        .prompt_count = sc->prompt_count,
        .transition_steps = sc->transition_steps,
        .transition_method = sc->transition_method,
    };
    return true;
}

bool mz_story_transition_get(const mz_story *s, size_t i, size_t t,
                              mz_story_transition_info *out)
{
    if (i >= s->g->scene_count || t >= s->g->scenes[i].on_count) return false;
    const story_transition *tr = &s->g->scenes[i].on[t];
    *out = (mz_story_transition_info){
        .patterns = tr->patterns,
        .pattern_count = tr->pattern_count,
        .to = tr->to,
        .to_scene = tr->to_scene,
        .dynamic = tr->to_ref != LUA_NOREF,
        .conditional = tr->when_ref != LUA_NOREF,
        .file = tr->file,
        .line = tr->line,
    };
    return true;
}

void mz_story_reseed(mz_story *s, uint64_t seed)
{
    s->seed = seed ? seed : 1;
}

int mz_story_scene_index(const mz_story *s)
{
    return s->play.begun ? s->play.scene : -1;
}

uint64_t mz_story_state_digest(const mz_story *s)
{
    const story_play *p = &s->play;
    uint64_t h = story_hash(&p->scene, sizeof p->scene, STORY_HASH_INIT);
    /* good_state is s and the items as sorted text after the last good turn. */
    if (s->good_state.data) h = story_hash(s->good_state.data, s->good_state.len, h);
    /* Visit counts above 3 are folded together, so that walking round a loop
     * does not make endless new states for a search. */
    for (size_t i = 0; i < s->g->scene_count; i++) {
        uint8_t v = p->visits[i] > 3 ? 3 : (uint8_t)p->visits[i];
        h = story_hash(&v, 1, h);
    }
    for (int m = 0; m < p->modifier_count; m++)
        h = story_hash(p->modifiers[m], strlen(p->modifiers[m]) + 1, h);
    return h;
}

bool mz_story_undeclared_field(mz_story *s, char *name, size_t cap)
{
    lua_State *L = s->g->vm->L;
    const char *vars = s->g->initial_vars ? s->g->initial_vars : "{}";
    char err[64];
    size_t pos = 0;
    if (!story_serial_read(L, vars, strlen(vars), &pos, err, sizeof err)) return false;
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->g->vm->s_ref);
    bool found = false;
    lua_pushnil(L);
    while (!found && lua_next(L, -2)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING) continue;
        lua_pushvalue(L, -1);
        found = lua_rawget(L, -4) == LUA_TNIL;
        lua_pop(L, 1);
        if (found) snprintf(name, cap, "%s", lua_tostring(L, -1));
    }
    lua_pop(L, found ? 3 : 2);
    return found;
}

size_t mz_story_inspect(const mz_story *s, char *buf, size_t cap)
{
    /* good_state is "s\nitems" as sorted text, as of the last good turn. */
    const char *state = s->good_state.data ? s->good_state.data : "";
    const char *nl = strchr(state, '\n');
    int vars_len = nl ? (int)(nl - state) : (int)strlen(state);
    size_t n = (size_t)snprintf(buf, cap, "vars    %.*s\nitems   %s\nvisits ", vars_len, state,
                                nl ? nl + 1 : "{}");
    for (size_t i = 0; i < s->g->scene_count; i++)
        if (s->play.visits[i])
            n += (size_t)snprintf(buf + (n < cap ? n : cap), n < cap ? cap - n : 0, " %s %u",
                                  s->g->scenes[i].id, s->play.visits[i]);
    const char *matched = s->matched.len ? s->matched.data : NULL;
    n += (size_t)snprintf(buf + (n < cap ? n : cap), n < cap ? cap - n : 0,
                          "\nmatch   %s%s%s", matched ? "\"" : "(none)", matched ? matched : "",
                          matched ? "\"" : "");
    if (s->runner_up[0])
        n += (size_t)snprintf(buf + (n < cap ? n : cap), n < cap ? cap - n : 0,
                              "\nrunner-up \"%s\" %.2f", s->runner_up, s->runner_up_score);
    return n;
}

/* ---- snapshots ---- */

struct mz_story_snapshot {
    story_play play; /* play.visits points at `visits` below */
    size_t scene_count;
    char *state, *prompt, *caption; /* good_state, and what the viewer saw */
    size_t state_len;
    uint32_t visits[]; /* scene_count */
};

static char *copy_buf(const mz_buf *b)
{
    char *out = malloc(b->len + 1);
    if (out) {
        if (b->len) memcpy(out, b->data, b->len);
        out[b->len] = '\0';
    }
    return out;
}

mz_story_snapshot *mz_story_snapshot_take(const mz_story *s)
{
    size_t n = s->g->scene_count;
    mz_story_snapshot *snap = malloc(sizeof *snap + n * sizeof snap->visits[0]);
    if (!snap) {
        mz_fail("out of memory");
        return NULL;
    }
    snap->play = s->play;
    snap->scene_count = n;
    memcpy(snap->visits, s->play.visits, n * sizeof snap->visits[0]);
    snap->state = copy_buf(&s->good_state);
    snap->state_len = s->good_state.len;
    snap->prompt = copy_buf(&s->prompt);
    snap->caption = copy_buf(&s->caption);
    if (!snap->state || !snap->prompt || !snap->caption) {
        mz_story_snapshot_free(snap);
        mz_fail("out of memory");
        return NULL;
    }
    return snap;
}

static void set_buf(mz_buf *b, const char *text)
{
    b->len = 0;
    b->failed = false;
    mz_buf_puts(b, text);
}

bool mz_story_snapshot_restore(mz_story *s, const mz_story_snapshot *snap, mz_story_turn *out)
{
    if (!snap->play.begun) return mz_fail("the snapshot was taken before the story began");
    if (snap->scene_count != s->g->scene_count)
        return mz_fail("the story changed since (%zu scenes, not %zu)", s->g->scene_count,
                       snap->scene_count);
    if (!story_state_read(s->g, snap->state, snap->state_len)) return false;
    uint32_t *visits = s->play.visits;
    s->play = snap->play;
    s->play.visits = visits;
    memcpy(visits, snap->visits, snap->scene_count * sizeof *visits);
    set_buf(&s->good_state, snap->state);
    set_buf(&s->prompt, snap->prompt);
    set_buf(&s->caption, snap->caption);
    s->matched_transition = -1;
    s->reply.len = s->matched.len = 0;
    s->input[0] = '\0';
    return !out || mz_story_refresh(s, out);
}

void mz_story_snapshot_free(mz_story_snapshot *snap)
{
    if (!snap) return;
    free(snap->state);
    free(snap->prompt);
    free(snap->caption);
    free(snap);
}

/* ---- setting state from outside ---- */

/* Pushes `value` as Lua reads it from a command line [-0, +1]. */
static void push_value(lua_State *L, const char *value)
{
    char *end;
    double number = strtod(value, &end);
    if (!strcmp(value, "true") || !strcmp(value, "false"))
        lua_pushboolean(L, value[0] == 't');
    else if (*value && !*end && number == (double)(lua_Integer)number)
        lua_pushinteger(L, (lua_Integer)number);
    else if (*value && !*end)
        lua_pushnumber(L, number);
    else
        lua_pushstring(L, value);
}

bool mz_story_set(mz_story *s, const char *name, const char *value, mz_story_turn *out)
{
    if (!s->play.begun) return mz_fail("mz_story_set: the story has not begun");
    lua_State *L = s->g->vm->L;
    const char *vars = s->g->initial_vars ? s->g->initial_vars : "{}";
    char err[64];
    size_t pos = 0;
    if (!story_serial_read(L, vars, strlen(vars), &pos, err, sizeof err))
        return mz_fail("%s: %s", s->g->path, err);
    lua_getfield(L, -1, name);
    bool declared = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (!declared) {
        const char *names[64];
        size_t n = 0;
        lua_pushnil(L);
        while (lua_next(L, -2)) {
            lua_pop(L, 1);
            if (lua_type(L, -1) == LUA_TSTRING && n < 64) names[n++] = lua_tostring(L, -1);
        }
        char hint[160];
        story_closest_hint(name, names, n, hint, sizeof hint);
        lua_pop(L, 1);
        return mz_fail("%s: story.vars declares no '%s'%s", s->g->path, name, hint);
    }
    lua_pop(L, 1);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->g->vm->s_ref);
    push_value(L, value);
    lua_setfield(L, -2, name);
    lua_pop(L, 1);
    /* The set value is the new last good state. */
    mz_buf state = {0};
    bool ok = story_state_write(s->g, &state);
    if (ok) set_buf(&s->good_state, state.data);
    mz_buf_free(&state);
    return ok && mz_story_refresh(s, out);
}

/* ---- the viewer profile (variant.h) ---- */

size_t mz_story_viewer_count(const mz_story *s)
{
    return story_viewer_count(s->g);
}

bool mz_story_viewer_get(const mz_story *s, size_t i, mz_story_viewer_info *out)
{
    return story_viewer_get(s->g, i, out);
}

bool mz_story_set_profile(mz_story *s, const char *profile)
{
    char err[MZ_ERROR_MAX / 2];
    if (!story_viewer_set(s->g, profile, true, err, sizeof err)) return mz_fail("%s", err);
    /* A reload reads the profile played, not the one loaded with. */
    story_viewer_text(s->g, s->profile, sizeof s->profile);
    s->desc.profile = s->profile;
    return true;
}

bool mz_story_profile_read(const char *path, char *buf, size_t cap)
{
    size_t len;
    char *text = cap ? story_read_file(path, cap - 1, &len) : NULL;
    if (!text) return mz_fail_context("cannot read the profile");
    memcpy(buf, text, len + 1);
    free(text);
    return true;
}

const char *mz_story_profile(mz_story *s)
{
    story_viewer_text(s->g, s->profile, sizeof s->profile);
    return s->profile;
}
