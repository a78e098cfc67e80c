/* mz_audio on OpenAL Soft: the device, a mixer thread that streams every bus
 * into its own source (4 x 50 ms buffers), and a worker thread for the slow
 * jobs (speech synthesis, decoding files). The player's thread only swaps
 * small pieces of state under `lock`; all AL calls happen on the mixer
 * thread, which has the context current for itself alone. */
#include "mz_audio.h"
#include "mz_audio_internal.h"
#include "mz_error.h"
#include "mz_log.h"
#include "mz_time.h"

#include <AL/al.h>
#include <AL/alc.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_CACHE 64
#define MAX_SEEN_TAGS 32
#define MAX_OWNED_SPEECH 8

#define POLL_MS 5.0

typedef enum clip_state { CLIP_WANTED, CLIP_DECODING, CLIP_READY, CLIP_FAILED } clip_state;

typedef struct cached_clip {
    char *path; /* immutable once added */
    mz_clip *clip;
    clip_state state;
} cached_clip;

typedef ALCboolean(ALC_APIENTRY *set_thread_context_fn)(ALCcontext *context);

/* A positional source's place in the world, gliding from `from` to `to`. */
typedef struct bus_place {
    float from[3], to[3], now[3];
    uint64_t start_ns;
    float seconds;
    bool moving;
} bus_place;

struct mz_audio {
    bool silent;
    char voice[32]; /* under `lock`: the language of the story playing can change it */
    ALCdevice *device;
    ALCcontext *context;
    set_thread_context_fn set_thread_context; /* NULL: fall back to process-wide */
    pthread_t mixer, worker;
    bool mixer_started, worker_started;

    /* The player's thread only. */
    float volume;
    bool muted, narrate;
    char *seen_tags[MAX_SEEN_TAGS];
    int nseen_tags;

    pthread_mutex_t lock;
    pthread_cond_t wake_worker;
    /* Under `lock`: the mixer says whether it made its sources (1) or not
     * (-1, with the OpenAL error); mz_audio_open waits for it. */
    pthread_cond_t mixer_ready;
    int mixer_state;
    ALenum mixer_error;
    /* Under `lock`: what the player asked for, taken by the threads. */
    bool quit;
    bool scene_pending;
    mz_plan plan;
    float transition_s;
    char *files[MZ_PLAN_FILES];
    int nfiles;
    bool clips_changed;
    float listener[4]; /* x, y, z, yaw */
    bool listener_pending;
    float master;
    bool master_pending;
    char *say_text;
    uint32_t say_id;       /* bumped by every say and by narration off */
    mz_clip *speech_ready; /* synthesised, for the mixer to take */
    bool stop_speech;
    cached_clip cache[MAX_CACHE];
    int ncache;
    mz_audio_stats stats;

    /* The mixer thread only. */
    mz_mix *mix;
    mz_clip *owned_speech[MAX_OWNED_SPEECH];
    float listener_now[4];
    bus_place place[MZ_BUS_COUNT];
};

/* ---- helpers ---- */

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static float clamp01(float x)
{
    return x < 0 ? 0 : x > 1 ? 1 : x;
}

static float master_gain(const mz_audio *a)
{
    return a->muted ? 0.0f : a->volume;
}

/* ---- the mixer thread ---- */

/* Where a bus's anchor is in the world for a listener {x, y, z, yaw}. */
static void anchor_in_world(mz_bus bus, const float lis[4], float out[3])
{
    float anc[3];
    mz_bus_anchor(bus, anc);
    /* Listener axes from its yaw: forward (sin, 0, -cos), right (cos, 0, sin). */
    float s = sinf(lis[3]), c = cosf(lis[3]);
    out[0] = lis[0] + anc[0] * c - anc[2] * s;
    out[1] = lis[1] + anc[1];
    out[2] = lis[2] + anc[0] * s + anc[2] * c;
}

/* Sets a positional source up once: full gain at its anchor's distance,
 * never below a quarter however far the camera wanders from it. */
static void setup_bus_source(ALuint src, mz_bus bus)
{
    float anc[3];
    mz_bus_anchor(bus, anc);
    float d = sqrtf(anc[0] * anc[0] + anc[1] * anc[1] + anc[2] * anc[2]);
    alSourcef(src, AL_REFERENCE_DISTANCE, d);
    alSourcef(src, AL_MAX_DISTANCE, 4.0f * d);
}

/* A bed that carries on into a new scene moves to its new anchor over the
 * transition rather than jumping there; a new bed starts at its anchor. */
