/* The ComfyUI adapter's HTTP client, on libcurl (see http.h). */
#include "http.h"

#include "mz_buf.h"
#include "mz_error.h"
#include "mz_time.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How often a transfer in progress looks at the abort flag. */
#define ABORT_POLL_MS 50

typedef struct sink {
    mz_buf body;
    size_t max;
    bool too_long;
} sink;

static size_t on_data(char *data, size_t size, size_t n, void *user)
{
    sink *s = user;
    size_t len = size * n;
    if (s->body.len + len > s->max) {
        s->too_long = true;
        return 0; /* libcurl stops with CURLE_WRITE_ERROR */
    }
    return mz_buf_put(&s->body, data, len) ? len : 0;
}

static void global_init(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* What every call to the server sets: the address (https with tls, an
 * IPv6 host in brackets), the protocol, the CA file, no signals (worker
 * threads), the error text; the request's extra headers are appended to
 * *headers, which the caller sets (CURLOPT_HTTPHEADER) and frees. curl
 * copies the strings. */
static bool setup(CURL *e, const mz_gen_http_request *req, char *err, struct curl_slist **headers)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, global_init);
    char url[2048];
    bool v6 = strchr(req->host, ':') != NULL;
    if ((size_t)snprintf(url, sizeof url, "%s://%s%s%s:%d%s", req->tls ? "https" : "http",
                         v6 ? "[" : "", req->host, v6 ? "]" : "", req->port,
                         req->path) >= sizeof url)
        return mz_fail("HTTP: the address is too long");
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, req->tls ? "https" : "http");
    if (req->ca_file) curl_easy_setopt(e, CURLOPT_CAINFO, req->ca_file);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "maze");
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, err);
    for (size_t i = 0; i < req->header_count; i++)
        *headers = curl_slist_append(*headers, req->headers[i]);
    return true;
}

/* The transfer, through the multi interface so the abort flag is seen
 * every ABORT_POLL_MS whatever the server does. */
static CURLcode perform(CURL *e, const atomic_bool *abort, bool *abandoned)
{
    CURLM *m = curl_multi_init();
    if (!m) return CURLE_OUT_OF_MEMORY;
    CURLcode rc = CURLE_OK;
    int running = 1;
    curl_multi_add_handle(m, e);
    while (running) {
        if (abort && atomic_load(abort)) {
            *abandoned = true;
            break;
        }
        if (curl_multi_perform(m, &running) != CURLM_OK) {
            rc = CURLE_FAILED_INIT;
            break;
        }
        if (running) curl_multi_poll(m, NULL, 0, ABORT_POLL_MS, NULL);
    }
    int left;
    for (CURLMsg *msg; (msg = curl_multi_info_read(m, &left));)
        if (msg->msg == CURLMSG_DONE) rc = msg->data.result;
    curl_multi_remove_handle(m, e);
    curl_multi_cleanup(m);
    return rc;
}

bool mz_gen_http_do(const mz_gen_http_request *req, mz_gen_http_response *resp)
{
    memset(resp, 0, sizeof *resp);
    CURL *e = curl_easy_init();
    curl_mime *mime = NULL;
    struct curl_slist *headers = NULL;
    if (!e) return mz_fail("HTTP: out of memory");
    char err[CURL_ERROR_SIZE] = "";
    sink s = {.max = req->max_body};
    if (!setup(e, req, err, &headers)) {
        curl_slist_free_all(headers);
        curl_easy_cleanup(e);
        return false;
    }
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(req->timeout_s * 1000));
    /* A reply that announces more than max_body is refused before its body. */
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)req->max_body);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &s);
    /* No "Expect: 100-continue" round trip before a large upload. */
    headers = curl_slist_append(headers, "Expect:");
    if (req->body) {
        char type[160];
        snprintf(type, sizeof type, "Content-Type: %s", req->content_type);
        headers = curl_slist_append(headers, type);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    } else if (req->part_count) {
        mime = curl_mime_init(e);
        for (size_t i = 0; mime && i < req->part_count; i++) {
            const mz_gen_http_part *p = &req->parts[i];
            curl_mimepart *part = curl_mime_addpart(mime);
            curl_mime_name(part, p->name);
            curl_mime_data(part, p->data, p->len);
            if (p->filename) curl_mime_filename(part, p->filename);
            if (p->type) curl_mime_type(part, p->type);
        }
        curl_easy_setopt(e, CURLOPT_MIMEPOST, mime);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
    bool abandoned = false;
    CURLcode rc = perform(e, req->abort, &abandoned);
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    bool ok = false;
    if (abandoned)
        mz_fail("HTTP: abandoned");
    else if (s.too_long || rc == CURLE_FILESIZE_EXCEEDED)
        mz_fail("HTTP: a reply over %zu bytes from %s:%d", req->max_body, req->host, req->port);
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        mz_fail("HTTP: timed out after %.1f s (%s:%d)", req->timeout_s, req->host, req->port);
    else if (rc != CURLE_OK)
        mz_fail("HTTP: %s:%d: %s", req->host, req->port, err[0] ? err : curl_easy_strerror(rc));
    else
        ok = true;
    resp->status = (int)status;
    curl_mime_free(mime);
    curl_slist_free_all(headers);
    curl_easy_cleanup(e);
    if (ok) {
        resp->body = mz_buf_take(&s.body, &resp->len);
        ok = resp->body || mz_fail("HTTP: out of memory");
    }
    mz_buf_free(&s.body);
    return ok;
}

