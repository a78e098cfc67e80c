/* The `comfy` backend: a ComfyUI server as a generator (docs/comfyui.md).
 *
 * URI: comfy://host:port?workflow=FILE and options (comfy_uri.h), FILE an
 * API-format workflow whose strings may hold placeholders (comfy_workflow.h).
 *
 * Two threads: a worker does the HTTP calls (upload the last frame shown,
 * queue the workflow, fetch finished images), and a libwebsockets thread
 * follows ComfyUI's /ws: progress, binary previews (pushed as transitional
 * frames as they arrive) and `executed` (which images to fetch). ComfyUI
 * makes whole clips, slower than the story's deadline: the front shows the
 * fallback while it works and switches back at its first preview. Output
 * files (stills, animated WebP/PNG, videos: comfy_media.h) stream from
 * /view into frames paced at the file's own frame rate.
 *
 * ComfyUI runs every queued prompt to its end, in order, so a superseded
 * prompt is cancelled on the server (deleted from the queue, interrupted if
 * running). The prompt_id is made here, before the POST, because /ws
 * messages of a prompt can arrive before the POST's reply. If /ws drops
 * while a prompt is in flight, its messages are lost: the worker asks
 * /history for the prompt until it is there, and takes its outputs from
 * it (each node's once, whichever way they came). */
#include "comfy_media.h"
#include "comfy_uri.h"
#include "comfy_workflow.h"
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
#include <time.h>

#define MAX_JSON_REPLY (1 << 20)
/* A history entry holds the whole workflow (up to 1 MiB) and the outputs. */
#define MAX_HISTORY_REPLY (8 << 20)
#define HISTORY_POLL_MS 250
/* Output nodes per prompt remembered, so /ws and /history give each once. */
#define MAX_TAKEN 32
#define HTTP_TIMEOUT_S 10.0
/* ComfyUI's BinaryEventTypes (protocol.py). */
#define PREVIEW_IMAGE 1
#define PREVIEW_IMAGE_WITH_METADATA 4

typedef struct comfy {
    mz_gen_sink *sink;
    mz_comfy_uri u; /* u.shown is the URI to log: header values hidden */
    char client_id[48];
    char upload_name[96]; /* one per client: each upload overwrites the last */
    cJSON *workflow;      /* the template, never modified */
    atomic_bool quit;
    atomic_int healthy; /* -1 not known yet, 0 no, 1 yes: reported on change */
    atomic_bool drop;   /* the output file streaming is no longer wanted */

    pthread_mutex_t lock; /* guards everything down to `cond` */
    pthread_cond_t wake;
    mz_gen_job *want;
    bool want_cancel;
    uint64_t scene_id;         /* the scene ComfyUI works on; 0: none */
    char prompt_id[64];        /* ComfyUI's id for it; "": not queued yet */
    char stale[64];            /* a superseded prompt still to cancel on the server */
    char running[64];          /* the prompt ComfyUI says it runs (any client's) */
    uint64_t prompts;          /* queued so far, for unique prompt ids */
    bool prompt_done;          /* it ended (success, error, interrupted) */
    bool making;               /* told the sink the scene is being made */
    bool ws_lost;              /* /ws dropped while it was in flight: ask /history */
    uint64_t history_ns;       /* when /history was last asked */
    bool ws_up;                /* the /ws link is up */
    char taken[MAX_TAKEN][64]; /* its output nodes whose images were taken */
    int taken_count;
    bool classes_checked; /* the workflow's node classes are all installed */
    int width, height;
    float fps;
    uint32_t next_index;
    comfy_media_ref *fetch; /* output files to fetch, in order */
    size_t fetch_count, fetch_cap;
    pthread_t worker;
    bool worker_started;

    mz_gen_ws_client *ws; /* the /ws link */
} comfy;

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

/* A picture -> the scene's size -> the sink, if still that scene. Its
 * time is `at` s after the scene's frame `from`. false: no longer wanted. */
