/* mz_stats — reading latency samples: the sort every benchmark and the
 * generator's stats do before taking percentiles. Pure functions. */
#ifndef MZ_STATS_H
#define MZ_STATS_H

#include <stddef.h>

/* Sorts v[n] ascending. */
void mz_stats_sort(double *v, size_t n);

/* The sample at quantile q (0..1) of sorted[n], n > 0: nearest rank,
 * index round((n - 1) * q). */
double mz_stats_percentile(const double *sorted, size_t n, double q);

#endif
