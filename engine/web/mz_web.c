/* mz_web — see mz_web.h. One lws protocol handles both HTTP and WebSocket
 * traffic, so a browser's `new WebSocket(url)` (no subprotocol) lands here
 * as well as fetch(). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "mz_web.h"

#include "mz_buf.h"

#include "mz_error.h"
#include "mz_log.h"
#include "mz_token.h"

#include <libwebsockets.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    MAX_ROUTES = 64,
    MAX_ENDPOINTS = 8,
    MAX_URL = 256,
    MAX_TOKEN = 128,
    MIN_TOKEN = 16,
    MAX_HEADERS = 4,
    CHUNK = 16 * 1024,
};

typedef struct route {
    char method[8];
    char path[MAX_URL];
    bool needs_token;
    mz_web_handler fn;
    void *user;
} route;

typedef struct endpoint {
    char path[MAX_URL];
    bool needs_token;
    mz_web_ws_callbacks cb;
} endpoint;

/* One outgoing WebSocket message, shared by every queue it is on (a
 * broadcast is one copy); refs is guarded by mz_web.mu. */
typedef struct msg {
    int refs;
    bool binary;
    size_t len;
    unsigned char data[]; /* LWS_PRE bytes for lws's framing, then len */
} msg;

typedef struct qnode {
    struct qnode *next;
    msg *m;
} qnode;

/* A WebSocket connection. The list and the queue fields are guarded by
 * mz_web.mu (other threads send); the receive buffer is the service
 * thread's alone. */
typedef struct conn {
    struct conn *next;
    uint64_t id;
    struct lws *wsi;
    const endpoint *ep;
    qnode *head, *tail;
    int queued;
    bool want_write; /* ask lws for WRITEABLE at the next wake */
    bool closing;    /* close once the queue is written… */
    bool drop_queue; /* …or at once, dropping the queue */
    bool stalled;    /* not reading: dropped without a close frame */
    enum lws_close_status close_code;
    const char *close_why;
    mz_buf in;
    bool in_binary, in_over;
} conn;

struct mz_web_response {
    int status;
    char content_type[64];
    mz_buf body;
    int n_headers;
    char header_name[MAX_HEADERS][48];
    char header_value[MAX_HEADERS][400];
};

/* Per lws connection: a WebSocket's conn, or the HTTP transaction. */
typedef struct pss {
    conn *c;
    const route *route;
    mz_web_request req;
    char method[8], path[MAX_URL], ip[64];
    char *query, *cookie, *ctype;
    mz_buf body;
    bool body_over;
    bool responding, close_after;
    bool head; /* HEAD: a GET's headers, no body */
    mz_web_response resp;
    size_t sent;
} pss;

struct mz_web {
    struct lws_context *ctx;
    int port;
    char token[MAX_TOKEN + 1];
    char static_dir[PATH_MAX];
    size_t max_body, max_ws_message;
    int max_ws, max_ws_queue;
    route routes[MAX_ROUTES];
    int n_routes;
    endpoint endpoints[MAX_ENDPOINTS];
    int n_endpoints;
    pthread_t thread;
    bool started;
    atomic_bool stop;
    pthread_mutex_t mu;
    conn *conns; /* under mu */
    int n_conns; /* under mu */
    uint64_t next_id;
};

/* ---- responses ---------------------------------------------------------- */

void mz_web_status(mz_web_response *resp, int status, const char *content_type)
{
    resp->status = status;
    if (content_type) snprintf(resp->content_type, sizeof resp->content_type, "%s", content_type);
}

bool mz_web_write(mz_web_response *resp, const void *data, size_t len)
{
    return mz_buf_put(&resp->body, data, len);
}

bool mz_web_printf(mz_web_response *resp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bool ok = mz_buf_vprintf(&resp->body, fmt, ap);
    va_end(ap);
    return ok;
}

bool mz_web_header(mz_web_response *resp, const char *name, const char *value)
{
    if (resp->n_headers == MAX_HEADERS || strlen(name) >= sizeof resp->header_name[0] ||
        strlen(value) >= sizeof resp->header_value[0] || strpbrk(value, "\r\n"))
        return false;
    snprintf(resp->header_name[resp->n_headers], sizeof resp->header_name[0], "%s", name);
    snprintf(resp->header_value[resp->n_headers], sizeof resp->header_value[0], "%s", value);
    resp->n_headers++;
    return true;
}

