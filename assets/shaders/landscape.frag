#version 450
// landscape.frag — the procedural generator's one pass: a 2.5D place drawn as
// sky, a far range, three mid layers that stream towards a dollying camera,
// a landmark and a ground plane (land or water), then weather, light and
// grading, and finally a dissolve from the conditioning frame (the last
// frame shown) while a new scene takes over.
//
// Coordinates: p is the pixel in screen units, y up, |y| <= 0.5, x scaled
// by the same factor. A layer at depth d shows world column
// wx = cam.x + (p.x + yaw) * d, and a world height h appears at
// y = horizon + (h - cam height) / d.
#include "noise.glsl"
#include "scene_enums.glsl"
#include "scene_uniforms.glsl"

layout(set = 0, binding = 1) uniform sampler2D conditioning;
// Two pipelines are made from this shader: with ROOMS false the room code is
// compiled out, and outdoor frames do not pay for it (lavapipe runs every
// function it compiled into one shader more slowly). The generator picks the
// room pipeline with proc_draws_room() exactly for frames that are a room.
layout(constant_id = 0) const bool ROOMS = true;
layout(location = 0) out vec4 out_color;
// The depth of what the pixel shows (world units; 1e6 the sky, rooms too:
// their camera barely moves), written to alpha for the resolve pass.
float g_depth = 1e6;

const float PI = 3.14159265;
const float FAR_DEPTH = 220.0;
const float TOWER_DEPTH = 38.0;
#include "subjects.glsl"

// What a setting looks like, as numbers, so two settings blend by mixing
// their looks (one render, not two).
struct Look {
    float far_h, far_ridge, mid_h, dunes;
    float trees, conifer, buildings, rocks;
    float water, beach, snowcap, cave, space, fire;
    vec3 far_col, mid_col, ground_col;
};

Look look_of(int s)
{
    Look l = Look(3.0, 0.2, 1.2, 0.0, 0.12, 0.3, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                  vec3(0.20, 0.28, 0.22), vec3(0.10, 0.20, 0.06), vec3(0.16, 0.30, 0.07));
    if (s == MZ_SETTING_SEA) { // sea
        l.far_h = 2.5; l.mid_h = 0.0; l.trees = 0.0; l.water = 1.0; l.beach = 1.0;
        l.far_col = vec3(0.22, 0.24, 0.26); l.ground_col = vec3(0.02, 0.07, 0.10);
    } else if (s == MZ_SETTING_FOREST) { // forest
        l.far_h = 5.0; l.mid_h = 0.8; l.trees = 1.0; l.conifer = 0.8;
        l.far_col = vec3(0.10, 0.18, 0.14); l.mid_col = vec3(0.04, 0.10, 0.04);
        l.ground_col = vec3(0.05, 0.09, 0.03);
    } else if (s == MZ_SETTING_DESERT) { // desert
        l.far_h = 4.0; l.far_ridge = 0.5; l.mid_h = 2.2; l.dunes = 1.0; l.trees = 0.0;
        l.far_col = vec3(0.50, 0.32, 0.20); l.mid_col = vec3(0.62, 0.40, 0.19);
        l.ground_col = vec3(0.60, 0.40, 0.20);
    } else if (s == MZ_SETTING_MOUNTAINS) { // mountains
        l.far_h = 30.0; l.far_ridge = 1.0; l.mid_h = 7.0; l.trees = 0.25; l.conifer = 1.0;
        l.snowcap = 0.55; l.rocks = 0.2;
        l.far_col = vec3(0.30, 0.33, 0.40); l.mid_col = vec3(0.16, 0.18, 0.14);
        l.ground_col = vec3(0.18, 0.22, 0.10);
    } else if (s == MZ_SETTING_CITY) { // city
        l.far_h = 1.0; l.mid_h = 0.0; l.trees = 0.05; l.buildings = 1.0;
        l.water = 0.2 + 0.4 * u.weather.x; // wet streets mirror the lit windows
        l.far_col = vec3(0.16, 0.17, 0.20); l.mid_col = vec3(0.13, 0.13, 0.15);
        l.ground_col = vec3(0.07, 0.07, 0.08);
    } else if (s == MZ_SETTING_INTERIOR) { // interior: a cave opening on the outside (rooms: room())
        l.cave = u.view.w; l.fire = 0.7 * u.view.w; l.far_h = 3.0;
        l.ground_col = vec3(0.12, 0.09, 0.07);
    } else if (s == MZ_SETTING_SPACE) { // space, the moon
        l.space = 1.0; l.far_h = 3.0; l.far_ridge = 0.6; l.mid_h = 0.6; l.trees = 0.0;
        l.far_col = vec3(0.35, 0.35, 0.36); l.mid_col = vec3(0.42, 0.42, 0.43);
        l.ground_col = vec3(0.40, 0.40, 0.41);
    } else if (s == MZ_SETTING_SNOW) { // snowfield
        l.far_h = 16.0; l.far_ridge = 0.8; l.mid_h = 1.4; l.trees = 0.15; l.conifer = 1.0;
        l.snowcap = 1.0;
        l.far_col = vec3(0.70, 0.75, 0.85); l.mid_col = vec3(0.85, 0.88, 0.95);
        l.ground_col = vec3(0.90, 0.93, 1.00);
    } else if (s == MZ_SETTING_LAKE) { // lake, river
        l.far_h = 6.0; l.far_ridge = 0.4; l.mid_h = 0.5; l.trees = 0.7; l.conifer = 0.6;
        l.water = 1.0;
        l.far_col = vec3(0.14, 0.20, 0.18); l.mid_col = vec3(0.05, 0.11, 0.05);
        l.ground_col = vec3(0.03, 0.08, 0.08);
    }
    return l;
}

Look mix_look(Look a, Look b, float t)
{
    Look m;
    m.far_h = mix(a.far_h, b.far_h, t); m.far_ridge = mix(a.far_ridge, b.far_ridge, t);
    m.mid_h = mix(a.mid_h, b.mid_h, t); m.dunes = mix(a.dunes, b.dunes, t);
    m.trees = mix(a.trees, b.trees, t); m.conifer = mix(a.conifer, b.conifer, t);
    m.buildings = mix(a.buildings, b.buildings, t); m.rocks = mix(a.rocks, b.rocks, t);
    m.water = mix(a.water, b.water, t); m.beach = mix(a.beach, b.beach, t); m.snowcap = mix(a.snowcap, b.snowcap, t);
    m.cave = mix(a.cave, b.cave, t); m.space = mix(a.space, b.space, t);
    m.fire = mix(a.fire, b.fire, t);
    m.far_col = mix(a.far_col, b.far_col, t); m.mid_col = mix(a.mid_col, b.mid_col, t);
    m.ground_col = mix(a.ground_col, b.ground_col, t);
    return m;
}

// ---------------------------------------------------------------- light
struct Sky {
    float sun_e, night, day, golden;
    vec2 sun, moon;        // screen positions relative to the horizon
    vec3 zenith, horizon;  // sky colours
    vec3 sun_col, ambient; // light on the land
};

Sky make_sky(float hours, float storm, float cloud, Look l)
{
    Sky s;
    float a = (hours - 6.5) / 13.0 * PI;
    s.sun_e = sin(a);
    s.day = smoothstep(-0.12, 0.35, s.sun_e);
    s.night = 1.0 - smoothstep(-0.28, 0.02, s.sun_e);
    s.golden = exp(-s.sun_e * s.sun_e / 0.035) * (1.0 - s.night * 0.7);
    s.sun = vec2((hours - 12.75) / 6.5 * 0.55, s.sun_e * 0.42);
    float mh = mod(hours + 12.0, 24.0);
    s.moon = vec2((mh - 12.75) / 6.5 * 0.55 + 0.25, max(-s.sun_e, 0.05) * 0.36 + 0.04);
    vec3 zen_day = vec3(0.10, 0.27, 0.75), hor_day = vec3(0.55, 0.70, 0.92);
    vec3 zen_gold = vec3(0.16, 0.15, 0.38), hor_gold = vec3(1.10, 0.42, 0.12);
    vec3 zen_night = vec3(0.004, 0.008, 0.03), hor_night = vec3(0.02, 0.035, 0.08);
    s.zenith = mix(zen_night, zen_day, s.day);
    s.horizon = mix(hor_night, hor_day, s.day);
    s.zenith = mix(s.zenith, zen_gold, s.golden * 0.6);
    s.horizon = mix(s.horizon, hor_gold, s.golden);
    vec3 grey = vec3(dot(s.horizon, vec3(0.3, 0.5, 0.2)));
    float overcast = clamp(storm * 0.8 + max(cloud - 0.6, 0.0) + u.weather.x * 0.45, 0.0, 1.0);
    s.zenith = mix(s.zenith, grey * 0.5, overcast);
    s.horizon = mix(s.horizon, grey * 0.8, overcast * 0.8);
    s.sun_col = mix(vec3(1.0, 0.93, 0.82), vec3(1.2, 0.5, 0.2), s.golden) *
                u.light.x * s.day * (1.0 - 0.7 * overcast);
    vec3 moon_col = vec3(0.10, 0.13, 0.20) * u.light.y * s.night;
    s.sun_col += moon_col;
    s.ambient = mix(s.horizon, s.zenith, 0.5) * 0.9 + vec3(0.004, 0.006, 0.012);
    // Space has no air: black sky, hard light.
    s.zenith = mix(s.zenith, vec3(0.0), l.space);
    s.horizon = mix(s.horizon, vec3(0.005, 0.005, 0.01), l.space);
    s.ambient = mix(s.ambient, vec3(0.03), l.space);
    return s;
}

