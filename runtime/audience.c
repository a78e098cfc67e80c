/* audience.c — mz_audience: limits, moderation, queue and vote for the
 * audience's phones. Everything is bounded: lines still live (waiting or
 * queued) in a fixed table of max_waiting, finished lines' states in a ring
 * of RECENT for the phones that poll, phones and addresses in tables that
 * forget the longest unseen. */
#include "mz_audience.h"

#include "mz_error.h"
#include "mz_log.h"
#include "mz_text.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECENT 1024  /* finished lines whose state a phone may still ask */
#define PHONES 1024  /* phones (cookies) remembered */
#define ADDRS 1024   /* addresses remembered */
#define CHANGES 1024 /* state changes not yet pushed to the pages */
#define CHOICE_MAX 128

typedef struct live_line {
    uint64_t id; /* 0: free slot */
    mz_line_state state;
    double since;   /* submitted (waiting) */
    uint64_t order; /* queue position, given when queued */
    bool handed;    /* given out (to the screen, or to be matched), not yet answered */
    bool vote;      /* free text for the vote round `round`, waiting to be matched */
    uint64_t round;
    char phone[64];
    char ip[64];
    char *text;
} live_line;

typedef struct done_line {
    uint64_t id;
    mz_line_state state;
    const char *reason;
    char phone[64];
} done_line;

typedef struct phone {
    char key[64]; /* "" free */
    double seen, last, muted_until;
    int rejections;
    bool sent;      /* last is set */
    uint64_t round; /* the vote round of its vote */
    int choice;
} phone;

typedef struct addr {
    char ip[64];
    double seen, window, muted_until;
    int count, rejections;
} addr;

struct mz_audience {
    mz_audience_desc d;
    pthread_mutex_t lock;
    live_line *live;
    done_line recent[RECENT];
    phone phones[PHONES];
    addr addrs[ADDRS];
    mz_audience_change changes[CHANGES];
    size_t change_head, change_count;
    uint64_t next_id, next_order;
    double last_shown;
    bool shown_any;
    /* vote */
    uint64_t round; /* 0: none yet */
    bool open;
    double closes_at;
    size_t nchoices;
    char choices[MZ_AUDIENCE_MAX_CHOICES][CHOICE_MAX];
    int counts[MZ_AUDIENCE_MAX_CHOICES];
};

const char *mz_line_state_name(mz_line_state s)
{
    static const char *const names[] = {"unknown", "waiting", "queued",
                                        "shown",   "counted", "rejected"};
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "unknown";
}

static void copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}

mz_audience *mz_audience_create(const mz_audience_desc *desc)
{
    mz_audience *a = calloc(1, sizeof *a);
    if (!a) {
        mz_fail("audience: out of memory");
        return NULL;
    }
    a->d = desc ? *desc : (mz_audience_desc){0};
    mz_audience_desc *d = &a->d;
    if (d->turn_s <= 0) d->turn_s = 8;
    if (d->vote_s <= 0) d->vote_s = 20;
    if (d->moderation_timeout_s <= 0) d->moderation_timeout_s = 60;
    if (d->max_bytes == 0) d->max_bytes = 140;
    if (d->max_bytes > 500) d->max_bytes = 500; /* a caption, not a letter */
    if (d->rate_s <= 0) d->rate_s = 5;
    if (d->ip_burst <= 0) d->ip_burst = 6;
    if (d->mute_after <= 0) d->mute_after = 3;
    if (d->mute_s <= 0) d->mute_s = 600;
    if (d->max_waiting == 0) d->max_waiting = 256;
    a->live = calloc(d->max_waiting, sizeof *a->live);
    if (!a->live) {
        mz_audience_destroy(a);
        mz_fail("audience: out of memory");
        return NULL;
    }
    pthread_mutex_init(&a->lock, NULL);
    a->next_id = 1;
    return a;
}

void mz_audience_destroy(mz_audience *a)
{
    if (!a) return;
    if (a->live) {
        for (size_t i = 0; i < a->d.max_waiting; i++)
            free(a->live[i].text);
        pthread_mutex_destroy(&a->lock);
    }
    free(a->live);
    free(a);
}

mz_audience_mode mz_audience_get_mode(const mz_audience *a)
{
    return a->d.mode;
}

size_t mz_audience_max_bytes(const mz_audience *a)
{
    return a->d.max_bytes;
}

