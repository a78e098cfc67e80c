/* The generator front with a fake backend: ordering, superseding, bounded
 * memory, poll semantics, realtime dropping, stats, backend choice. The
 * test thread plays the backend by pushing frames into the sink. */
#include "mz_error.h"
#include "mz_gen.h"
#include "mz_gen_backend.h"
#include "mz_test.h"
#include "mz_time.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#define W 4
#define H 2

static mz_gen_sink *fake_sink;
static uint64_t fake_last_submit;
static mz_gen_job *fake_job; /* the last job submitted, kept by the fake */
static int fake_cancels;

static mz_gen_desc fake_desc; /* as the fake was opened */

static bool fake_accepts(const char *uri)
{
    return strcmp(uri, "fake") == 0;
}
static void *fake_open(const mz_gen_desc *desc, mz_gen_sink *sink)
{
    fake_desc = *desc;
    fake_sink = sink;
    return &fake_sink;
}
static bool fake_submit(void *self, mz_gen_job *job)
{
    (void)self;
    fake_last_submit = job->req.id;
    mz_gen_job_release(fake_job);
    fake_job = job;
    return true;
}
static void fake_cancel(void *self)
{
    (void)self;
    fake_cancels++;
}
static void fake_close(void *self)
{
    (void)self;
    mz_gen_job_release(fake_job);
    fake_job = NULL;
}

static const mz_gen_backend fake = {
    MZ_GEN_BACKEND_VERSION, "fake", fake_accepts, fake_open, fake_submit, fake_cancel, fake_close};

static bool push(uint64_t scene, uint32_t index)
{
    uint8_t px[W * H * 4];
    memset(px, (int)(index & 0xff), sizeof px);
    mz_frame f = {.scene_id = scene, .index = index, .width = W, .height = H, .rgba = px};
    return mz_gen_sink_push(fake_sink, &f);
}

static mz_gen *open_fake(int ring, bool realtime)
{
    mz_gen_desc d = {.ring_frames = ring, .realtime = realtime};
    return mz_gen_open_backend(&d, &fake);
}

static void submit(mz_gen *g, uint64_t id, float fps)
{
    mz_scene_request r = {.id = id, .prompt = "x", .fps = fps};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
}

static void frames_come_out_in_order(void)
{
    mz_gen *g = open_fake(8, false);
    mz_frame f;
    MZ_CHECK(!mz_gen_poll(g, &f));
    submit(g, 1, 30);
    MZ_CHECK(fake_last_submit == 1);
    for (uint32_t i = 0; i < 3; i++)
        MZ_CHECK(push(1, i));
    for (uint32_t i = 0; i < 3; i++) {
        MZ_CHECK(mz_gen_poll(g, &f));
        MZ_CHECK(f.scene_id == 1 && f.index == i && f.width == W && f.rgba[5] == i);
    }
    MZ_CHECK(!mz_gen_poll(g, &f));
    mz_gen_close(g);
}

static void a_new_scene_supersedes_the_old(void)
{
    mz_gen *g = open_fake(8, false);
    mz_frame f;
    submit(g, 1, 30);
    MZ_CHECK(push(1, 0) && push(1, 1));
    submit(g, 2, 30);
    MZ_CHECK(!mz_gen_poll(g, &f)); /* scene 1's frames are gone */
    MZ_CHECK(!push(1, 2));         /* and its producer is told to stop */
    MZ_CHECK(push(2, 0));
    MZ_CHECK(mz_gen_poll(g, &f) && f.scene_id == 2 && f.index == 0);
    mz_gen_close(g);
}

static void a_polled_frame_stays_valid_until_the_next_poll(void)
{
    mz_gen *g = open_fake(2, false);
    mz_frame f;
    submit(g, 1, 30);
    MZ_CHECK(push(1, 7));
    MZ_CHECK(mz_gen_poll(g, &f));
    const uint8_t *held = f.rgba;
    MZ_CHECK(push(1, 8) && push(1, 9)); /* fills the ring around the held frame */
    MZ_CHECK(held[0] == 7 && held[W * H * 4 - 1] == 7);
    MZ_CHECK(mz_gen_poll(g, &f) && f.index == 8 && f.rgba != held);
    mz_gen_close(g);
}

/* A producer thread pushes as fast as it can; the ring never holds more
 * than ring_frames, so the producer can never get further ahead. */
static atomic_int produced;
static void *producer(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < 50; i++) {
        if (!push(1, i)) break;
        atomic_fetch_add(&produced, 1);
    }
    return NULL;
}

