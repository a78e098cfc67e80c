/* gen_producer — one client's generator on a thread of its own, for the
 * generation server (private to engine/gen).
 *
 * The producer opens the client's generator, decodes its conditioning
 * frames, submits its scenes, paces and encodes its frames and finally
 * closes the generator: nothing one client asks for (a generator that takes
 * seconds to open, PNG at 1080p, large conditioning frames) holds up the
 * server's service thread, and so the other clients' frames.
 *
 * What it has to say comes out as events, in order, which the service
 * thread takes with mz_gen_producer_next. At most one frame waits there:
 * the producer makes the next one when that one has been taken
 * (back-pressure; the client's send queue is bounded by the server).
 *
 * Threading: the service thread calls every function here; the producer's
 * own thread touches nothing else. Ownership: start returns the producer;
 * mz_gen_producer_stop hands it back to its thread, which closes the
 * generator, frees everything and then decrements *alive. Scenes and
 * conditioning frames given to it are copied or taken over (see below). */
#ifndef MZ_GEN_PRODUCER_H
#define MZ_GEN_PRODUCER_H

#include "mz_gen.h"
#include "mz_gen_proto.h"
#include "wire.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mz_gen_backend;
typedef struct mz_gen_producer mz_gen_producer;

typedef struct mz_gen_producer_desc {
    const char *backend;               /* generator URI (copied) */
    const struct mz_gen_backend *impl; /* or this backend (tests, benchmarks) */
    void *gpu;                         /* optional mz_gpu* for the generator */
    mz_gen_quality quality;            /* the generator's (mz_gen_desc) */
    float scale;
    atomic_int *alive;                 /* +1 now, -1 when the thread has ended */
} mz_gen_producer_desc;

typedef enum mz_gen_producer_state {
    MZ_GEN_PRODUCER_OPENING,
    MZ_GEN_PRODUCER_OPEN,
    MZ_GEN_PRODUCER_FAILED
} mz_gen_producer_state;

typedef enum mz_gen_producer_kind {
    MZ_GEN_PRODUCER_FRAME,    /* msg: the whole binary message, to push */
    MZ_GEN_PRODUCER_ACCEPTED, /* id: the scene was submitted */
    MZ_GEN_PRODUCER_DONE,     /* id, frames: a scene of set length is complete */
    MZ_GEN_PRODUCER_ERROR     /* id, code, fatal, message */
} mz_gen_producer_kind;

typedef struct mz_gen_producer_event {
    struct mz_gen_producer_event *next;
    mz_gen_producer_kind kind;
    uint64_t id;
    uint32_t frames;
    mz_gen_proto_status code;
    bool fatal;
    char message[256];
    mz_gen_wire_msg *msg;
} mz_gen_producer_event;

/* Starts the thread, which opens the generator. NULL + mz_error() when no
 * thread can be made. */
mz_gen_producer *mz_gen_producer_start(const mz_gen_producer_desc *desc);
/* OPENING, then OPEN (`text` gets the backend's name) or FAILED (`text`
 * gets why). */
mz_gen_producer_state mz_gen_producer_state_get(mz_gen_producer *p, char *text, size_t cap);
/* A new scene (m is copied) with its conditioning frames: `count` binary
 * messages as they came (header and payload, each malloc'd; taken over,
 * decoded on the producer's thread). Supersedes a scene not yet begun. */
void mz_gen_producer_scene(mz_gen_producer *p, const mz_gen_proto_msg *m, uint8_t **cond,
                           const size_t *cond_len, int count);
/* Stops scene `id` if it is the one being made (no done). */
void mz_gen_producer_cancel(mz_gen_producer *p, uint64_t id);
/* The next event, or NULL; a frame only when take_frame (the client's send
 * queue has room). Free it with mz_gen_producer_event_free (a frame's msg
 * is the caller's once taken: set msg NULL before freeing). */
mz_gen_producer_event *mz_gen_producer_next(mz_gen_producer *p, bool take_frame);
void mz_gen_producer_event_free(mz_gen_producer_event *e);
/* The thread closes the generator and frees the producer; p is gone. */
void mz_gen_producer_stop(mz_gen_producer *p);

#endif
