/* owner.h — one racesim run at a time per database: a server-side named lock, and its holder. */
#ifndef RACESIM_OWNER_H
#define RACESIM_OWNER_H

#include <stddef.h>

#include "db.h"

/* The table in racesim's database that names the run holding it (pid, host, connection, since). */
#define OWNER_TABLE "racesim_owner"

/* Seconds a run waits for another run on the same database to end before it gives up. */
#define OWNER_WAIT_S 3

/* Takes the server-wide lock "racesim:DATABASE" on c (GET_LOCK), waiting up to wait_s seconds;
 * it stays held while c is open, so every run of the session owns the database alone. Returns
 * 0 when held; 1 when another connection holds it (err names the holder: racesim's pid, host
 * and start from OWNER_TABLE, the server's connection id, user and host where visible); -1
 * with err on a database error. */
int owner_acquire(db_conn *c, const char *database, int wait_s, char *err, size_t errlen);

/* Writes this process (pid, host name, connection id, now) into OWNER_TABLE of the current
 * database, creating the table if needed, so a refused run can name it. Call after
 * owner_acquire and workspace_claim. Returns 0, or -1 with err. */
int owner_record(db_conn *c, char *err, size_t errlen);

#endif
