/* The `comfy` backend: a ComfyUI server as a generator (docs/comfyui.md).
 *
 * URI: comfy://host:port?workflow=FILE, FILE an API-format workflow whose
 * strings may hold placeholders ({{prompt}}, {{negative}}, {{seed}},
 * {{image}}, {{width}}, {{height}}, {{frames}}, {{fps}}).
 *
 * Two threads: a worker does the HTTP calls (upload the last frame shown,
 * queue the workflow, fetch finished images), and a libwebsockets thread
 * follows ComfyUI's /ws: progress, binary previews (pushed as transitional
 * frames as they arrive) and `executed` (which images to fetch). ComfyUI
 * makes whole clips, slower than the story's deadline: the front shows the
 * fallback while it works and switches back at its first preview. */
#include "http.h"
#include "mz_error.h"
#include "mz_record.h"
#include "mz_gen_backends.h"
#include "mz_gen_proto.h"
#include "mz_log.h"
#include "mz_time.h"
#include "ws_client.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORKFLOW (1 << 20)
#define MAX_JSON_REPLY (1 << 20)
#define MAX_IMAGE_REPLY (64 << 20)
#define MAX_FETCH 256
#define HTTP_TIMEOUT_S 10.0
#define PREVIEW_IMAGE 1 /* ComfyUI's BinaryEventTypes.PREVIEW_IMAGE */

typedef struct image_ref {
    char filename[256], subfolder[256], type[32];
} image_ref;

typedef struct comfy {
    mz_gen_sink *sink;
    char uri[512], host[128], client_id[48];
    int port;
    cJSON *workflow; /* the template, never modified */
    atomic_bool quit;
    atomic_int healthy; /* -1 not known yet, 0 no, 1 yes: reported on change */

    pthread_mutex_t lock; /* guards everything down to `cond` */
    pthread_cond_t wake;
    mz_gen_job *want;
    bool want_cancel;
    uint64_t scene_id;  /* the scene ComfyUI works on; 0: none */
    char prompt_id[64]; /* ComfyUI's id for it */
    int width, height;
    float fps;
    uint32_t next_index;
    image_ref fetch[MAX_FETCH];
    int fetch_count;
    pthread_t worker;
    bool worker_started;

    mz_gen_ws_client *ws; /* the /ws link */
} comfy;

static bool comfy_accepts(const char *uri)
{
    return uri && !strncmp(uri, "comfy://", 8);
}

/* Called from both threads: the sink hears changes only, the log every
 * failure. The format is a literal at every call (checked by the compiler). */
static void health(comfy *c, bool ok, const char *fmt, ...) MZ_PRINTF(3, 4);
static void health(comfy *c, bool ok, const char *fmt, ...)
{
    if (atomic_load(&c->quit)) return;
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (!ok) mz_log_warn("comfy: %s", why);
    if (atomic_exchange(&c->healthy, ok) != (int)ok) mz_gen_sink_health(c->sink, ok, why);
}

/* Decoded image -> the scene's size -> the sink, if still that scene. */
static void push_image(comfy *c, uint64_t scene_id, const uint8_t *data, size_t len, bool preview)
{
    uint8_t *rgba;
    uint32_t w, h;
    if (!mz_gen_image_decode(data, len, MZ_GEN_PROTO_MAX_DIM, &rgba, &w, &h)) {
        mz_log_warn("comfy: an image from %s: %s", c->uri, mz_error());
        return;
    }
    pthread_mutex_lock(&c->lock);
    bool current = scene_id == c->scene_id;
    int dw = c->width, dh = c->height;
    double fps = c->fps;
    uint32_t index = current ? c->next_index++ : 0;
    pthread_mutex_unlock(&c->lock);
    uint8_t *frame = rgba;
    if (current && (w != (uint32_t)dw || h != (uint32_t)dh)) {
        frame = malloc((size_t)dw * dh * 4);
        if (frame) mz_gen_image_scale(rgba, w, h, frame, (uint32_t)dw, (uint32_t)dh);
    }
    if (current && frame) {
        mz_frame f = {.scene_id = scene_id,
                      .index = index,
                      .time_s = index / fps,
                      .width = (uint32_t)dw,
                      .height = (uint32_t)dh,
                      .transitional = preview,
                      .rgba = frame};
        health(c, true, "%s: making frames", c->uri);
        mz_gen_sink_push(c->sink, &f);
    }
    if (frame != rgba) free(frame);
    free(rgba);
}

