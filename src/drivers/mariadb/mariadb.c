/* mariadb.c — the MariaDB/MySQL client behind the driver boundary: connections, statements. */
#include "mariadb.h"

#include "conn_param.h"

#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define ER_UNSUPPORTED_PS_NUM 1295
#define ER_ACCESS_DENIED_NUM 1045

struct db_stmt {
    db_conn *conn;
    MYSQL_STMT *stmt;          /* NULL: run as text (sql) */
    char *sql;
    size_t n_params, n_cols;
    MYSQL_BIND *param_binds;
    int64_t *param_values;
    my_bool *param_nulls;
    MYSQL_BIND *col_binds;
    int64_t *col_values;
    my_bool *col_nulls;
    char **col_names;
    db_stmt *next;
};

struct db_conn {
    MYSQL *mysql;
    int fd;                    /* its socket, for mariadb_cut from another thread */
    db_stmt *stmts;
};

int mariadb_library_init(void)
{
    return mysql_library_init(0, NULL, NULL) ? -1 : 0;
}

void mariadb_library_end(void)
{
    mysql_library_end();
}

void mariadb_thread_start(void)
{
    mysql_thread_init();
}

void mariadb_thread_stop(void)
{
    mysql_thread_end();
}

static void conn_error(MYSQL *m, struct db_error *err)
{
    mariadb_error_set(err, mysql_errno(m), mysql_error(m));
}

static void stmt_error(MYSQL_STMT *s, struct db_error *err)
{
    mariadb_error_set(err, mysql_stmt_errno(s), mysql_stmt_error(s));
}

/* The mode a target's TLS settings amount to: not given, a CA means VERIFY_CA (as the MySQL
 * clients take it; Connector/C checks the chain whenever it has a CA). */
static enum db_tls_mode tls_mode(const struct db_tls *tls)
{
    return tls->mode == DB_TLS_DEFAULT && tls->ca[0] ? DB_TLS_VERIFY_CA : tls->mode;
}

/* Maps the target's TLS settings onto Connector/C 3.3's options: MYSQL_OPT_SSL_ENFORCE asks for
 * TLS (it falls back to plain when the server has none, so REQUIRED and VERIFY_CA are checked
 * after the handshake, tls_check); a CA makes the handshake check the chain; and
 * MYSQL_OPT_SSL_VERIFY_SERVER_CERT checks the chain and the host name, and refuses a server
 * without TLS before the login. */
static void tls_options(MYSQL *m, const struct db_tls *tls)
{
    enum db_tls_mode mode = tls_mode(tls);
    if (mode == DB_TLS_DEFAULT && !tls->cert[0])
        return;
    my_bool on = mode != DB_TLS_DISABLED;
    mysql_options(m, MYSQL_OPT_SSL_ENFORCE, &on);
    if (!on)
        return;
    if (tls->cert[0]) {
        mysql_options(m, MYSQL_OPT_SSL_CERT, tls->cert);
        mysql_options(m, MYSQL_OPT_SSL_KEY, tls->key);
    }
    if (tls->ca[0] && mode >= DB_TLS_VERIFY_CA)   /* REQUIRED does not check: as the MySQL clients */
        mysql_options(m, MYSQL_OPT_SSL_CA, tls->ca);
    if (mode == DB_TLS_VERIFY_IDENTITY)
        mysql_options(m, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on);
}

/* After the handshake: REQUIRED and stricter modes refuse a connection that is not TLS.
 * Returns 0, or -1 with err set. */
static int tls_check(MYSQL *m, const struct db_tls *tls, struct db_error *err)
{
    enum db_tls_mode mode = tls_mode(tls);
    if (mode < DB_TLS_REQUIRED || mysql_get_ssl_cipher(m))
        return 0;
    char text[160];
    snprintf(text, sizeof text, "ssl-mode=%s but the server did not start TLS (it has no "
             "certificate, or does not offer TLS)", conn_tls_mode_name(mode));
    mariadb_error_set(err, MARIADB_CR_SSL_CONNECTION_ERROR, text);
    return -1;
}

