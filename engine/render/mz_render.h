/* mz_render — the display renderer: generator frames and an overlay, composited
 * onto a window's swapchain (or, headless, onto an offscreen target).
 *
 * The renderer draws on a mz_gpu. When the gpu holds a surface it presents to
 * it through a swapchain, recreated on resize, out-of-date or suboptimal, and
 * skipped while the window is minimised (0x0). A gpu without a surface gives
 * a headless target of the drawable size: the same composite, read back with
 * mz_render_screenshot — so tests of the player need no window.
 *
 * What is drawn, each present: the latest frame scaled into the target with
 * its aspect kept (black bars), cross-faded from the frame before while a
 * fade runs, and an RGBA8 overlay (captions, input line, indicators) over the
 * whole target with its alpha. Two frames are in flight; uploads go through
 * per-frame staging buffers.
 *
 * Threading: one thread calls everything on a mz_render. Queue access goes
 * through mz_gpu_queue_lock, so a generator may share the gpu from its own
 * thread. The renderer knows nothing of windows: the program tells it the
 * drawable size (mz_render_resize).
 *
 * Ownership: the caller keeps the mz_gpu alive until mz_render_destroy.
 * Pixels passed in are copied before the call returns.
 * Errors: false / NULL with the message in mz_error(). A lost device
 * (VK_ERROR_DEVICE_LOST from a fence wait) is not recovered here: from then on
 * every call fails with "the GPU device was lost", and the program decides
 * (the player stops with that message rather than drawing on a dead device). */
#ifndef MZ_RENDER_H
#define MZ_RENDER_H

#include "mz_gpu.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct mz_render mz_render;

typedef struct mz_render_desc {
    mz_gpu *gpu;       /* required */
    int width, height; /* drawable size in pixels; 0 -> 1280x720 */
    bool no_vsync;     /* prefer MAILBOX / IMMEDIATE to FIFO (benchmarks) */
} mz_render_desc;

mz_render *mz_render_create(const mz_render_desc *desc);
void mz_render_destroy(mz_render *r);

/* The drawable changed size; the swapchain (or target) follows at the next
 * present. 0x0 (minimised) pauses presenting. */
void mz_render_resize(mz_render *r, int width, int height);

/* The frame shown from the next present on. May wait for the frame in flight
 * two presents ago. A size other than the last frame's recreates textures
 * (and cuts any fade). */
bool mz_render_set_frame(mz_render *r, const uint8_t *rgba, int width, int height);

/* The next mz_render_set_frame fades in from the frame now shown, over
 * `seconds` (<= 0 cuts). */
void mz_render_crossfade(mz_render *r, double seconds);

/* The overlay drawn over the whole target: RGBA8 rows of `pitch` bytes,
 * straight (not premultiplied) alpha; any size (scaled to the target; the
 * program makes it the drawable size so text is sharp). NULL hides it. */
bool mz_render_set_overlay(mz_render *r, const uint8_t *rgba, int width, int height, int pitch);

/* Draws and presents. *presented (may be NULL) says whether an image went to
 * the screen: not while minimised, nor when the swapchain had to be
 * recreated first (the caller simply presents again next frame). */
bool mz_render_present(mz_render *r, bool *presented);

/* Whether presenting now would show something new: a frame or overlay not
 * yet shown, a fade running, or a target to rebuild. A program with nothing
 * new to show can skip presenting and save the GPU (on lavapipe, the CPU). */
bool mz_render_needs_present(const mz_render *r);

/* Presents once more and reads back what was presented: a malloc'd
 * width*height*4 RGBA buffer the caller frees. */
uint8_t *mz_render_screenshot(mz_render *r, int *width, int *height);

/* The size being presented to (the swapchain's extent). */
void mz_render_target_size(const mz_render *r, int *width, int *height);

#endif
