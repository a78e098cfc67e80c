/* A small fake ComfyUI for tests: the real message shapes and queue
 * behaviour of its HTTP and WebSocket API, with canned images instead of a
 * model. It follows ComfyUI's server.py (PromptServer: post_prompt,
 * post_interrupt, post_queue, websocket_handler, send_sync, which sends to
 * the prompt's client_id or, when it has none, to every socket, and
 * send_image_with_metadata), execution.py (PromptQueue: one prompt runs at a
 * time, in order; PromptExecutor.execute's execution_start, execution_cached,
 * executing, executed, execution_success / execution_error /
 * execution_interrupted), comfy_execution/progress.py
 * (WebUIProgressHandler.update_handler: previews naming their prompt) and
 * comfy_api/feature_flags.py (a client's `feature_flags` message asks for
 * them with supports_preview_metadata), latent_preview.py (samplers'
 * previews are JPEG: send_image's event 1 with format 1), server.py
 * image_upload (a name already in input/ gets " (1)" unless overwrite is
 * "true"), get_history_prompt_id with execution.py PromptQueue.task_done
 * and get_history ({} until the prompt has ended, then {id: {prompt,
 * outputs, status: {status_str, completed, messages}, meta}}) and
 * get_object_info_node ({} for a class that is not installed).
 *   POST /upload/image (multipart)  -> {"name", "subfolder", "type"}
 *   POST /prompt {prompt, client_id?, prompt_id?} -> {"prompt_id", "number",
 *        "node_errors"}, or 400 {error, node_errors}; the prompt joins the queue
 *   POST /interrupt {prompt_id?}   -> stops the running prompt (if it is that one)
 *   POST /queue {"delete": [ids]}  -> drops waiting prompts
 *   GET /view?filename=&subfolder=&type= -> the PNG
 *   GET /history/{prompt_id}       -> the ended prompt's outputs and status
 *   GET /object_info/{class}       -> {class: {...}} or {}
 * Options make it drop /ws mid-prompt, serve under a path prefix as behind
 * a proxy, demand an Authorization header, listen on ::1, speak TLS.
 * A running prompt: execution_start, executing, N x (progress + preview),
 * executed {output: {images}}, executing {node: null}, execution_success.
 * Solid colours make frames recognisable: previews green (magenta for a
 * prompt queued without a client_id), outputs red then blue, PreviewImage's
 * yellow, all at sizes other than the scene's (the adapter scales). With
 * opts.media the output node is an animated one instead (fake_media.c),
 * its file on disk. */
#define _GNU_SOURCE /* memmem */
#include "fake_comfy.h"

#include "fake_loop.h"

#include "mz_gen_proto.h"
#include "mz_record.h"
#include "wire.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STEP_US 30000
#define MAX_BODY (8 << 20)
#define MAX_SOCKETS 8
#define MAX_QUEUE 64
#define MAX_INPUTS 64
#define MAX_HISTORY 16
#define PREVIEW_IMAGE 1
#define PREVIEW_IMAGE_WITH_METADATA 4

typedef struct session {
    bool is_ws, metadata;
    bool denied;  /* no or a wrong Authorization: 401 once the body is in */
    bool dropped; /* drop_sockets: closed at its next writeable */
    char path[128], client_id[64];
    uint8_t *body;
    size_t len;
    mz_gen_wire wire;
    fake_media_reply file; /* a /view of opts.media's file, streaming */
} session;

typedef struct job {
    char id[64], client_id[64]; /* client_id "": broadcast */
} job;

/* A prompt that has ended, as /history tells it. */
typedef struct ended {
    char id[64];
    bool success;
    char *outputs;  /* the JSON of {node: ui} */
    char *messages; /* the JSON of [[event, data], ...] */
} ended;

struct fake_comfy {
    fake_loop loop;
    fake_comfy_opts opts;
    pthread_mutex_t lock;
    fake_comfy_log log;
    /* Service thread only. */
    session *socks[MAX_SOCKETS];
    lws_sorted_usec_list_t step_timer, reply_timer;
    job queue[MAX_QUEUE]; /* [0] runs when step >= 0 */
    int queued;
    int step; /* of the running prompt; -1 none */
    int prompt_number;
    struct lws *reply_wsi; /* a /prompt reply held back by reply_delay_ms */
    char reply[1024];
    int reply_status;
    char inputs[MAX_INPUTS][128]; /* the input/ folder's file names */
    int input_count;
    ended history[MAX_HISTORY]; /* circular */
    int history_next;
    bool ws_refused;    /* drop_ws_at_step: until the running prompt ends */
    char media_dir[64]; /* opts.media's file is there */
};

