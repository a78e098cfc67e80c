/* bench_remote — what the network costs: the same scenes rendered by the
 * local procedural generator and through `maze serve`'s code over loopback
 * (an in-process server, or --server ws://HOST:PORT for a real one).
 *
 *   bench_remote [--scenes N] [--frames N] [--server ws://HOST:PORT]
 *
 * Prints first-frame latency (submit -> first frame in hand, p50/p95 over the
 * scenes) and frames per second at 640x360 and 1280x720, then the server's
 * throughput with 4 clients at once. Everything runs as fast as possible
 * (not paced at the scene's fps). */
#include "mz_gen.h"
#include "mz_gen_backend.h"
#include "mz_gen_server.h"
#include "mz_log.h"
#include "mz_stats.h"
#include "mz_time.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLIENTS 4
#define IDLE_S 86400.0f /* the servers' idle timeout: see main */
#define MAX_SCENES 64

static const char *const prompts[] = {
    "a lighthouse on a cliff above the sea at dusk",
    "a dark forest in the rain",
    "a desert at noon with a ruined tower",
    "a city at night under stars",
    "snow falling on a frozen lake",
    "mountains at sunrise",
};

typedef struct run {
    double first_ms[MAX_SCENES];
    int scenes;
    uint64_t frames;
    double render_s; /* summed over scenes, first frame to last */
} run;

static double pct(const double *v, int n, double p)
{
    double s[MAX_SCENES];
    memcpy(s, v, sizeof *v * (size_t)n);
    mz_stats_sort(s, (size_t)n);
    return mz_stats_percentile(s, (size_t)n, p);
}

/* Plays `scenes` scenes of `frames` frames each; false if frames stop coming. */
static bool play(mz_gen *g, int w, int h, int scenes, int frames, uint64_t id0, run *out)
{
    memset(out, 0, sizeof *out);
    for (int s = 0; s < scenes; s++) {
        mz_scene_request r = {.id = id0 + (uint64_t)s,
                              .prompt = prompts[s % 6],
                              .seed = (uint64_t)s,
                              .width = w,
                              .height = h,
                              .fps = 30,
                              .duration_s = frames / 30.0f};
        uint64_t t0 = mz_time_ns(), first = 0;
        if (!mz_gen_submit(g, &r, NULL, 0)) return false;
        int got = 0;
        while (got < frames) {
            mz_frame f;
            if (!mz_gen_wait(g, &f, 5000)) return false;
            if (f.scene_id != r.id) continue;
            if (got++ == 0) {
                first = mz_time_ns();
                out->first_ms[s] = (double)(first - t0) / 1e6;
            }
        }
        out->render_s += (double)(mz_time_ns() - first) / 1e9;
        out->frames += (uint64_t)(frames - 1);
        out->scenes++;
    }
    return true;
}

static void report(const char *what, const run *r)
{
    printf("  %-8s first frame p50 %7.1f ms  p95 %7.1f ms   %6.1f fps\n", what,
           pct(r->first_ms, r->scenes, 0.5), pct(r->first_ms, r->scenes, 0.95),
           r->render_s > 0 ? (double)r->frames / r->render_s : 0);
}

/* A generator that costs nothing: flat frames as fast as the sink takes
 * them. Served remotely it isolates what the protocol and loopback cost. */
typedef struct flat {
    mz_gen_sink *sink;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    mz_scene_request req; /* id 0: idle */
    bool quit;
} flat;

static void *flat_run(void *arg)
{
    flat *f = arg;
    uint8_t *px = NULL;
    size_t cap = 0;
    pthread_mutex_lock(&f->lock);
    while (!f->quit) {
        if (!f->req.id) {
            pthread_cond_wait(&f->wake, &f->lock);
            continue;
        }
        mz_scene_request r = f->req;
        f->req.id = 0;
        pthread_mutex_unlock(&f->lock);
        size_t bytes = (size_t)r.width * r.height * 4;
        if (bytes > cap) {
            free(px);
            px = malloc(bytes);
            cap = px ? bytes : 0;
        }
        uint32_t n = (uint32_t)(r.duration_s * r.fps + 0.5f);
        for (uint32_t i = 0; px && i < n; i++) {
            memset(px, (int)(i & 0xff), bytes);
            mz_frame fr = {.scene_id = r.id,
                           .index = i,
                           .time_s = i / r.fps,
                           .width = (uint32_t)r.width,
                           .height = (uint32_t)r.height,
                           .rgba = px};
            if (!mz_gen_sink_push(f->sink, &fr)) break;
        }
        pthread_mutex_lock(&f->lock);
    }
    pthread_mutex_unlock(&f->lock);
    free(px);
    return NULL;
}

