/* The scene plan (tags + parameters -> beds) and the mixer that crossfades
 * beds with per-sample gain ramps. Every gain that changes (a bed's, the
 * duck, the master) moves linearly by a bounded step per sample, which is
 * what keeps scene changes, mute and narration free of clicks. */
#include "mz_audio_internal.h"
#include "mz_log.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- the plan ---- */

typedef struct tag_entry {
    const char *tag;
    mz_bed bed;
} tag_entry;

/* "storm" is handled apart: it brings rain, wind and thunder. */
static const tag_entry tag_table[] = {
    {"wind", MZ_BED_WIND},       {"breeze", MZ_BED_WIND},    {"gale", MZ_BED_WIND},
    {"rain", MZ_BED_RAIN},       {"drizzle", MZ_BED_RAIN},   {"downpour", MZ_BED_RAIN},
    {"sea", MZ_BED_SEA},         {"waves", MZ_BED_SEA},      {"ocean", MZ_BED_SEA},
    {"shore", MZ_BED_SEA},       {"surf", MZ_BED_SEA},       {"beach", MZ_BED_SEA},
    {"fire", MZ_BED_FIRE},       {"campfire", MZ_BED_FIRE},  {"hearth", MZ_BED_FIRE},
    {"fireplace", MZ_BED_FIRE},  {"flames", MZ_BED_FIRE},    {"night", MZ_BED_NIGHT},
    {"insects", MZ_BED_NIGHT},   {"crickets", MZ_BED_NIGHT}, {"city", MZ_BED_CITY},
    {"traffic", MZ_BED_CITY},    {"street", MZ_BED_CITY},    {"hum", MZ_BED_CITY},
    {"thunder", MZ_BED_THUNDER}, {"drone", MZ_BED_DRONE},    {"music", MZ_BED_DRONE},
    {"interior", MZ_BED_DRIP},   {"drip", MZ_BED_DRIP},      {"cave", MZ_BED_DRIP},
    {"cellar", MZ_BED_DRIP},     {"tunnel", MZ_BED_DRIP},    {"room", MZ_BED_DRIP},
};

/* Mix level of each bed at full fade, set by ear and by measurement so a
 * typical scene (two or three beds) sits near -20 dBFS RMS with headroom
 * for thunder and narration. */
static const float bed_level[MZ_BED_COUNT] = {
    [MZ_BED_WIND] = 2.0f,    [MZ_BED_RAIN] = 2.0f,  [MZ_BED_SEA] = 2.5f,
    [MZ_BED_FIRE] = 2.2f,    [MZ_BED_NIGHT] = 1.8f, [MZ_BED_CITY] = 2.0f,
    [MZ_BED_THUNDER] = 2.5f, [MZ_BED_DRIP] = 2.2f,  [MZ_BED_DRONE] = 2.5f,
};

/* The drone is always there, quietly, unless a tag asks for it. */
#define DRONE_QUIET 1.1f

static float maxf(float a, float b)
{
    return a > b ? a : b;
}

static bool is_outdoor(mz_setting s)
{
    return s == MZ_SETTING_PLAIN || s == MZ_SETTING_FOREST || s == MZ_SETTING_DESERT ||
           s == MZ_SETTING_MOUNTAINS || s == MZ_SETTING_LAKE;
}

static bool setting_is(const mz_scene_params *p, mz_setting s)
{
    return p->setting == s || (p->setting2 == s && p->setting2_weight > 0.3f);
}