static void the_ring_bounds_a_fast_producer(void)
{
    mz_gen *g = open_fake(4, false);
    submit(g, 1, 30);
    atomic_store(&produced, 0);
    pthread_t t;
    pthread_create(&t, NULL, producer, NULL);
    mz_frame f;
    int consumed = 0, max_ahead = 0;
    while (consumed < 50) {
        mz_time_sleep_ms(0.2);
        int ahead = atomic_load(&produced) - consumed;
        if (ahead > max_ahead) max_ahead = ahead;
        if (mz_gen_wait(g, &f, 1000)) {
            MZ_CHECK(f.index == (uint32_t)consumed);
            consumed++;
        }
    }
    pthread_join(t, NULL);
    MZ_CHECK_MSG(max_ahead <= 4 + 1, "producer got %d frames ahead", max_ahead);
    mz_gen_stats st;
    mz_gen_stats_get(g, &st);
    MZ_CHECK(st.frames == 50 && st.dropped == 0);
    mz_gen_close(g);
}

static void realtime_drops_the_oldest_when_the_consumer_is_behind(void)
{
    mz_gen *g = open_fake(2, true);
    submit(g, 1, 1000); /* a 1 ms frame period keeps the test quick */
    for (uint32_t i = 0; i < 10; i++)
        MZ_CHECK(push(1, i));
    mz_gen_stats st;
    mz_gen_stats_get(g, &st);
    MZ_CHECK_MSG(st.dropped == 8, "dropped %llu", (unsigned long long)st.dropped);
    mz_frame f;
    MZ_CHECK(mz_gen_poll(g, &f) && f.index == 8);
    MZ_CHECK(mz_gen_poll(g, &f) && f.index == 9);
    mz_gen_close(g);
}

static void realtime_paces_frames_at_the_scene_rate(void)
{
    mz_gen *g = open_fake(8, true);
    submit(g, 1, 100); /* 10 ms per frame */
    uint64_t t0 = mz_time_ns();
    for (uint32_t i = 0; i < 6; i++)
        MZ_CHECK(push(1, i));
    double ms = mz_time_ms_since(t0);
    MZ_CHECK_MSG(ms >= 45, "6 frames at 100 fps took %.1f ms", ms);
    mz_gen_close(g);
}

static void cancel_discards_and_stops(void)
{
    mz_gen *g = open_fake(8, false);
    submit(g, 1, 30);
    MZ_CHECK(push(1, 0));
    int before = fake_cancels;
    mz_gen_cancel(g);
    MZ_CHECK(fake_cancels == before + 1);
    mz_frame f;
    MZ_CHECK(!mz_gen_poll(g, &f));
    MZ_CHECK(!push(1, 1));
    mz_gen_close(g);
}

static void stats_measure_first_frames(void)
{
    mz_gen *g = open_fake(8, false);
    for (uint64_t id = 1; id <= 5; id++) {
        submit(g, id, 30);
        mz_time_sleep_ms(2);
        MZ_CHECK(push(id, 0));
    }
    mz_gen_stats st;
    mz_gen_stats_get(g, &st);
    MZ_CHECK_STR(st.backend, "fake");
    MZ_CHECK(!st.fallback_active);
    MZ_CHECK(st.first_frame_ms >= 2 && st.first_frame_ms < 1000);
    MZ_CHECK(st.first_frame_p50_ms >= 2 && st.first_frame_p95_ms >= st.first_frame_p50_ms);
    MZ_CHECK(st.frames == 5);
    mz_gen_close(g);
}

static void bad_requests_and_backends_are_refused(void)
{
    mz_gen *g = open_fake(8, false);
    mz_scene_request r = {.id = 0, .prompt = "x"};
    MZ_CHECK(!mz_gen_submit(g, &r, NULL, 0));
    MZ_CHECK_HAS(mz_error(), "nonzero id");
    mz_gen_close(g);

    mz_gen_desc d = {.uri = "nonsense://x"};
    MZ_CHECK(mz_gen_open(&d) == NULL);
    MZ_CHECK_HAS(mz_error(), "no backend for 'nonsense://x'");

    mz_gen_backend old = fake;
    old.version = MZ_GEN_BACKEND_VERSION + 1;
    MZ_CHECK(mz_gen_open_backend(&d, &old) == NULL);
    MZ_CHECK_HAS(mz_error(), "version");
}

/* The front copies a scene once; the backend's job stays whole after the
 * caller's strings and pixels are gone, and keeps the newest frames. */