static void *flat_open(const mz_gen_desc *desc, mz_gen_sink *sink)
{
    (void)desc;
    flat *f = calloc(1, sizeof *f);
    f->sink = sink;
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->wake, NULL);
    pthread_create(&f->thread, NULL, flat_run, f);
    return f;
}

static bool flat_submit(void *self, mz_gen_job *job)
{
    flat *f = self;
    pthread_mutex_lock(&f->lock);
    f->req = job->req;
    mz_gen_job_release(job);
    f->req.prompt = NULL; /* not used, and not ours to keep */
    f->req.negative = NULL;
    f->req.tags = NULL;
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->lock);
    return true;
}

static void flat_cancel(void *self)
{
    (void)self; /* the front drops superseded frames; the push fails and the loop ends */
}

static void flat_close(void *self)
{
    flat *f = self;
    pthread_mutex_lock(&f->lock);
    f->quit = true;
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->lock);
    pthread_join(f->thread, NULL);
    pthread_cond_destroy(&f->wake);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

static bool flat_accepts(const char *uri)
{
    (void)uri;
    return false;
}

static const mz_gen_backend flat_backend = {
    .version = MZ_GEN_BACKEND_VERSION,
    .name = "flat",
    .accepts = flat_accepts,
    .open = flat_open,
    .submit = flat_submit,
    .cancel = flat_cancel,
    .close = flat_close,
};

typedef struct client_job {
    const char *uri;
    int frames;
    uint64_t got;
    bool ok;
} client_job;

static void *client(void *arg)
{
    client_job *j = arg;
    mz_gen *g = mz_gen_open(&(mz_gen_desc){.uri = j->uri, .fallback = ""});
    run r;
    j->ok = g && play(g, 640, 360, 1, j->frames, 100, &r);
    j->got = j->ok ? r.frames + 1 : 0;
    mz_gen_close(g);
    return NULL;
}

static void *serve(void *arg)
{
    mz_gen_server_run(arg);
    return NULL;
}

