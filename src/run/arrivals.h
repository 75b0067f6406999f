/* arrivals.h — an open loop's schedule: when each purchase is meant to start (--rate). */
#ifndef RACESIM_ARRIVALS_H
#define RACESIM_ARRIVALS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "rng.h"

/* Arrivals at `rate` per second from time 0 (microseconds after the run's start): evenly
 * spaced (constant) or with exponential gaps (Poisson, drawn from the seed). The schedule
 * ends after `limit` arrivals (0: no limit) or at `end_us` (0: never), whichever is first.
 * Buyers take arrivals in order; shared by every buyer (a mutex). */
struct arrivals {
    pthread_mutex_t lock;
    double gap_us;             /* mean gap: 1e6 / rate */
    bool poisson;
    struct rng rng;            /* Poisson gaps */
    double next_us;            /* the next arrival not yet taken */
    uint64_t taken;
    uint64_t limit;
    int64_t end_us;
};

/* Starts the schedule. rate > 0. Never fails. */
void arrivals_init(struct arrivals *a, double rate, bool poisson, uint64_t seed, uint64_t limit,
                   int64_t end_us);

/* Takes the next arrival: true with its intended start (microseconds after the run's start)
 * in *at_us; false when the schedule has ended. Thread-safe. */
bool arrivals_take(struct arrivals *a, int64_t *at_us);

/* How many arrivals were due by now_us (after the start) but not yet taken: the backlog.
 * *all_due (when not NULL) tells whether no arrival is left after now_us. Does not change
 * the schedule. Thread-safe. */
uint64_t arrivals_backlog(struct arrivals *a, int64_t now_us, bool *all_due);

/* Frees what arrivals_init made. */
void arrivals_destroy(struct arrivals *a);

#endif
