/* mz_defaults — the engine's defaults, in one place: what a zero field of a
 * desc or a scene request means. Each module's `*_desc_defaults` function
 * fills its desc from these (sokol's `_desc_defaults`); nothing else writes
 * these numbers. */
#ifndef MZ_DEFAULTS_H
#define MZ_DEFAULTS_H

/* A generated frame (mz_scene_request): 16:9, small enough that the
 * procedural backend holds its frame rate on a CPU (docs/platform.md). */
#define MZ_DEFAULT_FRAME_WIDTH 640
#define MZ_DEFAULT_FRAME_HEIGHT 360
#define MZ_DEFAULT_FPS 30.0f
#define MZ_DEFAULT_TRANSITION_S 1.0f /* the morph from the conditioning frame */

/* The generator (mz_gen_desc). */
#define MZ_DEFAULT_RING_FRAMES 8
#define MZ_DEFAULT_DEADLINE_S 1.0f /* a remote backend's silence before the fallback */

/* The window and the display's drawable (mz_render_desc, mz_player_desc). */
#define MZ_DEFAULT_WINDOW_WIDTH 1280
#define MZ_DEFAULT_WINDOW_HEIGHT 720

#endif
