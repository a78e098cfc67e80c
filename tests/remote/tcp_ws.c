/* A WebSocket client on a plain socket (see tcp_ws.h). */
#include "tcp_ws.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static bool read_full(int fd, void *buf, size_t len, int timeout_ms)
{
    uint8_t *p = buf;
    while (len) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, timeout_ms) <= 0) return false;
        ssize_t n = recv(fd, p, len, 0);
        if (n <= 0) return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

int tcp_ws_open(int port, const char *path, const char *origin, int *status)
{
    *status = 0;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) {
        if (fd >= 0) close(fd);
        return -1;
    }
    char req[1024], origin_line[300] = "";
    if (origin) snprintf(origin_line, sizeof origin_line, "Origin: %s\r\n", origin);
    int n = snprintf(req, sizeof req,
                     "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: maze-gen.v1\r\n%s\r\n",
                     path ? path : "/", port, origin_line);
    send(fd, req, (size_t)n, MSG_NOSIGNAL);
    /* The response head, byte by byte so no frame after it is eaten. */
    char head[2048];
    size_t len = 0;
    while (len + 1 < sizeof head && read_full(fd, head + len, 1, 5000)) {
        len++;
        if (len >= 4 && !memcmp(head + len - 4, "\r\n\r\n", 4)) break;
    }
    head[len] = 0;
    sscanf(head, "HTTP/1.1 %d", status);
    if (*status != 101) {
        close(fd);
        return -1;
    }
    return fd;
}

bool tcp_ws_send(int fd, int opcode, bool masked, const void *data, size_t len)
{
    uint8_t h[14];
    size_t hn = 2;
    h[0] = (uint8_t)(0x80 | opcode);
    if (len < 126) {
        h[1] = (uint8_t)len;
    } else if (len < 65536) {
        h[1] = 126;
        h[2] = (uint8_t)(len >> 8);
        h[3] = (uint8_t)len;
        hn = 4;
    } else {
        h[1] = 127;
        for (int i = 0; i < 8; i++)
            h[2 + i] = (uint8_t)((uint64_t)len >> (56 - 8 * i));
        hn = 10;
    }
    static const uint8_t key[4] = {0x37, 0xfa, 0x21, 0x3d};
    if (masked) {
        h[1] |= 0x80;
        memcpy(h + hn, key, 4);
        hn += 4;
    }
    if (send(fd, h, hn, MSG_NOSIGNAL) != (ssize_t)hn) return false;
    /* In chunks of a multiple of 4 bytes, so the key starts over in each. */
    const uint8_t *p = data;
    uint8_t chunk[65536];
    for (size_t at = 0; at < len; at += sizeof chunk) {
        size_t n = len - at < sizeof chunk ? len - at : sizeof chunk;
        for (size_t i = 0; i < n; i++)
            chunk[i] = masked ? p[at + i] ^ key[i & 3] : p[at + i];
        if (send(fd, chunk, n, MSG_NOSIGNAL) != (ssize_t)n) return false;
    }
    return true;
}

int tcp_ws_wait_close(int fd, int timeout_ms, bool until_text, char *text, size_t cap)
{
    if (text && cap) text[0] = 0;
    for (;;) {
        uint8_t h[2];
        if (!read_full(fd, h, 2, timeout_ms)) return 0;
        uint64_t len = h[1] & 0x7f;
        if (len >= 126) {
            uint8_t ext[8];
            int en = len == 126 ? 2 : 8;
            if (!read_full(fd, ext, (size_t)en, timeout_ms)) return 0;
            len = 0;
            for (int i = 0; i < en; i++)
                len = len << 8 | ext[i];
        }
        uint8_t body[65536];
        if (len > sizeof body || !read_full(fd, body, (size_t)len, timeout_ms)) return 0;
        int opcode = h[0] & 0x0f;
        if (opcode == 8) return len >= 2 ? body[0] << 8 | body[1] : 0;
        if (opcode == 1 && text) {
            size_t n = len < cap - 1 ? (size_t)len : cap - 1;
            memcpy(text, body, n);
            text[n] = 0;
            if (until_text) return 0;
        }
    }
}
