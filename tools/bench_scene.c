/* bench_scene — how long the prompt interpreter takes: p50/p95 per prompt
 * for a set of typical prompts, and the built-in lexicon's parse time.
 * Usage: bench_scene [rounds] */
#include "mz_scene_interp.h"
#include "mz_stats.h"
#include "mz_time.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const prompts[] = {
    "night",
    "a red sunset over the sea",
    "heavy rain in the city at night, neon lamps, slow pan left",
    ("An eerie lighthouse on the cliffs at midnight, thick fog rolling in from the sea; the "
     "keeper's lantern. Slow push in."), /* parentheses: one long prompt, not a lost comma */
    "a quiet forest by a lake at dawn, no wind, birds, soft golden light, Mara waits",
    "the surface of the moon, stars, earth rising, static shot, monochrome",
    "snowing on the tundra, a little mist, a lone stranger, melancholy, crane up",
    "flibber quux zorp wibble",
};
#define N_PROMPTS (sizeof prompts / sizeof *prompts)

int main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 2000;
    if (rounds < 1) rounds = 1;
    uint64_t t0 = mz_time_ns();
    mz_scene_lexicon *lx = mz_scene_lexicon_load(NULL);
    double load_ms = mz_time_ms_since(t0);
    if (!lx) return 1;
    double *us = malloc(sizeof *us * (size_t)rounds * N_PROMPTS);
    if (!us) return 1;
    printf("lexicon: %zu phrases, parsed in %.2f ms\n", mz_scene_lexicon_size(lx), load_ms);
    printf("%-8s %-8s %s\n", "p50 us", "p95 us", "prompt");
    size_t all = 0;
    for (size_t i = 0; i < N_PROMPTS; i++) {
        double *mine = us + all;
        for (int r = 0; r < rounds; r++) {
            mz_scene_params p;
            mz_scene_trace why;
            uint64_t t = mz_time_ns();
            mz_scene_interpret(lx, prompts[i], NULL, &p, &why);
            mine[r] = (double)(mz_time_ns() - t) / 1000.0;
        }
        mz_stats_sort(mine, (size_t)rounds);
        printf("%-8.2f %-8.2f %.60s\n", mine[rounds / 2], mine[rounds * 95 / 100], prompts[i]);
        all += (size_t)rounds;
    }
    mz_stats_sort(us, all);
    printf("all prompts: p50 %.2f us, p95 %.2f us\n", us[all / 2], us[all * 95 / 100]);
    free(us);
    mz_scene_lexicon_destroy(lx);
    return 0;
}
