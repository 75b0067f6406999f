/* clock.h — the one monotonic clock every measurement uses, in microseconds. */
#ifndef RACESIM_CLOCK_H
#define RACESIM_CLOCK_H

#include <stdint.h>
#include <time.h>

/* Returns the current CLOCK_MONOTONIC time in microseconds. Never fails. */
static inline int64_t clock_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#endif
