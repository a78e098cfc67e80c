/* http — the ComfyUI adapter's HTTP calls (private to engine/gen), made with
 * libcurl: one request at a time on the caller's thread, the reply bounded
 * by a size limit and the whole call by a timeout, and abandoned within
 * 50 ms of an abort flag turning true (a closing backend never waits on a
 * slow server). http, or https (tls) checked against the system's
 * certificates or a given CA file; extra request headers (auth tokens for a
 * hosted ComfyUI) are sent as given and never appear in an error message.
 *
 * Threading: none shared; call from any thread. Errors: false + mz_fail().
 * Ownership: the request's data is only read during the call; resp->body
 * is malloc'd (NUL-terminated): mz_gen_http_free. */
#ifndef MZ_GEN_HTTP_H
#define MZ_GEN_HTTP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

/* One field of a multipart/form-data body. */
typedef struct mz_gen_http_part {
    const char *name;
    const char *filename; /* NULL: a plain field */
    const char *type;     /* NULL: none */
    const void *data;
    size_t len;
} mz_gen_http_part;

typedef struct mz_gen_http_request {
    const char *host; /* a name, an IPv4 address or an IPv6 one (no brackets) */
    int port;
    bool tls;                   /* https */
    const char *ca_file;        /* PEM certificates to trust; NULL: the system's */
    const char *const *headers; /* "Name: value" lines, header_count of them */
    size_t header_count;
    const char *path; /* with its query, already escaped */
    /* A POST of `body` (content_type), or of `parts` as multipart/form-data;
     * a GET when neither is given. */
    const char *content_type;
    const void *body;
    size_t body_len;
    const mz_gen_http_part *parts;
    size_t part_count;
    size_t max_body;          /* a longer reply fails the call */
    double timeout_s;         /* for the whole call, connecting included */
    const atomic_bool *abort; /* may be NULL */
} mz_gen_http_request;

typedef struct mz_gen_http_response {
    int status;
    char *body;
    size_t len;
} mz_gen_http_response;

/* The reply of any status is a success; false only when none came. */
bool mz_gen_http_do(const mz_gen_http_request *req, mz_gen_http_response *resp);

void mz_gen_http_free(mz_gen_http_response *resp);

/* Percent-encodes s for a query string into out (cap bytes); false if too long. */
bool mz_gen_http_query_escape(const char *s, char *out, size_t cap);

#endif
