/* mz_walk — playing walkthroughs: files of viewer lines with `#expect`
 * checks (format: docs/story-api.md, "Testing your story"). Used by
 * `maze test` and by the test suite; built on the public mz_story API.
 *
 * Every problem is handed to the caller with the file and line it is about
 * (the `#expect` line that failed, the input that raised a story error, the
 * story file's `ending` that no walkthrough reaches).
 *
 * Ownership: strings passed to the hooks are valid during the call only.
 * Threading: none of its own; one call at a time per hooks. Errors: problems
 * go to the hooks; nothing here fails otherwise. */
#ifndef MZ_WALK_H
#define MZ_WALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mz_story.h"

#define MZ_WALK_NAME_MAX 128

typedef struct mz_walk_result {
    int inputs, expectations;
    int problems; /* failed expectations, story errors, input after the ending... */
    bool ended;
    char ending[MZ_WALK_NAME_MAX];
    uint64_t digest; /* of every turn's scene, prompt, caption and reply */
    char lang[16];   /* the language played (`#lang fr`; else the story's first), or "" */
} mz_walk_result;

typedef struct mz_walk_hooks {
    /* Each problem, as it is found. file is the walkthrough (or the story
     * file, for a story-wide problem); line 0 when there is none. */
    void (*problem)(const char *file, int line, const char *message, void *user);
    /* After each walkthrough of mz_walk_story, with its result. */
    void (*done)(const char *file, const mz_walk_result *r, void *user);
    /* Optional: each prompt shown on entering a scene; a message makes it a
     * problem (the test suite asks the generator whether it can read it). */
    const char *(*check_prompt)(const char *prompt, void *user);
    /* Optional: after the beginning and after every input, with the story
     * being played (a coverage search starts from these states). */
    void (*turn)(mz_story *s, const mz_story_turn *t, void *user);
    void *user;
    /* Optional: the viewer profile to play with, instead of the file's
     * `#profile` line (mz_story_desc.profile's text). */
    const char *profile;
    /* Optional: mz_walk_story also runs this on each walkthrough after
     * playing it, counting what it returns as failures (`maze test
     * --variants` passes mz_walk_variants, which plays files through
     * mz_walk_file: a hook, so walk.c does not call back into it). */
    int (*also)(const char *story, const char *file, const struct mz_walk_hooks *h);
    uint32_t turn_limit_ms; /* the story's time limit per turn (mz_story_desc); 0 -> 250 */
} mz_walk_hooks;

/* Plays `file` on the story folder `story`. Returns r->problems. */
int mz_walk_file(const char *story, const char *file, const mz_walk_hooks *h, mz_walk_result *r);

/* Plays every .txt file in the story's walkthroughs/ folder (sorted by name) and then
 * each of `extra`. Each walkthrough must also replay identically, and one in
 * walkthroughs/ must end in the ending it is named after (`bell.txt`,
 * `bell.cellar.txt`: ending "bell"); every ending the story declares must be
 * reached by one. Returns the number of walkthroughs that failed plus the
 * story-wide problems; *count (may be NULL) gets how many were played. */
int mz_walk_story(const char *story, const char *const *extra, size_t extra_count,
                  const mz_walk_hooks *h, int *count);

/* Plays `file` again under every other profile the story's viewer fields
 * make (each value of each field in turn): a part of a turn may differ from
 * the file's own play only where a variant of the story declares it (or
 * story code read `viewer` making it; a route or such code in a condition
 * or effect parts the plays, and comparing stops there), and each play must
 * replay identically. #expect lines are not checked (they speak of the
 * file's own profile); story errors are. Each profile's play goes to
 * h->done, named "FILE [tone=eerie: prompt N, caption N(, parts at turn N)]"
 * with how many turns differed in each (the prompt: its style or scene
 * part). Returns how many failed. */
int mz_walk_variants(const char *story, const char *file, const mz_walk_hooks *h);

#endif
