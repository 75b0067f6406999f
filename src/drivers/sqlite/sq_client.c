/* sq_client.c — the SQLite client (libsqlite3) behind the driver boundary: a connection per
 * buyer on one file, prepared statements, errors with their extended result codes. */
#include "sqlite.h"

#include <errno.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct db_stmt {
    db_conn *conn;
    sqlite3_stmt *st;          /* NULL: several statements, run as text (sql) */
    char *sql;
    size_t n_params, n_cols;
    db_stmt *next;
};

struct db_conn {
    sqlite3 *db;
    unsigned long id;
    char path[PATH_MAX];
    struct sq_options opt;
    _Atomic bool cut;          /* sq_cut: every call fails as a lost connection */
    int keep_fd;               /* sq_conn_keep_fd, or -1 */
    struct sq_waiter waiter;
    db_stmt *stmts;
};

static _Atomic unsigned long next_id = 1;

int sq_library_init(void)
{
    return sqlite3_threadsafe() && sqlite3_initialize() == SQLITE_OK ? 0 : -1;
}

void sq_library_end(void)
{
    sqlite3_shutdown();
}

void sq_thread_start(void)
{
}

void sq_thread_stop(void)
{
}

/* GREATEST(a, b, ...) and LEAST(...) as MariaDB and PostgreSQL have them (NULL if any is NULL),
 * so the scenarios' invariants are shared. */
static void extreme(sqlite3_context *ctx, int argc, sqlite3_value **argv, int sign)
{
    sqlite3_value *best = NULL;
    for (int i = 0; i < argc; i++) {
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL) {
            sqlite3_result_null(ctx);
            return;
        }
        if (!best)
            best = argv[i];
        else if (sqlite3_value_numeric_type(argv[i]) == SQLITE_INTEGER &&
                 sqlite3_value_numeric_type(best) == SQLITE_INTEGER) {
            sqlite3_int64 a = sqlite3_value_int64(argv[i]), b = sqlite3_value_int64(best);
            if ((sign > 0 && a > b) || (sign < 0 && a < b))
                best = argv[i];
        } else {
            double a = sqlite3_value_double(argv[i]), b = sqlite3_value_double(best);
            if ((sign > 0 && a > b) || (sign < 0 && a < b))
                best = argv[i];
        }
    }
    if (best)
        sqlite3_result_value(ctx, best);
    else
        sqlite3_result_null(ctx);
}

static void greatest(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    extreme(ctx, argc, argv, 1);
}

static void least(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    extreme(ctx, argc, argv, -1);
}

/* Fills err from c's last error: the extended code and message, with how long it waited when
 * the database was busy; a cut connection is a lost one. Returns -1. */
static int fail(db_conn *c, struct db_error *err)
{
    if (c->cut) {
        sq_error_set(err, SQ_LOST_CODE, "the connection was cut (racesim's --timeout)", true);
        return -1;
    }
    int code = sqlite3_extended_errcode(c->db);
    char text[256];
    if ((code & 0xff) == SQLITE_BUSY && code != SQLITE_BUSY_SNAPSHOT)
        snprintf(text, sizeof text, "%s (%s)", sqlite3_errmsg(c->db), c->waiter.timed_out
                 ? "waited busy_timeout and gave up"
                 : "SQLite would not wait: this transaction read before it wrote");
    else
        snprintf(text, sizeof text, "%s", sqlite3_errmsg(c->db));
    sq_error_set(err, code ? code : SQLITE_ERROR, text, false);
    return -1;
}

static int lost(struct db_error *err)
{
    sq_error_set(err, SQ_LOST_CODE, "the connection was cut (racesim's --timeout)", true);
    return -1;
}

/* Refuses a file racesim must not write: one that is not a regular file, or one that nobody
 * may write (root would ignore the mode; racesim does not). Returns 0, or -1 with err. */
static int check_file(const char *path, struct db_error *err)
{
    struct stat st;
    char text[PATH_MAX + 128];
    if (stat(path, &st) != 0)
        return 0;                  /* created on open; its directory decides */
    if (!S_ISREG(st.st_mode))
        snprintf(text, sizeof text, "%s is not a regular file", path);
    else if (!(st.st_mode & 0222))
        snprintf(text, sizeof text, "%s is read-only (mode %04o): racesim writes its tables "
                 "there; give a file it may write", path, (unsigned)(st.st_mode & 07777));
    else
        return 0;
    sq_error_set(err, SQLITE_CANTOPEN, text, true);
    return -1;
}

