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
} mz_scene_params;

/* Neutral daytime plain: what an empty or unknown prompt renders. */
mz_scene_params mz_scene_params_default(void);

/* Interpolates a → b by t in [0,1]. Discrete fields (setting, camera) switch
 * at t = 0.5 except that the outgoing setting is kept as setting2 with a
 * fading weight, so renderers can crossfade geometry. */
mz_scene_params mz_scene_params_mix(const mz_scene_params *a, const mz_scene_params *b, float t);

#endif