vec3 fog_colour(Sky s)
{
    return mix(s.horizon, vec3(dot(s.horizon, vec3(0.33))), 0.3) + s.sun_col * 0.05;
}

// ------------------------------------------------------------------ sky
float cloud_cover(vec2 q, float e, int octaves)
{
    float seed = u.setting.w;
    float z = 1.0 / (e + 0.06);
    vec2 cp = vec2(q.x * z, z) * 0.55 + vec2(u.clock.x * (0.02 + 0.12 * u.sky.w) + seed, 0.0);
    float n = fbm2(cp, octaves);
    float cover = u.sky.y * 0.75 + u.weather.z * 0.3 + u.weather.x * 0.3;
    return smoothstep(1.0 - cover, 1.0 - cover + 0.35, n) * smoothstep(0.0, 0.12, e);
}

vec3 sky_colour(vec2 q, float e, Sky s, Look l, bool full)
{
    float h = clamp(e / 0.45, 0.0, 1.0);
    vec3 c = mix(s.horizon, s.zenith, pow(h, 0.6));
    // Glow around the sun and its disc.
    vec2 ds = q - s.sun;
    float d = length(ds);
    c += s.sun_col * (0.35 * exp(-d * 6.0) + 0.5 * s.golden * exp(-d * 2.5) * (1.0 - h));
    c += s.sun_col * 8.0 * fall(0.026, 0.032, d);
    float m = length(q - s.moon);
    float moon_up = u.light.y * s.night;
    c += vec3(0.9, 0.92, 1.0) * moon_up * fall(0.02, 0.024, m) * 1.5;
    c += vec3(0.15, 0.18, 0.3) * moon_up * exp(-m * 12.0);
    if (!full) return c;
    // Stars: brighter and denser in space.
    float stars = max(u.el1.x, s.night * 0.6) * (1.0 - s.day) + l.space;
    if (stars > 0.01) {
        vec2 g = q * 90.0;
        vec2 cell = floor(g);
        float hs = hash12(cell + 11.0 * u.setting.w);
        float thresh = 0.985 - 0.03 * l.space - 0.01 * u.el1.x;
        if (hs > thresh) {
            vec2 at = hash22(cell) * 0.8 + 0.1;
            float tw = 0.6 + 0.4 * sin(u.clock.x * (2.0 + hs * 5.0) + hs * 40.0);
            float star = fall(0.0, 0.16, length(g - cell - at)) * tw;
            c += vec3(0.9, 0.92, 1.0) * star * stars * (hs - thresh) / (1.0 - thresh) * 3.0;
        }
        if (l.space > 0.01) { // the galaxy's band
            float band_y = q.y - 0.2 * q.x - 0.1;
            float milky = fbm2(q * 5.0 + 3.0, 3) * exp(-band_y * band_y * 30.0);
            c += vec3(0.25, 0.18, 0.32) * milky * milky * l.space;
            // A planet hangs in the black, lit from the sun's side; its
            // place and bands come from the seed.
            vec2 pc = vec2(-0.45 + 0.9 * fract(u.setting.w * 0.013), 0.22);
            float pr = 0.13;
            vec2 d = (q - pc) / pr;
            float r2 = dot(d, d);
            if (r2 < 1.3) {
                vec3 n = vec3(d, sqrt(max(1.0 - r2, 0.0)));
                vec3 to_sun = normalize(vec3(s.sun.x - pc.x, 0.3, 0.4));
                float lit = max(dot(n, to_sun), 0.0);
                float bands = fbm2(vec2(d.y * 4.0 + u.setting.w, d.x * 0.6), 3);
                vec3 surface = mix(vec3(0.15, 0.3, 0.6), vec3(0.8, 0.75, 0.6), smoothstep(0.45, 0.65, bands));
                float disc = fall(0.98, 1.0, r2);
                c = mix(c, surface * (0.03 + 1.2 * lit), disc * l.space);
                float rim = exp(-abs(sqrt(r2) - 1.0) * 25.0) * (0.3 + lit);
                c += vec3(0.3, 0.5, 1.0) * rim * 0.5 * l.space;
            }
        }
    }
    // Clouds, lit by the sun from behind the viewer, dark in storms.
    if (e > 0.0 && u.sky.y + u.weather.z + u.weather.x > 0.02) {
        float a = cloud_cover(q, e, full ? 3 : 2) * (1.0 - l.space);
        vec3 lit = s.ambient * 1.2 + s.sun_col * 0.7;
        lit = mix(lit, s.ambient * 0.35, u.weather.z * 0.8);
        lit += s.sun_col * s.golden * exp(-length(ds) * 3.0) * 1.5;
        c = mix(c, lit, a * 0.9);
    }
    return c;
}

// --------------------------------------------------------------- terrain
// Heights of one layer at world column wx, split by what makes them, so the
// pixel knows what it is looking at.
struct Column {
    float land, trees, buildings;
    float rock; // height of bare rock on top of the land here
};

float dune(float x)
{
    float f = fract(x + 0.25 * noise1(x * 0.7));
    return f < 0.72 ? pow(f / 0.72, 1.6) : pow((1.0 - f) / 0.28, 0.7);
}

// Only the noise a look needs is evaluated: every octave is a cost on CPUs.
float mid_land(Look l, float x)
{
    float hills = 0.0, dunes = 0.0;
    if (l.dunes < 0.99) hills = terrain1(x * 0.045, 3, l.far_ridge);
    if (l.dunes > 0.01) dunes = dune(x * 0.035) * 0.8 + 0.2 * noise1(x * 0.2);
    return l.mid_h * mix(hills, dunes, l.dunes);
}

// The tallest a mid layer can be: rays above it need no noise at all.
float mid_bound(Look l)
{
    return l.mid_h + 5.0 * max(l.trees, u.el0.x) + 30.0 * max(l.buildings, u.el0.y) +
           3.6 * max(l.rocks, u.el1.z);
}

