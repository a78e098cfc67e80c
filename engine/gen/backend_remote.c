/* The `remote` backend: a client of docs/protocol.md on its own service
 * thread. Scenes go out as the owner submits them; frames stream into the
 * sink as they arrive. The connection is kept up with backoff, and every
 * change of the server's state goes to the sink (mz_gen_sink_health), which
 * is how the front knows to fall back. Nothing here ever blocks the owner:
 * submit and cancel only leave a note for the service thread. */
#include "mz_error.h"
#include "mz_gen_backends.h"
#include "mz_gen_proto.h"
#include "mz_log.h"
#include "ws_client.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A scene as sent: the message, and the front's job for its conditioning
 * frames. */
typedef struct scene {
    mz_gen_proto_msg msg;
    mz_gen_job *job;
} scene;

typedef struct remote {
    mz_gen_sink *sink;
    bool realtime;                  /* the front's pace, asked of the server */
    mz_gen_proto_encoding encoding; /* asked of the server: ?encoding= in the URI */
    char uri[256];
    mz_gen_ws_client *ws;
    atomic_bool quit;

    /* Owner -> service thread, under lock. */
    pthread_mutex_t lock;
    scene *want; /* a newer scene to send */
    bool want_cancel;

    /* Service thread only. */
    mz_gen_wire *wire; /* the link's, while it is up */
    bool ready;        /* the server said welcome on this link */
    int server_minor;  /* the protocol minor version its welcome named */
    scene *current;    /* the scene in flight; resent after a reconnect */
    bool current_done; /* the server said done: nothing to resend */
    uint8_t *pixels; /* decoded frame */
    size_t pixels_cap;
    bool healthy;
    bool idle_closed; /* the server closed an idle connection: not a fault */
    char last_why[768];
} remote;

static void scene_free(scene *s)
{
    if (!s) return;
    mz_gen_job_release(s->job);
    free(s);
}

static bool remote_accepts(const char *uri)
{
    return uri && !strncmp(uri, "ws://", 5);
}

/* Reports a change of the server's state once, not on every event. */
static void set_health(remote *r, bool healthy, const char *why)
{
    if (atomic_load(&r->quit)) return;
    if (r->healthy == healthy && !strcmp(r->last_why, why)) return;
    r->healthy = healthy;
    snprintf(r->last_why, sizeof r->last_why, "%s", why);
    mz_gen_sink_health(r->sink, healthy, why);
}

static bool send_msg(remote *r, const mz_gen_proto_msg *m)
{
    size_t len;
    char *text = mz_gen_proto_encode(m, &len);
    bool ok = text && mz_gen_wire_send_text(r->wire, text, len);
    free(text);
    return ok;
}

static bool send_scene(remote *r)
{
    scene *s = r->current;
    /* A 1.0 server refuses `transition` as an object: it gets the seconds
     * the steps last (the job's transition_s), and ignores `prompts`. */
    int steps = s->msg.transition_steps;
    if (r->server_minor < 1) s->msg.transition_steps = 0;
    bool sent = send_msg(r, &s->msg);
    s->msg.transition_steps = steps;
    if (!sent) return false;
    for (int i = 0; i < s->msg.conditioning; i++) {
        const mz_frame *c = &s->job->cond[i];
        size_t payload = (size_t)c->width * c->height * 4;
        uint8_t *msg = mz_gen_wire_send_binary(r->wire, MZ_GEN_PROTO_HEADER_SIZE + payload);
        if (!msg) return false;
        mz_gen_proto_frame h = {.scene_id = s->msg.id,
                                .index = (uint32_t)i,
                                .conditioning = true,
                                .width = c->width,
                                .height = c->height,
                                .encoding = MZ_GEN_PROTO_RAW,
                                .payload_size = payload};
        mz_gen_proto_frame_header(&h, msg);
        memcpy(msg + MZ_GEN_PROTO_HEADER_SIZE, c->rgba, payload);
    }
    return true;
}

/* The link is gone (or never came): report it; the client retries. */
static void link_down(mz_gen_ws_client *ws, void *user, const char *why, int retry_ms)
{
    (void)ws;
    remote *r = user;
    r->wire = NULL;
    r->ready = false;
    if (r->idle_closed) {
        /* Nothing was in flight: come back quietly, without a fallback. */
        r->idle_closed = false;
        mz_log_info("remote: %s closed an idle connection; reconnecting", r->uri);
        return;
    }
    char what[768];
    snprintf(what, sizeof what, "%s: %s", r->uri, why);
    if (r->healthy || strcmp(r->last_why, what))
        mz_log_warn("remote: %s (retrying in %d ms)", what, retry_ms);
    set_health(r, false, what);
}

