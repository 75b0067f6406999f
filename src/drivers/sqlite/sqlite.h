/* sqlite.h — the SQLite driver's parts, shared inside src/drivers/sqlite/ only. */
#ifndef RACESIM_SQLITE_H
#define RACESIM_SQLITE_H

#include <stdbool.h>
#include <stdatomic.h>
#include <stddef.h>

#include "db.h"
#include "lockwait.h"
#include "preflight.h"
#include "server.h"

#define SQ_BUSY_TIMEOUT_MS 5000    /* how long a buyer waits for the write lock by default */
#define SQ_BUSY_TIMEOUT_MAX_MS 3600000
#define SQ_LOST_CODE 9             /* SQLITE_INTERRUPT: what a cut connection reports */

/* What a DSN's options ask of every connection (sq_options.c). */
struct sq_options {
    char journal[8];           /* "wal" (default) or "delete" */
    char synchronous[8];       /* "" : the library's default; "off", "normal", "full", "extra" */
    int busy_timeout_ms;       /* SQ_BUSY_TIMEOUT_MS by default */
};

/* sq_options.c: the DSN (sqlite:///absolute/path.db?journal=delete&busy_timeout=MS&synchronous=X). */
/* Parses the text after "sqlite://" into t: the file into t->socket, the options (validated)
 * into t->options. Returns 0, or -1 with a one-line reason in err. */
int sq_dsn_parse(const char *rest, struct db_target *t, char *err, size_t errlen);
/* Reads t->options ("" : the defaults) into o. Returns 0, or -1 when they are not valid. */
int sq_options_read(const char *text, struct sq_options *o);

/* sq_client.c: libsqlite3 behind the boundary (contracts as the db_* functions in db.h). */
int sq_library_init(void);
void sq_library_end(void);
void sq_thread_start(void);
void sq_thread_stop(void);
db_conn *sq_open(const struct db_target *t, bool with_database, struct db_error *err);
void sq_cut(db_conn *c);
void sq_close(db_conn *c);
unsigned long sq_connection_id(db_conn *c);
int sq_execute(db_conn *c, const char *sql, struct db_error *err);
int sq_query(db_conn *c, const char *sql, db_row_fn row, void *ctx, struct db_error *err);
db_stmt *sq_prepare(db_conn *c, const char *sql, struct db_error *err);
void sq_stmt_close(db_stmt *s);
size_t sq_stmt_params(const db_stmt *s);
size_t sq_stmt_columns(const db_stmt *s);
const char *sq_stmt_column_name(const db_stmt *s, size_t i);
int sq_stmt_execute(db_stmt *s, const int64_t *params, const bool *param_nulls, int64_t *cols,
                    bool *nulls, struct db_result *res, struct db_error *err);
/* The file c is open on, and the options it was opened with. Never fail. */
const char *sq_conn_path(const db_conn *c);
const struct sq_options *sq_conn_options(const db_conn *c);
/* Keeps fd open as long as c (closed after the library has closed the file: closing another
 * descriptor of the file first would drop the library's own POSIX locks). */
void sq_conn_keep_fd(db_conn *c, int fd);

/* sq_busy.c: buyers waiting in the busy handler, seen by lock-wait readers. */
/* A connection's place among the waiters (one per connection, owned by it). */
struct sq_waiter {
    unsigned long id;          /* the connection's id (sq_connection_id) */
    int timeout_ms;            /* busy_timeout */
    const _Atomic bool *cut;   /* set: give up at once */
    bool waiting;              /* inside a statement that has met a busy lock */
    bool timed_out;            /* its last statement gave up after timeout_ms */
    unsigned long tried_gen;   /* the release count before its last failed try */
    unsigned long retry_gen;   /* the release count before the try under way */
    long long since_ms;        /* when the statement first met the lock */
    struct sq_waiter *prev, *next;
};
/* Installs racesim's busy handler on db (a sqlite3 *) for w, and lists w: the handler waits up
 * to w->timeout_ms for a lock, wakes when another connection ends a transaction, and gives up
 * at once when *w->cut is set. Never fails. */
void sq_busy_install(void *db, struct sq_waiter *w);
/* Before each statement of w's connection. */
void sq_busy_start(struct sq_waiter *w);
/* After each statement of w's connection: it waits no more; ended says that the connection
 * holds no transaction now (waiters are woken: the lock may be free). */
void sq_busy_done(struct sq_waiter *w, bool ended);
/* Unlists w (its connection is closing); ended as for sq_busy_done. */
void sq_busy_forget(struct sq_waiter *w);
int sq_lockwait_open(db_conn *monitor, bool *raised);
void sq_lockwait_close(db_conn *monitor, bool raised);
int sq_lockwait_read(db_conn *monitor, struct lockwaits *w, bool other_locks);

/* sq_errors.c: result codes. */
/* Fills e from an extended result code (0: clears e) and message; client: racesim's own. */
void sq_error_set(struct db_error *e, int code, const char *text, bool client);
int sq_classify(const struct db_error *e);
bool sq_error_is_lost(const struct db_error *e);
const char *sq_error_name(const struct db_error *e);
void sq_error_make(struct db_error *e, int outcome, const char *text);
bool sq_code_valid(const char *code);

/* sq_preflight.c: journal mode, synchronous, busy_timeout; refusals (contracts in preflight.h). */
int sq_preflight_read(db_conn *c, struct preflight *pf, struct db_error *err);
int sq_preflight_read_grants(db_conn *c, struct preflight *pf, const char *database,
                             struct db_error *err);
int sq_preflight_check(struct preflight *pf, int connections, bool pooled, size_t statements,
                       char *err, size_t errlen);

/* sq_dialect.c: isolation, identifiers, the workspace's bookkeeping (contracts in driver.h). */
int sq_set_isolation(db_conn *c, const char *level, char *err, size_t errlen);
bool sq_snapshot_supported(db_conn *c);
const char *sq_run_note(int users, unsigned long long deadlocks);
void sq_quote_ident(const char *name, char *out, size_t outlen);
int sq_use_database(db_conn *c, const char *database, struct db_error *err);
int sq_list_tables(db_conn *c, const char *database, db_row_fn row, void *ctx,
                   struct db_error *err);
int sq_create_marker(db_conn *c, const char *table, struct db_error *err);
int sq_foreign_keys(db_conn *c, bool on, struct db_error *err);
void sq_setup_session(db_conn *c);

/* sq_owner.c: one run per file (an flock on it), the owner table, the journal mode; seed
 * copies (contracts in owner.h, reset.h). */
int sq_owner_acquire(db_conn *c, const char *database, int wait_s, char *err, size_t errlen);
int sq_owner_record(db_conn *c, char *err, size_t errlen);
int sq_reset_save(db_conn *c, char *err, size_t errlen);
int sq_reset_restore(db_conn *c, char *err, size_t errlen);

/* sq_driver.c: the private file in a run directory of its own (contracts in server.h). */
enum server_status sq_server_start(struct server *s, const struct server_options *o,
                                   char *err, size_t errlen);
void sq_server_stop(struct server *s);
void sq_server_kill(struct server *s);
int sq_server_exited(struct server *s);
void sq_server_snapshot(struct server *s, struct server *copy);

#endif
