/* Procedural beds: noise, filters, envelopes and a few oscillators. Each bed
 * is one render function over a per-bed state struct; all randomness comes
 * from the synth's own seeded generator, so a bed renders the same samples
 * for the same seed (tests rely on that). Each bed at intensity 1 sits
 * around -30 dBFS RMS; the mixer's per-bed level brings it up. */
#include "mz_audio_internal.h"

#include <math.h>
#include <string.h>

#define PI_F 3.14159265358979f
#define DT (1.0 / MZ_AUDIO_RATE)
/* Filter cutoffs follow their modulators every this many samples. */
#define CONTROL_EVERY 32
/* One-pole glide of intensity and brightness: about a second. */
#define GLIDE (1.0f / MZ_AUDIO_RATE)

static const char *const bed_names[MZ_BED_COUNT] = {
    "wind", "rain", "sea", "fire", "night", "city", "thunder", "drip", "drone", "clip", "speech",
};

const char *mz_bed_name(mz_bed bed)
{
    return bed < MZ_BED_COUNT ? bed_names[bed] : "?";
}

/* ---- small DSP pieces ---- */

static uint32_t next_u32(uint32_t *r)
{
    uint32_t x = *r;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *r = x;
}

/* Uniform in [-1, 1). */
static float noise(mz_synth *s)
{
    return (float)(int32_t)next_u32(&s->rng) * (1.0f / 2147483648.0f);
}
/* Uniform in [0, 1). */
static float frand(mz_synth *s)
{
    return (float)(next_u32(&s->rng) >> 8) * (1.0f / 16777216.0f);
}

static void svf_set(mz_svf *f, float hz, float q)
{
    if (hz > 0.45f * MZ_AUDIO_RATE) hz = 0.45f * MZ_AUDIO_RATE;
    f->g = tanf(PI_F * hz / MZ_AUDIO_RATE);
    f->k = 1.0f / q;
}

typedef struct svf_out {
    float lp, bp, hp;
} svf_out;

static svf_out svf_run(mz_svf *f, float x)
{
    float a1 = 1.0f / (1.0f + f->g * (f->g + f->k));
    float a2 = f->g * a1, a3 = f->g * a2;
    float v3 = x - f->ic2;
    float v1 = a1 * f->ic1 + a2 * v3;
    float v2 = f->ic2 + a2 * f->ic1 + a3 * v3;
    f->ic1 = 2.0f * v1 - f->ic1;
    f->ic2 = 2.0f * v2 - f->ic2;
    return (svf_out){v2, v1, x - f->k * v1 - v2};
}

/* One-pole coefficient for a cutoff in Hz. */
static float pole(float hz)
{
    return 1.0f - expf(-2.0f * PI_F * hz / MZ_AUDIO_RATE);
}

static void osc_init(mz_osc *o, float hz, float phase)
{
    o->c = cosf(phase);
    o->s = sinf(phase);
    o->wc = cosf(2.0f * PI_F * hz / MZ_AUDIO_RATE);
    o->ws = sinf(2.0f * PI_F * hz / MZ_AUDIO_RATE);
}

static float osc_step(mz_osc *o)
{
    float c = o->c * o->wc - o->s * o->ws;
    o->s = o->c * o->ws + o->s * o->wc;
    o->c = c;
    return o->s;
}

/* Rounding error grows the phasor slowly; pulling it back once per block
 * keeps the amplitude exact. */
static void osc_normalise(mz_osc *o)
{
    float r = 1.0f / sqrtf(o->c * o->c + o->s * o->s);
    o->c *= r;
    o->s *= r;
}

/* Equal-power pan: p in [0, 1], 0 = left. */
static void pan_gains(float p, float *l, float *r)
{
    *l = cosf(p * 0.5f * PI_F);
    *r = sinf(p * 0.5f * PI_F);
}