int main(int argc, char **argv)
{
    int scenes = 5, frames = 30;
    const char *server_uri = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--scenes"))
            scenes = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--frames"))
            frames = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--server"))
            server_uri = argv[i + 1];
    }
    if (scenes < 1 || scenes > MAX_SCENES || frames < 2) {
        fprintf(stderr, "usage: bench_remote [--scenes 1..64] [--frames N>=2] [--server URI]\n");
        return 2;
    }
    mz_log_init();
    mz_gen_server *server = NULL;
    pthread_t thread;
    char uri[128];
    if (server_uri) {
        snprintf(uri, sizeof uri, "%s", server_uri);
    } else {
        /* Clients here wait their turn without a word while another size or
         * backend is measured: no idle timeout (under load a 720p local run
         * took over the default 60 s and the server closed them). */
        server = mz_gen_server_create(&(mz_gen_server_desc){
            .port = 0, .max_clients = CLIENTS, .idle_timeout_s = IDLE_S});
        if (!server) {
            fprintf(stderr, "bench_remote: %s\n", mz_error());
            return 1;
        }
        pthread_create(&thread, NULL, serve, server);
        snprintf(uri, sizeof uri, "ws://127.0.0.1:%d", mz_gen_server_port(server));
    }
    printf("bench_remote: %d scenes x %d frames per size; remote = %s%s\n", scenes, frames, uri,
           server ? " (in-process maze serve, loopback)" : "");
    static const int sizes[][2] = {{640, 360}, {1280, 720}};
    int rc = 0;
    for (int s = 0; s < 2 && rc == 0; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        mz_gen *local = mz_gen_open(&(mz_gen_desc){.uri = "procedural"});
        mz_gen *remote = mz_gen_open(&(mz_gen_desc){.uri = uri, .fallback = ""});
        char juri[160];
        snprintf(juri, sizeof juri, "%s/?encoding=jpeg", uri);
        mz_gen *jpeg = mz_gen_open(&(mz_gen_desc){.uri = juri, .fallback = ""});
        run a, b, c;
        /* One warm-up scene each: shader compile and connection set-up are
         * start-up costs, not per-scene ones. */
        if (!local || !remote || !play(local, w, h, 1, 2, 900, &a) ||
            !play(remote, w, h, 1, 2, 900, &b) || !jpeg || !play(jpeg, w, h, 1, 2, 900, &c) ||
            !play(local, w, h, scenes, frames, 1, &a) ||
            !play(remote, w, h, scenes, frames, 1, &b) ||
            !play(jpeg, w, h, scenes, frames, 1, &c)) {
            fprintf(stderr, "bench_remote: %dx%d failed: %s\n", w, h, mz_error());
            rc = 1;
        } else {
            printf("%dx%d\n", w, h);
            report("local", &a);
            report("remote", &b);
            report("jpeg", &c);
            printf("  loopback adds %.1f ms to the first frame (p50); fps ratio %.2f\n",
                   pct(b.first_ms, b.scenes, 0.5) - pct(a.first_ms, a.scenes, 0.5),
                   (b.frames / b.render_s) / (a.frames / a.render_s));
        }
        mz_gen_close(local);
        mz_gen_close(remote);
        mz_gen_close(jpeg);
    }
    if (rc == 0 && !server_uri) {
        /* The protocol alone: the same zero-cost generator local and served. */
        mz_gen_server *fs = mz_gen_server_create(
            &(mz_gen_server_desc){
                .port = 0, .max_clients = 1, .impl = &flat_backend, .idle_timeout_s = IDLE_S});
        pthread_t ft;
        pthread_create(&ft, NULL, serve, fs);
        char furi[64];
        snprintf(furi, sizeof furi, "ws://127.0.0.1:%d", mz_gen_server_port(fs));
        printf("protocol alone (a generator that costs nothing, %d frames per scene)\n",
               frames * 4);
        for (int s = 0; s < 2 && rc == 0; s++) {
            int w = sizes[s][0], h = sizes[s][1];
            mz_gen *local = mz_gen_open_backend(&(mz_gen_desc){0}, &flat_backend);
            mz_gen *remote = mz_gen_open(&(mz_gen_desc){.uri = furi, .fallback = ""});
            run a, b;
            if (!remote || !play(remote, w, h, 1, 2, 900, &b) ||
                !play(local, w, h, scenes, frames * 4, 1, &a) ||
                !play(remote, w, h, scenes, frames * 4, 1, &b)) {
                fprintf(stderr, "bench_remote: protocol %dx%d failed: %s\n", w, h, mz_error());
                rc = 1;
            } else {
                printf("%dx%d\n", w, h);
                report("local", &a);
                report("remote", &b);
                printf("  per frame over loopback: %.2f ms (%.0f MB/s of raw RGBA)\n",
                       b.render_s * 1000 / b.frames,
                       (double)w * h * 4 * b.frames / b.render_s / 1e6);
            }
            mz_gen_close(local);
            mz_gen_close(remote);
        }
        mz_gen_server_stop(fs);
        pthread_join(ft, NULL);
        mz_gen_server_destroy(fs);
    }
    if (rc == 0) {
        client_job jobs[CLIENTS];
        pthread_t threads[CLIENTS];
        uint64_t t0 = mz_time_ns();
        for (int i = 0; i < CLIENTS; i++) {
            jobs[i] = (client_job){.uri = uri, .frames = frames * 3};
            pthread_create(&threads[i], NULL, client, &jobs[i]);
        }
        uint64_t total = 0;
        for (int i = 0; i < CLIENTS; i++) {
            pthread_join(threads[i], NULL);
            total += jobs[i].got;
            if (!jobs[i].ok) rc = 1;
        }
        double secs = mz_time_ms_since(t0) / 1000.0;
        printf("%d clients at 640x360: %llu frames in %.2f s = %.1f fps total, %.1f per client "
               "(includes each client's connect and warm-up)\n",
               CLIENTS, (unsigned long long)total, secs, (double)total / secs,
               (double)total / secs / CLIENTS);
    }
    if (server) {
        mz_gen_server_stop(server);
        pthread_join(thread, NULL);
        mz_gen_server_destroy(server);
    }
    return rc;
}