bool mz_web_write_json_string(mz_web_response *resp, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') {
            char esc[2] = {'\\', (char)ch};
            if (!mz_web_write(resp, esc, 2)) return false;
        } else if (ch < 0x20 || ch == 0x7f) {
            if (!mz_web_printf(resp, "\\u%04x", ch)) return false;
        } else if (!mz_web_write(resp, s, 1)) {
            return false;
        }
    }
    return true;
}

void mz_web_error(mz_web_response *resp, int status, const char *message)
{
    mz_buf_clear(&resp->body);
    mz_web_status(resp, status, "application/json");
    mz_web_write(resp, "{\"error\":\"", 10);
    mz_web_write_json_string(resp, message);
    mz_web_write(resp, "\"}\n", 3);
}

/* ---- request fields ----------------------------------------------------- */

/* name=value in a list separated by sep (spaces after a separator are
 * skipped, as in a Cookie header). */
static bool find_param(const char *list, char sep, const char *name, char *out, size_t cap)
{
    size_t nl = strlen(name);
    const char *p = list;
    while (*p) {
        while (*p == ' ')
            p++;
        const char *end = strchr(p, sep);
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len > nl && !strncmp(p, name, nl) && p[nl] == '=') {
            size_t vl = len - nl - 1;
            if (vl >= cap) return false;
            memcpy(out, p + nl + 1, vl);
            out[vl] = 0;
            return true;
        }
        if (!end) break;
        p = end + 1;
    }
    return false;
}

bool mz_web_query(const mz_web_request *req, const char *name, char *out, size_t cap)
{
    return find_param(req->query, '&', name, out, cap);
}

bool mz_web_cookie(const mz_web_request *req, const char *name, char *out, size_t cap)
{
    return find_param(req->cookie, ';', name, out, cap);
}

/* A header's value, malloc'd ("" when absent); NULL when out of memory. */
static char *header_dup(struct lws *wsi, enum lws_token_indexes t)
{
    int len = lws_hdr_total_length(wsi, t);
    char *s = malloc((size_t)(len > 0 ? len : 0) + 1);
    if (!s) return NULL;
    s[0] = 0;
    if (len > 0 && lws_hdr_copy(wsi, s, len + 1, t) < 0) s[0] = 0;
    return s;
}

/* The query's fragments (lws splits them at '&' and decodes each) joined
 * again by '&'. */
static char *query_dup(struct lws *wsi)
{
    int total = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_URI_ARGS);
    size_t cap = (size_t)(total > 0 ? total : 0) + 64;
    char *s = calloc(1, cap);
    if (!s) return NULL;
    size_t len = 0;
    for (int i = 0;; i++) {
        int n = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, i);
        if (n <= 0 || len + (size_t)n + 2 > cap) break;
        if (len) s[len++] = '&';
        if (lws_hdr_copy_fragment(wsi, s + len, (int)(cap - len), WSI_TOKEN_HTTP_URI_ARGS, i) < 0)
            break;
        len += strlen(s + len);
    }
    s[len] = 0;
    return s;
}

