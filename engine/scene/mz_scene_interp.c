/* The interpreter: words → lexicon entries → parameter changes. The rules it
 * follows are the ones documented in mz_scene_interp.h. */
#include "mz_scene_internal.h"

#include "mz_error.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* How far a negator reaches: words in between ("no more of the rain"). */
#define NEGATION_REACH 3
#define SETTING2_WEIGHT 0.35f
/* An adjective describing a thing the lexicon doesn't know ("black cat")
 * colours that thing, not the scene: it acts this much, and only as an
 * implied value. */
#define ADJECTIVE_ON_THING 0.35f

typedef struct token {
    uint32_t off, len;   /* in the prompt */
    uint8_t clen;        /* bytes of canon; 0 = too long to match anything */
    bool clause_start;   /* phrases, modifiers and negation stop here */
    bool sentence_start; /* a capitalised first word is no name */
    bool capitalised;    /* Upper then lower case: a candidate name */
    char canon[MZ_SCENE_WORD_MAX + 1];
} token;

static bool in_vocab(const mz_scene_lexicon *lx, const char *w, size_t len)
{
    return mz_scene_map_get(&lx->vocab, w, len, mz_scene_hash(w, len)) >= 0;
}

/* Tries `stem` + `add` as a lexicon word; on success it becomes the token's
 * canonical form. */
static bool try_stem(const mz_scene_lexicon *lx, token *t, size_t stem, const char *add)
{
    size_t alen = strlen(add);
    if (stem < 3 || stem + alen > MZ_SCENE_WORD_MAX) return false;
    char w[MZ_SCENE_WORD_MAX + 1];
    memcpy(w, t->canon, stem);
    memcpy(w + stem, add, alen);
    if (!in_vocab(lx, w, stem + alen)) return false;
    memcpy(t->canon, w, stem + alen);
    t->canon[stem + alen] = '\0';
    t->clen = (uint8_t)(stem + alen);
    return true;
}

static bool ends(const token *t, size_t n, const char *suffix)
{
    size_t s = strlen(suffix);
    return n > s && memcmp(t->canon + n - s, suffix, s) == 0;
}

/* Simple English inflections, tried only when the word itself is not in the
 * lexicon: possessives, plurals, -ing, -ed, -y and -ly adjectives, with the
 * doubled consonant of "panning" and "foggy". */
static void canonicalise(const mz_scene_lexicon *lx, token *t)
{
    size_t n = t->clen;
    if (n == 0 || in_vocab(lx, t->canon, n)) return;
    if (ends(t, n, "'s"))
        n -= 2;
    else if (ends(t, n, "\xe2\x80\x99s"))
        n -= 4; /* ’s */
    if (n != t->clen) {
        t->clen = (uint8_t)n;
        t->canon[n] = '\0';
        if (in_vocab(lx, t->canon, n)) return;
    }
    static const struct {
        const char *suffix, *add;
        bool undouble; /* also try with a doubled last consonant removed */
    } rules[] = {
        {"ies", "y", false}, {"es", "", false},   {"s", "", false}, {"ing", "", true},
        {"ing", "e", false}, {"ied", "y", false}, {"ed", "", true}, {"ed", "e", false},
        {"ily", "y", false}, {"ly", "", false},   {"y", "", true},
    };
    for (size_t r = 0; r < sizeof rules / sizeof *rules; r++) {
        if (!ends(t, n, rules[r].suffix)) continue;
        size_t stem = n - strlen(rules[r].suffix);
        if (try_stem(lx, t, stem, rules[r].add)) return;
        if (rules[r].undouble && stem >= 4 && t->canon[stem - 1] == t->canon[stem - 2] &&
            try_stem(lx, t, stem - 1, rules[r].add))
            return;
    }
}

/* Splits the prompt into words; returns how many (at most `max`) and sets
 * *more if words were left over. */
