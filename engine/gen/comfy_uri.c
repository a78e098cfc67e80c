/* The ComfyUI adapter's URI (see comfy_uri.h). */
#include "comfy_uri.h"

#include "mz_error.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYNTAX "comfy://host[:port][/prefix]?workflow=FILE[&option=value...]"
#define OPTIONS "workflow, output, previews, header, ca"

bool mz_comfy_uri_accepts(const char *uri)
{
    return uri && (!strncmp(uri, "comfy://", 8) || !strncmp(uri, "comfys://", 9));
}

static int hex(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* s[0..len) percent-decoded into out (cap bytes); false if it does not fit,
 * an escape is broken or a control character comes out (values become C
 * strings and header lines: a decoded CR LF must not start a new header). */
static bool decode(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '%') {
            if (i + 2 >= len) return false;
            int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
            if (hi < 0 || lo < 0) return false;
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        }
        if (c < 0x20 || c == 0x7f || n + 1 >= cap) return false;
        out[n++] = (char)c;
    }
    out[n] = 0;
    return true;
}

/* Appends to u->shown; the caller checks for truncation once at the end. */
static void show(mz_comfy_uri *u, const char *fmt, ...) MZ_PRINTF(2, 3);
static void show(mz_comfy_uri *u, const char *fmt, ...)
{
    size_t n = strlen(u->shown);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(u->shown + n, sizeof u->shown - n, fmt, ap);
    va_end(ap);
}

/* HOST[:PORT] or [V6]:PORT from s[0..len). */
static bool parse_authority(mz_comfy_uri *u, const char *s, size_t len)
{
    const char *end = s + len, *host = s, *host_end, *port = NULL;
    if (len && *s == '[') {
        host = s + 1;
        host_end = memchr(host, ']', (size_t)(end - host));
        if (!host_end) return mz_fail("comfy: no ']' after the IPv6 address");
        if (host_end + 1 < end && host_end[1] != ':')
            return mz_fail("comfy: after ']' only :port may follow");
        if (host_end + 1 < end) port = host_end + 2;
    } else {
        host_end = memchr(s, ':', len);
        if (host_end && memchr(host_end + 1, ':', (size_t)(end - host_end - 1)))
            return mz_fail("comfy: write an IPv6 address in brackets: [%.*s]", (int)len, s);
        if (host_end)
            port = host_end + 1;
        else
            host_end = end;
    }
    size_t hl = (size_t)(host_end - host);
    if (!hl || hl >= sizeof u->host) return mz_fail("comfy: no host, or too long");
    for (size_t i = 0; i < hl; i++)
        if (!isalnum((unsigned char)host[i]) && !strchr(*s == '[' ? ".:%" : ".-_", host[i]))
            return mz_fail("comfy: '%.*s' is not a host name or address", (int)hl, host);
    memcpy(u->host, host, hl);
    u->host[hl] = 0;
    u->port = u->tls ? 443 : 8188;
    if (port) {
        char digits[8];
        size_t pl = (size_t)(end - port);
        if (!pl || pl >= sizeof digits || strspn(port, "0123456789") < pl)
            return mz_fail("comfy: bad port '%.*s'", (int)pl, port);
        memcpy(digits, port, pl);
        digits[pl] = 0;
        u->port = atoi(digits);
        if (u->port <= 0 || u->port > 65535) return mz_fail("comfy: bad port '%s'", digits);
    }
    show(u, "%.*s", (int)len, s);
    return true;
}

/* "/comfy/" -> "/comfy": the adapter's paths ("/prompt") follow it. */
static bool parse_prefix(mz_comfy_uri *u, const char *s, size_t len)
{
    while (len && s[len - 1] == '/')
        len--;
    if (len >= sizeof u->prefix) return mz_fail("comfy: the path prefix is too long");
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == 0x7f || s[i] == '#')
            return mz_fail("comfy: the path prefix has a character a URL cannot hold");
    memcpy(u->prefix, s, len);
    u->prefix[len] = 0;
    show(u, "%s", u->prefix);
    return true;
}

