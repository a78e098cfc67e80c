/* The "procedural" backend: the scene parameters the front read from the
 * request (the job's) -> frames from a fragment shader, on a worker thread.
 *
 * Continuity: the worker keeps what is on screen between scenes — the
 * parameters of the last frame, the camera and the world clock. A new scene
 * starts from the conditioning frame (or, without one, from its own last
 * frame), in the state the worker was in after drawing that frame (kept
 * for its last frames: `moment`), not after the newest frame it drew: that
 * image is the dissolve's starting point, shown just before
 * the scene's frame 0, so frame 0 is the dissolve's first step and every
 * frame pushed is one drawn for the scene. The parameters move from the old
 * values to the new over transition_s. Everything is a function of frame
 * counts, never of wall time, so the same requests in the same order give
 * the same pixels. */
#include "mz_gen_backends.h"
#include "procedural_vk.h"

#include "mz_defaults.h"
#include "mz_error.h"
#include "mz_log.h"
#include "mz_scene.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOWER_DEPTH 38.0 /* keep in step with landscape.frag */
#define FIRE_DEPTH 9.0
#define LAYER_NEAR 12.0 /* streaming layers live between these depths */
#define LAYER_SPAN 66.0
/* The shader's yaw is an offset in screen heights; the 16:9 view (1.78
 * screen heights across) is taken as a 60 degree lens. */
#define YAW_RADIANS (1.047 / 1.78)
#define ORBIT_PIVOT 40.0 /* depth the orbiting camera circles around */
/* On a CPU (lavapipe) frames are drawn on a grid (one pixel of each cell
 * per frame, gathered over frames): at most a sixth of the pixels and
 * CPU_MAX_PIXELS (640x360: 3x2 cells, 1280x720: 4x3); small frames in
 * full. This buys the frame rate (platform.md). */
#define CPU_MAX_PIXELS 80000.0
#define CPU_FULL_PIXELS (320.0 * 180.0)

/* Where a scene's subjects stand outdoors, fixed in the world when the
 * scene starts so the camera moves past them. */
typedef struct anchors {
    double x[MZ_SCENE_MAX_SUBJECTS];     /* world x */
    double depth[MZ_SCENE_MAX_SUBJECTS]; /* 0: not drawn outdoors (furniture) */
    double screen[MZ_SCENE_MAX_SUBJECTS];
} anchors;

/* The camera carries across scenes: positions and smoothed velocities. */
typedef struct camera {
    double x, z, yaw, rise;
    double vx, vz, vyaw, vrise;
} camera;

/* The view a frame was drawn from, for the next frame's reprojection. */
typedef struct view {
    double x, z, yaw, height, horizon;
    bool valid;
} view;

/* What a new scene continues from: the state right after a frame was drawn
 * (its parameters; the camera and world clock moved on one frame; where the
 * landmark, the fire and the subjects stand; the view and the grid's frame count).
 * The worker keeps one per frame for the last frames it drew, because a
 * generator that is not realtime draws ahead of the frame on screen, by a
 * number of frames that depends on the machine's load: continuing from the
 * newest frame drawn would make the same inputs give other pixels. */
typedef struct moment {
    uint64_t scene_id;
    uint32_t index, width, height;
    uint32_t print; /* a sample of the frame's pixels: the frame is this one */
    bool valid;
    mz_scene_params shown;
    camera cam;
    double world_s, landmark_x, fire_x;
    bool landmark_placed;
    anchors placed;
    view last_view;
    uint64_t drawn;
} moment;

