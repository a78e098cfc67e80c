// subjects.glsl — the prompt's subjects (mz_subject: people, animals, things)
// as flat figures standing in the picture. Each is a silhouette in its own
// plane, in metres: q.x across (towards where it faces), q.y up from its
// feet. subject_shape() says which part of it covers q; the caller places
// the plane (outdoors at a depth, in a room at a spot) and lights it.
#ifndef MZ_SUBJECTS_GLSL
#define MZ_SUBJECTS_GLSL

#include "scene_enums.glsl"

// Parts, for colour: coat/body, skin, hair and beard, dark (boots, legs,
// iron), glow (a lantern's flame).
const int PART_NONE = 0, PART_COAT = 1, PART_SKIN = 2, PART_HAIR = 3, PART_DARK = 4,
          PART_GLOW = 5;
// Kinds and poses: mz_subject_kind and mz_pose, numbered in scene_enums.glsl
// (generated from mz_scene.h); short names here.
const int K_PERSON = MZ_SUBJECT_PERSON, K_DOG = MZ_SUBJECT_DOG, K_CAT = MZ_SUBJECT_CAT,
          K_BIRD = MZ_SUBJECT_BIRD, K_HORSE = MZ_SUBJECT_HORSE, K_BOAT = MZ_SUBJECT_BOAT,
          K_LANTERN = MZ_SUBJECT_LANTERN, K_DOOR = MZ_SUBJECT_DOOR, K_STAIRS = MZ_SUBJECT_STAIRS,
          K_TABLE = MZ_SUBJECT_TABLE, K_BED = MZ_SUBJECT_BED, K_WINDOW = MZ_SUBJECT_WINDOW,
          K_BARREL = MZ_SUBJECT_BARREL, K_CHEST = MZ_SUBJECT_CHEST, K_BELL = MZ_SUBJECT_BELL;
const int POSE_STANDING = MZ_POSE_STANDING, POSE_SEATED = MZ_POSE_SEATED,
          POSE_WALKING = MZ_POSE_WALKING, POSE_LYING = MZ_POSE_LYING;

float box(vec2 q, vec2 lo, vec2 hi)
{
    return step(lo.x, q.x) * step(q.x, hi.x) * step(lo.y, q.y) * step(q.y, hi.y);
}

float disc(vec2 q, vec2 c, vec2 r)
{
    return step(length((q - c) / r), 1.0);
}

// A person: legs, coat, arms, head, hair and beard; seated in a chair or
// walking. `b` is the build 0..1, `beard` 0..1, t the clock for the stride.
int person(vec2 q, int pose, float b, float beard, float t)
{
    float w = 0.8 + 0.55 * b; // breadth
    float lift = 0.0;         // how far the trunk is raised off the ground
    int part = PART_NONE;
    if (pose == POSE_SEATED || pose == POSE_LYING) {
        lift = -0.35;
        // The chair behind, the thighs forward, the shins down.
        if (box(q, vec2(-0.34, 0.0), vec2(-0.28, 1.15)) + box(q, vec2(-0.34, 0.42), vec2(0.3, 0.48)) +
            box(q, vec2(0.24, 0.0), vec2(0.29, 0.42)) > 0.0)
            part = PART_DARK;
        if (box(q, vec2(-0.12, 0.48), vec2(0.42, 0.62)) + box(q, vec2(0.3, 0.0), vec2(0.44, 0.6)) > 0.0)
            part = PART_DARK;
    } else {
        float stride = pose == POSE_WALKING ? 0.22 * sin(t * 5.0) : 0.0;
        float y = clamp(q.y / 0.85, 0.0, 1.0);
        float l1 = abs(q.x + 0.09 * w - stride * (1.0 - y)), l2 = abs(q.x - 0.09 * w + stride * (1.0 - y));
        if (q.y >= 0.0 && q.y < 0.9 && min(l1, l2) < 0.07 * w) part = PART_DARK;
    }
    float y0 = 0.6 + lift, y1 = 1.45 + lift;
    float half_w = (0.19 + 0.07 * (y1 - q.y)) * w; // a coat widening to its hem
    if (q.y > y0 && q.y < y1 && abs(q.x) < half_w) part = PART_COAT;
    if (q.y > 0.85 + lift && q.y < y1 - 0.05 && abs(abs(q.x) - half_w - 0.03) < 0.055) part = PART_COAT;
    vec2 head = vec2(0.03, 1.6 + lift);
    if (disc(q, head, vec2(0.105, 0.125)) > 0.0) part = q.y > head.y + 0.05 ? PART_HAIR : PART_SKIN;
    if (beard > 0.0 && disc(q, head + vec2(0.02, -0.1), vec2(0.1, 0.07 + 0.09 * beard)) > 0.0 &&
        q.y < head.y - 0.02)
        part = PART_HAIR;
    return part;
}