db_conn *sq_open(const struct db_target *t, bool with_database, struct db_error *err)
{
    (void)with_database;       /* the file is the database */
    char text[PATH_MAX + 128];
    db_conn *c = calloc(1, sizeof *c);
    if (!c) {
        sq_error_set(err, SQLITE_NOMEM, "out of memory", true);
        return NULL;
    }
    c->keep_fd = -1;
    snprintf(c->path, sizeof c->path, "%s", t->socket);
    if (!c->path[0] || sq_options_read(t->options, &c->opt)) {
        sq_error_set(err, SQLITE_MISUSE, "no database file, or options not valid", true);
        free(c);
        return NULL;
    }
    if (check_file(c->path, err)) {
        free(c);
        return NULL;
    }
    int rc = sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                             SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK && sqlite3_db_readonly(c->db, "main") == 1)
        rc = SQLITE_READONLY;
    if (rc != SQLITE_OK) {
        snprintf(text, sizeof text, "cannot open %s: %s", c->path,
                 rc == SQLITE_READONLY ? "it can only be read" :
                 c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        sq_error_set(err, c->db && rc != SQLITE_READONLY ? sqlite3_extended_errcode(c->db) : rc,
                     text, true);
        sqlite3_close_v2(c->db);
        free(c);
        return NULL;
    }
    sqlite3_extended_result_codes(c->db, 1);
    c->id = next_id++;
    c->waiter.id = c->id;
    c->waiter.timeout_ms = c->opt.busy_timeout_ms;
    c->waiter.cut = &c->cut;
    sq_busy_install(c->db, &c->waiter);
    sqlite3_create_function(c->db, "GREATEST", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                            greatest, NULL, NULL);
    sqlite3_create_function(c->db, "LEAST", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                            least, NULL, NULL);
    if (c->opt.synchronous[0]) {
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA synchronous = %s", c->opt.synchronous);
        if (sq_execute(c, sql, err)) {
            sq_close(c);
            return NULL;
        }
    }
    return c;
}

void sq_cut(db_conn *c)
{
    if (!c)
        return;
    c->cut = true;
    sqlite3_interrupt(c->db);
}

void sq_close(db_conn *c)
{
    if (!c)
        return;
    while (c->stmts) {
        db_stmt *s = c->stmts;
        c->stmts = s->next;
        sqlite3_finalize(s->st);
        free(s->sql);
        free(s);
    }
    sqlite3_close_v2(c->db);
    sq_busy_forget(&c->waiter);
    if (c->keep_fd >= 0)
        close(c->keep_fd);
    free(c);
}

unsigned long sq_connection_id(db_conn *c)
{
    return c->id;
}

const char *sq_conn_path(const db_conn *c)
{
    return c->path;
}

const struct sq_options *sq_conn_options(const db_conn *c)
{
    return &c->opt;
}

void sq_conn_keep_fd(db_conn *c, int fd)
{
    if (c->keep_fd >= 0)
        close(c->keep_fd);
    c->keep_fd = fd;
}

/* Ends a statement: reset (its read lock goes in autocommit), tell the waiters. */
static void finish(db_conn *c, sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sq_busy_done(&c->waiter, sqlite3_get_autocommit(c->db) != 0);
}

int sq_query(db_conn *c, const char *sql, db_row_fn row, void *ctx, struct db_error *err)
{
    if (c->cut)
        return lost(err);
    const char *tail = sql;
    while (tail && *tail) {
        sqlite3_stmt *st = NULL;
        const char *next = NULL;
        sq_busy_start(&c->waiter);
        if (sqlite3_prepare_v2(c->db, tail, -1, &st, &next) != SQLITE_OK) {
            fail(c, err);
            sq_busy_done(&c->waiter, sqlite3_get_autocommit(c->db) != 0);
            return -1;
        }
        tail = next;
        if (!st)
            continue;          /* only comments or blanks left */
        int n = sqlite3_column_count(st), rc, stop = 0;
        char **values = n ? calloc((size_t)n, sizeof *values) : NULL;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW && row && values && !stop) {
            for (int i = 0; i < n; i++)
                values[i] = (char *)sqlite3_column_text(st, i);
            stop = row(ctx, (size_t)n, values);
        }
        free(values);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            fail(c, err);
        finish(c, st);
        sqlite3_finalize(st);
        if (stop)
            return stop;
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return -1;
    }
    return 0;
}