void mz_gen_http_free(mz_gen_http_response *resp)
{
    free(resp->body);
    resp->body = NULL;
    resp->len = 0;
}

bool mz_gen_http_query_escape(const char *s, char *out, size_t cap)
{
    char *escaped = curl_easy_escape(NULL, s, 0);
    if (!escaped) return mz_fail("HTTP: out of memory");
    bool ok = strlen(escaped) < cap;
    if (ok) memcpy(out, escaped, strlen(escaped) + 1);
    curl_free(escaped);
    return ok || mz_fail("HTTP: query value too long");
}

/* ---- streams ---------------------------------------------------------------- */

/* Bytes taken from libcurl ahead of the reader: libcurl hands at most
 * CHUNK at a time, and is paused while they would not fit. */
#define STREAM_BUFFER (1 << 20)
#define CHUNK (256 << 10)

struct mz_gen_http_stream {
    CURL *e;
    CURLM *m;
    const mz_gen_http_request *req;
    struct curl_slist *headers; /* the request's extra ones */
    uint64_t offset;            /* asked for with Range */
    uint64_t skip;              /* bytes still to drop: the server sent from 0 */
    uint64_t size;
    bool paused, done, head_seen;
    CURLcode rc;
    size_t pos, len;
    char err[CURL_ERROR_SIZE];
    uint8_t buf[STREAM_BUFFER];
};

/* 206's "Content-Range: bytes FIRST-LAST/SIZE" gives the whole size. */
static size_t on_stream_header(char *line, size_t size, size_t n, void *user)
{
    mz_gen_http_stream *s = user;
    size_t len = size * n;
    unsigned long long first, last, total;
    char text[256];
    snprintf(text, sizeof text, "%.*s", (int)(len < sizeof text ? len : sizeof text - 1), line);
    if (!strncasecmp(text, "content-range:", 14) &&
        sscanf(text + 14, " bytes %llu-%llu/%llu", &first, &last, &total) == 3)
        s->size = total;
    return len;
}

static size_t on_stream_data(char *data, size_t size, size_t n, void *user)
{
    mz_gen_http_stream *s = user;
    size_t len = size * n;
    if (!s->head_seen) {
        /* A server that ignores Range answers 200 with the whole body. */
        long status = 0;
        curl_easy_getinfo(s->e, CURLINFO_RESPONSE_CODE, &status);
        s->head_seen = true;
        if (status == 200 && s->offset) s->skip = s->offset;
    }
    size_t drop = s->skip < len ? (size_t)s->skip : len;
    if (s->pos == s->len) s->pos = s->len = 0;
    if (s->len + len - drop > STREAM_BUFFER && s->pos) {
        memmove(s->buf, s->buf + s->pos, s->len - s->pos);
        s->len -= s->pos;
        s->pos = 0;
    }
    if (s->len + len - drop > STREAM_BUFFER) {
        s->paused = true; /* handed again, whole, after curl_easy_pause */
        return CURL_WRITEFUNC_PAUSE;
    }
    s->skip -= drop;
    memcpy(s->buf + s->len, data + drop, len - drop);
    s->len += len - drop;
    return len;
}

