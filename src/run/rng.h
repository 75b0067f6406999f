/* rng.h — per-buyer pseudo-random streams (xoshiro256**), all derived from one seed. */
#ifndef RACESIM_RNG_H
#define RACESIM_RNG_H

#include <stdint.h>

struct rng {
    uint64_t s[4];
};

/* Seeds r as stream number `stream` of `seed`: the same pair always gives the same sequence,
 * and different streams do not overlap in practice. Never fails. */
void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);

/* Returns the next 64 random bits. */
uint64_t rng_next(struct rng *r);

/* Returns a uniform integer in [lo, hi] (lo <= hi), without modulo bias. */
int64_t rng_range(struct rng *r, int64_t lo, int64_t hi);

/* Returns a uniform double in [0, 1). */
double rng_unit(struct rng *r);

#endif