/* Position 0..1 in a cycle of `period` seconds at time t, taken in double:
 * a float of t itself would step audibly after a few days of running. */
static float cycle(double t, double period)
{
    return (float)fmod(t / period, 1.0);
}

static void glide_intensity(mz_synth *s)
{
    s->intensity += (s->params.intensity - s->intensity) * GLIDE;
}

/* ---- the mood drone ---- */

mz_drone_tuning mz_drone_tuning_for(float valence, float energy, float scene_brightness)
{
    mz_drone_tuning t;
    float e = energy < 0 ? 0 : energy > 1 ? 1 : energy;
    t.semitone = (int)lroundf(e * 5.0f);
    t.minor = valence < 0;
    float sb = scene_brightness > 0 ? scene_brightness : 1.0f; /* zero struct = neutral */
    float b = 0.35f + 0.3f * valence + 0.25f * e + 0.3f * (sb - 1.0f);
    t.brightness = b < 0 ? 0 : b > 1 ? 1 : b;
    return t;
}

float mz_drone_root_hz(int semitone)
{
    return 110.0f * powf(2.0f, (float)semitone / 12.0f);
}

static const float voice_weight[MZ_SYNTH_VOICES] = {1.0f, 0.35f, 0.45f};

static void drone_voice_ratios(const mz_drone_tuning *t, float ratio[MZ_SYNTH_VOICES])
{
    ratio[0] = 1.0f;
    ratio[1] = powf(2.0f, (t->minor ? 3.0f : 4.0f) / 12.0f);
    ratio[2] = powf(2.0f, 7.0f / 12.0f);
}

/* Harmonic h of each voice at h^-tilt: dark (steep tilt) to bright. */
static void drone_amps(const mz_synth *s, float brightness, float out[])
{
    float ratio[MZ_SYNTH_VOICES];
    drone_voice_ratios(&s->params.drone, ratio);
    float root = mz_drone_root_hz(s->params.drone.semitone);
    float tilt = 2.6f - 1.8f * brightness;
    for (int v = 0; v < MZ_SYNTH_VOICES; v++)
        for (int h = 1; h <= MZ_SYNTH_PARTIALS; h++) {
            float hz = root * ratio[v] * (float)h;
            out[v * MZ_SYNTH_PARTIALS + h - 1] =
                hz < 8000.0f ? 0.045f * voice_weight[v] * powf((float)h, -tilt) : 0.0f;
        }
}

static void drone_init(mz_synth *s)
{
    float ratio[MZ_SYNTH_VOICES];
    drone_voice_ratios(&s->params.drone, ratio);
    float root = mz_drone_root_hz(s->params.drone.semitone);
    for (int v = 0; v < MZ_SYNTH_VOICES; v++)
        for (int h = 1; h <= MZ_SYNTH_PARTIALS; h++) {
            /* The right channel's overtones run 0.12 % sharp: a slow shimmer
             * that widens the drone. Fundamentals stay identical in both
             * channels so a mono mix never cancels the pitch. */
            float hz = root * ratio[v] * (float)h, phase = 2.0f * PI_F * frand(s);
            int i = v * MZ_SYNTH_PARTIALS + h - 1;
            osc_init(&s->u.drone.osc[0][i], hz, phase);
            osc_init(&s->u.drone.osc[1][i], h > 1 ? hz * 1.0012f : hz, phase);
        }
    s->u.drone.brightness = s->params.drone.brightness;
    drone_amps(s, s->u.drone.brightness, s->u.drone.amp);
}

