/* arrivals.c — an open loop's schedule: constant or Poisson arrivals at a rate. */
#include "arrivals.h"

#include <math.h>

#define BACKLOG_COUNT_MAX 100000000ull   /* a backlog is counted up to this */

void arrivals_init(struct arrivals *a, double rate, bool poisson, uint64_t seed, uint64_t limit,
                   int64_t end_us)
{
    pthread_mutex_init(&a->lock, NULL);
    a->gap_us = 1e6 / rate;
    a->poisson = poisson;
    rng_seed(&a->rng, seed, UINT64_C(0xa11)); /* a stream apart from every buyer's */
    a->taken = 0;
    a->limit = limit;
    a->end_us = end_us;
    a->next_us = 0;
}

/* The arrival after one at t: evenly spaced (from the index, so no drift) or a Poisson gap. */
static double after(const struct arrivals *a, struct rng *r, double t, uint64_t index)
{
    if (!a->poisson)
        return (double)(index + 1) * a->gap_us;
    return t - log(1.0 - rng_unit(r)) * a->gap_us;
}

static bool ended(const struct arrivals *a, uint64_t index, double t)
{
    return (a->limit && index >= a->limit) || (a->end_us && t >= (double)a->end_us);
}

bool arrivals_take(struct arrivals *a, int64_t *at_us)
{
    pthread_mutex_lock(&a->lock);
    bool ok = !ended(a, a->taken, a->next_us);
    if (ok) {
        *at_us = (int64_t)a->next_us;
        a->next_us = after(a, &a->rng, a->next_us, a->taken);
        a->taken++;
    }
    pthread_mutex_unlock(&a->lock);
    return ok;
}

uint64_t arrivals_backlog(struct arrivals *a, int64_t now_us, bool *all_due)
{
    pthread_mutex_lock(&a->lock);
    struct rng r = a->rng;     /* a copy: counting ahead leaves the schedule as it is */
    double t = a->next_us;
    uint64_t i = a->taken, n = 0;
    while (!ended(a, i, t) && t <= (double)now_us && n < BACKLOG_COUNT_MAX) {
        t = after(a, &r, t, i);
        i++;
        n++;
    }
    if (all_due)
        *all_due = ended(a, i, t);
    pthread_mutex_unlock(&a->lock);
    return n;
}

void arrivals_destroy(struct arrivals *a)
{
    pthread_mutex_destroy(&a->lock);
}