/* ---- the workflow ------------------------------------------------------ */

typedef struct values {
    const char *prompt, *negative, *image;
    uint64_t seed;
    int width, height, frames;
    double fps;
} values;

/* cJSON_ReplaceItemViaPointer drops an object member's name. */
static bool replace(cJSON *parent, cJSON *item, cJSON *with)
{
    if (!with) return false;
    if (cJSON_IsObject(parent))
        return cJSON_ReplaceItemInObjectCaseSensitive(parent, item->string, with);
    return cJSON_ReplaceItemViaPointer(parent, item, with);
}

typedef struct sub {
    const char *key, *text;
    double number; /* NAN: a text-only placeholder */
} placeholder;

/* Writes s with every placeholder replaced into out (when not NULL) and
 * returns the length: called once to size the buffer exactly, once to fill. */
static size_t expand(const char *s, const placeholder *subs, int n, char *out)
{
    size_t len = 0;
    while (*s) {
        int i = 0;
        while (i < n && strncmp(s, subs[i].key, strlen(subs[i].key)))
            i++;
        size_t tl = i < n ? strlen(subs[i].text) : 1;
        if (out) memcpy(out + len, i < n ? subs[i].text : s, tl);
        len += tl;
        s += i < n ? strlen(subs[i].key) : 1;
    }
    if (out) out[len] = 0;
    return len;
}

/* Replaces every {{name}} in one string: a string that is exactly one
 * numeric placeholder becomes a number (ComfyUI wants ints for seeds). */
static bool fill_string(cJSON *parent, cJSON *item, const values *v)
{
    placeholder subs[8];
    char seed[24], w[16], h[16], frames[16], fps[24];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)v->seed);
    snprintf(w, sizeof w, "%d", v->width);
    snprintf(h, sizeof h, "%d", v->height);
    snprintf(frames, sizeof frames, "%d", v->frames);
    snprintf(fps, sizeof fps, "%g", v->fps);
    int n = 0;
    subs[n++] = (placeholder){"{{prompt}}", v->prompt, NAN};
    subs[n++] = (placeholder){"{{negative}}", v->negative, NAN};
    subs[n++] = (placeholder){"{{image}}", v->image, NAN};
    subs[n++] = (placeholder){"{{seed}}", seed, (double)v->seed};
    subs[n++] = (placeholder){"{{width}}", w, v->width};
    subs[n++] = (placeholder){"{{height}}", h, v->height};
    subs[n++] = (placeholder){"{{frames}}", frames, v->frames};
    subs[n++] = (placeholder){"{{fps}}", fps, v->fps};
    const char *s = item->valuestring;
    if (!strstr(s, "{{")) return true;
    for (int i = 0; i < n; i++)
        if (!strcmp(s, subs[i].key) && !isnan(subs[i].number))
            return replace(parent, item, cJSON_CreateNumber(subs[i].number));
    char *out = malloc(expand(s, subs, n, NULL) + 1);
    if (!out) return false;
    expand(s, subs, n, out);
    cJSON *rep = cJSON_CreateString(out);
    free(out);
    return replace(parent, item, rep);
}

static bool fill_tree(cJSON *node, const values *v)
{
    cJSON *child = node->child;
    while (child) {
        cJSON *next = child->next; /* child may be replaced */
        if (cJSON_IsString(child) && !fill_string(node, child, v)) return false;
        if ((cJSON_IsObject(child) || cJSON_IsArray(child)) && !fill_tree(child, v)) return false;
        child = next;
    }
    return true;
}

/* ---- the worker: HTTP ---------------------------------------------------- */