static void solid_png(uint8_t r, uint8_t g, uint8_t b, uint32_t w, uint32_t h, uint8_t **png,
                      size_t *len)
{
    uint8_t *rgba = malloc((size_t)w * h * 4);
    for (size_t i = 0; i < (size_t)w * h; i++) {
        rgba[4 * i] = r;
        rgba[4 * i + 1] = g;
        rgba[4 * i + 2] = b;
        rgba[4 * i + 3] = 255;
    }
    mz_record_png_encode(rgba, w, h, NULL, png, len);
    free(rgba);
}

/* send_sync's addressing: the prompt's own client, or everyone. */
static bool addressed(const session *s, const job *j)
{
    return !j->client_id[0] || !strcmp(s->client_id, j->client_id);
}

static void send_text(fake_comfy *f, const job *j, const char *text)
{
    for (int i = 0; i < MAX_SOCKETS; i++)
        if (f->socks[i] && addressed(f->socks[i], j))
            mz_gen_wire_send_text(&f->socks[i]->wire, text, strlen(text));
}

/* {"type": type, "data": {"prompt_id": id, ...extra}} */
static void send_event(fake_comfy *f, const job *j, const char *type, const char *extra)
{
    if (!strcmp(type, "progress")) {
        pthread_mutex_lock(&f->lock);
        f->log.progress_sent++;
        pthread_mutex_unlock(&f->lock);
    }
    char text[1024];
    snprintf(text, sizeof text, "{\"type\":\"%s\",\"data\":{\"prompt_id\":\"%s\"%s%s}}", type,
             j->id, extra[0] ? "," : "", extra);
    send_text(f, j, text);
}

/* A sampler's JPEG preview (latent_preview.py): event 1 (4-byte format
 * 1 = JPEG, then the image) for sockets that did not ask, event 4 (4-byte
 * metadata length, the metadata JSON naming the prompt, then the image)
 * for those that did. */
static void send_preview(fake_comfy *f, const job *j)
{
    enum { PW = 32, PH = 18 };
    uint8_t rgba[PW * PH * 4], *jpeg;
    size_t len;
    for (int i = 0; i < PW * PH; i++)
        memcpy(rgba + 4 * i,
               j->client_id[0] ? (uint8_t[]){0, 200, 0, 255} : (uint8_t[]){200, 200, 200, 255}, 4);
    if (!mz_gen_jpeg_encode(rgba, PW, PH, 90, &jpeg, &len)) return;
    char meta[256];
    int mlen = snprintf(meta, sizeof meta,
                        "{\"node_id\":\"3\",\"prompt_id\":\"%s\",\"display_node_id\":\"3\","
                        "\"parent_node_id\":null,\"real_node_id\":\"3\","
                        "\"image_type\":\"image/jpeg\"}",
                        j->id);
    for (int i = 0; i < MAX_SOCKETS; i++) {
        session *s = f->socks[i];
        if (!s || !addressed(s, j)) continue;
        size_t head = s->metadata ? 8 + (size_t)mlen : 8;
        uint8_t *msg = mz_gen_wire_send_binary(&s->wire, head + len);
        if (!msg) continue;
        memset(msg, 0, 8);
        msg[3] = s->metadata ? PREVIEW_IMAGE_WITH_METADATA : PREVIEW_IMAGE;
        if (s->metadata) {
            msg[4] = (uint8_t)(mlen >> 24), msg[5] = (uint8_t)(mlen >> 16);
            msg[6] = (uint8_t)(mlen >> 8), msg[7] = (uint8_t)mlen;
            memcpy(msg + 8, meta, (size_t)mlen);
        } else {
            msg[7] = 1;
        }
        memcpy(msg + head, jpeg, len);
    }
    free(jpeg);
}

/* The ui of an output node (nodes.py SaveImage.save_images: {images:
 * [{filename, subfolder, type}]}): SaveImage's (node 9, saved: "output")
 * or PreviewImage's (node 12, "temp"). */