static int tokenise(const mz_scene_lexicon *lx, const char *prompt, token *tok, int max, bool *more)
{
    const unsigned char *s = (const unsigned char *)prompt;
    int n = 0;
    bool clause = true, sentence = true;
    *more = false;
    for (size_t i = 0; s[i];) {
        unsigned char c = s[i];
        if (!mz_scene_is_word_byte(c)) {
            if (c == '.' || c == '!' || c == '?' || c == '\n')
                clause = sentence = true;
            else if (c == ',' || c == ';' || c == ':' || c == '(' || c == ')')
                clause = true;
            i++;
            continue;
        }
        size_t start = i;
        while (s[i] && mz_scene_is_word_byte(s[i]))
            i++;
        size_t end = i;
        /* Quotes around a word are not part of it. */
        while (start < end && s[start] == '\'')
            start++;
        while (end > start && s[end - 1] == '\'')
            end--;
        if (start == end) continue;
        if (n == max) {
            *more = true;
            break;
        }
        token *t = &tok[n++];
        t->off = (uint32_t)start;
        t->len = (uint32_t)(end - start);
        t->clause_start = clause;
        t->sentence_start = sentence;
        t->capitalised = s[start] >= 'A' && s[start] <= 'Z' && end - start > 1 &&
                         s[start + 1] >= 'a' && s[start + 1] <= 'z';
        clause = sentence = false;
        if (t->len > MZ_SCENE_WORD_MAX) {
            t->clen = 0;
            t->canon[0] = '\0';
            continue;
        }
        for (uint32_t k = 0; k < t->len; k++)
            t->canon[k] = (char)mz_scene_lower(s[start + k]);
        t->canon[t->len] = '\0';
        t->clen = (uint8_t)t->len;
        canonicalise(lx, t);
    }
    return n;
}

