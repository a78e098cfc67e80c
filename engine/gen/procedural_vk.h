/* procedural_vk — the procedural backend's Vulkan side (private to
 * engine/gen), and the blocks its shaders read.
 *
 * procedural.c runs the worker thread: requests, scene parameters, camera,
 * timing; it calls down into this, never the other way. procedural_vk.c: one fragment-shader pass
 * into an offscreen RGBA8 image, read back to host memory. The renderer is used by one thread at a
 * time (the worker); it takes the gpu's queue lock around its submits, so it can share a device
 * with the display renderer. */
#ifndef MZ_PROCEDURAL_VK_H
#define MZ_PROCEDURAL_VK_H

#include "mz_gpu.h"
#include "mz_scene.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Mirrors SceneBlock in assets/shaders/scene_uniforms.glsl (vec4s; a storage buffer, see there
 * why): change both together; test_gen_ring checks the names, order and
 * count against the shader's file. The numbers the shaders compare
 * (settings, kinds, poses, places) are generated from mz_scene.h
 * (cmake/glsl_enums.cmake), not mirrored. */
typedef struct proc_uniforms {
    float res[4];       /* width, height, 1/width, 1/height */
    float clock[4];     /* world time (s), morph (1 = conditioning frame), flash, - */
    float cam[4];       /* x, z (forward), height, yaw (screen units) */
    float sky[4];       /* hours, cloud, fog, wind */
    float weather[4];   /* rain, snow, storm, beam angle */
    float light[4];     /* sun, moon, lamp, fire */
    float light2[4];    /* beam, valence, energy, landmark world x */
    float el0[4];       /* trees, buildings, tower, ships */
    float el1[4];       /* stars, figures, rocks, birds */
    float tint[4];      /* rgb, weight */
    float grade[4];     /* saturation, brightness, landmark seed 0..1, fire world x */
    float setting[4];   /* setting, setting2, setting2 weight, terrain seed offset */
    float mid_depth[4]; /* streaming layers' depths, near to far */
    float mid_id[4];    /* their content ids */
    float view[4];      /* sink-away depths (from, to), horizon y, cave (0 room .. 1 cave) */
    float misc[4];      /* subjects in subj[], -, -, 1: depth in alpha */
    /* Drawn pixel (i, j) is frame pixel (i * step x + offset x, j * step y +
     * offset y): a frame drawn smaller samples one pixel in each step x by
     * step y cell, a different one each frame (1, 1, 0, 0: every pixel). */
    float grid[4];
    /* Four vec4s per subject (assets/shaders/subjects.glsl reads them):
     * kind, pose, place, presence · world x, depth (0: not drawn outdoors),
     * size, build · colour rgb, beard · hair rgb, screen x it was placed at. */
    float subj[MZ_SCENE_MAX_SUBJECTS * 4][4];
} proc_uniforms;
/* std430 lays SceneBlock out as tightly packed vec4s: 17 + 4 per subject. */
_Static_assert(sizeof(proc_uniforms) == (17 + MZ_SCENE_MAX_SUBJECTS * 4) * 16,
               "proc_uniforms must mirror SceneBlock");

/* Whether a frame with these uniforms is a built room: the only place this
 * is decided; the room pipeline (landscape.frag with ROOMS on) draws the
 * room, the other the landscape. */
static inline bool proc_draws_room(const proc_uniforms *u)
{
    bool in_room = (int)u->setting[0] == MZ_SETTING_INTERIOR ||
                   ((int)u->setting[1] == MZ_SETTING_INTERIOR && u->setting[2] >= 0.5f);
    return in_room && u->view[3] < 0.5f;
}

/* Mirrors ResolveBlock in assets/shaders/resolve.frag: how a frame drawn
 * smaller (one pixel of each grid cell, a different one each frame) is
 * built up to full size from the frames before it. */
typedef struct proc_resolve {
    float size[4];   /* frame width, height, drawn width, height (filled by proc_vk) */
    float grid[4];   /* proc_uniforms.grid: step x, y, this frame's offset x, y */
    float motion[4]; /* camera moved since the last frame: x, -, height, forward */
    float view[4];   /* horizon y now, before; yaw now, before (screen units) */
    float mode[4];   /* reset (1: no history), weight of the smooth estimate (a dissolve), -, - */
} proc_resolve;
_Static_assert(sizeof(proc_resolve) == 5 * 16, "proc_resolve must mirror ResolveBlock");

typedef struct proc_vk proc_vk;

/* NULL + mz_fail() on error. The gpu must outlive the renderer. */
proc_vk *proc_vk_create(mz_gpu *gpu);
void proc_vk_destroy(proc_vk *vk);

/* Copies an RGBA8 image to be the conditioning texture from the next
 * render on. */
bool proc_vk_set_conditioning(proc_vk *vk, const uint8_t *rgba, uint32_t width, uint32_t height);

/* Renders one frame: draws it at iw x ih (u->grid says which frame pixels
 * those are; u->res is the frame's size); when that is smaller than width x
 * height, resolves it to full size from its samples and the frames before
 * (`rs`; a reset after new targets is forced here), and sets *out to its
 * RGBA8 pixels,
 * rows top to bottom, valid until the next call (targets are remade when
 * the sizes change). The frame is drawn in bands; when *stop is set between
 * two, the frame is given up: true with *out NULL (the pixels of the last
 * finished frame stay where they were). False + mz_fail() on error. */
bool proc_vk_render(proc_vk *vk, const proc_uniforms *u, const proc_resolve *rs, uint32_t width,
                    uint32_t height, uint32_t iw, uint32_t ih, const atomic_bool *stop,
                    const uint8_t **out);

#endif