static bool has_token(const mz_web *w, struct lws *wsi, const char *query, const char *cookie)
{
    char given[MAX_TOKEN + 16];
    bool ok = false;
    char *auth = header_dup(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
    if (auth && !strncmp(auth, "Bearer ", 7)) ok = mz_token_equal(auth + 7, w->token);
    free(auth);
    if (!ok && find_param(cookie, ';', "mz_token", given, sizeof given))
        ok = mz_token_equal(given, w->token);
    if (!ok && find_param(query, '&', "token", given, sizeof given))
        ok = mz_token_equal(given, w->token);
    return ok;
}

/* Fills p->req from the connection's headers. false: out of memory. */
static bool read_request(mz_web *w, struct lws *wsi, pss *p, const char *path)
{
    snprintf(p->path, sizeof p->path, "%s", path);
    p->query = query_dup(wsi);
    p->cookie = header_dup(wsi, WSI_TOKEN_HTTP_COOKIE);
    p->ctype = header_dup(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE);
    lws_get_peer_simple(wsi, p->ip, sizeof p->ip);
    if (!p->query || !p->cookie || !p->ctype) return false;
    p->req = (mz_web_request){
        .method = p->method,
        .path = p->path,
        .query = p->query,
        .cookie = p->cookie,
        .client_ip = p->ip,
        .content_type = p->ctype,
        .body = "",
        .authorized = has_token(w, wsi, p->query, p->cookie),
    };
    return true;
}

static void pss_reset(pss *p)
{
    free(p->query);
    free(p->cookie);
    free(p->ctype);
    mz_buf_free(&p->body);
    mz_buf_free(&p->resp.body);
    conn *c = p->c;
    memset(p, 0, sizeof *p);
    p->c = c;
    p->resp.status = 200;
    snprintf(p->resp.content_type, sizeof p->resp.content_type, "application/json");
}

/* ---- HTTP answers ------------------------------------------------------- */

/* Sends p->resp's headers; its body follows from HTTP_WRITEABLE. Returns
 * what the lws callback returns. */
static int respond(struct lws *wsi, pss *p)
{
    mz_web_response *r = &p->resp;
    if (r->body.failed) mz_web_error(r, 500, "out of memory");
    unsigned char buf[LWS_PRE + 4096], *start = buf + LWS_PRE, *ptr = start,
                                       *end = buf + sizeof buf - 1;
    if (lws_add_http_common_headers(wsi, (unsigned)r->status, r->content_type, r->body.len, &ptr, end) ||
        lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:",
                                    (const unsigned char *)"no-store", 8, &ptr, end) ||
        lws_add_http_header_by_name(wsi, (const unsigned char *)"x-content-type-options:",
                                    (const unsigned char *)"nosniff", 7, &ptr, end))
        return -1;
    if (r->status == 401 &&
        lws_add_http_header_by_name(wsi, (const unsigned char *)"www-authenticate:",
                                    (const unsigned char *)"Bearer realm=\"maze\"", 19, &ptr, end))
        return -1;
    for (int i = 0; i < r->n_headers; i++) {
        char name[sizeof r->header_name[0] + 1];
        snprintf(name, sizeof name, "%s:", r->header_name[i]);
        if (lws_add_http_header_by_name(wsi, (const unsigned char *)name,
                                        (const unsigned char *)r->header_value[i],
                                        (int)strlen(r->header_value[i]), &ptr, end))
            return -1;
    }
    if (p->close_after && lws_add_http_header_by_name(wsi, (const unsigned char *)"connection:",
                                                      (const unsigned char *)"close", 5, &ptr, end))
        return -1;
    if (lws_finalize_write_http_header(wsi, start, &ptr, end)) return -1;
    p->responding = true;
    p->sent = 0;
    if (r->body.len == 0 || p->head)
        return p->close_after || lws_http_transaction_completed(wsi) ? -1 : 0;
    lws_callback_on_writable(wsi);
    return 0;
}

static int respond_error(struct lws *wsi, pss *p, int status, const char *message)
{
    mz_web_error(&p->resp, status, message);
    return respond(wsi, p);
}

static int write_body(struct lws *wsi, pss *p)
{
    if (!p->responding) return 0;
    mz_web_response *r = &p->resp;
    unsigned char buf[LWS_PRE + CHUNK];
    size_t n = r->body.len - p->sent < CHUNK ? r->body.len - p->sent : CHUNK;
    bool final = p->sent + n == r->body.len;
    memcpy(buf + LWS_PRE, r->body.data + p->sent, n);
    if (lws_write(wsi, buf + LWS_PRE, n, final ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) != (int)n)
        return -1;
    p->sent += n;
    if (!final) {
        lws_callback_on_writable(wsi);
        return 0;
    }
    p->responding = false;
    return p->close_after || lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int run_handler(struct lws *wsi, pss *p)
{
    p->req.body = p->body.data ? p->body.data : "";
    p->req.body_len = p->body.len;
    const route *r = p->route;
    p->route = NULL; /* once per request */
    r->fn(r->user, &p->req, &p->resp);
    return respond(wsi, p);
}

static const char *mime_type(const char *path)
{
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".txt", "text/plain; charset=utf-8"},
        {".webmanifest", "application/manifest+json"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(dot, types[i][0])) return types[i][1];
    return "application/octet-stream";
}

/* A file under static_dir. Paths are plain names: no "..", no hidden
 * files, no odd bytes, so nothing outside the folder can be named. */