// Four legs, a body, a head with ears and a tail: dog, cat and horse differ
// in proportions. Lying, the legs fold away.
int beast(vec2 q, int kind, int pose, float b, float t)
{
    // body half length, height of back, body half height, leg length, head size, neck
    vec4 d = kind == K_HORSE ? vec4(0.85, 1.45, 0.3, 1.05) : kind == K_CAT ? vec4(0.19, 0.28, 0.08, 0.18)
                                                                         : vec4(0.36, 0.6, 0.15, 0.38);
    float head = kind == K_HORSE ? 0.16 : kind == K_CAT ? 0.075 : 0.12;
    float w = 0.85 + 0.3 * b;
    if (pose == POSE_LYING || pose == POSE_SEATED) d.y = d.z * 2.0 * w, d.w = 0.0;
    vec2 body = vec2(0.0, d.y - d.z * w);
    int part = PART_NONE;
    // Shaggy edges: the outline wavers a little.
    float fur = kind == K_DOG ? 0.015 * sin(q.x * 90.0) * sin(q.y * 70.0) : 0.0;
    if (disc(q, body, vec2(d.x, d.z * w) + fur) > 0.0) part = PART_COAT;
    if (d.w > 0.0) {
        float sw = 0.06 * sin(t * 6.0) * (kind == K_HORSE ? 2.0 : 1.0);
        for (int i = 0; i < 4; i++) {
            float lx = (i < 2 ? -0.75 : 0.75) * d.x + (i % 2 == 0 ? -1.0 : 1.0) * 0.08 * d.x;
            if (abs(q.x - lx - sw * (1.0 - q.y / d.w) * (i % 2 == 0 ? 1.0 : -1.0)) < 0.1 * d.x + 0.012 &&
                q.y >= 0.0 && q.y < body.y)
                part = PART_COAT;
        }
    }
    vec2 hc = body + vec2(d.x * 0.95, d.z * 1.1 + (kind == K_HORSE ? 0.45 : 0.0));
    if (pose == POSE_LYING) hc = body + vec2(d.x * 1.05, d.z * 0.4);
    if (kind == K_HORSE) { // the neck up to the head, the head long and lowered
        vec2 a = body + vec2(d.x * 0.6, 0.0), v = hc - a;
        float h = clamp(dot(q - a, v) / dot(v, v), 0.0, 1.0);
        if (length(q - a - v * h) < 0.17) part = PART_COAT;
        if (disc(q, hc + vec2(0.18, -0.05), vec2(0.28, 0.12)) > 0.0) part = PART_COAT;
    }
    if (disc(q, hc, vec2(head * 1.1, head)) > 0.0) part = PART_COAT;
    if (kind != K_HORSE && disc(q, hc + vec2(head * 1.2, -head * 0.3), vec2(head * 0.7, head * 0.45)) > 0.0)
        part = PART_COAT;
    // Ears: a cat's pointed, a dog's hanging (darker), a horse's small.
    vec2 e = q - hc - vec2(-head * 0.2, head * 0.8);
    if (kind == K_CAT && e.y > 0.0 && e.y < head * 0.8 && abs(e.x) < head * 0.5 * (1.0 - e.y / (head * 0.8)))
        part = PART_COAT;
    if (kind == K_DOG && disc(q, hc + vec2(-head * 0.55, -head * 0.2), vec2(head * 0.35, head * 0.75)) > 0.0)
        part = PART_HAIR;
    // The tail: a cat's up, a dog's out, a horse's down.
    vec2 tq = q - body - vec2(-d.x * 0.95, d.z * 0.5);
    float tail = kind == K_CAT ? step(abs(tq.x + 0.02 * sin(tq.y * 20.0)), 0.018) * step(0.0, tq.y) * step(tq.y, 0.26)
               : kind == K_HORSE ? step(abs(tq.x + 0.1 + tq.y * 0.15), 0.07) * step(-0.8, tq.y) * step(tq.y, 0.05)
                                 : step(abs(tq.y - tq.x * -0.6 - 0.02 * sin(t * 8.0)), 0.035) * step(-0.3, tq.x) * step(tq.x, 0.0);
    if (tail > 0.0) part = PART_COAT;
    return part;
}

