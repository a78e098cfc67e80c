/* A misbehaving generation server for fault tests: speaks just enough of
 * docs/protocol.md to get a client to a scene, then does one wrong thing.
 * Runs on its own thread on 127.0.0.1 at a free port. */
#ifndef FAKE_SERVER_H
#define FAKE_SERVER_H

#include <stddef.h>

typedef enum fake_mode {
    FAKE_STALL,           /* accepts the scene, never sends a frame */
    FAKE_GARBAGE,         /* random bytes as a binary message */
    FAKE_TRUNCATED,       /* a frame header promising more than follows */
    FAKE_OVERSIZED_FRAME, /* a 4096x4096 raw frame header: over the frame limit */
    FAKE_OVERSIZED_TEXT,  /* a 70 KB text message */
    FAKE_BAD_VERSION,     /* welcome with protocol version 2 */
    FAKE_STALL_MIDWAY,    /* three good frames, then silence */
    FAKE_EMPTY_TEXT,      /* a 0-byte text message */
    FAKE_EMPTY_BINARY,    /* a 0-byte binary message */
    FAKE_ENDLESS,         /* a frame header announcing 2^40 bytes, then bytes forever */
} fake_mode;

typedef struct fake_server fake_server;

fake_server *fake_server_start(fake_mode mode);
int fake_server_port(const fake_server *f);
/* Connections the fake has seen (the client reconnects after each fault). */
int fake_server_connections(fake_server *f);
/* The last scene message it was sent, as text ("" before any). The fake's
 * welcome names no minor version: it is a protocol 1.0 server. */
void fake_server_scene_text(fake_server *f, char *out, size_t cap);
void fake_server_stop(fake_server *f);

#endif
