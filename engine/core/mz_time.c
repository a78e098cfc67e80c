#include "mz_time.h"

#include <time.h>

uint64_t mz_time_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double mz_time_ms_since(uint64_t start_ns) { return (double)(mz_time_ns() - start_ns) / 1e6; }

void mz_time_sleep_ms(double ms)
{
    if (ms <= 0) return;
    struct timespec ts = {(time_t)(ms / 1000), (long)((ms - (double)(time_t)(ms / 1000) * 1000) * 1e6)};
    while (nanosleep(&ts, &ts) != 0) {
    }
}