Column mid_column(Look l, float wx, float id, float sink, float d)
{
    Column c;
    float x = wx + id * 91.7 + u.setting.w;
    c.land = l.mid_h > 0.01 ? mid_land(l, x) * sink : 0.0;
    // Boulders and outcrops: lumps of bare rock on the land.
    c.rock = 0.0;
    float rock_d = max(l.rocks, u.el1.z);
    if (rock_d > 0.01) {
        float share = rock_d * 0.45;
        float lump = max(noise1(x * 0.9 + 3.0) - (1.0 - share), 0.0) / share;
        c.rock = sqrt(smoothstep(0.0, 1.0, lump)) * 2.2 * sink; // rounded, with sloping feet
        c.land += c.rock;
    }
    c.trees = 0.0;
    c.buildings = 0.0;
    float tree_d = max(l.trees, u.el0.x);
    if (tree_d > 0.01) {
        float cw = 1.3;
        float cell = floor(x / cw);
        float fx = x / cw - cell;
        float best = 0.0;
        for (int k = 0; k < 2; k++) {
            float cc = cell + (fx > 0.5 ? float(k) : -float(k));
            float hh = hash11(cc * 1.37 + id);
            if (hh > tree_d) continue;
            float center = cc + 0.2 + 0.6 * hash11(cc + 7.1);
            float dx = abs(x / cw - center);
            float th = (2.2 + 2.6 * hash11(cc * 3.1)) * (0.7 + 0.3 * tree_d);
            float cone = th * (1.0 - dx / 0.62) + 0.25 * th * step(0.5, fract((1.0 - dx) * 3.0)) * (1.0 - dx);
            // Broadleaf: a dome of crowns rising from the ground.
            float round_ = th * 0.8 * sqrt(max(0.0, 1.0 - dx * dx / 0.38)) * (0.9 + 0.2 * noise1(x * 4.0));
            best = max(best, mix(round_, cone, l.conifer));
        }
        c.trees = c.land + best * sink;
    }
    float bld_d = max(l.buildings, u.el0.y);
    if (bld_d > 0.01) {
        float bw = 3.2;
        float cell = floor(x / bw);
        float hb = hash11(cell * 2.71 + id);
        if (hb < bld_d * 0.95) {
            float fx = x / bw - cell;
            // Near blocks stay low enough to leave sky; far ones tower.
            float top = (3.0 + min(26.0, 4.0 + d * 0.3) * pow(hash11(cell * 5.3), 2.0)) * (0.4 + 0.6 * bld_d);
            float step_in = 0.12 + 0.2 * hash11(cell + 3.0);
            float inset = fx > step_in && fx < 1.0 - step_in ? 1.0 : 0.82;
            float gap = fx > 0.06 && fx < 0.94 ? 1.0 : 0.0;
            c.buildings = c.land + top * inset * gap * sink;
        }
    }
    return c;
}

float far_height(Look l, float wx)
{
    float x = wx * 0.012 + u.setting.w * 0.37;
    float h = terrain1(x * 0.9, 3, l.far_ridge);
    return l.far_h * h + l.buildings * 6.0 *
           step(0.35, hash11(floor(wx * 0.25))) * hash11(floor(wx * 0.25) + 9.0);
}

// Colour of a hit on a layer: material, light from the sun side, fog.
vec3 shade_layer(vec3 mat, float depth, float rel_h, Sky s, vec3 fogc, float fog_density)
{
    vec3 lit = mat * (s.ambient * 0.5 + s.sun_col * 0.8 * (0.6 + 0.4 * rel_h));
    float f = 1.0 - exp(-depth * fog_density);
    // Ground haze: lower parts of a layer sit deeper in the mist.
    f = clamp(f + (1.0 - rel_h) * u.sky.z * 0.25, 0.0, 1.0);
    return mix(lit, fogc, f);
}

// ---------------------------------------------------------------- scene
struct Hit {
    float depth;
    vec3 col;
};

vec3 window_light(float wx, float wy, float id, float night)
{
    vec2 g = vec2(wx * 1.6, wy * 1.3);
    vec2 cell = floor(g);
    vec2 f = fract(g);
    float inside = step(0.25, f.x) * step(f.x, 0.75) * step(0.3, f.y) * step(f.y, 0.8);
    float lit_share = clamp(u.light.z * 0.5 + 0.55 * night, 0.0, 0.85);
    float on = step(hash12(cell + id * 13.0), lit_share);
    return vec3(1.0, 0.72, 0.35) * inside * on * 1.6;
}

// Nearest mid layer (or the far range) that covers screen point p, above
// the ground at ground_t.
Hit layers(vec2 p, float hz, float ground_t, Look l, Sky s, vec3 fogc, float fogd)
{
    Hit h;
    h.depth = 1e9;
    h.col = vec3(0.0);
    float yaw = u.cam.w, camh = u.cam.z;
    float bound = mid_bound(l);
    for (int i = 0; i < 3; i++) {
        float d = u.mid_depth[i];
        if (d > ground_t) break;
        float wx = u.cam.x + (p.x + yaw) * d;
        float sink = smoothstep(u.view.x, u.view.y, d);
        float wy = camh + (p.y - hz) * d; // world height at this pixel
        if (wy > bound) continue;
        Column c = mid_column(l, wx, u.mid_id[i], sink, d);
        float top = max(c.land, max(c.trees, c.buildings));
        if (wy >= top || top <= 0.001) continue;
        vec3 mat = l.mid_col;
        float rel = clamp(wy / max(top, 0.01), 0.0, 1.0);
        vec3 glow = vec3(0.0);
        if (wy < c.land) {
            // Sun-facing slopes lighter: one more sample gives the slope.
            // Dunes show their sunny and shaded faces: one more sample of
            // the land gives the slope (only there: it costs a noise).
            if (l.dunes > 0.01) {
                float x = wx + u.mid_id[i] * 91.7 + u.setting.w;
                float slope = mid_land(l, x + 0.4) * sink - (c.land - c.rock);
                float side = clamp((s.sun.x - p.x) * 3.0, -1.0, 1.0);
                mat *= mix(1.0, 0.85 + 0.6 * clamp(slope * side * 2.0, -0.5, 0.6), l.dunes);
            }
            mat = mix(mat, vec3(0.92, 0.95, 1.0), l.snowcap * smoothstep(0.5, 0.8, wy / max(l.mid_h, 0.1)));
            float on_rock = step(c.land - c.rock, wy) * step(0.01, c.rock);
            mat = mix(mat, vec3(0.22, 0.21, 0.2) * (0.6 + 0.7 * noise2(vec2(wx, wy) * 1.7)), on_rock);
        } else if (wy < c.buildings && c.buildings > c.trees) {
            mat = vec3(0.12, 0.12, 0.14) + 0.05 * hash11(floor((wx + u.mid_id[i] * 7.0) / 3.2));
            glow = window_light(wx, wy, u.mid_id[i], s.night);
        } else {
            mat = mix(vec3(0.05, 0.13, 0.05), vec3(0.03, 0.08, 0.05), l.conifer);
            // Snow on the boughs: lighter towards the top of each tree.
            mat = mix(mat, vec3(0.8, 0.85, 0.9), l.snowcap * 0.6 * smoothstep(0.3, 1.0, rel));
        }
        h.depth = d;
        float f = 1.0 - exp(-d * fogd);
        h.col = shade_layer(mat, d, rel, s, fogc, fogd) + glow * (1.0 - f);
        return h;
    }
    // The far range.
    float wx = u.cam.x * 0.2 + (p.x + yaw) * FAR_DEPTH;
    float wy = (p.y - hz) * FAR_DEPTH * 0.25;
    float top = wy < l.far_h + l.buildings * 6.0 ? far_height(l, wx) : 0.0;
    if (wy < top) {
        h.depth = FAR_DEPTH;
        float rel = clamp(wy / max(top, 0.01), 0.0, 1.0);
        vec3 mat = l.far_col * (0.8 + 0.4 * noise1(wx * 0.02));
        float snow_line = mix(0.75, 0.35, l.snowcap);
        mat = mix(mat, vec3(0.9, 0.93, 1.0), l.snowcap * smoothstep(snow_line, snow_line + 0.05, wy / max(l.far_h, 0.1)));
        h.col = shade_layer(mat, FAR_DEPTH * 0.5, rel, s, fogc, fogd);
        // City skylines keep lit windows at night, even far away.
        if (l.buildings > 0.1 && wy > 0.05)
            h.col += window_light(wx * 2.0, wy * 3.0, 5.0, s.night) * 0.4 * l.buildings;
    }
    return h;
}

