/* explore.c — coverage search and random playthroughs (mz_explore.h). */
#include "mz_explore.h"

#include "mz_error.h"
#include "mz_story.h"
#include "mz_walk.h"
#include "lint_internal.h" /* DOT strings */
#include "rng.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A line no pattern should match, to run each scene's `otherwise`. */
static const char nonsense_line[] = "xq zzv plorth";

/* ---- the report ---- */

static bool report_init(mz_story *s, mz_explore_report *r)
{
    *r = (mz_explore_report){0};
    size_t n = mz_story_scene_count(s);
    r->scenes = calloc(n ? n : 1, sizeof *r->scenes);
    if (!r->scenes) return mz_fail("out of memory");
    r->scene_count = n;
    for (size_t i = 0; i < n; i++) {
        mz_story_scene_info info;
        mz_story_scene_get(s, i, &info);
        mz_explore_scene *sc = &r->scenes[i];
        sc->id = strdup(info.id);
        sc->file = strdup(info.file ? info.file : "?");
        sc->line = info.line;
        sc->ending = info.ending;
        sc->transitions = calloc(info.transition_count ? info.transition_count : 1,
                                 sizeof *sc->transitions);
        if (!sc->id || !sc->file || !sc->transitions) return mz_fail("out of memory");
        sc->transition_count = info.transition_count;
        for (size_t t = 0; t < info.transition_count; t++) {
            mz_story_transition_info ti;
            mz_story_transition_get(s, i, t, &ti);
            sc->transitions[t] = (mz_explore_transition){
                .pattern = strdup(ti.pattern_count ? ti.patterns[0] : ""),
                .file = strdup(ti.file ? ti.file : sc->file),
                .line = ti.line,
                .to_scene = ti.to_scene,
            };
            if (!sc->transitions[t].pattern || !sc->transitions[t].file)
                return mz_fail("out of memory");
        }
    }
    return true;
}

void mz_explore_report_free(mz_explore_report *r)
{
    for (size_t i = 0; r->scenes && i < r->scene_count; i++) {
        mz_explore_scene *sc = &r->scenes[i];
        for (size_t t = 0; sc->transitions && t < sc->transition_count; t++) {
            free((char *)sc->transitions[t].pattern);
            free((char *)sc->transitions[t].file);
        }
        free(sc->transitions);
        free(sc->id);
        free(sc->file);
    }
    free(r->scenes);
    for (size_t i = 0; i < r->error_count; i++)
        free(r->errors[i].message);
    free(r->errors);
    free(r->run_turns);
    *r = (mz_explore_report){0};
}

static void add_error(mz_explore_report *r, const char *message)
{
    for (size_t i = 0; i < r->error_count; i++)
        if (!strcmp(r->errors[i].message, message)) {
            r->errors[i].count++;
            return;
        }
    mz_explore_error *more = realloc(r->errors, (r->error_count + 1) * sizeof *more);
    if (!more) return;
    r->errors = more;
    char *copy = strdup(message);
    if (copy) r->errors[r->error_count++] = (mz_explore_error){copy, 1};
}

/* The run-time half of lint's declared-state check: a field the story
 * wrote that story.vars does not declare, once per field. */
static void check_declared(mz_explore_report *r, mz_story *s, int from)
{
    char name[64], key[96], msg[MZ_ERROR_MAX];
    if (!mz_story_undeclared_field(s, name, sizeof name)) return;
    snprintf(key, sizeof key, "the state field '%s' ", name);
    for (size_t i = 0; i < r->error_count; i++)
        if (strstr(r->errors[i].message, key)) return;
    const mz_explore_scene *sc = &r->scenes[from];
    snprintf(msg, sizeof msg,
             "%s:%d: scene '%s': %sis not declared in story { vars = ... }, "
             "but the story wrote it here",
             sc->file, sc->line, sc->id, key);
    add_error(r, msg);
}

/* What one turn played from scene `from` tells; `to` is the scene after. */
static void record(mz_explore_report *r, mz_story *s, int from, int to, const mz_story_turn *t)
{
    r->turns++;
    if (t->error) add_error(r, t->error);
    check_declared(r, s, from);
    mz_explore_scene *sc = &r->scenes[from];
    if (t->transition >= 0 && (size_t)t->transition < sc->transition_count)
        sc->transitions[t->transition].taken++;
    else if (!t->matched && !t->error && !sc->ending)
        sc->otherwise++;
    if (t->scene_changed) r->scenes[to].visits++;
}

