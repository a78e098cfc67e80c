/* mz_gen_proto — the wire format of docs/protocol.md (version 1.1): control
 * messages as JSON text, frames as a fixed binary header plus payload.
 *
 * Pure functions: no sockets, no threads, no global state; safe to call from
 * any thread. Everything read from the network goes through the decoders,
 * which check every size and field against the limits below and never read
 * past `len`: a malformed or oversized message is a status + message, never
 * a crash.
 *
 * Errors: decoders return a status (MZ_GEN_PROTO_OK or the protocol error
 * code to send back) with the human-readable message in mz_error();
 * encoders return NULL / false + mz_fail() only for invalid input or OOM. */
#ifndef MZ_GEN_PROTO_H
#define MZ_GEN_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MZ_GEN_PROTO_VERSION 1
/* Minor versions add optional members only: a peer ignores members it does
 * not know, so either side may be older. 1: a scene's `prompts` and its
 * `transition` as an object (sent only to a server that says minor >= 1). */
#define MZ_GEN_PROTO_MINOR 1
#define MZ_GEN_PROTO_SUBPROTOCOL "maze-gen.v1"
#define MZ_GEN_PROTO_MAX_TEXT (64 * 1024)
#define MZ_GEN_PROTO_MAX_PROMPT 4096
#define MZ_GEN_PROTO_MIN_DIM 16
#define MZ_GEN_PROTO_MAX_DIM 4096
#define MZ_GEN_PROTO_MAX_FRAME_BYTES (32u << 20)
#define MZ_GEN_PROTO_HEADER_SIZE 44
#define MZ_GEN_PROTO_MAX_MESSAGE (MZ_GEN_PROTO_HEADER_SIZE + MZ_GEN_PROTO_MAX_FRAME_BYTES)
#define MZ_GEN_PROTO_MAX_CONDITIONING 4
#define MZ_GEN_PROTO_MAX_QUEUE 8
#define MZ_GEN_PROTO_MAX_TAGS 16
#define MZ_GEN_PROTO_MAX_TAG 32
#define MZ_GEN_PROTO_MAX_PROMPTS 8
#define MZ_GEN_PROTO_MAX_WEIGHT 1e6
#define MZ_GEN_PROTO_MAX_STEPS 600

typedef enum mz_gen_proto_status {
    MZ_GEN_PROTO_OK,
    MZ_GEN_PROTO_BAD_VERSION,
    MZ_GEN_PROTO_BAD_MESSAGE,
    MZ_GEN_PROTO_TOO_LARGE,
    MZ_GEN_PROTO_BAD_FRAME,
    MZ_GEN_PROTO_BUSY,
    MZ_GEN_PROTO_UNSUPPORTED,
    MZ_GEN_PROTO_INTERNAL,
    MZ_GEN_PROTO_TIMEOUT,
    MZ_GEN_PROTO_STATUS_COUNT
} mz_gen_proto_status;

/* "bad_version", "bad_message", ... as on the wire; "ok" for OK. */
const char *mz_gen_proto_status_code(mz_gen_proto_status s);
/* The status of a wire code; MZ_GEN_PROTO_INTERNAL for unknown codes. */
mz_gen_proto_status mz_gen_proto_status_of(const char *code);

typedef enum mz_gen_proto_type {
    MZ_GEN_PROTO_HELLO,
    MZ_GEN_PROTO_WELCOME,
    MZ_GEN_PROTO_SCENE,
    MZ_GEN_PROTO_CANCEL,
    MZ_GEN_PROTO_ACCEPTED,
    MZ_GEN_PROTO_PROGRESS,
    MZ_GEN_PROTO_DONE,
    MZ_GEN_PROTO_ERROR,
} mz_gen_proto_type;

typedef enum mz_gen_proto_encoding {
    MZ_GEN_PROTO_RAW = 0,
    MZ_GEN_PROTO_PNG = 1,
    MZ_GEN_PROTO_JPEG = 2,
} mz_gen_proto_encoding;
#define MZ_GEN_PROTO_ENC_BIT(e) (1u << (e))

/* How a stepped transition moves (the values of mz_gen.h's
 * mz_transition_method). */
typedef enum mz_gen_proto_interp {
    MZ_GEN_PROTO_LINEAR,
    MZ_GEN_PROTO_SLERP,
} mz_gen_proto_interp;

/* One of a scene's weighted prompts. */
typedef struct mz_gen_proto_prompt {
    char text[MZ_GEN_PROTO_MAX_PROMPT + 1];
    float weight; /* 0..MZ_GEN_PROTO_MAX_WEIGHT as sent: the receiver normalises */
} mz_gen_proto_prompt;

typedef struct mz_gen_proto_limits {
    uint32_t max_message_bytes, max_frame_bytes, max_queue_frames, max_conditioning;
} mz_gen_proto_limits;