static bool push_rgba(comfy *c, uint64_t scene_id, const uint8_t *rgba, uint32_t w, uint32_t h,
                      bool preview, uint32_t from, double at)
{
    pthread_mutex_lock(&c->lock);
    bool current = scene_id == c->scene_id;
    int dw = c->width, dh = c->height;
    double fps = c->fps;
    uint32_t index = current ? c->next_index++ : 0;
    pthread_mutex_unlock(&c->lock);
    if (!current) return false;
    uint8_t *frame = (uint8_t *)rgba;
    if (w != (uint32_t)dw || h != (uint32_t)dh) {
        frame = malloc((size_t)dw * dh * 4);
        if (frame) mz_gen_image_scale(rgba, w, h, frame, (uint32_t)dw, (uint32_t)dh);
    }
    bool pushed = false;
    if (frame) {
        mz_frame f = {.scene_id = scene_id,
                      .index = index,
                      .time_s = (preview ? index : from) / fps + at,
                      .width = (uint32_t)dw,
                      .height = (uint32_t)dh,
                      .transitional = preview,
                      .rgba = frame};
        health(c, true, "%s: making frames", c->u.shown);
        pushed = mz_gen_sink_push(c->sink, &f);
    }
    if (frame != rgba) free(frame);
    return pushed;
}

/* A preview (JPEG or PNG in a /ws message) -> the sink. */
static void push_image(comfy *c, uint64_t scene_id, const uint8_t *data, size_t len, bool preview)
{
    uint8_t *rgba;
    uint32_t w, h;
    if (!mz_gen_image_decode(data, len, MZ_GEN_PROTO_MAX_DIM, &rgba, &w, &h)) {
        mz_log_warn("comfy: an image from %s: %s", c->u.shown, mz_error());
        return;
    }
    push_rgba(c, scene_id, rgba, w, h, preview, 0, 0);
    free(rgba);
}

/* ---- the worker: HTTP ---------------------------------------------------- */

static void copy_field(const cJSON *o, const char *name, char *out, size_t cap)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    snprintf(out, cap, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

/* validate_prompt's node_errors, {id: {errors: [{message, details}],
 * class_type}}, as "node 4 (CheckpointLoaderSimple): Value not in list:
 * ckpt_name: ...; ...". false: there are none. */
static bool describe_node_errors(const cJSON *reply, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = 0;
    const cJSON *node, *e;
    cJSON_ArrayForEach(node, cJSON_GetObjectItemCaseSensitive(reply, "node_errors"))
    {
        char cls[128], msg[256], details[512];
        copy_field(node, "class_type", cls, sizeof cls);
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(node, "errors"))
        {
            copy_field(e, "message", msg, sizeof msg);
            copy_field(e, "details", details, sizeof details);
            if (len < cap)
                len += (size_t)snprintf(out + len, cap - len, "%snode %s (%s): %s%s%s",
                                        len ? "; " : "", node->string ? node->string : "?",
                                        cls[0] ? cls : "?", msg, details[0] ? ": " : "", details);
        }
    }
    return len > 0;
}

/* Where and how to reach this ComfyUI server (the URI's host, port, TLS,
 * CA file, headers), given up when `abort` turns true. */
static void server_of(const comfy *c, mz_gen_http_request *req, const atomic_bool *abort)
{
    req->host = c->u.host;
    req->port = c->u.port;
    req->tls = c->u.tls;
    req->ca_file = c->u.ca[0] ? c->u.ca : NULL;
    req->headers = c->u.header_list;
    req->header_count = c->u.header_count;
    req->abort = abort;
}

/* A call to this ComfyUI server (path under its prefix), given up when the
 * backend closes. */
static bool http(comfy *c, mz_gen_http_request *req, size_t max_reply, mz_gen_http_response *r)
{
    char path[2400];
    if ((size_t)snprintf(path, sizeof path, "%s%s", c->u.prefix, req->path) >= sizeof path)
        return mz_fail("comfy: a path too long");
    req->path = path;
    server_of(c, req, &c->quit);
    req->max_body = max_reply;
    req->timeout_s = HTTP_TIMEOUT_S;
    return mz_gen_http_do(req, r);
}

/* A GET of JSON; NULL + mz_fail() unless a 200 with a JSON object came. */
static cJSON *get_json(comfy *c, const char *path, size_t max_reply)
{
    mz_gen_http_response r;
    if (!http(c, &(mz_gen_http_request){.path = path}, max_reply, &r)) return NULL;
    cJSON *reply = r.status == 200 ? cJSON_ParseWithLength(r.body, r.len) : NULL;
    if (!cJSON_IsObject(reply)) {
        mz_fail("GET %s answered %d: %.120s", path, r.status, r.body);
        cJSON_Delete(reply);
        reply = NULL;
    }
    mz_gen_http_free(&r);
    return reply;
}

