/* baseline.h — `racesim check`: a result against a baseline; one exit code for CI. */
#ifndef RACESIM_BASELINE_H
#define RACESIM_BASELINE_H

#include <stddef.h>

#include "cli.h"

/* Compares o->result with o->baseline (JSON of run, compare, sweep or matrix; runs matched by
 * scenario, strategy, buyers, isolation and lockstep; repeats by their median) and writes one
 * line per run and per regression (o->format text, or JUnit XML) to o->out or stdout.
 * Returns 0 when within the baseline; 1 when an invariant that held in the baseline, for a
 * strategy correct there, is violated; 4 when throughput fell or p99 rose beyond
 * o->max_regression; 2 with one line in err when a file cannot be read, is not a racesim result,
 * or has no run in common with the baseline. Runs in only one of the two are said, not checked. */
int baseline_check(const struct options *o, char *err, size_t errlen);

#endif
