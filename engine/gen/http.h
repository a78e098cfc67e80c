/* http — a tiny HTTP/1.1 client for the ComfyUI adapter (private to
 * engine/gen): one request per connection (Connection: close), bodies with
 * Content-Length or chunked, every read bounded by a size limit and every
 * wait by a timeout. Plain http only: ComfyUI runs on the local network.
 *
 * Why not libwebsockets' client HTTP: the adapter's requests are a few
 * blocking calls on its worker thread (upload, submit, fetch), and a
 * multipart upload through lws callbacks would be more code than this.
 *
 * Threading: none shared; call from any thread. Errors: false + mz_fail().
 * Ownership: resp->body is malloc'd (NUL-terminated); mz_gen_http_free. */
#ifndef MZ_GEN_HTTP_H
#define MZ_GEN_HTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct mz_gen_http_response {
    int status;
    char *body;
    size_t len;
} mz_gen_http_response;

/* method "GET" or "POST"; body may be NULL. max_body bounds the response;
 * the call gives up after timeout_s, or within 50 ms of *abort turning true
 * (abort may be NULL). */
bool mz_gen_http_request(const char *host, int port, const char *method, const char *path,
                         const char *content_type, const void *body, size_t body_len,
                         size_t max_body, double timeout_s, const atomic_bool *abort,
                         mz_gen_http_response *resp);

void mz_gen_http_free(mz_gen_http_response *resp);

/* Percent-encodes s for a query string into out (cap bytes); false if too long. */
bool mz_gen_http_query_escape(const char *s, char *out, size_t cap);

#endif