typedef struct proc {
    mz_gen_sink *sink;
    mz_gpu *gpu;
    bool own_gpu;
    proc_vk *vk;

    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool quit, stop; /* stop: cancel() ended the scene in flight */
    bool pending;    /* `next` holds a request the worker has not started */
    mz_gen_job *next;
    /* pending || stop, for the renderer to read between bands without the
     * lock: the frame being drawn is no longer wanted. */
    atomic_bool interrupt;

    /* Worker-only from here. */
    mz_gen_job *cur;
    uint64_t seed; /* cur's (0 before the first scene: the warm-up's) */
    bool active;
    bool continuing; /* the scene starts from an image: morph from it */
    uint32_t index;
    mz_scene_params from, to, shown;
    bool have_shown;
    camera cam;
    double world_s;
    double landmark_x, fire_x;
    bool landmark_placed;
    anchors placed_from, placed_to; /* the old scene's subjects, the new one's */
    /* The view the last frame was drawn from, for the resolve pass's
     * reprojection; drawn counts frames for the grid's sequence. */
    view last_view;
    uint64_t drawn;
    moment *past; /* the last past_len frames drawn, circular */
    uint32_t past_len, past_next;
    bool cpu_device;           /* lavapipe: draw smaller, scale up */
    bool reference;            /* MZ_GEN_QUALITY_REFERENCE: always draw every pixel */
    float scale;               /* mz_gen_desc.scale: 0, or the fraction drawn */
    const uint8_t *last_frame; /* the readback of the last frame rendered */
    uint32_t last_w, last_h;
} proc;

static uint32_t mix32(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return (uint32_t)x;
}

static float unit(uint64_t x)
{
    return (float)(mix32(x) >> 8) / 16777216.0f;
}

/* ------------------------------------------------------------ the camera */

static void camera_step(camera *c, const mz_scene_params *p, double dt)
{
    double speed = p->camera_speed * (0.6 + 0.8 * p->energy);
    double vx = 0, vz = 0, vyaw = 0, vrise = 0;
    switch (p->camera) {
    case MZ_CAMERA_DRIFT:
        vx = 0.5 * speed;
        break;
    case MZ_CAMERA_STILL:
        break;
    case MZ_CAMERA_PAN:
        vyaw = 0.06 * speed;
        break;
    case MZ_CAMERA_DOLLY:
        vz = 3.0 * speed;
        break;
    case MZ_CAMERA_ORBIT:
        vx = 2.5 * speed;
        vyaw = -vx / ORBIT_PIVOT;
        break;
    case MZ_CAMERA_RISE:
        vrise = 0.25 * speed;
        break;
    case MZ_CAMERA_COUNT:
        break;
    }
    /* Velocities ease towards the scene's, so a change of camera motion
     * between scenes is a curve, not a jolt. */
    double k = 1.0 - exp(-dt / 0.8);
    c->vx += (vx - c->vx) * k;
    c->vz += (vz - c->vz) * k;
    c->vyaw += (vyaw - c->vyaw) * k;
    c->vrise += (vrise - c->vrise) * k;
    c->x += c->vx * dt;
    c->z += c->vz * dt;
    c->yaw += c->vyaw * dt;
    c->rise += c->vrise * dt;
    if (c->rise < 0) c->rise = 0;
    if (c->rise > 3) c->rise = 3;
}

static double camera_height(const camera *c)
{
    return 1.6 + 6.0 * (1.0 - exp(-c->rise));
}

/* ------------------------------------------------------------ uniforms */

static void set4(float *v, double a, double b, double c, double d)
{
    v[0] = (float)a;
    v[1] = (float)b;
    v[2] = (float)c;
    v[3] = (float)d;
}

/* Lightning: in each quarter second a storm may strike; a strike fades
 * over about half a second. Derived from the world clock, so reproducible. */
static double lightning(double t, float storm, uint64_t seed)
{
    if (storm <= 0.05f) return 0;
    double flash = 0;
    long slot = (long)floor(t * 4.0);
    for (long k = slot - 2; k <= slot; k++) {
        if (unit(seed ^ (uint64_t)k * 0x9e3779b97f4a7c15ull) >= storm * 0.05f) continue;
        double age = t - (double)k / 4.0;
        double f = exp(-age * 7.0) * (0.6 + 0.4 * sin(age * 60.0) * sin(age * 60.0));
        if (f > flash) flash = f;
    }
    return flash;
}