/* A call to this ComfyUI server, given up when the backend closes. */
static bool http(comfy *c, mz_gen_http_request *req, size_t max_reply, mz_gen_http_response *r)
{
    req->host = c->host;
    req->port = c->port;
    req->max_body = max_reply;
    req->timeout_s = HTTP_TIMEOUT_S;
    req->abort = &c->quit;
    return mz_gen_http_do(req, r);
}

static bool upload(comfy *c, const mz_gen_job *j, char *name, size_t cap)
{
    /* img2img takes one image: the last frame shown. */
    const mz_frame *cond = j->cond_count ? &j->cond[j->cond_count - 1] : NULL;
    uint32_t w = cond ? cond->width : (uint32_t)j->req.width;
    uint32_t h = cond ? cond->height : (uint32_t)j->req.height;
    uint8_t *grey = NULL;
    const uint8_t *rgba = cond ? cond->rgba : NULL;
    if (!rgba) {
        /* The first scene has no frame shown yet: img2img starts from grey. */
        grey = malloc((size_t)w * h * 4);
        if (!grey) return mz_fail("out of memory");
        memset(grey, 128, (size_t)w * h * 4);
        rgba = grey;
    }
    uint8_t *png;
    size_t png_len;
    bool ok = mz_record_png_encode(rgba, w, h, NULL, &png, &png_len);
    free(grey);
    if (!ok) return false;
    char filename[96];
    snprintf(filename, sizeof filename, "maze_%s_%llu.png", c->client_id,
             (unsigned long long)j->req.id);
    const mz_gen_http_part parts[] = {
        {.name = "image", .filename = filename, .type = "image/png", .data = png, .len = png_len},
        {.name = "overwrite", .data = "true", .len = 4},
    };
    mz_gen_http_response r;
    ok = http(c, &(mz_gen_http_request){.path = "/upload/image", .parts = parts, .part_count = 2},
              MAX_JSON_REPLY, &r);
    free(png);
    if (!ok) return false;
    cJSON *reply = r.status == 200 ? cJSON_ParseWithLength(r.body, r.len) : NULL;
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(reply, "name");
    const cJSON *sub = cJSON_GetObjectItemCaseSensitive(reply, "subfolder");
    ok = cJSON_IsString(n);
    if (ok && cJSON_IsString(sub) && sub->valuestring[0])
        snprintf(name, cap, "%s/%s", sub->valuestring, n->valuestring);
    else if (ok)
        snprintf(name, cap, "%s", n->valuestring);
    else
        mz_fail("/upload/image answered %d: %.120s", r.status, r.body);
    cJSON_Delete(reply);
    mz_gen_http_free(&r);
    return ok;
}

static bool queue_prompt(comfy *c, const mz_gen_job *j, const char *image, char *prompt_id,
                         size_t cap)
{
    float fps = j->req.fps;
    values v = {.prompt = j->req.prompt,
                .negative = j->req.negative ? j->req.negative : "",
                .image = image,
                .seed = j->req.seed,
                .width = j->req.width,
                .height = j->req.height,
                .frames = j->req.duration_s > 0 ? (int)ceil(j->req.duration_s * fps) : 1,
                .fps = fps};
    cJSON *body = cJSON_CreateObject();
    cJSON *wf = cJSON_Duplicate(c->workflow, true);
    char *text = NULL;
    if (body && wf && fill_tree(wf, &v) && cJSON_AddItemToObject(body, "prompt", wf)) {
        wf = NULL;
        if (cJSON_AddStringToObject(body, "client_id", c->client_id))
            text = cJSON_PrintUnformatted(body);
    }
    cJSON_Delete(wf);
    cJSON_Delete(body);
    if (!text) return mz_fail("out of memory building the workflow");
    mz_gen_http_response r;
    bool ok = http(c,
                   &(mz_gen_http_request){.path = "/prompt",
                                          .content_type = "application/json",
                                          .body = text,
                                          .body_len = strlen(text)},
                   MAX_JSON_REPLY, &r);
    free(text);
    if (!ok) return false;
    cJSON *reply = r.status == 200 ? cJSON_ParseWithLength(r.body, r.len) : NULL;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(reply, "prompt_id");
    ok = cJSON_IsString(id) && strlen(id->valuestring) < cap;
    if (ok)
        snprintf(prompt_id, cap, "%s", id->valuestring);
    else
        mz_fail("/prompt answered %d: %.160s", r.status, r.body);
    cJSON_Delete(reply);
    mz_gen_http_free(&r);
    return ok;
}

