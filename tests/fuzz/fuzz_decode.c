/* fuzz_decode — engine/record's decoder (mz_record_decode.c, record_webp.c)
 * on any bytes, as the ComfyUI adapter feeds it the files a server says are
 * its outputs: FFmpeg's demuxers and decoders behind it, and the WebP
 * chunk reader of our own. Every picture it hands out is within the size
 * limit, numbered in order, at a finite time; any input ends in a success
 * or an error with a message, never a crash or a leak. */
#include "fuzz.h"
#include "mz_error.h"
#include "mz_record_decode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FUZZ_MAX_DIM 256
#define FUZZ_MAX_FRAMES 64

typedef struct memory {
    const uint8_t *data;
    size_t len, pos;
    uint32_t frames;
} memory;

static long mem_read(void *user, uint8_t *buf, size_t cap)
{
    memory *m = user;
    size_t n = m->len - m->pos < cap ? m->len - m->pos : cap;
    memcpy(buf, m->data + m->pos, n);
    m->pos += n;
    return (long)n;
}

static bool mem_seek(void *user, uint64_t offset)
{
    memory *m = user;
    if (offset > m->len) return mz_fail("seek past the end");
    m->pos = (size_t)offset;
    return true;
}

static bool on_frame(void *user, const mz_record_decoded *f)
{
    memory *m = user;
    FUZZ_CHECK(f->width >= 1 && f->height >= 1);
    FUZZ_CHECK(f->width <= FUZZ_MAX_DIM && f->height <= FUZZ_MAX_DIM);
    FUZZ_CHECK(f->index == m->frames);
    FUZZ_CHECK(isfinite(f->time_s) && isfinite(f->length_s));
    /* Every byte of the picture is there to read. */
    volatile uint8_t sum = 0;
    for (size_t i = 0; i < (size_t)f->width * f->height * 4; i += 61)
        sum += f->rgba[i];
    (void)sum;
    return ++m->frames < FUZZ_MAX_FRAMES;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    memory m = {.data = data, .len = size};
    bool ok = mz_record_decode(&(mz_record_decode_desc){
        .source = {.read = mem_read, .seek = mem_seek, .size = size, .user = &m},
        .max_dim = FUZZ_MAX_DIM,
        .frame = on_frame,
        .user = &m});
    FUZZ_CHECK(ok || mz_error()[0]);
    return 0;
}
