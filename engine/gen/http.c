/* The ComfyUI adapter's HTTP client, on libcurl (see http.h). */
#include "http.h"

#include "mz_buf.h"
#include "mz_error.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, global_init);
    memset(resp, 0, sizeof *resp);
    char url[2048];
    bool v6 = strchr(req->host, ':') != NULL; /* a URL brackets an IPv6 address */
    if ((size_t)snprintf(url, sizeof url, "%s://%s%s%s:%d%s", req->tls ? "https" : "http",
                         v6 ? "[" : "", req->host, v6 ? "]" : "", req->port,
                         req->path) >= sizeof url)
        return mz_fail("HTTP: the address is too long");
    CURL *e = curl_easy_init();
    curl_mime *mime = NULL;
    struct curl_slist *headers = NULL;
    if (!e) return mz_fail("HTTP: out of memory");
    char err[CURL_ERROR_SIZE] = "";
    sink s = {.max = req->max_body};
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, req->tls ? "https" : "http");
    if (req->ca_file) curl_easy_setopt(e, CURLOPT_CAINFO, req->ca_file);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "maze");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(req->timeout_s * 1000));
    /* A reply that announces more than max_body is refused before its body. */
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)req->max_body);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &s);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, err);
    /* No "Expect: 100-continue" round trip before a large upload. */
    headers = curl_slist_append(headers, "Expect:");
    for (size_t i = 0; i < req->header_count; i++)
        headers = curl_slist_append(headers, req->headers[i]);
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