static void the_backend_owns_its_copy_of_the_scene(void)
{
    mz_gen *g = open_fake(8, false);
    char prompt[] = "a lighthouse", negative[] = "fog", tag[] = "storm";
    const char *tags[] = {tag};
    uint8_t px[6][W * H * 4];
    mz_frame cond[6];
    for (int i = 0; i < 6; i++) {
        memset(px[i], 10 * i, sizeof px[i]);
        cond[i] = (mz_frame){.width = W, .height = H, .index = (uint32_t)i, .rgba = px[i]};
    }
    mz_scene_request r = {
        .id = 7, .prompt = prompt, .negative = negative, .tags = tags, .tag_count = 1};
    MZ_CHECK(mz_gen_submit(g, &r, cond, 6));
    memset(prompt, 'x', sizeof prompt - 1);
    memset(negative, 'x', sizeof negative - 1);
    memset(tag, 'x', sizeof tag - 1);
    memset(px, 0xee, sizeof px);
    MZ_CHECK(fake_job && fake_job->req.id == 7);
    MZ_CHECK_STR(fake_job->req.prompt, "a lighthouse");
    MZ_CHECK_STR(fake_job->req.negative, "fog");
    MZ_CHECK(fake_job->req.tag_count == 1);
    MZ_CHECK_STR(fake_job->req.tags[0], "storm");
    MZ_CHECK(fake_job->cond_count == MZ_GEN_MAX_CONDITIONING);
    for (size_t i = 0; i < fake_job->cond_count; i++) {
        const mz_frame *c = &fake_job->cond[i];
        MZ_CHECK(c->index == i + 2 && c->width == W && c->height == H);
        MZ_CHECK(c->rgba[0] == 10 * (i + 2) && c->rgba[W * H * 4 - 1] == 10 * (i + 2));
    }
    /* The front's own reference goes with the next scene; the fake's stays. */
    mz_gen_job *first = mz_gen_job_retain(fake_job);
    submit(g, 8, 30);
    MZ_CHECK(fake_job != first && fake_job->cond_count == 0);
    MZ_CHECK_STR(first->req.prompt, "a lighthouse");
    mz_gen_job_release(first);
    mz_gen_close(g);
}

/* Zero fields mean the defaults, filled in one place before any backend
 * sees them. */
static void backends_get_the_defaults_filled_in(void)
{
    mz_gen *g = open_fake(0, false);
    MZ_CHECK(fake_desc.ring_frames == 8 && fake_desc.deadline_s == 1.0f);
    MZ_CHECK_STR(fake_desc.uri, "procedural");
    MZ_CHECK_STR(fake_desc.fallback, "procedural");
    submit(g, 1, 0);
    MZ_CHECK(fake_job->req.width == 640 && fake_job->req.height == 360);
    MZ_CHECK(fake_job->req.fps == 30.0f && fake_job->req.transition_s == 1.0f);
    MZ_CHECK(fake_job->req.duration_s == 0); /* open-ended stays open-ended */
    mz_scene_request r = {
        .id = 2, .prompt = "x", .width = 320, .height = 200, .fps = 12, .transition_s = 0.5f};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
    MZ_CHECK(fake_job->req.width == 320 && fake_job->req.height == 200);
    MZ_CHECK(fake_job->req.fps == 12 && fake_job->req.transition_s == 0.5f);
    mz_gen_close(g);
    mz_gen_desc d = mz_gen_desc_defaults(&(mz_gen_desc){.fallback = "", .ring_frames = 9999});
    MZ_CHECK_STR(d.fallback, "");
    MZ_CHECK(d.ring_frames == 256);
}

/* The scene is read once, at submit: prompt, tags and negative prompt
 * together; backends and the sound (mz_gen_scene_params) get that one
 * reading. The player used to read the bare prompt for its sound. */
static void the_scene_is_read_once_for_everyone(void)
{
    mz_gen *g = open_fake(8, false);
    mz_scene_params p;
    MZ_CHECK(!mz_gen_scene_params(g, &p));
    const char *tags[] = {"rain"};
    mz_scene_request r = {
        .id = 3, .prompt = "fog over the fields", .negative = "fog", .tags = tags, .tag_count = 1};
    MZ_CHECK(mz_gen_submit(g, &r, NULL, 0));
    MZ_CHECK(mz_gen_scene_params(g, &p));
    MZ_CHECK_MSG(p.rain > 0.2f && p.fog == 0.0f, "rain %.2f fog %.2f", (double)p.rain,
                 (double)p.fog);
    MZ_CHECK(!memcmp(&p, &fake_job->params, sizeof p));
    mz_gen_close(g);
}

int main(void)
{
    MZ_RUN(frames_come_out_in_order);
    MZ_RUN(a_new_scene_supersedes_the_old);
    MZ_RUN(a_polled_frame_stays_valid_until_the_next_poll);
    MZ_RUN(the_ring_bounds_a_fast_producer);
    MZ_RUN(realtime_drops_the_oldest_when_the_consumer_is_behind);
    MZ_RUN(realtime_paces_frames_at_the_scene_rate);
    MZ_RUN(cancel_discards_and_stops);
    MZ_RUN(stats_measure_first_frames);
    MZ_RUN(bad_requests_and_backends_are_refused);
    MZ_RUN(the_backend_owns_its_copy_of_the_scene);
    MZ_RUN(backends_get_the_defaults_filled_in);
    MZ_RUN(the_scene_is_read_once_for_everyone);
    return mz_test_finish();
}
