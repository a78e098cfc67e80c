#include "mz_scene.h"

mz_scene_params mz_scene_params_default(void)
{
    mz_scene_params p = {0};
    p.setting = MZ_SETTING_PLAIN;
    p.setting2 = MZ_SETTING_PLAIN;
    p.time_of_day = 14.0f;
    p.cloud = 0.3f;
    p.wind = 0.2f;
    p.light[MZ_LIGHT_SUN] = 1.0f;
    p.tint = (mz_rgb){1, 1, 1};
    p.saturation = 1.0f;
    p.brightness = 1.0f;
    p.camera = MZ_CAMERA_DRIFT;
    p.camera_speed = 1.0f;
    return p;
}

static float lerp(float a, float b, float t) { return a + (b - a) * t; }

/* Hours wrap at 24: going from 23 h to 1 h passes midnight, not noon. */
static float lerp_hours(float a, float b, float t)
{
    float d = b - a;
    if (d > 12) d -= 24;
    if (d < -12) d += 24;
    float h = a + d * t;
    if (h < 0) h += 24;
    if (h >= 24) h -= 24;
    return h;
}

/* Subjects are there or not: the old ones fade by halfway, the new ones
 * come in after, so nothing is drawn half one thing and half another. */
static void fade_subjects(mz_scene_params *m, float t)
{
    float fade = t < 0.5f ? 1.0f - 2.0f * t : 2.0f * t - 1.0f;
    for (int i = 0; i < m->subject_count && i < MZ_SCENE_MAX_SUBJECTS; i++)
        m->subject[i].presence *= fade;
}

/* The numbers of a and b mixed by t into m: everything but the discrete
 * fields and the lists (settings, camera, entities, subjects). */
static void mix_numbers(mz_scene_params *m, const mz_scene_params *a, const mz_scene_params *b,
                        float t)
{
    m->time_of_day = lerp_hours(a->time_of_day, b->time_of_day, t);
    m->cloud = lerp(a->cloud, b->cloud, t);
    m->rain = lerp(a->rain, b->rain, t);
    m->snow = lerp(a->snow, b->snow, t);
    m->fog = lerp(a->fog, b->fog, t);
    m->storm = lerp(a->storm, b->storm, t);
    m->wind = lerp(a->wind, b->wind, t);
    for (int i = 0; i < MZ_LIGHT_COUNT; i++)
        m->light[i] = lerp(a->light[i], b->light[i], t);
    for (int i = 0; i < MZ_EL_COUNT; i++)
        m->element[i] = lerp(a->element[i], b->element[i], t);
    m->tint = (mz_rgb){lerp(a->tint.r, b->tint.r, t), lerp(a->tint.g, b->tint.g, t),
                       lerp(a->tint.b, b->tint.b, t)};
    m->tint_weight = lerp(a->tint_weight, b->tint_weight, t);
    m->saturation = lerp(a->saturation, b->saturation, t);
    m->brightness = lerp(a->brightness, b->brightness, t);
    m->valence = lerp(a->valence, b->valence, t);
    m->energy = lerp(a->energy, b->energy, t);
    m->cave = lerp(a->cave, b->cave, t);
    m->camera_speed = lerp(a->camera_speed, b->camera_speed, t);
}

mz_scene_params mz_scene_params_mix(const mz_scene_params *a, const mz_scene_params *b, float t)
{
    /* The pointer is chosen, not the struct: GCC 12 at -O2 miscompiled the
     * struct select once the subjects loop below was added (t acted as 1). */
    mz_scene_params m = *(t < 0.5f ? a : b);
    if (a->setting != b->setting) {
        m.setting = b->setting;
        m.setting2 = a->setting;
        m.setting2_weight = 1.0f - t;
    } else {
        m.setting2 = b->setting2;
        m.setting2_weight = lerp(a->setting2_weight, b->setting2_weight, t);
    }
    mix_numbers(&m, a, b, t);
    fade_subjects(&m, t);
    return m;
}

/* The two settings with the most weight: each scene gives its weight to
 * its setting and setting2 in proportion; ties go to the heavier scene. */