/* Takes what the owner left: a new scene or a cancel. */
static void take_requests(mz_gen_ws_client *ws, void *user)
{
    (void)ws;
    remote *r = user;
    pthread_mutex_lock(&r->lock);
    scene *want = r->want;
    bool cancel = r->want_cancel;
    r->want = NULL;
    r->want_cancel = false;
    pthread_mutex_unlock(&r->lock);
    if (cancel && r->current && !want) {
        if (r->ready)
            send_msg(r, &(mz_gen_proto_msg){.type = MZ_GEN_PROTO_CANCEL, .id = r->current->msg.id});
        r->current_done = true;
    }
    if (want) {
        scene_free(r->current);
        r->current = want;
        r->current_done = false;
        if (r->ready && !send_scene(r)) mz_log_error("remote: cannot queue a scene: out of memory");
    }
}

/* A protocol error of the server: drop the connection and say why.
 * Returns false, for the message callback to return. */
static bool refuse(mz_gen_ws_client *ws, mz_gen_proto_status code, const char *what)
{
    char why[768];
    snprintf(why, sizeof why, "%s from the server (%s): %s", what, mz_gen_proto_status_code(code),
             mz_error());
    mz_gen_ws_client_drop(ws,
                          code == MZ_GEN_PROTO_TOO_LARGE ? LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE
                                                         : LWS_CLOSE_STATUS_PROTOCOL_ERR,
                          why);
    return false;
}

static bool on_text(remote *r, mz_gen_ws_client *ws, const char *text, size_t len)
{
    mz_gen_proto_msg *m = malloc(sizeof *m);
    if (!m) return false;
    bool rc = true;
    mz_gen_proto_status s = mz_gen_proto_decode(text, len, m);
    if (s != MZ_GEN_PROTO_OK) {
        rc = refuse(ws, s, "bad message");
    } else if (!r->ready) {
        if (m->type != MZ_GEN_PROTO_WELCOME) {
            mz_fail("'%s' before welcome", m->type == MZ_GEN_PROTO_ERROR ? m->message : "message");
            rc = refuse(ws, m->type == MZ_GEN_PROTO_ERROR ? m->code : MZ_GEN_PROTO_BAD_MESSAGE,
                        "refused");
        } else {
            r->ready = true;
            r->server_minor = m->minor;
            mz_gen_ws_client_reset_backoff(ws);
            mz_log_info("remote: connected to %s (%s, backend %s)", r->uri, m->peer, m->backend);
            char what[128];
            snprintf(what, sizeof what, "%s, backend %s", m->peer, m->backend);
            mz_gen_sink_describe(r->sink, what);
            char why[768];
            snprintf(why, sizeof why, "connected to %s", r->uri);
            set_health(r, true, why);
            if (r->current && !r->current_done && !send_scene(r)) rc = false;
        }
    } else if (m->type == MZ_GEN_PROTO_DONE) {
        if (r->current && m->id == r->current->msg.id) r->current_done = true;
    } else if (m->type == MZ_GEN_PROTO_ERROR && m->code == MZ_GEN_PROTO_TIMEOUT) {
        r->idle_closed = true;
    } else if (m->type == MZ_GEN_PROTO_ERROR) {
        char why[768];
        snprintf(why, sizeof why, "%s: server error %s: %s", r->uri,
                 mz_gen_proto_status_code(m->code), m->message);
        mz_log_warn("remote: %s", why);
        /* A scene the server cannot make is as bad as no server: fall back
         * until a frame comes again. */
        set_health(r, false, why);
        if (m->fatal) {
            mz_fail("%s", m->message);
            rc = refuse(ws, m->code, "fatal error");
        }
    }
    /* accepted, progress: nothing to do; frames are what count. */
    free(m);
    return rc;
}

