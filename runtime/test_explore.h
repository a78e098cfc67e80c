/* test_explore — `maze test --coverage / --random / --html`: runs mz_explore
 * on one story and prints what it found (and the coloured graph as HTML). */
#ifndef TEST_EXPLORE_H
#define TEST_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>

typedef struct mz_test_explore_desc {
    const char *story;
    bool coverage;
    int runs; /* random playthroughs, 0: none */
    uint64_t seed;
    int max_turns;
    const char *html; /* write the graph here, or NULL */
    uint32_t turn_limit_ms; /* --turn-limit-ms; 0 -> 250 */
} mz_test_explore_desc;

/* Prints the reports to stdout. false when the story does not load, when
 * play met story errors, or when the coverage search left something out. */
bool mz_test_explore(const mz_test_explore_desc *desc);

#endif