/* ---- bookkeeping (lock held) ---- */

static void changed(mz_audience *a, uint64_t id, mz_line_state state, const char *who)
{
    if (a->change_count == CHANGES) { /* nobody drains: the oldest go */
        a->change_head = (a->change_head + 1) % CHANGES;
        a->change_count--;
    }
    mz_audience_change *c = &a->changes[(a->change_head + a->change_count++) % CHANGES];
    c->id = id;
    c->state = state;
    copy(c->phone, sizeof c->phone, who);
}

/* A line that will not change again. */
static void finish(mz_audience *a, uint64_t id, const char *who, mz_line_state state,
                   const char *reason)
{
    done_line *r = &a->recent[id % RECENT];
    r->id = id;
    r->state = state;
    r->reason = reason;
    copy(r->phone, sizeof r->phone, who);
    changed(a, id, state, who);
}

static void free_live(live_line *l)
{
    free(l->text);
    memset(l, 0, sizeof *l);
}

/* The entry of a table of phones or addresses for key, made (forgetting
 * the longest unseen) if new. Both begin with their key and then `seen`. */
typedef struct keyed {
    char key[64];
    double seen;
} keyed;
_Static_assert(offsetof(phone, seen) == offsetof(keyed, seen) &&
                   offsetof(addr, seen) == offsetof(keyed, seen),
               "phone and addr begin as keyed");

static void *lookup(void *table, size_t n, size_t size, const char *key, double now)
{
    char *base = table;
    keyed *oldest = (keyed *)base;
    for (size_t i = 0; i < n; i++) {
        keyed *k = (keyed *)(base + i * size);
        if (!strcmp(k->key, key)) {
            k->seen = now;
            return k;
        }
        if (k->seen < oldest->seen) oldest = k;
    }
    memset(oldest, 0, size);
    copy(oldest->key, sizeof oldest->key, key);
    oldest->seen = now;
    return oldest;
}

static phone *phone_of(mz_audience *a, const char *key, double now)
{
    return lookup(a->phones, PHONES, sizeof a->phones[0], key, now);
}

static addr *addr_of(mz_audience *a, const char *ip, double now)
{
    return lookup(a->addrs, ADDRS, sizeof a->addrs[0], ip, now);
}

static size_t live_count(const mz_audience *a)
{
    size_t n = 0;
    for (size_t i = 0; i < a->d.max_waiting; i++)
        n += a->live[i].id != 0;
    return n;
}

static live_line *live_of_phone(mz_audience *a, const char *key)
{
    for (size_t i = 0; i < a->d.max_waiting; i++)
        if (a->live[i].id && !strcmp(a->live[i].phone, key)) return &a->live[i];
    return NULL;
}

static live_line *live_by_id(mz_audience *a, uint64_t id)
{
    for (size_t i = 0; i < a->d.max_waiting && id; i++)
        if (a->live[i].id == id) return &a->live[i];
    return NULL;
}

/* A rejected line: counted against the phone and its address (a phone
 * that clears its cookie keeps its address), logged by hash only. */
static void rejected(mz_audience *a, phone *p, addr *ad, uint64_t id, const char *text,
                     const char *why, double now)
{
    p->rejections++;
    ad->rejections++;
    mz_log_info("audience: line %llu #%016llx not accepted (%s)", (unsigned long long)id,
                (unsigned long long)mz_screen_hash(a->d.screen, text), why);
    if (p->rejections >= a->d.mute_after || ad->rejections >= 2 * a->d.mute_after) {
        p->muted_until = now + a->d.mute_s;
        if (ad->rejections >= 2 * a->d.mute_after) ad->muted_until = now + a->d.mute_s;
        mz_log_info("audience: a phone is muted for %.0f s after %d lines not accepted",
                    a->d.mute_s, p->rejections);
    }
}

/* ---- submitting ---- */

static void count_vote(mz_audience *a, phone *p, int choice)
{
    if (p->round == a->round && p->choice >= 0)
        a->counts[p->choice]--; /* a phone changes its mind */
    p->round = a->round;
    p->choice = choice;
    a->counts[choice]++;
}

