/* fuzz_save — the save parser (scripting/save.c, and serial.c's value
 * grammar for the state and items lines), through mz_story_restore as `maze
 * play --load` uses it, on the Cellar fixture story. A save may be refused,
 * with a message; a refused one must leave the story where it was. */
#define _GNU_SOURCE /* memfd_create: the input as a file, without touching disk */
#include "fuzz.h"
#include "mz_error.h"
#include "mz_log.h"
#include "mz_story.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static mz_story *story;
static int fd = -1;
static char path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    mz_log_set_level(MZ_LOG_ERROR); /* a warning per input would be most of the time spent */
    mz_story_desc desc = {.path = MZ_FUZZ_STORY, .seed = 7};
    story = mz_story_load(&desc);
    mz_story_turn t;
    if (!story || !mz_story_begin(story, &t)) {
        fprintf(stderr, "fuzz_save: cannot load %s: %s\n", MZ_FUZZ_STORY, mz_error());
        abort();
    }
    fd = memfd_create("save", 0);
    FUZZ_CHECK(fd >= 0);
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    FUZZ_CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);
    mz_story_turn before, after;
    FUZZ_CHECK(mz_story_refresh(story, &before));
    char scene[128];
    snprintf(scene, sizeof scene, "%s", before.scene);
    int turn = before.turn;

    if (mz_story_restore(story, path, &after)) {
        FUZZ_CHECK(after.scene && after.prompt && after.turn >= 0);
        /* What was restored plays on. */
        FUZZ_CHECK(mz_story_input(story, "go up", 5, &after));
        FUZZ_CHECK(after.turn > 0);
    } else {
        FUZZ_CHECK(mz_error()[0] != '\0');
        FUZZ_CHECK(mz_story_refresh(story, &after));
        FUZZ_CHECK(!strcmp(after.scene, scene) && after.turn == turn);
    }
    return 0;
}