// The landmark: a lighthouse / tower standing on a rock, placed by its
// entity seed so it keeps its look and place across scenes.
Hit tower(vec2 p, float hz, Sky s, vec3 fogc, float fogd, out vec2 lamp)
{
    Hit h;
    h.depth = 1e9;
    h.col = vec3(0.0);
    float d = TOWER_DEPTH;
    float seed = u.grade.z;
    float height = 9.0 + 5.0 * seed;
    float lx = (u.light2.w - u.cam.x) / d - u.cam.w;
    float base = hz - u.cam.z / d;
    float top = hz + (height - u.cam.z) / d;
    lamp = vec2(lx, top + 0.9 / d);
    float w = (1.3 + 0.4 * seed) / d;
    float y = (p.y - base) / (top - base); // 0 at the foot, 1 at the gallery
    float half_w = w * mix(1.0, 0.62, clamp(y, 0.0, 1.0));
    float dx = abs(p.x - lx);
    // The rock it stands on.
    float rock = base + (2.2 - 2.2 * dx * d / 6.0 + 0.5 * noise1(p.x * d * 1.5)) / d;
    vec3 col = vec3(0.0);
    bool hit = false;
    if (dx < 6.0 / d && p.y < rock && p.y > base - 0.3 / d) {
        col = vec3(0.09, 0.085, 0.08) * (0.7 + 0.6 * noise1(p.x * d * 4.0 + p.y * d * 3.0));
        hit = true;
    } else if (y >= 0.0 && y <= 1.0 && dx < half_w) {
        float stripes = step(0.5, fract(y * (2.0 + floor(seed * 3.0))));
        col = mix(vec3(0.85, 0.84, 0.80), vec3(0.55, 0.08, 0.06), stripes * step(0.3, seed));
        col *= 0.7 + 0.5 * (1.0 - dx / half_w) * step(s.sun.x, lx) + 0.2;
        hit = true;
    } else if (y > 1.0 && p.y < lamp.y + 0.5 / d && dx < w * 0.65) {
        col = vec3(0.05); // gallery and lantern room
        float glass = step(lamp.y - 0.45 / d, p.y) * step(p.y, lamp.y + 0.35 / d);
        col += glass * vec3(1.0, 0.9, 0.6) * (0.5 + 2.0 * u.light2.x);
        hit = true;
    } else if (y > 1.0 && p.y < lamp.y + 1.0 / d && dx < w * 0.55 * (1.0 - (p.y - lamp.y - 0.5 / d) * d / 0.5)) {
        col = vec3(0.05, 0.05, 0.06); // roof
        hit = true;
    }
    if (hit) {
        h.depth = d;
        h.col = shade_layer(col, d, 0.8, s, fogc, fogd);
        h.col += col * step(0.9, col.r + col.g) * u.light2.x; // lamp glass stays bright
    }
    return h;
}

vec3 ground(vec2 p, float t, float hz, Look l, Sky s, vec3 fogc, float fogd, Hit mirror_far)
{
    float gx = u.cam.x + (p.x + u.cam.w) * t;
    float gz = u.cam.y + t;
    float seed = u.setting.w;
    // Land: texture in world space so it streams past a dollying camera.
    float n = noise2(vec2(gx, gz * 0.5) * 0.35 + seed);
    float n2 = noise2(vec2(gx, gz) * 1.7 + seed);
    vec3 land = l.ground_col * (0.6 + 0.6 * n + 0.3 * n2);
    // Moon craters.
    if (l.space > 0.01)
        land *= 1.0 - l.space * 0.35 * smoothstep(0.55, 0.75, noise2(vec2(gx, gz) * 0.4));
    // (In space, earthlight keeps the ground from going black.)
    land = land * (s.ambient * 0.45 + s.sun_col * 1.0 + vec3(0.1, 0.11, 0.13) * l.space);
    // Streets at night: the glow of lamps along the foot of the buildings.
    if (l.buildings > 0.01)
        land += vec3(1.0, 0.55, 0.25) * l.buildings * (0.1 + s.night) * exp(-(hz - p.y) * 14.0) * 0.25;
    vec3 col = land;
    // A sea has a beach in front: sand, wet sand, a line of foam.
    float shore = 0.0, beach = 0.0;
    if (l.beach > 0.01) {
        shore = 5.5 + 2.5 * noise1(gx * 0.15 + seed) + 0.4 * sin(u.clock.x * 0.8 + gx * 0.3);
        beach = l.beach * step(t, shore);
    }
    if (l.water > 0.01) {
        // Waves: a few travelling sines and one noise, differentiated by hand.
        float ti = u.clock.x * (0.8 + u.sky.w);
        vec2 w = vec2(gx, gz);
        float k1 = 0.9, k2 = 1.7, k3 = 3.1;
        vec2 g = vec2(0.0);
        g += vec2(0.3, 1.0) * k1 * cos(dot(w, vec2(0.3, 1.0)) * k1 + ti * 1.1) * 0.5;
        g += vec2(-0.6, 0.8) * k2 * cos(dot(w, vec2(-0.6, 0.8)) * k2 + ti * 1.7) * 0.25;
        g += vec2(0.8, 0.6) * k3 * cos(dot(w, vec2(0.8, 0.6)) * k3 + ti * 2.3) * 0.12;
        g.x += (noise2(w * 0.8 + vec2(ti * 0.3, 0.0)) - 0.5) * 1.2;
        float rough = (0.06 + 0.08 * u.sky.w + 0.1 * u.weather.z) / (1.0 + t * 0.02);
        float e = hz - p.y; // the mirrored elevation
        vec2 rq = vec2(p.x + u.cam.w + g.x * rough * 0.5, e + g.y * rough * e * 2.0);
        vec3 refl = sky_colour(rq, max(rq.y, 0.0), s, l, false);
        if (mirror_far.depth < 1e8) refl = mix(refl, mirror_far.col * 0.8, 0.9);
        float fres = 0.04 + 0.96 * pow(1.0 - clamp(e * 4.0, 0.0, 1.0), 5.0);
        vec3 deep = l.ground_col * (s.ambient + s.sun_col * 0.3);
        vec3 water = mix(deep, refl, clamp(fres + 0.25, 0.0, 1.0));
        // Sun (or moon) glitter in a column below it.
        vec2 light_at = s.sun.y > -0.02 ? s.sun : s.moon;
        float col_w = 0.02 + e * 0.6;
        float glint = exp(-abs(p.x - light_at.x) / col_w) * smoothstep(0.3, 0.9, noise2(w * 3.0 + ti));
        water += (s.sun_col + vec3(0.4, 0.45, 0.6) * u.light.y * s.night) * glint * 1.2;
        // Foam near the shore line of the camera.
        water += vec3(0.5) * smoothstep(0.75, 0.95, n2) * exp(-t * 0.25) * 0.3;
        vec3 sand = vec3(0.55, 0.45, 0.32) * (0.7 + 0.4 * n2) * (s.ambient * 0.45 + s.sun_col);
        sand = mix(sand, sand * 0.6, smoothstep(shore - 1.5, shore, t)); // wet near the water
        sand += vec3(0.7) * smoothstep(shore - 0.25, shore, t) * (s.day + 0.3 * s.night) * 0.6;
        col = mix(land, mix(water, sand, beach), l.water);
    }
    float f = 1.0 - exp(-t * fogd);
    return mix(col, fogc, f);
}

vec3 fire_glow(vec2 p, vec2 at, float size, float amount, out float flame)
{
    float ti = u.clock.x;
    vec2 q = (p - at) / size;
    // Rising turbulence bends the flame into tongues that flicker upwards.
    float turb = fbm2(vec2(q.x * 3.0, q.y * 2.0 - ti * 4.0), 2);
    float y = q.y + 0.1;
    float bend = (turb - 0.5) * 0.5 * y;
    float width = 0.8 * sqrt(max(y, 0.0)) * max(1.0 - y / (1.1 + 0.5 * turb), 0.0);
    float inside = fall(width * 0.3, width + 0.02, abs(q.x - bend));
    // Heat: white-yellow low in the middle, orange and fading at the tips.
    flame = inside * step(0.0, y) * amount * clamp(1.2 - y * 0.8, 0.0, 1.0);
    // Logs under it.
    float logs = step(abs(q.y + 0.05 - 0.15 * abs(q.x)), 0.06) * step(abs(q.x), 0.45);
    flame = max(flame, 0.0) - logs * 2.0;
    float flick = 0.8 + 0.2 * noise1(ti * 7.0);
    return vec3(1.0, 0.45, 0.12) * amount * flick * 0.9 * exp(-length(p - at) * 3.0);
}

// ------------------------------------------------------------------ rooms
// A built room, ray-cast as a box around the camera so its walls stand
// straight in true perspective: stone walls, floor planks, beams across the
// ceiling, a window in the back wall onto the sky and weather, a hearth in a
// side wall, a lamp, and the light of each pooling with distance.
const vec3 ROOM = vec3(2.6, 2.6, 5.6); // half width, height, depth

// Diffuse light from a point: Lambert, with a falloff that keeps near
// surfaces from burning out.
vec3 point_light(vec3 pos, vec3 n, vec3 at, vec3 col)
{
    vec3 d = at - pos;
    float r2 = dot(d, d);
    return col * max(dot(n, d * inversesqrt(r2)), 0.0) / (0.4 + r2);
}

