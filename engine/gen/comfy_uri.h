/* comfy_uri — the ComfyUI adapter's address and options, read from its
 * generator URI (private to engine/gen; the syntax is in docs/comfyui.md):
 *   comfy://HOST[:PORT][/PREFIX]?workflow=FILE[&output=NODE][&previews=1]
 *           [&header=NAME: VALUE]...[&ca=FILE]
 * `comfys://` is the same over TLS (https and wss: ComfyUI started with
 * --tls-keyfile/--tls-certfile, or a TLS proxy in front of it). HOST is a
 * name, an IPv4 address or an IPv6 literal in brackets ([::1]); PORT is
 * 8188 (comfy) or 443 (comfys) when left out; PREFIX is where a proxy
 * serves ComfyUI (/comfy/). Option values are percent-decoded ("%26" for a
 * '&' inside a header). Header values are secrets (auth tokens): `shown`
 * is the URI with them hidden, the one form to log.
 *
 * Ownership: plain data, no allocation. Errors: false + mz_fail(). */
#ifndef MZ_COMFY_URI_H
#define MZ_COMFY_URI_H

#include <stdbool.h>
#include <stddef.h>

#define MZ_COMFY_MAX_HEADERS 8
/* A header line's bytes, NUL included: room for a JWT bearer token. */
#define MZ_COMFY_MAX_HEADER_LEN 2048

typedef struct mz_comfy_uri {
    bool tls;
    char host[256]; /* an IPv6 literal without its brackets */
    int port;
    char prefix[256]; /* "" or "/comfy": no trailing slash */
    char workflow[1024];
    char output[64]; /* the output node's id; "": every saved output */
    bool previews;   /* also show temporary outputs (PreviewImage's) */
    char ca[1024];   /* PEM file of certificates to trust; "": the system's */
    char headers[MZ_COMFY_MAX_HEADERS][MZ_COMFY_MAX_HEADER_LEN]; /* "Name: value" */
    /* Points into headers: parse into the struct that stays, never a copy. */
    const char *header_list[MZ_COMFY_MAX_HEADERS];
    size_t header_count;
    char shown[768]; /* the URI with header values replaced by "***" */
} mz_comfy_uri;

bool mz_comfy_uri_accepts(const char *uri);
bool mz_comfy_uri_parse(const char *uri, mz_comfy_uri *out);

#endif
