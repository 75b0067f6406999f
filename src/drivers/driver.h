/* driver.h — the boundary every database engine implements (after sysbench's drv_ops_t): the
 * client, the error table, lock waits, preflight, the private server and the SQL dialect racesim
 * itself needs. Nothing above src/drivers/ names an engine; it calls db.h, lockwait.h,
 * preflight.h, server.h, owner.h, reset.h, which dispatch to the selected driver. */
#ifndef RACESIM_DRIVER_H
#define RACESIM_DRIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "lockwait.h"
#include "preflight.h"
#include "server.h"

struct db_driver_ops {
    /* client library: once per process, once per thread */
    int (*library_init)(void);
    void (*library_end)(void);
    void (*thread_start)(void);
    void (*thread_stop)(void);

    /* the text after "SCHEME://" into t (the file, the options); NULL: the URL form
     * user@host:port/database?KEY=PATH, parsed by dsn.c. Returns 0, or -1 with err. */
    int (*dsn_parse)(const char *rest, struct db_target *t, char *err, size_t errlen);

    /* connections and statements (contracts as in db.h); every error returned has its code,
     * outcome and client flag filled */
    db_conn *(*connect)(const struct db_target *t, bool with_database, struct db_error *err);
    void (*cut)(db_conn *c);
    void (*close)(db_conn *c);
    unsigned long (*connection_id)(db_conn *c);
    int (*query)(db_conn *c, const char *sql, db_row_fn row, void *ctx, struct db_error *err);
    db_stmt *(*prepare)(db_conn *c, const char *sql, struct db_error *err);
    /* optional (NULL: db_prepare_many calls prepare for each): n statements at once, in as few
     * round trips as the client allows (contract as in db.h) */
    size_t (*prepare_many)(db_conn *c, const char *const *sqls, size_t n, db_stmt **out,
                           struct db_error *errs);
    void (*stmt_close)(db_stmt *s);
    size_t (*stmt_params)(const db_stmt *s);
    size_t (*stmt_columns)(const db_stmt *s);
    const char *(*stmt_column_name)(const db_stmt *s, size_t i);
    int (*stmt_execute)(db_stmt *s, const int64_t *params, const bool *param_nulls, int64_t *cols,
                        bool *nulls, struct db_result *res, struct db_error *err);

    /* errors: the engine's error table */
    int (*classify)(const struct db_error *e);      /* enum outcome; OUTCOME_ERROR when unknown */
    bool (*error_is_lost)(const struct db_error *e);   /* lost, or the server not reachable */
    const char *(*error_name)(const struct db_error *e);   /* "deadlock" for reports, or NULL */
    void (*error_make)(struct db_error *e, int outcome, const char *text);   /* racesim's own */
    bool (*code_valid)(const char *code);           /* `@on CODE`: a code of this engine */

    /* lock waits: who waits on whom, read live (contracts as in lockwait.h) */
    int (*lockwait_open)(db_conn *monitor, bool *raised);
    void (*lockwait_close)(db_conn *monitor, bool raised);
    int (*lockwait_read)(db_conn *monitor, struct lockwaits *w, bool other_locks);

    /* preflight: the variables that matter, refusals and warnings (contracts in preflight.h) */
    int (*preflight_read)(db_conn *c, struct preflight *pf, struct db_error *err);
    int (*preflight_read_grants)(db_conn *c, struct preflight *pf, const char *database,
                                 struct db_error *err);
    int (*preflight_check)(struct preflight *pf, int connections, bool pooled, size_t statements,
                           char *err, size_t errlen);
    int (*preflight_cluster)(db_conn *const *conns, const char *const *names, int n,
                             struct preflight *pf, char *err, size_t errlen);   /* NULL: none */
    const char *(*run_note)(int users, unsigned long long deadlocks);   /* or NULL */
    int (*set_isolation)(db_conn *c, const char *level, char *err, size_t errlen);
    bool (*snapshot_supported)(db_conn *c);        /* the "+SNAPSHOT" variant works here */

    /* the private throwaway server (contracts in server.h) */
    enum server_status (*server_start)(struct server *s, const struct server_options *o,
                                       char *err, size_t errlen);
    void (*server_stop)(struct server *s);
    void (*server_kill)(struct server *s);
    int (*server_exited)(struct server *s);
    int (*server_kill_node)(struct server *s, unsigned node, char *err, size_t errlen);  /* or NULL */
    void (*server_snapshot)(struct server *s, struct server *copy);

