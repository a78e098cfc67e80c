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
#include <stdint.h>

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

/* A GET whose body is read piece by piece, however long (a video from
 * ComfyUI's /view), from `offset` on: a Range request, and a server that
 * ignores it (200) is read through to there. req->timeout_s bounds the
 * connection and each wait for more bytes, not the transfer; max_body is
 * not used. req and the strings it points to must outlive the stream. At
 * most 1 MiB is buffered: the server waits while the reader does. */
typedef struct mz_gen_http_stream mz_gen_http_stream;

/* Waits for the reply's first bytes (or its end); NULL + mz_fail() when
 * none came. Any status opens a stream. */
mz_gen_http_stream *mz_gen_http_stream_open(const mz_gen_http_request *req, uint64_t offset);
int mz_gen_http_stream_status(const mz_gen_http_stream *s);
/* The whole resource's size (Content-Length, or a 206's Content-Range); 0: unknown. */
uint64_t mz_gen_http_stream_size(const mz_gen_http_stream *s);
/* Up to cap bytes: the count, 0 at the end, -1 + mz_fail() on an error. */
long mz_gen_http_stream_read(mz_gen_http_stream *s, void *buf, size_t cap);
void mz_gen_http_stream_close(mz_gen_http_stream *s); /* NULL: no-op */

/* Percent-encodes s for a query string into out (cap bytes); false if too long. */
bool mz_gen_http_query_escape(const char *s, char *out, size_t cap);

#endif
