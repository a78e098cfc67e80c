/* The lexicon: parsing the line format (documented in assets/lexicon/lexicon.txt),
 * the phrase map, and the built-in copy embedded at build time. */
#include "mz_scene_internal.h"

#include "mz_buf.h"
#include "mz_error.h"
#include "mz_log.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mz_scene_lexicon_data.h" /* generated from assets/lexicon/lexicon.txt */

#define P(field) offsetof(mz_scene_params, field)
const mz_scene_param mz_scene_param_table[] = {
    {"setting", MZ_PARAM_SETTING, P(setting), 0, 0, 0},
    {"time", MZ_PARAM_HOURS, P(time_of_day), 0, 24, 0},
    {"cloud", MZ_PARAM_FLOAT, P(cloud), 0, 1, 0},
    {"rain", MZ_PARAM_FLOAT, P(rain), 0, 1, 0},
    {"snow", MZ_PARAM_FLOAT, P(snow), 0, 1, 0},
    {"fog", MZ_PARAM_FLOAT, P(fog), 0, 1, 0},
    {"storm", MZ_PARAM_FLOAT, P(storm), 0, 1, 0},
    {"wind", MZ_PARAM_FLOAT, P(wind), 0, 1, 0},
    {"light.sun", MZ_PARAM_FLOAT, P(light[MZ_LIGHT_SUN]), 0, 1, 0},
    {"light.moon", MZ_PARAM_FLOAT, P(light[MZ_LIGHT_MOON]), 0, 1, 0},
    {"light.lamp", MZ_PARAM_FLOAT, P(light[MZ_LIGHT_LAMP]), 0, 1, 0},
    {"light.fire", MZ_PARAM_FLOAT, P(light[MZ_LIGHT_FIRE]), 0, 1, 0},
    {"light.beam", MZ_PARAM_FLOAT, P(light[MZ_LIGHT_BEAM]), 0, 1, 0},
    {"el.trees", MZ_PARAM_FLOAT, P(element[MZ_EL_TREES]), 0, 1, 0},
    {"el.buildings", MZ_PARAM_FLOAT, P(element[MZ_EL_BUILDINGS]), 0, 1, 0},
    {"el.tower", MZ_PARAM_FLOAT, P(element[MZ_EL_TOWER]), 0, 1, 0},
    {"el.ships", MZ_PARAM_FLOAT, P(element[MZ_EL_SHIPS]), 0, 1, 0},
    {"el.stars", MZ_PARAM_FLOAT, P(element[MZ_EL_STARS]), 0, 1, 0},
    {"el.figures", MZ_PARAM_FLOAT, P(element[MZ_EL_FIGURES]), 0, 1, 0},
    {"el.rocks", MZ_PARAM_FLOAT, P(element[MZ_EL_ROCKS]), 0, 1, 0},
    {"el.birds", MZ_PARAM_FLOAT, P(element[MZ_EL_BIRDS]), 0, 1, 0},
    {"tint", MZ_PARAM_RGB, P(tint), 0, 1, 0},
    {"tint_weight", MZ_PARAM_FLOAT, P(tint_weight), 0, 1, 0},
    {"saturation", MZ_PARAM_FLOAT, P(saturation), 0, 2, 1},
    {"brightness", MZ_PARAM_FLOAT, P(brightness), 0, 2, 1},
    {"valence", MZ_PARAM_FLOAT, P(valence), -1, 1, 0},
    /* Neutral energy sits above calm, so "very calm" is calmer than "calm". */
    {"energy", MZ_PARAM_FLOAT, P(energy), 0, 1, 0.3f},
    {"cave", MZ_PARAM_FLOAT, P(cave), 0, 1, 0},
    {"camera", MZ_PARAM_CAMERA, P(camera), 0, 0, 0},
    {"camera_speed", MZ_PARAM_FLOAT, P(camera_speed), -3, 3, 0},
};
#undef P
const int mz_scene_param_count = (int)(sizeof mz_scene_param_table / sizeof *mz_scene_param_table);
/* The interpreter keeps one bit per parameter. */
_Static_assert(sizeof mz_scene_param_table / sizeof *mz_scene_param_table <= 64, "too many keys");

const char *const mz_scene_setting_names[MZ_SETTING_COUNT] = {
    "plain", "sea", "forest", "desert", "mountains", "city", "interior", "space", "snow", "lake"};