static cJSON *node_output(const fake_comfy *f, bool preview)
{
    if (f->opts.media && !preview) return cJSON_Parse(fake_media_output(f->opts.media));
    int n = preview ? 1 : f->opts.images ? f->opts.images : 2;
    cJSON *out = cJSON_CreateObject();
    cJSON *images = cJSON_AddArrayToObject(out, "images");
    for (int i = 1; i <= n; i++) {
        char name[40];
        snprintf(name, sizeof name,
                 preview  ? "ComfyUI_temp_abcde_%05d_.png"
                 : i == 2 ? "maze %05d_.png"
                          : "maze_%05d_.png",
                 i);
        cJSON *img = cJSON_CreateObject();
        cJSON_AddStringToObject(img, "filename", name);
        cJSON_AddStringToObject(img, "subfolder", i == 2 ? "clips" : "");
        cJSON_AddStringToObject(img, "type", preview ? "temp" : "output");
        cJSON_AddItemToArray(images, img);
    }
    return out;
}

/* The prompt's outputs as history_result keeps them: {node: ui}. */
static cJSON *prompt_outputs(const fake_comfy *f)
{
    cJSON *outputs = cJSON_CreateObject();
    cJSON_AddItemToObject(outputs, "9", node_output(f, false));
    if (f->opts.preview_node) cJSON_AddItemToObject(outputs, "12", node_output(f, true));
    return outputs;
}

/* One `executed` per output node, as execution.py sends them. */
static void send_executed(fake_comfy *f, const job *j)
{
    cJSON *outputs = prompt_outputs(f), *out;
    cJSON_ArrayForEach(out, outputs)
    {
        cJSON *m = cJSON_CreateObject();
        cJSON_AddStringToObject(m, "type", "executed");
        cJSON *data = cJSON_AddObjectToObject(m, "data");
        cJSON_AddStringToObject(data, "node", out->string);
        cJSON_AddStringToObject(data, "display_node", out->string);
        cJSON_AddItemToObject(data, "output", cJSON_Duplicate(out, true));
        cJSON_AddStringToObject(data, "prompt_id", j->id);
        char *text = cJSON_PrintUnformatted(m);
        send_text(f, j, text);
        free(text);
        cJSON_Delete(m);
    }
    cJSON_Delete(outputs);
}

/* PromptQueue.task_done: the ended prompt joins the history, with the
 * outputs of the nodes that ran and the status messages. */
static void remember(fake_comfy *f, const job *j, bool success, bool with_outputs,
                     const char *last_message)
{
    ended *e = &f->history[f->history_next];
    f->history_next = (f->history_next + 1) % MAX_HISTORY;
    free(e->outputs);
    free(e->messages);
    snprintf(e->id, sizeof e->id, "%s", j->id);
    e->success = success;
    cJSON *outputs = with_outputs ? prompt_outputs(f) : cJSON_CreateObject();
    e->outputs = cJSON_PrintUnformatted(outputs);
    cJSON_Delete(outputs);
    char messages[1024];
    snprintf(messages, sizeof messages,
             "[[\"execution_start\",{\"prompt_id\":\"%s\",\"timestamp\":1}],%s]", j->id,
             last_message);
    e->messages = strdup(messages);
}

static void on_step(lws_sorted_usec_list_t *sul);

/* The link breaks (a proxy restarts, Wi-Fi drops): every socket is closed
 * at once, and none is taken until the running prompt has ended, so the
 * rest of its messages reach nobody. */
static void drop_sockets(fake_comfy *f)
{
    for (int i = 0; i < MAX_SOCKETS; i++) {
        session *s = f->socks[i];
        if (!s) continue;
        f->socks[i] = NULL;
        s->dropped = true;
        lws_callback_on_writable(s->wire.wsi);
    }
    f->ws_refused = true;
}

#define ERROR_DATA                                                                                 \
    "\"node_id\":\"3\",\"node_type\":\"KSampler\",\"exception_message\":\"CUDA out of memory\","   \
    "\"exception_type\":\"torch.OutOfMemoryError\""
#define INTERRUPTED_DATA "\"node_id\":\"3\",\"node_type\":\"KSampler\",\"executed\":[]"

/* The running prompt is over (`event` its last message, with `data`):
 * PromptQueue.task_done, then the next. */
static void finish_running(fake_comfy *f, const char *event, const char *data)
{
    const job *j = &f->queue[0];
    char last[512];
    snprintf(last, sizeof last, "[\"%s\",{\"prompt_id\":\"%s\",%s}]", event, j->id, data);
    bool success = !strcmp(event, "execution_success");
    remember(f, j, success, success, last);
    f->ws_refused = false;
    f->step = -1;
    lws_sul_cancel(&f->step_timer);
    memmove(f->queue, f->queue + 1, sizeof(job) * (size_t)--f->queued);
    pthread_mutex_lock(&f->lock);
    f->log.runs_finished++;
    pthread_mutex_unlock(&f->lock);
    if (f->queued) {
        f->step = 0;
        on_step(&f->step_timer);
    }
}

