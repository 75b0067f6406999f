/* baseline.h — `racesim check`: a result against a baseline; one exit code for CI. */
#ifndef RACESIM_BASELINE_H
#define RACESIM_BASELINE_H

#include <stddef.h>

#include "cli.h"

/* Compares o->result with o->baseline (JSON of run, compare, sweep or matrix; runs matched by
 * scenario, strategy, buyers, isolation and lockstep; a group's runs are its samples) and writes
 * one line per run, per regression and per threshold (o->format text, or JUnit XML) to o->out
 * or stdout. Speed: with 2 or more samples a side a regression is significant (one-sided
 * Mann–Whitney, p < 0.05) and beyond o->max_regression; with one a side only o->gate_all gates
 * it, by the ratio; o->gate_invariants never. Returns 0 when within the baseline; 1 when an
 * invariant that held in the baseline, for a strategy correct there, is violated; else 5 when a
 * --threshold failed on the result; else 4 on a speed regression; 2 with one line in err when a
 * file cannot be read, is not a racesim result, has no run in common with the baseline, or a
 * threshold names nothing the result has. Runs in only one of the two are said, not checked. */
int baseline_check(const struct options *o, char *err, size_t errlen);

#endif