/* The checks every phone action passes first: muted, rate. NULL when fine. */
static const char *limits(mz_audience *a, phone *p, addr *ad, double now)
{
    if (p->muted_until > now || ad->muted_until > now) return "muted";
    if (p->sent && now - p->last < a->d.rate_s) return "too fast";
    if (now - ad->window >= a->d.rate_s) {
        ad->window = now;
        ad->count = 0;
    }
    if (ad->count >= a->d.ip_burst) return "too fast";
    p->last = now;
    p->sent = true;
    ad->count++;
    return NULL;
}

static mz_line_state refuse(const char **reason, const char *why)
{
    if (reason) *reason = why;
    return MZ_LINE_REJECTED;
}

mz_line_state mz_audience_submit(mz_audience *a, const char *who, const char *ip, const char *text,
                                 double now, uint64_t *id, const char **reason)
{
    if (id) *id = 0;
    if (reason) *reason = NULL;
    if (!a || !who || !*who) return refuse(reason, "no phone id");
    char line[4096];
    size_t len =
        mz_text_sanitize(text, text ? strlen(text) : 0, line, sizeof line, sizeof line - 1);
    if (len == 0) return refuse(reason, "empty");
    if (len > a->d.max_bytes) return refuse(reason, "too long");
    pthread_mutex_lock(&a->lock);
    phone *p = phone_of(a, who, now);
    addr *ad = addr_of(a, ip ? ip : "", now);
    const char *why = limits(a, p, ad, now);
    mz_line_state state = MZ_LINE_REJECTED;
    if (why) goto out;
    if (a->d.mode == MZ_AUDIENCE_VOTE && (!a->open || now >= a->closes_at)) {
        why = "no vote open";
        goto out;
    }
    if (a->d.mode == MZ_AUDIENCE_QUEUE && live_of_phone(a, who)) {
        why = "already waiting";
        goto out;
    }
    if (a->d.mode == MZ_AUDIENCE_QUEUE && live_count(a) >= a->d.max_waiting) {
        why = "busy";
        goto out;
    }
    uint64_t lid = a->next_id++;
    if (id) *id = lid;
    mz_screen_result r;
    if (!mz_screen_check(a->d.screen, line, &r)) {
        rejected(a, p, ad, lid, line, mz_screen_reason_name(r.reason), now);
        why = "not accepted";
        finish(a, lid, who, MZ_LINE_REJECTED, why);
        goto out;
    }
    live_line *l = NULL;
    for (size_t i = 0; i < a->d.max_waiting && !l; i++)
        if (!a->live[i].id) l = &a->live[i];
    char *copy_text = strdup(line);
    if (!l || !copy_text) {
        free(copy_text);
        why = "busy";
        goto out;
    }
    /* free text in a vote waits for its match (mz_audience_to_match) */
    bool vote = a->d.mode == MZ_AUDIENCE_VOTE;
    state = a->d.premoderate && !vote ? MZ_LINE_WAITING : MZ_LINE_QUEUED;
    *l = (live_line){.id = lid,
                     .state = state,
                     .since = now,
                     .order = state == MZ_LINE_QUEUED ? a->next_order++ : 0,
                     .vote = vote,
                     .round = a->round,
                     .text = copy_text};
    copy(l->phone, sizeof l->phone, who);
    copy(l->ip, sizeof l->ip, ip);
    changed(a, lid, state, who);
out:
    pthread_mutex_unlock(&a->lock);
    if (why && reason) *reason = why;
    return state;
}

mz_line_state mz_audience_status(mz_audience *a, const char *who, uint64_t id, const char **reason)
{
    if (reason) *reason = NULL;
    if (!a || !who || !id) return MZ_LINE_NONE;
    pthread_mutex_lock(&a->lock);
    mz_line_state s = MZ_LINE_NONE;
    live_line *l = live_by_id(a, id);
    const done_line *r = &a->recent[id % RECENT];
    if (l && !strcmp(l->phone, who)) {
        s = l->state;
    } else if (r->id == id && !strcmp(r->phone, who)) {
        s = r->state;
        if (reason) *reason = r->reason;
    }
    pthread_mutex_unlock(&a->lock);
    return s;
}

/* ---- pre-moderation ---- */