// Courses of stone blocks on a wall, (x along, y up): colour and mortar.
vec3 stone_wall(vec2 w, float seed)
{
    float row = floor(w.y / 0.34);
    vec2 b = vec2(w.x / 0.62 + 0.5 * mod(row, 2.0) + 0.3 * hash11(row + seed), w.y / 0.34);
    vec2 cell = floor(b);
    vec2 f = fract(b);
    float mortar = fall(0.0, 0.07, min(min(f.x, 1.0 - f.x) * 0.62, min(f.y, 1.0 - f.y) * 0.34) - 0.012);
    float hb = hash12(cell + seed);
    vec3 c = mix(vec3(0.30, 0.27, 0.23), vec3(0.42, 0.40, 0.36), hb) * (0.8 + 0.35 * noise2(w * 9.0));
    return mix(c, vec3(0.10, 0.09, 0.08), mortar);
}

// Planks running along x, `width` wide, ends staggered.
vec3 planks(vec2 w, float width, vec3 wood)
{
    float row = floor(w.y / width);
    float len = 1.6 + hash11(row) * 1.2;
    float seg = floor(w.x / len + hash11(row + 3.0));
    float gap = fall(0.0, 0.05, min(fract(w.y / width), 1.0 - fract(w.y / width)) - 0.03) *
                fall(0.0, 0.01, abs(fract(w.x / len + hash11(row + 3.0)) - 0.5) - 0.49);
    float grain = noise2(vec2(w.x * 1.5, w.y * 40.0) + row * 7.0);
    vec3 c = wood * (0.75 + 0.5 * hash12(vec2(row, seg))) * (0.8 + 0.3 * grain);
    return c * (0.35 + 0.65 * gap);
}

// A seated figure facing the fire, as a silhouette in the plane z = 0 of
// its own (x, y) coordinates: chair back, head, shoulders, knees.
float sitter(vec2 q)
{
    float chair = step(abs(q.x - 0.28), 0.05) * step(0.0, q.y) * step(q.y, 1.15) +
                  step(abs(q.x), 0.3) * step(abs(q.y - 0.45), 0.05) +
                  step(abs(q.x + 0.25), 0.04) * step(0.0, q.y) * step(q.y, 0.45);
    float body = step(length((q - vec2(0.08, 0.78)) / vec2(0.2, 0.3)), 1.0);
    float head = step(length(q - vec2(0.02, 1.16)), 0.12);
    float legs = step(abs(q.y - 0.5), 0.08) * step(-0.3, q.x) * step(q.x, 0.15) +
                 step(abs(q.x + 0.28), 0.06) * step(0.0, q.y) * step(q.y, 0.52);
    return clamp(chair + body + head + legs, 0.0, 1.0);
}

