/* mz_gen — the generator interface: scene requests in, frames out.
 *
 * A generator is opened from a URI-like string that picks its backend:
 *   "procedural"            the embedded Vulkan generator (default, always built)
 *   "ws://host:port"        a remote server speaking docs/protocol.md
 *   "comfy://host:port?workflow=FILE"  a ComfyUI server (adapter; comfys:// over
 *                           TLS, options in docs/comfyui.md)
 *   "clips:DIR"             pre-made clips chosen by scene
 * Every backend streams: frames become available one by one as they are
 * made, never after a whole clip. Frames go through a bounded ring, so memory
 * is fixed at open time.
 *
 * Threading: one thread owns a mz_gen and calls every function on it;
 * backends may produce on their own threads. Nothing here blocks for longer
 * than the timeout the caller gives (mz_gen_wait) or a few ms (the rest).
 *
 * Ownership: mz_gen_open copies what it keeps from the desc; mz_gen_submit
 * copies the request and the conditioning pixels before it returns. Frames
 * returned by poll/wait point into the ring and stay valid until the next
 * poll/wait/cancel/close on the same mz_gen.
 *
 * Errors: false / NULL with the message in mz_error(). */
#ifndef MZ_GEN_H
#define MZ_GEN_H

#include "mz_scene.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mz_gen mz_gen;

typedef struct mz_frame {
    uint64_t scene_id;   /* the request's id */
    uint32_t index;      /* 0, 1, ... within the scene */
    double time_s;       /* timestamp within the scene: index / fps */
    uint32_t width, height;
    bool transitional;   /* still morphing from the previous scene */
    /* Where the view was taken from, so sound can move with the picture:
     * ground position (x across, z forward, world units) and heading in
     * radians (positive turns right). All 0 when the backend has no camera
     * (remote servers do not send one). */
    float camera_x, camera_z, camera_yaw;
    /* The size the backend drew before scaling to width x height (the
     * procedural one draws smaller on a CPU); 0 where it does not say. */
    uint32_t drawn_width, drawn_height;
    const uint8_t *rgba; /* width*height*4 bytes, rows top to bottom, tightly packed */
} mz_frame;

/* One of the prompts a scene blends (as real-time servers blend prompt
 * lists: docs/protocol.md, "Blended prompts"). */
typedef struct mz_scene_prompt {
    const char *text;
    float weight; /* >= 0, finite; a request's weights are normalised to sum 1 */
} mz_scene_prompt;

#define MZ_GEN_MAX_PROMPTS 8            /* prompts blended in one scene */
#define MZ_GEN_MAX_TRANSITION_STEPS 600 /* frames a stepped transition may take */

/* How a stepped transition moves from the old scene to the new one. */
typedef enum mz_transition_method {
    MZ_TRANSITION_LINEAR, /* step k of N is k/N of the way */
    MZ_TRANSITION_SLERP,  /* the weights slerp gives two orthogonal embeddings, normalised */
} mz_transition_method;

typedef struct mz_scene_request {
    uint64_t id;             /* caller-chosen, nonzero; later requests supersede earlier ones */
    const char *prompt;      /* the full composed prompt */
    const char *negative;    /* may be NULL */
    uint64_t seed;
    const char *const *tags; /* sound/visual tags from the story; may be NULL */
    size_t tag_count;
    float transition_s; /* 0 -> 1.0 s of morph from the conditioning frame */
    float duration_s;   /* 0 -> open-ended: frames keep coming until superseded */
    int width, height;  /* 0 -> 640x360 */
    float fps;          /* 0 -> 30 */
    /* Weighted prompts blended into one scene; NULL/0: `prompt` alone. With
     * them `prompt` is still required: it is what a backend that cannot
     * blend draws (the story passes the heaviest one). At most
     * MZ_GEN_MAX_PROMPTS, weights >= 0 and not all 0; submit refuses others. */
    const mz_scene_prompt *prompts;
    size_t prompt_count;
    /* Nonzero: the change from the last scene takes this many frames (frame
     * index steps-1 is the first wholly the new scene), instead of
     * transition_s; at most MZ_GEN_MAX_TRANSITION_STEPS. */
    uint32_t transition_steps;
    mz_transition_method transition_method; /* with transition_steps */
} mz_scene_request;

