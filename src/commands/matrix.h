/* matrix.h — `racesim matrix`: every strategy under each isolation level, raced in lockstep and
 * under contention; which anomaly or error each shows. */
#ifndef RACESIM_MATRIX_H
#define RACESIM_MATRIX_H

#include <stddef.h>

#include "cli.h"

/* Runs, on one server, each strategy at each of o->isolations (a strategy with its own
 * @isolation once, at its own): 2 buyers in lockstep on the scenario's smallest parameters, and
 * o->contended buyers on its defaults. Writes the table in o->format. Returns 0 when every run
 * ended, or 2/3 with one line in err. */
int matrix_main(const struct options *o, char *err, size_t errlen);

#endif