vec3 room(vec2 p, Sky s, Look l)
{
    float ti = u.clock.x, seed = u.setting.w;
    float side = fract(seed * 0.37) < 0.5 ? -1.0 : 1.0; // the hearth's wall
    // The camera breathes about a spot by the front wall, a little towards
    // the hearth so it stays in view; a pan turns it a little.
    vec3 ro = vec3(0.25 * sin(ti * 0.07 + seed) + 0.35 * side, 1.5 + 0.04 * sin(ti * 0.11),
                   0.7 + 0.35 * sin(ti * 0.05));
    float yaw = 0.2 * sin(u.cam.w) + 0.04 * sin(ti * 0.09 + 1.0);
    vec3 rd = normalize(vec3(p.x, p.y + 0.05, 1.0));
    rd.xz = vec2(rd.x * cos(yaw) + rd.z * sin(yaw), rd.z * cos(yaw) - rd.x * sin(yaw));

    // The box: nearest of side wall, floor or ceiling, back wall.
    float tx = abs(rd.x) > 1e-4 ? (sign(rd.x) * ROOM.x - ro.x) / rd.x : 1e9;
    float ty = abs(rd.y) > 1e-4 ? ((rd.y > 0.0 ? ROOM.y : 0.0) - ro.y) / rd.y : 1e9;
    float tz = (ROOM.z - ro.z) / max(rd.z, 1e-4);
    float t = min(tx, min(ty, tz));
    vec3 h = ro + rd * t;
    vec3 n;
    vec3 mat;
    vec3 emit = vec3(0.0);
    vec4 edge = vec4(ROOM.x - abs(h.x), h.y, ROOM.y - h.y, ROOM.z - h.z);

    // Where things are: the window in the back wall, the hearth in a side wall.
    float win_x = (hash11(floor(seed) + 0.5) - 0.5) * 1.6;
    vec2 win_half = vec2(0.55, 0.6);
    float win_y = 1.55;
    float hearth_z = 4.3 + 0.4 * hash11(floor(seed) + 2.5);
    float fire = u.light.w;
    float flick = 0.75 + 0.25 * noise1(ti * 7.0) * noise1(ti * 3.1 + 5.0) * 2.0;
    vec3 fire_pos = vec3(side * (ROOM.x - 0.35), 0.35, hearth_z);
    // A lamp when asked for, and a candle's worth when nothing else lights the room.
    float lamp = max(u.light.z, 0.35 * (1.0 - fire) * (1.0 - s.day));
    vec3 lamp_pos = vec3(-side * 1.1, 1.05, 3.4);

    // Outside: what the window shows and how much light it lets in.
    vec3 out_rad = mix(s.horizon, s.zenith, 0.4) * 0.8 + s.sun_col * 0.25 +
                   vec3(0.6, 0.65, 0.8) * u.clock.z;

    // The surface's own material first, each kind evaluated at one place
    // (lavapipe inlines every call: code size is frame rate).
    bool wall = t == tz || t == tx;
    vec2 wc = t == tz ? h.xy : t == tx ? h.zy : h.y < 1.0 ? h.zx : h.xz;
    if (wall)
        mat = stone_wall(wc, floor(seed) + (t == tx ? 11.0 : 0.0));
    else
        mat = planks(wc, h.y < 1.0 ? 0.24 : 0.2, h.y < 1.0 ? vec3(0.30, 0.18, 0.09) : vec3(0.16, 0.10, 0.06));
    if (t == tz) {
        n = vec3(0.0, 0.0, -1.0);
        edge.w = 9.0;
        vec2 w = vec2(h.x - win_x, h.y - win_y);
        vec2 aw = abs(w);
        if (aw.x < win_half.x + 0.08 && aw.y < win_half.y + 0.08) {
            mat = vec3(0.16, 0.10, 0.06); // the frame
            if (aw.x < win_half.x && aw.y < win_half.y && aw.x > 0.025 && abs(w.y - 0.1) > 0.025) {
                // Glass: the sky beyond, the far land or sea below the eye.
                vec2 q = vec2(rd.x / rd.z, rd.y / rd.z - 0.02);
                // Below the eye: the land, or the sea with the sky's glints.
                vec3 below = fog_colour(s) * (0.35 + 0.15 * noise2(vec2(q.x * 30.0, ti)));
                below = mix(below, s.horizon * (0.25 + 0.5 * smoothstep(0.6, 0.9, noise2(vec2(q.x * 40.0, q.y * 200.0 + ti)))), l.water);
                // (The plain sky and its clouds: the full sky_colour, inlined
                // once more, would slow every setting on lavapipe.)
                vec3 c = below;
                if (q.y > 0.0) {
                    c = sky_colour(q, q.y, s, l, false);
                    c = mix(c, s.ambient * 1.2 + s.sun_col * 0.7, cloud_cover(q, q.y, 2) * 0.9);
                }
                c = mix(c, fog_colour(s), u.sky.z * 0.7);
                // Rain on the glass: drops that run down in wavering trails.
                float rain = u.weather.x;
                if (rain > 0.01) {
                    c *= 1.0 - 0.3 * rain;
                    vec2 g = vec2(w.x * 28.0 + 0.3 * sin(w.y * 9.0 + floor(w.x * 28.0)), w.y);
                    float col_id = floor(g.x);
                    float speed = 0.15 + 0.4 * hash11(col_id + 1.3);
                    float y = fract(w.y * 0.7 + ti * speed + hash11(col_id));
                    float trail = step(hash11(col_id + 7.0), rain) * fall(0.0, 0.12, abs(fract(g.x) - 0.5) - 0.08) *
                                  (smoothstep(0.0, 0.5, y) * fall(0.9, 1.0, y));
                    vec2 dg = vec2(w.x * 60.0, w.y * 60.0 + ti * 0.2);
                    float bead = step(hash12(floor(dg)), 0.12 * rain) * fall(0.15, 0.35, length(fract(dg) - 0.5));
                    c += (out_rad * 0.6 + vec3(0.05)) * (trail * 0.7 + bead * 0.5);
                }
                emit = c;
                mat = vec3(0.0);
            }
        }
        // Daylight through the window spills on the wall around it.
    } else if (t == tx) {
        n = vec3(-sign(rd.x), 0.0, 0.0);
        edge.x = 9.0;
        if (sign(h.x) == side) { // the hearth: a sooty opening under a mantel
            float dz = abs(h.z - hearth_z);
            if (dz < 0.75 && h.y < 0.95) {
                mat = vec3(0.03, 0.025, 0.02);
                if (fire > 0.01) {
                    float flame;
                    vec3 glow = fire_glow(vec2(h.z, h.y), vec2(hearth_z, 0.12), 0.5, fire, flame);
                    emit = glow * 0.6;
                    emit = mix(emit, vec3(0.04, 0.02, 0.01), clamp(-flame, 0.0, 1.0));
                    emit = mix(emit, mix(vec3(1.8, 0.45, 0.08), vec3(2.2, 1.7, 0.7), flame * flame),
                               clamp(flame * 1.6, 0.0, 1.0));
                }
            } else if (dz < 0.95 && h.y < 1.12) {
                mat = vec3(0.22, 0.13, 0.07); // mantel and jambs
            }
        }
    } else if (h.y < 1.0) {
        n = vec3(0.0, 1.0, 0.0);
        edge.y = 9.0;
    } else {
        n = vec3(0.0, -1.0, 0.0);
        edge.z = 9.0;
    }
    // Beams across the ceiling, in front of whatever lies beyond them.
    if (rd.y > 0.0) {
        float tb = (ROOM.y - 0.28 - ro.y) / rd.y;
        float bz = ro.z + rd.z * tb;
        if (tb < t && fract(bz / 1.4 + 0.3) < 0.13 && bz < ROOM.z) {
            t = tb;
            h = ro + rd * tb;
            n = vec3(0.0, -1.0, 0.0);
            edge = vec4(ROOM.x - abs(h.x), 9.0, 9.0, 9.0);
            mat = vec3(0.14, 0.08, 0.04) * (0.8 + 0.4 * noise2(vec2(h.x * 2.0, bz * 30.0)));
            emit = vec3(0.0);
        }
    }

    // A figure sits by the fire when figures are asked for.
    float fig = 0.0;
    if (u.el1.y > 0.01) {
        float fz = hearth_z - 0.4;
        float tf = (fz - ro.z) / max(rd.z, 1e-4);
        if (tf < t) {
            vec3 fh = ro + rd * tf;
            fig = sitter(vec2((fh.x - side * (ROOM.x - 1.3)) * side, fh.y));
        }
    }

    // Light: the window's sky light, the fire, the lamp; corners stay dark.
    vec3 win_pos = vec3(win_x, win_y, ROOM.z - 0.3);
    vec3 light = vec3(0.012, 0.012, 0.016);
    light += point_light(h, n, win_pos, out_rad * 2.2);
    // The pale patch the window throws on the floor.
    float patch_ = fall(0.0, 0.5, length((h.xz - vec2(win_x, ROOM.z - 1.6)) / vec2(0.7, 1.1))) * step(h.y, 0.01);
    light += (s.sun_col * 0.8 + out_rad * 0.4) * patch_;
    vec3 fire_col = vec3(1.0, 0.45, 0.14) * fire * flick * 3.0;
    light += point_light(h, n, fire_pos, fire_col);
    float lamp_flick = 0.92 + 0.08 * noise1(ti * 5.0 + 2.0);
    light += point_light(h, n, lamp_pos, vec3(1.0, 0.62, 0.28) * lamp * lamp_flick * 2.6);
    float ao = smoothstep(0.0, 0.7, min(min(edge.x, edge.y), min(edge.z, edge.w)));
    vec3 col = mat * light * (0.45 + 0.55 * ao) + emit;

    // The lamp's flame and halo, and the fire's glow in the air by the hearth.
    vec3 to_lamp = lamp_pos - ro;
    float lamp_d = length(to_lamp);
    float off = length(cross(rd, to_lamp / lamp_d)) * lamp_d;
    col += vec3(1.0, 0.7, 0.35) * lamp * lamp_flick * (fall(0.02, 0.05, off) * 2.0 + 0.2 * exp(-off * 4.0));

    if (fig > 0.0) {
        // Rim-lit on the fire's side.
        vec3 sil = vec3(0.006, 0.005, 0.004) + fire_col * 0.006;
        col = mix(col, sil, fig);
    }

    // The prompt's subjects, each at its spot in the room, facing the camera
    // (a plane of constant depth), lit by the fire, the lamp and the window.
    float door_x = win_x > 0.0 ? win_x - 1.5 : win_x + 1.5;
    float ts_near = t;
    for (int i = 0; i < int(u.misc.x); i++) {
        vec4 a = u.subj[i * 4];
        int kind = int(a.x), place = int(a.z), pose = int(a.y);
        if (a.w < 0.01 || kind == K_WINDOW || kind == K_BOAT) continue;
        float hint = u.subj[i * 4 + 3].w;
        // x, z on the floor; y the height it stands on.
        vec3 spot = vec3(clamp(hint * 3.2, -ROOM.x + 0.7, ROOM.x - 0.7), 0.0, 3.0 + 0.5 * float(i % 2));
        bool animal = kind == K_DOG || kind == K_CAT || kind == K_BIRD;
        bool small = kind == K_LANTERN || kind == K_BELL || kind == K_CHEST || kind == K_CAT || kind == K_BIRD;
        if (place == MZ_PLACE_FIRE || (place == MZ_PLACE_ANY && (pose == POSE_SEATED || (animal && pose == POSE_LYING))))
            spot = kind == K_PERSON ? vec3(side * (ROOM.x - 1.7), 0.0, hearth_z - 0.4)
                                    : vec3(side * (ROOM.x - 0.95), 0.0, hearth_z + 0.25);
        if (kind == K_TABLE || place == MZ_PLACE_TABLE) spot = vec3(-side * 0.9, 0.0, 3.8);
        if (place == MZ_PLACE_TABLE && small) spot.y = 0.78;
        if (place == MZ_PLACE_TABLE && kind == K_PERSON) spot.x -= side * 0.95;
        if (kind == K_DOOR) spot = vec3(door_x, 0.0, ROOM.z - 0.02);
        else if (place == MZ_PLACE_DOOR) spot = vec3(door_x, 0.0, ROOM.z - 0.8);
        if (place == MZ_PLACE_WINDOW) spot = vec3(win_x, small ? 1.0 : 0.0, ROOM.z - (small ? 0.35 : 0.9));
        if (place == MZ_PLACE_FAR) spot.z = ROOM.z - 0.6;
        if (place == MZ_PLACE_NEAR) spot.z = 2.2;
        if (place == MZ_PLACE_LEFT || place == MZ_PLACE_RIGHT) spot.x = (place == MZ_PLACE_LEFT ? -1.4 : 1.4);
        if (kind == K_STAIRS) spot = vec3(-side * (ROOM.x - 1.1), 0.0, ROOM.z - 1.0);
        if (kind == K_BED) spot = vec3(-side * (ROOM.x - 1.15), 0.0, 2.6);
        float ts = (spot.z - ro.z) / max(rd.z, 1e-4);
        if (ts <= 0.0 || ts > ts_near) continue;
        vec3 hs = ro + rd * ts;
        float size = u.subj[i * 4 + 1].z;
        vec2 q = vec2(hs.x - spot.x, hs.y - spot.y);
        vec2 bound = subject_bounds(kind) * size;
        if (abs(q.x) > bound.x || q.y < -0.02 || q.y > bound.y) continue;
        // Faces the fire by the hearth, the room's middle elsewhere.
        float facing = place == MZ_PLACE_FIRE || pose == POSE_SEATED ? side : (spot.x > 0.0 ? -1.0 : 1.0);
        int part = subject_part(i, q, facing);
        if (part == PART_NONE) continue;
        vec3 nrm = vec3(0.0, 0.0, -1.0);
        vec3 lit = vec3(0.03, 0.028, 0.03) + point_light(hs, nrm, fire_pos, fire_col) * 1.4 +
                   point_light(hs, nrm, lamp_pos, vec3(1.0, 0.62, 0.28) * lamp * 2.6) +
                   point_light(hs, nrm, win_pos, out_rad * 2.2) + s.ambient * 0.15;
        col = mix(col, subject_colour(i, part, lit), a.w);
        ts_near = ts;
    }

    // Dust motes drifting through the light.
    vec2 m = vec2(p.x * 26.0 + sin(ti * 0.13) * 0.8, p.y * 26.0 + ti * 0.12);
    vec2 mc = floor(m);
    float hm = hash12(mc + floor(seed));
    if (hm > 0.93) {
        vec2 at = hash22(mc) * 0.7 + 0.15 + 0.1 * vec2(sin(ti * 0.5 + hm * 30.0), cos(ti * 0.4 + hm * 20.0));
        float mote = fall(0.0, 0.09, length(fract(m) - at));
        col += (light * 0.25 + out_rad * 0.05) * mote;
    }
    return col;
}