/* The longest phrase starting at tok[i]: its entry index (or -1) and length. */
static int32_t match(const mz_scene_lexicon *lx, const token *tok, int n, int i, int *words)
{
    char key[MZ_SCENE_KEY_MAX];
    int reach = 0;
    while (reach < MZ_SCENE_PHRASE_WORDS && i + reach < n && tok[i + reach].clen &&
           (reach == 0 || !tok[i + reach].clause_start))
        reach++;
    size_t ends_at[MZ_SCENE_PHRASE_WORDS];
    size_t len = 0;
    for (int k = 0; k < reach; k++) {
        if (k) key[len++] = ' ';
        memcpy(key + len, tok[i + k].canon, tok[i + k].clen);
        len += tok[i + k].clen;
        ends_at[k] = len;
    }
    for (int k = reach; k > 0; k--) {
        int32_t e =
            mz_scene_map_get(&lx->phrases, key, ends_at[k - 1], mz_scene_hash(key, ends_at[k - 1]));
        if (e >= 0) {
            *words = k;
            return e;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------ applying effects */

/* What the words before a subject said about it ("a stout man in a yellow
 * coat"): kept until the subject comes, forgotten at the clause's end. */
typedef struct pending {
    bool has_colour;
    mz_rgb colour;
    float build, size; /* < 0: not said */
} pending;

typedef struct state {
    mz_scene_params *out;
    int subject;   /* the subject named last in this clause, or -1 */
    pending about; /* for the next subject or part */
    uint64_t set_explicitly; /* bit per parameter: a '=' effect set it */
    int n_settings;
    uint8_t setting[MZ_SCENE_MAX_WORDS];
    bool setting_implied[MZ_SCENE_MAX_WORDS];
    mz_scene_trace *why;
} state;

static float clampf(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

static void apply(state *st, const mz_scene_effect *fx, float k, bool negated, bool implied)
{
    const mz_scene_param *p = &mz_scene_param_table[fx->param];
    mz_scene_op op = implied ? MZ_OP_IMPLY : (mz_scene_op)fx->op;
    uint64_t bit = 1ull << fx->param;
    if (p->type != MZ_PARAM_FLOAT && negated) return; /* "no forest" does not pick a setting */
    if (p->type == MZ_PARAM_SETTING) {
        /* Every mention counts, implied or not: resolve_settings weighs them.
         * Only the latest ones matter, so a full list forgets the oldest. */
        if (st->n_settings == MZ_SCENE_MAX_WORDS) {
            memmove(st->setting, st->setting + 1, MZ_SCENE_MAX_WORDS - 1);
            memmove(st->setting_implied, st->setting_implied + 1, MZ_SCENE_MAX_WORDS - 1);
            st->n_settings--;
        }
        st->setting[st->n_settings] = (uint8_t)fx->v[0];
        st->setting_implied[st->n_settings++] = op == MZ_OP_IMPLY;
        return;
    }
    if (op == MZ_OP_IMPLY && (st->set_explicitly & bit)) return;
    if (op == MZ_OP_SET) st->set_explicitly |= bit;
    char *field = (char *)st->out + p->offset;
    switch (p->type) {
    case MZ_PARAM_SETTING: /* handled above */
        break;
    case MZ_PARAM_CAMERA:
        *(mz_camera *)(void *)field = (mz_camera)fx->v[0];
        break;
    case MZ_PARAM_RGB:
        *(mz_rgb *)(void *)field = (mz_rgb){fx->v[0], fx->v[1], fx->v[2]};
        break;
    case MZ_PARAM_HOURS:
        *(float *)(void *)field = fmodf(fx->v[0], 24.0f);
        break;
    case MZ_PARAM_FLOAT: {
        float v = negated ? p->neutral : p->neutral + (fx->v[0] - p->neutral) * k;
        *(float *)(void *)field = clampf(v, p->lo, p->hi);
        break;
    }
    }
}

/* The last explicitly named setting wins (an implied one only if none is
 * named); the last different one before it is blended in. */
static void resolve_settings(const state *st, mz_scene_params *out)
{
    if (!st->n_settings) return;
    int primary = -1;
    for (int i = st->n_settings - 1; i >= 0 && primary < 0; i--)
        if (!st->setting_implied[i]) primary = i;
    if (primary < 0) primary = st->n_settings - 1;
    out->setting = (mz_setting)st->setting[primary];
    out->setting2 = out->setting;
    out->setting2_weight = 0;
    for (int i = st->n_settings - 1; i >= 0; i--)
        if (st->setting[i] != out->setting) {
            out->setting2 = (mz_setting)st->setting[i];
            out->setting2_weight = SETTING2_WEIGHT;
            break;
        }
}

static uint32_t add_entity(mz_scene_params *out, uint32_t seed)
{
    for (int i = 0; i < 4; i++) {
        if (out->entity_seed[i] == seed) return seed;
        if (out->entity_seed[i] == 0) {
            out->entity_seed[i] = seed;
            return seed;
        }
    }
    return 0; /* all four slots taken: the first four named persist */
}

static void trace(mz_scene_trace *why, mz_scene_trace_kind kind, const char *name, size_t name_len,
                  uint32_t off, uint32_t len, float k, bool negated, uint32_t entity,
                  const char *effects)
{
    if (!why) return;
    if (why->count == MZ_SCENE_TRACE_MAX) {
        why->dropped++;
        return;
    }
    mz_scene_trace_item *it = &why->item[why->count++];
    *it = (mz_scene_trace_item){.kind = kind,
                                .offset = off,
                                .length = len,
                                .intensity = k,
                                .negated = negated,
                                .entity = entity,
                                .effects = effects};
    if (name_len >= sizeof it->name) name_len = sizeof it->name - 1;
    memcpy(it->name, name, name_len);
    it->name[name_len] = '\0';
}

/* A run of capitalised unknown words ("Old Tom") names an entity, unless it
 * is a single word opening a sentence ("Walking"). */
static void flush_name(state *st, const char *prompt, const token *tok, int first, int count)
{
    if (count == 0 || (count == 1 && tok[first].sentence_start)) return;
    char name[MZ_SCENE_KEY_MAX];
    size_t len = 0;
    for (int k = 0; k < count && len + tok[first + k].len + 1 < sizeof name; k++) {
        if (k) name[len++] = ' ';
        memcpy(name + len, prompt + tok[first + k].off, tok[first + k].len);
        len += tok[first + k].len;
    }
    name[len] = '\0';
    uint32_t seed = add_entity(st->out, mz_scene_entity_seed(name));
    const token *last = &tok[first + count - 1];
    trace(st->why, MZ_SCENE_TRACE_ENTITY, name, len, tok[first].off,
          last->off + last->len - tok[first].off, 1, false, seed, "");
}

/* ------------------------------------------------------------------ subjects */

/* The colour an adjective gives a thing: its tint, or for "black"/"dark"
 * (brightness only) a near black. False when it names no colour. */
static bool entry_colour(const mz_scene_entry *e, mz_rgb *out)
{
    bool dark = false;
    for (int f = 0; f < e->n_effects; f++) {
        const mz_scene_param *p = &mz_scene_param_table[e->effect[f].param];
        if (p->type == MZ_PARAM_RGB) {
            *out = (mz_rgb){e->effect[f].v[0], e->effect[f].v[1], e->effect[f].v[2]};
            return true;
        }
        dark |= strcmp(p->name, "brightness") == 0 && e->effect[f].v[0] < 1;
    }
    if (dark) *out = (mz_rgb){0.05f, 0.045f, 0.04f};
    return dark;
}

/* Whether the words after tok[i] (in its clause, past unknown words and
 * other describing words) reach a subject or one of its parts: then an
 * adjective at i describes that thing, not the scene. */
static bool describes_subject(const mz_scene_lexicon *lx, const token *tok, int n, int i)
{
    for (int reach = 0; i < n && reach < 3 && !tok[i].clause_start; reach++) {
        int words = 1;
        int32_t ei = match(lx, tok, n, i, &words);
        if (ei >= 0) {
            const mz_scene_entry *e = &lx->entry[ei];
            if (e->subject >= 0 || e->part >= 0) return true;
            if (!e->adjective && e->build < 0 && e->size < 0) return false;
        }
        i += words;
    }
    return false;
}

static float unit_of(uint32_t x, int salt)
{
    x ^= (uint32_t)salt * 0x9e3779b9u;
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return (float)(x >> 8) / 16777216.0f;
}

/* A subject's look where the prompt says nothing: from its entity seed, so a
 * named one ("the keeper") looks the same in every scene; from its kind and
 * place in the prompt otherwise. */
static mz_subject default_subject(mz_subject_kind kind, uint32_t entity, int index)
{
    static const mz_rgb coats[] = {{0.30f, 0.22f, 0.14f}, {0.16f, 0.20f, 0.32f},
                                   {0.35f, 0.12f, 0.10f}, {0.20f, 0.26f, 0.16f},
                                   {0.25f, 0.25f, 0.27f}, {0.42f, 0.34f, 0.20f}};
    static const mz_rgb hair[] = {{0.10f, 0.07f, 0.05f}, {0.35f, 0.22f, 0.10f},
                                  {0.55f, 0.55f, 0.55f}, {0.05f, 0.05f, 0.05f}};
    static const mz_rgb kind_colour[MZ_SUBJECT_COUNT] = {
        [MZ_SUBJECT_DOG] = {0.35f, 0.24f, 0.14f},     [MZ_SUBJECT_CAT] = {0.12f, 0.11f, 0.10f},
        [MZ_SUBJECT_BIRD] = {0.10f, 0.10f, 0.11f},    [MZ_SUBJECT_HORSE] = {0.30f, 0.18f, 0.10f},
        [MZ_SUBJECT_BOAT] = {0.32f, 0.20f, 0.12f},    [MZ_SUBJECT_LANTERN] = {0.55f, 0.42f, 0.18f},
        [MZ_SUBJECT_DOOR] = {0.26f, 0.16f, 0.09f},    [MZ_SUBJECT_STAIRS] = {0.30f, 0.28f, 0.26f},
        [MZ_SUBJECT_TABLE] = {0.30f, 0.19f, 0.10f},   [MZ_SUBJECT_BED] = {0.55f, 0.50f, 0.42f},
        [MZ_SUBJECT_WINDOW] = {0.20f, 0.14f, 0.08f},  [MZ_SUBJECT_BARREL] = {0.33f, 0.21f, 0.11f},
        [MZ_SUBJECT_CHEST] = {0.28f, 0.17f, 0.08f},   [MZ_SUBJECT_BELL] = {0.55f, 0.40f, 0.18f},
    };
    uint32_t seed = entity ? entity : (uint32_t)(kind * 977 + index * 131 + 7);
    mz_subject s = {.kind = kind, .build = 0.5f, .size = 1, .entity = entity, .presence = 1};
    s.colour = kind == MZ_SUBJECT_PERSON ? coats[(int)(unit_of(seed, 1) * 6) % 6] : kind_colour[kind];
    s.hair = hair[(int)(unit_of(seed, 2) * 4) % 4];
    s.build = 0.35f + 0.3f * unit_of(seed, 3);
    return s;
}

/* A subject word: a new subject (or the one already named with the same
 * entity), with what the words before it said. */
static void add_subject(state *st, const mz_scene_entry *e, uint32_t entity)
{
    mz_scene_params *p = st->out;
    int at = -1;
    for (int i = 0; i < p->subject_count && entity; i++)
        if (p->subject[i].entity == entity) at = i;
    if (at < 0 && p->subject_count < MZ_SCENE_MAX_SUBJECTS) {
        at = p->subject_count++;
        p->subject[at] = default_subject((mz_subject_kind)e->subject, entity, at);
    }
    st->subject = at;
    if (at < 0) return; /* the first MZ_SCENE_MAX_SUBJECTS named are drawn */
    mz_subject *s = &p->subject[at];
    if (st->about.has_colour) s->colour = st->about.colour;
    if (st->about.build >= 0) s->build = st->about.build;
    if (st->about.size >= 0) s->size = st->about.size;
    st->about = (pending){.build = -1, .size = -1};
}

/* Whatever an entry says about subjects: parts, pose, place, build, size. */
static void apply_subject(state *st, const mz_scene_entry *e, uint32_t entity)
{
    if (e->build >= 0) st->about.build = e->build;
    if (e->size >= 0) st->about.size = e->size;
    if (e->subject >= 0) add_subject(st, e, entity);
    if (st->subject < 0) return;
    mz_subject *s = &st->out->subject[st->subject];
    if (e->part >= 0) {
        bool coloured = st->about.has_colour;
        if (e->part == MZ_PART_COAT && coloured) s->colour = st->about.colour;
        if (e->part == MZ_PART_HAIR && coloured) s->hair = st->about.colour;
        if (e->part == MZ_PART_BEARD) {
            s->beard = 1;
            if (coloured) s->hair = st->about.colour;
        }
        st->about.has_colour = false;
    }
    if (e->pose >= 0) s->pose = (mz_pose)e->pose;
    if (e->place >= 0) s->place = (mz_place)e->place;
}

bool mz_scene_interpret(const mz_scene_lexicon *lx, const char *prompt, const mz_scene_params *base,
                        mz_scene_params *out, mz_scene_trace *why)
{
    if (!prompt || !out) return mz_fail("mz_scene_interpret: NULL %s", prompt ? "out" : "prompt");
    if (!lx) lx = mz_scene_lexicon_builtin();
    mz_scene_params p = base ? *base : mz_scene_params_default();
    memset(p.entity_seed, 0, sizeof p.entity_seed);
    if (why) memset(why, 0, sizeof *why);

    token tok[MZ_SCENE_MAX_WORDS];
    bool more;
    int n = tokenise(lx, prompt, tok, MZ_SCENE_MAX_WORDS, &more);
    if (why) why->truncated = more;

    state st = {.out = &p, .why = why, .subject = -1, .about = {.build = -1, .size = -1}};
    p.subject_count = 0;
    float k = 1;       /* pending modifier */
    int negation = -1; /* words a pending negation may still skip; -1 = none */
    bool last_negated = false;
    int name_first = 0, name_count = 0;
    for (int i = 0; i < n;) {
        if (tok[i].clause_start) {
            k = 1;
            negation = -1;
            st.subject = -1;
            st.about = (pending){.build = -1, .size = -1};
            flush_name(&st, prompt, tok, name_first, name_count);
            name_count = 0;
        }
        int words = 1;
        int32_t ei = match(lx, tok, n, i, &words);
        if (ei < 0) {
            if (why && why->unknown < MZ_SCENE_TRACE_MAX)
                why->unknown_word[why->unknown] = (mz_scene_trace_word){tok[i].off, tok[i].len};
            if (why) why->unknown++;
            if (negation >= 0) negation--;
            if (tok[i].capitalised) {
                if (!name_count) name_first = i;
                name_count++;
            } else {
                flush_name(&st, prompt, tok, name_first, name_count);
                name_count = 0;
            }
            i++;
            continue;
        }
        flush_name(&st, prompt, tok, name_first, name_count);
        name_count = 0;
        const mz_scene_entry *e = &lx->entry[ei];
        uint32_t off = tok[i].off, len = tok[i + words - 1].off + tok[i + words - 1].len - off;
        i += words;
        switch (e->kind) {
        case MZ_ENTRY_STOP:
            k = 1;
            if (negation >= 0) negation--;
            break;
        case MZ_ENTRY_MODIFIER:
            k = clampf(k * e->intensity, 0, 4);
            trace(why, MZ_SCENE_TRACE_MODIFIER, e->name, strlen(e->name), off, len, e->intensity,
                  false, 0, e->items);
            break;
        case MZ_ENTRY_CARRY:
        case MZ_ENTRY_NEGATE:
            /* "or" after a negated entry negates the next one too */
            if (e->kind == MZ_ENTRY_CARRY && !last_negated) break;
            negation = NEGATION_REACH;
            trace(why, MZ_SCENE_TRACE_NEGATOR, e->name, strlen(e->name), off, len, 1, true, 0,
                  e->items);
            break;
        case MZ_ENTRY_EFFECT: {
            bool negated = negation >= 0, on_thing = false, on_subject = false;
            int next_words;
            if (e->adjective && !negated && describes_subject(lx, tok, n, i) &&
                entry_colour(e, &st.about.colour)) {
                on_subject = st.about.has_colour = true; /* the coat is yellow, not the scene */
            } else if (e->adjective && i < n && !tok[i].clause_start &&
                       match(lx, tok, n, i, &next_words) < 0) {
                on_thing = true;
                k *= ADJECTIVE_ON_THING;
            }
            for (int f = 0; f < e->n_effects && !on_subject; f++)
                apply(&st, &e->effect[f], k, negated, on_thing);
            uint32_t seed = e->entity && !negated ? add_entity(&p, e->entity) : 0;
            if (!negated) apply_subject(&st, e, e->entity);
            trace(why, MZ_SCENE_TRACE_EFFECT, e->name, strlen(e->name), off, len, k, negated, seed,
                  e->items);
            last_negated = negated;
            k = 1;
            negation = -1;
            break;
        }
        }
    }
    flush_name(&st, prompt, tok, name_first, name_count);
    resolve_settings(&st, &p);
    *out = p;
    return true;
}

/* ------------------------------------------------------------------ one-line summaries */

typedef struct line {
    char *buf;
    size_t cap, len; /* len: what the full line needs, even past cap */
} line;

static void put(line *l, const char *fmt, ...) MZ_PRINTF(2, 3);
static void put(line *l, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = l->len < l->cap ? l->cap - l->len : 0;
    int w = vsnprintf(room ? l->buf + l->len : NULL, room, fmt, ap);
    va_end(ap);
    if (w > 0) l->len += (size_t)w;
}

size_t mz_scene_params_describe(const mz_scene_params *p, char *buf, size_t cap)
{
    line l = {buf, buf ? cap : 0, 0};
    if (l.cap) buf[0] = '\0';
    if (!p) return 0;
    const char *setting =
        (unsigned)p->setting < MZ_SETTING_COUNT ? mz_scene_setting_names[p->setting] : "?";
    put(&l, "%s", setting);
    if (p->setting2_weight > 0 && (unsigned)p->setting2 < MZ_SETTING_COUNT)
        put(&l, "+%s %.2f", mz_scene_setting_names[p->setting2], p->setting2_weight);
    put(&l, " %.1fh", p->time_of_day);
    /* Every scalar the lexicon can set, skipping those at their default
     * value, so the line shows what the prompt changed. */
    const mz_scene_params d = mz_scene_params_default();
    for (int i = 0; i < mz_scene_param_count; i++) {
        const mz_scene_param *par = &mz_scene_param_table[i];
        /* camera_speed is shown with the camera, at the end */
        if (par->type != MZ_PARAM_FLOAT || par->offset == offsetof(mz_scene_params, camera_speed))
            continue;
        float v = *(const float *)(const void *)((const char *)p + par->offset);
        if (fabsf(v - *(const float *)(const void *)((const char *)&d + par->offset)) < 0.005f)
            continue;
        if (strcmp(par->name, "tint_weight") == 0)
            put(&l, " tint(%.2f %.2f %.2f)x%.2f", p->tint.r, p->tint.g, p->tint.b, v);
        else
            put(&l, " %s %.2f", par->name, v);
    }
    const char *cam =
        (unsigned)p->camera < MZ_CAMERA_COUNT ? mz_scene_camera_names[p->camera] : "?";
    put(&l, " cam %s %.2f", cam, p->camera_speed);
    for (int i = 0; i < 4; i++)
        if (p->entity_seed[i]) put(&l, " #%08x", p->entity_seed[i]);
    return l.len;
}

size_t mz_scene_trace_describe(const mz_scene_trace *t, char *buf, size_t cap)
{
    line l = {buf, buf ? cap : 0, 0};
    if (l.cap) buf[0] = '\0';
    if (!t) return 0;
    for (int i = 0; i < t->count && i < MZ_SCENE_TRACE_MAX; i++) {
        const mz_scene_trace_item *it = &t->item[i];
        put(&l, "%s%s", i ? "; " : "", it->name);
        switch (it->kind) {
        case MZ_SCENE_TRACE_MODIFIER:
            put(&l, " x%.2f>", it->intensity);
            break;
        case MZ_SCENE_TRACE_NEGATOR:
            put(&l, " not>");
            break;
        case MZ_SCENE_TRACE_ENTITY:
            put(&l, " name");
            break;
        case MZ_SCENE_TRACE_EFFECT:
            if (it->negated)
                put(&l, " [negated]");
            else if (it->intensity != 1)
                put(&l, " [x%.2f]", it->intensity);
            break;
        }
        if (it->entity) put(&l, " #%08x", it->entity);
    }
    if (t->dropped) put(&l, "; +%d more", t->dropped);
    if (t->unknown) put(&l, " (%d unknown)", t->unknown);
    return l.len;
}
