/* A small fake ComfyUI for tests: the real message shapes of its HTTP and
 * WebSocket API, with canned images instead of a model.
 *   POST /upload/image (multipart)  -> {"name", "subfolder", "type"}
 *   POST /prompt {prompt, client_id} -> {"prompt_id", "number"}, then on
 *        /ws?clientId=: status, execution_start, executing, 3 x (progress +
 *        binary PREVIEW_IMAGE, PNG), executed {output: {images}}, executing
 *        {node: null}
 *   GET /view?filename=&subfolder=&type= -> the PNG
 * Solid colours make frames recognisable: previews green, outputs red then
 * blue, all at sizes other than the scene's (the adapter scales). */
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

#define STEP_US 30000
#define MAX_BODY (8 << 20)

typedef struct session {
    bool is_ws;
    char path[128];
    uint8_t *body;
    size_t len;
} session;

struct fake_comfy {
    fake_loop loop;
    bool fail;
    pthread_mutex_t lock;
    fake_comfy_log log;
    /* Service thread only. */
    struct lws *ws;
    mz_gen_wire wire;
    lws_sorted_usec_list_t step_timer;
    int step; /* of the running prompt; -1 none */
    int prompt_number;
    char prompt_id[32];
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

static void ws_json(fake_comfy *f, const char *fmt, const char *a, const char *b)
{
    if (!f->ws) return;
    char text[512];
    int n = snprintf(text, sizeof text, fmt, a, b);
    mz_gen_wire_send_text(&f->wire, text, (size_t)n);
}

static void ws_preview(fake_comfy *f)
{
    if (!f->ws) return;
    uint8_t *png;
    size_t len;
    solid_png(0, 200, 0, 32, 18, &png, &len);
    uint8_t *msg = mz_gen_wire_send_binary(&f->wire, 8 + len);
    /* Big-endian event type 1 (PREVIEW_IMAGE), then format 2 (PNG). */
    static const uint8_t head[8] = {0, 0, 0, 1, 0, 0, 0, 2};
    memcpy(msg, head, 8);
    memcpy(msg + 8, png, len);
    free(png);
}

/* One step of the fake execution every STEP_US. */
static void on_step(lws_sorted_usec_list_t *sul)
{
    fake_comfy *f = lws_container_of(sul, fake_comfy, step_timer);
    const char *id = f->prompt_id;
    char value[16];
    int s = f->step++;
    if (s == 0) {
        ws_json(f, "{\"type\":\"execution_start\",\"data\":{\"prompt_id\":\"%s\"%s}}", id, "");
    } else if (s == 1) {
        ws_json(f, "{\"type\":\"executing\",\"data\":{\"node\":\"3\",\"prompt_id\":\"%s\"%s}}", id,
                "");
    } else if (s <= 4) {
        snprintf(value, sizeof value, "%d", s - 1);
        ws_json(f,
                "{\"type\":\"progress\",\"data\":{\"value\":%s,\"max\":3,\"prompt_id\":\"%s\","
                "\"node\":\"3\"}}",
                value, id);
        ws_preview(f);
    } else if (s == 5 && f->fail) {
        ws_json(f,
                "{\"type\":\"execution_error\",\"data\":{\"prompt_id\":\"%s\",\"node_id\":\"3\","
                "\"exception_message\":\"CUDA out of memory%s\"}}",
                id, "");
        f->step = -1;
        return;
    } else if (s == 5) {
        ws_json(f,
                "{\"type\":\"executed\",\"data\":{\"node\":\"9\",\"prompt_id\":\"%s\","
                "\"output\":{\"images\":[{\"filename\":\"maze_00001_.png\",\"subfolder\":\"\","
                "\"type\":\"output\"},{\"filename\":\"maze 00002_.png\",\"subfolder\":\"%s\","
                "\"type\":\"output\"}]}}}",
                id, "clips");
    } else {
        ws_json(f, "{\"type\":\"executing\",\"data\":{\"node\":null,\"prompt_id\":\"%s\"%s}}", id,
                "");
        f->step = -1;
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
    pthread_mutex_lock(&f->lock);
    f->log.uploads++;
    f->log.upload_w = w;
    f->log.upload_h = h;
    memcpy(f->log.upload_pixel, rgba, 4);
    pthread_mutex_unlock(&f->lock);
    free(rgba);
    return respond_json(wsi, 200,
                        "{\"name\":\"maze_up.png\",\"subfolder\":\"\",\"type\":\"input\"}");
}

static int on_prompt(fake_comfy *f, struct lws *wsi, session *s)
{
    cJSON *req = s->body ? cJSON_ParseWithLength((const char *)s->body, s->len) : NULL;
    const cJSON *wf = cJSON_GetObjectItemCaseSensitive(req, "prompt");
    const cJSON *cid = cJSON_GetObjectItemCaseSensitive(req, "client_id");
    if (!cJSON_IsObject(wf) || !cJSON_IsString(cid)) {
        cJSON_Delete(req);
        return respond_json(wsi, 400, "{\"error\":{\"type\":\"invalid_prompt\"}}");
    }
    char *text = cJSON_PrintUnformatted(wf);
    pthread_mutex_lock(&f->lock);
    f->log.prompts++;
    snprintf(f->log.workflow, sizeof f->log.workflow, "%s", text);
    snprintf(f->log.client_id, sizeof f->log.client_id, "%s", cid->valuestring);
    pthread_mutex_unlock(&f->lock);
    free(text);
    cJSON_Delete(req);
    snprintf(f->prompt_id, sizeof f->prompt_id, "p-%d", ++f->prompt_number);
    f->step = 0;
    lws_sul_schedule(f->loop.ctx, 0, &f->step_timer, on_step, STEP_US);
    char reply[128];
    snprintf(reply, sizeof reply, "{\"prompt_id\":\"%s\",\"number\":%d,\"node_errors\":{}}",
             f->prompt_id, f->prompt_number);
    return respond_json(wsi, 200, reply);
}

/* lws_get_urlarg_by_name leaves "name=value" in the buffer and returns
 * where the value starts. */
static void url_arg(struct lws *wsi, const char *name, char *out, size_t cap)
{
    char buf[256];
    const char *v = lws_get_urlarg_by_name(wsi, name, buf, sizeof buf);
    snprintf(out, cap, "%s", v ? v : "");
}

static int on_view(fake_comfy *f, struct lws *wsi)
{
    char name[128], sub[64], type[32];
    url_arg(wsi, "filename=", name, sizeof name);
    url_arg(wsi, "subfolder=", sub, sizeof sub);
    url_arg(wsi, "type=", type, sizeof type);
    pthread_mutex_lock(&f->lock);
    f->log.views++;
    pthread_mutex_unlock(&f->lock);
    bool first = !strcmp(name, "maze_00001_.png") && !sub[0];
    bool second = !strcmp(name, "maze 00002_.png") && !strcmp(sub, "clips");
    if (strcmp(type, "output") || (!first && !second)) return respond_json(wsi, 404, "{}");
    uint8_t *png;
    size_t len;
    solid_png(first ? 220 : 0, 0, first ? 0 : 220, 64, 48, &png, &len);
    int rc = respond(wsi, 200, "image/png", png, len);
    free(png);
    return rc;
}

static int on_event(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    session *s = user;
    fake_comfy *f = lws_context_user(lws_get_context(wsi));
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        snprintf(s->path, sizeof s->path, "%s", (const char *)in);
        if (lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI)) return 0; /* the body follows */
        if (!strcmp(s->path, "/view")) return on_view(f, wsi);
        return respond_json(wsi, 404, "{}");
    case LWS_CALLBACK_HTTP_BODY:
        if (s->len + len > MAX_BODY) return -1;
        s->body = realloc(s->body, s->len + len + 1);
        memcpy(s->body + s->len, in, len);
        s->len += len;
        return 0;
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        if (!strcmp(s->path, "/upload/image")) return on_upload(f, wsi, s);
        if (!strcmp(s->path, "/prompt")) return on_prompt(f, wsi, s);
        return respond_json(wsi, 404, "{}");
    case LWS_CALLBACK_ESTABLISHED: {
        s->is_ws = true;
        char cid[64];
        url_arg(wsi, "clientId=", cid, sizeof cid);
        pthread_mutex_lock(&f->lock);
        f->log.ws_connections++;
        snprintf(f->log.ws_client_id, sizeof f->log.ws_client_id, "%s", cid);
        pthread_mutex_unlock(&f->lock);
        mz_gen_wire_reset(&f->wire);
        mz_gen_wire_init(&f->wire, wsi, 4096, 4096);
        f->ws = wsi;
        ws_json(f,
                "{\"type\":\"status\",\"data\":{\"status\":{\"exec_info\":{\"queue_remaining\":0}},"
                "\"sid\":\"%s\"%s}}",
                cid, "");
        return 0;
    }
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return wsi == f->ws && !mz_gen_wire_writeable(&f->wire) ? -1 : 0;
    case LWS_CALLBACK_CLOSED:
        if (wsi == f->ws) {
            f->ws = NULL;
            mz_gen_wire_reset(&f->wire);
            f->wire.wsi = NULL;
        }
        return 0;
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
    case LWS_CALLBACK_CLOSED_HTTP:
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

fake_comfy *fake_comfy_start(bool fail)
{
    fake_comfy *f = calloc(1, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    f->fail = fail;
    f->step = -1;
    if (!fake_loop_start(&f->loop, protocols, f)) {
        free(f);
        return NULL;
    }
    return f;
}

int fake_comfy_port(const fake_comfy *f)
{
    return f->loop.port;
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
    fake_loop_close(&f->loop);
    mz_gen_wire_reset(&f->wire);
    pthread_mutex_destroy(&f->lock);
    free(f);
}