vec3 scene(vec2 p)
{
    Look l = look_of(int(u.setting.x));
    if (u.setting.z > 0.001) l = mix_look(l, look_of(int(u.setting.y)), u.setting.z);
    Sky s = make_sky(u.sky.x, u.weather.z, u.sky.y, l);
    // A room is there or not, never a ghost over a landscape: an outdoor
    // setting that comes with it (a lighthouse's room by the sea) is what
    // lies beyond its window; walking out, it goes halfway through the
    // change, under the dissolve. The generator decides (proc_draws_room)
    // and picks the pipeline with ROOMS on exactly then, so the test lives
    // in one place. (One call of room(): lavapipe inlines every call, and a
    // second copy costs a fifth of the frame rate.)
    if (ROOMS) return room(p, s, l);
    float hz = u.view.z;
    vec3 fogc = fog_colour(s);
    float fogd = 0.0012 + u.sky.z * 0.06 + u.weather.x * 0.006;

    vec2 q = vec2(p.x + u.cam.w, p.y - hz);
    float ground_t = p.y < hz ? u.cam.z / (hz - p.y) : 1e9;
    Hit near = layers(p, hz, ground_t, l, s, fogc, fogd);
    vec2 lamp = vec2(-9.0);
    if (u.el0.z > 0.01) {
        Hit t = tower(p, hz, s, fogc, fogd, lamp);
        if (t.depth < near.depth && t.depth < ground_t) near = t;
    }
    vec3 col = near.col;
    if (near.depth < ground_t) g_depth = near.depth;
    if (near.depth >= ground_t && p.y >= hz) {
        col = sky_colour(q, q.y, s, l, true);
        col = mix(col, fogc, u.sky.z * 0.6 * exp(-q.y * 6.0));
    }
    if (near.depth >= ground_t && p.y < hz) {
        Hit mirror;
        mirror.depth = 1e9;
        if (l.water > 0.01) {
            // Reflections break up on the waves.
            float wob = (noise2(vec2(p.x * 6.0, p.y * 90.0) + u.clock.x * vec2(0.3, 1.5)) - 0.5);
            vec2 mp = vec2(p.x + wob * (0.006 + 0.02 * u.sky.w) * (1.0 - l.beach * 0.5), 2.0 * hz - p.y);
            mirror = layers(mp, hz, 1e9, l, s, fogc, fogd);
            if (u.el0.z > 0.01) {
                vec2 unused;
                Hit t = tower(mp, hz, s, fogc, fogd, unused);
                if (t.depth < mirror.depth) mirror = t;
            }
        }
        col = ground(p, ground_t, hz, l, s, fogc, fogd, mirror);
        g_depth = ground_t;
    }

    // Ships: sailing boats on the water, drifting slowly along.
    if (u.el0.w > 0.01 && l.water > 0.3 && abs(p.y - hz) < 0.15) {
        float d = 70.0;
        float wx = u.cam.x + (p.x + u.cam.w) * d + u.clock.x * 0.8;
        float cell = floor(wx / 45.0);
        if (hash11(cell + 3.3) < u.el0.w) {
            float lx = (wx / 45.0 - cell - 0.5) * 45.0; // world units from the mast
            float wy = u.cam.z + (p.y - hz) * d;        // height above the water
            float hull = step(abs(lx), 2.6 + wy) * step(-0.2, wy) * step(wy, 1.0);
            float sail = step(0.15, lx) * step(lx, 3.2 * (1.0 - (wy - 1.2) / 6.0)) * step(1.2, wy) * step(wy, 7.2);
            float jib = step(lx, -0.15) * step(-lx, 2.0 * (1.0 - (wy - 1.2) / 5.0)) * step(1.2, wy) * step(wy, 6.2);
            float mast = step(abs(lx), 0.1) * step(0.0, wy) * step(wy, 7.6);
            vec3 canvas = mix(vec3(0.85, 0.82, 0.75) * (s.ambient * 0.6 + s.sun_col), fogc, 0.4);
            col = mix(col, fogc * 0.25, max(hull, mast) * 0.9);
            col = mix(col, canvas, max(sail, jib) * 0.9);
        }
    }

    // Birds: a few wheeling Vs.
    if (u.el1.w > 0.01 && p.y > hz) {
        for (int i = 0; i < 4; i++) {
            float fi = float(i);
            if (hash11(fi + 1.7) > u.el1.w) continue;
            vec2 c = vec2(mod(hash11(fi * 3.1) * 3.0 + u.clock.x * 0.05 * (1.0 + fi * 0.2), 3.0) - 1.5,
                          hz + 0.15 + 0.15 * hash11(fi * 5.7) + 0.02 * sin(u.clock.x * 0.7 + fi));
            vec2 b = (p - c) * 90.0;
            float flap = 0.5 + 0.5 * sin(u.clock.x * 9.0 + fi * 2.0);
            float wing = abs(b.y - abs(b.x) * (0.3 + 0.5 * flap) + 0.0);
            col = mix(col, vec3(0.02), step(wing, 0.35) * step(abs(b.x), 2.0));
        }
    }

    // Figures: small people standing on the ground in the middle distance.
    if (u.el1.y > 0.01) {
        float d = 14.0;
        float wx = u.cam.x + (p.x + u.cam.w) * d;
        float cell = floor(wx / 5.0);
        if (hash11(cell * 1.9 + 4.0) < u.el1.y && d < ground_t + 0.01) {
            float fx = (wx / 5.0 - cell - 0.5) * 5.0;
            float wy = u.cam.z + (p.y - hz) * d;
            float body = step(abs(fx), 0.22 - 0.05 * wy) * step(0.0, wy) * step(wy, 1.45);
            float head = step(length(vec2(fx, wy - 1.62)), 0.17);
            col = mix(col, fogc * 0.15 + vec3(0.01), max(body, head) * (1.0 - 0.5 * (1.0 - exp(-d * fogd))));
        }
    }

    // The prompt's subjects, standing on the ground at their depths, lit by
    // the sky and a fire near them, fading into the fog with distance.
    for (int i = 0; i < int(u.misc.x); i++) {
        vec4 a = u.subj[i * 4], b = u.subj[i * 4 + 1];
        float d = b.y;
        if (a.w < 0.01 || d <= 0.0 || near.depth < d) continue;
        int kind = int(a.x);
        vec2 q = vec2(u.cam.x + (p.x + u.cam.w) * d - b.x, u.cam.z + (p.y - hz) * d);
        vec2 bound = subject_bounds(kind) * b.z;
        if (abs(q.x) > bound.x || q.y < -0.02 || q.y > bound.y) continue;
        float facing = int(a.z) == MZ_PLACE_FIRE ? sign(u.grade.w - b.x + 1e-3) : (u.subj[i * 4 + 3].w > 0.0 ? -1.0 : 1.0);
        int part = subject_part(i, q, facing);
        if (part == PART_NONE) continue;
        float near_fire = max(u.light.w, l.fire) * exp(-abs(b.x - u.grade.w) * 0.6) * exp(-abs(d - 9.0) * 0.3);
        vec3 lit = s.ambient * 0.9 + s.sun_col * 0.55 + vec3(1.6, 0.75, 0.3) * near_fire + vec3(0.02);
        vec3 c = mix(subject_colour(i, part, lit), fogc, 1.0 - exp(-d * fogd));
        col = mix(col, c, a.w);
        g_depth = d;
    }

    // Where a fire burns: in front on the ground; in a cave, on its floor.
    float fire = max(u.light.w, l.fire);
    vec2 fire_at = vec2((u.grade.w - u.cam.x) / 9.0 - u.cam.w, hz - u.cam.z / 9.0);
    fire_at = mix(fire_at, vec2(fire_at.x * 0.5, -0.36), l.cave);

    // Caves and rooms: rock walls around an opening, lit by the fire.
    float indoors = 0.0; // no rain or snow falls where the walls are
    if (l.cave > 0.01) {
        vec2 c = (p - vec2(0.0, hz + 0.1)) / vec2(0.62, 0.3);
        float r = length(c) + (fbm2(p * 5.0 + u.setting.w, 3) - 0.5) * 0.5;
        float wall = smoothstep(0.92, 1.0, r) * l.cave;
        indoors = wall;
        float tex = fbm2(p * 9.0 + u.setting.w + 4.0, 2);
        vec3 rock = vec3(0.10, 0.075, 0.06) * (0.4 + 1.2 * tex);
        float warm = fire * (0.8 + 0.2 * noise1(u.clock.x * 6.0)) * exp(-length(p - fire_at) * 2.6);
        rock *= 0.15 + vec3(2.4, 1.3, 0.6) * warm * 1.5 + s.ambient * 0.3;
        col = mix(col, rock, wall);
        col = mix(col, col * vec3(1.0, 0.8, 0.6), l.cave * 0.3);
    }

    // Fire: the flame, and its warm light on everything near it.
    if (fire > 0.01) {
        float flame;
        vec3 glow = fire_glow(p, fire_at, mix(0.07, 0.15, l.cave), fire, flame);
        col += glow * (0.3 + s.night);
        col = mix(col, vec3(0.04, 0.02, 0.01), clamp(-flame, 0.0, 1.0)); // logs
        col = mix(col, mix(vec3(1.8, 0.45, 0.08), vec3(2.2, 1.7, 0.7), flame * flame), clamp(flame * 1.6, 0.0, 1.0));
    }

    // The lighthouse beam: a wedge sweeping around the lamp, bright in mist
    // and at night, with a flare when it points at the viewer.
    if (u.light2.x > 0.01 && lamp.x > -8.0) {
        float a = u.weather.w;
        vec2 v = p - lamp;
        float dir = sin(a);
        float along = v.x * sign(dir);
        float spread = 0.03 + 0.1 * (1.0 - abs(dir));
        float wedge = along > 0.0 ? exp(-abs(v.y) / (along * spread + 0.004)) * exp(-along * 1.2) : 0.0;
        float vis = (0.35 + s.night + u.sky.z) * u.light2.x;
        float flare = pow(max(-cos(a), 0.0), 6.0) * exp(-length(v) * 25.0) * 3.0 + exp(-length(v) * 90.0);
        col += vec3(1.0, 0.9, 0.65) * (wedge * abs(dir) * 0.6 + flare) * vis;
    }

    // Lightning: the flash lights the sky; a bolt while it is brightest.
    float flash = u.clock.z;
    if (flash > 0.01) {
        col += vec3(0.6, 0.65, 0.8) * flash * (p.y > hz ? 0.6 : 0.25);
        if (flash > 0.5 && p.y > hz) {
            float bx = (hash11(floor(u.clock.x * 3.0)) - 0.5) * 1.2;
            float jag = (fbm1(p.y * 14.0 + bx * 50.0, 3) - 0.5) * 0.2;
            float bolt = fall(0.0, 0.006, abs(p.x - bx - jag)) * step(hz + 0.02, p.y);
            col += vec3(1.5, 1.5, 1.8) * bolt * flash;
        }
    }

    // Rain: slanted streaks in three depths; snow: drifting flakes.
    float ti = u.clock.x;
    if (u.weather.x > 0.01) {
        col *= 1.0 - 0.25 * u.weather.x * (1.0 - indoors);
        for (int i = 0; i < 3; i++) {
            float fi = float(i);
            float scale = 18.0 + fi * 14.0;
            vec2 r = vec2(p.x + p.y * (0.15 + 0.2 * u.sky.w) + fi * 0.37, p.y + ti * (2.2 - fi * 0.4)) * scale;
            r.y *= 0.12;
            vec2 cell = floor(r);
            float hh = hash12(cell + fi * 17.0);
            vec2 f = fract(r);
            float streak = step(hh, u.weather.x * 0.55) * fall(0.0, 0.06, abs(f.x - 0.5 - (hh - 0.5) * 0.6)) *
                           smoothstep(0.0, 0.3, f.y) * fall(0.6, 1.0, f.y);
            col += (fogc * 0.6 + 0.05) * streak * (0.3 - fi * 0.07) * (1.0 - indoors);
        }
    }
    if (u.weather.y > 0.01) {
        for (int i = 0; i < 3; i++) {
            float fi = float(i);
            float scale = 12.0 + fi * 9.0;
            vec2 r = vec2(p.x + sin(ti * 0.7 + p.y * 3.0 + fi) * 0.03 + ti * 0.06 * u.sky.w, p.y + ti * (0.25 - fi * 0.05)) * scale;
            vec2 cell = floor(r);
            float hh = hash12(cell + fi * 31.0);
            vec2 at = hash22(cell + fi) * 0.6 + 0.2;
            float flake = step(hh, u.weather.y) * fall(0.0, 0.12 - fi * 0.02, length(fract(r) - at));
            col = mix(col, vec3(0.95, 0.97, 1.0) * (0.3 + s.day * 0.8), flake * (0.9 - fi * 0.2) * (1.0 - indoors));
        }
    }
    return col;
}