void mz_plan_scene(mz_plan *plan, const mz_scene_params *params, const char *const *tags,
                   size_t ntags)
{
    memset(plan, 0, sizeof *plan);
    /* Intensity each bed is wanted at; 0 = not wanted. */
    float want[MZ_BED_COUNT] = {0};
    bool tagged[MZ_BED_COUNT] = {0};
    for (size_t i = 0; i < ntags; i++) {
        const char *t = tags[i];
        if (!t) continue;
        bool known = false;
        if (!strcmp(t, "storm")) {
            tagged[MZ_BED_THUNDER] = tagged[MZ_BED_RAIN] = tagged[MZ_BED_WIND] = true;
            want[MZ_BED_THUNDER] = want[MZ_BED_RAIN] = want[MZ_BED_WIND] = 0.8f;
            known = true;
        }
        for (size_t k = 0; k < sizeof tag_table / sizeof tag_table[0]; k++)
            if (!strcmp(t, tag_table[k].tag)) {
                tagged[tag_table[k].bed] = true;
                want[tag_table[k].bed] = maxf(want[tag_table[k].bed], 0.6f);
                known = true;
            }
        if (!known && plan->nunknown < MZ_PLAN_MAX) plan->unknown[plan->nunknown++] = t;
    }

    mz_scene_params p = {0};
    if (params) p = *params;
    if (params) {
        want[MZ_BED_RAIN] = maxf(want[MZ_BED_RAIN], maxf(p.rain, 0.8f * p.storm));
        if (p.wind > 0.1f || p.storm > 0.1f)
            want[MZ_BED_WIND] = maxf(want[MZ_BED_WIND], maxf(p.wind, p.storm));
        if (p.storm > 0.3f) want[MZ_BED_THUNDER] = maxf(want[MZ_BED_THUNDER], p.storm);
        if (setting_is(&p, MZ_SETTING_SEA))
            want[MZ_BED_SEA] = maxf(want[MZ_BED_SEA], 0.5f + 0.5f * maxf(p.wind, p.storm));
        else if (setting_is(&p, MZ_SETTING_LAKE))
            want[MZ_BED_SEA] = maxf(want[MZ_BED_SEA], 0.15f); /* water lapping */
        if (p.light[MZ_LIGHT_FIRE] > 0.2f)
            want[MZ_BED_FIRE] = maxf(want[MZ_BED_FIRE], p.light[MZ_LIGHT_FIRE]);
        bool night = p.time_of_day < 5.0f || p.time_of_day > 20.5f;
        if (night && is_outdoor(p.setting) && p.rain < 0.3f && p.snow < 0.3f)
            want[MZ_BED_NIGHT] = maxf(want[MZ_BED_NIGHT], 0.7f);
        if (setting_is(&p, MZ_SETTING_CITY) || p.element[MZ_EL_BUILDINGS] > 0.5f)
            want[MZ_BED_CITY] = maxf(want[MZ_BED_CITY], 0.6f);
        if (setting_is(&p, MZ_SETTING_INTERIOR)) want[MZ_BED_DRIP] = maxf(want[MZ_BED_DRIP], 0.6f);
    }

    for (int b = 0; b < MZ_BED_COUNT; b++) {
        if (b == MZ_BED_DRONE || want[b] <= 0.0f) continue;
        mz_plan_bed *pb = &plan->beds[plan->nbeds++];
        pb->bed = (mz_bed)b;
        pb->level = bed_level[b];
        pb->params.intensity = want[b] > 1 ? 1 : want[b];
    }
    mz_plan_bed *d = &plan->beds[plan->nbeds++];
    d->bed = MZ_BED_DRONE;
    d->level = tagged[MZ_BED_DRONE] ? bed_level[MZ_BED_DRONE] : DRONE_QUIET;
    d->params.intensity = 1;
    d->params.drone = mz_drone_tuning_for(p.valence, p.energy, p.brightness);
}

const mz_plan_bed *mz_plan_find(const mz_plan *plan, mz_bed bed)
{
    for (int i = 0; i < plan->nbeds; i++)
        if (plan->beds[i].bed == bed) return &plan->beds[i];
    return NULL;
}

/* ---- buses ---- */

mz_bus mz_bed_bus(mz_bed bed)
{
    switch (bed) {
    case MZ_BED_SEA:
        return MZ_BUS_SEA;
    case MZ_BED_FIRE:
        return MZ_BUS_FIRE;
    case MZ_BED_DRIP:
        return MZ_BUS_DRIP;
    default:
        return MZ_BUS_AMBIENT;
    }
}

int mz_bus_channels(mz_bus bus)
{
    return bus == MZ_BUS_AMBIENT ? 2 : 1;
}

