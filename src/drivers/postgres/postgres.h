/* postgres.h — the PostgreSQL driver's parts, shared inside src/drivers/postgres/ only. */
#ifndef RACESIM_POSTGRES_H
#define RACESIM_POSTGRES_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "lockwait.h"
#include "preflight.h"
#include "server.h"

/* SQLSTATE racesim raises itself for a connection that is gone (connection_failure). */
#define PG_LOST_CODE "08006"

/* pg_client.c: libpq behind the boundary (contracts as the db_* functions in db.h). */
int pg_library_init(void);
void pg_library_end(void);
void pg_thread_start(void);
void pg_thread_stop(void);
db_conn *pg_open(const struct db_target *t, bool with_database, struct db_error *err);
void pg_cut(db_conn *c);
void pg_close(db_conn *c);
unsigned long pg_connection_id(db_conn *c);
int pg_execute(db_conn *c, const char *sql, struct db_error *err);
int pg_query(db_conn *c, const char *sql, db_row_fn row, void *ctx, struct db_error *err);
db_stmt *pg_prepare(db_conn *c, const char *sql, struct db_error *err);
size_t pg_prepare_many(db_conn *c, const char *const *sqls, size_t n, db_stmt **out,
                       struct db_error *errs);
void pg_stmt_close(db_stmt *s);
size_t pg_stmt_params(const db_stmt *s);
size_t pg_stmt_columns(const db_stmt *s);
const char *pg_stmt_column_name(const db_stmt *s, size_t i);
int pg_stmt_execute(db_stmt *s, const int64_t *params, const bool *param_nulls, int64_t *cols,
                    bool *nulls, struct db_result *res, struct db_error *err);
/* Reconnects c to database on the same server, keeping c valid (PostgreSQL has no USE); its
 * prepared statements are dropped. Returns 0, or -1 with err (c keeps its old session). */
int pg_reconnect(db_conn *c, const char *database, struct db_error *err);
/* c's keeper: a second session, to the maintenance database, opened on first use and closed by
 * pg_close(c); pg_reconnect(c) never ends it, so a session-level advisory lock taken there is
 * held for c's whole life. Returns it, or NULL with err. */
db_conn *pg_keeper(db_conn *c, struct db_error *err);

/* Rewrites racesim's ? placeholders into $1, $2 ... outside quotes and comments. Returns the
 * number of placeholders, or -1 when out does not fit. Exposed for tests. */
int pg_number_placeholders(const char *sql, char *out, size_t outlen);

/* pg_errors.c: SQLSTATEs. */
/* Fills e from a SQLSTATE (NULL or "": clears e) and message; client: libpq's own. */
void pg_error_set(struct db_error *e, const char *sqlstate, const char *text, bool client);
int pg_classify(const struct db_error *e);
bool pg_error_is_lost(const struct db_error *e);
const char *pg_error_name(const struct db_error *e);
void pg_error_make(struct db_error *e, int outcome, const char *text);
bool pg_code_valid(const char *code);

/* pg_preflight.c: settings, refusals, warnings, lock waits (contracts in preflight.h, lockwait.h).
 * pg_preflight_read_grants: a superuser is warned (it can write anywhere); a user who may not
 * create database (no CREATEDB), connect to it, or create tables in its first schema is refused
 * (1, the reason and its fix in err). When database exists c is left connected to it. */
int pg_preflight_read(db_conn *c, struct preflight *pf, struct db_error *err);
int pg_preflight_read_grants(db_conn *c, struct preflight *pf, const char *database,
                             struct db_error *err);
int pg_preflight_check(struct preflight *pf, int connections, bool pooled, size_t statements,
                       char *err, size_t errlen);
int pg_lockwait_open(db_conn *monitor, bool *raised);
void pg_lockwait_close(db_conn *monitor, bool raised);
int pg_lockwait_read(db_conn *monitor, struct lockwaits *w, bool other_locks);

/* pg_dialect.c: isolation, identifiers, the workspace's bookkeeping SQL (contracts in driver.h). */
int pg_set_isolation(db_conn *c, const char *level, char *err, size_t errlen);
bool pg_snapshot_supported(db_conn *c);
const char *pg_run_note(int users, unsigned long long deadlocks);
void pg_quote_ident(const char *name, char *out, size_t outlen);
int pg_use_database(db_conn *c, const char *database, struct db_error *err);
int pg_list_tables(db_conn *c, const char *database, db_row_fn row, void *ctx,
                   struct db_error *err);
int pg_list_routines(db_conn *c, db_row_fn row, void *ctx, struct db_error *err);
int pg_create_marker(db_conn *c, const char *table, struct db_error *err);
int pg_foreign_keys(db_conn *c, bool on, struct db_error *err);
void pg_setup_session(db_conn *c);

/* pg_owner.c: an advisory lock and the owner table; seed copies (contracts in owner.h, reset.h). */
int pg_owner_acquire(db_conn *c, const char *database, int wait_s, char *err, size_t errlen);
int pg_owner_record(db_conn *c, char *err, size_t errlen);
int pg_reset_save(db_conn *c, char *err, size_t errlen);
int pg_reset_restore(db_conn *c, char *err, size_t errlen);

/* pg_driver.c: the private server through pg_server.c (contracts in server.h). */
enum server_status pg_driver_server_start(struct server *s, const struct server_options *o,
                                          char *err, size_t errlen);
void pg_driver_server_stop(struct server *s);
void pg_driver_server_kill(struct server *s);
int pg_driver_server_exited(struct server *s);
void pg_driver_server_snapshot(struct server *s, struct server *copy);

#endif