vec3 grade(vec3 c, vec2 p)
{
    c *= u.grade.y;
    vec3 tint = u.tint.rgb / max(max(u.tint.r, u.tint.g), max(u.tint.b, 0.001));
    c = mix(c, c * tint * 1.25, u.tint.a);
    // Mood: dread cools and drains colour, joy warms.
    float val = u.light2.y;
    c *= mix(vec3(1.0), val < 0.0 ? vec3(0.85, 0.92, 1.05) : vec3(1.06, 1.0, 0.92), abs(val) * 0.5);
    float luma = dot(c, vec3(0.2126, 0.7152, 0.0722));
    c = mix(vec3(luma), c, u.grade.x * (1.0 - max(-val, 0.0) * 0.3));
    // Filmic curve (Narkowicz' ACES fit), then the display's gamma.
    c = max(c, vec3(0.0));
    c = clamp((c * (2.51 * c + 0.03)) / (c * (2.43 * c + 0.59) + 0.14), 0.0, 1.0);
    c *= 1.0 - 0.25 * dot(p, p); // vignette
    return pow(c, vec3(1.0 / 2.2));
}

void main()
{
    // Drawn smaller than the frame, each drawn pixel is one frame pixel of
    // its grid cell (u.grid), a different one each frame, for the resolve
    // pass to gather: every sample is exactly what a full-size render shows.
    vec2 frag = floor(gl_FragCoord.xy) * u.grid.xy + u.grid.zw + 0.5;
    vec2 uv = frag * u.res.zw;
    float morph = u.clock.y;
    vec2 p = vec2(frag.x - 0.5 * u.res.x, 0.5 * u.res.y - frag.y) * u.res.w;
    vec3 col = grade(scene(p), p);
    if (morph > 0.0) {
        // Dissolve along a noise field while the old image drifts and
        // blurs towards the new one, so the change reads as a morph.
        float n = noise2(p * 7.0 + u.setting.w);
        float k = clamp(morph + (n - 0.5) * 1.6 * morph * (1.0 - morph), 0.0, 1.0);
        vec2 warp = (vec2(noise2(p * 3.0 + 1.7), noise2(p * 3.0 + 9.1)) - 0.5) * 0.03 * (1.0 - morph);
        vec3 old = texture(conditioning, uv + warp).rgb;
        col = mix(col, old, k * k * (3.0 - 2.0 * k));
    }
    out_color = vec4(col, u.misc.w > 0.5 ? g_depth / (g_depth + 10.0) : 1.0);
}