static void render_drone(mz_synth *s, float *out, int frames)
{
    enum { N = MZ_SYNTH_VOICES * MZ_SYNTH_PARTIALS };
    /* Brightness glides once per block; harmonic amplitudes ramp per sample
     * from where they were to where that puts them. */
    float k = 1.0f - expf(-(float)frames / MZ_AUDIO_RATE);
    s->u.drone.brightness += (s->params.drone.brightness - s->u.drone.brightness) * k;
    float target[N], step[N];
    drone_amps(s, s->u.drone.brightness, target);
    for (int i = 0; i < N; i++)
        step[i] = (target[i] - s->u.drone.amp[i]) / (float)frames;
    float *amp = s->u.drone.amp;
    for (int n = 0; n < frames; n++) {
        /* A slow breath (14 s) so the drone lives. */
        float breath = 0.85f + 0.15f * sinf(2.0f * PI_F * cycle(s->t, 1.0 / 0.07));
        float l = 0, r = 0;
        for (int i = 0; i < N; i++) {
            amp[i] += step[i];
            l += amp[i] * osc_step(&s->u.drone.osc[0][i]);
            r += amp[i] * osc_step(&s->u.drone.osc[1][i]);
        }
        out[2 * n] = l * breath;
        out[2 * n + 1] = r * breath;
        s->t += DT;
    }
    memcpy(amp, target, sizeof target);
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < N; i++)
            osc_normalise(&s->u.drone.osc[c][i]);
}

/* ---- wind: band-passed noise whose centre and level follow slow gusts ---- */

static void render_wind(mz_synth *s, float *out, int frames)
{
    for (int n = 0; n < frames; n++) {
        glide_intensity(s);
        if (s->t >= s->u.wind.next) {
            s->u.wind.gust_target = 0.25f + 0.75f * frand(s);
            s->u.wind.next = s->t + 0.6 + 2.0 * frand(s);
        }
        s->u.wind.gust +=
            (s->u.wind.gust_target - s->u.wind.gust) * (1.0f / (0.8f * MZ_AUDIO_RATE));
        float g = s->u.wind.gust * (0.4f + 0.6f * s->intensity);
        if (n % CONTROL_EVERY == 0)
            for (int c = 0; c < 2; c++)
                svf_set(&s->u.wind.bp[c], 220.0f + 900.0f * g, 0.9f);
        float amp = 0.32f * (0.3f + 0.7f * s->intensity) * (0.3f + 0.7f * s->u.wind.gust);
        for (int c = 0; c < 2; c++)
            out[2 * n + c] = amp * svf_run(&s->u.wind.bp[c], noise(s)).bp;
        s->t += DT;
    }
}

/* ---- rain: broadband hiss plus droplet clicks scattered across the field ---- */

static void render_rain(mz_synth *s, float *out, int frames)
{
    const float hp_pole = pole(250.0f);
    const float click_decay = expf(-1.0f / (0.0015f * MZ_AUDIO_RATE));
    for (int n = 0; n < frames; n++) {
        glide_intensity(s);
        float rate = 30.0f + 150.0f * s->intensity; /* droplets per second */
        if (frand(s) < rate / MZ_AUDIO_RATE) {
            float a = 0.03f + 0.1f * frand(s), l, r;
            pan_gains(frand(s), &l, &r);
            s->u.rain.click[0] += a * l;
            s->u.rain.click[1] += a * r;
        }
        float amp = 0.1f * (0.3f + 0.7f * s->intensity);
        for (int c = 0; c < 2; c++) {
            float w = noise(s);
            s->u.rain.lp[c] += (w - s->u.rain.lp[c]) * hp_pole; /* high-pass = w - lp */
            out[2 * n + c] = amp * (w - s->u.rain.lp[c]) + noise(s) * s->u.rain.click[c];
            s->u.rain.click[c] *= click_decay;
        }
        s->t += DT;
    }
}

/* ---- sea: low-passed noise breathing with two slow swells ---- */