/* ---- coverage: breadth first over states ---- */

typedef struct digest_set {
    uint64_t *slot; /* 0 = empty */
    size_t size, count;
} digest_set;

/* false when it was there already (or cannot be added). */
static bool set_add(digest_set *set, uint64_t d)
{
    if (!d) d = 1;
    if ((set->count + 1) * 2 > set->size) {
        size_t size = set->size ? set->size * 2 : 1024;
        uint64_t *slot = calloc(size, sizeof *slot);
        if (!slot) return false;
        for (size_t i = 0; i < set->size; i++)
            for (size_t j = set->slot[i] % size; set->slot[i]; j = (j + 1) % size)
                if (!slot[j]) {
                    slot[j] = set->slot[i];
                    break;
                }
        free(set->slot);
        set->slot = slot;
        set->size = size;
    }
    size_t j = d % set->size;
    for (; set->slot[j]; j = (j + 1) % set->size)
        if (set->slot[j] == d) return false;
    set->slot[j] = d;
    set->count++;
    return true;
}

typedef struct state_node {
    mz_story_snapshot *snap;
    int depth; /* turns from where the search started */
} state_node;

/* Line k of those worth trying in a scene: each transition's first pattern
 * (its others say the same), then the nonsense line; NULL after the last. */
static const char *pick_line(mz_story *s, int scene, size_t k)
{
    mz_story_scene_info info;
    mz_story_scene_get(s, (size_t)scene, &info);
    mz_story_transition_info ti;
    if (k < info.transition_count && mz_story_transition_get(s, (size_t)scene, k, &ti))
        return ti.pattern_count ? ti.patterns[0] : nonsense_line;
    return k == info.transition_count ? nonsense_line : NULL;
}

typedef struct search {
    mz_explore_report *out;
    digest_set seen;
    state_node *queue;
    size_t tail, max_states;
    int from; /* the scene before the turn, while walking */
} search;

/* Queues the story's state unless it was seen (or the queue is full). */
static void enqueue(search *x, mz_story *s, int depth)
{
    if (!set_add(&x->seen, mz_story_state_digest(s))) return;
    if (x->tail == x->max_states) {
        x->out->bounded = true;
        return;
    }
    if ((x->queue[x->tail].snap = mz_story_snapshot_take(s))) x->queue[x->tail++].depth = depth;
}

/* The story's own walkthroughs lead deep into its state: every state they
 * pass through is a place to search from. */
static void walked(mz_story *s, const mz_story_turn *t, void *user)
{
    search *x = user;
    int scene = mz_story_scene_index(s);
    if (t->turn > 0) record(x->out, s, x->from, scene, t);
    x->from = scene;
    if (t->error) return;
    if (t->turn == 0) x->out->scenes[scene].visits++;
    if (!t->ended) enqueue(x, s, 0);
}

bool mz_explore_coverage(const mz_explore_desc *desc, mz_explore_report *out)
{
    int max_depth = desc->max_turns > 0 ? desc->max_turns : 40;
    search x = {.out = out, .max_states = desc->max_states > 0 ? (size_t)desc->max_states : 20000};
    mz_story *s = mz_story_load(&(mz_story_desc){
        .path = desc->story, .seed = desc->seed, .time_limit_ms = desc->turn_limit_ms});
    if (!s) return false;
    x.queue = malloc(sizeof *x.queue * x.max_states);
    if (!report_init(s, out) || !x.queue) {
        if (!x.queue) mz_fail("out of memory");
        mz_explore_report_free(out);
        mz_story_destroy(s);
        free(x.queue);
        return false;
    }
    mz_story_turn t;
    mz_story_begin(s, &t);
    walked(s, &t, &x);
    mz_walk_hooks hooks = {.turn = walked, .user = &x, .turn_limit_ms = desc->turn_limit_ms};
    mz_walk_story(desc->story, NULL, 0, &hooks, NULL);
    for (size_t head = 0; head < x.tail; head++) {
        state_node node = x.queue[head];
        mz_story_snapshot_restore(s, node.snap, NULL);
        int scene = mz_story_scene_index(s);
        for (size_t k = 0;; k++) {
            if (k) mz_story_snapshot_restore(s, node.snap, NULL);
            const char *line = pick_line(s, scene, k);
            if (!line) break;
            mz_story_input(s, line, strlen(line), &t);
            record(out, s, scene, mz_story_scene_index(s), &t);
            /* A line that matched nothing only adds a modifier (or a reply):
             * following it would multiply states without opening a way. */
            if (!t.matched || t.ended || t.error) continue;
            if (node.depth + 1 >= max_depth)
                out->bounded = true;
            else
                enqueue(&x, s, node.depth + 1);
        }
        mz_story_snapshot_free(node.snap);
    }
    out->states = x.seen.count;
    free(x.seen.slot);
    free(x.queue);
    mz_story_destroy(s);
    return true;
}

