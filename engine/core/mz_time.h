/* mz_time — monotonic time for latency and frame pacing. Thread-safe. */
#ifndef MZ_TIME_H
#define MZ_TIME_H

#include <stdint.h>

/* Nanoseconds on a monotonic clock with an arbitrary origin. */
uint64_t mz_time_ns(void);
/* Milliseconds between two mz_time_ns() readings, as a double. */
double mz_time_ms_since(uint64_t start_ns);
void mz_time_sleep_ms(double ms);

#endif