static void render_sea(mz_synth *s, float *out, int frames)
{
    const float hiss_pole = pole(3000.0f);
    for (int n = 0; n < frames; n++) {
        glide_intensity(s);
        float a = 0.5f + 0.5f * sinf(2.0f * PI_F * cycle(s->t, 7.3));
        float b = 0.5f + 0.5f * sinf(2.0f * PI_F * cycle(s->t, 11.9) + 1.3f);
        float swell = 0.65f * a * a + 0.35f * b;
        if (n % CONTROL_EVERY == 0) svf_set(&s->u.sea.lp, 250.0f + 1400.0f * swell, 0.6f);
        float w = noise(s);
        float body = svf_run(&s->u.sea.lp, w).lp;
        s->u.sea.hiss_lp += (w - s->u.sea.hiss_lp) * hiss_pole;
        float crest = swell * swell * swell * swell;
        float amp = 0.5f * (0.2f + 0.8f * swell) * (0.4f + 0.6f * s->intensity);
        out[n] = amp * body + 0.05f * crest * (w - s->u.sea.hiss_lp);
        s->t += DT;
    }
}

/* ---- fire: a flickering low rumble and band-passed crackles ---- */

static void render_fire(mz_synth *s, float *out, int frames)
{
    const float crack_decay = expf(-1.0f / (0.0025f * MZ_AUDIO_RATE));
    for (int n = 0; n < frames; n++) {
        glide_intensity(s);
        if (s->t >= s->u.fire.next_flicker) {
            s->u.fire.flicker_target = frand(s);
            s->u.fire.next_flicker = s->t + 0.1 + 0.4 * frand(s);
        }
        s->u.fire.flicker +=
            (s->u.fire.flicker_target - s->u.fire.flicker) * (1.0f / (0.08f * MZ_AUDIO_RATE));
        if (s->t >= s->u.fire.next) {
            float a = frand(s);
            s->u.fire.crack += 0.3f + 1.2f * a * a * a; /* mostly ticks, now and then a pop */
            s->u.fire.next = s->t - log(1.0 - frand(s)) / (6.0 + 30.0 * s->intensity);
        }
        float rumble = svf_run(&s->u.fire.rumble, noise(s)).lp;
        float crackle = svf_run(&s->u.fire.crackle, noise(s) * s->u.fire.crack).bp;
        s->u.fire.crack *= crack_decay;
        out[n] = (0.6f + 0.4f * s->intensity) *
                 (0.6f * (0.6f + 0.4f * s->u.fire.flicker) * rumble + 0.35f * crackle);
        s->t += DT;
    }
}

/* ---- night: crickets chirping in pulse trains over a faint insect hiss ---- */

static void insect_init(mz_synth *s, int i)
{
    mz_insect *in = &s->u.night.insect[i];
    in->freq = 3800.0f + 1400.0f * frand(s);
    in->pulse_hz = 25.0f + 15.0f * frand(s);
    in->pulses = 3 + (int)(frand(s) * 3.0f);
    in->period = 0.5f + 0.8f * frand(s);
    in->pan = 0.15f + 0.7f * frand(s);
    in->start = -1.0;
    in->next = s->t + in->period * frand(s);
    osc_init(&in->osc, in->freq, 0.0f);
}

static void render_night(mz_synth *s, float *out, int frames)
{
    for (int n = 0; n < frames; n++) {
        glide_intensity(s);
        float amp = 0.07f * (0.4f + 0.6f * s->intensity);
        float l = 0, r = 0;
        for (int i = 0; i < MZ_SYNTH_INSECTS; i++) {
            mz_insect *in = &s->u.night.insect[i];
            if (s->t >= in->next) {
                in->start = in->next;
                in->next += in->period * (0.85f + 0.3f * frand(s));
            }
            float x = osc_step(&in->osc), env = 0;
            double tc = (s->t - in->start) * in->pulse_hz;
            if (in->start >= 0 && tc < in->pulses) {
                /* Each pulse is a sin^2 bump over the first half of its
                 * period: smooth on and off, so no clicks. */
                float ph = (float)(tc - floor(tc));
                if (ph < 0.5f) {
                    float e = sinf(2.0f * PI_F * ph);
                    env = e * e;
                }
            }
            float gl, gr;
            pan_gains(in->pan, &gl, &gr);
            l += gl * env * x;
            r += gr * env * x;
        }
        out[2 * n] = amp * l + 0.015f * svf_run(&s->u.night.bg[0], noise(s)).bp;
        out[2 * n + 1] = amp * r + 0.015f * svf_run(&s->u.night.bg[1], noise(s)).bp;
        s->t += DT;
    }
    for (int i = 0; i < MZ_SYNTH_INSECTS; i++)
        osc_normalise(&s->u.night.insect[i].osc);
}