static void place_bus(mz_audio *a, mz_bus bus, float seconds, bool jump)
{
    bus_place *p = &a->place[bus];
    memcpy(p->from, p->now, sizeof p->now);
    anchor_in_world(bus, a->listener_now, p->to);
    p->start_ns = mz_time_ns();
    p->seconds = jump ? 0.0f : seconds;
    p->moving = true;
}

static void move_sources(mz_audio *a, const ALuint src[MZ_BUS_COUNT])
{
    for (int b = 1; b < MZ_BUS_COUNT; b++) {
        bus_place *p = &a->place[b];
        if (!p->moving) continue;
        double t = p->seconds > 0 ? mz_time_ms_since(p->start_ns) / (1000.0 * p->seconds) : 1.0;
        if (t >= 1.0) {
            t = 1.0;
            p->moving = false;
        }
        for (int k = 0; k < 3; k++)
            p->now[k] = p->from[k] + (p->to[k] - p->from[k]) * (float)t;
        alSource3f(src[b], AL_POSITION, p->now[0], p->now[1], p->now[2]);
    }
}

static void set_listener_al(const float lis[4])
{
    float s = sinf(lis[3]), c = cosf(lis[3]);
    float orient[6] = {s, 0, -c, 0, 1, 0};
    alListener3f(AL_POSITION, lis[0], lis[1], lis[2]);
    alListenerfv(AL_ORIENTATION, orient);
}

/* Resolves the current scene's files to decoded clips (under `lock`). */
static int ready_clips(mz_audio *a, const mz_clip **out)
{
    int n = 0;
    for (int f = 0; f < a->nfiles; f++)
        for (int i = 0; i < a->ncache; i++)
            if (a->cache[i].state == CLIP_READY && !strcmp(a->cache[i].path, a->files[f]))
                out[n++] = a->cache[i].clip;
    return n;
}

/* Takes what the player asked for since the last pass and applies it. */
static void apply_requests(mz_audio *a)
{
    pthread_mutex_lock(&a->lock);
    bool scene = a->scene_pending, clips = scene || a->clips_changed;
    mz_plan plan = a->plan;
    float transition = a->transition_s;
    const mz_clip *ready[MZ_PLAN_FILES];
    int nready = clips ? ready_clips(a, ready) : 0;
    a->scene_pending = a->clips_changed = false;
    bool lis = a->listener_pending;
    if (lis) memcpy(a->listener_now, a->listener, sizeof a->listener);
    a->listener_pending = false;
    bool master = a->master_pending;
    float master_g = a->master;
    a->master_pending = false;
    mz_clip *speech = NULL;
    bool stop = a->stop_speech;
    a->stop_speech = false;
    int free_slot = -1;
    for (int i = 0; i < MAX_OWNED_SPEECH && free_slot < 0; i++)
        if (!a->owned_speech[i]) free_slot = i;
    if (a->speech_ready && free_slot >= 0) {
        speech = a->speech_ready;
        a->speech_ready = NULL;
    }
    pthread_mutex_unlock(&a->lock);

    if (lis) set_listener_al(a->listener_now);
    if (master) mz_mix_set_master(a->mix, master_g);
    if (scene) {
        unsigned placed = mz_mix_set_scene(a->mix, &plan, transition);
        for (int i = 0; i < plan.nbeds; i++) {
            mz_bus b = mz_bed_bus(plan.beds[i].bed);
            if (b != MZ_BUS_AMBIENT) place_bus(a, b, transition, (placed >> b) & 1u);
        }
    }
    if (clips) {
        for (int i = 0; i < nready; i++)
            mz_mix_add_clip(a->mix, ready[i], MZ_AUDIO_CLIP_LEVEL, transition);
        mz_mix_keep_clips(a->mix, ready, nready, transition);
    }
    if (stop) mz_mix_speak(a->mix, NULL);
    if (speech) {
        a->owned_speech[free_slot] = speech;
        mz_mix_speak(a->mix, speech);
    }
}

/* Speech clips are freed once no layer plays them any more. */
static void release_speech(mz_audio *a)
{
    for (int i = 0; i < MAX_OWNED_SPEECH; i++) {
        mz_clip *c = a->owned_speech[i];
        if (c && !mz_mix_plays(a->mix, c)) {
            mz_clip_free(c);
            a->owned_speech[i] = NULL;
        }
    }
}

