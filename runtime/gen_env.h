/* gen_env — the generator's settings from the environment, read here and
 * nowhere in the engine: the engine takes them in mz_gen_desc.
 *   MZ_GEN_DEADLINE=S   seconds a remote backend may go without a frame
 *                       before the fallback stands in (desc.deadline_s)
 *   MZ_GEN_SCALE=F      0.25..1: the procedural backend draws this fraction
 *                       of each side, to compare quality and speed (desc.scale)
 * A field already set in the desc wins; a value out of range is ignored. */
#ifndef MZ_GEN_ENV_H
#define MZ_GEN_ENV_H

#include "mz_gen.h"

void mz_gen_desc_from_env(mz_gen_desc *desc);

#endif