/* One control message. Fixed-size fields, so a decoded message owns nothing
 * and is bounded by construction; which fields matter depends on `type`. */
typedef struct mz_gen_proto_msg {
    mz_gen_proto_type type;
    int version;                /* hello, welcome */
    int minor;                  /* hello, welcome: 0 when the peer sends none */
    uint64_t id;                /* scene, cancel, accepted, progress, done, error (0: none) */
    char peer[64];              /* hello: client, welcome: server */
    uint32_t encodings;         /* hello: MZ_GEN_PROTO_ENC_BIT set it can decode */
    uint32_t max_frame_bytes;   /* hello */
    char backend[32];           /* welcome */
    bool streaming;             /* welcome */
    mz_gen_proto_limits limits; /* welcome */
    char prompt[MZ_GEN_PROTO_MAX_PROMPT + 1];   /* scene */
    char negative[MZ_GEN_PROTO_MAX_PROMPT + 1]; /* scene */
    uint64_t seed;
    int width, height;
    float fps, duration, transition;
    /* scene (minor 1): weighted prompts (0: `prompt` alone), and a
     * transition over steps (0: `transition` seconds) with its method. */
    mz_gen_proto_prompt prompts[MZ_GEN_PROTO_MAX_PROMPTS];
    int prompt_count;
    int transition_steps;
    mz_gen_proto_interp transition_method;
    bool realtime;                  /* scene: pace "realtime" (true) or "fast" */
    mz_gen_proto_encoding encoding; /* scene: how the client wants its frames */
    int conditioning;
    char tags[MZ_GEN_PROTO_MAX_TAGS][MZ_GEN_PROTO_MAX_TAG];
    int tag_count;
    float fraction;           /* progress */
    uint32_t frames;          /* done */
    mz_gen_proto_status code; /* error */
    char message[256];        /* error */
    bool fatal;               /* error */
} mz_gen_proto_msg;

/* The limits version 1 defaults to. */
mz_gen_proto_limits mz_gen_proto_default_limits(void);

/* JSON text of `m` (NUL-terminated, *len without the NUL); free() it. */
char *mz_gen_proto_encode(const mz_gen_proto_msg *m, size_t *len);

/* Parses one text message of `len` bytes (need not be NUL-terminated). */
mz_gen_proto_status mz_gen_proto_decode(const char *text, size_t len, mz_gen_proto_msg *out);

/* A binary frame message, header fields plus where its payload lies. */
typedef struct mz_gen_proto_frame {
    uint64_t scene_id;
    uint32_t index;
    bool transitional;
    bool conditioning;
    mz_gen_proto_encoding encoding;
    uint64_t time_us;
    uint32_t width, height;
    const uint8_t *payload; /* decode: points into the message */
    size_t payload_size;
} mz_gen_proto_frame;

/* Writes the 44-byte header for f (payload_size included). */
void mz_gen_proto_frame_header(const mz_gen_proto_frame *f, uint8_t out[MZ_GEN_PROTO_HEADER_SIZE]);

/* Parses a binary message; payload must fit max_frame_bytes and, for raw,
 * be exactly width*height*4. out->payload points into msg. */
mz_gen_proto_status mz_gen_proto_frame_parse(const uint8_t *msg, size_t len,
                                             uint32_t max_frame_bytes, mz_gen_proto_frame *out);

/* Decodes f's payload (raw, PNG or JPEG) into rgba, which holds exactly
 * f->width*f->height*4 bytes; an image of another size is BAD_FRAME. */
mz_gen_proto_status mz_gen_proto_frame_pixels(const mz_gen_proto_frame *f, uint8_t *rgba);

/* Image codecs, also used by the ComfyUI adapter (PNGs are encoded by
 * engine/record's mz_record_png_encode). Decode: *rgba malloc'd, dimensions
 * at most max_dim. */
/* quality 1..100; *out malloc'd, free() it. */
bool mz_gen_jpeg_encode(const uint8_t *rgba, uint32_t w, uint32_t h, int quality, uint8_t **out,
                        size_t *len);
/* "raw", "png", "jpeg" -> the encoding; false for anything else. */
bool mz_gen_proto_encoding_of(const char *name, mz_gen_proto_encoding *out);
bool mz_gen_image_decode(const uint8_t *data, size_t len, uint32_t max_dim, uint8_t **rgba,
                         uint32_t *w, uint32_t *h);

/* Bilinear resize of tightly packed RGBA (for servers whose images are not
 * the size asked for, e.g. ComfyUI previews). */
void mz_gen_image_scale(const uint8_t *src, uint32_t sw, uint32_t sh, uint8_t *dst, uint32_t dw,
                        uint32_t dh);

#endif