static void fetch_image(comfy *c, uint64_t scene_id, const image_ref *ref)
{
    char f[800], s[800], t[100], path[2048];
    if (!mz_gen_http_query_escape(ref->filename, f, sizeof f) ||
        !mz_gen_http_query_escape(ref->subfolder, s, sizeof s) ||
        !mz_gen_http_query_escape(ref->type, t, sizeof t))
        return;
    snprintf(path, sizeof path, "/view?filename=%s&subfolder=%s&type=%s", f, s, t);
    mz_gen_http_response r;
    if (!http(c, &(mz_gen_http_request){.path = path}, MAX_IMAGE_REPLY, &r)) {
        health(c, false, "%s: fetching a frame: %s", c->uri, mz_error());
        return;
    }
    if (r.status == 200)
        push_image(c, scene_id, (const uint8_t *)r.body, r.len, false);
    else
        mz_log_warn("comfy: /view of %s answered %d", ref->filename, r.status);
    mz_gen_http_free(&r);
}

static void start_job(comfy *c, const mz_gen_job *j)
{
    char image[600] = "", prompt_id[64];
    if (!upload(c, j, image, sizeof image) ||
        !queue_prompt(c, j, image, prompt_id, sizeof prompt_id)) {
        health(c, false, "%s: %s", c->uri, mz_error());
        return;
    }
    pthread_mutex_lock(&c->lock);
    if (c->scene_id == j->req.id) snprintf(c->prompt_id, sizeof c->prompt_id, "%s", prompt_id);
    pthread_mutex_unlock(&c->lock);
    mz_log_info("comfy: scene %llu queued as prompt %s", (unsigned long long)j->req.id, prompt_id);
}

