/* mz_scene — the scene description: what a prompt means, as numbers.
 *
 * Plain data shared by the modules that need to know what a scene *is*: the
 * prompt interpreter (engine/scene) fills it, the procedural generator
 * (engine/gen) renders it, the audio module (engine/audio) makes it sound.
 * All fields are continuous where possible so two descriptions can be
 * interpolated (mz_scene_params_mix) during a transition. A zero-initialised
 * struct is a valid, neutral scene; mz_scene_params_default() gives the
 * scene a prompt with no known words produces. */
#ifndef MZ_SCENE_H
#define MZ_SCENE_H

#include <stdint.h>

typedef enum mz_setting {
    MZ_SETTING_PLAIN, /* open grassland: the neutral default */
    MZ_SETTING_SEA,   /* sea, shore, coast, beach */
    MZ_SETTING_FOREST,
    MZ_SETTING_DESERT,
    MZ_SETTING_MOUNTAINS,
    MZ_SETTING_CITY,
    MZ_SETTING_INTERIOR, /* rooms, halls, caves, tunnels */
    MZ_SETTING_SPACE,    /* space, the moon's surface */
    MZ_SETTING_SNOW,     /* snowfield, tundra, ice */
    MZ_SETTING_LAKE,     /* river, lake, marsh */
    MZ_SETTING_COUNT
} mz_setting;

typedef enum mz_camera {
    MZ_CAMERA_DRIFT, /* slow default float */
    MZ_CAMERA_STILL,
    MZ_CAMERA_PAN,   /* yaw left/right, sign of camera_speed */
    MZ_CAMERA_DOLLY, /* forward/back */
    MZ_CAMERA_ORBIT,
    MZ_CAMERA_RISE, /* crane up / descend */
    MZ_CAMERA_COUNT
} mz_camera;

/* Elements that can appear; each has a density 0..1 in `element`. */
typedef enum mz_element {
    MZ_EL_TREES,
    MZ_EL_BUILDINGS,
    MZ_EL_TOWER, /* a tower, lighthouse or spire: one landmark */
    MZ_EL_SHIPS,
    MZ_EL_STARS,
    MZ_EL_FIGURES,
    MZ_EL_ROCKS,
    MZ_EL_BIRDS,
    MZ_EL_COUNT
} mz_element;

/* Light sources; each has an intensity 0..1 in `light`. */
typedef enum mz_light {
    MZ_LIGHT_SUN,
    MZ_LIGHT_MOON,
    MZ_LIGHT_LAMP, /* lamps, windows, lanterns */
    MZ_LIGHT_FIRE, /* fire, candles, embers */
    MZ_LIGHT_BEAM, /* a lighthouse's sweeping beam */
    MZ_LIGHT_COUNT
} mz_light;

typedef struct mz_rgb {
    float r, g, b; /* linear, 0..1 */
} mz_rgb;

/* Things the prompt names one by one and the generator draws as such ("an
 * old keeper with a white beard", "a grey sheepdog by the fire"). */
typedef enum mz_subject_kind {
    MZ_SUBJECT_PERSON,
    MZ_SUBJECT_DOG,
    MZ_SUBJECT_CAT,
    MZ_SUBJECT_BIRD,
    MZ_SUBJECT_HORSE,
    MZ_SUBJECT_BOAT,
    MZ_SUBJECT_LANTERN,
    MZ_SUBJECT_DOOR,
    MZ_SUBJECT_STAIRS,
    MZ_SUBJECT_TABLE,
    MZ_SUBJECT_BED,
    MZ_SUBJECT_WINDOW,
    MZ_SUBJECT_BARREL, /* barrels, casks, cans, an oil tank */
    MZ_SUBJECT_CHEST,  /* a chest, a crate, coins */
    MZ_SUBJECT_BELL,
    MZ_SUBJECT_COUNT
} mz_subject_kind;

typedef enum mz_pose {
    MZ_POSE_STANDING,
    MZ_POSE_SEATED, /* in a chair */
    MZ_POSE_WALKING,
    MZ_POSE_LYING, /* asleep, curled up */
    MZ_POSE_COUNT
} mz_pose;