static double thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Renders one block of a bus into an AL buffer (16-bit: every OpenAL has it). */
static void fill_buffer(mz_audio *a, mz_bus bus, ALuint buf, float *mixbuf, int16_t *pcm)
{
    int ch = mz_bus_channels(bus);
    mz_mix_render(a->mix, bus, mixbuf, MZ_AUDIO_BLOCK);
    for (int i = 0; i < MZ_AUDIO_BLOCK * ch; i++) {
        float x = mixbuf[i];
        x = x > 1.0f ? 1.0f : x < -1.0f ? -1.0f : x;
        pcm[i] = (int16_t)lrintf(x * 32767.0f);
    }
    alBufferData(buf, ch == 2 ? AL_FORMAT_STEREO16 : AL_FORMAT_MONO16, pcm,
                 (ALsizei)(sizeof(int16_t) * (size_t)(MZ_AUDIO_BLOCK * ch)), MZ_AUDIO_RATE);
}

static void *mixer_main(void *arg)
{
    mz_audio *a = arg;
    if (a->set_thread_context)
        a->set_thread_context(a->context);
    else
        alcMakeContextCurrent(a->context);

    ALuint src[MZ_BUS_COUNT], buf[MZ_BUS_COUNT][MZ_AUDIO_QUEUE];
    alGenSources(MZ_BUS_COUNT, src);
    ALenum err = alGetError();
    if (err == AL_NO_ERROR) {
        alGenBuffers(MZ_BUS_COUNT * MZ_AUDIO_QUEUE, &buf[0][0]);
        err = alGetError();
        if (err != AL_NO_ERROR) alDeleteSources(MZ_BUS_COUNT, src);
    }
    pthread_mutex_lock(&a->lock);
    a->mixer_state = err == AL_NO_ERROR ? 1 : -1;
    a->mixer_error = err;
    pthread_cond_broadcast(&a->mixer_ready);
    pthread_mutex_unlock(&a->lock);
    if (err != AL_NO_ERROR) { /* mz_audio_open goes silent and says so */
        if (a->set_thread_context) a->set_thread_context(NULL);
        return NULL;
    }
    alDistanceModel(AL_INVERSE_DISTANCE_CLAMPED);
    /* The ambience plays as is, around the listener; the others in space. */
    alSourcei(src[MZ_BUS_AMBIENT], AL_SOURCE_RELATIVE, AL_TRUE);
    alSource3f(src[MZ_BUS_AMBIENT], AL_POSITION, 0, 0, 0);
    for (int b = 1; b < MZ_BUS_COUNT; b++)
        setup_bus_source(src[b], (mz_bus)b);
    set_listener_al(a->listener_now);

    float *mixbuf = malloc(sizeof(float) * 2 * MZ_AUDIO_BLOCK);
    int16_t *pcm = malloc(sizeof(int16_t) * 2 * MZ_AUDIO_BLOCK);
    double cpu_ns = 0;
    if (mixbuf && pcm) {
        double t0 = thread_cpu_ns();
        apply_requests(a);
        move_sources(a, src);
        for (int b = 0; b < MZ_BUS_COUNT; b++)
            for (int q = 0; q < MZ_AUDIO_QUEUE; q++) {
                fill_buffer(a, (mz_bus)b, buf[b][q], mixbuf, pcm);
                alSourceQueueBuffers(src[b], 1, &buf[b][q]);
            }
        alSourcePlayv(MZ_BUS_COUNT, src);
        cpu_ns += thread_cpu_ns() - t0;
    }

    uint32_t underruns = 0;
    for (;;) {
        pthread_mutex_lock(&a->lock);
        bool quit = a->quit;
        pthread_mutex_unlock(&a->lock);
        if (quit || !mixbuf || !pcm) break;
        double t0 = thread_cpu_ns();
        apply_requests(a);
        move_sources(a, src);
        uint32_t queued = 0;
        for (int b = 0; b < MZ_BUS_COUNT; b++) {
            ALint processed = 0, state = 0, nq = 0;
            alGetSourcei(src[b], AL_BUFFERS_PROCESSED, &processed);
            while (processed-- > 0) {
                ALuint done;
                alSourceUnqueueBuffers(src[b], 1, &done);
                fill_buffer(a, (mz_bus)b, done, mixbuf, pcm);
                alSourceQueueBuffers(src[b], 1, &done);
            }
            alGetSourcei(src[b], AL_SOURCE_STATE, &state);
            if (state != AL_PLAYING) {
                /* It ran dry (we were late): start again from what is queued. */
                underruns++;
                alSourcePlay(src[b]);
            }
            alGetSourcei(src[b], AL_BUFFERS_QUEUED, &nq);
            queued += (uint32_t)nq;
        }
        release_speech(a);
        cpu_ns += thread_cpu_ns() - t0;

        pthread_mutex_lock(&a->lock);
        double secs = (double)a->mix->frames[MZ_BUS_AMBIENT] / MZ_AUDIO_RATE;
        a->stats.seconds_rendered = secs;
        a->stats.cpu_ms_per_s = secs > 0 ? cpu_ns / 1e6 / secs : 0;
        a->stats.buffers_queued = queued;
        a->stats.underruns = underruns;
        a->stats.layers = (uint32_t)a->mix->nlayers;
        a->stats.speaking = mz_mix_speaking(a->mix);
        pthread_mutex_unlock(&a->lock);
        mz_time_sleep_ms(POLL_MS);
    }

    alSourceStopv(MZ_BUS_COUNT, src);
    for (int b = 0; b < MZ_BUS_COUNT; b++)
        alSourcei(src[b], AL_BUFFER, 0);
    alDeleteSources(MZ_BUS_COUNT, src);
    alDeleteBuffers(MZ_BUS_COUNT * MZ_AUDIO_QUEUE, &buf[0][0]);
    free(mixbuf);
    free(pcm);
    if (a->set_thread_context) a->set_thread_context(NULL);
    return NULL;
}

