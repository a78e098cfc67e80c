/* mz_provenance — what the engine says about where its pictures came from:
 * the iTXt tags and IPTC DigitalSourceType of every PNG it writes (--record,
 * maze gen, F12), and the story's identity (its folder name and a SHA-256
 * of its files) that the PNGs and the manifests carry.
 *
 * The prompt in a PNG can hold a viewer's own words: --no-metadata turns
 * the whole thing off (docs/provenance.md).
 *
 * Ownership: plain structs the caller owns; nothing is kept. Threading:
 * none shared (the generator's stats are read under its own lock).
 * Errors: false + mz_error(). */
#ifndef MZ_PROVENANCE_H
#define MZ_PROVENANCE_H

#include "mz_gen.h"
#include "mz_record.h"
#include "mz_story.h"

#include <stdbool.h>
#include <stdint.h>

#define MZ_PROVENANCE_SOFTWARE "maze " MZ_VERSION

typedef struct mz_provenance {
    bool off;             /* --no-metadata: PNGs carry nothing */
    char story_id[128];   /* the story's folder name; "" without a story */
    char story_hash[65];  /* SHA-256 over its files' names and bytes; "" without */
} mz_provenance;

/* Fills story_id and story_hash from a story folder or its story.lua. */
bool mz_provenance_story(mz_provenance *p, const char *story_path);

/* What one frame was made from. NULL strings and turn < 0 are left out. */
typedef struct mz_provenance_frame {
    mz_gen *gen; /* the generator: the backend making frames now is named */
    const char *scene;
    int turn;
    const char *prompt, *negative;
    uint64_t seed;
} mz_provenance_frame;

/* A story turn's frame (turn NULL: nothing known but the generator). */
mz_provenance_frame mz_provenance_turn(const mz_story_turn *turn, mz_gen *gen);

/* The IPTC DigitalSourceType of a backend's frames: procedural frames are
 * algorithmicMedia; remote and ComfyUI servers stand for neural models,
 * trainedAlgorithmicMedia. */
const char *mz_provenance_source_type(const char *backend);

/* Now, in UTC, ISO 8601 ("2026-12-06T04:14:42Z"). */
void mz_provenance_now(char out[32]);

/* The on-screen disclosure label (docs/provenance.md): the installation's
 * choice (off, or its own text) over the story's (mz_story_disclosure) over
 * MZ_PROVENANCE_DISCLOSURE. NULL: no label. story may be NULL. */
#define MZ_PROVENANCE_DISCLOSURE "Scenes generated as you play"
const char *mz_provenance_disclosure(bool off, const char *installation, const mz_story *story);

/* Writes the PNG with its provenance (bare when p is NULL or p->off). */
bool mz_provenance_png_write(const mz_provenance *p, const mz_provenance_frame *f, const char *path,
                             const uint8_t *rgba, uint32_t width, uint32_t height);

#endif