/* One step of the running prompt every STEP_US; step 0 runs at once (the
 * executor thread does not wait for the /prompt reply to go out). */
static void on_step(lws_sorted_usec_list_t *sul)
{
    fake_comfy *f = lws_container_of(sul, fake_comfy, step_timer);
    const job *j = &f->queue[0];
    int steps = f->opts.steps ? f->opts.steps : 3;
    int s = f->step++;
    char extra[128];
    if (s == 0) {
        send_event(f, j, "execution_start", "\"timestamp\":1");
        if (f->opts.cached) {
            send_event(f, j, "execution_cached", "\"nodes\":[\"3\",\"9\"]");
            send_executed(f, j);
            send_event(f, j, "execution_success", "\"timestamp\":2");
            finish_running(f, "execution_success", "\"timestamp\":2");
            return;
        }
        send_event(f, j, "executing", "\"node\":\"3\",\"display_node\":\"3\"");
    } else if (s <= steps) {
        if (s == f->opts.drop_ws_at_step) drop_sockets(f);
        snprintf(extra, sizeof extra, "\"value\":%d,\"max\":%d,\"node\":\"3\"", s, steps);
        send_event(f, j, "progress", extra);
        send_preview(f, j);
    } else if (f->opts.fail) {
        send_event(f, j, "execution_error", ERROR_DATA);
        finish_running(f, "execution_error", ERROR_DATA);
        return;
    } else if (s == steps + 1) {
        send_executed(f, j);
    } else {
        send_event(f, j, "executing", "\"node\":null");
        send_event(f, j, "execution_success", "\"timestamp\":2");
        finish_running(f, "execution_success", "\"timestamp\":2");
        return;
    }
    lws_sul_schedule(f->loop.ctx, 0, &f->step_timer, on_step, STEP_US);
}

static int respond(struct lws *wsi, int status, const char *type, const void *body, size_t len)
{
    uint8_t head[LWS_PRE + 1024], *start = head + LWS_PRE, *p = start,
                                  *end = head + sizeof head - 1;
    if (lws_add_http_common_headers(wsi, (unsigned)status, type, len, &p, end) ||
        lws_finalize_write_http_header(wsi, start, &p, end))
        return -1;
    uint8_t *buf = malloc(LWS_PRE + len + 1);
    memcpy(buf + LWS_PRE, body, len);
    int n = lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_HTTP_FINAL);
    free(buf);
    if (n < 0) return -1;
    return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int respond_json(struct lws *wsi, int status, const char *json)
{
    return respond(wsi, status, "application/json", json, strlen(json));
}

static int input_index(const fake_comfy *f, const char *name)
{
    for (int i = 0; i < f->input_count; i++)
        if (!strcmp(f->inputs[i], name)) return i;
    return -1;
}

static int on_upload(fake_comfy *f, struct lws *wsi, session *s)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    uint8_t *png = s->body ? memmem(s->body, s->len, sig, 8) : NULL;
    bool field = s->body && memmem(s->body, s->len, "name=\"image\"", 12);
    uint8_t *rgba = NULL;
    uint32_t w = 0, h = 0;
    if (!png || !field ||
        !mz_gen_image_decode(png, s->len - (size_t)(png - s->body), 4096, &rgba, &w, &h))
        return respond_json(wsi, 400, "{\"error\":\"no image\"}");
    /* image_upload: the file keeps its name with overwrite "true" (or
     * "1"); otherwise a name already in input/ becomes "NAME (1).png". */
    char name[100] = "", stem[100], reply[256];
    const char *fn = memmem(s->body, s->len, "filename=\"", 10);
    if (fn) sscanf(fn + 10, "%99[^\"]", name);
    static const char ow_field[] = "name=\"overwrite\"\r\n\r\n";
    const char *ow = memmem(s->body, s->len, ow_field, sizeof ow_field - 1);
    const char *v = ow ? ow + sizeof ow_field - 1 : NULL;
    bool overwrite = v && (!strncmp(v, "true\r", 5) || !strncmp(v, "1\r", 2));
    snprintf(stem, sizeof stem, "%.*s", (int)strcspn(name, "."), name);
    for (int i = 1; !overwrite && input_index(f, name) >= 0; i++)
        snprintf(name, sizeof name, "%.80s (%d).png", stem, i);
    if (input_index(f, name) < 0 && f->input_count < MAX_INPUTS)
        snprintf(f->inputs[f->input_count++], sizeof f->inputs[0], "%s", name);
    pthread_mutex_lock(&f->lock);
    f->log.uploads++;
    f->log.input_files = f->input_count;
    f->log.upload_w = w;
    f->log.upload_h = h;
    memcpy(f->log.upload_pixel, rgba, 4);
    pthread_mutex_unlock(&f->lock);
    free(rgba);
    snprintf(reply, sizeof reply, "{\"name\":\"%s\",\"subfolder\":\"\",\"type\":\"input\"}", name);
    return respond_json(wsi, 200, reply);
}