static int serve_static(mz_web *w, struct lws *wsi, pss *p)
{
    const char *path = strcmp(p->path, "/") ? p->path : "/index.html";
    char file[PATH_MAX + MAX_URL];
    struct stat st;
    if (!w->static_dir[0] || path[0] != '/' || strstr(path, "/.") ||
        strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-") !=
            strlen(path) ||
        snprintf(file, sizeof file, "%s%s", w->static_dir, path) >= (int)sizeof file ||
        stat(file, &st) || !S_ISREG(st.st_mode))
        return respond_error(wsi, p, 404, "not found");
    /* No external resources, and pages are not framed by other sites. */
    static const char headers[] =
        "content-security-policy: default-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'self'\r\n"
        "x-content-type-options: nosniff\r\n"
        "referrer-policy: no-referrer\r\n"
        "cache-control: no-cache\r\n";
    int n = lws_serve_http_file(wsi, file, mime_type(file), headers, (int)sizeof headers - 1);
    return n < 0 || (n > 0 && lws_http_transaction_completed(wsi)) ? -1 : 0;
}

static const route *find_route(const mz_web *w, const char *path, bool *other_method,
                               const char *method)
{
    *other_method = false;
    for (int i = 0; i < w->n_routes; i++) {
        if (strcmp(w->routes[i].path, path)) continue;
        if (!strcmp(w->routes[i].method, method)) return &w->routes[i];
        *other_method = true;
    }
    return NULL;
}

static int on_http(mz_web *w, struct lws *wsi, pss *p, const char *path)
{
    pss_reset(p);
    bool is_get = lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0;
    bool is_post = lws_hdr_total_length(wsi, WSI_TOKEN_POST_URI) > 0;
    /* Uptime checkers often ask with HEAD: GET routes answer it. */
    p->head = lws_hdr_total_length(wsi, WSI_TOKEN_HEAD_URI) > 0;
    snprintf(p->method, sizeof p->method, "%s",
             is_get    ? "GET"
             : is_post ? "POST"
             : p->head ? "HEAD"
                       : "OTHER");
    if (!read_request(w, wsi, p, path)) return respond_error(wsi, p, 500, "out of memory");
    bool other_method;
    p->route = find_route(w, p->path, &other_method, p->head ? "GET" : p->method);
    if (!p->route) {
        if (other_method) return respond_error(wsi, p, 405, "method not allowed");
        if (is_get || p->head) return serve_static(w, wsi, p);
        return respond_error(wsi, p, 404, "not found");
    }
    if (p->route->needs_token && !p->req.authorized) {
        mz_log_warn("web: %s: %s %s: %s token", p->ip, p->method, p->path,
                    strstr(p->cookie, "mz_token=") || strstr(p->query, "token=") ||
                            lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION) > 0
                        ? "wrong"
                        : "no");
        p->route = NULL; /* a body that follows is dropped */
        p->close_after = is_post;
        return respond_error(wsi, p, 401, "this needs the operator token");
    }
    if (is_post) {
        char cl[32] = "";
        if (lws_hdr_copy(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0) {
            char *e;
            errno = 0;
            unsigned long long n = strtoull(cl, &e, 10);
            if (errno || *e || n > w->max_body) {
                p->route = NULL;
                p->close_after = true;
                char why[64];
                snprintf(why, sizeof why, "the body is over %zu bytes", w->max_body);
                return respond_error(wsi, p, 413, why);
            }
            /* With a Content-Length (even 0), lws calls BODY_COMPLETION
             * after the body: the handler runs then. */
            return 0;
        }
    }
    return run_handler(wsi, p);
}

static int on_body(mz_web *w, pss *p, const void *in, size_t len)
{
    if (!p->route || p->body_over || len == 0) return 0;
    if (p->body.len + len > w->max_body) {
        p->body_over = true;
        return 0;
    }
    return mz_buf_put(&p->body, in, len) ? 0 : -1;
}

static int on_body_done(mz_web *w, struct lws *wsi, pss *p)
{
    if (!p->route) return 0;
    if (p->body_over) {
        char why[64];
        snprintf(why, sizeof why, "the body is over %zu bytes", w->max_body);
        return respond_error(wsi, p, 413, why);
    }
    return run_handler(wsi, p);
}

/* ---- WebSocket ---------------------------------------------------------- */