/* The streaming layers: three bands of land cycling through depth, so a
 * dollying camera passes them and new ones rise out of the mist. */
static void layers(const camera *c, proc_uniforms *u)
{
    double depth[3], id[3];
    for (int j = 0; j < 3; j++) {
        double phase = j * LAYER_SPAN / 3.0 + 8.0 - c->z;
        double lap = floor(phase / LAYER_SPAN);
        depth[j] = LAYER_NEAR + (phase - lap * LAYER_SPAN);
        id[j] = lap * 3.0 + j;
    }
    for (int a = 0; a < 3; a++) /* three elements: sort by hand, near first */
        for (int b = a + 1; b < 3; b++)
            if (depth[b] < depth[a]) {
                double t = depth[a];
                depth[a] = depth[b];
                depth[b] = t;
                t = id[a];
                id[a] = id[b];
                id[b] = t;
            }
    set4(u->mid_depth, depth[0], depth[1], depth[2], 0);
    set4(u->mid_id, fmod(id[0], 997.0), fmod(id[1], 997.0), fmod(id[2], 997.0), 0);
}

/* The subjects of *p, placed by `at`. */
static void fill_subjects(const mz_scene_params *p, const anchors *at, proc_uniforms *u)
{
    int n = p->subject_count < MZ_SCENE_MAX_SUBJECTS ? p->subject_count : MZ_SCENE_MAX_SUBJECTS;
    u->misc[0] = (float)n;
    for (int i = 0; i < n; i++) {
        const mz_subject *s = &p->subject[i];
        float(*v)[4] = &u->subj[i * 4];
        set4(v[0], s->kind, s->pose, s->place, s->presence);
        set4(v[1], at->x[i], at->depth[i], s->size, s->build);
        set4(v[2], s->colour.r, s->colour.g, s->colour.b, s->beard);
        set4(v[3], s->hair.r, s->hair.g, s->hair.b, at->screen[i]);
    }
}

static void fill_uniforms(const proc *pr, const mz_scene_params *p, float morph, uint32_t w,
                          uint32_t h, const anchors *placed, proc_uniforms *u)
{
    uint64_t seed = pr->seed;
    uint32_t landmark = p->entity_seed[0] ? p->entity_seed[0] : mix32(seed ^ 0x1a2b3c);
    double t = pr->world_s;
    memset(u, 0, sizeof *u);
    set4(u->res, w, h, 1.0 / w, 1.0 / h);
    set4(u->clock, t, morph, lightning(t, p->storm, seed), 0);
    set4(u->cam, pr->cam.x, pr->cam.z, camera_height(&pr->cam), pr->cam.yaw);
    set4(u->sky, p->time_of_day, p->cloud, p->fog, p->wind);
    set4(u->weather, p->rain, p->snow, p->storm, t * 0.9 + unit(landmark) * 6.0);
    set4(u->light, p->light[MZ_LIGHT_SUN], p->light[MZ_LIGHT_MOON], p->light[MZ_LIGHT_LAMP],
         p->light[MZ_LIGHT_FIRE]);
    set4(u->light2, p->light[MZ_LIGHT_BEAM], p->valence, p->energy, pr->landmark_x);
    set4(u->el0, p->element[MZ_EL_TREES], p->element[MZ_EL_BUILDINGS], p->element[MZ_EL_TOWER],
         p->element[MZ_EL_SHIPS]);
    set4(u->el1, p->element[MZ_EL_STARS], p->element[MZ_EL_FIGURES], p->element[MZ_EL_ROCKS],
         p->element[MZ_EL_BIRDS]);
    set4(u->tint, p->tint.r, p->tint.g, p->tint.b, p->tint_weight);
    set4(u->grade, p->saturation, p->brightness, unit(landmark), pr->fire_x);
    set4(u->setting, p->setting, p->setting2, p->setting2_weight, unit(seed) * 997.0);
    layers(&pr->cam, u);
    double horizon = -0.08 + 0.06 * (camera_height(&pr->cam) - 1.6) / 6.0;
    set4(u->view, LAYER_NEAR, LAYER_NEAR + 6.0, horizon, p->cave);
    set4(u->grid, 1, 1, 0, 0);
    fill_subjects(p, placed, u);
}