/* Runs the transfer until there are bytes to read or it ended: false (with
 * mz_fail) when it failed, was abandoned or went quiet for timeout_s. */
static bool stream_pump(mz_gen_http_stream *s)
{
    uint64_t quiet_since = mz_time_ns();
    const mz_gen_http_request *req = s->req;
    while (s->pos == s->len && !s->done) {
        if (req->abort && atomic_load(req->abort)) return mz_fail("HTTP: abandoned");
        if (s->paused) {
            s->paused = false;
            curl_easy_pause(s->e, CURLPAUSE_CONT);
            continue;
        }
        int running = 0;
        if (curl_multi_perform(s->m, &running) != CURLM_OK) return mz_fail("HTTP: libcurl failed");
        int left;
        for (CURLMsg *msg; (msg = curl_multi_info_read(s->m, &left));)
            if (msg->msg == CURLMSG_DONE) s->done = true, s->rc = msg->data.result;
        if (s->pos < s->len || s->done) break;
        if (mz_time_ms_since(quiet_since) > req->timeout_s * 1000)
            return mz_fail("HTTP: no data for %.1f s (%s:%d)", req->timeout_s, req->host,
                           req->port);
        curl_multi_poll(s->m, NULL, 0, ABORT_POLL_MS, NULL);
    }
    if (s->pos == s->len && s->done && s->rc != CURLE_OK)
        return mz_fail("HTTP: %s:%d: %s", req->host, req->port,
                       s->err[0] ? s->err : curl_easy_strerror(s->rc));
    return true;
}

mz_gen_http_stream *mz_gen_http_stream_open(const mz_gen_http_request *req, uint64_t offset)
{
    mz_gen_http_stream *s = calloc(1, sizeof *s);
    if (!s || !(s->e = curl_easy_init()) || !(s->m = curl_multi_init())) {
        mz_fail("HTTP: out of memory");
        mz_gen_http_stream_close(s);
        return NULL;
    }
    s->req = req;
    s->offset = offset;
    if (!setup(s->e, req, s->err, &s->headers)) {
        mz_gen_http_stream_close(s);
        return NULL;
    }
    curl_easy_setopt(s->e, CURLOPT_HTTPHEADER, s->headers);
    curl_easy_setopt(s->e, CURLOPT_CONNECTTIMEOUT_MS, (long)(req->timeout_s * 1000));
    curl_easy_setopt(s->e, CURLOPT_BUFFERSIZE, (long)CHUNK);
    curl_easy_setopt(s->e, CURLOPT_WRITEFUNCTION, on_stream_data);
    curl_easy_setopt(s->e, CURLOPT_WRITEDATA, s);
    curl_easy_setopt(s->e, CURLOPT_HEADERFUNCTION, on_stream_header);
    curl_easy_setopt(s->e, CURLOPT_HEADERDATA, s);
    char range[32];
    snprintf(range, sizeof range, "%llu-", (unsigned long long)offset);
    if (offset) curl_easy_setopt(s->e, CURLOPT_RANGE, range);
    curl_multi_add_handle(s->m, s->e);
    if (!stream_pump(s)) {
        mz_gen_http_stream_close(s);
        return NULL;
    }
    curl_off_t length = -1;
    curl_easy_getinfo(s->e, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (!s->size && length >= 0) s->size = (uint64_t)length;
    return s;
}

int mz_gen_http_stream_status(const mz_gen_http_stream *s)
{
    long status = 0;
    curl_easy_getinfo(s->e, CURLINFO_RESPONSE_CODE, &status);
    return (int)status;
}

uint64_t mz_gen_http_stream_size(const mz_gen_http_stream *s)
{
    return s->size;
}

long mz_gen_http_stream_read(mz_gen_http_stream *s, void *buf, size_t cap)
{
    if (!stream_pump(s)) return -1;
    size_t n = s->len - s->pos < cap ? s->len - s->pos : cap;
    memcpy(buf, s->buf + s->pos, n);
    s->pos += n;
    return (long)n;
}

void mz_gen_http_stream_close(mz_gen_http_stream *s)
{
    if (!s) return;
    if (s->m && s->e) curl_multi_remove_handle(s->m, s->e);
    if (s->m) curl_multi_cleanup(s->m);
    if (s->e) curl_easy_cleanup(s->e);
    curl_slist_free_all(s->headers);
    free(s);
}