static const endpoint *find_endpoint(const mz_web *w, const char *path)
{
    for (int i = 0; i < w->n_endpoints; i++)
        if (!strcmp(w->endpoints[i].path, path)) return &w->endpoints[i];
    return NULL;
}

/* Before the upgrade (no per-connection data yet): the endpoint must
 * exist, the token be right and there be room. >0 when refused with an
 * HTTP answer. */
static int confirm_upgrade(mz_web *w, struct lws *wsi)
{
    pss p = {0};
    char path[MAX_URL] = "";
    if (lws_hdr_copy(wsi, path, sizeof path, WSI_TOKEN_GET_URI) < 0) path[0] = 0;
    const endpoint *ep = find_endpoint(w, path);
    int status = 0;
    if (!ep) {
        status = 404;
    } else if (!read_request(w, wsi, &p, path)) {
        status = 500;
    } else if (ep->needs_token && !p.req.authorized) {
        mz_log_warn("web: %s: WebSocket %s refused: no or wrong token", p.ip, path);
        status = 401;
    } else {
        pthread_mutex_lock(&w->mu);
        if (w->n_conns >= w->max_ws) status = 503;
        pthread_mutex_unlock(&w->mu);
    }
    pss_reset(&p);
    if (!status) return 0;
    lws_return_http_status(wsi, (unsigned)status, NULL);
    return 1;
}

static void msg_unref(msg *m)
{
    if (--m->refs == 0) free(m);
}

/* Under w->mu. */
static bool enqueue(mz_web *w, conn *c, msg *m)
{
    if (c->closing || c->stalled) return false;
    if (c->queued >= w->max_ws_queue) {
        c->stalled = c->want_write = true;
        mz_log_warn("web: WebSocket %llu closed: over %d messages queued",
                    (unsigned long long)c->id, w->max_ws_queue);
        return false;
    }
    qnode *q = malloc(sizeof *q);
    if (!q) return false;
    q->next = NULL;
    q->m = m;
    m->refs++;
    if (c->tail)
        c->tail->next = q;
    else
        c->head = q;
    c->tail = q;
    c->queued++;
    c->want_write = true;
    return true;
}

static msg *msg_new(const void *data, size_t len, bool binary)
{
    msg *m = malloc(sizeof *m + LWS_PRE + len);
    if (!m) return NULL;
    m->refs = 1; /* the sender's, dropped once queued */
    m->binary = binary;
    m->len = len;
    memcpy(m->data + LWS_PRE, data, len);
    return m;
}

static conn *conn_find(mz_web *w, uint64_t id)
{
    for (conn *c = w->conns; c; c = c->next)
        if (c->id == id) return c;
    return NULL;
}

static void on_ws_open(mz_web *w, struct lws *wsi, pss *p)
{
    /* The handshake's headers are still there: the request on_open sees. */
    pss_reset(p);
    snprintf(p->method, sizeof p->method, "GET");
    conn *c = calloc(1, sizeof *c);
    if (!c) {
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        return;
    }
    char path[MAX_URL] = "";
    if (lws_hdr_copy(wsi, path, sizeof path, WSI_TOKEN_GET_URI) < 0) path[0] = 0;
    if (!read_request(w, wsi, p, path)) {
        free(c);
        lws_set_timeout(wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        return;
    }
    c->wsi = wsi;
    c->ep = find_endpoint(w, path);
    pthread_mutex_lock(&w->mu);
    c->id = ++w->next_id;
    c->next = w->conns;
    w->conns = c;
    w->n_conns++;
    pthread_mutex_unlock(&w->mu);
    p->c = c;
    if (c->ep && c->ep->cb.on_open) c->ep->cb.on_open(c->ep->cb.user, c->id, &p->req);
}

static void on_ws_closed(mz_web *w, pss *p)
{
    conn *c = p->c;
    if (!c) return;
    p->c = NULL;
    pthread_mutex_lock(&w->mu);
    for (conn **pp = &w->conns; *pp; pp = &(*pp)->next)
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    w->n_conns--;
    while (c->head) {
        qnode *q = c->head;
        c->head = q->next;
        msg_unref(q->m);
        free(q);
    }
    pthread_mutex_unlock(&w->mu);
    if (c->ep && c->ep->cb.on_close) c->ep->cb.on_close(c->ep->cb.user, c->id);
    mz_buf_free(&c->in);
    free(c);
}

/* Closes from WRITEABLE rather than by a nonzero return from RECEIVE:
 * lws 4.1 goes on parsing its buffer after such a return (see
 * engine/gen/wire.h). */
static void close_now(mz_web *w, conn *c, enum lws_close_status code, const char *why)
{
    c->in_over = true;
    pthread_mutex_lock(&w->mu);
    c->drop_queue = c->closing = true;
    c->close_code = code;
    c->close_why = why;
    pthread_mutex_unlock(&w->mu);
    lws_callback_on_writable(c->wsi);
}

static void on_ws_receive(mz_web *w, struct lws *wsi, conn *c, const void *in, size_t len)
{
    if (!c || c->in_over) return;
    if (lws_is_first_fragment(wsi)) {
        mz_buf_clear(&c->in);
        c->in_binary = lws_frame_is_binary(wsi);
    }
    if (c->in.len + len > w->max_ws_message) {
        close_now(w, c, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE, "message too large");
        return;
    }
    if (!mz_buf_put(&c->in, in, len)) {
        close_now(w, c, LWS_CLOSE_STATUS_UNEXPECTED_CONDITION, "out of memory");
        return;
    }
    if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi)) return;
    if (c->ep && c->ep->cb.on_message)
        c->ep->cb.on_message(c->ep->cb.user, c->id, c->in.data ? c->in.data : "", c->in.len, c->in_binary);
    mz_buf_clear(&c->in);
}

