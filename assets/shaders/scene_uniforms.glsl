// scene_uniforms.glsl — what the procedural generator tells its shader each
// frame. Mirrored by proc_uniforms in engine/gen/procedural_vk.h:
// change both together (vec4s only, so the C side is float[4]s).
//
// A storage buffer, not a uniform buffer, on purpose: lavapipe "inlines"
// uniform-buffer values that branches depend on and compiles a new shader
// variant whenever they change — every frame here (8 fps and gigabytes of
// JIT code). Storage buffer reads are never inlined.
#ifndef MZ_SCENE_UNIFORMS_GLSL
#define MZ_SCENE_UNIFORMS_GLSL

#include "scene_enums.glsl"

layout(set = 0, binding = 0, std430) readonly buffer SceneBlock {
    vec4 res;       // width, height, 1/width, 1/height
    vec4 clock;     // world time (s), morph (1 = the conditioning frame), lightning flash, -
    vec4 cam;       // x, z (forward), height, yaw (screen units)
    vec4 sky;       // hours, cloud, fog, wind
    vec4 weather;   // rain, snow, storm, beam angle (radians)
    vec4 light;     // sun, moon, lamp, fire
    vec4 light2;    // beam, valence, energy, landmark world x
    vec4 el0;       // trees, buildings, tower, ships
    vec4 el1;       // stars, figures, rocks, birds
    vec4 tint;      // rgb, weight
    vec4 grade;     // saturation, brightness, landmark seed 0..1, fire world x
    vec4 setting;   // setting, setting2, setting2 weight, terrain seed offset
    vec4 mid_depth; // the three streaming layers' depths, near to far
    vec4 mid_id;    // their content ids (a layer gets new content each lap)
    vec4 view;      // depths over which a passing layer sinks away (from, to), horizon y,
                    // cave (interiors: 0 a built room .. 1 a natural cave)
    vec4 misc;      // how many subjects subj[] holds, -, -,
                    // 1: alpha carries depth (d / (d + 10)) for the resolve pass
    vec4 grid;      // drawn pixel (i, j) is frame pixel (i, j) * grid.xy + grid.zw:
                    // drawn smaller, one pixel of each cell (1, 1, 0, 0: all)
    vec4 subj[MZ_SCENE_MAX_SUBJECTS * 4]; // 4 per subject; see subjects.glsl
} u;

#endif