/* Where the landmark and the fire stand: placed in view when first asked
 * for (by the entity's seed, so the same lighthouse stands in the same
 * place of the frame), then fixed in the world so the camera moves past. */
static void place_anchors(proc *pr, const mz_scene_params *p)
{
    uint32_t landmark = p->entity_seed[0] ? p->entity_seed[0] : mix32(pr->seed ^ 0x1a2b3c);
    double screen_x = (unit(landmark) < 0.5 ? -1 : 1) * (0.22 + 0.3 * unit(landmark ^ 0x55));
    double on_screen = (pr->landmark_x - pr->cam.x) / TOWER_DEPTH - pr->cam.yaw;
    bool wanted = p->element[MZ_EL_TOWER] > 0.01f;
    if (wanted && (!pr->landmark_placed || fabs(on_screen) > 0.85)) {
        pr->landmark_x = pr->cam.x + (screen_x + pr->cam.yaw) * TOWER_DEPTH;
        pr->landmark_placed = true;
    } else if (!wanted) {
        pr->landmark_placed = false;
    }
    double fire_screen = -screen_x * 0.6;
    pr->fire_x = pr->cam.x + (fire_screen + pr->cam.yaw) * FIRE_DEPTH;
}

static bool spot_of_its_own(mz_place place)
{
    return place == MZ_PLACE_FIRE || place == MZ_PLACE_LEFT || place == MZ_PLACE_RIGHT;
}

/* Where each subject stands outdoors, from the prompt's place words and the
 * seeds (the same request places them the same way): spread across the
 * view, by the fire, far off, near, left or right. Furniture, doors, stairs
 * and windows are drawn in rooms only; a boat floats further out. */
static void place_subjects(proc *pr, const mz_scene_params *p, anchors *out)
{
    memset(out, 0, sizeof *out);
    /* Places with no outdoor spot of their own (the door, the table) count
     * as anywhere. */
    int spread = 0, k = 0;
    for (int i = 0; i < p->subject_count; i++)
        spread += !spot_of_its_own(p->subject[i].place);
    for (int i = 0; i < p->subject_count && i < MZ_SCENE_MAX_SUBJECTS; i++) {
        const mz_subject *s = &p->subject[i];
        uint64_t seed = pr->seed ^ ((uint64_t)s->entity << 20) ^ (uint64_t)i * 0x51ed27;
        double jitter = (unit(seed) - 0.5) * 0.12;
        double screen = -0.45 + 0.9 * (k + 0.5) / (spread ? spread : 1) + jitter;
        double depth = 6.5 + 2.5 * unit(seed ^ 0x77);
        k += !spot_of_its_own(s->place);
        switch (s->place) {
        case MZ_PLACE_FAR: depth = 26.0; break;
        case MZ_PLACE_NEAR: depth = 3.5; break;
        case MZ_PLACE_LEFT: screen = -0.55 + jitter * 0.5; break;
        case MZ_PLACE_RIGHT: screen = 0.55 + jitter * 0.5; break;
        case MZ_PLACE_FIRE:
            depth = FIRE_DEPTH - 0.5;
            screen = (pr->fire_x - pr->cam.x) / FIRE_DEPTH - pr->cam.yaw + (i % 2 ? 0.16 : -0.16);
            break;
        default: break;
        }
        if (s->kind == MZ_SUBJECT_BOAT) depth = s->place == MZ_PLACE_NEAR ? 9.0 : 18.0;
        bool indoor_only = s->kind == MZ_SUBJECT_DOOR || s->kind == MZ_SUBJECT_STAIRS ||
                           s->kind == MZ_SUBJECT_TABLE || s->kind == MZ_SUBJECT_BED ||
                           s->kind == MZ_SUBJECT_WINDOW;
        out->screen[i] = screen;
        out->depth[i] = indoor_only ? 0.0 : depth;
        out->x[i] = pr->cam.x + (screen + pr->cam.yaw) * depth;
    }
}

