/* preflight.h — what this server will do, read before the buyers start. */
#ifndef RACESIM_PREFLIGHT_H
#define RACESIM_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"

#define PREFLIGHT_VARS_MAX 14
#define PREFLIGHT_WARNINGS_MAX 8
#define PREFLIGHT_DURABILITY_VARS_MAX 3

struct server_variable {
    char name[48];
    char value[64];
};

struct preflight {
    char version[128];
    struct server_variable vars[PREFLIGHT_VARS_MAX];   /* in a fixed order; absent ones left out */
    size_t n_vars;
    long max_connections;
    long lock_wait_timeout_s;      /* the longest a statement may wait for a row lock; 0: unknown */
    long max_prepared_stmts;       /* max_prepared_stmt_count; 0 when unknown */
    long prepared_stmts_in_use;    /* Prepared_stmt_count: prepared on the server right now */
    char warnings[PREFLIGHT_WARNINGS_MAX][256];
    size_t n_warnings;
    /* how commits reach the disk, in the driver's words: the settings that decide it (numbers),
     * whether a commit survives a crash (1), not (0) or unknown (-1), and a note ("" unknown) */
    struct server_variable durability_vars[PREFLIGHT_DURABILITY_VARS_MAX];
    size_t n_durability_vars;
    int durable;
    char durability_note[320];
};

/* Reads the version and the variables that change the outcome (isolation, snapshot isolation,
 * lock wait timeout, rollback on timeout, deadlock detection, max_connections,
 * max_prepared_stmt_count, wsrep_on, tidb_txn_mode), and the statements prepared right now.
 * Returns 0, or -1 with err. */
int preflight_read(db_conn *c, struct preflight *pf, struct db_error *err);

/* Reads the connected user's grants and adds a warning when they let a strategy write outside
 * database (MariaDB: SHOW GRANTS, a write privilege such as ALL, INSERT, UPDATE, DELETE, CREATE,
 * DROP, ALTER, INDEX, TRIGGER on *.* or on another database or table; PostgreSQL: a superuser).
 * For --dsn: on racesim's private server nothing else lives. Returns 0; -1 with err when the
 * grants cannot be read (not a reason to stop); 1 with the reason and its fix in err->text when
 * the user lacks a right racesim needs in database (the run is refused). */
int preflight_read_grants(db_conn *c, struct preflight *pf, const char *database,
                          struct db_error *err);

/* A cluster's preflight, on each of its nodes (conns[0..n), named names[i] in messages): every
 * node is a cluster node (MariaDB: wsrep_on), in the primary component, synced, all of the same
 * cluster (one wsrep_cluster_state_uuid), each named once, and the cluster has at least n
 * members; adds to pf the cluster's settings that change what a run sees (wsrep_sync_wait,
 * wsrep_retry_autocommit) with what they mean, as variables and warnings. Returns 0, or -1 with
 * a one-line refusal in err naming the node (the run cannot go: exit 3; an engine without
 * clusters refuses too). */
int preflight_cluster(db_conn *const *conns, const char *const *names, int n,
                      struct preflight *pf, char *err, size_t errlen);

/* Returns the value of variable name, or NULL when the server does not have it. */
const char *preflight_var(const struct preflight *pf, const char *name);

/* Checks that connections buyers can work here, each preparing up to statements statements
 * (max_connections, max_prepared_stmt_count less what is prepared already); fills warnings for
 * surprises. Returns 0, or -1 with the refusal and its fix in err. */
int preflight_check(struct preflight *pf, int connections, bool pooled, size_t statements,
                    char *err, size_t errlen);

#endif
