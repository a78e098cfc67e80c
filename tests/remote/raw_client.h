/* A client for server robustness tests: connects to 127.0.0.1:port, sends
 * the given messages as they are (valid or not), and reports the server's
 * first error and whether it closed the connection. */
#ifndef RAW_CLIENT_H
#define RAW_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct raw_msg {
    bool binary;
    const void *data;
    size_t len;
} raw_msg;

typedef struct raw_reply {
    bool welcomed, accepted;
    char code[32]; /* the first error's code, "" if none */
    char message[256];
    bool fatal;
    bool closed; /* the server closed the connection */
} raw_reply;

bool raw_exchange(int port, const raw_msg *msgs, int count, double timeout_ms, raw_reply *reply);

#endif