/* "linear" or "slerp" -> *out; false + mz_error() for anything else. */
bool mz_transition_method_parse(const char *name, mz_transition_method *out);
const char *mz_transition_method_name(mz_transition_method m);

/* *req with its zero fields' defaults filled in (mz_defaults.h): what every
 * backend is handed. */
mz_scene_request mz_scene_request_defaults(const mz_scene_request *req);

/* How much of the picture a backend may save on a slow device. */
typedef enum mz_gen_quality {
    MZ_GEN_QUALITY_AUTO,      /* the procedural backend draws fewer pixels on a CPU and scales up */
    MZ_GEN_QUALITY_REFERENCE, /* every pixel drawn: the look to compare against */
} mz_gen_quality;

typedef struct mz_gen_desc {
    const char *uri;  /* NULL or "" -> "procedural" */
    int ring_frames;  /* frames buffered between producer and consumer; 0 -> 8 */
    bool realtime;    /* true: produce at the request's fps (a player);
                         false: as fast as possible (tools, benchmarks, tests) */
    void *gpu;        /* optional mz_gpu* to share (see core/mz_gpu.h); NULL -> own one */
    const char *fallback; /* remote backends: used while the server is absent or late;
                             NULL -> "procedural", "" -> none */
    float deadline_s;     /* remote: no frame for this long -> fallback; 0 -> 1.0 */
    mz_gen_quality quality;
    /* Procedural: draw about this fraction of each side (0.25..1: one
     * pixel of each 1/scale by 1/scale cell, rounded, per frame) and build
     * the frame up over frames, whatever the device, to compare quality
     * and speed; 0 -> by device and quality. */
    float scale;
} mz_gen_desc;

/* *desc (NULL: all zero) with its defaults filled in; what backends get. */
mz_gen_desc mz_gen_desc_defaults(const mz_gen_desc *desc);

typedef struct mz_gen_stats {
    char backend[32];        /* the backend producing frames right now */
    /* What makes its frames, as the backend describes it (a remote server's
     * name and backend: "maze 0.1.0, backend procedural"); "" when unsaid. */
    char generator[128];
    bool fallback_active;    /* a remote backend is standing in with its fallback */
    uint64_t frames;         /* produced since open */
    uint64_t dropped;        /* dropped because the consumer was behind */
    double fps;              /* production rate over the last second */
    double first_frame_ms;   /* submit -> first frame of that scene ready, last scene */
    double first_frame_p50_ms, first_frame_p95_ms; /* over the last 256 scenes */
    /* Where the backend says how far it is with the current scene (ComfyUI):
     * making until its last frame is made or its job ends (the fallback may
     * stand in meanwhile), progress 0..1. false/0 for backends that do not say. */
    bool making;
    float progress;
} mz_gen_stats;

mz_gen *mz_gen_open(const mz_gen_desc *desc);

/* "auto" or "reference" -> *out; false + mz_error() for anything else. */
bool mz_gen_quality_parse(const char *name, mz_gen_quality *out);

/* Starts a new scene, superseding the one in flight. `conditioning` are the
 * last frames shown (oldest first; may be NULL/0): the new scene begins as
 * their continuation. Never blocks on rendering or the network. */
bool mz_gen_submit(mz_gen *g, const mz_scene_request *req, const mz_frame *conditioning,
                   size_t count);

/* The scene parameters the generator read in the scene last submitted
 * (its prompt, tags and negative prompt, read once at submit), for what
 * else follows the scene, such as its sound: false before any submit. */
bool mz_gen_scene_params(const mz_gen *g, mz_scene_params *out);

/* The next frame if one is ready: true and *out filled, else false at once. */
bool mz_gen_poll(mz_gen *g, mz_frame *out);

/* Like poll, but waits up to timeout_ms for a frame. */
bool mz_gen_wait(mz_gen *g, mz_frame *out, double timeout_ms);

/* Stops the scene in flight; frames already in the ring are discarded. */
void mz_gen_cancel(mz_gen *g);

void mz_gen_stats_get(mz_gen *g, mz_gen_stats *out);

/* uri as logs and files (manifests, a video's tags) may show it: the values
 * of secret options (ComfyUI's header=, auth tokens) replaced by "***"; any
 * other URI as it is. Into out (cap bytes, truncated); may set mz_error(). */
void mz_gen_uri_shown(const char *uri, char *out, size_t cap);

void mz_gen_close(mz_gen *g);

#endif