db_conn *mariadb_open(const struct db_target *t, bool with_database, struct db_error *err)
{
    db_conn *c = calloc(1, sizeof *c);
    MYSQL *m = c ? mysql_init(NULL) : NULL;
    if (!m) {
        free(c);
        mariadb_error_set(err, MARIADB_CR_OUT_OF_MEMORY, "out of memory");
        return NULL;
    }
    unsigned timeout = t->connect_timeout_s ? t->connect_timeout_s : DB_CONNECT_TIMEOUT_S;
    my_bool no = 0;
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    if (t->io_timeout_s) {
        mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &t->io_timeout_s);
        mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &t->io_timeout_s);
    }
    mysql_options(m, MYSQL_REPORT_DATA_TRUNCATION, &no);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    const char *host = t->host[0] ? t->host : (t->socket[0] ? "localhost" : "127.0.0.1");
    if (t->socket[0]) {
        unsigned proto = MYSQL_PROTOCOL_SOCKET;
        mysql_options(m, MYSQL_OPT_PROTOCOL, &proto);
    }
    tls_options(m, &t->tls);
    bool connected = mysql_real_connect(m, host, t->user,
                                        t->password && *t->password ? t->password : NULL,
                                        with_database ? t->database : NULL, t->port,
                                        t->socket[0] ? t->socket : NULL, 0) != NULL;
    if (!connected) {
        conn_error(m, err);
        if (err->errnum == ER_ACCESS_DENIED_NUM && tls_mode(&t->tls) < DB_TLS_PREFERRED) {
            char text[sizeof err->text];   /* a REQUIRE SSL account refused a plain connection */
            snprintf(text, sizeof text, "%.150s (the connection was not TLS: if the account "
                     "requires it, use ssl-mode=REQUIRED)", err->text);
            mariadb_error_set(err, err->errnum, text);
        }
    }
    if (!connected || tls_check(m, &t->tls, err)) {
        mysql_close(m);
        free(c);
        return NULL;
    }
    c->mysql = m;
    c->fd = (int)mysql_get_socket(m);
    return c;
}

void mariadb_cut(db_conn *c)
{
    if (c && c->fd >= 0)
        shutdown(c->fd, SHUT_RDWR);
}

static void stmt_free(db_stmt *s)
{
    if (s->stmt)
        mysql_stmt_close(s->stmt);
    for (size_t i = 0; s->col_names && i < s->n_cols; i++)
        free(s->col_names[i]);
    free(s->col_names);
    free(s->param_binds);
    free(s->param_values);
    free(s->param_nulls);
    free(s->col_binds);
    free(s->col_values);
    free(s->col_nulls);
    free(s->sql);
    free(s);
}

void mariadb_close(db_conn *c)
{
    if (!c)
        return;
    for (db_stmt *s = c->stmts, *next; s; s = next) {
        next = s->next;
        stmt_free(s);
    }
    mysql_close(c->mysql);
    free(c);
}

unsigned long mariadb_connection_id(db_conn *c)
{
    return mysql_thread_id(c->mysql);
}

int mariadb_execute(db_conn *c, const char *sql, struct db_error *err)
{
    return mariadb_query(c, sql, NULL, NULL, err);
}

/* Drains every result set of the last text query, passing rows of all of them to row. */
static int walk_results(db_conn *c, db_row_fn row, void *ctx, struct db_error *err)
{
    int rc = 0;
    do {
        MYSQL_RES *res = mysql_store_result(c->mysql);
        if (!res && mysql_field_count(c->mysql) != 0) {
            conn_error(c->mysql, err);
            return -1;
        }
        if (res) {
            unsigned n = mysql_num_fields(res);
            MYSQL_ROW r;
            while (rc == 0 && row && (r = mysql_fetch_row(res)))
                rc = row(ctx, n, r);
            mysql_free_result(res);
        }
    } while (mysql_next_result(c->mysql) == 0);
    if (mysql_errno(c->mysql)) {
        conn_error(c->mysql, err);
        return -1;
    }
    return rc;
}

int mariadb_query(db_conn *c, const char *sql, db_row_fn row, void *ctx, struct db_error *err)
{
    if (mysql_real_query(c->mysql, sql, strlen(sql))) {
        conn_error(c->mysql, err);
        return -1;
    }
    return walk_results(c, row, ctx, err);
}

static int bind_columns(db_stmt *s, struct db_error *err)
{
    MYSQL_RES *meta = mysql_stmt_result_metadata(s->stmt);
    s->n_cols = meta ? mysql_num_fields(meta) : 0;
    if (s->n_cols == 0) {
        if (meta)
            mysql_free_result(meta);
        return 0;
    }
    s->col_binds = calloc(s->n_cols, sizeof *s->col_binds);
    s->col_values = calloc(s->n_cols, sizeof *s->col_values);
    s->col_nulls = calloc(s->n_cols, sizeof *s->col_nulls);
    s->col_names = calloc(s->n_cols, sizeof *s->col_names);
    int bad = !s->col_binds || !s->col_values || !s->col_nulls || !s->col_names;
    MYSQL_FIELD *fields = mysql_fetch_fields(meta);
    for (size_t i = 0; !bad && i < s->n_cols; i++) {
        s->col_names[i] = strdup(fields[i].name);
        bad = !s->col_names[i];
        s->col_binds[i].buffer_type = MYSQL_TYPE_LONGLONG;
        s->col_binds[i].buffer = &s->col_values[i];
        s->col_binds[i].is_null = &s->col_nulls[i];
    }
    mysql_free_result(meta);
    if (bad || mysql_stmt_bind_result(s->stmt, s->col_binds)) {
        mariadb_error_set(err, MARIADB_CR_OUT_OF_MEMORY, "cannot bind result columns");
        return -1;
    }
    return 0;
}