/* ---- city: mains-like hum, traffic rumble, and a car passing now and then ---- */

static const float hum_hz[4] = {55.0f, 110.0f, 165.0f, 220.0f};
static const float hum_amp[4] = {0.02f, 0.03f, 0.012f, 0.008f};

static void render_city(mz_synth *s, float *out, int frames)
{
    const double pass_s = 4.0;
    for (int n = 0; n < frames; n++) {
        glide_intensity(s);
        if (s->t >= s->u.city.next_level) {
            s->u.city.level_target = frand(s);
            s->u.city.next_level = s->t + 1.0 + 2.0 * frand(s);
        }
        s->u.city.level += (s->u.city.level_target - s->u.city.level) * (1.0f / MZ_AUDIO_RATE);
        if (s->t >= s->u.city.next) {
            s->u.city.pass_start = s->t;
            s->u.city.pass_dir = frand(s) < 0.5f ? -1.0f : 1.0f;
            s->u.city.next = s->t + pass_s + 2.0 + 6.0 * frand(s) / (0.3 + s->intensity);
        }
        float pass = 0, pan = 0.5f;
        double pt = (s->t - s->u.city.pass_start) / pass_s;
        if (s->u.city.pass_start > 0 && pt < 1.0) {
            float e = sinf(PI_F * (float)pt);
            pass = 0.25f * e * e * svf_run(&s->u.city.pass, noise(s)).bp;
            pan = 0.5f + 0.4f * s->u.city.pass_dir * (float)(2.0 * pt - 1.0);
        }
        float pl, pr;
        pan_gains(pan, &pl, &pr);
        float amp = 0.5f + 0.5f * s->intensity;
        for (int c = 0; c < 2; c++) {
            float hum = 0;
            for (int i = 0; i < 4; i++)
                hum += hum_amp[i] * osc_step(&s->u.city.hum[c][i]);
            float rumble =
                (0.12f + 0.08f * s->u.city.level) * svf_run(&s->u.city.rumble[c], noise(s)).lp;
            out[2 * n + c] = amp * (hum + rumble + pass * (c ? pr : pl));
        }
        s->t += DT;
    }
    for (int c = 0; c < 2; c++)
        for (int i = 0; i < 4; i++)
            osc_normalise(&s->u.city.hum[c][i]);
}

/* ---- thunder: now and then a low rumble that rolls and fades ---- */

static void thunder_schedule(mz_synth *s, double first)
{
    s->u.thunder.next = s->t + (first > 0 ? first : (5.0 + 10.0 * frand(s)) / (0.5 + s->intensity));
}

