/* The backends built into engine/gen (private): the front's table lists them. */
#ifndef MZ_GEN_BACKENDS_H
#define MZ_GEN_BACKENDS_H

#include "mz_gen_backend.h"

/* "procedural": the embedded Vulkan generator (procedural.c). */
extern const mz_gen_backend mz_gen_procedural_backend;
/* "ws://host:port": a server speaking docs/protocol.md (backend_remote.c). */
extern const mz_gen_backend mz_gen_remote_backend;
/* "comfy://host:port?workflow=FILE": a ComfyUI server (backend_comfy.c). */
extern const mz_gen_backend mz_gen_comfy_backend;

#endif
