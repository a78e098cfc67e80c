/* A bounded HTTP/1.1 client over POSIX sockets (see http.h). */
#include "http.h"

#include "mz_error.h"
#include "mz_time.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_HEAD 16384

typedef struct conn {
    int fd;
    uint64_t deadline_ns;
    const atomic_bool *abort;
    char buf[8192]; /* bytes read but not consumed */
    size_t have, at;
} conn;

static int remaining_ms(const conn *c)
{
    uint64_t now = mz_time_ns();
    return now >= c->deadline_ns ? 0 : (int)((c->deadline_ns - now) / 1000000) + 1;
}

/* Waits in slices of 50 ms, so a closing backend stops a slow request. */
static bool wait_for(conn *c, short events)
{
    for (;;) {
        if (c->abort && atomic_load(c->abort)) return mz_fail("HTTP: abandoned");
        int ms = remaining_ms(c);
        if (ms <= 0) return mz_fail("HTTP: timed out");
        struct pollfd p = {.fd = c->fd, .events = events};
        if (poll(&p, 1, ms < 50 ? ms : 50) > 0) return true;
    }
}

static bool send_all(conn *c, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        if (!wait_for(c, POLLOUT)) return false;
        ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) return mz_fail("HTTP: send failed: %s", strerror(errno));
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* Reads more into the buffer; 0 at end of stream, -1 on error. */
static int fill(conn *c)
{
    if (c->at > 0) {
        memmove(c->buf, c->buf + c->at, c->have - c->at);
        c->have -= c->at;
        c->at = 0;
    }
    if (c->have == sizeof c->buf) return 1;
    if (!wait_for(c, POLLIN)) return -1;
    ssize_t n = recv(c->fd, c->buf + c->have, sizeof c->buf - c->have, 0);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
    if (n < 0) {
        mz_fail("HTTP: receive failed: %s", strerror(errno));
        return -1;
    }
    c->have += (size_t)n;
    return n > 0;
}

/* One line without CRLF into out; false on error, overlong line or EOF. */
static bool read_line(conn *c, char *out, size_t cap)
{
    for (;;) {
        char *nl = memchr(c->buf + c->at, '\n', c->have - c->at);
        if (nl) {
            size_t n = (size_t)(nl - (c->buf + c->at));
            if (n > 0 && c->buf[c->at + n - 1] == '\r') n--;
            if (n >= cap) return mz_fail("HTTP: header line too long");
            memcpy(out, c->buf + c->at, n);
            out[n] = 0;
            c->at = (size_t)(nl - c->buf) + 1;
            return true;
        }
        if (c->have - c->at >= cap) return mz_fail("HTTP: header line too long");
        int r = fill(c);
        if (r <= 0) return r == 0 ? mz_fail("HTTP: connection closed in the headers") : false;
    }
}

/* Appends exactly n body bytes (or up to EOF when n is SIZE_MAX). */
static bool read_body(conn *c, mz_gen_http_response *resp, size_t n, size_t max_body)
{
    bool to_eof = n == SIZE_MAX;
    while (n > 0) {
        if (c->at == c->have) {
            int r = fill(c);
            if (r < 0) return false;
            if (r == 0) return to_eof || mz_fail("HTTP: connection closed in the body");
        }
        size_t take = c->have - c->at;
        if (take > n) take = n;
        if (resp->len + take > max_body)
            return mz_fail("HTTP: response body over %zu bytes", max_body);
        char *grown = realloc(resp->body, resp->len + take + 1);
        if (!grown) return mz_fail("HTTP: out of memory");
        resp->body = grown;
        memcpy(resp->body + resp->len, c->buf + c->at, take);
        resp->len += take;
        resp->body[resp->len] = 0;
        c->at += take;
        if (!to_eof) n -= take;
    }
    return true;
}

