/* comfy_workflow — the ComfyUI adapter's workflow (private to engine/gen):
 * an API-format graph (node id -> {class_type, inputs}) loaded once, and
 * filled in for each scene: every {{name}} placeholder in its strings
 * replaced (docs/comfyui.md lists them).
 *
 * Ownership: load and fill return cJSON trees the caller deletes; the
 * template is never modified. Errors: NULL/false + mz_fail(). */
#ifndef MZ_COMFY_WORKFLOW_H
#define MZ_COMFY_WORKFLOW_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct mz_comfy_values {
    const char *prompt, *negative, *image;
    uint64_t seed;
    int width, height, frames;
    double fps;
} mz_comfy_values;

/* At most 1 MiB of JSON, an object. */
cJSON *mz_comfy_workflow_load(const char *path);

/* A copy of wf with the placeholders filled. A string that is exactly one
 * numeric placeholder becomes a JSON number, written from its decimal text
 * (a seed above 2^53 stays intact). */
cJSON *mz_comfy_workflow_fill(const cJSON *wf, const mz_comfy_values *v);

/* The node `id` of wf, or NULL. */
const cJSON *mz_comfy_workflow_node(const cJSON *wf, const char *id);

#endif
