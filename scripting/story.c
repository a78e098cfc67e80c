/* story.c — playing a story: turns, transitions, prompts, roll-back.
 *
 * A turn works on the live state; if any story code fails, the state goes
 * back to the text snapshot taken after the last good turn (good_state),
 * and the turn reports the error with the last good scene and prompt. */
#include "story_internal.h"

#include "load.h"
#include "state.h"
#include "variant.h"
#include "vm.h"

#include "mz_log.h"

#include <lauxlib.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- calling story code ---- */

/* Pushes the function `ref` and the state table [-0, +2]. */
static void push_call(mz_story *s, int ref)
{
    lua_State *L = s->g->vm->L;
    lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, s->g->vm->s_ref);
}

static bool run_hook(mz_story *s, int ref)
{
    if (ref == LUA_NOREF) return true;
    push_call(s, ref);
    return story_vm_call(s->g->vm, 1, 0);
}

/* The few words the story runtime says itself, in the language played
 * (English for a language not here). */
typedef struct phrases {
    const char *lang, *or, *which, *try;
} phrases;

static const phrases *phrases_of(const story_graph *g)
{
    static const phrases all[] = {
        {"en", ", or ", "? (1 or 2)", "You could try: "},
        {"fr", ", ou ", " ? (1 ou 2)", "Vous pourriez essayer : "},
        {"de", " oder ", "? (1 oder 2)", "Versuchen Sie: "},
    };
    const char *lang = g->language_count ? g->languages[g->lang] : "en";
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (!strcmp(all[i].lang, lang)) return &all[i];
    return &all[0];
}

/* The problem with text a story made, or NULL: a NUL byte would cut it
 * short without a word, and sizes are bounded. */
static const char *text_problem(const char *text, size_t n, size_t max, char *why, size_t cap)
{
    if (memchr(text, '\0', n)) return "text with a NUL byte";
    if (n <= max) return NULL;
    snprintf(why, cap, "%zu bytes, more than the %zu allowed", n, max);
    return why;
}

/* Calls function `ref`(s[, text]) that must return a string (or nil when
 * nil_ok), or a table of them by language, of at most max bytes into out
 * [-0, +0]. *is_nil tells which. */
