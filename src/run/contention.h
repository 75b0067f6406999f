/* contention.h — `jitter contention`: a retry's backoff sized to how many purchases contend. */
#ifndef RACESIM_CONTENTION_H
#define RACESIM_CONTENTION_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "script.h"

/* How many retried attempts per finished purchase the slot settles at. */
#define CONTENTION_RETRIES_PER_FINISH 2

/* What the run's buyers share: the purchases in progress and the slot per purchase in
 * progress (ns), which grows at each retried attempt and shrinks at each other one. */
struct contention {
    atomic_int in_progress;
    _Atomic int64_t slot_ns;
    int64_t max_ns;             /* MAX: the slot grows no further once the window is MAX */
};

/* Starts the shared figures for retry policy rp: no purchase in progress, the slot at MIN (at
 * least 100 µs). Never fails. */
void contention_init(struct contention *c, const struct retry_policy *rp);

/* A purchase starts (true) or ends (false). */
void contention_purchase(struct contention *c, bool starts);

/* An attempt ended; retried: its outcome is one the @retry retries. Grows the slot by
 * 1/n (n: purchases in progress), but not beyond MAX / n (a window of MAX: a burst of
 * conflicts, e.g. while a lock holder is descheduled, leaves no longer memory than that), or
 * shrinks it by n/(n + CONTENTION_RETRIES_PER_FINISH); never below 100 µs. */
void contention_attempt(struct contention *c, bool retried);

/* The window a sleep is drawn in now: slot x purchases in progress, within [MIN, MAX]. */
int64_t contention_window_us(const struct contention *c, const struct retry_policy *rp);

/* When a sleep that began at from_us with fraction u (0..1, drawn once) ends, by the window
 * now: from_us + MIN + u x (window - MIN). Asked again while sleeping, it moves earlier as
 * purchases finish. */
int64_t contention_wake_us(const struct contention *c, const struct retry_policy *rp,
                           int64_t from_us, double u);

#endif