void mz_bus_anchor(mz_bus bus, float out[3])
{
    static const float anchors[MZ_BUS_COUNT][3] = {
        [MZ_BUS_SEA] = {-7.0f, -1.0f, -3.0f}, /* off to the left, a little ahead */
        [MZ_BUS_FIRE] = {0.5f, -1.0f, -4.0f}, /* ahead */
        [MZ_BUS_DRIP] = {3.0f, 1.0f, -1.0f},  /* to the right, overhead */
    };
    memcpy(out, anchors[bus], sizeof anchors[bus]);
}

/* ---- the mixer ---- */

/* Master changes take 20 ms; the duck goes down in 150 ms, back in 600 ms. */
#define MASTER_STEP (1.0f / (0.02f * MZ_AUDIO_RATE))
#define DUCK_DOWN (1.0f / (0.15f * MZ_AUDIO_RATE))
#define DUCK_UP (1.0f / (0.6f * MZ_AUDIO_RATE))
#define DUCK_LEVEL 0.3f
#define SPEECH_FADE_S 0.02f

void mz_mix_init(mz_mix *m, float master)
{
    memset(m, 0, sizeof *m);
    m->master_target = master;
    for (int b = 0; b < MZ_BUS_COUNT; b++) {
        m->master[b] = master;
        m->duck[b] = 1.0f;
    }
    m->seed = 0x2545f491u;
}

void mz_mix_free(mz_mix *m)
{
    for (int i = 0; i < m->nlayers; i++)
        free(m->layers[i]);
    m->nlayers = 0;
}

/* Ramps a layer to `level` (0 = fade out) over `seconds`. */
static void ramp_to(mz_mix_layer *l, float level, float seconds)
{
    float samples = seconds * MZ_AUDIO_RATE;
    if (level <= 0.0f) {
        l->fade_target = 0.0f;
        l->fade_step = l->fade / samples;
        return;
    }
    l->fade_target = 1.0f;
    l->fade_step = (1.0f - l->fade) / samples;
    if (l->fade == 0.0f) l->level = level; /* silent: nothing to glide from */
    l->level_target = level;
    l->level_step = fabsf(level - l->level) / samples;
}

static bool faded_out(const mz_mix_layer *l)
{
    return l->fade == 0.0f && l->fade_target == 0.0f;
}

static float fade_seconds(float transition_s)
{
    return transition_s > MZ_MIX_MIN_FADE_S ? transition_s : MZ_MIX_MIN_FADE_S;
}

/* A new layer, silent, that the caller ramps. When the table is full the
 * quietest fading layer gives its slot up (nearly silent by then). */
static mz_mix_layer *add_layer(mz_mix *m, mz_bed bed, const mz_synth_params *p)
{
    mz_mix_layer *l = NULL;
    if (m->nlayers < MZ_MIX_LAYERS) {
        l = malloc(sizeof *l);
        if (!l) return NULL;
        m->layers[m->nlayers++] = l;
    } else {
        int quietest = -1;
        for (int i = 0; i < m->nlayers; i++)
            if (m->layers[i]->fade_target == 0.0f &&
                (quietest < 0 || m->layers[i]->fade < m->layers[quietest]->fade))
                quietest = i;
        if (quietest < 0) {
            mz_log_warn("audio: more than %d beds at once; '%s' left out", MZ_MIX_LAYERS,
                        mz_bed_name(bed));
            return NULL;
        }
        l = m->layers[quietest];
    }
    m->seed = m->seed * 1664525u + 1013904223u;
    l->bus = mz_bed_bus(bed);
    mz_synth_init(&l->synth, bed, mz_bus_channels(l->bus), p, m->seed);
    l->level = l->level_target = l->level_step = 0.0f;
    l->fade = l->fade_target = l->fade_step = 0.0f;
    return l;
}

static bool same_bed(const mz_mix_layer *l, const mz_plan_bed *pb)
{
    if (l->synth.bed != pb->bed) return false;
    if (pb->bed != MZ_BED_DRONE) return true;
    return l->synth.params.drone.semitone == pb->params.drone.semitone &&
           l->synth.params.drone.minor == pb->params.drone.minor;
}