/* ---- the worker thread: speech and files ---- */

static int wanted_clip(const mz_audio *a)
{
    for (int i = 0; i < a->ncache; i++)
        if (a->cache[i].state == CLIP_WANTED) return i;
    return -1;
}

static void *worker_main(void *arg)
{
    mz_audio *a = arg;
    bool speech_warned = false;
    pthread_mutex_lock(&a->lock);
    for (;;) {
        while (!a->quit && !a->say_text && wanted_clip(a) < 0)
            pthread_cond_wait(&a->wake_worker, &a->lock);
        if (a->quit) break;
        if (a->say_text) {
            char *text = a->say_text, voice[sizeof a->voice];
            uint32_t id = a->say_id;
            a->say_text = NULL;
            memcpy(voice, a->voice, sizeof voice);
            pthread_mutex_unlock(&a->lock);
            mz_clip *clip = mz_speech_synth(text, voice);
            if (!clip && !speech_warned) {
                mz_log_warn("audio: narration unavailable: %s", mz_error());
                speech_warned = true;
            }
            free(text);
            pthread_mutex_lock(&a->lock);
            if (clip && id == a->say_id) {
                mz_clip_free(a->speech_ready); /* never taken: superseded */
                a->speech_ready = clip;
            } else {
                mz_clip_free(clip);
            }
            continue;
        }
        cached_clip *c = &a->cache[wanted_clip(a)];
        c->state = CLIP_DECODING;
        pthread_mutex_unlock(&a->lock);
        mz_clip *clip = mz_clip_load(c->path);
        if (!clip) mz_log_warn("audio: sound file skipped: %s", mz_error());
        pthread_mutex_lock(&a->lock);
        c->clip = clip;
        c->state = clip ? CLIP_READY : CLIP_FAILED;
        a->clips_changed = true;
    }
    pthread_mutex_unlock(&a->lock);
    return NULL;
}

/* ---- the API ---- */

static void stop_threads(mz_audio *a)
{
    pthread_mutex_lock(&a->lock);
    a->quit = true;
    pthread_cond_broadcast(&a->wake_worker);
    pthread_mutex_unlock(&a->lock);
    if (a->mixer_started) pthread_join(a->mixer, NULL);
    if (a->worker_started) pthread_join(a->worker, NULL);
    a->mixer_started = a->worker_started = false;
    if (a->context && !a->set_thread_context) alcMakeContextCurrent(NULL);
}

static void go_silent(mz_audio *a, const char *why)
{
    mz_log_warn("audio: %s; running without sound (everything else works)", why);
    if (a->context) alcDestroyContext(a->context);
    if (a->device) alcCloseDevice(a->device);
    a->context = NULL;
    a->device = NULL;
    a->silent = true;
}

