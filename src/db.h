/* db.h — the driver boundary: connect, prepare, execute, fetch, errors. Only db.c knows the client. */
#ifndef RACESIM_DB_H
#define RACESIM_DB_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct db_conn db_conn;
typedef struct db_stmt db_stmt;

struct db_target {
    char host[256];            /* "" or "localhost" with a socket: unix socket */
    unsigned port;             /* 0: the default */
    char user[64];
    char socket[PATH_MAX];     /* "" : none */
    char database[64];         /* the database racesim works in */
    const char *password;      /* from RACESIM_PASSWORD; NULL or "" for none; never logged */
};

struct db_error {
    unsigned errnum;           /* server or client error number; 0 if none */
    char text[256];
};

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

/* Parameter and result column counts, and the name of result column i. */
/* Frees s now, server side too (else it lives as long as its connection). NULL is allowed. */
void db_stmt_close(db_stmt *s);

size_t db_stmt_params(const db_stmt *s);
size_t db_stmt_columns(const db_stmt *s);
const char *db_stmt_column_name(const db_stmt *s, size_t i);

struct db_result {
    int64_t affected;          /* rows changed (non-SELECT), rows returned (SELECT) */
    bool found;                /* a row was returned */
};

/* Executes s with params (one int64 per parameter, bound by position; NULL when there are
 * none) and param_nulls (true: bind SQL NULL; NULL for none). The first row's columns are stored as integers in cols[i] with nulls[i] set for SQL
 * NULL (both may be NULL when the statement returns no columns); later rows are read and
 * dropped. No allocation. Returns 0, or -1 with err (the connection stays usable unless errnum
 * says it was lost). */
int db_stmt_execute(db_stmt *s, const int64_t *params, const bool *param_nulls, int64_t *cols,
                    bool *nulls, struct db_result *res, struct db_error *err);

#endif