size_t mz_audience_waiting(mz_audience *a, double now, mz_audience_pending *out, size_t cap)
{
    pthread_mutex_lock(&a->lock);
    size_t n = 0;
    uint64_t after = 0;
    while (n < cap) { /* the oldest waiting line after the last one listed */
        const live_line *next = NULL;
        for (size_t i = 0; i < a->d.max_waiting; i++) {
            const live_line *l = &a->live[i];
            if (l->id > after && l->state == MZ_LINE_WAITING && (!next || l->id < next->id))
                next = l;
        }
        if (!next) break;
        out[n].id = after = next->id;
        out[n].age_s = now - next->since;
        copy(out[n++].text, sizeof out[0].text, next->text);
    }
    pthread_mutex_unlock(&a->lock);
    return n;
}

bool mz_audience_decide(mz_audience *a, uint64_t id, bool approve, double now)
{
    pthread_mutex_lock(&a->lock);
    live_line *l = live_by_id(a, id);
    bool ok = l && l->state == MZ_LINE_WAITING;
    if (!ok) {
        pthread_mutex_unlock(&a->lock);
        return mz_fail("line %llu is not waiting for moderation", (unsigned long long)id);
    }
    if (approve) {
        l->state = MZ_LINE_QUEUED;
        l->order = a->next_order++;
        changed(a, id, MZ_LINE_QUEUED, l->phone);
    } else {
        rejected(a, phone_of(a, l->phone, now), addr_of(a, l->ip, now), id, l->text,
                 "rejected by the operator", now);
        finish(a, id, l->phone, MZ_LINE_REJECTED, "not accepted");
        free_live(l);
    }
    pthread_mutex_unlock(&a->lock);
    return true;
}

void mz_audience_tick(mz_audience *a, double now)
{
    pthread_mutex_lock(&a->lock);
    for (size_t i = 0; i < a->d.max_waiting; i++) {
        live_line *l = &a->live[i];
        if (l->id && l->state == MZ_LINE_WAITING && now - l->since > a->d.moderation_timeout_s) {
            mz_log_info("audience: line %llu not moderated in %.0f s: not accepted",
                        (unsigned long long)l->id, a->d.moderation_timeout_s);
            finish(a, l->id, l->phone, MZ_LINE_REJECTED, "not accepted in time");
            free_live(l);
        }
    }
    pthread_mutex_unlock(&a->lock);
}

/* ---- queue ---- */

/* Lock held: the queued line of the given kind not handed out that came
 * first, marked handed; copied into text. */
static live_line *hand_out(mz_audience *a, bool vote, char *text, size_t cap, uint64_t *id)
{
    live_line *best = NULL;
    for (size_t i = 0; i < a->d.max_waiting; i++) {
        live_line *l = &a->live[i];
        if (l->id && l->state == MZ_LINE_QUEUED && !l->handed && l->vote == vote &&
            (!best || l->order < best->order))
            best = l;
    }
    if (!best) return NULL;
    best->handed = true;
    copy(text, cap, best->text);
    if (id) *id = best->id;
    return best;
}

bool mz_audience_next(mz_audience *a, double now, char *text, size_t cap, uint64_t *id)
{
    pthread_mutex_lock(&a->lock);
    bool due = !a->shown_any || now - a->last_shown >= a->d.turn_s;
    bool got = due && hand_out(a, false, text, cap, id);
    if (got) {
        a->last_shown = now;
        a->shown_any = true;
    }
    pthread_mutex_unlock(&a->lock);
    return got;
}

void mz_audience_shown(mz_audience *a, uint64_t id)
{
    pthread_mutex_lock(&a->lock);
    live_line *l = live_by_id(a, id);
    if (l && l->handed && !l->vote) {
        finish(a, id, l->phone, MZ_LINE_SHOWN, NULL);
        free_live(l);
    }
    pthread_mutex_unlock(&a->lock);
}

void mz_audience_give_back(mz_audience *a, uint64_t id)
{
    pthread_mutex_lock(&a->lock);
    for (size_t i = 0; i < a->d.max_waiting; i++) {
        live_line *l = &a->live[i];
        if (!l->id || !l->handed || (id && l->id != id)) continue;
        l->handed = false;                  /* keeps its place */
        if (!l->vote) a->shown_any = false; /* it never showed: its turn is now */
    }
    pthread_mutex_unlock(&a->lock);
}

/* ---- vote ---- */

/* Lock held: the round is over; its free text not yet matched is too late. */
static void end_round(mz_audience *a)
{
    a->open = false;
    for (size_t i = 0; i < a->d.max_waiting; i++) {
        live_line *l = &a->live[i];
        if (!l->id || !l->vote) continue;
        finish(a, l->id, l->phone, MZ_LINE_REJECTED, "no vote open");
        free_live(l);
    }
}