static void blend_settings(mz_scene_params *m, const mz_scene_params *p, const float *w,
                           const int *rank, int n)
{
    float share[MZ_SETTING_COUNT] = {0};
    for (int i = 0; i < n; i++) {
        const mz_scene_params *s = &p[i];
        float w2 = s->setting2 != s->setting ? s->setting2_weight : 0.0f;
        if ((unsigned)s->setting < MZ_SETTING_COUNT) share[s->setting] += w[i] * (1.0f - w2);
        if ((unsigned)s->setting2 < MZ_SETTING_COUNT) share[s->setting2] += w[i] * w2;
    }
    int top = -1, second = -1;
    for (int r = 0; r < n; r++)
        for (int k = 0; k < 2; k++) {
            int st = (int)(k ? p[rank[r]].setting2 : p[rank[r]].setting);
            if ((unsigned)st >= MZ_SETTING_COUNT || !(share[st] > 0)) continue;
            if (top < 0 || share[st] > share[top]) {
                if (st != top) second = top;
                top = st;
            } else if (st != top && (second < 0 || share[st] > share[second])) {
                second = st;
            }
        }
    if (top < 0) return; /* every weight 0: the heaviest scene's own settings stand */
    m->setting = (mz_setting)top;
    m->setting2 = (mz_setting)(second < 0 ? top : second);
    m->setting2_weight = second < 0 ? 0.0f : share[second] / (share[top] + share[second]);
}

static void add_entity(mz_scene_params *m, uint32_t seed)
{
    if (!seed) return;
    for (int i = 0; i < 4; i++) {
        if (m->entity_seed[i] == seed) return;
        if (!m->entity_seed[i]) {
            m->entity_seed[i] = seed;
            return;
        }
    }
}

mz_scene_params mz_scene_params_blend(const mz_scene_params *p, const float *w, int n)
{
    if (n > MZ_SCENE_MAX_BLEND) n = MZ_SCENE_MAX_BLEND;
    if (n <= 0) return mz_scene_params_default();
    /* Heaviest first; equal weights keep their order. */
    int rank[MZ_SCENE_MAX_BLEND];
    for (int i = 0; i < n; i++) {
        int at = i;
        while (at > 0 && w[rank[at - 1]] < w[i]) {
            rank[at] = rank[at - 1];
            at--;
        }
        rank[at] = i;
    }
    mz_scene_params m = p[rank[0]];
    float sum = w[rank[0]];
    for (int r = 1; r < n; r++) {
        sum += w[rank[r]];
        if (sum > 0) mix_numbers(&m, &m, &p[rank[r]], w[rank[r]] / sum);
    }
    blend_settings(&m, p, w, rank, n);
    for (int r = 1; r < n; r++) {
        const mz_scene_params *s = &p[rank[r]];
        for (int e = 0; e < 4; e++)
            add_entity(&m, s->entity_seed[e]);
        if (!(sum > 0 && w[rank[r]] / sum >= MZ_SCENE_SUBJECT_WEIGHT)) continue;
        for (int k = 0; k < s->subject_count && m.subject_count < MZ_SCENE_MAX_SUBJECTS; k++)
            m.subject[m.subject_count++] = s->subject[k];
    }
    return m;
}

const char *mz_subject_kind_name(mz_subject_kind k)
{
    static const char *const names[MZ_SUBJECT_COUNT] = {
        "person", "dog",     "cat",  "bird",   "horse", "boat",
        "lantern", "door", "stairs", "table", "bed",   "window", "barrel", "chest", "bell"};
    return (unsigned)k < MZ_SUBJECT_COUNT ? names[k] : "?";
}

const char *mz_pose_name(mz_pose p)
{
    static const char *const names[MZ_POSE_COUNT] = {"standing", "seated", "walking", "lying"};
    return (unsigned)p < MZ_POSE_COUNT ? names[p] : "?";
}

const char *mz_place_name(mz_place p)
{
    static const char *const names[MZ_PLACE_COUNT] = {
        "anywhere", "by the fire", "at the table", "at the door", "by the window",
        "far off",  "near",        "left",         "right"};
    return (unsigned)p < MZ_PLACE_COUNT ? names[p] : "?";
}