mz_audio *mz_audio_open(const mz_audio_desc *desc)
{
    mz_audio_desc d = {0};
    if (desc) d = *desc;
    mz_audio *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    a->volume = d.volume > 0 ? clamp01(d.volume) : 1.0f;
    a->muted = d.muted;
    a->narrate = d.narrate;
    snprintf(a->voice, sizeof a->voice, "%s", d.voice ? d.voice : "en");
    a->mix = malloc(sizeof *a->mix);
    if (!a->mix) {
        free(a);
        return NULL;
    }
    mz_mix_init(a->mix, master_gain(a));
    pthread_mutex_init(&a->lock, NULL);
    pthread_cond_init(&a->wake_worker, NULL);
    pthread_cond_init(&a->mixer_ready, NULL);

    a->device = alcOpenDevice(d.device);
    if (!a->device) {
        char why[300];
        snprintf(why, sizeof why, "no sound device could be opened (%s%s%s)",
                 d.device ? "'" : "the default device", d.device ? d.device : "",
                 d.device ? "'" : "");
        go_silent(a, why);
        return a;
    }
    const ALCint attrs[] = {ALC_FREQUENCY, MZ_AUDIO_RATE, 0};
    a->context = alcCreateContext(a->device, attrs);
    if (!a->context) {
        go_silent(a, "the sound device would not give a context");
        return a;
    }
    if (alcIsExtensionPresent(a->device, "ALC_EXT_thread_local_context"))
        a->set_thread_context =
            (set_thread_context_fn)alcGetProcAddress(a->device, "alcSetThreadContext");
    a->mixer_started = pthread_create(&a->mixer, NULL, mixer_main, a) == 0;
    /* Sources are made on the mixer's thread (its context); without them
     * nothing can play, and every call must know it: silent, not half-open. */
    pthread_mutex_lock(&a->lock);
    while (a->mixer_started && a->mixer_state == 0)
        pthread_cond_wait(&a->mixer_ready, &a->lock);
    bool no_sources = a->mixer_state < 0;
    pthread_mutex_unlock(&a->lock);
    if (no_sources) {
        char why[96];
        snprintf(why, sizeof why, "OpenAL could not make sources (error 0x%x)",
                 (unsigned)a->mixer_error);
        stop_threads(a);
        go_silent(a, why);
        return a;
    }
    a->worker_started = a->mixer_started && pthread_create(&a->worker, NULL, worker_main, a) == 0;
    if (!a->worker_started) {
        stop_threads(a);
        go_silent(a, "could not start the audio threads");
        return a;
    }
    mz_log_info("audio: %s at %d Hz", alcGetString(a->device, ALC_DEVICE_SPECIFIER), MZ_AUDIO_RATE);
    return a;
}

