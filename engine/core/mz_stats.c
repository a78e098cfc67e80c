/* mz_stats — see mz_stats.h. */
#include "mz_stats.h"

#include <stdlib.h>

static int ascending(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void mz_stats_sort(double *v, size_t n)
{
    qsort(v, n, sizeof *v, ascending);
}

double mz_stats_percentile(const double *sorted, size_t n, double q)
{
    return sorted[(size_t)((double)(n - 1) * q + 0.5)];
}