const char *const mz_scene_camera_names[MZ_CAMERA_COUNT] = {"drift", "still", "pan",
                                                            "dolly", "orbit", "rise"};

/* The values subject items take in the file (subject=dog pose=seated). */
static const char *const subject_names[MZ_SUBJECT_COUNT] = {
    "person", "dog", "cat", "bird", "horse", "boat", "lantern", "door", "stairs", "table", "bed",
    "window", "barrel", "chest", "bell"};
static const char *const pose_names[MZ_POSE_COUNT] = {"standing", "seated", "walking", "lying"};
static const char *const place_names[MZ_PLACE_COUNT] = {"any",    "fire", "table", "door", "window",
                                                        "far",    "near", "left",  "right"};
static const char *const part_names[MZ_PART_COUNT] = {"coat", "beard", "hair", "body"};

/* ------------------------------------------------------------------ hashing and the map */

uint32_t mz_scene_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

int32_t mz_scene_map_get(const mz_scene_map *m, const char *key, size_t len, uint32_t hash)
{
    if (!m->cap) return -1;
    for (uint32_t i = hash & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
        const mz_scene_map_slot *s = &m->slot[i];
        if (!s->key) return -1;
        if (s->hash == hash && strncmp(s->key, key, len) == 0 && s->key[len] == '\0')
            return s->value;
    }
}

static mz_scene_map_slot *map_find_slot(mz_scene_map_slot *slots, uint32_t cap, const char *key,
                                        uint32_t hash)
{
    uint32_t i = hash & (cap - 1);
    while (slots[i].key && (slots[i].hash != hash || strcmp(slots[i].key, key) != 0))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* Inserts or replaces. Kept at most half full so probes stay short. */
static bool map_put(mz_scene_map *m, const char *key, int32_t value)
{
    if ((m->count + 1) * 2 > m->cap) {
        uint32_t cap = m->cap ? m->cap * 2 : 256;
        mz_scene_map_slot *slots = calloc(cap, sizeof *slots);
        if (!slots) return mz_fail("out of memory");
        for (uint32_t i = 0; i < m->cap; i++)
            if (m->slot[i].key)
                *map_find_slot(slots, cap, m->slot[i].key, m->slot[i].hash) = m->slot[i];
        free(m->slot);
        m->slot = slots;
        m->cap = cap;
    }
    uint32_t hash = mz_scene_hash(key, strlen(key));
    mz_scene_map_slot *s = map_find_slot(m->slot, m->cap, key, hash);
    if (!s->key) {
        s->key = strdup(key);
        if (!s->key) return mz_fail("out of memory");
        s->hash = hash;
        m->count++;
    }
    s->value = value;
    return true;
}

static void map_free(mz_scene_map *m)
{
    for (uint32_t i = 0; i < m->cap; i++)
        free(m->slot[i].key);
    free(m->slot);
    *m = (mz_scene_map){0};
}

/* ------------------------------------------------------------------ entity seeds */

uint32_t mz_scene_entity_seed(const char *name)
{
    /* Hash the name as the interpreter sees it: lower case, words joined by
     * one space, so "Old  Tom" and "old tom" are one entity. */
    uint32_t h = 2166136261u;
    bool gap = false, any = false;
    for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p; p++) {
        if (!mz_scene_is_word_byte(*p)) {
            gap = any;
            continue;
        }
        if (gap) h = (h ^ ' ') * 16777619u;
        h = (h ^ mz_scene_lower(*p)) * 16777619u;
        gap = false;
        any = true;
    }
    /* FNV's low bits mix poorly; the murmur3 finaliser spreads them, since
     * renderers use seed bits directly. */
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h ? h : 1;
}

/* ------------------------------------------------------------------ parsing one line */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

/* Normalises a phrase in place (lower case, single spaces) and checks it. */
static bool normalise_phrase(char *s)
{
    char *w = s;
    int words = 0, wlen = 0;
    for (char *r = s; *r; r++) {
        unsigned char c = (unsigned char)*r;
        if (c == ' ' || c == '\t') {
            if (wlen) *w++ = ' ';
            wlen = 0;
            continue;
        }
        if (!mz_scene_is_word_byte(c)) return mz_fail("'%c' in a phrase", c);
        if (!wlen && ++words > MZ_SCENE_PHRASE_WORDS)
            return mz_fail("more than %d words in a phrase", MZ_SCENE_PHRASE_WORDS);
        if (++wlen > MZ_SCENE_WORD_MAX)
            return mz_fail("a word longer than %d bytes", MZ_SCENE_WORD_MAX);
        *w++ = (char)mz_scene_lower(c);
    }
    if (w > s && w[-1] == ' ') w--;
    *w = '\0';
    return words ? true : mz_fail("empty phrase");
}

