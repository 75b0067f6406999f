/* mariadb.h — the MariaDB/MySQL driver's parts, shared inside src/drivers/mariadb/ only. */
#ifndef RACESIM_MARIADB_H
#define RACESIM_MARIADB_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "lockwait.h"
#include "preflight.h"
#include "server.h"

/* Client error numbers racesim raises itself (the client's errmsg.h is shadowed by src/errmsg.h). */
#define MARIADB_CR_OUT_OF_MEMORY 2008
#define MARIADB_CR_SERVER_LOST 2013
#define MARIADB_CR_SSL_CONNECTION_ERROR 2026

/* mariadb.c: the client (contracts as the db_* functions in db.h). */
int mariadb_library_init(void);
void mariadb_library_end(void);
void mariadb_thread_start(void);
void mariadb_thread_stop(void);
db_conn *mariadb_open(const struct db_target *t, bool with_database, struct db_error *err);
void mariadb_cut(db_conn *c);
void mariadb_close(db_conn *c);
unsigned long mariadb_connection_id(db_conn *c);
int mariadb_execute(db_conn *c, const char *sql, struct db_error *err);
int mariadb_query(db_conn *c, const char *sql, db_row_fn row, void *ctx, struct db_error *err);
db_stmt *mariadb_prepare(db_conn *c, const char *sql, struct db_error *err);
void mariadb_stmt_close(db_stmt *s);
size_t mariadb_stmt_params(const db_stmt *s);
size_t mariadb_stmt_columns(const db_stmt *s);
const char *mariadb_stmt_column_name(const db_stmt *s, size_t i);
int mariadb_stmt_execute(db_stmt *s, const int64_t *params, const bool *param_nulls, int64_t *cols,
                         bool *nulls, struct db_result *res, struct db_error *err);

/* option_file.c: the MySQL clients' option files (contract as read_option_files in driver.h). */
int mariadb_read_option_files(const char *file, struct db_target *t, char **password,
                              bool *socket_set, char *err, size_t errlen);

/* errors.c: the error table. */
/* Fills e from an error number and message: code, outcome, client flag, short name. errnum 0
 * clears e. Never fails. */
void mariadb_error_set(struct db_error *e, unsigned errnum, const char *text);
int mariadb_classify(const struct db_error *e);
bool mariadb_error_is_lost(const struct db_error *e);
const char *mariadb_error_name(const struct db_error *e);
void mariadb_error_make(struct db_error *e, int outcome, const char *text);
bool mariadb_code_valid(const char *code);

/* lockwait.c: InnoDB status and the process list (contracts in lockwait.h). */
int mariadb_lockwait_open(db_conn *monitor, bool *raised);
void mariadb_lockwait_close(db_conn *monitor, bool raised);
int mariadb_lockwait_read(db_conn *monitor, struct lockwaits *w, bool other_locks);
/* Parses the text of SHOW ENGINE INNODB STATUS into w (appends): exposed for tests. */
void mariadb_lockwait_parse_innodb(const char *status, struct lockwaits *w);

/* preflight.c: version, variables, grants, refusals and warnings (contracts in preflight.h). */
int mariadb_preflight_read(db_conn *c, struct preflight *pf, struct db_error *err);
int mariadb_preflight_read_grants(db_conn *c, struct preflight *pf, const char *database,
                                  struct db_error *err);
int mariadb_preflight_check(struct preflight *pf, int connections, bool pooled, size_t statements,
                            char *err, size_t errlen);

/* server.c: the private mariadbd (contracts in server.h). */
enum server_status mariadb_server_start(struct server *s, const struct server_options *o,
                                        char *err, size_t errlen);
void mariadb_server_stop(struct server *s);
void mariadb_server_kill(struct server *s);
int mariadb_server_exited(struct server *s);
int mariadb_server_kill_node(struct server *s, unsigned node, char *err, size_t errlen);
void mariadb_server_snapshot(struct server *s, struct server *copy);