static int on_ws_writeable(mz_web *w, struct lws *wsi, conn *c)
{
    if (!c) return 0;
    pthread_mutex_lock(&w->mu);
    qnode *q = c->drop_queue ? NULL : c->head;
    if (q) {
        c->head = q->next;
        if (!c->head) c->tail = NULL;
        c->queued--;
    }
    bool more = c->head != NULL && !c->drop_queue;
    bool close = c->closing && !more;
    pthread_mutex_unlock(&w->mu);
    if (q) {
        msg *m = q->m;
        int len = (int)m->len;
        int n = lws_write(wsi, m->data + LWS_PRE, m->len,
                          m->binary ? LWS_WRITE_BINARY : LWS_WRITE_TEXT);
        pthread_mutex_lock(&w->mu);
        msg_unref(m);
        pthread_mutex_unlock(&w->mu);
        free(q);
        if (n < len) return -1;
    }
    if (close) {
        lws_close_reason(wsi, c->close_code ? c->close_code : LWS_CLOSE_STATUS_NORMAL,
                         (unsigned char *)(c->close_why ? c->close_why : ""),
                         c->close_why ? strlen(c->close_why) : 0);
        return -1;
    }
    if (more) lws_callback_on_writable(wsi);
    return 0;
}

/* Woken by lws_cancel_service: ask for WRITEABLE where messages wait. */
static void on_wake(mz_web *w)
{
    pthread_mutex_lock(&w->mu);
    for (conn *c = w->conns; c; c = c->next)
        if (c->stalled) {
            /* Its socket is full, so lws would not call WRITEABLE to
             * send a close frame: drop it from the loop. */
            lws_set_timeout(c->wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
        } else if (c->want_write) {
            c->want_write = false;
            lws_callback_on_writable(c->wsi);
        }
    pthread_mutex_unlock(&w->mu);
}

bool mz_web_ws_send(mz_web *w, uint64_t id, const void *data, size_t len, bool binary)
{
    msg *m = msg_new(data, len, binary);
    if (!m) return mz_fail("web: out of memory");
    pthread_mutex_lock(&w->mu);
    conn *c = conn_find(w, id);
    bool ok = c && enqueue(w, c, m);
    msg_unref(m);
    pthread_mutex_unlock(&w->mu);
    if (c) lws_cancel_service(w->ctx);
    return ok || mz_fail("web: WebSocket %llu is closed", (unsigned long long)id);
}

int mz_web_ws_broadcast(mz_web *w, const char *path, const void *data, size_t len, bool binary)
{
    msg *m = msg_new(data, len, binary);
    if (!m) return 0;
    int sent = 0;
    pthread_mutex_lock(&w->mu);
    for (conn *c = w->conns; c; c = c->next)
        if (c->ep && !strcmp(c->ep->path, path) && enqueue(w, c, m)) sent++;
    msg_unref(m);
    pthread_mutex_unlock(&w->mu);
    lws_cancel_service(w->ctx);
    return sent;
}

void mz_web_ws_close(mz_web *w, uint64_t id)
{
    pthread_mutex_lock(&w->mu);
    conn *c = conn_find(w, id);
    if (c) c->closing = c->want_write = true;
    pthread_mutex_unlock(&w->mu);
    if (c) lws_cancel_service(w->ctx);
}

int mz_web_ws_count(mz_web *w)
{
    pthread_mutex_lock(&w->mu);
    int n = w->n_conns;
    pthread_mutex_unlock(&w->mu);
    return n;
}

/* ---- the service loop --------------------------------------------------- */

static int on_event(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
                    size_t len)
{
    mz_web *w = lws_context_user(lws_get_context(wsi));
    pss *p = user;
    switch (reason) {
    case LWS_CALLBACK_HTTP:
        return on_http(w, wsi, p, in ? (const char *)in : "/");
    case LWS_CALLBACK_HTTP_BODY:
        return on_body(w, p, in, len);
    case LWS_CALLBACK_HTTP_BODY_COMPLETION:
        return on_body_done(w, wsi, p);
    case LWS_CALLBACK_HTTP_WRITEABLE:
        return write_body(wsi, p);
    case LWS_CALLBACK_HTTP_FILE_COMPLETION:
        return lws_http_transaction_completed(wsi) ? -1 : 0;
    case LWS_CALLBACK_CLOSED_HTTP:
    case LWS_CALLBACK_HTTP_DROP_PROTOCOL: /* lws frees the pss after this */
        if (p) pss_reset(p);
        return 0;
    case LWS_CALLBACK_HTTP_CONFIRM_UPGRADE:
        return confirm_upgrade(w, wsi);
    case LWS_CALLBACK_ESTABLISHED:
        on_ws_open(w, wsi, p);
        return 0;
    case LWS_CALLBACK_RECEIVE:
        on_ws_receive(w, wsi, p->c, in, len);
        return 0;
    case LWS_CALLBACK_SERVER_WRITEABLE:
        return on_ws_writeable(w, wsi, p->c);
    case LWS_CALLBACK_CLOSED:
        on_ws_closed(w, p);
        pss_reset(p);
        return 0;
    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        on_wake(w);
        return 0;
    default:
        return 0;
    }
}

static const struct lws_protocols protocols[] = {
    {.name = "mz-web",
     .callback = on_event,
     .per_session_data_size = sizeof(pss),
     .rx_buffer_size = 16 * 1024},
    {0},
};

static void *service(void *arg)
{
    mz_web *w = arg;
    while (!atomic_load(&w->stop))
        if (lws_service(w->ctx, 0) < 0) {
            mz_log_error("web: the service loop failed");
            break;
        }
    return NULL;
}

/* ---- life cycle --------------------------------------------------------- */

static bool make_token(mz_web *w, const char *token)
{
    if (!token || !token[0]) return mz_token_random(w->token, sizeof w->token);
    if (!mz_token_valid(token, MIN_TOKEN, MAX_TOKEN))
        return mz_fail("web: a token is %d to %d of A-Z a-z 0-9 - . _ ~", MIN_TOKEN, MAX_TOKEN);
    snprintf(w->token, sizeof w->token, "%s", token);
    return true;
}

mz_web *mz_web_create(const mz_web_desc *desc)
{
    static const mz_web_desc defaults = {0};
    if (!desc) desc = &defaults;
    mz_web *w = calloc(1, sizeof *w);
    if (!w) {
        mz_fail("web: out of memory");
        return NULL;
    }
    w->max_body = desc->max_body ? desc->max_body : 64 * 1024;
    w->max_ws = desc->max_ws > 0 ? desc->max_ws : 256;
    w->max_ws_message = desc->max_ws_message ? desc->max_ws_message : 16 * 1024;
    w->max_ws_queue = desc->max_ws_queue > 0 ? desc->max_ws_queue : 64;
    atomic_init(&w->stop, false);
    pthread_mutex_init(&w->mu, NULL);
    if (!make_token(w, desc->token)) {
        mz_web_destroy(w);
        return NULL;
    }
    if (desc->static_dir && !realpath(desc->static_dir, w->static_dir)) {
        mz_fail("web: static folder '%s': %s", desc->static_dir, strerror(errno));
        mz_web_destroy(w);
        return NULL;
    }
    const char *iface = desc->bind && desc->bind[0] ? desc->bind : "127.0.0.1";
    struct lws_context_creation_info info = {
        .port = desc->port,
        .iface = iface,
        .protocols = protocols,
        .gid = -1,
        .uid = -1,
        .user = w,
        .options = LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_VALIDATE_UTF8,
    };
    lws_set_log_level(LLL_ERR, NULL);
    w->ctx = lws_create_context(&info);
    struct lws_vhost *vh = w->ctx ? lws_get_vhost_by_name(w->ctx, "default") : NULL;
    w->port = vh ? lws_get_vhost_listen_port(vh) : -1;
    if (w->port <= 0) {
        mz_fail("web: cannot listen on %s:%d", iface, desc->port);
        mz_web_destroy(w);
        return NULL;
    }
    return w;
}

static bool check_path(const mz_web *w, const char *path)
{
    if (w->started) return mz_fail("web: routes are fixed once the server has started");
    if (!path || path[0] != '/' || strlen(path) >= MAX_URL)
        return mz_fail("web: a route's path starts with '/' and is under %d bytes", MAX_URL);
    return true;
}

bool mz_web_route(mz_web *w, const char *method, const char *path, bool needs_token,
                  mz_web_handler fn, void *user)
{
    if (!check_path(w, path)) return false;
    if (!method || (strcmp(method, "GET") && strcmp(method, "POST")))
        return mz_fail("web: %s: a route's method is GET or POST", path);
    if (!fn) return mz_fail("web: %s: no handler", path);
    if (w->n_routes == MAX_ROUTES) return mz_fail("web: more than %d routes", MAX_ROUTES);
    bool other;
    if (find_route(w, path, &other, method))
        return mz_fail("web: %s %s is already a route", method, path);
    route *r = &w->routes[w->n_routes++];
    snprintf(r->method, sizeof r->method, "%s", method);
    snprintf(r->path, sizeof r->path, "%s", path);
    r->needs_token = needs_token;
    r->fn = fn;
    r->user = user;
    return true;
}

bool mz_web_ws_endpoint(mz_web *w, const char *path, bool needs_token,
                        const mz_web_ws_callbacks *cb)
{
    if (!check_path(w, path)) return false;
    if (w->n_endpoints == MAX_ENDPOINTS)
        return mz_fail("web: more than %d WebSocket endpoints", MAX_ENDPOINTS);
    if (find_endpoint(w, path)) return mz_fail("web: %s is already a WebSocket endpoint", path);
    endpoint *e = &w->endpoints[w->n_endpoints++];
    snprintf(e->path, sizeof e->path, "%s", path);
    e->needs_token = needs_token;
    if (cb) e->cb = *cb;
    return true;
}

bool mz_web_start(mz_web *w)
{
    if (w->started) return mz_fail("web: already started");
    if (pthread_create(&w->thread, NULL, service, w))
        return mz_fail("web: cannot start the service thread");
    w->started = true;
    return true;
}

int mz_web_port(const mz_web *w)
{
    return w->port;
}

const char *mz_web_token(const mz_web *w)
{
    return w->token;
}

bool mz_web_write_token_file(const mz_web *w, const char *path)
{
    /* Made 0600 before the token is in it, whatever the umask. */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return mz_fail("web: cannot write the token to '%s': %s", path, strerror(errno));
    bool ok = fchmod(fd, 0600) == 0;
    size_t n = strlen(w->token);
    ok = ok && write(fd, w->token, n) == (ssize_t)n && write(fd, "\n", 1) == 1;
    ok = close(fd) == 0 && ok;
    return ok || mz_fail("web: cannot write the token to '%s': %s", path, strerror(errno));
}

void mz_web_destroy(mz_web *w)
{
    if (!w) return;
    if (w->started) {
        atomic_store(&w->stop, true);
        lws_cancel_service(w->ctx);
        pthread_join(w->thread, NULL);
    }
    /* Closes every connection: CLOSED callbacks free their conns. */
    if (w->ctx) lws_context_destroy(w->ctx);
    pthread_mutex_destroy(&w->mu);
    free(w);
}