void mz_audio_close(mz_audio *a)
{
    if (!a) return;
    stop_threads(a);
    if (a->context) alcDestroyContext(a->context);
    if (a->device) alcCloseDevice(a->device);
    mz_mix_free(a->mix);
    free(a->mix);
    for (int i = 0; i < MAX_OWNED_SPEECH; i++)
        mz_clip_free(a->owned_speech[i]);
    mz_clip_free(a->speech_ready);
    free(a->say_text);
    for (int i = 0; i < a->ncache; i++) {
        free(a->cache[i].path);
        mz_clip_free(a->cache[i].clip);
    }
    for (int i = 0; i < a->nfiles; i++)
        free(a->files[i]);
    for (int i = 0; i < a->nseen_tags; i++)
        free(a->seen_tags[i]);
    pthread_cond_destroy(&a->wake_worker);
    pthread_cond_destroy(&a->mixer_ready);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

bool mz_audio_is_silent(const mz_audio *a)
{
    return !a || a->silent;
}

/* Each unknown tag is reported once per handle: a story repeats its tags. */
static void report_unknown_tags(mz_audio *a, const mz_plan *plan)
{
    for (int i = 0; i < plan->nunknown; i++) {
        bool seen = false;
        for (int k = 0; k < a->nseen_tags && !seen; k++)
            seen = !strcmp(a->seen_tags[k], plan->unknown[i]);
        if (seen) continue;
        mz_log_info("audio: unknown sound tag '%s' ignored", plan->unknown[i]);
        if (a->nseen_tags < MAX_SEEN_TAGS)
            a->seen_tags[a->nseen_tags++] = dup_str(plan->unknown[i]);
    }
}

/* Under `lock`: makes sure the worker decodes `path` (once per handle). */
static void want_file(mz_audio *a, const char *path)
{
    for (int i = 0; i < a->ncache; i++)
        if (!strcmp(a->cache[i].path, path)) return;
    if (a->ncache == MAX_CACHE) {
        mz_log_warn("audio: more than %d sound files; '%s' skipped", MAX_CACHE, path);
        return;
    }
    char *copy = dup_str(path);
    if (!copy) return;
    a->cache[a->ncache++] = (cached_clip){copy, NULL, CLIP_WANTED};
    pthread_cond_signal(&a->wake_worker);
}

void mz_audio_set_scene(mz_audio *a, const mz_scene_params *params, const char *const *tags,
                        size_t ntags, const char *const *files, size_t nfiles, float transition_s)
{
    if (!a) return;
    if (!tags) ntags = 0;
    if (!files) nfiles = 0;
    mz_plan plan;
    mz_plan_scene(&plan, params, tags, ntags);
    report_unknown_tags(a, &plan);
    if (a->silent) return;
    if (nfiles > MZ_PLAN_FILES) {
        mz_log_warn("audio: a scene may name %d sound files; %zu given, the rest skipped",
                    MZ_PLAN_FILES, nfiles);
        nfiles = MZ_PLAN_FILES;
    }
    pthread_mutex_lock(&a->lock);
    a->plan = plan;
    a->transition_s = transition_s;
    for (int i = 0; i < a->nfiles; i++)
        free(a->files[i]);
    a->nfiles = 0;
    for (size_t i = 0; i < nfiles; i++) {
        if (!files[i]) continue;
        char *copy = dup_str(files[i]);
        if (!copy) continue;
        a->files[a->nfiles++] = copy;
        want_file(a, copy);
    }
    a->scene_pending = true;
    pthread_mutex_unlock(&a->lock);
}

void mz_audio_set_listener(mz_audio *a, float x, float y, float z, float yaw)
{
    if (!a || a->silent) return;
    pthread_mutex_lock(&a->lock);
    a->listener[0] = x;
    a->listener[1] = y;
    a->listener[2] = z;
    a->listener[3] = yaw;
    a->listener_pending = true;
    pthread_mutex_unlock(&a->lock);
}

void mz_audio_say(mz_audio *a, const char *text)
{
    if (!a || a->silent || !a->narrate || !text || !*text) return;
    char *copy = dup_str(text);
    if (!copy) return;
    pthread_mutex_lock(&a->lock);
    free(a->say_text);
    a->say_text = copy;
    a->say_id++;
    pthread_cond_signal(&a->wake_worker);
    pthread_mutex_unlock(&a->lock);
}

void mz_audio_set_narration(mz_audio *a, bool on)
{
    if (!a) return;
    a->narrate = on;
    if (on || a->silent) return;
    pthread_mutex_lock(&a->lock);
    free(a->say_text);
    a->say_text = NULL;
    a->say_id++; /* what the worker is synthesising now is dropped */
    mz_clip_free(a->speech_ready);
    a->speech_ready = NULL;
    a->stop_speech = true;
    pthread_mutex_unlock(&a->lock);
}

void mz_audio_set_voice(mz_audio *a, const char *voice)
{
    if (!a) return;
    pthread_mutex_lock(&a->lock);
    snprintf(a->voice, sizeof a->voice, "%s", voice && *voice ? voice : "en");
    pthread_mutex_unlock(&a->lock);
}

void mz_audio_voice(mz_audio *a, char *out, size_t cap)
{
    if (!a || !cap) return;
    pthread_mutex_lock(&a->lock);
    snprintf(out, cap, "%s", a->voice);
    pthread_mutex_unlock(&a->lock);
}

bool mz_audio_narration(const mz_audio *a)
{
    return a && a->narrate;
}

static void update_master(mz_audio *a)
{
    if (a->silent) return;
    pthread_mutex_lock(&a->lock);
    a->master = master_gain(a);
    a->master_pending = true;
    pthread_mutex_unlock(&a->lock);
}

void mz_audio_set_volume(mz_audio *a, float volume)
{
    if (!a) return;
    a->volume = clamp01(volume);
    update_master(a);
}

float mz_audio_volume(const mz_audio *a)
{
    return a ? a->volume : 0.0f;
}

void mz_audio_set_muted(mz_audio *a, bool muted)
{
    if (!a) return;
    a->muted = muted;
    update_master(a);
}

bool mz_audio_muted(const mz_audio *a)
{
    return a && a->muted;
}

mz_audio_stats mz_audio_stats_get(const mz_audio *a)
{
    mz_audio_stats s = {0};
    if (!a || a->silent) return s;
    /* The lock guards the snapshot; taking it does not change the handle. */
    pthread_mutex_t *lock = (pthread_mutex_t *)&a->lock;
    pthread_mutex_lock(lock);
    s = a->stats;
    pthread_mutex_unlock(lock);
    return s;
}