static void *worker(void *arg)
{
    comfy *c = arg;
    pthread_mutex_lock(&c->lock);
    while (!atomic_load(&c->quit)) {
        if (c->want) {
            mz_gen_job *j = c->want;
            c->want = NULL;
            c->scene_id = j->req.id;
            c->prompt_id[0] = 0;
            c->width = j->req.width;
            c->height = j->req.height;
            c->fps = j->req.fps;
            c->next_index = 0;
            c->fetch_count = 0;
            pthread_mutex_unlock(&c->lock);
            start_job(c, j);
            mz_gen_job_release(j);
            pthread_mutex_lock(&c->lock);
        } else if (c->fetch_count > 0) {
            image_ref ref = c->fetch[0];
            memmove(c->fetch, c->fetch + 1, sizeof ref * (size_t)--c->fetch_count);
            uint64_t id = c->scene_id;
            pthread_mutex_unlock(&c->lock);
            fetch_image(c, id, &ref);
            pthread_mutex_lock(&c->lock);
        } else {
            pthread_cond_wait(&c->wake, &c->lock);
        }
    }
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

/* ---- the /ws link -------------------------------------------------------- */

static void ws_down(mz_gen_ws_client *ws, void *user, const char *why, int retry_ms)
{
    (void)ws, (void)retry_ms;
    comfy *c = user;
    health(c, false, "%s: /ws: %s", c->uri, why);
}

static bool ws_up(mz_gen_ws_client *ws, void *user)
{
    comfy *c = user;
    mz_gen_ws_client_reset_backoff(ws);
    mz_log_info("comfy: following ws://%s:%d/ws", c->host, c->port);
    return true;
}

/* Is this ComfyUI message about our prompt? */
static bool ours(comfy *c, const cJSON *data, uint64_t *scene_id)
{
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive(data, "prompt_id");
    pthread_mutex_lock(&c->lock);
    bool match = cJSON_IsString(pid) && c->prompt_id[0] && !strcmp(pid->valuestring, c->prompt_id);
    *scene_id = c->scene_id;
    pthread_mutex_unlock(&c->lock);
    return match;
}

static void copy_field(const cJSON *o, const char *name, char *out, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    snprintf(out, cap, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

static void on_ws_text(comfy *c, const char *text, size_t len)
{
    cJSON *m = cJSON_ParseWithLength(text, len);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(m, "type");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(m, "data");
    uint64_t scene_id;
    if (!cJSON_IsString(type) || !cJSON_IsObject(data)) {
        mz_log_debug("comfy: ignoring a /ws message that is not {type, data}");
    } else if (!strcmp(type->valuestring, "status")) {
        health(c, true, "%s: connected", c->uri);
    } else if (!strcmp(type->valuestring, "progress") && ours(c, data, &scene_id)) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(data, "value");
        const cJSON *mx = cJSON_GetObjectItemCaseSensitive(data, "max");
        if (cJSON_IsNumber(v) && cJSON_IsNumber(mx))
            mz_log_debug("comfy: scene %llu: %g/%g", (unsigned long long)scene_id, v->valuedouble,
                         mx->valuedouble);
    } else if (!strcmp(type->valuestring, "executed") && ours(c, data, &scene_id)) {
        const cJSON *output = cJSON_GetObjectItemCaseSensitive(data, "output");
        const cJSON *images = cJSON_GetObjectItemCaseSensitive(output, "images");
        const cJSON *img;
        pthread_mutex_lock(&c->lock);
        cJSON_ArrayForEach(img, images)
        {
            if (c->fetch_count == MAX_FETCH) break;
            image_ref *ref = &c->fetch[c->fetch_count++];
            copy_field(img, "filename", ref->filename, sizeof ref->filename);
            copy_field(img, "subfolder", ref->subfolder, sizeof ref->subfolder);
            copy_field(img, "type", ref->type, sizeof ref->type);
        }
        pthread_cond_signal(&c->wake);
        pthread_mutex_unlock(&c->lock);
    } else if (!strcmp(type->valuestring, "execution_error") && ours(c, data, &scene_id)) {
        char msg[200];
        copy_field(data, "exception_message", msg, sizeof msg);
        health(c, false, "%s: the workflow failed: %s", c->uri, msg);
    }
    cJSON_Delete(m);
}

static void on_ws_binary(comfy *c, const uint8_t *data, size_t len)
{
    if (len < 8) return;
    uint32_t event = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | data[2] << 8 | data[3];
    if (event != PREVIEW_IMAGE) return;
    pthread_mutex_lock(&c->lock);
    uint64_t id = c->prompt_id[0] ? c->scene_id : 0;
    pthread_mutex_unlock(&c->lock);
    /* Bytes 4..7 say JPEG (1) or PNG (2); the decoder reads the signature. */
    if (id) push_image(c, id, data + 8, len - 8, true);
}

static bool on_ws_message(mz_gen_ws_client *ws, void *user, const uint8_t *data, size_t len,
                          bool binary)
{
    (void)ws;
    if (binary)
        on_ws_binary(user, data, len);
    else
        on_ws_text(user, (const char *)data, len);
    return true;
}

/* ---- the backend --------------------------------------------------------- */

static bool parse_uri(comfy *c, const char *uri, char *workflow, size_t cap)
{
    const char *p = uri + strlen("comfy://");
    const char *q = strstr(p, "?workflow=");
    const char *colon = memchr(p, ':', q ? (size_t)(q - p) : strlen(p));
    if (!q || !colon || colon == p || (size_t)(colon - p) >= sizeof c->host)
        return mz_fail("comfy: '%s' is not comfy://host:port?workflow=FILE", uri);
    memcpy(c->host, p, (size_t)(colon - p));
    c->host[colon - p] = 0;
    c->port = atoi(colon + 1);
    if (c->port <= 0 || c->port > 65535) return mz_fail("comfy: bad port in '%s'", uri);
    snprintf(workflow, cap, "%s", q + strlen("?workflow="));
    return workflow[0] || mz_fail("comfy: no workflow file in '%s'", uri);
}

static cJSON *load_workflow(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        mz_fail("comfy: cannot open workflow %s", path);
        return NULL;
    }
    char *text = malloc(MAX_WORKFLOW + 1);
    size_t n = text ? fread(text, 1, MAX_WORKFLOW + 1, f) : 0;
    fclose(f);
    cJSON *wf = NULL;
    if (!text)
        mz_fail("comfy: out of memory");
    else if (n > MAX_WORKFLOW)
        mz_fail("comfy: workflow %s is over 1 MiB", path);
    else if (!(wf = cJSON_ParseWithLength(text, n)) || !cJSON_IsObject(wf))
        mz_fail("comfy: workflow %s is not a JSON object (export it with 'Save (API Format)')",
                path);
    free(text);
    if (wf && !cJSON_IsObject(wf)) {
        cJSON_Delete(wf);
        wf = NULL;
    }
    return wf;
}

static void comfy_close(void *self);

static void *comfy_open(const mz_gen_desc *desc, mz_gen_sink *sink)
{
    comfy *c = calloc(1, sizeof *c);
    if (!c) {
        mz_fail("comfy: out of memory");
        return NULL;
    }
    c->sink = sink;
    atomic_init(&c->quit, false);
    atomic_init(&c->healthy, -1);
    pthread_mutex_init(&c->lock, NULL);
    pthread_cond_init(&c->wake, NULL);
    snprintf(c->uri, sizeof c->uri, "%s", desc->uri);
    snprintf(c->client_id, sizeof c->client_id, "maze-%llx",
             (unsigned long long)(mz_time_ns() ^ (uintptr_t)c));
    char workflow[400];
    if (!parse_uri(c, desc->uri, workflow, sizeof workflow) ||
        !(c->workflow = load_workflow(workflow))) {
        comfy_close(c);
        return NULL;
    }
    char path[96];
    snprintf(path, sizeof path, "/ws?clientId=%s", c->client_id);
    if (pthread_create(&c->worker, NULL, worker, c)) {
        mz_fail("comfy: cannot start a thread");
        comfy_close(c);
        return NULL;
    }
    c->worker_started = true;
    c->ws = mz_gen_ws_client_open(&(mz_gen_ws_client_desc){
        .host = c->host,
        .port = c->port,
        .path = path,
        .origin = c->host,
        .max_text = MZ_GEN_PROTO_MAX_TEXT * 4,
        .max_binary = MZ_GEN_PROTO_MAX_MESSAGE,
        .user = c,
        .up = ws_up,
        .message = on_ws_message,
        .down = ws_down,
    });
    if (!c->ws) {
        mz_fail_context("comfy");
        comfy_close(c);
        return NULL;
    }
    return c;
}

static bool comfy_submit(void *self, mz_gen_job *j)
{
    comfy *c = self;
    const mz_scene_request *req = &j->req;
    pthread_mutex_lock(&c->lock);
    mz_gen_job_release(c->want);
    c->want = j;
    c->scene_id = req->id; /* previews of older scenes stop at once */
    c->prompt_id[0] = 0;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    return true;
}

static void comfy_cancel(void *self)
{
    comfy *c = self;
    pthread_mutex_lock(&c->lock);
    mz_gen_job_release(c->want);
    c->want = NULL;
    c->scene_id = 0;
    c->prompt_id[0] = 0;
    c->fetch_count = 0;
    pthread_mutex_unlock(&c->lock);
}

static void comfy_close(void *self)
{
    comfy *c = self;
    atomic_store(&c->quit, true);
    if (c->worker_started) {
        pthread_mutex_lock(&c->lock);
        pthread_cond_signal(&c->wake);
        pthread_mutex_unlock(&c->lock);
        pthread_join(c->worker, NULL);
    }
    mz_gen_ws_client_close(c->ws);
    mz_gen_job_release(c->want);
    cJSON_Delete(c->workflow);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

const mz_gen_backend mz_gen_comfy_backend = {
    .version = MZ_GEN_BACKEND_VERSION,
    .name = "comfy",
    .accepts = comfy_accepts,
    .open = comfy_open,
    .submit = comfy_submit,
    .cancel = comfy_cancel,
    .close = comfy_close,
    .remote = true,
};