static bool read_response(conn *c, size_t max_body, mz_gen_http_response *resp)
{
    char line[1024];
    if (!read_line(c, line, sizeof line)) return false;
    if (sscanf(line, "HTTP/1.%*d %d", &resp->status) != 1)
        return mz_fail("HTTP: bad status line '%.60s'", line);
    size_t content_length = SIZE_MAX, head = 0;
    bool chunked = false;
    for (;;) {
        if (!read_line(c, line, sizeof line)) return false;
        head += strlen(line) + 2;
        if (head > MAX_HEAD) return mz_fail("HTTP: headers over %d bytes", MAX_HEAD);
        if (!line[0]) break;
        if (!strncasecmp(line, "Content-Length:", 15)) {
            char *end;
            unsigned long long v = strtoull(line + 15, &end, 10);
            if (v > max_body)
                return mz_fail("HTTP: response body of %llu bytes is over %zu", v, max_body);
            content_length = (size_t)v;
        } else if (!strncasecmp(line, "Transfer-Encoding:", 18) && strstr(line, "chunked")) {
            chunked = true;
        }
    }
    resp->body = calloc(1, 1);
    if (!resp->body) return mz_fail("HTTP: out of memory");
    if (!chunked) return read_body(c, resp, content_length, max_body);
    for (;;) {
        if (!read_line(c, line, sizeof line)) return false;
        char *end;
        unsigned long long size = strtoull(line, &end, 16);
        if (end == line || size > max_body) return mz_fail("HTTP: bad chunk size '%.20s'", line);
        if (size == 0) return true;
        if (!read_body(c, resp, (size_t)size, max_body) || !read_line(c, line, sizeof line))
            return false;
    }
}

bool mz_gen_http_request(const char *host, int port, const char *method, const char *path,
                         const char *content_type, const void *body, size_t body_len,
                         size_t max_body, double timeout_s, const atomic_bool *abort,
                         mz_gen_http_response *resp)
{
    memset(resp, 0, sizeof *resp);
    conn *c = calloc(1, sizeof *c);
    if (!c) return mz_fail("HTTP: out of memory");
    c->fd = -1;
    c->deadline_ns = mz_time_ns() + (uint64_t)(timeout_s * 1e9);
    c->abort = abort;
    char service[16];
    snprintf(service, sizeof service, "%d", port);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai = NULL;
    bool ok = false;
    if (getaddrinfo(host, service, &hints, &ai) != 0 || !ai) {
        mz_fail("HTTP: cannot resolve %s", host);
        goto done;
    }
    /* Non-blocking, so connecting is bounded by the timeout too. */
    c->fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0 || (connect(c->fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS)) {
        mz_fail("HTTP: cannot connect to %s:%d: %s", host, port, strerror(errno));
        goto done;
    }
    int err = 0;
    socklen_t err_len = sizeof err;
    if (!wait_for(c, POLLOUT)) {
        mz_fail_context("connecting to %s:%d", host, port);
        goto done;
    }
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &err_len) || err) {
        mz_fail("HTTP: cannot connect to %s:%d: %s", host, port, strerror(err));
        goto done;
    }
    char head[1024];
    int n = snprintf(head, sizeof head,
                     "%s %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n"
                     "User-Agent: maze\r\n",
                     method, path, host, port);
    if (body)
        n += snprintf(head + n, sizeof head - (size_t)n,
                      "Content-Type: %s\r\nContent-Length: %zu\r\n", content_type, body_len);
    n += snprintf(head + n, sizeof head - (size_t)n, "\r\n");
    if ((size_t)n >= sizeof head) {
        mz_fail("HTTP: request line too long");
        goto done;
    }
    ok = send_all(c, head, (size_t)n) && (!body || send_all(c, body, body_len)) &&
         read_response(c, max_body, resp);
done:
    if (ai) freeaddrinfo(ai);
    if (c->fd >= 0) close(c->fd);
    free(c);
    if (!ok) mz_gen_http_free(resp);
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
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     (ch >= '0' && ch <= '9') || strchr("-_.~", ch);
        if (o + (plain ? 1 : 3) >= cap) return mz_fail("HTTP: query value too long");
        if (plain) {
            out[o++] = (char)ch;
        } else {
            out[o++] = '%';
            out[o++] = hex[ch >> 4];
            out[o++] = hex[ch & 15];
        }
    }
    out[o] = 0;
    return true;
}