static bool parse_number(const char *s, float lo, float hi, float *out)
{
    char *end;
    errno = 0;
    float v = strtof(s, &end);
    if (end == s || *end || errno || !isfinite(v)) return mz_fail("'%s' is not a number", s);
    if (v < lo || v > hi) return mz_fail("%s is outside %g..%g", s, lo, hi);
    *out = v;
    return true;
}

static bool parse_enum(const char *s, const char *const *names, int n, float *out)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = (float)i;
            return true;
        }
    return mz_fail("unknown value '%s'", s);
}

static bool parse_effect(char *item, mz_scene_effect *fx)
{
    char *eq = strchr(item, '=');
    fx->op = MZ_OP_SET;
    if (eq > item && eq[-1] == '?') {
        fx->op = MZ_OP_IMPLY;
        eq[-1] = '\0';
    }
    *eq = '\0';
    const char *key = item, *val = eq + 1;
    int p = 0;
    while (p < mz_scene_param_count && strcmp(mz_scene_param_table[p].name, key) != 0)
        p++;
    if (p == mz_scene_param_count) return mz_fail("unknown key '%s'", key);
    const mz_scene_param *par = &mz_scene_param_table[p];
    fx->param = (uint8_t)p;
    switch (par->type) {
    case MZ_PARAM_SETTING:
        return parse_enum(val, mz_scene_setting_names, MZ_SETTING_COUNT, &fx->v[0]);
    case MZ_PARAM_CAMERA:
        return parse_enum(val, mz_scene_camera_names, MZ_CAMERA_COUNT, &fx->v[0]);
    case MZ_PARAM_RGB: {
        char buf[64];
        snprintf(buf, sizeof buf, "%s", val);
        char *save = NULL;
        for (int c = 0; c < 3; c++) {
            char *part = strtok_r(c ? NULL : buf, ",", &save);
            if (!part) return mz_fail("%s needs r,g,b", key);
            if (!parse_number(part, 0, 1, &fx->v[c])) return false;
        }
        return strtok_r(NULL, ",", &save) ? mz_fail("%s needs r,g,b", key) : true;
    }
    case MZ_PARAM_HOURS:
    case MZ_PARAM_FLOAT:
        return parse_number(val, par->lo, par->hi, &fx->v[0]);
    }
    return mz_fail("bad key '%s'", key);
}

/* A subject item (subject=, part=, pose=, place=, build=, size=) into *e.
 * False with no error set when `it` is not one. */
static bool parse_subject_item(const char *it, mz_scene_entry *e, bool *ok)
{
    static const struct {
        const char *key;
        const char *const *names;
        int n;
        size_t offset;
    } enums[] = {
        {"subject=", subject_names, MZ_SUBJECT_COUNT, offsetof(mz_scene_entry, subject)},
        {"part=", part_names, MZ_PART_COUNT, offsetof(mz_scene_entry, part)},
        {"pose=", pose_names, MZ_POSE_COUNT, offsetof(mz_scene_entry, pose)},
        {"place=", place_names, MZ_PLACE_COUNT, offsetof(mz_scene_entry, place)},
    };
    for (size_t i = 0; i < sizeof enums / sizeof *enums; i++) {
        size_t n = strlen(enums[i].key);
        if (strncmp(it, enums[i].key, n) != 0) continue;
        float v = 0;
        *ok = parse_enum(it + n, enums[i].names, enums[i].n, &v);
        *((int8_t *)e + enums[i].offset) = (int8_t)v;
        return true;
    }
    if (strncmp(it, "build=", 6) == 0) {
        *ok = parse_number(it + 6, 0, 1, &e->build);
        return true;
    }
    if (strncmp(it, "size=", 5) == 0) {
        *ok = parse_number(it + 5, 0.25f, 3, &e->size);
        return true;
    }
    return false;
}

