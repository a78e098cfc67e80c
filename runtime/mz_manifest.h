/* mz_manifest — the JSON sidecar of a recording (a folder of frames, or a
 * video): enough to make the same frames again, and the SHA-256 of every
 * file it wrote, for `maze verify`.
 *
 * Its fields follow C2PA's manifest (claim_generator, assertions with
 * c2pa.actions and its digitalSourceType, ingredients with hashes) so a
 * C2PA signer can wrap it once a C library for one is packaged; nothing is
 * signed today. Layout: docs/provenance.md.
 *
 * Ownership: create/destroy; strings are copied. Threading: one thread.
 * Errors: false + mz_error(). */
#ifndef MZ_MANIFEST_H
#define MZ_MANIFEST_H

#include "mz_provenance.h"
#include "mz_story.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How the recording was made: the command line that makes it again.
 * Zero fields are the commands' defaults. */
typedef struct mz_manifest_desc {
    const char *command;       /* "play" (headless) or "gen" */
    const char *generator;     /* URI; NULL -> "procedural" */
    const mz_provenance *story; /* NULL for gen */
    const char *story_path;
    uint64_t seed;
    int width, height;
    float fps;
    int frames_per_turn;       /* play */
    const char *prompt, *then; /* gen */
    long frames, then_at;      /* gen */
    float transition;          /* gen */
    /* How the generator drew: all pixels (gen --quality reference), and
     * the fraction of each side it drew (MZ_GEN_SCALE; 0: by device). */
    bool reference;
    float scale;
} mz_manifest_desc;

typedef struct mz_manifest mz_manifest;

mz_manifest *mz_manifest_create(const mz_manifest_desc *desc);
void mz_manifest_destroy(mz_manifest *m);

/* A line the viewer typed (play), as read (any bytes). */
void mz_manifest_input(mz_manifest *m, const char *line, size_t len);
/* A turn's prompt and seed. */
void mz_manifest_turn(mz_manifest *m, const mz_story_turn *turn);
/* A file of the recording, named relative to the manifest's folder. */
void mz_manifest_file(mz_manifest *m, const char *name);
/* Writes the manifest at path, hashing the files now; backend is the one
 * that made the frames (mz_gen_stats.backend). */
bool mz_manifest_write(mz_manifest *m, const char *path, const char *backend);

#endif
