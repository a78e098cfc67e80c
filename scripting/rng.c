/* rng.c — the story's seeded random numbers and hashes.
 * xoshiro256** (Blackman & Vigna): small, fast, and the same on every
 * platform, so a playthrough replays exactly from its seed and inputs. */
#include "rng.h"

uint64_t story_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void story_rng_seed(story_rng *r, uint64_t seed)
{
    /* splitmix64 expands the seed, so no state word is zero for any seed. */
    for (int i = 0; i < 4; i++) {
        seed += 0x9e3779b97f4a7c15ull;
        r->s[i] = story_mix(seed);
    }
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t story_rng_next(story_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double story_rng_float(story_rng *r)
{
    return (double)(story_rng_next(r) >> 11) * 0x1.0p-53;
}

int64_t story_rng_range(story_rng *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo; /* hi - lo, as unsigned: no overflow */
    if (span == UINT64_MAX) return (int64_t)story_rng_next(r);
    uint64_t n = span + 1;
    /* Reject the top sliver of values that would make the modulo uneven. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = story_rng_next(r);
    while (x >= limit);
    return (int64_t)((uint64_t)lo + x % n);
}

uint64_t story_hash(const void *data, size_t n, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}