/* Fills *e from the items part of a line; strtok's the string it is given. */
static bool parse_items(char *items, mz_scene_entry *e, bool *is_entity)
{
    bool entity = false, effects = false, special = false;
    e->kind = MZ_ENTRY_EFFECT;
    e->intensity = 1;
    char *save = NULL;
    for (char *it = strtok_r(items, " \t", &save); it; it = strtok_r(NULL, " \t", &save)) {
        mz_scene_entry_kind kind = MZ_ENTRY_EFFECT;
        if (strcmp(it, "adj") == 0) {
            e->adjective = true;
            continue;
        } else if (strcmp(it, "entity") == 0 || strncmp(it, "entity=", 7) == 0) {
            /* The seed of the name given, or (0 here) of the line's name. */
            e->entity = it[6] ? mz_scene_entity_seed(it + 7) : 0;
            entity = true;
            continue;
        } else if (strcmp(it, "negate") == 0) {
            kind = MZ_ENTRY_NEGATE;
        } else if (strcmp(it, "carry") == 0) {
            kind = MZ_ENTRY_CARRY;
        } else if (strcmp(it, "stop") == 0) {
            kind = MZ_ENTRY_STOP;
        } else if (parse_subject_item(it, e, &effects)) {
            if (!effects) return false;
            continue;
        } else if (strncmp(it, "intensity=", 10) == 0) {
            kind = MZ_ENTRY_MODIFIER;
            if (!parse_number(it + 10, 0, 4, &e->intensity)) return false;
        } else if (strchr(it, '=')) {
            if (e->n_effects == MZ_SCENE_EFFECTS_MAX)
                return mz_fail("more than %d effects", MZ_SCENE_EFFECTS_MAX);
            if (!parse_effect(it, &e->effect[e->n_effects++])) return false;
            effects = true;
            continue;
        } else {
            return mz_fail("unknown item '%s'", it);
        }
        if (special) return mz_fail("'%s' combined with another kind", it);
        special = true;
        e->kind = kind;
    }
    if (special && (effects || entity || e->adjective))
        return mz_fail("a modifier, negator, carry or stop word cannot also have effects");
    if (e->adjective && !effects) return mz_fail("'adj' without effects");
    if (!special && !effects && !entity) return mz_fail("no items");
    *is_entity = entity;
    return true;
}

/* Parses one line (modified in place) into a new entry. `dup_check` makes a
 * phrase already in the lexicon an error (within one file) instead of a
 * replacement (mz_scene_lexicon_add). A comment or blank line adds nothing. */
static bool add_line(mz_scene_lexicon *lx, char *line, bool dup_check)
{
    line = trim(line);
    if (!*line || *line == '#') return true;
    char *colon = strchr(line, ':');
    if (!colon) return mz_fail("expected 'phrase, ...: items'");
    *colon = '\0';

    mz_scene_entry e = {.subject = -1, .part = -1, .pose = -1, .place = -1, .build = -1, .size = -1};
    char *items_text = trim(colon + 1);
    e.items = strdup(items_text);
    if (!e.items) return mz_fail("out of memory");
    bool is_entity = false;
    bool ok = parse_items(items_text, &e, &is_entity);

    /* Phrases: comma separated, checked before anything is added. */
    char *phrase[128];
    int n = 0;
    char *save = NULL;
    for (char *p = strtok_r(line, ",", &save); ok && p; p = strtok_r(NULL, ",", &save)) {
        if (n == 128)
            ok = mz_fail("more than 128 phrases on one line");
        else if (normalise_phrase(p))
            phrase[n++] = p;
        else
            ok = false;
        if (ok && dup_check &&
            mz_scene_map_get(&lx->phrases, p, strlen(p), mz_scene_hash(p, strlen(p))) >= 0)
            ok = mz_fail("'%s' is already defined", p);
    }
    if (ok && n == 0) ok = mz_fail("no phrase");
    if (ok) {
        e.name = strdup(phrase[0]);
        if (!e.name) ok = mz_fail("out of memory");
    }
    if (ok && lx->n_entries == lx->cap_entries) {
        size_t cap = lx->cap_entries ? lx->cap_entries * 2 : 256;
        mz_scene_entry *grown = realloc(lx->entry, cap * sizeof *grown);
        if (grown) {
            lx->entry = grown;
            lx->cap_entries = cap;
        } else {
            ok = mz_fail("out of memory");
        }
    }
    if (!ok) {
        free(e.items);
        free(e.name);
        return false;
    }
    if (is_entity && !e.entity) e.entity = mz_scene_entity_seed(e.name);
    int32_t index = (int32_t)lx->n_entries;
    lx->entry[lx->n_entries++] = e;
    for (int i = 0; i < n; i++) {
        if (!map_put(&lx->phrases, phrase[i], index)) return false;
        char *w = phrase[i];
        for (char *sp; w; w = sp ? sp + 1 : NULL) {
            sp = strchr(w, ' ');
            char word[MZ_SCENE_WORD_MAX + 1];
            size_t len = sp ? (size_t)(sp - w) : strlen(w);
            memcpy(word, w, len);
            word[len] = '\0';
            if (!map_put(&lx->vocab, word, 1)) return false;
        }
    }
    return true;
}

