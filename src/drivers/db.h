/* db.h — the client side of the driver boundary: connect, prepare, execute, fetch, errors; each
 * call goes to the selected driver (driver.h). No engine's client header is included above it. */
#ifndef RACESIM_DB_H
#define RACESIM_DB_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outcome.h"

typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

/* TLS on a --dsn connection, as the MySQL clients' --ssl-mode names it. */
enum db_tls_mode {
    DB_TLS_DEFAULT,            /* not given: the client library's default (MariaDB: TLS only when
                                  a CA, certificate or key is given; PostgreSQL: prefer) */
    DB_TLS_DISABLED,
    DB_TLS_PREFERRED,          /* TLS when the server offers it, else plain */
    DB_TLS_REQUIRED,           /* TLS or no connection; the server's certificate is not checked */
    DB_TLS_VERIFY_CA,          /* ...and its certificate chains to the CA (ssl-ca) */
    DB_TLS_VERIFY_IDENTITY,    /* ...and names the host connected to */
};

struct db_tls {
    enum db_tls_mode mode;
    char ca[PATH_MAX];         /* "" : none (files, checked readable when given) */
    char cert[PATH_MAX];
    char key[PATH_MAX];
};

struct db_target {
    char host[256];            /* "" or "localhost" with a socket: unix socket */
    unsigned port;             /* 0: the default */
    char user[64];
    char socket[PATH_MAX];     /* "" : none; an embedded engine's database file */
    char options[128];         /* the DSN's options a driver reads itself ("" : none) */
    char database[64];         /* the database racesim works in */
    const char *password;      /* RACESIM_PASSWORD, an option file's or the client's variable
                                  (target.h); NULL or "" for none; never logged */
    unsigned connect_timeout_s;    /* connect and greeting; 0: DB_CONNECT_TIMEOUT_S */
    unsigned io_timeout_s;         /* one read or write on the connection; 0: none */
    struct db_tls tls;             /* --dsn only; zero for the private server */
};

#define DB_CONNECT_TIMEOUT_S 10

struct db_error {
    unsigned errnum;           /* the engine's error number; 0 if none or the engine has none */
    char code[8];              /* the engine's code as text (MariaDB: the number; PostgreSQL:
                                  the SQLSTATE); "" if none */
    int outcome;               /* what the driver classified it as (enum outcome) */
    bool client;               /* the client's own error (not the server refusing a statement) */
    const char *name;          /* the driver's short name for reports ("deadlock"), or NULL */
    char text[256];
};

/* The identity of e as results keep it (code, number, outcome, name). */
struct error_id db_error_id(const struct db_error *e);

/* Fills e as an error racesim itself raises, as the driver would report one of that outcome
 * (OUTCOME_CONNECTION_LOST: the connection is gone; OUTCOME_ERROR: a client-side failure). */
void db_error_make(struct db_error *e, int outcome, const char *text);

/* Whether code is an error code of the selected engine (for `@on CODE` in strategy files). */
bool db_code_valid(const char *code);

/* The selected engine's name ("mariadb") and what its private server is called ("MariaDB"). */
const char *db_engine_name(void);
const char *db_server_name(void);

/* What a target's socket field names for the selected engine, in messages ("unix socket",
 * "database file"). Never fails. */
const char *db_target_word(void);

/* Sets the session's isolation level (a level the engine accepts, e.g. "READ COMMITTED", or an
 * engine-specific variant such as MariaDB's "REPEATABLE READ+SNAPSHOT"); NULL or "": leave it.
 * Returns 0, or -1 with err. */
int db_set_isolation(db_conn *c, const char *level, char *err, size_t errlen);

/* Whether c's server has the engine's snapshot variant of REPEATABLE READ ("+SNAPSHOT"), what
 * it does in words, and where to find it when a server lacks it. Never fail. */
bool db_snapshot_supported(db_conn *c);
const char *db_snapshot_text(void);
const char *db_snapshot_missing(void);

/* A note about the run for the report, from what the engine is known to do (NULL: none). */
const char *db_run_note(int users, unsigned long long deadlocks);

/* Initialises the client library; call once, before any thread starts. Returns 0 or -1. */
int db_library_init(void);

/* Releases the client library at exit. */
void db_library_end(void);

/* Per-thread setup and teardown; every thread that uses a connection calls both. */
void db_thread_start(void);
void db_thread_stop(void);

/* Connects to t; with_database selects t->database. Returns the connection, or NULL with err
 * filled (errnum and message). */
db_conn *db_connect(const struct db_target *t, bool with_database, struct db_error *err);

/* Shuts c's socket down from any thread, so that a call blocked on it (a stalled server)
 * returns at once with a lost-connection error; c must still be closed by its owner with
 * db_close. Never blocks. NULL is allowed. */
void db_cut(db_conn *c);

/* Whether e says the connection is lost or the server cannot be reached (a connect worth
 * another try). */
bool db_error_is_lost(const struct db_error *e);

/* Closes c and every statement prepared on it. NULL is allowed. */
void db_close(db_conn *c);

/* Returns the server's id for this connection (CONNECTION_ID()). */
unsigned long db_connection_id(db_conn *c);