/* GET /history/{id}: {} until it has ended. */
static int on_history(fake_comfy *f, struct lws *wsi, const char *id)
{
    for (int i = 0; i < MAX_HISTORY; i++) {
        const ended *e = &f->history[i];
        if (!e->outputs || strcmp(e->id, id)) continue;
        size_t cap = strlen(e->outputs) + strlen(e->messages) + 512;
        char *text = malloc(cap);
        snprintf(text, cap,
                 "{\"%s\":{\"prompt\":[1,\"%s\",{},{},[\"9\"]],\"outputs\":%s,"
                 "\"status\":{\"status_str\":\"%s\",\"completed\":%s,\"messages\":%s},"
                 "\"meta\":{\"9\":{\"node_id\":\"9\",\"display_node\":\"9\"}}}}",
                 e->id, e->id, e->outputs, e->success ? "success" : "error",
                 e->success ? "true" : "false", e->messages);
        pthread_mutex_lock(&f->lock);
        f->log.history_hits++;
        pthread_mutex_unlock(&f->lock);
        int rc = respond_json(wsi, 200, text);
        free(text);
        return rc;
    }
    return respond_json(wsi, 200, "{}");
}

/* GET /object_info/{class}: every class is installed but missing_class. */
static int on_object_info(fake_comfy *f, struct lws *wsi, const char *cls)
{
    pthread_mutex_lock(&f->lock);
    f->log.object_info++;
    pthread_mutex_unlock(&f->lock);
    if (f->opts.missing_class && !strcmp(cls, f->opts.missing_class))
        return respond_json(wsi, 200, "{}");
    char text[512];
    snprintf(text, sizeof text,
             "{\"%.100s\":{\"input\":{\"required\":{}},\"output\":[],\"name\":\"%.100s\","
             "\"display_name\":\"%.100s\",\"category\":\"fake\",\"output_node\":false}}",
             cls, cls, cls);
    return respond_json(wsi, 200, text);
}

/* validate_prompt's answer for a checkpoint that is not installed. */
#define NODE_ERRORS                                                                                \
    "\"node_errors\":{\"4\":{\"errors\":[{\"type\":\"value_not_in_list\",\"message\":"             \
    "\"Value not in list\",\"details\":\"ckpt_name: 'sd_xl_base_1.0.safetensors' not in "          \
    "['v1-5-pruned.safetensors']\",\"extra_info\":{}}],\"dependent_outputs\":[\"9\"],"             \
    "\"class_type\":\"CheckpointLoaderSimple\"}}"

static void on_reply_due(lws_sorted_usec_list_t *sul)
{
    fake_comfy *f = lws_container_of(sul, fake_comfy, reply_timer);
    if (f->reply_wsi) lws_callback_on_writable(f->reply_wsi);
}

