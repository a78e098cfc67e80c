/* fuzz_frame — the binary frame parser (engine/gen/proto_frame.c): the
 * 44-byte header, then the payload decoded as raw, PNG or JPEG, exactly as
 * the remote client does with every frame a server streams. A frame it
 * accepts must decode to exactly width*height*4 bytes or fail cleanly. */
#include "fuzz.h"
#include "mz_gen_proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Small limits keep each input cheap; the checks are the same at any size. */
#define FUZZ_MAX_FRAME (256u << 10)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mz_gen_proto_frame f;
    mz_gen_proto_status st = mz_gen_proto_frame_parse(data, size, FUZZ_MAX_FRAME, &f);
    FUZZ_CHECK((unsigned)st < MZ_GEN_PROTO_STATUS_COUNT);
    if (st != MZ_GEN_PROTO_OK) return 0;
    FUZZ_CHECK(f.payload >= data && f.payload + f.payload_size == data + size);
    size_t bytes = (size_t)f.width * f.height * 4;
    FUZZ_CHECK(bytes <= FUZZ_MAX_FRAME);

    uint8_t *rgba = malloc(bytes);
    FUZZ_CHECK(rgba != NULL);
    st = mz_gen_proto_frame_pixels(&f, rgba);
    FUZZ_CHECK(st == MZ_GEN_PROTO_OK || st == MZ_GEN_PROTO_BAD_FRAME);
    free(rgba);

    /* The payload on its own, as the ComfyUI adapter decodes images. */
    uint8_t *image;
    uint32_t w, h;
    if (mz_gen_image_decode(f.payload, f.payload_size, 256, &image, &w, &h)) {
        FUZZ_CHECK(w >= 1 && h >= 1 && w <= 256 && h <= 256);
        uint8_t small[16 * 16 * 4];
        mz_gen_image_scale(image, w, h, small, 16, 16);
        free(image);
    }
    return 0;
}
