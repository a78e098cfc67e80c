/* What mz_record_decode.c shares with its WebP reader (record_webp.c);
 * private to engine/record. */
#ifndef MZ_RECORD_DECODE_INTERNAL_H
#define MZ_RECORD_DECODE_INTERNAL_H

#include "mz_record_decode.h"

/* The source, with the bytes read to recognise the format put back in
 * front of it. */
typedef struct mz_record_input {
    const mz_record_decode_source *src;
    uint8_t head[16];
    size_t head_len, head_pos;
    uint64_t pos;
    bool failed; /* the source failed: its message is in mz_error() */
} mz_record_input;

/* The source's read, the put-back bytes first. */
long mz_record_input_read(mz_record_input *in, uint8_t *buf, size_t cap);

/* A WebP (RIFF) stream, still or animated, through libwebp. d->max_dim is
 * set. */
bool mz_record_webp_decode(mz_record_input *in, const mz_record_decode_desc *d);

#endif