static int bind_params(db_stmt *s, struct db_error *err)
{
    s->n_params = mysql_stmt_param_count(s->stmt);
    if (s->n_params == 0)
        return 0;
    s->param_binds = calloc(s->n_params, sizeof *s->param_binds);
    s->param_values = calloc(s->n_params, sizeof *s->param_values);
    s->param_nulls = calloc(s->n_params, sizeof *s->param_nulls);
    if (!s->param_binds || !s->param_values || !s->param_nulls) {
        mariadb_error_set(err, MARIADB_CR_OUT_OF_MEMORY, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < s->n_params; i++) {
        s->param_binds[i].buffer_type = MYSQL_TYPE_LONGLONG;
        s->param_binds[i].buffer = &s->param_values[i];
        s->param_binds[i].is_null = &s->param_nulls[i];
    }
    /* bound once: execute only copies values into these buffers */
    if (mysql_stmt_bind_param(s->stmt, s->param_binds)) {
        stmt_error(s->stmt, err);
        return -1;
    }
    return 0;
}

db_stmt *mariadb_prepare(db_conn *c, const char *sql, struct db_error *err)
{
    db_stmt *s = calloc(1, sizeof *s);
    if (!s || !(s->sql = strdup(sql)) || !(s->stmt = mysql_stmt_init(c->mysql))) {
        if (s)
            stmt_free(s);
        mariadb_error_set(err, MARIADB_CR_OUT_OF_MEMORY, "out of memory");
        return NULL;
    }
    s->conn = c;
    if (mysql_stmt_prepare(s->stmt, sql, strlen(sql))) {
        stmt_error(s->stmt, err);
        if (err->errnum != ER_UNSUPPORTED_PS_NUM || strchr(sql, '?')) {
            stmt_free(s);
            return NULL;
        }
        mysql_stmt_close(s->stmt);   /* the server cannot prepare it: run it as text */
        s->stmt = NULL;
    } else if (bind_params(s, err) || bind_columns(s, err)) {
        stmt_free(s);
        return NULL;
    }
    s->next = c->stmts;
    c->stmts = s;
    return s;
}

void mariadb_stmt_close(db_stmt *s)
{
    if (!s)
        return;
    for (db_stmt **p = &s->conn->stmts; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            break;
        }
    stmt_free(s);
}

size_t mariadb_stmt_params(const db_stmt *s)
{
    return s->n_params;
}

size_t mariadb_stmt_columns(const db_stmt *s)
{
    return s->n_cols;
}

const char *mariadb_stmt_column_name(const db_stmt *s, size_t i)
{
    return i < s->n_cols ? s->col_names[i] : NULL;
}

static int execute_text(db_stmt *s, struct db_result *res, struct db_error *err)
{
    MYSQL *m = s->conn->mysql;
    if (mysql_real_query(m, s->sql, strlen(s->sql)) || walk_results(s->conn, NULL, NULL, err) < 0) {
        if (!err->errnum)
            conn_error(m, err);
        return -1;
    }
    res->affected = (int64_t)mysql_affected_rows(m);
    res->insert_id = (int64_t)mysql_insert_id(m);
    return 0;
}

/* Reads the first row into the bound columns and drops the rest. */
static int fetch_rows(db_stmt *s, int64_t *cols, bool *nulls, struct db_result *res,
                      struct db_error *err)
{
    int rc;
    int64_t rows = 0;
    while ((rc = mysql_stmt_fetch(s->stmt)) == 0 || rc == MYSQL_DATA_TRUNCATED) {
        if (rows++ == 0)
            for (size_t i = 0; i < s->n_cols; i++) {
                if (cols)
                    cols[i] = s->col_values[i];
                if (nulls)
                    nulls[i] = s->col_nulls[i] != 0;
            }
    }
    if (rc != MYSQL_NO_DATA) {
        stmt_error(s->stmt, err);
        /* a lock error while rows stream in is set on the connection, not the statement */
        if (err->errnum == 0)
            conn_error(s->conn->mysql, err);
        mysql_stmt_free_result(s->stmt);
        return -1;
    }
    res->affected = rows;
    res->found = rows > 0;
    mysql_stmt_free_result(s->stmt);
    /* a CALL returns an extra status result set: drain it */
    while (mysql_stmt_next_result(s->stmt) == 0)
        mysql_stmt_free_result(s->stmt);
    return 0;
}

int mariadb_stmt_execute(db_stmt *s, const int64_t *params, const bool *param_nulls, int64_t *cols,
                    bool *nulls, struct db_result *res, struct db_error *err)
{
    *res = (struct db_result){0};
    mariadb_error_set(err, 0, "");
    if (!s->stmt)
        return execute_text(s, res, err);
    for (size_t i = 0; i < s->n_params; i++) {
        s->param_values[i] = params[i];
        s->param_nulls[i] = param_nulls && param_nulls[i];
    }
    if (mysql_stmt_execute(s->stmt)) {
        stmt_error(s->stmt, err);
        return -1;
    }
    if (s->n_cols)
        return fetch_rows(s, cols, nulls, res, err);
    res->affected = (int64_t)mysql_stmt_affected_rows(s->stmt);
    res->insert_id = (int64_t)mysql_stmt_insert_id(s->stmt);
    return 0;
}

