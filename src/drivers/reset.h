/* reset.h — fresh tables fast for many runs of one setup (explore): a seeded copy of each table
 * is kept after the setup, and the tables are restored from it instead of built again. */
#ifndef RACESIM_RESET_H
#define RACESIM_RESET_H

#include <stddef.h>

#include "db.h"

/* After a setup: copies each table racesim owns in the current database into a seed copy
 * (recorded as racesim's too, so the next setup drops it). Returns 0, or -1 with err. */
int reset_save(db_conn *c, char *err, size_t errlen);

/* Restores every table from its seed copy (DELETE, then INSERT ... SELECT: no DDL). Returns
 * 0, or -1 with err (then a full setup is needed). */
int reset_restore(db_conn *c, char *err, size_t errlen);

#endif