unsigned mz_mix_set_scene(mz_mix *m, const mz_plan *plan, float transition_s)
{
    float fade = fade_seconds(transition_s);
    bool used[MZ_PLAN_MAX] = {0};
    for (int i = 0; i < m->nlayers; i++) {
        mz_mix_layer *l = m->layers[i];
        if (l->synth.bed == MZ_BED_CLIP || l->synth.bed == MZ_BED_SPEECH) continue;
        int match = -1;
        for (int k = 0; k < plan->nbeds && match < 0; k++)
            if (!used[k] && same_bed(l, &plan->beds[k])) match = k;
        if (match < 0) {
            ramp_to(l, 0.0f, fade);
            continue;
        }
        used[match] = true;
        mz_synth_retarget(&l->synth, &plan->beds[match].params);
        ramp_to(l, plan->beds[match].level, fade);
    }
    unsigned placed = 0;
    for (int k = 0; k < plan->nbeds; k++) {
        if (used[k]) continue;
        mz_mix_layer *l = add_layer(m, plan->beds[k].bed, &plan->beds[k].params);
        if (!l) continue;
        ramp_to(l, plan->beds[k].level, fade);
        if (l->bus != MZ_BUS_AMBIENT) placed |= 1u << l->bus;
    }
    return placed;
}

void mz_mix_add_clip(mz_mix *m, const mz_clip *clip, float level, float transition_s)
{
    for (int i = 0; i < m->nlayers; i++)
        if (m->layers[i]->synth.bed == MZ_BED_CLIP && m->layers[i]->synth.params.clip == clip) {
            ramp_to(m->layers[i], level, fade_seconds(transition_s));
            return;
        }
    mz_synth_params p = {.intensity = 1, .clip = clip};
    mz_mix_layer *l = add_layer(m, MZ_BED_CLIP, &p);
    if (l) ramp_to(l, level, fade_seconds(transition_s));
}

void mz_mix_keep_clips(mz_mix *m, const mz_clip *const *keep, int nkeep, float transition_s)
{
    for (int i = 0; i < m->nlayers; i++) {
        mz_mix_layer *l = m->layers[i];
        if (l->synth.bed != MZ_BED_CLIP) continue;
        bool kept = false;
        for (int k = 0; k < nkeep && !kept; k++)
            kept = keep[k] == l->synth.params.clip;
        if (!kept) ramp_to(l, 0.0f, fade_seconds(transition_s));
    }
}

void mz_mix_speak(mz_mix *m, const mz_clip *speech)
{
    for (int i = 0; i < m->nlayers; i++)
        if (m->layers[i]->synth.bed == MZ_BED_SPEECH) ramp_to(m->layers[i], 0.0f, SPEECH_FADE_S);
    if (!speech) return;
    mz_synth_params p = {.intensity = 1, .clip = speech};
    mz_mix_layer *l = add_layer(m, MZ_BED_SPEECH, &p);
    if (l) ramp_to(l, 1.0f, SPEECH_FADE_S);
}

bool mz_mix_speaking(const mz_mix *m)
{
    for (int i = 0; i < m->nlayers; i++) {
        const mz_mix_layer *l = m->layers[i];
        if (l->synth.bed == MZ_BED_SPEECH && l->fade_target > 0 && !l->synth.u.clip.done)
            return true;
    }
    return false;
}

bool mz_mix_plays(const mz_mix *m, const mz_clip *clip)
{
    for (int i = 0; i < m->nlayers; i++)
        if (m->layers[i]->synth.params.clip == clip) return true;
    return false;
}

void mz_mix_set_master(mz_mix *m, float gain)
{
    m->master_target = gain < 0 ? 0 : gain;
}

static float approach(float x, float target, float step)
{
    if (x < target) return x + step < target ? x + step : target;
    return x - step > target ? x - step : target;
}

/* Many loud beds at once would clip: above 0.8 the signal bends smoothly
 * towards 1 instead (slope never above 1, so it adds no jumps). */