/* Runs sql (no parameters) as text and discards any result. Returns 0, or -1 with err. */
int db_execute(db_conn *c, const char *sql, struct db_error *err);

/* Runs sql as text and calls row(ctx, n, values) for each row (values may be NULL for SQL NULL).
 * A non-zero return from row stops the walk and is returned. Returns 0, the callback's value,
 * or -1 with err. */
typedef int (*db_row_fn)(void *ctx, size_t n, char **values);
int db_query(db_conn *c, const char *sql, db_row_fn row, void *ctx, struct db_error *err);

/* Prepares sql on c (server-side; a statement the server cannot prepare and that has no
 * parameters is run as text instead). Returns the statement, or NULL with err. The statement
 * lives until db_close(c). */
db_stmt *db_prepare(db_conn *c, const char *sql, struct db_error *err);

/* Prepares sqls[0..n-1] on c as db_prepare does each, in as few round trips as the driver can
 * (PostgreSQL: one): out[i] gets statement i, or NULL with errs[i] filled. Every statement is
 * tried, also after one that failed. Returns how many were prepared. */
size_t db_prepare_many(db_conn *c, const char *const *sqls, size_t n, db_stmt **out,
                       struct db_error *errs);

/* Parameter and result column counts, and the name of result column i. */
/* Closes s on the server and frees it before its connection closes (one-off statements).
 * NULL is allowed. */
void db_stmt_close(db_stmt *s);

size_t db_stmt_params(const db_stmt *s);
size_t db_stmt_columns(const db_stmt *s);
const char *db_stmt_column_name(const db_stmt *s, size_t i);

struct db_result {
    int64_t affected;          /* rows changed (non-SELECT), rows returned (SELECT) */
    bool found;                /* a row was returned */
    int64_t insert_id;         /* the id an INSERT gave an AUTO_INCREMENT column (0: none, or the
                                  engine does not say) */
};

/* Executes s with params (one int64 per parameter, bound by position; NULL when there are
 * none) and param_nulls (true: bind SQL NULL; NULL for none). The first row's columns are stored as integers in cols[i] with nulls[i] set for SQL
 * NULL (both may be NULL when the statement returns no columns); later rows are read and
 * dropped. No allocation. Returns 0, or -1 with err (the connection stays usable unless its
 * outcome says it was lost). */
int db_stmt_execute(db_stmt *s, const int64_t *params, const bool *param_nulls, int64_t *cols,
                    bool *nulls, struct db_result *res, struct db_error *err);

/* The workspace dialect: what racesim's own bookkeeping says in the engine's SQL. */

/* Writes name (a validated [A-Za-z0-9_] identifier) quoted for the engine into out. */
void db_quote_ident(const char *name, char *out, size_t outlen);

/* Creates database (a validated identifier) if absent and makes it c's current one. Returns 0,
 * or -1 with err. */
int db_use_database(db_conn *c, const char *database, struct db_error *err);

/* Calls row(ctx, 1, {name}) for each table of database (NULL: the current one), by name.
 * Returns as db_query. */
int db_list_tables(db_conn *c, const char *database, db_row_fn row, void *ctx, struct db_error *err);

/* Calls row(ctx, 2, {kind, name}) for each stored routine of the current database (kind:
 * "PROCEDURE" or "FUNCTION", the word its DROP takes), by name; none on an engine without
 * routines. Returns as db_query. */
int db_list_routines(db_conn *c, db_row_fn row, void *ctx, struct db_error *err);

/* Creates the marker table `table` (one column table_name, the primary key) in the current
 * database, with a comment saying racesim drops only what it lists. Returns 0, or -1 with err. */
int db_create_marker(db_conn *c, const char *table, struct db_error *err);

/* Turns foreign key checks off (on false) or back on for c's session, so tables can be dropped
 * and refilled in any order. Returns 0, or -1 with err. */
int db_foreign_keys(db_conn *c, bool on, struct db_error *err);

/* Raises the session's limits that setup's row generators may hit (recursion depth). Never fails. */
void db_setup_session(db_conn *c);

/* A cluster node's audit. db_node_sync: c's later reads wait until its node has applied every
 * write the cluster committed before them. db_table_checksum: *sum, a checksum of table's rows
 * (equal rows give equal sums on every node). db_abort_counters: the node's running counts of
 * transactions aborted by a replicated write (brute-force aborts) and of its own that failed
 * certification at commit. Each returns 0, or -1 with err (also when the engine has no
 * clusters). */
int db_node_sync(db_conn *c, struct db_error *err);
int db_table_checksum(db_conn *c, const char *table, uint64_t *sum, struct db_error *err);
int db_abort_counters(db_conn *c, uint64_t *bf_aborts, uint64_t *cert_failures,
                      struct db_error *err);

/* *position: how far c's node has got in the cluster's order of writes (the last one it has
 * committed, its own or applied from another node); a node is caught up with another once its
 * position is at least the other's. Returns 0, or -1 with err (also without a cluster). */
int db_node_applied(db_conn *c, uint64_t *position, struct db_error *err);

#endif