static int on_prompt(fake_comfy *f, struct lws *wsi, session *s)
{
    cJSON *req = s->body ? cJSON_ParseWithLength((const char *)s->body, s->len) : NULL;
    const cJSON *wf = cJSON_GetObjectItemCaseSensitive(req, "prompt");
    const cJSON *cid = cJSON_GetObjectItemCaseSensitive(req, "client_id");
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive(req, "prompt_id");
    if (!cJSON_IsObject(wf) || f->queued == MAX_QUEUE) {
        cJSON_Delete(req);
        return respond_json(wsi, 400,
                            "{\"error\":{\"type\":\"invalid_prompt\"},\"node_errors\":{}}");
    }
    job *j = &f->queue[f->queued];
    memset(j, 0, sizeof *j);
    if (cJSON_IsString(pid))
        snprintf(j->id, sizeof j->id, "%s", pid->valuestring);
    else
        snprintf(j->id, sizeof j->id, "p-%d", f->prompt_number + 1);
    if (cJSON_IsString(cid)) snprintf(j->client_id, sizeof j->client_id, "%s", cid->valuestring);
    pthread_mutex_lock(&f->lock);
    f->log.prompts++;
    snprintf(f->log.workflow, sizeof f->log.workflow, "%.*s", (int)s->len, (const char *)s->body);
    snprintf(f->log.client_id, sizeof f->log.client_id, "%s", j->client_id);
    pthread_mutex_unlock(&f->lock);
    cJSON_Delete(req);
    if (f->opts.node_errors == 400)
        return respond_json(wsi, 400,
                            "{\"error\":{\"type\":\"prompt_outputs_failed_validation\","
                            "\"message\":\"Prompt outputs failed validation\",\"details\":\"\","
                            "\"extra_info\":{}}," NODE_ERRORS "}");
    f->prompt_number++;
    f->queued++;
    pthread_mutex_lock(&f->lock);
    if (f->queued > f->log.queue_max) f->log.queue_max = f->queued;
    pthread_mutex_unlock(&f->lock);
    snprintf(f->reply, sizeof f->reply, "{\"prompt_id\":\"%s\",\"number\":%d,%s}", j->id,
             f->prompt_number, f->opts.node_errors == 200 ? NODE_ERRORS : "\"node_errors\":{}");
    if (f->step < 0) {
        f->step = 0;
        on_step(&f->step_timer);
    }
    if (!f->opts.reply_delay_ms) return respond_json(wsi, 200, f->reply);
    f->reply_wsi = wsi;
    lws_sul_schedule(f->loop.ctx, 0, &f->reply_timer, on_reply_due,
                     (lws_usec_t)f->opts.reply_delay_ms * 1000);
    return 0;
}

/* post_interrupt: with a prompt_id, only if that prompt is the one running. */
static int on_interrupt(fake_comfy *f, struct lws *wsi, session *s)
{
    cJSON *req = s->body ? cJSON_ParseWithLength((const char *)s->body, s->len) : NULL;
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive(req, "prompt_id");
    if (f->step >= 0 && (!cJSON_IsString(pid) || !strcmp(pid->valuestring, f->queue[0].id))) {
        send_event(f, &f->queue[0], "execution_interrupted", INTERRUPTED_DATA);
        pthread_mutex_lock(&f->lock);
        f->log.interrupted++;
        pthread_mutex_unlock(&f->lock);
        finish_running(f, "execution_interrupted", INTERRUPTED_DATA);
    }
    cJSON_Delete(req);
    return respond_json(wsi, 200, "{}");
}

/* post_queue {"delete": [ids]}: waiting prompts only; the running one stays. */
static int on_queue(fake_comfy *f, struct lws *wsi, session *s)
{
    cJSON *req = s->body ? cJSON_ParseWithLength((const char *)s->body, s->len) : NULL;
    const cJSON *id;
    cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(req, "delete"))
    {
        for (int i = f->step >= 0 ? 1 : 0; cJSON_IsString(id) && i < f->queued; i++) {
            if (strcmp(f->queue[i].id, id->valuestring)) continue;
            memmove(f->queue + i, f->queue + i + 1, sizeof(job) * (size_t)(f->queued - i - 1));
            f->queued--;
            pthread_mutex_lock(&f->lock);
            f->log.deleted++;
            pthread_mutex_unlock(&f->lock);
            break;
        }
    }
    cJSON_Delete(req);
    return respond_json(wsi, 200, "{}");
}

/* lws_get_urlarg_by_name leaves "name=value" in the buffer and returns
 * where the value starts. */
static void url_arg(struct lws *wsi, const char *name, char *out, size_t cap)
{
    char buf[256];
    const char *v = lws_get_urlarg_by_name(wsi, name, buf, sizeof buf);
    snprintf(out, cap, "%s", v ? v : "");
}