    /* workspace dialect: what racesim's own bookkeeping needs to say in this engine's SQL */
    void (*quote_ident)(const char *name, char *out, size_t outlen);
    int (*use_database)(db_conn *c, const char *database, struct db_error *err);   /* create if absent */
    int (*list_tables)(db_conn *c, const char *database, db_row_fn row, void *ctx,
                       struct db_error *err);
    int (*list_routines)(db_conn *c, db_row_fn row, void *ctx, struct db_error *err);   /* NULL: none */
    int (*create_marker)(db_conn *c, const char *table, struct db_error *err);
    int (*foreign_keys)(db_conn *c, bool on, struct db_error *err);
    void (*setup_session)(db_conn *c);              /* raise recursion limits; never fails */
    int (*owner_acquire)(db_conn *c, const char *database, int wait_s, char *err, size_t errlen);
    int (*owner_record)(db_conn *c, char *err, size_t errlen);
    int (*owner_claim_cluster)(db_conn *c, const struct db_target *nodes, int n_nodes,
                               const char *database, int wait_s, char *err, size_t errlen);
    void (*owner_release)(db_conn *c, const char *database);   /* both NULL: no cluster */
    int (*reset_save)(db_conn *c, char *err, size_t errlen);
    int (*reset_restore)(db_conn *c, char *err, size_t errlen);

    /* a cluster node's audit (NULL: the engine has no --cluster; contracts in db.h) */
    int (*node_sync)(db_conn *c, struct db_error *err);
    int (*table_checksum)(db_conn *c, const char *table, uint64_t *sum, struct db_error *err);
    int (*abort_counters)(db_conn *c, uint64_t *bf_aborts, uint64_t *cert_failures,
                          struct db_error *err);
    int (*node_applied)(db_conn *c, uint64_t *position, struct db_error *err);
};

struct db_driver {
    const char *name;          /* "mariadb": --engine, the report header, JSON "engine" */
    const char *server_name;   /* what the private server is called in messages ("MariaDB") */
    const char *password_env;  /* the environment variable its client library reads a password
                                  from by itself (NULL: none) */
    const char *dsn_form;      /* "expected SCHEME://user@host:port/database or ..." (--dsn) */
    const char *dsn_socket_key;   /* the DSN option naming its unix socket ("socket") */
    /* Reads the client's option files into t (NULL: the engine's client has none racesim reads):
     * only file when given, else the client's usual ones (MariaDB: /etc/my.cnf,
     * /etc/mysql/my.cnf, ~/.my.cnf, groups [client] and [racesim]). Sets what they name: user,
     * host, port, socket (and *socket_set), TLS, connect timeout, database; *password gets a
     * malloc'd copy of the password (freeing the one before). Returns 0, or -1 with a one-line
     * reason ("FILE:LINE: ...") in err; a missing default file is no error. */
    int (*read_option_files)(const char *file, struct db_target *t, char **password,
                             bool *socket_set, char *err, size_t errlen);
    const char *target_word;   /* what db_target.socket names, in messages (NULL: "unix socket") */
    bool cluster;              /* its private server can be a cluster of nodes (--cluster) */
    const char *snapshot_text;      /* REPEATABLE READ+SNAPSHOT in words (matrix's legend) */
    const char *snapshot_missing;   /* why a server lacks it, and which has it */
    const struct db_driver_ops *ops;
};

/* The driver every call dispatches to (MariaDB until db_driver_select says otherwise). */
const struct db_driver *db_driver_current(void);

/* Selects the driver named name ("mariadb"); call before any thread starts. Returns 0, 1 when
 * the engine is known but not built yet (err says so), or -1 for an unknown name (err lists
 * the known ones). */
int db_driver_select(const char *name, char *err, size_t errlen);

/* The password variables of every built driver's client library (NULL-terminated). */
const char *const *db_password_envs(void);

/* The engine a DSN's scheme names ("mysql://", "mariadb://" → "mariadb"; "postgres://",
 * "postgresql://" → "postgres"; "sqlite://" → "sqlite"), or NULL when the scheme is none of those. *rest gets the text
 * after "://". */
const char *db_driver_for_dsn(const char *dsn, const char **rest);

#endif
