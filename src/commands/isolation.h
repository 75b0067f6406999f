/* isolation.h — `racesim isolation`: the isolation-anomaly table (Hermitage's G0 ... G2), each
 * test of strategies/isolation/ explored at each isolation level the server offers. */
#ifndef RACESIM_ISOLATION_H
#define RACESIM_ISOLATION_H

#include "cli.h"

/* `racesim isolation`: explores every test (o->strategies, default all) at each of
 * o->isolations (and REPEATABLE READ in the engine's snapshot variant where the server has it)
 * on one server, and writes the table in o->format (text, md, json): ✓ prevented in every
 * interleaving (and how: a lock wait, an abort), — occurs (in how many), cut (explore stopped
 * early). Returns 0 when the table is complete, PLAN_DRY_RUN after --dry-run, or 2/3 with one
 * line in err. */
int isolation_main(const struct options *o, char *err, size_t errlen);

#endif