static bool call_text(mz_story *s, int ref, const char *text, const char *what, bool nil_ok,
                      size_t max, mz_buf *out, bool *is_nil)
{
    lua_State *L = s->g->vm->L;
    push_call(s, ref);
    if (text) lua_pushstring(L, text);
    if (!story_vm_call(s->g->vm, text ? 2 : 1, 1)) return false;
    int type = story_pick_language(s->g, L);
    *is_nil = type == LUA_TNIL;
    bool ok = type == LUA_TSTRING || (nil_ok && type == LUA_TNIL);
    char why[80];
    const char *bad = NULL;
    if (ok && type == LUA_TSTRING) {
        size_t n;
        const char *str = lua_tolstring(L, -1, &n);
        bad = text_problem(str, n, max, why, sizeof why);
        if (!bad) mz_buf_put(out, str, n);
    }
    if (!ok || bad) {
        char where[MZ_ERROR_MAX / 2];
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        story_vm_where_defined(L, -1, where, sizeof where);
        lua_pop(L, 1);
        if (bad)
            ok = mz_fail("%s: %s returned %s", where, what, bad);
        else
            ok = mz_fail("%s: %s returned %s, not a string", where, what, luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    return ok;
}

static bool call_condition(mz_story *s, int ref, bool *result)
{
    lua_State *L = s->g->vm->L;
    push_call(s, ref);
    if (!story_vm_call(s->g->vm, 1, 1)) return false;
    *result = lua_toboolean(L, -1);
    lua_pop(L, 1);
    return true;
}

/* ---- prompts ---- */

static void reset(mz_buf *b)
{
    b->len = 0;
    b->failed = false;
    mz_buf_put(b, "", 0);
}

/* `{name}` becomes the character's description, word for word. False
 * once out grows past max (the rest is not expanded). */
static bool expand_characters(const story_graph *g, const char *text, size_t n, size_t max,
                              mz_buf *out)
{
    size_t i = 0;
    while (i < n) {
        if (out->len > max) return false;
        const char *open = memchr(text + i, '{', n - i);
        if (!open) break;
        size_t o = (size_t)(open - text), k = o + 1;
        while (k < n && (text[k] == '_' || (text[k] >= 'a' && text[k] <= 'z') ||
                         (text[k] >= 'A' && text[k] <= 'Z') || (text[k] >= '0' && text[k] <= '9')))
            k++;
        if (k >= n || text[k] != '}' || k == o + 1) {
            mz_buf_put(out, text + i, o + 1 - i);
            i = o + 1;
            continue;
        }
        mz_buf_put(out, text + i, o - i);
        size_t name_len = k - o - 1;
        const char *desc = NULL;
        for (size_t c = 0; c < g->char_count && !desc; c++)
            if (strlen(g->char_names[c]) == name_len &&
                !memcmp(g->char_names[c], open + 1, name_len))
                desc = g->char_texts[c];
        /* An unknown name stays as a plain word (lint reports it). */
        if (desc)
            mz_buf_puts(out, desc);
        else
            mz_buf_put(out, open + 1, name_len);
        i = k + 1;
    }
    mz_buf_put(out, text + i, n - i);
    return out->len <= max;
}

static void join(mz_buf *out, const char *part, size_t n)
{
    if (!n) return;
    if (out->len) mz_buf_put(out, ", ", 2);
    mz_buf_put(out, part, n);
}

/* A viewer variant's part of the scene (marked as varied), or NULL. */
static const story_variant *variant_for(mz_story *s, const story_scene *sc, unsigned part)
{
    const story_variant *v = story_variant_for(s->g, sc, s->seed, part);
    if (v) s->varied |= part;
    return v;
}

/* call_text for a part of the turn: story code reading `viewer` in it
 * makes that part vary. */
static bool call_part(mz_story *s, unsigned part, int ref, const char *what, bool nil_ok,
                      size_t max, mz_buf *out, bool *is_nil)
{
    unsigned was = story_viewer_part(s->g, part);
    bool ok = call_text(s, ref, NULL, what, nil_ok, max, out, is_nil);
    story_viewer_part(s->g, was);
    return ok;
}

static const char *style_of(mz_story *s, const story_scene *sc)
{
    const story_variant *v = variant_for(s, sc, MZ_STORY_VARIED_STYLE);
    return v ? v->style : s->g->style;
}

/* One prompt as the generator gets it: the style, `text` with its
 * {characters} expanded, the modifiers; into out. */
static bool compose_text(mz_story *s, const story_scene *sc, const char *style, const char *text,
                         size_t n, mz_buf *out)
{
    reset(out);
    if (style) join(out, style, strlen(style));
    bool fits = true;
    if (n) {
        if (out->len) mz_buf_put(out, ", ", 2);
        fits = expand_characters(s->g, text, n, MZ_STORY_MAX_PROMPT, out);
    }
    for (int m = 0; m < s->play.modifier_count; m++)
        join(out, s->play.modifiers[m], strlen(s->play.modifiers[m]));
    if (!fits || out->len > MZ_STORY_MAX_PROMPT)
        return mz_fail("%s:%d: scene '%s': the prompt is longer than %d bytes (with its "
                       "{characters} expanded)",
                       sc->file, sc->line, sc->id, MZ_STORY_MAX_PROMPT);
    return true;
}

/* A weighted list's prompts, each composed, into next_blend (none when a
 * viewer variant gives the scene a prompt of its own). */
static bool compose_blend(mz_story *s, const story_scene *sc, const char *style, bool varied)
{
    reset(&s->next_blend);
    s->next_blend_count = 0;
    for (size_t i = 0; !varied && i < sc->prompt_count; i++) {
        const char *text = sc->prompt_texts[i];
        if (!compose_text(s, sc, style, text, strlen(text), &s->scratch)) return false;
        mz_buf_put(&s->next_blend, s->scratch.data, s->scratch.len + 1);
        s->next_blend_count++;
    }
    return true;
}

static bool story_compose(mz_story *s)
{
    story_graph *g = s->g;
    story_scene *sc = &g->scenes[s->play.scene];
    bool is_nil;
    const story_variant *v = variant_for(s, sc, MZ_STORY_VARIED_PROMPT);
    const char *prompt = v ? v->prompt : sc->prompt;
    reset(&s->scratch);
    if (prompt)
        mz_buf_puts(&s->scratch, prompt);
    else if (!call_part(s, MZ_STORY_VARIED_PROMPT, v ? v->prompt_ref : sc->prompt_ref,
                        "the prompt function", false, MZ_STORY_MAX_PROMPT, &s->scratch, &is_nil))
        return false;
    const char *style = style_of(s, sc);
    if (!compose_text(s, sc, style, s->scratch.data, s->scratch.len, &s->next_prompt) ||
        !compose_blend(s, sc, style, v != NULL))
        return false;
    reset(&s->next_caption);
    v = variant_for(s, sc, MZ_STORY_VARIED_CAPTION);
    const char *caption = v ? v->caption : sc->caption;
    int caption_ref = v ? v->caption_ref : sc->caption_ref;
    if (caption)
        mz_buf_puts(&s->next_caption, caption);
    else if (caption_ref != LUA_NOREF &&
             !call_part(s, MZ_STORY_VARIED_CAPTION, caption_ref, "the caption function", true,
                        MZ_STORY_MAX_CAPTION, &s->next_caption, &is_nil))
        return false;
    if (s->next_prompt.failed || s->next_caption.failed || s->next_blend.failed)
        return mz_fail("out of memory");
    return true;
}

static void swap_prompt(mz_story *s)
{
    mz_buf t = s->prompt;
    s->prompt = s->next_prompt;
    s->next_prompt = t;
    t = s->caption;
    s->caption = s->next_caption;
    s->next_caption = t;
    t = s->blend;
    s->blend = s->next_blend;
    s->next_blend = t;
    size_t n = s->blend_count;
    s->blend_count = s->next_blend_count;
    s->next_blend_count = n;
}

static bool story_commit(mz_story *s)
{
    reset(&s->scratch);
    if (!story_state_write(s->g, &s->scratch)) return false;
    mz_buf t = s->good_state;
    s->good_state = s->scratch;
    s->scratch = t;
    swap_prompt(s);
    return true;
}

/* Story code failed this turn: the turn reports mz_error()'s message. */
static void turn_failed(mz_story *s)
{
    snprintf(s->turn_error, sizeof s->turn_error, "%s", mz_error());
}

/* The turn's weighted prompts, out of `blend`, with the weights of the
 * scene they were composed for. */
static size_t fill_prompts(mz_story *s, const story_scene *sc)
{
    const char *text = s->blend.data;
    size_t n = s->blend_count == sc->prompt_count ? s->blend_count : 0;
    for (size_t i = 0; i < n; i++) {
        s->turn_prompts[i] = (mz_story_prompt){text, sc->prompt_weights[i]};
        text += strlen(text) + 1;
    }
    return n;
}

static void story_fill_turn(mz_story *s, mz_story_turn *out, bool changed, float score)
{
    const story_graph *g = s->g;
    const story_scene *sc = &g->scenes[s->play.scene];
    size_t prompts = fill_prompts(s, sc);
    *out = (mz_story_turn){
        .turn = s->play.turn,
        .input = s->input,
        .scene = sc->id,
        .scene_changed = changed,
        .prompt = s->prompt.data ? s->prompt.data : "",
        .caption = s->caption.data ? s->caption.data : "",
        .reply = s->reply.len ? s->reply.data : NULL,
        .matched = s->matched.len ? s->matched.data : NULL,
        .score = score,
        .sound = sc->sound,
        .sound_count = sc->sound_count,
        .sound_files = sc->sound_files,
        .sound_file_count = sc->sound_file_count,
        .transition_s = sc->transition_s >= 0 ? sc->transition_s : g->transition_s,
        .prompts = prompts ? s->turn_prompts : NULL,
        .prompt_count = prompts,
        .transition_steps = sc->transition_steps,
        .transition_method = sc->transition_method,
        .seed = story_mix(s->seed ^ story_hash(sc->id, strlen(sc->id), STORY_HASH_INIT)),
        .ended = sc->ending,
        .ending = sc->ending ? sc->id : NULL,
        .error = s->turn_error[0] ? s->turn_error : NULL,
        .transition = s->matched_transition,
        .varied = s->varied | story_viewer_reads(s->g),
    };
}

bool mz_story_refresh(mz_story *s, mz_story_turn *out)
{
    if (!s->play.begun) return mz_fail("mz_story_refresh: the story has not begun");
    s->turn_error[0] = '\0';
    s->varied = 0;
    story_viewer_reads(s->g);
    story_vm_clock_start(s->g->vm);
    if (story_compose(s))
        swap_prompt(s);
    else
        turn_failed(s);
    story_fill_turn(s, out, false, 0);
    return true;
}

/* ---- moving ---- */

/* Leaves the current scene for `target`; *visited gets the scene whose
 * visit count went up (for roll-back). */
static bool move_to(mz_story *s, int target, int *visited)
{
    story_scene *from = &s->g->scenes[s->play.scene];
    if (!run_hook(s, from->leave_ref)) return false;
    s->play.scene = target;
    s->play.modifier_count = 0;
    s->play.visits[target]++;
    *visited = target;
    return run_hook(s, s->g->scenes[target].enter_ref);
}

/* The target of a transition: its scene index, or -1 to stay. */
static bool target_of(mz_story *s, const story_scene *sc, const story_transition *tr, int *target)
{
    *target = -1;
    const story_route *route =
        sc != &s->g->global ? story_variant_route(s->g, sc, s->seed, (size_t)(tr - sc->on)) : NULL;
    if (route) {
        s->varied |= MZ_STORY_VARIED_ROUTE;
        *target = route->to_scene;
        if (*target >= 0) return true;
        return mz_fail("%s:%d: scene '%s': a variant's route to unknown scene '%s'", tr->file,
                       tr->line, sc->id, route->to);
    }
    if (tr->to) {
        *target = tr->to_scene;
        if (*target >= 0) return true;
        return mz_fail("%s:%d: scene '%s': transition to unknown scene '%s'", tr->file, tr->line,
                       sc->id, tr->to);
    }
    if (tr->to_ref == LUA_NOREF) return true;
    bool is_nil;
    reset(&s->scratch);
    if (!call_part(s, MZ_STORY_VARIED_ROUTE, tr->to_ref, "the 'to' function", true, SIZE_MAX,
                   &s->scratch, &is_nil))
        return false;
    if (is_nil) return true;
    *target = story_graph_find(s->g, s->scratch.data);
    if (*target >= 0) return true;
    return mz_fail("%s:%d: scene '%s': the 'to' function chose unknown scene '%s'", tr->file,
                   tr->line, sc->id, s->scratch.data);
}

static void add_modifier(mz_story *s, const char *text)
{
    story_play *p = &s->play;
    if (!text[0]) return;
    if (p->modifier_count == STORY_MAX_MODIFIERS) {
        memmove(p->modifiers[0], p->modifiers[1],
                sizeof p->modifiers[0] * (STORY_MAX_MODIFIERS - 1));
        p->modifier_count--;
    }
    snprintf(p->modifiers[p->modifier_count++], sizeof p->modifiers[0], "%s", text);
}

typedef struct candidate {
    size_t transition, pattern;
    float score;
} candidate;

/* Scores input against every transition of the scene; candidates at or
 * above the threshold, best first, earliest first on ties. */
static size_t rank(const mz_story *s, const char *input, story_scene *sc, candidate *out,
                   size_t cap, float *best)
{
    *best = 0;
    mz_utterance *u = mz_utterance_make(s->g->lex, input);
    if (!u) return 0;
    size_t n = 0;
    for (size_t t = 0; t < sc->on_count; t++) {
        story_transition *tr = &sc->on[t];
        candidate c = {t, 0, -1};
        for (size_t p = 0; tr->compiled && p < tr->pattern_count; p++) {
            if (!tr->compiled[p]) continue;
            float score = mz_pattern_score(tr->compiled[p], u);
            if (score > c.score) {
                c.score = score;
                c.pattern = p;
            }
        }
        if (c.score > *best) *best = c.score;
        if (c.score < MZ_MATCH_THRESHOLD || n == cap) continue;
        size_t i = n++;
        while (i > 0 && out[i - 1].score < c.score) {
            out[i] = out[i - 1];
            i--;
        }
        out[i] = c;
    }
    mz_utterance_destroy(u);
    return n;
}

#define STORY_ASK_MARGIN 0.1f /* scores this close are a tie worth asking about */

/* Whether the candidate after c is as good, open, and goes elsewhere: then
 * the viewer is asked which one was meant (*asked), and nothing is taken. */
static bool ask_between(mz_story *s, story_scene *sc, const candidate *cands, size_t n, size_t c,
                        bool *asked)
{
    *asked = false;
    const story_transition *a = &sc->on[cands[c].transition];
    if (s->g->no_disambiguate || cands[c].score >= 0.999f) return true;
    for (size_t d = c + 1; d < n && cands[c].score - cands[d].score < STORY_ASK_MARGIN; d++) {
        const story_transition *b = &sc->on[cands[d].transition];
        bool open = true;
        if (b->when_ref != LUA_NOREF && !call_condition(s, b->when_ref, &open)) return false;
        const char *p = a->patterns[cands[c].pattern], *q = b->patterns[cands[d].pattern];
        /* The same words twice are the author's own order (a fallback after
         * a conditional variant); the same place with no effect is no choice. */
        bool same = !strcmp(p, q) || (a->to && b->to && !strcmp(a->to, b->to) &&
                                      a->effect_ref == LUA_NOREF && b->effect_ref == LUA_NOREF);
        if (!open || same) continue;
        char first = p[0] >= 'a' && p[0] <= 'z' ? (char)(p[0] - 'a' + 'A') : p[0];
        mz_buf_put(&s->reply, &first, 1);
        mz_buf_puts(&s->reply, p + 1);
        mz_buf_puts(&s->reply, phrases_of(s->g)->or);
        mz_buf_puts(&s->reply, q);
        mz_buf_puts(&s->reply, phrases_of(s->g)->which);
        s->play.pending[0] = (int)cands[c].transition;
        s->play.pending[1] = (int)cands[d].transition;
        s->play.pending_global = sc == &s->g->global;
        s->play.asking = *asked = true;
        return true;
    }
    return true;
}

/* Takes the first candidate whose `when` lets it (or that refuses):
 * 1 taken, refused or asked about, 0 none, -1 story code failed. `sc` is the
 * scene or the story's own transitions (g->global). */
static int take_first(mz_story *s, story_scene *sc, const candidate *cands, size_t n,
                      bool *changed, int *visited, float *score)
{
    for (size_t c = 0; c < n; c++) {
        story_transition *tr = &sc->on[cands[c].transition];
        bool open = true, asked;
        if (tr->when_ref != LUA_NOREF && !call_condition(s, tr->when_ref, &open)) return -1;
        if (!open && !tr->refuse) continue; /* invisible */
        if (open && !ask_between(s, sc, cands, n, c, &asked)) return -1;
        if (open && asked) return 1;
        *score = cands[c].score;
        if (c + 1 < n) {
            snprintf(s->runner_up, sizeof s->runner_up, "%s",
                     sc->on[cands[c + 1].transition].patterns[cands[c + 1].pattern]);
            s->runner_up_score = cands[c + 1].score;
        }
        mz_buf_puts(&s->matched, tr->patterns[cands[c].pattern]);
        if (!open) {
            mz_buf_puts(&s->reply, tr->refuse);
            return 1;
        }
        if (sc != &s->g->global) s->matched_transition = (int)cands[c].transition;
        if (!run_hook(s, tr->effect_ref)) return -1;
        int target;
        if (!target_of(s, sc, tr, &target)) return -1;
        if (tr->reply) mz_buf_puts(&s->reply, tr->reply);
        if (target >= 0) {
            *changed = true;
            return move_to(s, target, visited) ? 1 : -1;
        }
        return 1;
    }
    return 0;
}

/* After hint_after lines in a row that matched nothing: the scene's hint,
 * or one of its own patterns as a suggestion. */
static bool give_hint(mz_story *s, story_scene *sc)
{
    s->play.unmatched = 0;
    if (s->reply.len) mz_buf_put(&s->reply, "\n", 1);
    if (sc->hint) {
        mz_buf_puts(&s->reply, sc->hint);
        return true;
    }
    bool is_nil;
    if (sc->hint_ref != LUA_NOREF)
        return call_text(s, sc->hint_ref, NULL, "the hint function", true, MZ_STORY_MAX_REPLY,
                         &s->reply, &is_nil);
    for (size_t t = 0; t < sc->on_count; t++) {
        bool open = true;
        if (sc->on[t].when_ref != LUA_NOREF && !call_condition(s, sc->on[t].when_ref, &open))
            return false;
        if (!open || !sc->on[t].pattern_count) continue;
        mz_buf_puts(&s->reply, phrases_of(s->g)->try);
        mz_buf_puts(&s->reply, sc->on[t].patterns[0]);
        return true;
    }
    return true;
}

/* The line after a question: "1", "2", or words that say one of the two
 * better than the other take that transition (its `when` asked again).
 * Anything else is a new line. Same results as take_first. */
static int answer(mz_story *s, bool *changed, int *visited, float *score)
{
    story_play *p = &s->play;
    if (!p->asking) return 0;
    p->asking = false;
    story_scene *sc = p->pending_global ? &s->g->global : &s->g->scenes[p->scene];
    int pick = !strcmp(s->input, "1") ? 0 : !strcmp(s->input, "2") ? 1 : -1;
    if (pick < 0) {
        candidate cands[64];
        float best, of[2] = {0, 0};
        size_t n = rank(s, s->input, sc, cands, sizeof cands / sizeof cands[0], &best);
        for (size_t c = 0; c < n; c++)
            for (int k = 0; k < 2; k++)
                if (cands[c].transition == (size_t)p->pending[k]) of[k] = cands[c].score;
        if (of[0] != of[1]) pick = of[0] > of[1] ? 0 : 1;
    }
    if (pick < 0) return 0;
    candidate chosen = {(size_t)p->pending[pick], 0, 1.0f};
    return take_first(s, sc, &chosen, 1, changed, visited, score);
}

/* The turn proper; false + mz_error() when story code failed. */
static bool play_input(mz_story *s, bool *changed, int *visited, float *score)
{
    story_graph *g = s->g;
    story_scene *sc = &g->scenes[s->play.scene];
    if (sc->ending) return true; /* the story is over: nothing moves */
    if (!story_graph_compile_scene(g, sc)) return false;
    candidate cands[64];
    size_t cap = sizeof cands / sizeof cands[0];
    int taken = answer(s, changed, visited, score);
    if (!taken)
        taken = take_first(s, sc, cands, rank(s, s->input, sc, cands, cap, score), changed, visited,
                           score);
    if (!taken && g->global.on_count) {
        if (!story_graph_compile_scene(g, &g->global)) return false;
        float best;
        size_t n = rank(s, s->input, &g->global, cands, cap, &best);
        if (best > *score) *score = best;
        taken = take_first(s, &g->global, cands, n, changed, visited, score);
    }
    if (taken) {
        s->play.unmatched = 0;
        return taken > 0;
    }
    /* Whatever the story does with unmatched words, it gets them moderated:
     * they may end up in a prompt. */
    char moderated[STORY_MAX_INPUT + 1];
    mz_lexicon_moderate(g->lex, s->input, moderated, sizeof moderated);
    bool is_nil, ok = true;
    switch (sc->otherwise) {
    case STORY_OTHERWISE_MODIFY:
        add_modifier(s, moderated);
        break;
    case STORY_OTHERWISE_REPLY:
        if (sc->otherwise_reply) mz_buf_puts(&s->reply, sc->otherwise_reply);
        break;
    case STORY_OTHERWISE_FUNCTION:
        ok = call_text(s, sc->otherwise_ref, moderated, "the otherwise function", true,
                       MZ_STORY_MAX_REPLY, &s->reply, &is_nil);
        break;
    }
    if (ok && g->hint_after && ++s->play.unmatched >= g->hint_after) ok = give_hint(s, sc);
    return ok;
}

int mz_story_match(mz_story *s, const char *text, size_t len)
{
    if (!s->play.begun) return -1;
    story_scene *sc = &s->g->scenes[s->play.scene];
    char input[STORY_MAX_INPUT + 1];
    mz_text_sanitize(text ? text : "", text ? len : 0, input, sizeof input, s->max_input);
    candidate cands[64]; /* as many as a turn ranks: the best may come last */
    float score;
    if (!story_graph_compile_scene(s->g, sc) ||
        rank(s, input, sc, cands, sizeof cands / sizeof cands[0], &score) == 0)
        return -1;
    return (int)cands[0].transition;
}

static void begin_turn(mz_story *s)
{
    s->turn_error[0] = '\0';
    s->varied = 0;
    story_viewer_reads(s->g);
    story_vm_clock_start(s->g->vm);
    s->matched_transition = -1;
    s->runner_up[0] = '\0';
    reset(&s->reply);
    reset(&s->matched);
}

/* Story code failed: back to the state after the last good turn. */
static void roll_back(mz_story *s, const story_play *saved, int visited)
{
    turn_failed(s);
    uint32_t *visits = s->play.visits;
    s->play = *saved;
    s->play.visits = visits;
    if (visited >= 0) visits[visited]--;
    if (!story_state_read(s->g, s->good_state.data, s->good_state.len))
        mz_log_error("%s", mz_error()); /* cannot happen: we wrote that text */
    reset(&s->reply);
}

bool mz_story_input(mz_story *s, const char *text, size_t len, mz_story_turn *out)
{
    if (!s->play.begun) return mz_fail("mz_story_input: the story has not begun");
    begin_turn(s);
    mz_text_sanitize(text ? text : "", text ? len : 0, s->input, sizeof s->input, s->max_input);
    /* A save may say any turn up to INT_MAX: the count stops there rather
     * than overflow (found by fuzz_save). */
    if (s->play.turn < INT_MAX) s->play.turn++;
    /* A copy of the play state (12 KiB at most) makes roll-back trivial. */
    story_play *saved = malloc(sizeof *saved);
    if (!saved) return mz_fail("out of memory");
    *saved = s->play;
    bool changed = false;
    int visited = -1;
    float score = 0;
    bool ok = play_input(s, &changed, &visited, &score) && story_compose(s) && story_commit(s);
    if (!ok) {
        roll_back(s, saved, visited);
        changed = false;
    }
    free(saved);
    story_fill_turn(s, out, changed, score);
    return true;
}

static bool begin_at(mz_story *s, int start, mz_story_turn *out)
{
    story_graph *g = s->g;
    begin_turn(s);
    s->input[0] = '\0';
    story_play *p = &s->play;
    p->begun = true;
    p->scene = start;
    p->turn = 0;
    p->modifier_count = 0;
    p->unmatched = 0;
    p->asking = false;
    story_rng_seed(&p->rng, s->seed);
    memset(p->visits, 0, g->scene_count * sizeof *p->visits);
    p->visits[start] = 1;
    /* The initial state: story.vars and no items. */
    reset(&s->scratch);
    mz_buf_puts(&s->scratch, g->initial_vars);
    mz_buf_puts(&s->scratch, "\n{}");
    mz_buf t = s->good_state;
    s->good_state = s->scratch;
    s->scratch = t;
    if (!story_state_read(g, s->good_state.data, s->good_state.len)) return false;
    bool ok = run_hook(s, g->scenes[start].enter_ref) && story_compose(s) && story_commit(s);
    if (!ok) {
        /* Nothing good came before: start from the initial state, with the
         * static parts of the prompt. */
        turn_failed(s);
        story_state_read(g, s->good_state.data, s->good_state.len);
        reset(&s->prompt);
        s->blend_count = 0;
        const char *style = style_of(s, &g->scenes[start]);
        if (style) join(&s->prompt, style, strlen(style));
        const char *static_prompt = g->scenes[start].prompt;
        if (static_prompt) join(&s->prompt, static_prompt, strlen(static_prompt));
        reset(&s->caption);
    }
    story_fill_turn(s, out, true, 0);
    return true;
}

bool mz_story_begin(mz_story *s, mz_story_turn *out)
{
    return begin_at(s, s->g->start, out);
}

bool mz_story_begin_at(mz_story *s, const char *scene, mz_story_turn *out)
{
    int i = scene ? story_graph_find(s->g, scene) : -1;
    if (i < 0) {
        char hint[160];
        story_did_you_mean(s->g, scene ? scene : "", hint, sizeof hint);
        return mz_fail("%s: there is no scene '%s'%s", s->g->path, scene ? scene : "", hint);
    }
    return begin_at(s, i, out);
}

/* ---- life cycle ---- */

mz_story *mz_story_load(const mz_story_desc *desc)
{
    if (!desc || !desc->path) {
        mz_fail("mz_story_load: no path");
        return NULL;
    }
    mz_story *s = calloc(1, sizeof *s);
    char **blocked = desc->blocked_count ? calloc(desc->blocked_count, sizeof *blocked) : NULL;
    if (!s || (desc->blocked_count && !blocked)) {
        free(s);
        free(blocked);
        mz_fail("out of memory");
        return NULL;
    }
    s->desc = *desc;
    s->path_arg = strdup(desc->path);
    s->desc.path = s->path_arg;
    if (desc->lang) {
        snprintf(s->lang_arg, sizeof s->lang_arg, "%s", desc->lang);
        s->desc.lang = s->lang_arg;
    }
    for (size_t i = 0; i < desc->blocked_count; i++)
        blocked[i] = strdup(desc->blocked_words[i] ? desc->blocked_words[i] : "");
    s->desc.blocked_words = (const char *const *)blocked;
    s->seed = desc->seed ? desc->seed : 1;
    s->max_input = desc->max_input_bytes ? desc->max_input_bytes : MZ_TEXT_DEFAULT_MAX;
    if (s->max_input > STORY_MAX_INPUT) s->max_input = STORY_MAX_INPUT;
    story_load_options opt = {.desc = &s->desc};
    s->g = story_graph_load(s->desc.path, &opt);
    if (s->g) {
        s->play.visits = calloc(s->g->scene_count ? s->g->scene_count : 1, sizeof *s->play.visits);
        s->g->play = &s->play;
        /* From now on s->desc.profile is the profile played. */
        story_viewer_text(s->g, s->profile, sizeof s->profile);
        s->desc.profile = s->profile;
    }
    if (!s->g || !s->play.visits) {
        if (s->g) mz_fail("out of memory");
        mz_story_destroy(s);
        return NULL;
    }
    return s;
}

void mz_story_destroy(mz_story *s)
{
    if (!s) return;
    story_graph_destroy(s->g);
    free(s->play.visits);
    for (size_t i = 0; i < s->desc.blocked_count; i++)
        free((char *)s->desc.blocked_words[i]);
    free((void *)s->desc.blocked_words);
    free(s->path_arg);
    mz_buf *bufs[] = {&s->good_state, &s->prompt,  &s->caption, &s->next_prompt, &s->next_caption,
                      &s->reply,      &s->matched, &s->scratch, &s->blend,       &s->next_blend};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        mz_buf_free(bufs[i]);
    free(s);
}

const char *mz_story_title(const mz_story *s)
{
    return s->g->title ? s->g->title : "";
}
const char *mz_story_path(const mz_story *s)
{
    return s->g->path;
}
size_t mz_story_language_count(const mz_story *s)
{
    return s->g->language_count;
}
const char *mz_story_language(const mz_story *s, size_t i)
{
    return i < s->g->language_count ? s->g->languages[i] : NULL;
}
const char *mz_story_lang(const mz_story *s)
{
    return mz_story_language(s, s->g->lang);
}
bool mz_story_narrate(const mz_story *s)
{
    return s->g->narrate;
}
const char *mz_story_disclosure(const mz_story *s)
{
    return s->g->disclosure;
}

const char *const *mz_story_attract(const mz_story *s, size_t *count)
{
    *count = s->g->attract_count;
    return s->g->attract;
}