/* ------------------------------------------------------------ continuity */

/* 64 pixels spread over the frame: enough to tell this generator's frame
 * from another backend's with the same scene id and index. */
static uint32_t fingerprint(const uint8_t *rgba, uint32_t w, uint32_t h)
{
    uint64_t n = (uint64_t)w * h;
    uint32_t print = 0;
    for (uint64_t i = 0; i < 64; i++) {
        uint32_t px;
        memcpy(&px, rgba + (i * (n - 1) / 63) * 4, 4);
        print = mix32((uint64_t)print << 32 | px);
    }
    return print;
}

/* Remembers the state after drawing frame f (see `moment`). */
static void keep_moment(proc *pr, const mz_frame *f)
{
    pr->past[pr->past_next] = (moment){
        .scene_id = f->scene_id,
        .index = f->index,
        .width = f->width,
        .height = f->height,
        .print = fingerprint(f->rgba, f->width, f->height),
        .valid = true,
        .shown = pr->shown,
        .cam = pr->cam,
        .world_s = pr->world_s,
        .landmark_x = pr->landmark_x,
        .fire_x = pr->fire_x,
        .landmark_placed = pr->landmark_placed,
        .placed = pr->placed_to,
        .last_view = pr->last_view,
        .drawn = pr->drawn,
    };
    pr->past_next = (pr->past_next + 1) % pr->past_len;
}

/* Goes back to the state after drawing `f`, when f is one of the frames
 * this worker remembers; false (and nothing changed) otherwise. */
static bool resume_after(proc *pr, const mz_frame *f)
{
    uint32_t print = fingerprint(f->rgba, f->width, f->height);
    for (uint32_t i = 0; i < pr->past_len; i++) {
        const moment *m = &pr->past[i];
        if (!m->valid || m->scene_id != f->scene_id || m->index != f->index ||
            m->width != f->width || m->height != f->height || m->print != print)
            continue;
        pr->shown = m->shown;
        pr->have_shown = true;
        pr->cam = m->cam;
        pr->world_s = m->world_s;
        pr->landmark_x = m->landmark_x;
        pr->fire_x = m->fire_x;
        pr->landmark_placed = m->landmark_placed;
        pr->placed_to = m->placed;
        pr->last_view = m->last_view;
        pr->drawn = m->drawn;
        return true;
    }
    return false;
}

/* ------------------------------------------------------------ the worker */

static void start_scene(proc *pr)
{
    pr->seed = pr->cur->req.seed;
    mz_scene_params to = pr->cur->params;
    /* The newest conditioning frame is the image to continue from, and its
     * state the state to continue from. A frame this worker did not draw
     * (another backend's) or no longer remembers continues from the newest
     * frame drawn. */
    const mz_frame *cond = pr->cur->cond_count ? &pr->cur->cond[pr->cur->cond_count - 1] : NULL;
    if (cond && !resume_after(pr, cond))
        mz_log_debug("procedural: scene %llu continues from a frame of scene %llu it does not "
                     "remember; from its newest frame instead",
                     (unsigned long long)pr->cur->req.id, (unsigned long long)cond->scene_id);
    pr->continuing = pr->have_shown || cond;
    pr->from = pr->have_shown ? pr->shown : to;
    pr->to = to;
    pr->index = 0;
    pr->active = true;
    /* No frames given: continue from what this generator made last (the
     * readback still holds it; set_conditioning copies it). */
    const uint8_t *start = cond ? cond->rgba : pr->last_frame;
    if (start && !proc_vk_set_conditioning(pr->vk, start, cond ? cond->width : pr->last_w,
                                           cond ? cond->height : pr->last_h))
        mz_log_error("procedural: conditioning frame: %s", mz_error());
    place_anchors(pr, &to);
    pr->placed_from = pr->placed_to;
    place_subjects(pr, &to, &pr->placed_to);
}

