/* interval.h — live figures per reporting interval: each buyer's tally, taken by a reporter. */
#ifndef RACESIM_INTERVAL_H
#define RACESIM_INTERVAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hist.h"
#include "outcome.h"

/* What happened during one interval (one buyer's share, or all of them summed). */
struct interval_counts {
    uint64_t purchases, ok, retries;
    uint64_t errors[OUTCOME_BUILTIN_COUNT];   /* purchases that ended in a server outcome */
    struct hist latency;
};

/* One buyer's tally of the current interval: the buyer adds, the reporter takes (a mutex
 * that only these two ever hold). */
struct interval_tally {
    pthread_mutex_t lock;
    struct interval_counts now;
};

/* One finished interval, as reported. */
struct interval_row {
    double t_s;                /* its end, seconds after the start */
    double secs;               /* its length */
    uint64_t purchases, ok, retries, errors;
    uint64_t errors_by[OUTCOME_BUILTIN_COUNT];
    uint64_t p99_us;           /* of the purchases that ended in it */
    uint64_t backlog;          /* --rate: arrivals due but not started at its end */
    bool warmup;               /* inside --warmup: not in the run's figures */
};

/* The intervals of a run, in order (free with interval_log_free). */
struct interval_log {
    struct interval_row *rows;
    size_t n, cap;
};

/* Empties t. Never fails. */
void interval_tally_init(struct interval_tally *t);
void interval_tally_destroy(struct interval_tally *t);

/* Counts one purchase: its final outcome, retries and latency. Thread-safe. */
void interval_tally_add(struct interval_tally *t, int outcome, uint64_t retries, uint64_t latency_us);

/* Adds t's counts into sum and empties t. Thread-safe. */
void interval_tally_take(struct interval_tally *t, struct interval_counts *sum);

/* Makes a row from sum over secs seconds ending at t_s. Never fails. */
struct interval_row interval_row_make(const struct interval_counts *sum, double t_s, double secs,
                                      uint64_t backlog, bool open_loop, bool warmup);

/* Appends row to log; -1 when out of memory (the row is dropped). */
int interval_log_add(struct interval_log *log, const struct interval_row *row);

/* Writes row as one line (rates per second, the p99, errors by kind, the backlog with an open
 * loop) to f and flushes it. */
void interval_print(FILE *f, const struct interval_row *row, bool open_loop);

/* Frees log's rows; log is empty after. NULL-safe. */
void interval_log_free(struct interval_log *log);

#endif