/* server.py get_object_info_node: {class: info} for an installed class, {}
 * otherwise. Every class_type of the workflow is asked for once, before
 * the first job, so a missing custom node is named at once rather than by
 * a 400 on every scene. Asked one by one: the whole /object_info is
 * megabytes on a server with many custom nodes. */
static bool check_classes(comfy *c)
{
    char missing[MZ_ERROR_MAX - 160] = "";
    size_t len = 0;
    const cJSON *node, *other;
    cJSON_ArrayForEach(node, c->workflow)
    {
        const cJSON *cls = cJSON_GetObjectItemCaseSensitive(node, "class_type");
        if (!cJSON_IsString(cls)) {
            return mz_fail("the workflow's node %s has no class_type (export it with 'Save (API "
                           "Format)')",
                           node->string);
        }
        bool asked = false; /* by an earlier node of the same class */
        for (other = c->workflow->child; other != node && !asked; other = other->next) {
            const cJSON *oc = cJSON_GetObjectItemCaseSensitive(other, "class_type");
            asked = cJSON_IsString(oc) && !strcmp(oc->valuestring, cls->valuestring);
        }
        char esc[400], path[480];
        if (asked || !mz_gen_http_query_escape(cls->valuestring, esc, sizeof esc)) continue;
        snprintf(path, sizeof path, "/object_info/%s", esc);
        cJSON *info = get_json(c, path, MAX_JSON_REPLY);
        if (!info) return false;
        if (!cJSON_GetObjectItemCaseSensitive(info, cls->valuestring) && len < sizeof missing)
            len += (size_t)snprintf(missing + len, sizeof missing - len, "%s%s (node %s)",
                                    len ? ", " : "", cls->valuestring, node->string);
        cJSON_Delete(info);
    }
    if (len)
        return mz_fail("ComfyUI lacks the workflow's node classes %s: install the custom nodes "
                       "or change the workflow",
                       missing);
    return true;
}

static bool post_json(comfy *c, const char *path, const char *text, mz_gen_http_response *r)
{
    return http(c,
                &(mz_gen_http_request){.path = path,
                                       .content_type = "application/json",
                                       .body = text,
                                       .body_len = strlen(text)},
                MAX_JSON_REPLY, r);
}

/* ComfyUI runs every queued prompt to its end: a superseded one is deleted
 * from the queue (server.py post_queue) in case it waits, and interrupted
 * (post_interrupt, which with a prompt_id stops only that prompt) in case it
 * runs. Each call does nothing for a prompt in the other state, or done. */