/* ---- random playthroughs ---- */

static const char *const global_words[] = {"help", "look", "inventory", "go back",
                                           "hint", "what now", "undo", "wait"};

/* Adds what real viewers add: a typo in a long word, capitals, noise. */
static void roughen(story_rng *rng, char *line, size_t cap)
{
    double roll = story_rng_float(rng);
    size_t n = strlen(line);
    if (roll < 0.25 && n > 5) {
        /* Swap two letters inside a word of at least 5: within the typos
         * matching forgives, away from a short word's first letter. */
        size_t i = 1 + (size_t)story_rng_range(rng, 0, (int64_t)n - 4);
        if (isalpha((unsigned char)line[i]) && isalpha((unsigned char)line[i + 1]) && i > 0 &&
            isalpha((unsigned char)line[i - 1])) {
            char c = line[i];
            line[i] = line[i + 1];
            line[i + 1] = c;
        }
    } else if (roll < 0.45) {
        for (char *p = line; *p; p++)
            *p = (char)toupper((unsigned char)*p);
    } else if (roll < 0.6 && n + 8 < cap) {
        static const char *const noise[] = {"!!", "?", " please", " now"};
        strcat(line, noise[story_rng_range(rng, 0, 3)]);
    }
}

static void random_line(story_rng *rng, mz_story *s, int scene, char *line, size_t cap)
{
    double roll = story_rng_float(rng);
    mz_story_scene_info info;
    mz_story_scene_get(s, (size_t)scene, &info);
    if (roll < 0.7 && info.transition_count) {
        mz_story_transition_info ti;
        mz_story_transition_get(
            s, (size_t)scene, (size_t)story_rng_range(rng, 0, (int64_t)info.transition_count - 1),
            &ti);
        if (ti.pattern_count) {
            const char *p = ti.patterns[story_rng_range(rng, 0, (int64_t)ti.pattern_count - 1)];
            snprintf(line, cap, "%s", p);
            roughen(rng, line, cap);
            return;
        }
    }
    if (roll < 0.8) {
        int64_t last = (int64_t)(sizeof global_words / sizeof global_words[0]) - 1;
        snprintf(line, cap, "%s", global_words[story_rng_range(rng, 0, last)]);
        return;
    }
    size_t n = 0;
    for (int w = (int)story_rng_range(rng, 1, 3); w > 0 && n + 10 < cap; w--) {
        for (int k = (int)story_rng_range(rng, 2, 7); k > 0; k--)
            line[n++] = (char)('a' + story_rng_range(rng, 0, 25));
        line[n++] = ' ';
    }
    line[n ? n - 1 : 0] = '\0';
}

