/* compare.h — `racesim compare`: every strategy on one server, same seed; one table, one chart. */
#ifndef RACESIM_COMPARE_H
#define RACESIM_COMPARE_H

#include <stddef.h>

#include "cli.h"

/* Runs each strategy of o (run: o->strategy alone) in turn on one server, o->repeat times with
 * seeds o->seed, o->seed+1, ... (repeat after repeat, every strategy in each), and writes the
 * table (o->format; with repeats also each strategy's median and spread) to o->out or stdout,
 * and the chart to o->chart. Returns 0 when every run ended (compare: violated invariants are in
 * the table, not in the exit code; run: 1 when one was violated in any repeat), or 2/3 with one
 * line in err. */
int compare_main(const struct options *o, char *err, size_t errlen);

#endif
