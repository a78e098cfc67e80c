/* mz_scene_internal — the lexicon's in-memory form, shared by the parser
 * (mz_scene_lexicon.c) and the interpreter (mz_scene_interp.c). */
#ifndef MZ_SCENE_INTERNAL_H
#define MZ_SCENE_INTERNAL_H

#include "mz_scene_interp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest word the lexicon can hold (bytes, without NUL); longer prompt
 * words are never matched. */
#define MZ_SCENE_WORD_MAX 31
#define MZ_SCENE_PHRASE_WORDS 4
#define MZ_SCENE_KEY_MAX (MZ_SCENE_PHRASE_WORDS * (MZ_SCENE_WORD_MAX + 1))
#define MZ_SCENE_EFFECTS_MAX 12

/* Bytes that make up words: ASCII letters and digits, the apostrophe, and
 * every byte of a multi-byte UTF-8 sequence (so "café" stays one word). */
static inline bool mz_scene_is_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '\'' || c >= 0x80;
}

static inline unsigned char mz_scene_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* The parameters a lexicon item can name. */
typedef enum mz_scene_param_type {
    MZ_PARAM_FLOAT,   /* clamped to [lo, hi]; scaled and negated around `neutral` */
    MZ_PARAM_HOURS,   /* time of day, wraps at 24 */
    MZ_PARAM_SETTING, /* an mz_setting name */
    MZ_PARAM_CAMERA,  /* an mz_camera name */
    MZ_PARAM_RGB,     /* r,g,b */
} mz_scene_param_type;

typedef struct mz_scene_param {
    const char *name;
    mz_scene_param_type type;
    size_t offset; /* into mz_scene_params */
    float lo, hi, neutral;
} mz_scene_param;

extern const mz_scene_param mz_scene_param_table[];
extern const int mz_scene_param_count;
extern const char *const mz_scene_setting_names[MZ_SETTING_COUNT];
extern const char *const mz_scene_camera_names[MZ_CAMERA_COUNT];

/* A subject's parts that take a colour ("a yellow coat", "a white beard");
 * the body's parts (a leg, an ear) are drawn with it and take none. */
typedef enum mz_scene_part {
    MZ_PART_COAT,
    MZ_PART_BEARD,
    MZ_PART_HAIR,
    MZ_PART_BODY,
    MZ_PART_COUNT
} mz_scene_part;

typedef enum mz_scene_op {
    MZ_OP_SET,   /* key=value */
    MZ_OP_IMPLY, /* key?=value: only where no word sets the key with '=' */
} mz_scene_op;

typedef struct mz_scene_effect {
    uint8_t param; /* index into mz_scene_param_table */
    uint8_t op;    /* mz_scene_op */
    float v[3];    /* v[0] for scalars and enums; r,g,b for colours */
} mz_scene_effect;

typedef enum mz_scene_entry_kind {
    MZ_ENTRY_EFFECT,
    MZ_ENTRY_MODIFIER,
    MZ_ENTRY_NEGATE,
    MZ_ENTRY_CARRY,
    MZ_ENTRY_STOP,
} mz_scene_entry_kind;

typedef struct mz_scene_entry {
    mz_scene_entry_kind kind;
    char *name;      /* the line's first phrase */
    char *items;     /* the items as written, for the trace */
    float intensity; /* modifiers */
    bool adjective;  /* weak and implied when it describes an unknown thing */
    uint32_t entity; /* seed of `name` if marked entity, else 0 */
    /* What it says about subjects (mz_subject); -1 where it says nothing. */
    int8_t subject;    /* subject=KIND: a new subject of that kind */
    int8_t part;       /* part=coat|beard|hair|body: a colour before it goes there */
    int8_t pose;       /* pose=...: of the subject named last in the clause */
    int8_t place;      /* place=...: likewise */
    float build, size; /* build=, size=: for the next subject named */
    int n_effects;
    mz_scene_effect effect[MZ_SCENE_EFFECTS_MAX];
} mz_scene_entry;

/* String → int map: open addressing, linear probing, keys owned. */
typedef struct mz_scene_map_slot {
    char *key; /* NULL = empty */
    uint32_t hash;
    int32_t value;
} mz_scene_map_slot;

typedef struct mz_scene_map {
    mz_scene_map_slot *slot;
    uint32_t cap; /* power of two, or 0 */
    uint32_t count;
} mz_scene_map;

uint32_t mz_scene_hash(const char *s, size_t len);
/* -1 if absent. `hash` must be mz_scene_hash(key, len). */
int32_t mz_scene_map_get(const mz_scene_map *m, const char *key, size_t len, uint32_t hash);

struct mz_scene_lexicon {
    mz_scene_entry *entry; /* entries are never removed: a replaced phrase points to a new one */
    size_t n_entries, cap_entries;
    mz_scene_map phrases; /* phrase → entry index */
    mz_scene_map vocab;   /* every word of every phrase → 1: what suffix stripping may reach */
};

#endif
