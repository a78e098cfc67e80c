/* walk_variants.c — a walkthrough played under every profile the story
 * declares (`maze test --variants`): the parts the story declares as
 * variants may differ from the walkthrough's own play, everything else
 * must be the same, and each play must replay exactly. */
#include "mz_walk.h"

#include "mz_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a play showed, turn by turn. */
typedef struct shown {
    struct shown_turn {
        char *scene, *prompt, *caption, *reply, *error;
        unsigned varied;
    } * turn;
    size_t count, cap;
    char profile[MZ_STORY_PROFILE_MAX];
} shown;

static char *copy(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void on_turn(mz_story *s, const mz_story_turn *t, void *user)
{
    shown *sh = user;
    if (!sh->count) snprintf(sh->profile, sizeof sh->profile, "%s", mz_story_profile(s));
    if (sh->count == sh->cap) {
        size_t cap = sh->cap ? sh->cap * 2 : 32;
        struct shown_turn *more = realloc(sh->turn, cap * sizeof *more);
        if (!more) return;
        sh->turn = more;
        sh->cap = cap;
    }
    sh->turn[sh->count++] = (struct shown_turn){copy(t->scene), copy(t->prompt), copy(t->caption),
                                                copy(t->reply), copy(t->error),  t->varied};
}

static void shown_free(shown *sh)
{
    for (size_t i = 0; i < sh->count; i++) {
        struct shown_turn *t = &sh->turn[i];
        free(t->scene);
        free(t->prompt);
        free(t->caption);
        free(t->reply);
        free(t->error);
    }
    free(sh->turn);
    *sh = (shown){0};
}

/* Plays file (with `profile`, NULL: its own) into sh, under the caller's
 * turn limit; the result's digest is for the replay check. #expect lines
 * speak of the walkthrough's own profile, so their failures are not this
 * play's. */
static void play(const char *story, const char *file, const char *profile,
                 const mz_walk_hooks *caller, shown *sh, mz_walk_result *r)
{
    mz_walk_hooks h = {.turn = on_turn,
                       .user = sh,
                       .profile = profile,
                       .turn_limit_ms = caller ? caller->turn_limit_ms : 0};
    mz_walk_file(story, file, &h, r);
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

typedef struct compare {
    const mz_walk_hooks *h;
    const char *file;
    int problems;
    size_t prompt, caption; /* turns that differed in each */
    size_t route;           /* the turn where the plays parted, or 0 */
} compare;

static void differs(compare *c, const char *fmt, ...) MZ_PRINTF(2, 3);

static void differs(compare *c, const char *fmt, ...)
{
    char msg[MZ_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->problems++;
    if (c->h && c->h->problem) c->h->problem(c->file, 0, msg, c->h->user);
}

/* Turn by turn until the plays part (a declared route, or story code that
 * read `viewer` where it could change the state). */
static void compare_plays(compare *c, const shown *base, const shown *v)
{
    size_t n = base->count < v->count ? base->count : v->count;
    for (size_t i = 0; i < n && !c->route; i++) {
        const struct shown_turn *a = &base->turn[i], *b = &v->turn[i];
        unsigned allowed = a->varied | b->varied;
        if (b->error) differs(c, "turn %zu: story error: %s", i, b->error);
        if (allowed & (MZ_STORY_VARIED_ROUTE | MZ_STORY_VARIED_CODE)) {
            c->route = i;
            break;
        }
        if (!same(a->scene, b->scene))
            differs(c, "turn %zu: scene '%s', not '%s', and no variant routes there", i, b->scene,
                    a->scene);
        if (!same(a->reply, b->reply))
            differs(c, "turn %zu: the reply differs, and replies are not variants: \"%s\"", i,
                    b->reply ? b->reply : "(none)");
        if (!same(a->prompt, b->prompt)) {
            if (!(allowed & (MZ_STORY_VARIED_STYLE | MZ_STORY_VARIED_PROMPT)))
                differs(c, "turn %zu: the prompt differs, and no variant declares it: \"%s\"", i,
                        b->prompt);
            c->prompt++;
        }
        if (!same(a->caption, b->caption)) {
            if (!(allowed & MZ_STORY_VARIED_CAPTION))
                differs(c, "turn %zu: the caption differs, and no variant declares it: \"%s\"", i,
                        b->caption);
            c->caption++;
        }
    }
    if (!c->route && base->count != v->count)
        differs(c, "%zu turns, not %zu, and no variant routes elsewhere", v->count, base->count);
}

/* base's profile with field = value ("tone=eerie,pace=slow"). */
static void with_value(const char *base, const char *field, const char *value, char *out,
                       size_t cap)
{
    size_t used = 0, n = strlen(field);
    out[0] = '\0';
    for (const char *p = base; *p;) {
        size_t len = strcspn(p, ",");
        if (!(len > n && !strncmp(p, field, n) && p[n] == '='))
            used += (size_t)snprintf(out + used, used < cap ? cap - used : 0, "%.*s,", (int)len, p);
        p += len + (p[len] == ',');
    }
    if (used < cap) snprintf(out + used, cap - used, "%s=%s", field, value);
}

int mz_walk_variants(const char *story, const char *file, const mz_walk_hooks *h)
{
    shown base = {0};
    mz_walk_result r;
    play(story, file, NULL, h, &base, &r);
    mz_story *s = mz_story_load(
        &(mz_story_desc){.path = story, .time_limit_ms = h ? h->turn_limit_ms : 0});
    int failed = 0;
    for (size_t f = 0; s && base.count && f < mz_story_viewer_count(s); f++) {
        mz_story_viewer_info info;
        mz_story_viewer_get(s, f, &info);
        for (size_t k = 0; k < info.value_count; k++) {
            char profile[MZ_STORY_PROFILE_MAX], name[MZ_STORY_PROFILE_MAX + 300];
            with_value(base.profile, info.name, info.values[k], profile, sizeof profile);
            shown v = {0}, again = {0};
            mz_walk_result vr, ar;
            play(story, file, profile, h, &v, &vr);
            if (strcmp(v.profile, base.profile)) {
                compare c = {h, file, 0, 0, 0, 0};
                compare_plays(&c, &base, &v);
                play(story, file, profile, h, &again, &ar);
                if (ar.digest != vr.digest) differs(&c, "a second play with %s differs", profile);
                int n = snprintf(name, sizeof name, "%s [%s: prompt %zu, caption %zu", file,
                                 v.profile, c.prompt, c.caption);
                if (c.route && n > 0 && (size_t)n < sizeof name)
                    n +=
                        snprintf(name + n, sizeof name - (size_t)n, ", parts at turn %zu", c.route);
                if (n > 0 && (size_t)n < sizeof name)
                    snprintf(name + n, sizeof name - (size_t)n, "]");
                vr.problems = c.problems;
                vr.expectations = 0;
                failed += c.problems > 0;
                if (h && h->done) h->done(name, &vr, h->user);
            }
            shown_free(&v);
            shown_free(&again);
        }
    }
    mz_story_destroy(s);
    shown_free(&base);
    return failed;
}