/* ------------------------------------------------------------------ lexicon objects */

void mz_scene_lexicon_destroy(mz_scene_lexicon *lx)
{
    if (!lx) return;
    for (size_t i = 0; i < lx->n_entries; i++) {
        free(lx->entry[i].name);
        free(lx->entry[i].items);
    }
    free(lx->entry);
    map_free(&lx->phrases);
    map_free(&lx->vocab);
    free(lx);
}

mz_scene_lexicon *mz_scene_lexicon_parse(const char *text, size_t len, const char *name)
{
    if (!text && len) {
        mz_fail("%s: no text", name ? name : "lexicon");
        return NULL;
    }
    mz_scene_lexicon *lx = calloc(1, sizeof *lx);
    char *line = malloc(len + 1); /* one line at a time is copied here */
    bool ok = lx && line;
    if (!ok) mz_fail("out of memory");
    size_t pos = 0;
    for (int lineno = 1; ok && pos < len; lineno++) {
        size_t end = pos;
        while (end < len && text[end] != '\n')
            end++;
        memcpy(line, text + pos, end - pos);
        line[end - pos] = '\0';
        if (memchr(text + pos, '\0', end - pos))
            ok = mz_fail("%s:%d: NUL byte", name ? name : "lexicon", lineno);
        else if (!add_line(lx, line, true))
            ok = mz_fail_context("%s:%d", name ? name : "lexicon", lineno);
        pos = end + 1;
    }
    free(line);
    if (!ok) {
        mz_scene_lexicon_destroy(lx);
        return NULL;
    }
    return lx;
}

mz_scene_lexicon *mz_scene_lexicon_load(const char *path)
{
    if (!path)
        return mz_scene_lexicon_parse((const char *)mz_scene_lexicon_data,
                                      sizeof mz_scene_lexicon_data, "built-in lexicon");
    mz_buf b = {0};
    if (!mz_buf_read_file(&b, path, 64u << 20)) {
        mz_fail("%s: %s", path, errno == EFBIG ? "too large" : strerror(errno));
        mz_buf_free(&b);
        return NULL;
    }
    size_t len;
    char *text = mz_buf_take(&b, &len);
    bool ok = text || mz_fail("%s: out of memory", path);
    mz_scene_lexicon *lx = ok ? mz_scene_lexicon_parse(text, len, path) : NULL;
    free(text);
    return lx;
}

static mz_scene_lexicon *builtin;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void builtin_init(void)
{
    builtin = mz_scene_lexicon_load(NULL);
    if (!builtin) {
        /* Only a broken data file or no memory gets here (the tests parse the
         * embedded data); interpret with no words rather than fail. */
        mz_log_error("scene: %s", mz_error());
        builtin = calloc(1, sizeof *builtin);
    }
}

const mz_scene_lexicon *mz_scene_lexicon_builtin(void)
{
    static const mz_scene_lexicon empty;
    pthread_once(&builtin_once, builtin_init);
    return builtin ? builtin : &empty;
}

bool mz_scene_lexicon_add(mz_scene_lexicon *lx, const char *line)
{
    if (!lx || !line) return mz_fail("mz_scene_lexicon_add: NULL argument");
    char *copy = strdup(line);
    if (!copy) return mz_fail("out of memory");
    if (strchr(copy, '\n')) *strchr(copy, '\n') = '\0';
    bool ok = add_line(lx, copy, false);
    free(copy);
    return ok ? true : mz_fail_context("lexicon line '%.60s'", line);
}

size_t mz_scene_lexicon_size(const mz_scene_lexicon *lx)
{
    return lx ? lx->phrases.count : 0;
}