static bool on_binary(remote *r, mz_gen_ws_client *ws, const uint8_t *data, size_t len)
{
    mz_gen_proto_frame f;
    mz_gen_proto_status s = mz_gen_proto_frame_parse(data, len, MZ_GEN_PROTO_MAX_FRAME_BYTES, &f);
    if (s != MZ_GEN_PROTO_OK) return refuse(ws, s, "bad frame");
    if (!r->current || f.scene_id != r->current->msg.id || f.conditioning)
        return true; /* a superseded scene's frame still in flight */
    size_t need = (size_t)f.width * f.height * 4;
    if (need > r->pixels_cap) {
        free(r->pixels);
        r->pixels = malloc(need);
        r->pixels_cap = r->pixels ? need : 0;
        if (!r->pixels) return false;
    }
    s = mz_gen_proto_frame_pixels(&f, r->pixels);
    if (s != MZ_GEN_PROTO_OK) return refuse(ws, s, "undecodable frame");
    char why[768];
    snprintf(why, sizeof why, "connected to %s", r->uri);
    set_health(r, true, why);
    mz_frame out = {.scene_id = f.scene_id,
                    .index = f.index,
                    .time_s = (double)f.time_us / 1e6,
                    .width = f.width,
                    .height = f.height,
                    .transitional = f.transitional,
                    .rgba = r->pixels};
    if (!mz_gen_sink_push(r->sink, &out) && r->ready && !r->current_done) {
        /* The front has moved on (superseded or cancelled): stop the server. */
        r->current_done = true;
        send_msg(r, &(mz_gen_proto_msg){.type = MZ_GEN_PROTO_CANCEL, .id = f.scene_id});
    }
    return true;
}

static bool on_message(mz_gen_ws_client *ws, void *user, const uint8_t *data, size_t len,
                       bool binary)
{
    remote *r = user;
    return binary ? on_binary(r, ws, data, len) : on_text(r, ws, (const char *)data, len);
}

static bool link_up(mz_gen_ws_client *ws, void *user)
{
    remote *r = user;
    r->wire = mz_gen_ws_client_wire(ws);
    r->ready = false;
    mz_gen_proto_msg hello = {.type = MZ_GEN_PROTO_HELLO,
                              .version = MZ_GEN_PROTO_VERSION,
                              .minor = MZ_GEN_PROTO_MINOR,
                              .encodings = MZ_GEN_PROTO_ENC_BIT(MZ_GEN_PROTO_RAW) |
                                           MZ_GEN_PROTO_ENC_BIT(MZ_GEN_PROTO_PNG) |
                                           MZ_GEN_PROTO_ENC_BIT(MZ_GEN_PROTO_JPEG),
                              .max_frame_bytes = MZ_GEN_PROTO_MAX_FRAME_BYTES};
    snprintf(hello.peer, sizeof hello.peer, "maze");
    return send_msg(r, &hello);
}

static void remote_close(void *self);

static void *remote_open(const mz_gen_desc *desc, mz_gen_sink *sink)
{
    remote *r = calloc(1, sizeof *r);
    if (!r) {
        mz_fail("remote: out of memory");
        return NULL;
    }
    r->sink = sink;
    r->realtime = desc->realtime;
    atomic_init(&r->quit, false);
    pthread_mutex_init(&r->lock, NULL);
    char parse[256];
    snprintf(parse, sizeof parse, "%s", desc->uri);
    /* ws://host:port[/path][?encoding=raw|png|jpeg][&token=TOKEN]. The URI
     * as logged and reported leaves the token out. */
    char *query = strchr(parse, '?');
    snprintf(r->uri, sizeof r->uri, "%.*s", query ? (int)(query - parse) : 255, parse);
    char token[160] = "";
    for (char *opt = query ? query + 1 : NULL, *next; opt; opt = next) {
        next = strchr(opt, '&');
        if (next) *next++ = 0;
        char name[16] = "";
        bool ok = false;
        if (!strncmp(opt, "encoding=", 9))
            ok = sscanf(opt + 9, "%15[a-z]", name) == 1 && !strcmp(name, opt + 9) &&
                 mz_gen_proto_encoding_of(name, &r->encoding);
        else if (!strncmp(opt, "token=", 6))
            ok = opt[6] && strlen(opt + 6) < sizeof token &&
                 snprintf(token, sizeof token, "%s", opt + 6) > 0;
        if (!ok) {
            mz_fail("remote: '%s': options are ?encoding=raw|png|jpeg and &token=TOKEN", r->uri);
            remote_close(r);
            return NULL;
        }
    }
    if (query) *query = 0;
    const char *scheme, *host, *path;
    int port;
    if (lws_parse_uri(parse, &scheme, &host, &port, &path) || !*host) {
        mz_fail("remote: cannot parse '%s' (want ws://host:port)", desc->uri);
        remote_close(r);
        return NULL;
    }
    char full_path[320];
    snprintf(full_path, sizeof full_path, "/%s%s%s", path, token[0] ? "?token=" : "", token);
    r->ws = mz_gen_ws_client_open(&(mz_gen_ws_client_desc){
        .host = host,
        .port = port,
        .path = full_path,
        .subprotocol = MZ_GEN_PROTO_SUBPROTOCOL,
        .max_text = MZ_GEN_PROTO_MAX_TEXT,
        .max_binary = MZ_GEN_PROTO_MAX_MESSAGE,
        .user = r,
        .up = link_up,
        .message = on_message,
        .down = link_down,
        .wake = take_requests,
    });
    if (!r->ws) {
        mz_fail_context("remote");
        remote_close(r);
        return NULL;
    }
    return r;
}

