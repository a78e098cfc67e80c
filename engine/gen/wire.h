/* wire — one WebSocket peer's message queues, shared by the client skeleton
 * (ws_client.h: the remote backend, the ComfyUI adapter) and the generation
 * server (private to engine/gen).
 *
 * Outgoing messages are queued whole and written in chunks from the
 * connection's WRITEABLE callback, so a 3.5 MB frame never stalls the other
 * connections of the same service loop. Incoming fragments are reassembled
 * into one buffer whose size is checked before it grows.
 *
 * Threading: only the thread servicing the lws context touches a wire.
 * Ownership: the wire owns its queued copies and its receive buffer;
 * mz_gen_wire_reset frees them. */
#ifndef MZ_GEN_WIRE_H
#define MZ_GEN_WIRE_H

#include <libwebsockets.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mz_gen_wire_msg mz_gen_wire_msg;

typedef struct mz_gen_wire {
    struct lws *wsi;
    mz_gen_wire_msg *head, *tail;
    int queued;                  /* messages waiting, text and binary */
    int queued_binary;           /* of which frames: what the queue-depth limit counts */
    size_t max_text, max_binary; /* receive limits */
    uint8_t *in;                 /* the message being received */
    size_t in_len, in_cap;
    bool in_binary;
    bool in_overflow; /* the current message went over its limit */
} mz_gen_wire;

typedef enum mz_gen_wire_rx {
    MZ_GEN_WIRE_PARTIAL,  /* more fragments to come */
    MZ_GEN_WIRE_COMPLETE, /* w->in holds w->in_len bytes of one message */
    MZ_GEN_WIRE_TOO_LARGE /* over max_text / max_binary: close the connection */
} mz_gen_wire_rx;

void mz_gen_wire_init(mz_gen_wire *w, struct lws *wsi, size_t max_text, size_t max_binary);

/* Queue a copy of a text message. */
bool mz_gen_wire_send_text(mz_gen_wire *w, const char *text, size_t len);
/* Queue a binary message of `len` bytes and return where to write them
 * (valid until the next wire call), or NULL when out of memory. */
uint8_t *mz_gen_wire_send_binary(mz_gen_wire *w, size_t len);

/* A message made on any thread (the server's producers encode frames on
 * theirs) and queued later, on the service thread, by mz_gen_wire_push,
 * which takes it over. data gives where its len bytes go. */
mz_gen_wire_msg *mz_gen_wire_msg_new(size_t len, bool binary);
uint8_t *mz_gen_wire_msg_data(mz_gen_wire_msg *m);
void mz_gen_wire_msg_free(mz_gen_wire_msg *m);
void mz_gen_wire_push(mz_gen_wire *w, mz_gen_wire_msg *m);

/* Frees the queued binary messages not yet begun (one being written stays,
 * so the stream stays whole); text messages stay. */
void mz_gen_wire_drop_frames(mz_gen_wire *w);

/* From the WRITEABLE callback: writes the next chunk and asks for another
 * callback while anything is left. false: the connection failed. */
bool mz_gen_wire_writeable(mz_gen_wire *w);

/* From the RECEIVE callback with the callback's bytes. */
mz_gen_wire_rx mz_gen_wire_receive(mz_gen_wire *w, const void *in, size_t len);

/* Closes wsi from inside its own RECEIVE callback, which must then return
 * 0. libwebsockets 4.1 must never be told to close by a nonzero return
 * from RECEIVE: it goes on parsing the rest of what it read into its
 * receive buffer without rewinding it, and writes past the buffer's end (a
 * frame that announces 2^40 bytes corrupted the heap that way). Here the
 * connection is closed from the service loop instead, after the parser. */
void mz_gen_wire_kill(struct lws *wsi);

/* Frees queued messages and the receive buffer; the wire can be reused. */
void mz_gen_wire_reset(mz_gen_wire *w);

/* Contexts, made alike for every user of the wire (libwebsockets logs
 * errors only; `user` is what lws_context_user returns). NULL on failure;
 * the caller reports it and owns the context.
 * Listening on iface:port, IPv4 only; port 0 picks a free one. *bound gets
 * the port listened on. */
struct lws_context *mz_gen_wire_listen(const struct lws_protocols *protocols, void *user,
                                       const char *iface, int port, int *bound);
/* A client context: no listening, connections give up after 2 s. With
 * tls, it can make wss connections, trusting the certificates in ca_file
 * (PEM; NULL: the system's). */
struct lws_context *mz_gen_wire_client(const struct lws_protocols *protocols, void *user,
                                       bool tls, const char *ca_file);

/* Services ctx until *quit is set (then lws_cancel_service wakes it).
 * false: the service loop failed. */
bool mz_gen_wire_serve(struct lws_context *ctx, const atomic_bool *quit);

#endif
