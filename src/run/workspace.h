/* workspace.h — racesim's own database: claimed safely, reset, seeded, queried after the run. */
#ifndef RACESIM_WORKSPACE_H
#define RACESIM_WORKSPACE_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "params.h"
#include "scenario.h"

#define WORKSPACE_MARKER "racesim_owned"

enum workspace_status { WORKSPACE_OK = 0, WORKSPACE_DB_ERROR = -1, WORKSPACE_BAD_SCENARIO = -2 };

/* Makes database racesim's own and selects it: creates it with a marker table listing the
 * tables racesim creates, or accepts it if it already carries the marker (or is empty). A
 * database holding any table racesim did not create is refused and nothing in it is changed.
 * Returns 0, or -1 with the reason in err. */
int workspace_claim(db_conn *c, const char *database, char *err, size_t errlen);

/* Drops the tables racesim created earlier, runs the scenario's setup with its parameters,
 * and records the tables it created. Returns WORKSPACE_OK, WORKSPACE_BAD_SCENARIO ("path:line:
 * ..." in err) or WORKSPACE_DB_ERROR. */
enum workspace_status workspace_setup(db_conn *c, const struct scenario *sc,
                                      const struct params *p, char *err, size_t errlen);

/* Runs st (a scenario query) and stores the first column of its first row in *out (SQL NULL
 * and no row: 0). Returns WORKSPACE_OK, or a failure with "path:line: ..." in err. */
enum workspace_status workspace_scalar(db_conn *c, const struct scenario *sc,
                                       const struct statement *st, const struct params *p,
                                       int64_t *out, char *err, size_t errlen);

/* *digest: one number for the rows of every table racesim made in c's database (equal tables
 * give equal digests on every node of a cluster). Returns 0, or -1 with a reason in err. */
int workspace_digest(db_conn *c, uint64_t *digest, char *err, size_t errlen);

#endif
