/* record_input.c — the decoder's source with its recognised bytes put back
 * (record_decode_internal.h), shared by the FFmpeg and the WebP readers. */
#include "record_decode_internal.h"

#include <string.h>

long mz_record_input_read(mz_record_input *in, uint8_t *buf, size_t cap)
{
    if (in->head_pos < in->head_len) {
        size_t n = in->head_len - in->head_pos < cap ? in->head_len - in->head_pos : cap;
        memcpy(buf, in->head + in->head_pos, n);
        in->head_pos += n;
        in->pos += n;
        return (long)n;
    }
    long n = in->src->read(in->src->user, buf, cap);
    if (n > 0) in->pos += (uint64_t)n;
    in->failed |= n < 0;
    return n;
}
