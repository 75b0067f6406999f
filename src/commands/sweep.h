/* sweep.h — `racesim sweep`: strategies across buyer counts; goodput, lost sales and p99 against users. */
#ifndef RACESIM_SWEEP_H
#define RACESIM_SWEEP_H

#include <stddef.h>

#include "cli.h"

/* Runs each strategy at each of o->users_list, o->repeat times, on one server, and writes one
 * line per strategy (median, min-max) for throughput and p99 in o->format, and the chart.
 * Returns 0 when every run ended, or 2/3 with one line in err. */
int sweep_main(const struct options *o, char *err, size_t errlen);

#endif