static void cancel_prompt(comfy *c, const char *prompt_id)
{
    char body[128];
    mz_gen_http_response r;
    snprintf(body, sizeof body, "{\"delete\":[\"%s\"]}", prompt_id);
    bool ok = post_json(c, "/queue", body, &r);
    if (ok) mz_gen_http_free(&r);
    snprintf(body, sizeof body, "{\"prompt_id\":\"%s\"}", prompt_id);
    if (ok && (ok = post_json(c, "/interrupt", body, &r))) mz_gen_http_free(&r);
    if (!ok) mz_log_warn("comfy: cancelling prompt %s: %s", prompt_id, mz_error());
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
    /* One name per client, overwritten (image_upload with overwrite): one
     * file in ComfyUI's input/ however long the story runs. LoadImage's
     * IS_CHANGED hashes the file, so a new frame under the old name is
     * read again. */
    const mz_gen_http_part parts[] = {
        {.name = "image",
         .filename = c->upload_name,
         .type = "image/png",
         .data = png,
         .len = png_len},
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

/* Queues the workflow as prompt_id (server.py post_prompt takes the
 * client's). A 200 may still carry node_errors: the outputs they name are
 * skipped, the others run. */
static bool queue_prompt(comfy *c, const mz_gen_job *j, const char *image, const char *prompt_id)
{
    float fps = j->req.fps;
    mz_comfy_values v = {.prompt = j->req.prompt,
                         .negative = j->req.negative ? j->req.negative : "",
                         .image = image,
                         .seed = j->req.seed,
                         .width = j->req.width,
                         .height = j->req.height,
                         .frames = j->req.duration_s > 0 ? (int)ceil(j->req.duration_s * fps) : 1,
                         .fps = fps};
    cJSON *body = cJSON_CreateObject();
    cJSON *wf = mz_comfy_workflow_fill(c->workflow, &v);
    char *text = NULL;
    if (body && wf && cJSON_AddItemToObject(body, "prompt", wf)) {
        wf = NULL;
        if (cJSON_AddStringToObject(body, "client_id", c->client_id) &&
            cJSON_AddStringToObject(body, "prompt_id", prompt_id))
            text = cJSON_PrintUnformatted(body);
    }
    cJSON_Delete(wf);
    cJSON_Delete(body);
    if (!text) return mz_fail("out of memory building the workflow");
    mz_gen_http_response r;
    bool ok = post_json(c, "/prompt", text, &r);
    free(text);
    if (!ok) return false;
    cJSON *reply = cJSON_ParseWithLength(r.body, r.len);
    char errors[MZ_ERROR_MAX - 64];
    bool node_errors = describe_node_errors(reply, errors, sizeof errors);
    ok = r.status == 200;
    if (ok && node_errors)
        mz_log_warn("comfy: prompt %s is queued, but ComfyUI skips the outputs of %s", prompt_id,
                    errors);
    else if (node_errors)
        mz_fail("/prompt refused the workflow: %s", errors);
    else if (!ok)
        mz_fail("/prompt answered %d: %.600s", r.status, r.body);
    cJSON_Delete(reply);
    mz_gen_http_free(&r);
    return ok;
}

/* One output file streaming: its frames leave at its own frame rate. */
typedef struct playing {
    comfy *c;
    uint64_t scene_id;
    uint32_t from;     /* the scene's frame index where the file starts */
    uint64_t start_ns; /* when its first frame left */
    bool stopped;      /* the scene changed */
} playing;

static bool on_picture(void *user, const mz_record_decoded *f)
{
    playing *p = user;
    comfy *c = p->c;
    uint64_t now = mz_time_ns(), at = (uint64_t)(f->time_s * 1e9);
    if (f->index == 0) {
        pthread_mutex_lock(&c->lock);
        p->from = c->next_index;
        pthread_mutex_unlock(&c->lock);
    }
    /* A picture decoded later than its time restarts the clock at it
     * rather than let the next ones out in a burst (as mz_gen.c's pace). */
    if (f->index == 0 || now > p->start_ns + at + (uint64_t)(f->length_s * 1e9))
        p->start_ns = now - at;
    /* Due at its time in the file: waits on `wake`, which a new scene,
     * a cancel or closing signals. */
    uint64_t due = p->start_ns + at;
    pthread_mutex_lock(&c->lock);
    while (!atomic_load(&c->drop) && mz_time_ns() < due) {
        struct timespec ts; /* `wake` runs on the monotonic clock */
        clock_gettime(CLOCK_MONOTONIC, &ts);
        uint64_t wait = due - mz_time_ns();
        uint64_t until = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec + wait;
        ts.tv_sec = (time_t)(until / 1000000000u);
        ts.tv_nsec = (long)(until % 1000000000u);
        pthread_cond_timedwait(&c->wake, &c->lock, &ts);
    }
    pthread_mutex_unlock(&c->lock);
    p->stopped = atomic_load(&c->drop) || !push_rgba(c, p->scene_id, f->rgba, f->width, f->height,
                                                     false, p->from, f->time_s);
    return !p->stopped;
}

static void fetch_media(comfy *c, uint64_t scene_id, const comfy_media_ref *ref)
{
    playing p = {.c = c, .scene_id = scene_id};
    mz_gen_http_request server = {.timeout_s = HTTP_TIMEOUT_S};
    server_of(c, &server, &c->drop);
    bool ok = comfy_media_fetch(&(comfy_media_fetch_desc){.server = &server,
                                                          .prefix = c->u.prefix,
                                                          .ref = ref,
                                                          .max_dim = MZ_GEN_PROTO_MAX_DIM,
                                                          .frame = on_picture,
                                                          .user = &p});
    if (!ok && !p.stopped && !atomic_load(&c->drop))
        health(c, false, "%s: fetching an output: %s", c->u.shown, mz_error());
}

/* One output node's files being taken (take_output). */
typedef struct taking {
    comfy *c;
    int previews; /* temporary files left out */
} taking;

/* comfy_media_list's callback: a file is fetched if it is saved (type
 * "output"), or previews=1, or the node was chosen with output=. Lock held. */
static bool add_fetch(void *user, const comfy_media_ref *ref)
{
    taking *t = user;
    comfy *c = t->c;
    if (!c->u.output[0] && !c->u.previews && strcmp(ref->type, "output")) {
        t->previews++;
        return true;
    }
    if (c->fetch_count == c->fetch_cap) {
        size_t cap = c->fetch_cap ? 2 * c->fetch_cap : 16;
        comfy_media_ref *grown = realloc(c->fetch, cap * sizeof *grown);
        if (!grown) return false;
        c->fetch = grown;
        c->fetch_cap = cap;
    }
    c->fetch[c->fetch_count++] = *ref;
    return true;
}

/* Is this output ours to show? The chosen node's (output=ID), else every
 * saved image (type "output"); PreviewImage's (type "temp") only with
 * previews=1. Each node's once per prompt, whether it came by /ws or by
 * /history. Lock held. */
static void take_output(comfy *c, const char *node, const cJSON *output)
{
    if (c->u.output[0] && strcmp(node, c->u.output)) return;
    for (int i = 0; i < c->taken_count; i++)
        if (!strcmp(c->taken[i], node)) return;
    if (c->taken_count < MAX_TAKEN)
        snprintf(c->taken[c->taken_count++], sizeof c->taken[0], "%s", node);
    taking t = {.c = c};
    int lost = comfy_media_list(output, add_fetch, &t);
    pthread_cond_signal(&c->wake);
    if (t.previews)
        mz_log_info("comfy: node %s's %d files are previews (not saved): not shown; choose "
                    "them with output=%s or previews=1",
                    node, t.previews, node);
    if (lost) mz_log_warn("comfy: out of memory: %d files of node %s not fetched", lost, node);
}

/* server.py get_history_prompt_id: {} until the prompt has ended, then
 * {id: {prompt, outputs: {node: ui}, status: {status_str, completed,
 * messages: [[event, data], ...]}, meta: {node: {display_node, ...}}}}
 * (execution.py PromptQueue.task_done). */
static void poll_history(comfy *c, const char *prompt_id)
{
    char path[128];
    snprintf(path, sizeof path, "/history/%s", prompt_id); /* our ids need no escaping */
    cJSON *reply = get_json(c, path, MAX_HISTORY_REPLY);
    const cJSON *entry = cJSON_GetObjectItemCaseSensitive(reply, prompt_id);
    if (!reply) mz_log_debug("comfy: %s", mz_error()); /* down too: asked again soon */
    if (!cJSON_IsObject(entry)) {
        cJSON_Delete(reply);
        return;
    }
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(entry, "status");
    const cJSON *str = cJSON_GetObjectItemCaseSensitive(status, "status_str");
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(entry, "meta");
    char failed[200] = "";
    if (cJSON_IsString(str) && strcmp(str->valuestring, "success")) {
        const cJSON *m;
        snprintf(failed, sizeof failed, "%s", str->valuestring);
        cJSON_ArrayForEach(m, cJSON_GetObjectItemCaseSensitive(status, "messages"))
        {
            const cJSON *event = cJSON_GetArrayItem(m, 0);
            if (cJSON_IsString(event) && !strcmp(event->valuestring, "execution_error"))
                copy_field(cJSON_GetArrayItem(m, 1), "exception_message", failed, sizeof failed);
        }
    }
    pthread_mutex_lock(&c->lock);
    if (!strcmp(c->prompt_id, prompt_id)) {
        const cJSON *out;
        cJSON_ArrayForEach(out, cJSON_GetObjectItemCaseSensitive(entry, "outputs"))
        {
            const cJSON *shown = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(meta, out->string), "display_node");
            take_output(c, cJSON_IsString(shown) ? shown->valuestring : out->string, out);
        }
        c->prompt_done = true;
        c->ws_lost = false;
    }
    pthread_mutex_unlock(&c->lock);
    mz_log_info("comfy: prompt %s read from /history (/ws dropped while it ran)", prompt_id);
    if (failed[0]) health(c, false, "%s: the workflow failed: %s", c->u.shown, failed);
    cJSON_Delete(reply);
}

/* The sink hears whether the scene is still being made (the player's
 * working indicator). Lock held. */
static void set_making(comfy *c, uint64_t scene_id, bool making, float done)
{
    c->making = making;
    mz_gen_sink_progress(c->sink, scene_id, making, done);
}

static void start_job(comfy *c, const mz_gen_job *j, const char *prompt_id)
{
    char image[600] = "";
    bool ok = c->classes_checked || (c->classes_checked = check_classes(c));
    if (!ok || !upload(c, j, image, sizeof image) || !queue_prompt(c, j, image, prompt_id)) {
        health(c, false, "%s: %s", c->u.shown, mz_error());
        pthread_mutex_lock(&c->lock);
        if (!strcmp(c->prompt_id, prompt_id)) {
            c->prompt_done = true;
            c->ws_lost = false; /* nothing to ask /history for */
            set_making(c, j->req.id, false, 0);
        }
        pthread_mutex_unlock(&c->lock);
        return;
    }
    mz_log_info("comfy: scene %llu queued as prompt %s", (unsigned long long)j->req.id, prompt_id);
}

static void *worker(void *arg)
{
    comfy *c = arg;
    pthread_mutex_lock(&c->lock);
    while (!atomic_load(&c->quit)) {
        if (c->stale[0]) {
            char stale[sizeof c->stale];
            memcpy(stale, c->stale, sizeof stale);
            c->stale[0] = 0;
            pthread_mutex_unlock(&c->lock);
            cancel_prompt(c, stale);
            pthread_mutex_lock(&c->lock);
        } else if (c->want) {
            mz_gen_job *j = c->want;
            c->want = NULL;
            c->scene_id = j->req.id;
            /* Named before it is queued: its /ws messages may come first. */
            snprintf(c->prompt_id, sizeof c->prompt_id, "%s-%llu", c->client_id,
                     (unsigned long long)++c->prompts);
            char prompt_id[sizeof c->prompt_id];
            memcpy(prompt_id, c->prompt_id, sizeof prompt_id);
            c->width = j->req.width;
            c->height = j->req.height;
            c->fps = j->req.fps;
            c->next_index = 0;
            c->fetch_count = 0;
            c->taken_count = 0;
            c->prompt_done = false;
            c->ws_lost = !c->ws_up; /* its messages may be missed from the start */
            set_making(c, c->scene_id, true, 0);
            pthread_mutex_unlock(&c->lock);
            start_job(c, j, prompt_id);
            mz_gen_job_release(j);
            pthread_mutex_lock(&c->lock);
        } else if (c->fetch_count > 0) {
            comfy_media_ref ref = c->fetch[0];
            memmove(c->fetch, c->fetch + 1, sizeof ref * --c->fetch_count);
            uint64_t id = c->scene_id;
            atomic_store(&c->drop, false); /* under the lock, as submit's store */
            pthread_mutex_unlock(&c->lock);
            fetch_media(c, id, &ref);
            pthread_mutex_lock(&c->lock);
        } else if (c->ws_lost && c->prompt_id[0]) {
            /* Until /history has it, even if /ws is back and says it ended:
             * an `executed` may have come while it was down. */
            double wait_ms = HISTORY_POLL_MS - mz_time_ms_since(c->history_ns);
            if (wait_ms <= 0) {
                char prompt_id[sizeof c->prompt_id];
                memcpy(prompt_id, c->prompt_id, sizeof prompt_id);
                c->history_ns = mz_time_ns();
                pthread_mutex_unlock(&c->lock);
                poll_history(c, prompt_id);
                pthread_mutex_lock(&c->lock);
            } else {
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                uint64_t at = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec +
                              (uint64_t)(wait_ms * 1e6);
                ts.tv_sec = (time_t)(at / 1000000000u);
                ts.tv_nsec = (long)(at % 1000000000u);
                pthread_cond_timedwait(&c->wake, &c->lock, &ts);
            }
        } else if (c->making && c->prompt_done) {
            set_making(c, c->scene_id, false, 1); /* every image fetched */
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
    pthread_mutex_lock(&c->lock);
    c->ws_up = false;
    if (c->prompt_id[0] && !c->prompt_done) c->ws_lost = true;
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    health(c, false, "%s: /ws: %s", c->u.shown, why);
}

static bool ws_up(mz_gen_ws_client *ws, void *user)
{
    comfy *c = user;
    mz_gen_ws_client_reset_backoff(ws);
    pthread_mutex_lock(&c->lock);
    c->ws_up = true;
    pthread_mutex_unlock(&c->lock);
    mz_log_info("comfy: following /ws of %s", c->u.shown);
    /* comfy_api/feature_flags.py: previews then name their prompt
     * (PREVIEW_IMAGE_WITH_METADATA); a server that predates it ignores this. */
    static const char flags[] =
        "{\"type\":\"feature_flags\",\"data\":{\"supports_preview_metadata\":true}}";
    mz_gen_wire *w = mz_gen_ws_client_wire(ws);
    return w && mz_gen_wire_send_text(w, flags, sizeof flags - 1);
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

/* Which prompt ComfyUI runs, whoever queued it: execution_start and
 * executing name it; executing {node: null}, execution_success, _error and
 * _interrupted end it. Previews without a prompt_id are the running one's. */
static void track_running(comfy *c, const char *type, const cJSON *data)
{
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive(data, "prompt_id");
    const cJSON *node = cJSON_GetObjectItemCaseSensitive(data, "node");
    if (!cJSON_IsString(pid)) return;
    bool starts =
        !strcmp(type, "execution_start") || (!strcmp(type, "executing") && cJSON_IsString(node));
    bool ends = (!strcmp(type, "executing") && cJSON_IsNull(node)) ||
                !strcmp(type, "execution_success") || !strcmp(type, "execution_error") ||
                !strcmp(type, "execution_interrupted");
    pthread_mutex_lock(&c->lock);
    if (starts)
        snprintf(c->running, sizeof c->running, "%s", pid->valuestring);
    else if (ends && !strcmp(c->running, pid->valuestring))
        c->running[0] = 0;
    if (ends && !strcmp(c->prompt_id, pid->valuestring)) {
        c->prompt_done = true;
        pthread_cond_signal(&c->wake);
    }
    pthread_mutex_unlock(&c->lock);
}

static void on_ws_text(comfy *c, const char *text, size_t len)
{
    cJSON *m = cJSON_ParseWithLength(text, len);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(m, "type");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(m, "data");
    uint64_t scene_id;
    bool valid = cJSON_IsString(type) && cJSON_IsObject(data);
    if (valid) track_running(c, type->valuestring, data);
    if (!valid) {
        mz_log_debug("comfy: ignoring a /ws message that is not {type, data}");
    } else if (!strcmp(type->valuestring, "status")) {
        health(c, true, "%s: connected", c->u.shown);
    } else if (!strcmp(type->valuestring, "progress") && ours(c, data, &scene_id)) {
        /* A sampler's steps (comfy/utils.py ProgressBar through
         * main.py hijack_progress): the player's working indicator. */
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(data, "value");
        const cJSON *mx = cJSON_GetObjectItemCaseSensitive(data, "max");
        if (cJSON_IsNumber(v) && cJSON_IsNumber(mx) && mx->valuedouble > 0) {
            float done = (float)(v->valuedouble / mx->valuedouble);
            pthread_mutex_lock(&c->lock);
            if (c->making && scene_id == c->scene_id)
                set_making(c, scene_id, true, done < 0 ? 0 : done > 1 ? 1 : done);
            pthread_mutex_unlock(&c->lock);
        }
    } else if (!strcmp(type->valuestring, "executed") && ours(c, data, &scene_id)) {
        /* execution.py: node is the id that ran, display_node the
         * workflow's (they differ inside expanded subgraphs). */
        const cJSON *node = cJSON_GetObjectItemCaseSensitive(data, "display_node");
        if (!cJSON_IsString(node)) node = cJSON_GetObjectItemCaseSensitive(data, "node");
        pthread_mutex_lock(&c->lock);
        if (cJSON_IsString(node) && scene_id == c->scene_id)
            take_output(c, node->valuestring, cJSON_GetObjectItemCaseSensitive(data, "output"));
        pthread_mutex_unlock(&c->lock);
    } else if (!strcmp(type->valuestring, "execution_error") && ours(c, data, &scene_id)) {
        char msg[200];
        copy_field(data, "exception_message", msg, sizeof msg);
        health(c, false, "%s: the workflow failed: %s", c->u.shown, msg);
    } else if (!strcmp(type->valuestring, "execution_interrupted") && ours(c, data, &scene_id)) {
        char node[64], cls[128];
        copy_field(data, "node_id", node, sizeof node);
        copy_field(data, "node_type", cls, sizeof cls);
        health(c, false, "%s: the prompt was interrupted on the server at node %s (%s)", c->u.shown,
               node, cls);
    }
    cJSON_Delete(m);
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A preview is shown only if it is the current prompt's: event 4 names its
 * prompt in metadata (4-byte length, JSON, then the image: server.py
 * send_image_with_metadata); event 1 (4-byte format, then the image) names
 * none and may be another client's broadcast, so it counts only while
 * ComfyUI says it runs our prompt. */
static void on_ws_binary(comfy *c, const uint8_t *data, size_t len)
{
    if (len < 8) return;
    uint32_t event = be32(data);
    const uint8_t *image = data + 8;
    char pid[sizeof c->prompt_id] = "";
    if (event == PREVIEW_IMAGE_WITH_METADATA) {
        uint32_t mlen = be32(data + 4);
        if (mlen > len - 8) return;
        cJSON *meta = cJSON_ParseWithLength((const char *)data + 8, mlen);
        copy_field(meta, "prompt_id", pid, sizeof pid);
        cJSON_Delete(meta);
        image = data + 8 + mlen;
    } else if (event != PREVIEW_IMAGE) {
        return;
    }
    pthread_mutex_lock(&c->lock);
    if (event == PREVIEW_IMAGE) memcpy(pid, c->running, sizeof pid);
    uint64_t id = c->prompt_id[0] && !strcmp(pid, c->prompt_id) ? c->scene_id : 0;
    pthread_mutex_unlock(&c->lock);
    /* The decoder reads the image's signature (JPEG or PNG). */
    if (id) push_image(c, id, image, len - (size_t)(image - data), true);
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
    atomic_init(&c->drop, false);
    atomic_init(&c->healthy, -1);
    pthread_mutex_init(&c->lock, NULL);
    pthread_condattr_t attr; /* the worker's timed waits (/history) are monotonic */
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&c->wake, &attr);
    pthread_condattr_destroy(&attr);
    snprintf(c->client_id, sizeof c->client_id, "maze-%llx",
             (unsigned long long)(mz_time_ns() ^ (uintptr_t)c));
    snprintf(c->upload_name, sizeof c->upload_name, "%s.png", c->client_id);
    if (!mz_comfy_uri_parse(desc->uri, &c->u) ||
        !(c->workflow = mz_comfy_workflow_load(c->u.workflow))) {
        comfy_close(c);
        return NULL;
    }
    if (c->u.output[0] && !mz_comfy_workflow_node(c->workflow, c->u.output)) {
        mz_fail("comfy: output=%s: workflow %s has no node %s", c->u.output, c->u.workflow,
                c->u.output);
        comfy_close(c);
        return NULL;
    }
    char path[600];
    snprintf(path, sizeof path, "%s/ws?clientId=%s", c->u.prefix, c->client_id);
    if (pthread_create(&c->worker, NULL, worker, c)) {
        mz_fail("comfy: cannot start a thread");
        comfy_close(c);
        return NULL;
    }
    c->worker_started = true;
    c->ws = mz_gen_ws_client_open(&(mz_gen_ws_client_desc){
        .host = c->u.host,
        .port = c->u.port,
        .tls = c->u.tls,
        .ca_file = c->u.ca[0] ? c->u.ca : NULL,
        .headers = c->u.header_list,
        .header_count = c->u.header_count,
        .path = path,
        .origin = c->u.host,
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

/* The prompt in flight is no longer wanted: the worker cancels it on the
 * server. Called with the lock held. */
static void supersede(comfy *c)
{
    if (c->prompt_id[0]) memcpy(c->stale, c->prompt_id, sizeof c->stale);
    c->prompt_id[0] = 0;
    atomic_store(&c->drop, true);
    pthread_cond_signal(&c->wake);
}

static bool comfy_submit(void *self, mz_gen_job *j)
{
    comfy *c = self;
    const mz_scene_request *req = &j->req;
    pthread_mutex_lock(&c->lock);
    mz_gen_job_release(c->want);
    c->want = j;
    c->scene_id = req->id; /* previews of older scenes stop at once */
    supersede(c);
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
    c->making = false; /* the front forgets the scene's progress itself */
    supersede(c);
    c->fetch_count = 0;
    pthread_mutex_unlock(&c->lock);
}

static void comfy_close(void *self)
{
    comfy *c = self;
    atomic_store(&c->quit, true);
    atomic_store(&c->drop, true);
    if (c->worker_started) {
        pthread_mutex_lock(&c->lock);
        pthread_cond_signal(&c->wake);
        pthread_mutex_unlock(&c->lock);
        pthread_join(c->worker, NULL);
    }
    mz_gen_ws_client_close(c->ws);
    mz_gen_job_release(c->want);
    free(c->fetch);
    cJSON_Delete(c->workflow);
    pthread_cond_destroy(&c->wake);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

const mz_gen_backend mz_gen_comfy_backend = {
    .version = MZ_GEN_BACKEND_VERSION,
    .name = "comfy",
    .accepts = mz_comfy_uri_accepts,
    .open = comfy_open,
    .submit = comfy_submit,
    .cancel = comfy_cancel,
    .close = comfy_close,
    .remote = true,
};