/* cluster.c: what makes the private servers a Galera cluster (server.c starts the nodes). */
struct mariadb_cluster {
    unsigned nodes;
    unsigned gcomm_port[SERVER_NODES_MAX];   /* group communication, 127.0.0.1 */
    unsigned ist_port[SERVER_NODES_MAX];     /* incremental state transfer, 127.0.0.1 */
    char state_uuid[37];                     /* the saved state every node starts from */
    char node_uuid[SERVER_NODES_MAX][37];    /* each node's id in the remembered view */
};
struct mariadb_cluster_args {
    char address[64 + 24 * SERVER_NODES_MAX], node_address[64], node_name[48];
    char provider_options[256];
    char *argv[12];                          /* NULL-terminated; points into the fields above */
};
/* Whether the Galera provider library is installed. */
bool mariadb_cluster_available(void);
/* Picks free ports on 127.0.0.1 and the UUIDs for a cluster of nodes. Returns 0, or -1 with err
 * (no provider: names the package). */
int mariadb_cluster_plan(struct mariadb_cluster *c, unsigned nodes, char *err, size_t errlen);
/* Writes node's grastate.dat and gvwstate.dat into its datadir. Returns 0, or -1 with err. */
int mariadb_cluster_write_state(const struct mariadb_cluster *c, unsigned node,
                                const char *datadir, char *err, size_t errlen);
/* Fills a with node's wsrep options for mariadbd. Returns 0, or -1 when they do not fit. */
int mariadb_cluster_args(const struct mariadb_cluster *c, unsigned node,
                         struct mariadb_cluster_args *a);
/* Waits until every node (its unix socket) says wsrep_cluster_size = nodes and Synced, or until
 * deadline_ms (proc_now_ms). Returns 0, or -1 with err naming the node and what it said. */
int mariadb_cluster_wait_synced(const char *const *sockets, unsigned nodes, long long deadline_ms,
                                char *err, size_t errlen);

/* owner.c: GET_LOCK and the owner table (contracts in owner.h). */
int mariadb_owner_acquire(db_conn *c, const char *database, int wait_s, char *err, size_t errlen);
int mariadb_owner_record(db_conn *c, char *err, size_t errlen);
/* owner_cluster.c: the lock row a Galera cluster certifies (contracts in owner.h). */
int mariadb_owner_claim_cluster(db_conn *c, const struct db_target *nodes, int n_nodes,
                                const char *database, int wait_s, char *err, size_t errlen);
void mariadb_owner_release(db_conn *c, const char *database);

/* reset.c: seed copies with CREATE TABLE ... LIKE (contracts in reset.h). */
int mariadb_reset_save(db_conn *c, char *err, size_t errlen);
int mariadb_reset_restore(db_conn *c, char *err, size_t errlen);

/* dialect.c: isolation, identifiers, the workspace's bookkeeping SQL (contracts in driver.h). */
int mariadb_set_isolation(db_conn *c, const char *level, char *err, size_t errlen);
bool mariadb_snapshot_supported(db_conn *c);
const char *mariadb_run_note(int users, unsigned long long deadlocks);
void mariadb_quote_ident(const char *name, char *out, size_t outlen);
int mariadb_use_database(db_conn *c, const char *database, struct db_error *err);
int mariadb_list_tables(db_conn *c, const char *database, db_row_fn row, void *ctx,
                        struct db_error *err);
int mariadb_list_routines(db_conn *c, db_row_fn row, void *ctx, struct db_error *err);
int mariadb_create_marker(db_conn *c, const char *table, struct db_error *err);
int mariadb_foreign_keys(db_conn *c, bool on, struct db_error *err);
void mariadb_setup_session(db_conn *c);

/* cluster_preflight.c: a given cluster's nodes (contract as preflight_cluster in preflight.h). */
int mariadb_preflight_cluster(db_conn *const *conns, const char *const *names, int n,
                              struct preflight *pf, char *err, size_t errlen);

/* cluster_audit.c: a Galera node's audit (contracts in driver.h). */
int mariadb_node_sync(db_conn *c, struct db_error *err);
int mariadb_table_checksum(db_conn *c, const char *table, uint64_t *sum, struct db_error *err);
int mariadb_node_applied(db_conn *c, uint64_t *position, struct db_error *err);
int mariadb_abort_counters(db_conn *c, uint64_t *bf_aborts, uint64_t *cert_failures,
                           struct db_error *err);

#endif