static float soft_knee(float x)
{
    const float knee = 0.8f, room = 1.0f - knee;
    float a = fabsf(x);
    if (a <= knee) return x;
    float y = knee + room * tanhf((a - knee) / room);
    return x < 0 ? -y : y;
}

static void remove_layer(mz_mix *m, int i)
{
    free(m->layers[i]);
    m->layers[i] = m->layers[--m->nlayers];
}

void mz_mix_render(mz_mix *m, mz_bus bus, float *out, int frames)
{
    const int ch = mz_bus_channels(bus);
    memset(out, 0, sizeof(float) * (size_t)frames * (size_t)ch);
    bool silent = m->master[bus] == 0.0f && m->master_target == 0.0f;

    /* Duck and master as per-sample curves shared by every layer. */
    float duck_target = mz_mix_speaking(m) ? DUCK_LEVEL : 1.0f;
    float duck_step = duck_target < m->duck[bus] ? DUCK_DOWN : DUCK_UP;
    for (int n = 0; n < frames; n++) {
        m->duck_curve[n] = m->duck[bus] = approach(m->duck[bus], duck_target, duck_step);
        m->master_curve[n] = m->master[bus] =
            approach(m->master[bus], m->master_target, MASTER_STEP);
    }

    for (int i = 0; i < m->nlayers; i++) {
        mz_mix_layer *l = m->layers[i];
        if (l->bus != bus) continue;
        if (silent || faded_out(l)) {
            /* Nothing to hear: let the fades finish on paper, and speech
             * move on as if heard, without synthesising. */
            l->fade = approach(l->fade, l->fade_target, l->fade_step * (float)frames);
            l->level = approach(l->level, l->level_target, l->level_step * (float)frames);
            if (l->synth.bed == MZ_BED_SPEECH) {
                l->synth.u.clip.pos += (size_t)frames;
                l->synth.u.clip.done = l->synth.u.clip.pos >= l->synth.params.clip->frames;
            }
            continue;
        }
        mz_synth_render(&l->synth, m->scratch, frames);
        const bool ducked = l->synth.bed != MZ_BED_SPEECH;
        for (int n = 0; n < frames; n++) {
            l->fade = approach(l->fade, l->fade_target, l->fade_step);
            l->level = approach(l->level, l->level_target, l->level_step);
            float g = l->level * (l->fade < 1.0f ? sinf(l->fade * 1.5707963f) : 1.0f) *
                      (ducked ? m->duck_curve[n] : 1.0f);
            for (int c = 0; c < ch; c++)
                out[n * ch + c] += g * m->scratch[n * ch + c];
        }
    }
    for (int n = 0; n < frames; n++)
        for (int c = 0; c < ch; c++)
            out[n * ch + c] = soft_knee(out[n * ch + c] * m->master_curve[n]);

    for (int i = m->nlayers - 1; i >= 0; i--) {
        mz_mix_layer *l = m->layers[i];
        if (l->bus != bus) continue;
        bool faded = faded_out(l);
        bool finished = l->synth.bed == MZ_BED_SPEECH && l->synth.u.clip.done;
        if (faded || finished) remove_layer(m, i);
    }
    m->frames[bus] += (uint64_t)frames;
}

void mz_mix_render_stereo(mz_mix *m, float *out, int frames)
{
    mz_mix_render(m, MZ_BUS_AMBIENT, out, frames);
    for (int b = 1; b < MZ_BUS_COUNT; b++) {
        mz_mix_render(m, (mz_bus)b, m->bus_scratch, frames);
        float a[3];
        mz_bus_anchor((mz_bus)b, a);
        /* Equal-power pan by the anchor's azimuth (x right, -z ahead). */
        float az = atan2f(a[0], -a[2]);
        float p = 0.5f + 0.5f * sinf(az);
        float gl = cosf(p * 1.5707963f), gr = sinf(p * 1.5707963f);
        for (int n = 0; n < frames; n++) {
            out[2 * n] += gl * m->bus_scratch[n];
            out[2 * n + 1] += gr * m->bus_scratch[n];
        }
    }
}
