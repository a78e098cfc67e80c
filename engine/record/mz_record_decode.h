/* mz_record_decode — pictures back out of a stream of bytes: a video (MP4,
 * WebM, MKV... through FFmpeg's libavformat/libavcodec), an animated or
 * still image (APNG and PNG, GIF, JPEG through the same; WebP, animated or
 * not, through libwebp, because FFmpeg 5.1's WebP decoder has no animation).
 *
 * Streaming: the bytes come through the source's read callback and each
 * picture goes to the frame callback as soon as it is decoded, so memory is
 * the decoder's state and one picture, whatever the file's size. A source
 * that can seek (an HTTP server answering Range requests) lets an MP4 whose
 * index comes last (FFmpeg's default, VideoHelperSuite's) be read without
 * keeping the file: the demuxer reads the index at the end, then the
 * pictures from the start.
 *
 * Threading: everything happens on the caller's thread, inside the call.
 * Ownership: the frame callback's picture is valid during the call only.
 * Errors: false + mz_error() for a stream that cannot be read or decoded;
 * a frame callback that returns false stops the decoding, which is a
 * success. */
#ifndef MZ_RECORD_DECODE_H
#define MZ_RECORD_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mz_record_decode_source {
    /* Up to cap bytes into buf: the count, 0 at the end, -1 on an error
     * (with mz_fail). */
    long (*read)(void *user, uint8_t *buf, size_t cap);
    /* The next read starts at offset from the start; NULL: the stream
     * cannot seek. false (with mz_fail) when it could not. */
    bool (*seek)(void *user, uint64_t offset);
    uint64_t size; /* bytes in all; 0: unknown */
    void *user;
} mz_record_decode_source;

typedef struct mz_record_decoded {
    const uint8_t *rgba; /* width*height RGBA, rows top to bottom */
    uint32_t width, height;
    uint32_t index;  /* 0, 1, 2... in presentation order */
    double time_s;   /* when it is shown, from the first picture (at 0) */
    double length_s; /* how long it is shown (the time to the next one) */
} mz_record_decoded;

typedef bool (*mz_record_decode_frame_fn)(void *user, const mz_record_decoded *frame);

typedef struct mz_record_decode_desc {
    mz_record_decode_source source;
    uint32_t max_dim; /* a wider or taller picture fails the call; 0: 16384 */
    mz_record_decode_frame_fn frame;
    void *user;
} mz_record_decode_desc;

/* Decodes every picture of the stream, in order. */
bool mz_record_decode(const mz_record_decode_desc *desc);

#endif