static void render_thunder(mz_synth *s, float *out, int frames)
{
    for (int n = 0; n < frames; n++) {
        glide_intensity(s);
        if (s->t >= s->u.thunder.next) {
            s->u.thunder.peak = (0.5f + 0.5f * frand(s)) * (0.5f + 0.5f * s->intensity);
            s->u.thunder.attack_end = s->t + 0.03 + 0.15 * frand(s);
            s->u.thunder.decay = expf(-1.0f / ((1.2f + 1.5f * frand(s)) * MZ_AUDIO_RATE));
            float hz = 90.0f + 120.0f * frand(s);
            for (int c = 0; c < 2; c++)
                svf_set(&s->u.thunder.lp[c], hz, 0.7f);
            thunder_schedule(s, 0);
        }
        if (s->t < s->u.thunder.attack_end)
            s->u.thunder.env +=
                (s->u.thunder.peak - s->u.thunder.env) * (1.0f / (0.02f * MZ_AUDIO_RATE));
        else
            s->u.thunder.env *= s->u.thunder.decay;
        if (s->t >= s->u.thunder.next_roll) {
            s->u.thunder.roll_target = 0.3f + 0.7f * frand(s);
            s->u.thunder.next_roll = s->t + 0.08 + 0.25 * frand(s);
        }
        s->u.thunder.roll +=
            (s->u.thunder.roll_target - s->u.thunder.roll) * (1.0f / (0.05f * MZ_AUDIO_RATE));
        float g = 3.0f * s->u.thunder.env * s->u.thunder.roll;
        for (int c = 0; c < 2; c++)
            out[2 * n + c] = g * svf_run(&s->u.thunder.lp[c], noise(s)).lp;
        s->t += DT;
    }
}

/* ---- drip: room tone and water drops with a short echo ---- */

static void render_drip(mz_synth *s, float *out, int frames)
{
    for (int n = 0; n < frames; n++) {
        glide_intensity(s);
        if (s->t >= s->u.drip.next) {
            s->u.drip.start = s->t;
            s->u.drip.freq = 900.0f + 1100.0f * frand(s);
            s->u.drip.amp = 0.1f + 0.12f * frand(s);
            s->u.drip.next = s->t + (0.35 + 1.5 * frand(s)) / (0.5 + s->intensity);
        }
        float x = 0;
        double tc = s->t - s->u.drip.start;
        if (s->u.drip.start > 0 && tc < 0.3) {
            /* A drop rises in pitch as its bubble collapses. */
            float rise = tc < 0.025 ? (float)tc / 0.025f : 1.0f;
            s->u.drip.phase += 2.0f * PI_F * s->u.drip.freq * (1.0f + 0.7f * rise) / MZ_AUDIO_RATE;
            if (s->u.drip.phase > 2.0f * PI_F) s->u.drip.phase -= 2.0f * PI_F;
            float env = (1.0f - expf(-(float)tc / 0.0008f)) * expf(-(float)tc / 0.035f);
            x = s->u.drip.amp * env * sinf(s->u.drip.phase);
        }
        float *d = &s->u.drip.echo[s->u.drip.echo_pos];
        float y = x + 0.4f * *d;
        *d = y;
        s->u.drip.echo_pos = (s->u.drip.echo_pos + 1) % MZ_SYNTH_ECHO;
        out[n] = y + 0.05f * (0.5f + 0.5f * s->intensity) * svf_run(&s->u.drip.room, noise(s)).lp;
        s->t += DT;
    }
}

/* ---- clips: an author's file looped, or speech played once ---- */

static float clip_at(const mz_clip *c, size_t frame, int ch)
{
    return c->samples[frame * (size_t)c->channels + (c->channels == 2 ? (size_t)ch : 0)];
}

static void render_clip(mz_synth *s, float *out, int frames)
{
    const mz_clip *c = s->params.clip;
    /* Loops join with a short crossfade of the tail into the head. */
    size_t xf = c->frames / 4 < MZ_AUDIO_RATE / 20 ? c->frames / 4 : MZ_AUDIO_RATE / 20;
    for (int n = 0; n < frames; n++) {
        size_t p = s->u.clip.pos;
        for (int ch = 0; ch < 2; ch++) {
            float x = clip_at(c, p, ch);
            if (xf > 0 && p >= c->frames - xf) {
                float w = (float)(p - (c->frames - xf)) / (float)xf;
                x = x * (1.0f - w) + clip_at(c, p - (c->frames - xf), ch) * w;
            }
            out[2 * n + ch] = x;
        }
        if (++s->u.clip.pos >= c->frames) s->u.clip.pos = xf;
    }
}

