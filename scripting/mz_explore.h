/* mz_explore — exploring a story without a viewer, for `maze test`:
 *
 * - coverage: a breadth-first search of the story's states (scene, `s`,
 *   items, modifiers, visit counts up to 3), trying in each state every
 *   pattern of the scene's transitions and one line that matches nothing,
 *   within bounds of depth and states. Every transition taken, scene
 *   entered, `otherwise` used and error met is recorded.
 * - random: N seeded playthroughs; each turn's line is one of the scene's
 *   patterns (with typos, capitals or noise added), a global word ("help",
 *   "look"...), or nonsense. Records endings, visits, turn counts, viewers
 *   stuck (3 unmatched lines in a row), dead ends and loops never left.
 *
 * Both use the public mz_story API only and play with no rendering.
 * Ownership: the report owns its arrays and strings; free it with
 * mz_explore_report_free. Threading: none. Errors: false + mz_error() when
 * the story does not load; story errors met in play go in the report. */
#ifndef MZ_EXPLORE_H
#define MZ_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct mz_explore_desc {
    const char *story; /* folder */
    int runs;          /* random: playthroughs (0 -> 100) */
    uint64_t seed;     /* random: run i plays with seed + i (0 -> 1) */
    int max_turns;     /* random: turns per playthrough (0 -> 200);
                          coverage: search depth (0 -> 40) */
    int max_states;    /* coverage: distinct states explored (0 -> 20,000) */
    uint32_t turn_limit_ms; /* the story's time limit per turn (mz_story_desc); 0 -> 250 */
} mz_explore_desc;

typedef struct mz_explore_transition {
    const char *pattern; /* its first pattern */
    const char *file;
    int line;
    int to_scene; /* -1: stays or chosen in play */
    uint32_t taken;
} mz_explore_transition;

typedef struct mz_explore_scene {
    char *id, *file;
    int line;
    bool ending;
    uint32_t visits;  /* entries */
    uint32_t endings; /* random playthroughs that ended here */
    uint32_t stuck;   /* times a random viewer typed 3 unmatched lines in a row here */
    uint32_t otherwise; /* lines that matched nothing here */
    bool dead_end;    /* random: entered, never followed by an ending */
    bool unleft_loop; /* random: where playthroughs that never ended went round */
    mz_explore_transition *transitions;
    size_t transition_count;
} mz_explore_scene;

typedef struct mz_explore_error {
    char *message; /* "file:line: message" */
    uint32_t count;
} mz_explore_error;

typedef struct mz_explore_report {
    mz_explore_scene *scenes;
    size_t scene_count;
    mz_explore_error *errors;
    size_t error_count;
    long turns;   /* turns played in all */
    int runs, ended_runs;
    int *run_turns; /* random: turns of each playthrough, sorted */
    size_t states;  /* coverage: distinct states seen */
    bool bounded;   /* coverage: a bound stopped the search early */
} mz_explore_report;

bool mz_explore_coverage(const mz_explore_desc *desc, mz_explore_report *out);
bool mz_explore_random(const mz_explore_desc *desc, mz_explore_report *out);
void mz_explore_report_free(mz_explore_report *r);

/* The graph in Graphviz DOT, each scene shaded by its visits (white to
 * green), scenes never entered and transitions never taken red and dashed. */
void mz_explore_write_dot(const mz_explore_report *r, FILE *out);

#endif
