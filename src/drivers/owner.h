/* owner.h — one racesim run at a time per database: a server-side named lock, and its holder. */
#ifndef RACESIM_OWNER_H
#define RACESIM_OWNER_H

#include <stddef.h>

#include "db.h"

/* The table in racesim's database that names the run holding it (pid, host, connection, since). */
#define OWNER_TABLE "racesim_owner"

/* The table in racesim's database that holds the database across a cluster's nodes: the run
 * holding it, its node (wsrep's id and name) and its connection there. */
#define OWNER_LOCK_TABLE "racesim_lock"

/* Seconds a run waits for another run on the same database to end before it gives up. */
#define OWNER_WAIT_S 3

/* Takes the server-wide lock "racesim:DATABASE" on c (GET_LOCK), waiting up to wait_s seconds;
 * it stays held while c is open, so every run of the session owns the database alone. Returns
 * 0 when held; 1 when another connection holds it (err names the holder: racesim's pid, host
 * and start from OWNER_TABLE, the server's connection id, user and host where visible); -1
 * with err on a database error. */
int owner_acquire(db_conn *c, const char *database, int wait_s, char *err, size_t errlen);

/* On a cluster node (MariaDB: wsrep_on), makes the hold owner_acquire took on c's node hold on
 * every node: a row in OWNER_LOCK_TABLE of database names this run, written in a transaction
 * that certifies cluster-wide (two runs on two nodes cannot both commit it). A row that names
 * another run is taken over only when that run is gone: its connection no longer holds the
 * node-local lock on its node (asked there when that node is c's or one of nodes[0..n_nodes)),
 * or its node left the cluster. Waits up to wait_s seconds. On a server that is no cluster node
 * it does nothing; in a database that holds tables of others and no racesim marker it does
 * nothing either (workspace_claim refuses that database). Call after owner_acquire and before
 * workspace_claim (a run must not look at a database another run is setting up). Returns 0
 * when held, 2 when there is nothing to hold (no cluster, a database of others, an engine
 * without clusters), 1 when another run holds it (err names it as owner_acquire does), -1 with
 * err. */
int owner_claim_cluster(db_conn *c, const struct db_target *nodes, int n_nodes,
                        const char *database, int wait_s, char *err, size_t errlen);

/* Gives up what owner_claim_cluster took on c (call only when it returned 0: this is a
 * statement on c); best effort, never fails. */
void owner_release(db_conn *c, const char *database);

/* Writes this process (pid, host name, connection id, now) into OWNER_TABLE of the current
 * database, creating the table if needed, so a refused run can name it. Call after
 * owner_acquire and workspace_claim. Returns 0, or -1 with err. */
int owner_record(db_conn *c, char *err, size_t errlen);

#endif
