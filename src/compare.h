/* compare.h — `racesim compare`: every strategy on one server, same seed; one table, one chart. */
#ifndef RACESIM_COMPARE_H
#define RACESIM_COMPARE_H

#include <stddef.h>

#include "cli.h"

/* Runs each strategy of o in turn on one server and writes the table (o->format) to o->out or
 * stdout, and the chart to o->chart. Returns 0 when every run ended (violated invariants are in
 * the table, not in the exit code), or 2/3 with one line in err. */
int compare_main(const struct options *o, char *err, size_t errlen);

#endif
