/* fuzz_proto — the control-message decoder (engine/gen/proto.c), which
 * reads every text message a peer sends. Any bytes must give a status, never
 * a crash; a message it accepts must survive encode -> decode unchanged, so
 * what one side writes the other side reads. */
#include "fuzz.h"
#include "mz_gen_proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

static mz_gen_proto_msg first, again; /* 45 KiB each: off the stack */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mz_gen_proto_status st = mz_gen_proto_decode((const char *)data, size, &first);
    FUZZ_CHECK((unsigned)st < MZ_GEN_PROTO_STATUS_COUNT);
    if (st != MZ_GEN_PROTO_OK) return 0;

    size_t len = 0;
    char *text = mz_gen_proto_encode(&first, &len);
    FUZZ_CHECK(text != NULL);
    FUZZ_CHECK(mz_gen_proto_decode(text, len, &again) == MZ_GEN_PROTO_OK);
    free(text);
    FUZZ_CHECK(again.type == first.type && again.id == first.id && again.seed == first.seed);
    FUZZ_CHECK(again.version == first.version && again.encodings == first.encodings);
    FUZZ_CHECK(again.width == first.width && again.height == first.height);
    FUZZ_CHECK(!strcmp(again.peer, first.peer) && !strcmp(again.prompt, first.prompt));
    FUZZ_CHECK(!strcmp(again.message, first.message) && again.code == first.code);
    FUZZ_CHECK(again.tag_count == first.tag_count);
    for (int i = 0; i < first.tag_count; i++)
        FUZZ_CHECK(!strcmp(again.tags[i], first.tags[i]));
    FUZZ_CHECK(again.minor == first.minor && again.prompt_count == first.prompt_count);
    for (int i = 0; i < first.prompt_count; i++)
        FUZZ_CHECK(!strcmp(again.prompts[i].text, first.prompts[i].text) &&
                   again.prompts[i].weight == first.prompts[i].weight);
    FUZZ_CHECK(again.transition_steps == first.transition_steps &&
               again.transition_method == first.transition_method);
    return 0;
}