// Everything else: boats, lanterns, furniture, doors, stairs.
int thing(vec2 q, int kind, float t)
{
    if (kind == K_BIRD) { // perched: body, head, beak, tail
        if (disc(q, vec2(0.0, 0.13), vec2(0.11, 0.065)) + disc(q, vec2(0.09, 0.21), vec2(0.045, 0.045)) +
            box(q, vec2(-0.2, 0.1), vec2(-0.08, 0.13)) > 0.0)
            return PART_COAT;
        if (box(q, vec2(0.13, 0.2), vec2(0.18, 0.215)) + box(q, vec2(-0.01, 0.0), vec2(0.01, 0.07)) > 0.0)
            return PART_DARK;
        return PART_NONE;
    }
    if (kind == K_BOAT) { // a rowing boat: hull widening upwards, a dark gunwale, oars
        float hw = 1.3 + q.y * 1.6;
        if (q.y > 0.0 && q.y < 0.45 && abs(q.x) < hw) return q.y > 0.38 ? PART_DARK : PART_COAT;
        float oar = abs(q.y - 0.45 - (abs(q.x) - 1.4) * -0.35);
        if (oar < 0.03 && abs(q.x) > 0.9 && abs(q.x) < 2.4) return PART_DARK;
        return PART_NONE;
    }
    if (kind == K_LANTERN) { // a frame, glass with a flame, a handle
        if (abs(length(q - vec2(0.0, 0.3)) - 0.06) < 0.012 && q.y > 0.3) return PART_DARK;
        if (box(q, vec2(-0.055, 0.04), vec2(0.055, 0.22)) > 0.0) return PART_GLOW;
        if (box(q, vec2(-0.08, 0.0), vec2(0.08, 0.28)) > 0.0) return PART_COAT;
        return PART_NONE;
    }
    if (kind == K_DOOR) { // planks in a frame, an iron ring
        if (disc(q, vec2(0.3, 1.0), vec2(0.05, 0.05)) > 0.0) return PART_DARK;
        if (box(q, vec2(-0.5, 0.0), vec2(0.5, 2.0)) > 0.0)
            return fract(q.x * 5.0) < 0.07 ? PART_DARK : PART_COAT;
        if (box(q, vec2(-0.6, 0.0), vec2(0.6, 2.1)) > 0.0) return PART_DARK;
        return PART_NONE;
    }
    if (kind == K_STAIRS) { // steps rising across, each with a dark nosing
        float x = q.x + 1.0;
        if (x < 0.0 || x > 2.0 || q.y < 0.0) return PART_NONE;
        float top = (floor(x / 0.25) + 1.0) * 0.22;
        if (q.y > top) return PART_NONE;
        return top - q.y < 0.03 ? PART_DARK : PART_COAT;
    }
    if (kind == K_TABLE) {
        if (box(q, vec2(-0.75, 0.7), vec2(0.75, 0.78)) > 0.0) return PART_COAT;
        if (box(q, vec2(-0.7, 0.0), vec2(-0.63, 0.7)) + box(q, vec2(0.63, 0.0), vec2(0.7, 0.7)) > 0.0)
            return PART_DARK;
        return PART_NONE;
    }
    if (kind == K_BED) { // a frame, a blanket, a pillow, a headboard
        if (box(q, vec2(-1.0, 0.0), vec2(-0.92, 0.9)) + box(q, vec2(-1.0, 0.15), vec2(1.0, 0.32)) > 0.0)
            return PART_DARK;
        if (disc(q, vec2(-0.7, 0.42), vec2(0.2, 0.08)) > 0.0) return PART_SKIN;
        if (box(q, vec2(-0.5, 0.32), vec2(1.02, 0.48)) > 0.0) return PART_COAT;
        return PART_NONE;
    }
    if (kind == K_BARREL) { // bulging staves, two dark hoops
        float hw = 0.26 + 0.05 * sin(clamp(q.y / 0.8, 0.0, 1.0) * PI);
        if (q.y < 0.0 || q.y > 0.8 || abs(q.x) > hw) return PART_NONE;
        return abs(q.y - 0.15) < 0.03 || abs(q.y - 0.65) < 0.03 ? PART_DARK : PART_COAT;
    }
    if (kind == K_CHEST) { // a box, a rounded lid, a band and a lock
        if (box(q, vec2(-0.04, 0.25), vec2(0.04, 0.33)) > 0.0) return PART_GLOW;
        if (box(q, vec2(-0.4, 0.0), vec2(0.4, 0.35)) + disc(q, vec2(0.0, 0.35), vec2(0.4, 0.1)) > 0.0)
            return abs(q.y - 0.35) < 0.02 ? PART_DARK : PART_COAT;
        return PART_NONE;
    }
    if (kind == K_BELL) { // a flared bell under its yoke
        float y = q.y - 0.05;
        if (y > 0.0 && y < 0.5 && abs(q.x) < 0.11 + 0.17 * pow(1.0 - y / 0.5, 2.0)) return PART_COAT;
        if (box(q, vec2(-0.25, 0.55), vec2(0.25, 0.6)) > 0.0) return PART_DARK;
        return PART_NONE;
    }
    return PART_NONE;
}