bool mz_audience_vote_open(mz_audience *a, const char *const *choices, size_t count, double now)
{
    if (count > MZ_AUDIENCE_MAX_CHOICES) count = MZ_AUDIENCE_MAX_CHOICES;
    pthread_mutex_lock(&a->lock);
    end_round(a);
    a->round++;
    a->open = count > 0;
    a->closes_at = now + a->d.vote_s;
    a->nchoices = count;
    for (size_t i = 0; i < count; i++) {
        copy(a->choices[i], CHOICE_MAX, choices[i]);
        a->counts[i] = 0;
    }
    pthread_mutex_unlock(&a->lock);
    return count > 0 || mz_fail("a vote needs at least one choice");
}

bool mz_audience_to_match(mz_audience *a, char *text, size_t cap, uint64_t *id)
{
    pthread_mutex_lock(&a->lock);
    bool got = hand_out(a, true, text, cap, id) != NULL;
    pthread_mutex_unlock(&a->lock);
    return got;
}

void mz_audience_matched(mz_audience *a, uint64_t id, int choice, double now)
{
    pthread_mutex_lock(&a->lock);
    live_line *l = live_by_id(a, id);
    if (l && l->vote) {
        if (l->round != a->round || !a->open || now >= a->closes_at) {
            finish(a, id, l->phone, MZ_LINE_REJECTED, "no vote open");
        } else if (choice < 0 || (size_t)choice >= a->nchoices) {
            finish(a, id, l->phone, MZ_LINE_REJECTED, "matches no choice");
        } else {
            count_vote(a, phone_of(a, l->phone, now), choice);
            finish(a, id, l->phone, MZ_LINE_COUNTED, NULL);
        }
        free_live(l);
    }
    pthread_mutex_unlock(&a->lock);
}

mz_line_state mz_audience_vote(mz_audience *a, const char *who, const char *ip, int choice,
                               double now, const char **reason)
{
    if (reason) *reason = NULL;
    if (!a || !who || !*who) return refuse(reason, "no phone id");
    pthread_mutex_lock(&a->lock);
    const char *why = NULL;
    if (!a->open || now >= a->closes_at)
        why = "no vote open";
    else if (choice < 0 || (size_t)choice >= a->nchoices)
        why = "no such choice";
    else
        why = limits(a, phone_of(a, who, now), addr_of(a, ip ? ip : "", now), now);
    if (!why) count_vote(a, phone_of(a, who, now), choice);
    pthread_mutex_unlock(&a->lock);
    return why ? refuse(reason, why) : MZ_LINE_COUNTED;
}

size_t mz_audience_tally(mz_audience *a, double now, int *counts, size_t cap, double *left_s)
{
    pthread_mutex_lock(&a->lock);
    size_t n = a->open ? a->nchoices : 0;
    for (size_t i = 0; i < n && i < cap; i++)
        counts[i] = a->counts[i];
    if (left_s) *left_s = n && a->closes_at > now ? a->closes_at - now : 0;
    pthread_mutex_unlock(&a->lock);
    return n;
}

int mz_audience_vote_close(mz_audience *a, double now, bool force)
{
    pthread_mutex_lock(&a->lock);
    int winner = -2;
    if (a->open && (force || now >= a->closes_at)) {
        winner = -1;
        for (size_t i = 0; i < a->nchoices; i++)
            if (a->counts[i] > 0 && (winner < 0 || a->counts[i] > a->counts[winner]))
                winner = (int)i;
        end_round(a);
    }
    pthread_mutex_unlock(&a->lock);
    return winner;
}

const char *mz_audience_choice(mz_audience *a, size_t i, char *out, size_t cap)
{
    pthread_mutex_lock(&a->lock);
    copy(out, cap, i < a->nchoices ? a->choices[i] : "");
    pthread_mutex_unlock(&a->lock);
    return out;
}

size_t mz_audience_changes(mz_audience *a, mz_audience_change *out, size_t cap)
{
    pthread_mutex_lock(&a->lock);
    size_t n = 0;
    while (n < cap && a->change_count > 0) {
        out[n++] = a->changes[a->change_head];
        a->change_head = (a->change_head + 1) % CHANGES;
        a->change_count--;
    }
    pthread_mutex_unlock(&a->lock);
    return n;
}