/* Where a subject goes, from the prompt's words for position. */
typedef enum mz_place {
    MZ_PLACE_ANY, /* by its seed, in view */
    MZ_PLACE_FIRE,
    MZ_PLACE_TABLE, /* on or at the table */
    MZ_PLACE_DOOR,
    MZ_PLACE_WINDOW,
    MZ_PLACE_FAR,
    MZ_PLACE_NEAR,
    MZ_PLACE_LEFT,
    MZ_PLACE_RIGHT,
    MZ_PLACE_COUNT
} mz_place;

typedef struct mz_subject {
    mz_subject_kind kind;
    mz_pose pose;
    mz_place place;
    float build;     /* 0 slight .. 1 heavy; 0.5 usual */
    float size;      /* 1 = the kind's usual size */
    mz_rgb colour;   /* coat (people), coat or fur (animals), paint or cloth (things) */
    mz_rgb hair;     /* people: hair and beard */
    float beard;     /* 0 none .. 1 full */
    uint32_t entity; /* the named one's seed ("keeper"); 0 = anyone */
    float presence;  /* 1 there .. 0 gone: fades over a scene change */
} mz_subject;

#define MZ_SCENE_MAX_SUBJECTS 6

typedef struct mz_scene_params {
    mz_setting setting;
    /* Secondary setting blended in (a forest by a lake): weight 0..1. */
    mz_setting setting2;
    float setting2_weight;

    float time_of_day; /* hours 0..24: 0 midnight, 6 dawn, 12 noon, 19 sunset */

    /* Weather, each 0..1. */
    float cloud, rain, snow, fog, storm, wind;

    float light[MZ_LIGHT_COUNT];
    float element[MZ_EL_COUNT];

    /* Colour: a tint pulled towards `tint` by `tint_weight` 0..1, and overall
     * saturation / brightness multipliers (1 = neutral). */
    mz_rgb tint;
    float tint_weight;
    float saturation;
    float brightness;

    /* Mood: valence -1 (dread) .. 1 (joy); energy 0 (calm) .. 1 (frantic). */
    float valence, energy;

    /* Inside what, for the interior setting: 0 a built room (walls, floor,
     * beams, a window), 1 a natural cave opening on the outside. */
    float cave;

    mz_camera camera;
    float camera_speed; /* signed; 1 = a gentle default speed */

    /* Seeds of named entities (the lighthouse, "the keeper"): the same name
     * gives the same seed in every scene so its look persists. 0 = unused. */
    uint32_t entity_seed[4];

    /* The subjects named, in prompt order (the first MZ_SCENE_MAX_SUBJECTS). */
    int subject_count;
    mz_subject subject[MZ_SCENE_MAX_SUBJECTS];
} mz_scene_params;

/* Names for the enums above, for traces and --explain. */
const char *mz_subject_kind_name(mz_subject_kind k);
const char *mz_pose_name(mz_pose p);
const char *mz_place_name(mz_place p);

/* Neutral daytime plain: what an empty or unknown prompt renders. */
mz_scene_params mz_scene_params_default(void);

/* Interpolates a → b by t in [0,1]. Discrete fields (setting, camera) switch
 * at t = 0.5 (subjects too: a's fade out by then, b's fade in after) except that the outgoing setting is kept as setting2 with a
 * fading weight, so renderers can crossfade geometry. */
mz_scene_params mz_scene_params_mix(const mz_scene_params *a, const mz_scene_params *b, float t);

/* Scenes mz_scene_params_blend reads (the rest are ignored), and the share
 * of the weight a scene needs for its subjects to be drawn. */
#define MZ_SCENE_MAX_BLEND 8
#define MZ_SCENE_SUBJECT_WEIGHT 0.25f

/* The blend of n scenes by weight (w[i] >= 0), as when a request names
 * several prompts. Numbers are weighted means (hours the short way round the
 * clock); the two settings with the most weight are drawn (setting, and
 * setting2 at its share of the two); the camera is the heaviest scene's;
 * subjects are the heaviest scene's, then those of each other scene with at
 * least MZ_SCENE_SUBJECT_WEIGHT of the total weight, heavier first, up to
 * MZ_SCENE_MAX_SUBJECTS; entity seeds of every scene, heavier first, up to
 * 4. n <= 0 gives the default scene. */
mz_scene_params mz_scene_params_blend(const mz_scene_params *p, const float *w, int n);

#endif