/* The grid frames are drawn on (proc_uniforms.grid): every pixel in
 * reference quality; on a CPU, the smallest cells (as square as they come)
 * that bring the pixels drawn within the budget. The desc's scale
 * overrides (1 / scale per side, rounded), for comparing quality and
 * speed. */
static void grid_for(const proc *pr, uint32_t w, uint32_t h, uint32_t *sx, uint32_t *sy)
{
    *sx = *sy = 1;
    if (pr->scale > 0) {
        *sx = *sy = (uint32_t)lround(1.0 / pr->scale);
        return;
    }
    if (pr->reference || !pr->cpu_device || (double)w * h <= CPU_FULL_PIXELS) return;
    double budget = fmin((double)w * h / 6.0, CPU_MAX_PIXELS);
    while ((double)w * h / (*sx * *sy) > budget && *sx < 16) {
        if (*sx > *sy) (*sy)++;
        else (*sx)++;
    }
}

/* The size frames are drawn at: a pixel per grid cell. */
static void internal_size(const proc *pr, uint32_t w, uint32_t h, uint32_t *iw, uint32_t *ih)
{
    uint32_t sx, sy;
    grid_for(pr, w, h, &sx, &sy);
    *iw = (w + sx - 1) / sx;
    *ih = (h + sy - 1) / sy;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Grid and reprojection for a frame drawn smaller than its size: frame n
 * samples cell pixel (n * stride) mod cells, a stride coprime with the
 * cell's pixel count and near its golden section, so every pixel is drawn
 * once in that many frames and consecutive frames sample far apart. The
 * resolve pass builds on the frame before, except at a scene's first
 * frame (a cut, or a dissolve's first step, which is all but the image on
 * screen): nothing of the old scene is carried over. During a dissolve the
 * smooth estimate from the newest samples weighs more, so pixels drawn a
 * few frames ago do not show an older step of it. */
static void resolve_for(proc *pr, float morph, uint32_t w, uint32_t h, proc_uniforms *u,
                        proc_resolve *rs)
{
    uint32_t sx, sy;
    grid_for(pr, w, h, &sx, &sy);
    uint64_t cells = (uint64_t)sx * sy, stride = (uint64_t)lround(cells * 0.618);
    while (gcd(stride, cells) != 1)
        stride++;
    uint64_t at = pr->drawn * stride % cells;
    set4(u->grid, sx, sy, at % sx, at / sx);
    u->misc[3] = 1; /* depth in alpha */
    bool cut = !pr->last_view.valid || pr->index == 0;
    double height = camera_height(&pr->cam);
    memset(rs, 0, sizeof *rs);
    memcpy(rs->grid, u->grid, sizeof rs->grid);
    set4(rs->motion, pr->cam.x - pr->last_view.x, 0, height - pr->last_view.height,
         pr->cam.z - pr->last_view.z);
    set4(rs->view, u->view[2], pr->last_view.horizon, pr->cam.yaw, pr->last_view.yaw);
    set4(rs->mode, cut ? 1 : 0, morph, 0, 0);
}

static void remember_view(proc *pr, const proc_uniforms *u)
{
    pr->last_view.x = pr->cam.x;
    pr->last_view.z = pr->cam.z;
    pr->last_view.yaw = pr->cam.yaw;
    pr->last_view.height = camera_height(&pr->cam);
    pr->last_view.horizon = u->view[2];
    pr->last_view.valid = true;
    pr->drawn++;
}

/* Renders and pushes the next frame of the current scene. False when the
 * scene is over (superseded, finished, or an error). */
static bool next_frame(proc *pr)
{
    const mz_scene_request *r = &pr->cur->req;
    float fps = r->fps;
    uint32_t w = (uint32_t)r->width, h = (uint32_t)r->height;
    if (r->duration_s > 0 && pr->index >= (uint32_t)ceilf(r->duration_s * fps)) return false;

    float scene_s = (float)pr->index / fps;
    float t = 1.0f, morph = 0.0f; /* a scene from nothing starts whole */
    if (pr->continuing) mz_gen_transition_at(r, pr->index, &t, &morph);
    mz_scene_params p = mz_scene_params_mix(&pr->from, &pr->to, t);

    uint32_t iw, ih;
    internal_size(pr, w, h, &iw, &ih);
    proc_uniforms u;
    /* mz_scene_params_mix hands out the old scene's subjects until halfway. */
    fill_uniforms(pr, &p, morph, w, h, t < 0.5f ? &pr->placed_from : &pr->placed_to, &u);
    proc_resolve rs = {{0}};
    if (iw != w || ih != h) resolve_for(pr, morph, w, h, &u, &rs);
    const uint8_t *px;
    if (!proc_vk_render(pr->vk, &u, &rs, w, h, iw, ih, &pr->interrupt, &px)) {
        mz_log_error("procedural: %s", mz_error());
        return false;
    }
    if (!px) return false; /* superseded or cancelled while drawing */
    remember_view(pr, &u);
    pr->last_frame = px;
    pr->last_w = w;
    pr->last_h = h;
    pr->shown = p;
    pr->have_shown = true;
    mz_frame f = {
        .scene_id = r->id,
        .index = pr->index,
        .time_s = scene_s,
        .width = w,
        .height = h,
        .transitional = t < 1.0f,
        .rgba = px,
        .camera_x = (float)pr->cam.x,
        .camera_z = (float)pr->cam.z,
        .camera_yaw = (float)(pr->cam.yaw * YAW_RADIANS),
        .drawn_width = iw,
        .drawn_height = ih,
    };
    double dt = 1.0 / fps;
    camera_step(&pr->cam, &p, dt);
    pr->world_s += dt;
    pr->index++;
    keep_moment(pr, &f);
    return mz_gen_sink_push(pr->sink, &f);
}

static void *worker(void *arg)
{
    proc *pr = arg;
    pthread_mutex_lock(&pr->lock);
    while (!pr->quit) {
        if (pr->pending) {
            mz_gen_job_release(pr->cur);
            pr->cur = pr->next;
            pr->next = NULL;
            pr->pending = false;
            pr->stop = false;
            atomic_store(&pr->interrupt, false);
            pthread_mutex_unlock(&pr->lock);
            start_scene(pr);
            pthread_mutex_lock(&pr->lock);
            continue;
        }
        if (pr->stop) {
            pr->active = false;
            pr->stop = false;
            atomic_store(&pr->interrupt, false);
        }
        if (!pr->active) {
            pthread_cond_wait(&pr->wake, &pr->lock);
            continue;
        }
        pthread_mutex_unlock(&pr->lock);
        bool more = next_frame(pr);
        pthread_mutex_lock(&pr->lock);
        if (!more) pr->active = false;
    }
    pthread_mutex_unlock(&pr->lock);
    return NULL;
}

/* ------------------------------------------------------------ the vtable */

static bool proc_accepts(const char *uri)
{
    return strcmp(uri, "procedural") == 0;
}

static void proc_close(void *self)
{
    proc *pr = self;
    if (pr->thread) {
        pthread_mutex_lock(&pr->lock);
        pr->quit = true;
        pthread_cond_signal(&pr->wake);
        pthread_mutex_unlock(&pr->lock);
        pthread_join(pr->thread, NULL);
    }
    mz_gen_job_release(pr->cur);
    mz_gen_job_release(pr->next);
    proc_vk_destroy(pr->vk);
    free(pr->past);
    if (pr->own_gpu) mz_gpu_destroy(pr->gpu);
    pthread_cond_destroy(&pr->wake);
    pthread_mutex_destroy(&pr->lock);
    free(pr);
}

static void *proc_open(const mz_gen_desc *desc, mz_gen_sink *sink)
{
    proc *pr = calloc(1, sizeof *pr);
    if (!pr) {
        mz_fail("procedural: out of memory");
        return NULL;
    }
    pr->sink = sink;
    /* Every frame the consumer can hold while this worker draws: the ring's
     * ready frames, the one it holds, the one waiting to go in, and a few
     * for a realtime consumer that skipped frames. */
    pr->past_len = (uint32_t)desc->ring_frames + 8;
    pr->past = calloc(pr->past_len, sizeof *pr->past);
    if (!pr->past) {
        free(pr);
        mz_fail("procedural: out of memory");
        return NULL;
    }
    atomic_init(&pr->interrupt, false);
    pthread_mutex_init(&pr->lock, NULL);
    pthread_cond_init(&pr->wake, NULL);
    pr->gpu = desc->gpu;
    if (!pr->gpu) {
        pr->gpu = mz_gpu_create(NULL);
        pr->own_gpu = true;
    }
    if (!pr->gpu || !(pr->vk = proc_vk_create(pr->gpu))) {
        proc_close(pr);
        return NULL;
    }
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(mz_gpu_physical(pr->gpu), &props);
    pr->cpu_device = props.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU;
    pr->reference = desc->quality == MZ_GEN_QUALITY_REFERENCE;
    pr->scale = desc->scale;
    /* Warm-up: lavapipe compiles a pipeline on its first draw (~100 ms);
     * drawing once outdoors and once in a room here keeps that out of the
     * first scenes' latency. */
    proc_uniforms u;
    mz_scene_params outdoors = mz_scene_params_default(), room = outdoors;
    room.setting = MZ_SETTING_INTERIOR;
    uint32_t iw, ih;
    internal_size(pr, MZ_DEFAULT_FRAME_WIDTH, MZ_DEFAULT_FRAME_HEIGHT, &iw, &ih);
    const uint8_t *px;
    bool warm = true;
    /* At the drawn size only: the resolve pass compiles on the first scene
     * drawn smaller, so a server's every session does not pay for it. */
    proc_resolve rs = {0};
    for (int i = 0; i < 2 && warm; i++) {
        fill_uniforms(pr, i ? &room : &outdoors, 0.5f, iw, ih, &pr->placed_to, &u);
        warm = proc_vk_render(pr->vk, &u, &rs, iw, ih, iw, ih, &pr->interrupt, &px);
    }
    if (!warm || pthread_create(&pr->thread, NULL, worker, pr) != 0) {
        if (!pr->thread) mz_fail_context("procedural: warming up");
        proc_close(pr);
        return NULL;
    }
    return pr;
}

static bool proc_submit(void *self, mz_gen_job *job)
{
    proc *pr = self;
    pthread_mutex_lock(&pr->lock);
    mz_gen_job_release(pr->next);
    pr->next = job;
    pr->pending = true;
    atomic_store(&pr->interrupt, true);
    pthread_cond_signal(&pr->wake);
    pthread_mutex_unlock(&pr->lock);
    return true;
}

static void proc_cancel(void *self)
{
    proc *pr = self;
    pthread_mutex_lock(&pr->lock);
    mz_gen_job_release(pr->next);
    pr->next = NULL;
    pr->pending = false;
    pr->stop = true;
    atomic_store(&pr->interrupt, true);
    pthread_mutex_unlock(&pr->lock);
}

const mz_gen_backend mz_gen_procedural_backend = {
    .version = MZ_GEN_BACKEND_VERSION,
    .name = "procedural",
    .accepts = proc_accepts,
    .open = proc_open,
    .submit = proc_submit,
    .cancel = proc_cancel,
    .close = proc_close,
};