int sq_execute(db_conn *c, const char *sql, struct db_error *err)
{
    return sq_query(c, sql, NULL, NULL, err) < 0 ? -1 : 0;
}

/* Whether text holds no statement (blanks and comments only). */
static bool only_blank(sqlite3 *db, const char *text)
{
    sqlite3_stmt *st = NULL;
    const char *next;
    while (text && *text) {
        if (sqlite3_prepare_v2(db, text, -1, &st, &next) != SQLITE_OK)
            return false;
        if (st) {
            sqlite3_finalize(st);
            return false;
        }
        text = next;
    }
    return true;
}

db_stmt *sq_prepare(db_conn *c, const char *sql, struct db_error *err)
{
    if (c->cut) {
        lost(err);
        return NULL;
    }
    db_stmt *s = calloc(1, sizeof *s);
    if (!s) {
        sq_error_set(err, SQLITE_NOMEM, "out of memory", true);
        return NULL;
    }
    const char *tail = NULL;
    sq_busy_start(&c->waiter);
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, &tail);
    sq_busy_done(&c->waiter, sqlite3_get_autocommit(c->db) != 0);
    if (rc != SQLITE_OK) {
        fail(c, err);
        free(s);
        return NULL;
    }
    if (s->st && !only_blank(c->db, tail)) {      /* several statements: run as text */
        if (sqlite3_bind_parameter_count(s->st) > 0) {
            sq_error_set(err, SQLITE_ERROR, "several statements with parameters in one step: "
                         "give each its own step", true);
            sqlite3_finalize(s->st);
            free(s);
            return NULL;
        }
        sqlite3_finalize(s->st);
        s->st = NULL;
    }
    if (!s->st && !(s->sql = strdup(sql))) {
        sq_error_set(err, SQLITE_NOMEM, "out of memory", true);
        free(s);
        return NULL;
    }
    s->conn = c;
    s->n_params = s->st ? (size_t)sqlite3_bind_parameter_count(s->st) : 0;
    s->n_cols = s->st ? (size_t)sqlite3_column_count(s->st) : 0;
    s->next = c->stmts;
    c->stmts = s;
    return s;
}

void sq_stmt_close(db_stmt *s)
{
    if (!s)
        return;
    for (db_stmt **p = &s->conn->stmts; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            break;
        }
    sqlite3_finalize(s->st);
    free(s->sql);
    free(s);
}

size_t sq_stmt_params(const db_stmt *s)
{
    return s->n_params;
}

size_t sq_stmt_columns(const db_stmt *s)
{
    return s->n_cols;
}

const char *sq_stmt_column_name(const db_stmt *s, size_t i)
{
    return s->st && i < s->n_cols ? sqlite3_column_name(s->st, (int)i) : NULL;
}

int sq_stmt_execute(db_stmt *s, const int64_t *params, const bool *param_nulls, int64_t *cols,
                    bool *nulls, struct db_result *res, struct db_error *err)
{
    db_conn *c = s->conn;
    memset(res, 0, sizeof *res);
    if (c->cut)
        return lost(err);
    if (!s->st) {
        if (sq_execute(c, s->sql, err))
            return -1;
        res->affected = sqlite3_changes64(c->db);
        return 0;
    }
    sq_busy_start(&c->waiter);
    sqlite3_reset(s->st);
    for (size_t i = 0; i < s->n_params; i++) {
        if (param_nulls && param_nulls[i])
            sqlite3_bind_null(s->st, (int)i + 1);
        else
            sqlite3_bind_int64(s->st, (int)i + 1, params[i]);
    }
    int rc;
    int64_t rows = 0;
    while ((rc = sqlite3_step(s->st)) == SQLITE_ROW) {
        if (rows++ == 0 && cols)
            for (size_t i = 0; i < s->n_cols; i++) {
                bool null = sqlite3_column_type(s->st, (int)i) == SQLITE_NULL;
                if (nulls)
                    nulls[i] = null;
                cols[i] = null ? 0 : sqlite3_column_int64(s->st, (int)i);
            }
    }
    if (rc != SQLITE_DONE) {
        fail(c, err);
        finish(c, s->st);
        return -1;
    }
    res->affected = s->n_cols ? rows : sqlite3_changes64(c->db);
    res->found = rows > 0;
    finish(c, s->st);
    return 0;
}
