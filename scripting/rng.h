/* rng.h — seeded random numbers for stories (rng.c): xoshiro256** seeded
 * by splitmix64, and the FNV-1a hash that names saves and scene seeds. */
#ifndef MZ_STORY_RNG_H
#define MZ_STORY_RNG_H

#include <stddef.h>
#include <stdint.h>

typedef struct story_rng {
    uint64_t s[4];
} story_rng;

void story_rng_seed(story_rng *r, uint64_t seed);
uint64_t story_rng_next(story_rng *r);
double story_rng_float(story_rng *r); /* [0, 1) */
/* Uniform in [lo, hi], lo <= hi, without modulo bias. */
int64_t story_rng_range(story_rng *r, int64_t lo, int64_t hi);
uint64_t story_hash(const void *data, size_t n, uint64_t h); /* FNV-1a 64, chainable */
#define STORY_HASH_INIT 0xcbf29ce484222325ull
uint64_t story_mix(uint64_t x); /* splitmix64 finaliser */

#endif