// The part of subject `i` at q (its own plane, facing +x when facing > 0).
int subject_part(int i, vec2 q, float facing)
{
    vec4 a = u.subj[i * 4], b = u.subj[i * 4 + 1];
    int kind = int(a.x), pose = int(a.y);
    float size = max(b.z, 0.2);
    q /= size;
    q.x *= facing;
    float t = u.clock.x + float(i) * 1.7;
    if (kind == K_PERSON) return person(q, pose, b.w, u.subj[i * 4 + 2].w, t);
    if (kind == K_DOG || kind == K_CAT || kind == K_HORSE) return beast(q, kind, pose, b.w, t);
    return thing(q, kind, t);
}

// The colour of a part, lit by `light` (the glow shines by itself). The
// light's colour tints a subject only a little, so a yellow coat stays
// yellow by the fire and under the moon: one character, one look.
vec3 subject_colour(int i, int part, vec3 light)
{
    vec3 coat = u.subj[i * 4 + 2].rgb, hair = u.subj[i * 4 + 3].rgb;
    vec3 c = part == PART_COAT ? coat : part == PART_SKIN ? vec3(0.55, 0.36, 0.26)
           : part == PART_HAIR ? hair : vec3(0.04, 0.035, 0.03);
    if (part == PART_GLOW) return vec3(2.2, 1.4, 0.55);
    float level = dot(light, vec3(0.3, 0.5, 0.2));
    return c * mix(vec3(level), light, 0.3);
}

// Bounds of a subject's silhouette (metres, before its size): x half width, y top.
vec2 subject_bounds(int kind)
{
    return kind == K_HORSE || kind == K_BOAT ? vec2(2.5, 2.3) : kind == K_STAIRS ? vec2(1.05, 2.0)
         : kind == K_DOOR ? vec2(0.65, 2.15) : kind == K_BED ? vec2(1.05, 0.95) : vec2(0.8, 1.85);
}

#endif