static int on_view(fake_comfy *f, struct lws *wsi, session *s)
{
    char name[128], sub[64], type[32];
    url_arg(wsi, "filename=", name, sizeof name);
    url_arg(wsi, "subfolder=", sub, sizeof sub);
    url_arg(wsi, "type=", type, sizeof type);
    pthread_mutex_lock(&f->lock);
    f->log.views++;
    pthread_mutex_unlock(&f->lock);
    if (f->opts.media) {
        int rc = strcmp(type, "output") ? 1
                                        : fake_media_reply_start(&s->file, wsi, f->opts.media,
                                                                 f->media_dir, name, sub);
        return rc == 1 ? respond_json(wsi, 404, "{}") : rc;
    }
    int n = 0;
    char tail[8] = "";
    bool first = !strcmp(name, "maze_00001_.png") && !sub[0];
    bool second = !strcmp(name, "maze 00002_.png") && !strcmp(sub, "clips");
    bool later =
        sscanf(name, "maze_%5d%7s", &n, tail) == 2 && n > 2 && !strcmp(tail, "_.png") && !sub[0];
    bool temp = !strcmp(name, "ComfyUI_temp_abcde_00001_.png") && !strcmp(type, "temp");
    if (!temp && (strcmp(type, "output") || (!first && !second && !later)))
        return respond_json(wsi, 404, "{}");
    uint8_t *png;
    size_t len;
    solid_png(first || temp ? 220 : 0, temp ? 220 : 0, first || temp ? 0 : 220, 64, 48, &png, &len);
    int rc = respond(wsi, 200, "image/png", png, len);
    free(png);
    return rc;
}

/* The path below the prefix the fake serves under; NULL: outside it. */
static const char *unprefixed(const fake_comfy *f, const char *path)
{
    size_t n = f->opts.prefix ? strlen(f->opts.prefix) : 0;
    if (n && (strncmp(path, f->opts.prefix, n) || path[n] != '/')) return NULL;
    return path + n;
}

/* A proxy's bearer-token check, on every request and the /ws upgrade. */
static bool authorized(fake_comfy *f, struct lws *wsi)
{
    char got[4096] = "";
    if (!f->opts.authorization) return true;
    if (lws_hdr_copy(wsi, got, sizeof got, WSI_TOKEN_HTTP_AUTHORIZATION) > 0 &&
        !strcmp(got, f->opts.authorization))
        return true;
    pthread_mutex_lock(&f->lock);
    f->log.unauthorized++;
    pthread_mutex_unlock(&f->lock);
    return false;
}

static int on_get(fake_comfy *f, struct lws *wsi, session *s)
{
    if (s->denied) return respond_json(wsi, 401, "{\"error\":\"unauthorized\"}");
    if (!strcmp(s->path, "/view")) return on_view(f, wsi, s);
    if (!strncmp(s->path, "/history/", 9)) return on_history(f, wsi, s->path + 9);
    if (!strncmp(s->path, "/object_info/", 13)) return on_object_info(f, wsi, s->path + 13);
    return respond_json(wsi, 404, "{}");
}

static void ws_open(fake_comfy *f, struct lws *wsi, session *s)
{
    s->is_ws = true;
    url_arg(wsi, "clientId=", s->client_id, sizeof s->client_id);
    pthread_mutex_lock(&f->lock);
    f->log.ws_connections++;
    snprintf(f->log.ws_client_id, sizeof f->log.ws_client_id, "%s", s->client_id);
    pthread_mutex_unlock(&f->lock);
    mz_gen_wire_init(&s->wire, wsi, 4096, 4096);
    for (int i = 0; i < MAX_SOCKETS; i++)
        if (!f->socks[i]) {
            f->socks[i] = s;
            break;
        }
    char text[256];
    snprintf(text, sizeof text,
             "{\"type\":\"status\",\"data\":{\"status\":{\"exec_info\":{\"queue_remaining\":%d}},"
             "\"sid\":\"%s\"}}",
             f->queued, s->client_id);
    mz_gen_wire_send_text(&s->wire, text, strlen(text));
}

/* websocket_handler: a client's first message may be its feature flags. */
static void ws_receive(fake_comfy *f, session *s, const void *in, size_t len)
{
    cJSON *m = cJSON_ParseWithLength(in, len);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(m, "type");
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(m, "data");
    if (cJSON_IsString(type) && !strcmp(type->valuestring, "feature_flags") &&
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(data, "supports_preview_metadata"))) {
        s->metadata = true;
        pthread_mutex_lock(&f->lock);
        f->log.preview_metadata = true;
        pthread_mutex_unlock(&f->lock);
    }
    cJSON_Delete(m);
}

