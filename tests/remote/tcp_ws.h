/* A WebSocket client on a plain socket, for what a libwebsockets client
 * cannot be made to do: unmasked frames, invalid UTF-8, and never reading.
 * Blocking, with timeouts; test code only. */
#ifndef TCP_WS_H
#define TCP_WS_H

#include <stdbool.h>
#include <stddef.h>

/* Connects to 127.0.0.1:port and upgrades with subprotocol maze-gen.v1
 * (path "/" when NULL; an Origin header when origin is not NULL).
 * Returns the socket, or -1 when refused; *status gets the HTTP status. */
int tcp_ws_open(int port, const char *path, const char *origin, int *status);
/* Sends one frame: opcode 1 text, 2 binary; masked as a client must be,
 * or not. */
bool tcp_ws_send(int fd, int opcode, bool masked, const void *data, size_t len);
/* Reads frames until the server's close frame (or, with until_text, its
 * first text message). Returns the close code, or 0 when the stream ended
 * or went quiet for timeout_ms without one; the first text message goes to
 * text (cap bytes). */
int tcp_ws_wait_close(int fd, int timeout_ms, bool until_text, char *text, size_t cap);

#endif
