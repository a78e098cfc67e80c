/* fuzz.h — what a fuzz target defines. Each tests/fuzz/fuzz_*.c is one
 * libFuzzer target: built with clang -fsanitize=fuzzer when MZ_FUZZ is on
 * (tools/fuzz.sh), and otherwise linked with replay.c into a program that
 * runs the committed corpus once, so every build's test suite replays the
 * seeds and every input a fuzzer ever crashed on. */
#ifndef MZ_FUZZ_H
#define MZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Called once before the first input; returns 0. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
/* One input; returns 0. A broken invariant aborts (a finding). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Checks that hold for any input; a failure is a finding, reported on
 * stderr before the abort so the log says what broke. */
#define FUZZ_CHECK(cond)                                                          \
    do {                                                                          \
        if (!(cond)) {                                                            \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, __LINE__, \
                    #cond);                                                       \
            abort();                                                              \
        }                                                                         \
    } while (0)

#endif