static bool remote_submit(void *self, mz_gen_job *job)
{
    remote *r = self;
    const mz_scene_request *req = &job->req;
    scene *s = calloc(1, sizeof *s);
    if (!s) {
        mz_gen_job_release(job);
        return mz_fail("remote: out of memory");
    }
    s->job = job;
    mz_gen_proto_msg *m = &s->msg;
    m->type = MZ_GEN_PROTO_SCENE;
    m->id = req->id;
    snprintf(m->prompt, sizeof m->prompt, "%s", req->prompt);
    snprintf(m->negative, sizeof m->negative, "%s", req->negative ? req->negative : "");
    m->seed = req->seed;
    m->width = req->width;
    m->height = req->height;
    m->fps = req->fps;
    m->duration = req->duration_s;
    m->transition = req->transition_s;
    m->transition_steps = (int)req->transition_steps;
    m->transition_method = (mz_gen_proto_interp)req->transition_method;
    /* The job's prompts fit: at most MZ_GEN_MAX_PROMPTS, checked at submit. */
    for (size_t i = 0; i < req->prompt_count; i++) {
        mz_gen_proto_prompt *p = &m->prompts[m->prompt_count++];
        snprintf(p->text, sizeof p->text, "%s", req->prompts[i].text);
        p->weight = req->prompts[i].weight;
    }
    m->realtime = r->realtime;
    m->encoding = r->encoding;
    for (size_t i = 0; i < req->tag_count && m->tag_count < MZ_GEN_PROTO_MAX_TAGS; i++)
        snprintf(m->tags[m->tag_count++], MZ_GEN_PROTO_MAX_TAG, "%s", req->tags[i]);
    /* The job keeps the newest frames, as many as the protocol carries. */
    _Static_assert(MZ_GEN_MAX_PROMPTS <= MZ_GEN_PROTO_MAX_PROMPTS &&
                       MZ_GEN_MAX_TRANSITION_STEPS <= MZ_GEN_PROTO_MAX_STEPS &&
                       (int)MZ_TRANSITION_SLERP == (int)MZ_GEN_PROTO_SLERP,
                   "a scene message carries every request's prompts and transition");
    _Static_assert(MZ_GEN_MAX_CONDITIONING <= MZ_GEN_PROTO_MAX_CONDITIONING,
                   "a scene message carries every conditioning frame of a job");
    m->conditioning = (int)job->cond_count;
    pthread_mutex_lock(&r->lock);
    scene_free(r->want);
    r->want = s;
    r->want_cancel = false;
    pthread_mutex_unlock(&r->lock);
    mz_gen_ws_client_wake(r->ws);
    return true;
}

static void remote_cancel(void *self)
{
    remote *r = self;
    pthread_mutex_lock(&r->lock);
    scene_free(r->want);
    r->want = NULL;
    r->want_cancel = true;
    pthread_mutex_unlock(&r->lock);
    mz_gen_ws_client_wake(r->ws);
}

static void remote_close(void *self)
{
    remote *r = self;
    atomic_store(&r->quit, true);
    mz_gen_ws_client_close(r->ws);
    scene_free(r->want);
    scene_free(r->current);
    free(r->pixels);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

const mz_gen_backend mz_gen_remote_backend = {
    .version = MZ_GEN_BACKEND_VERSION,
    .name = "remote",
    .accepts = remote_accepts,
    .open = remote_open,
    .submit = remote_submit,
    .cancel = remote_cancel,
    .close = remote_close,
    .remote = true,
};