static void render_speech(mz_synth *s, float *out, int frames)
{
    const mz_clip *c = s->params.clip;
    for (int n = 0; n < frames; n++) {
        float x = s->u.clip.pos < c->frames ? clip_at(c, s->u.clip.pos++, 0) : 0.0f;
        out[2 * n] = out[2 * n + 1] = x;
    }
    s->u.clip.done = s->u.clip.pos >= c->frames;
}

/* ---- the generic part ---- */

void mz_synth_init(mz_synth *s, mz_bed bed, int channels, const mz_synth_params *p, uint32_t seed)
{
    memset(s, 0, sizeof *s);
    s->bed = bed;
    s->channels = channels;
    s->rng = seed ? seed : 0x9e3779b9u;
    s->params = *p;
    s->intensity = p->intensity;
    switch (bed) {
    case MZ_BED_WIND:
        s->u.wind.gust = s->u.wind.gust_target = 0.5f;
        break;
    case MZ_BED_FIRE:
        svf_set(&s->u.fire.rumble, 140.0f, 0.7f);
        svf_set(&s->u.fire.crackle, 2600.0f, 1.2f);
        break;
    case MZ_BED_NIGHT:
        for (int i = 0; i < MZ_SYNTH_INSECTS; i++)
            insect_init(s, i);
        for (int c = 0; c < 2; c++)
            svf_set(&s->u.night.bg[c], 4500.0f, 4.0f);
        break;
    case MZ_BED_CITY:
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 4; i++)
                osc_init(&s->u.city.hum[c][i], hum_hz[i] * (c ? 1.003f : 1.0f),
                         2.0f * PI_F * frand(s));
            svf_set(&s->u.city.rumble[c], 300.0f, 0.7f);
        }
        svf_set(&s->u.city.pass, 700.0f, 1.0f);
        s->u.city.next = 1.0 + 3.0 * frand(s);
        break;
    case MZ_BED_THUNDER:
        /* The first strike comes soon, so a storm is heard as one. */
        thunder_schedule(s, 0.5 + 1.5 * frand(s));
        break;
    case MZ_BED_DRIP:
        svf_set(&s->u.drip.room, 180.0f, 0.7f);
        break;
    case MZ_BED_DRONE:
        drone_init(s);
        break;
    default:
        break;
    }
}

void mz_synth_retarget(mz_synth *s, const mz_synth_params *p)
{
    /* The tuning of a drone is its identity (the mixer crossfades to a new
     * drone for a new key); only its brightness glides. */
    mz_drone_tuning keep = s->params.drone;
    s->params = *p;
    if (s->bed == MZ_BED_DRONE) {
        s->params.drone.semitone = keep.semitone;
        s->params.drone.minor = keep.minor;
    }
}

void mz_synth_render(mz_synth *s, float *out, int frames)
{
    switch (s->bed) {
    case MZ_BED_WIND:
        render_wind(s, out, frames);
        break;
    case MZ_BED_RAIN:
        render_rain(s, out, frames);
        break;
    case MZ_BED_SEA:
        render_sea(s, out, frames);
        break;
    case MZ_BED_FIRE:
        render_fire(s, out, frames);
        break;
    case MZ_BED_NIGHT:
        render_night(s, out, frames);
        break;
    case MZ_BED_CITY:
        render_city(s, out, frames);
        break;
    case MZ_BED_THUNDER:
        render_thunder(s, out, frames);
        break;
    case MZ_BED_DRIP:
        render_drip(s, out, frames);
        break;
    case MZ_BED_DRONE:
        render_drone(s, out, frames);
        break;
    case MZ_BED_CLIP:
        render_clip(s, out, frames);
        break;
    case MZ_BED_SPEECH:
        render_speech(s, out, frames);
        break;
    default:
        memset(out, 0, sizeof(float) * (size_t)frames * (size_t)s->channels);
        break;
    }
}
