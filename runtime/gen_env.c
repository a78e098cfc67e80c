/* The generator's environment variables (see gen_env.h). */
#include "gen_env.h"

#include <stdlib.h>

static double env_number(const char *name, double lo, double hi)
{
    const char *s = getenv(name);
    char *end;
    double v = s ? strtod(s, &end) : 0;
    return s && end != s && !*end && v >= lo && v <= hi ? v : 0;
}

void mz_gen_desc_from_env(mz_gen_desc *desc)
{
    if (!(desc->deadline_s > 0))
        desc->deadline_s = (float)env_number("MZ_GEN_DEADLINE", 1e-3, 3600);
    if (!(desc->scale > 0)) desc->scale = (float)env_number("MZ_GEN_SCALE", 0.25, 1.0);
}