/* "Name: value", the name an HTTP token. */
static bool valid_header(const char *h)
{
    size_t name = strcspn(h, ":");
    if (!name || !h[name]) return false;
    for (size_t i = 0; i < name; i++)
        if (!isalnum((unsigned char)h[i]) && !strchr("!#$%&'*+-.^_`|~", h[i])) return false;
    return true;
}

/* value into out (cap bytes), or false + mz_fail() naming the option. */
static bool set(char *out, size_t cap, const char *value, const char *option)
{
    size_t n = strlen(value);
    if (n >= cap) return mz_fail("comfy: option %s: over %zu bytes", option, cap - 1);
    memcpy(out, value, n + 1);
    return true;
}

static bool parse_option(mz_comfy_uri *u, const char *s, size_t len)
{
    const char *eq = memchr(s, '=', len);
    size_t kl = eq ? (size_t)(eq - s) : len;
    const char *v = eq ? eq + 1 : s + len;
    size_t vl = (size_t)(s + len - v);
    char value[MZ_COMFY_MAX_HEADER_LEN];
    if (!decode(v, vl, value, sizeof value))
        return mz_fail("comfy: option '%.*s': a bad %%-escape, a control character, or too long",
                       (int)kl, s);
#define KEY(name) (kl == strlen(name) && !strncmp(s, name, kl))
    bool ok = true;
    if (KEY("workflow")) {
        ok = set(u->workflow, sizeof u->workflow, value, "workflow");
    } else if (KEY("output")) {
        ok = set(u->output, sizeof u->output, value, "output");
    } else if (KEY("previews")) {
        ok = !strcmp(value, "0") || !strcmp(value, "1") ||
             mz_fail("comfy: previews=0 or previews=1, not '%s'", value);
        u->previews = !strcmp(value, "1");
    } else if (KEY("ca")) {
        ok = set(u->ca, sizeof u->ca, value, "ca");
    } else if (KEY("header")) {
        if (u->header_count == MZ_COMFY_MAX_HEADERS)
            return mz_fail("comfy: more than %d headers", MZ_COMFY_MAX_HEADERS);
        char *h = u->headers[u->header_count];
        if (!valid_header(value))
            return mz_fail("comfy: header=NAME: VALUE, a token for the name (option %zu)",
                           u->header_count + 1);
        if (!set(h, sizeof u->headers[0], value, "header")) return false;
        u->header_list[u->header_count++] = h;
        /* The value may be a token: never in the shown form. */
        show(u, "%sheader=%.*s: ***", u->shown[strlen(u->shown) - 1] == '?' ? "" : "&",
             (int)strcspn(h, ":"), h);
        return true;
    } else {
        return mz_fail("comfy: unknown option '%.*s' (options: " OPTIONS ")", (int)kl, s);
    }
#undef KEY
    show(u, "%s%.*s", u->shown[strlen(u->shown) - 1] == '?' ? "" : "&", (int)len, s);
    return ok;
}

bool mz_comfy_uri_parse(const char *uri, mz_comfy_uri *u)
{
    memset(u, 0, sizeof *u);
    if (!mz_comfy_uri_accepts(uri)) return mz_fail("comfy: '%s' is not " SYNTAX, uri ? uri : "");
    u->tls = !strncmp(uri, "comfys://", 9);
    const char *p = uri + (u->tls ? 9 : 8);
    show(u, "%s", u->tls ? "comfys://" : "comfy://");
    size_t auth = strcspn(p, "/?"), path = strcspn(p + auth, "?");
    if (!parse_authority(u, p, auth) || !parse_prefix(u, p + auth, path)) return false;
    const char *q = p + auth + path;
    show(u, "?");
    while (*q) {
        q++; /* '?' or '&' */
        size_t len = strcspn(q, "&");
        if (len && !parse_option(u, q, len)) return false;
        q += len;
    }
    if (strlen(u->shown) + 1 >= sizeof u->shown) return mz_fail("comfy: the URI is too long");
    return u->workflow[0] || mz_fail("comfy: no workflow file in '%s' (" SYNTAX ")", u->shown);
}