static int compare_ints(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Per scene, over all runs: entered, followed by an ending, in the tail of a
 * playthrough that never ended. */
typedef struct run_marks {
    bool *in_run, *led, *tail;
} run_marks;

static void play_one(mz_story *s, story_rng *rng, int max_turns, mz_explore_report *r,
                     run_marks *m)
{
    mz_story_turn t;
    mz_story_begin(s, &t);
    if (t.error) add_error(r, t.error);
    memset(m->in_run, 0, r->scene_count * sizeof *m->in_run);
    int scene = mz_story_scene_index(s), unmatched = 0, turns = 0;
    r->scenes[scene].visits++;
    m->in_run[scene] = true;
    char line[256];
    while (!t.ended && turns < max_turns) {
        random_line(rng, s, scene, line, sizeof line);
        mz_story_input(s, line, strlen(line), &t);
        int from = scene;
        scene = mz_story_scene_index(s);
        record(r, s, from, scene, &t);
        turns++;
        unmatched = t.matched ? 0 : unmatched + 1;
        if (unmatched == 3) r->scenes[from].stuck++;
        m->in_run[scene] = true;
        if (turns > max_turns * 3 / 4) m->tail[scene] |= true;
    }
    r->run_turns[r->runs++] = turns;
    if (t.ended) {
        r->ended_runs++;
        r->scenes[scene].endings++;
        for (size_t i = 0; i < r->scene_count; i++)
            m->led[i] |= m->in_run[i];
    }
}

bool mz_explore_random(const mz_explore_desc *desc, mz_explore_report *out)
{
    int runs = desc->runs > 0 ? desc->runs : 100;
    int max_turns = desc->max_turns > 0 ? desc->max_turns : 200;
    uint64_t seed = desc->seed ? desc->seed : 1;
    mz_story *s = NULL;
    run_marks m = {0};
    bool ok = false;
    *out = (mz_explore_report){0};
    for (int i = 0; i < runs; i++) {
        /* One load; each run's begin restarts the story's own random() from
         * the run's seed. */
        if (i == 0 && !(s = mz_story_load(&(mz_story_desc){
                            .path = desc->story, .time_limit_ms = desc->turn_limit_ms})))
            goto done;
        mz_story_reseed(s, seed + (uint64_t)i);
        if (i == 0) {
            if (!report_init(s, out)) goto done;
            size_t n = out->scene_count ? out->scene_count : 1;
            m.in_run = calloc(n, 1);
            m.led = calloc(n, 1);
            m.tail = calloc(n, 1);
            out->run_turns = calloc((size_t)runs, sizeof *out->run_turns);
            if (!m.in_run || !m.led || !m.tail || !out->run_turns) {
                mz_fail("out of memory");
                goto done;
            }
        }
        story_rng rng;
        story_rng_seed(&rng, story_mix(seed + (uint64_t)i));
        play_one(s, &rng, max_turns, out, &m);
    }
    qsort(out->run_turns, (size_t)out->runs, sizeof *out->run_turns, compare_ints);
    for (size_t i = 0; i < out->scene_count; i++) {
        mz_explore_scene *sc = &out->scenes[i];
        sc->dead_end = sc->visits && !sc->ending && !m.led[i];
        sc->unleft_loop = m.tail[i] && !m.led[i];
    }
    ok = true;
done:
    free(m.in_run);
    free(m.led);
    free(m.tail);
    mz_story_destroy(s);
    if (!ok) mz_explore_report_free(out);
    return ok;
}

/* ---- the graph coloured by visits ---- */

void mz_explore_write_dot(const mz_explore_report *r, FILE *f)
{
    uint32_t most = 1;
    for (size_t i = 0; i < r->scene_count; i++)
        if (r->scenes[i].visits > most) most = r->scenes[i].visits;
    fputs("digraph story {\n  rankdir=LR;\n  node [style=filled, fontname=\"Helvetica\"];\n"
          "  edge [fontname=\"Helvetica\", fontsize=10];\n",
          f);
    for (size_t i = 0; i < r->scene_count; i++) {
        const mz_explore_scene *sc = &r->scenes[i];
        char label[300];
        snprintf(label, sizeof label, "%s\n%u visits", sc->id, sc->visits);
        int shade = (int)(255 - 160.0 * sc->visits / most);
        fputs("  ", f);
        story_dot_string(f, sc->id);
        fprintf(f, " [shape=%s, label=", sc->ending ? "doubleoctagon" : "box");
        story_dot_string(f, label);
        fprintf(f, ", fillcolor=\"#%02x%02x%02x\"%s];\n", shade, 255, shade,
                sc->visits ? "" : ", color=red, fontcolor=red, style=\"filled,dashed\"");
        for (size_t t = 0; t < sc->transition_count; t++) {
            const mz_explore_transition *tr = &sc->transitions[t];
            if (tr->to_scene < 0) continue;
            fputs("  ", f);
            story_dot_string(f, sc->id);
            fputs(" -> ", f);
            story_dot_string(f, r->scenes[tr->to_scene].id);
            fputs(" [label=", f);
            story_dot_string(f, tr->pattern);
            fprintf(f, "%s];\n", tr->taken ? "" : ", color=red, fontcolor=red, style=dashed");
        }
    }
    fputs("}\n", f);
}