static int on_event(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    session *s = user;
    fake_comfy *f = lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_HTTP: {
        const char *path = unprefixed(f, in);
        snprintf(s->path, sizeof s->path, "%s", path ? path : "");
        s->denied = !authorized(f, wsi);
        if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI)) return 0; /* the body follows */
        return on_get(f, wsi, s);
    }
    case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
        /* websocket_handler's route: /ws under the prefix. */
        char uri[256] = "";
        lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
        const char *path = unprefixed(f, uri);
        return path && !strcmp(path, "/ws") && authorized(f, wsi) && !f->ws_refused ? 0 : -1;
    }
    case LWS_CALLBACK_HTTP_BODY:
        if (s->len + len > MAX_BODY) return -1;
        s->body = realloc(s->body, s->len + len + 1);
        memcpy(s->body + s->len, in, len);
        s->len += len;
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (s->denied) return respond_json(wsi, 401, "{\"error\":\"unauthorized\"}");
        if (!strcmp(s->path, "/upload/image")) return on_upload(f, wsi, s);
        if (!strcmp(s->path, "/prompt")) return on_prompt(f, wsi, s);
        if (!strcmp(s->path, "/interrupt")) return on_interrupt(f, wsi, s);
        if (!strcmp(s->path, "/queue")) return on_queue(f, wsi, s);
        return respond_json(wsi, 404, "{}");
    case LWS_CALLBACK_HTTP_WRITEABLE:
        if (s->file.file) return fake_media_reply_more(&s->file, wsi) < 0 ? -1 : 0;
        if (wsi != f->reply_wsi) return 0;
        f->reply_wsi = NULL;
        return respond_json(wsi, 200, f->reply);
    case LWS_CALLBACK_ESTABLISHED:
        ws_open(f, wsi, s);
        return 0;
    case LWS_CALLBACK_RECEIVE:
        ws_receive(f, s, in, len);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        if (s->dropped) return -1;
        return s->is_ws && !mz_gen_wire_writeable(&s->wire) ? -1 : 0;
    case LWS_CALLBACK_CLOSED:
        for (int i = 0; i < MAX_SOCKETS; i++)
            if (f->socks[i] == s) f->socks[i] = NULL;
        mz_gen_wire_reset(&s->wire);
        s->wire.wsi = NULL;
        return 0;
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
        if (wsi == f->reply_wsi) f->reply_wsi = NULL;
        if (!s) return 0; /* a TLS handshake that failed has no session */
        if (fake_media_reply_end(&s->file)) {
            pthread_mutex_lock(&f->lock);
            f->log.views_cut++;
            pthread_mutex_unlock(&f->lock);
        }
        free(s->body);
        s->body = NULL;
        s->len = 0;
        return 0;
    default:
        return 0;
    }
}

static const struct lws_protocols protocols[] = {
    {.name = "comfy-fake",
     .callback = on_event,
     .per_session_data_size = sizeof(session),
     .rx_buffer_size = 64 * 1024},
    {0},
};

fake_comfy *fake_comfy_start(const fake_comfy_opts *opts)
{
    fake_comfy *f = calloc(1, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    if (opts) f->opts = *opts;
    f->step = -1;
    snprintf(f->media_dir, sizeof f->media_dir, "/tmp/maze_comfy_XXXXXX");
    if (f->opts.media &&
        (!mkdtemp(f->media_dir) || !fake_media_write(f->opts.media, f->media_dir))) {
        fprintf(stderr, "fake_comfy: cannot write its output file in %s\n", f->media_dir);
        f->opts.media = FAKE_MEDIA_NONE;
    }
    fake_loop_opts lo = {.iface = f->opts.iface, .cert = f->opts.cert, .key = f->opts.key};
    if (!fake_loop_start(&f->loop, protocols, f, &lo)) {
        free(f);
        return NULL;
    }
    return f;
}

int fake_comfy_port(const fake_comfy *f)
{
    return f->loop.port;
}

const char *fake_comfy_media_dir(const fake_comfy *f)
{
    return f->media_dir;
}

void fake_comfy_log_get(fake_comfy *f, fake_comfy_log *out)
{
    pthread_mutex_lock(&f->lock);
    *out = f->log;
    pthread_mutex_unlock(&f->lock);
}

void fake_comfy_stop(fake_comfy *f)
{
    fake_loop_stop(&f->loop);
    lws_sul_cancel(&f->step_timer);
    lws_sul_cancel(&f->reply_timer);
    fake_loop_close(&f->loop);
    for (int i = 0; i < MAX_HISTORY; i++) {
        free(f->history[i].outputs);
        free(f->history[i].messages);
    }
    if (f->opts.media) fake_media_remove(f->opts.media, f->media_dir);
    pthread_mutex_destroy(&f->lock);
    free(f);
}
