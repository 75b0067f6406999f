/* pg_client.c — the PostgreSQL client (libpq) behind the driver boundary: connections, statements. */
#include "postgres.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#define INT8OID 20
#define SQL_MAX 65536

struct db_stmt {
    db_conn *conn;
    char name[24];             /* "" : run as text (sql) */
    char *sql;
    size_t n_params, n_cols;
    char (*param_text)[24];
    const char **param_values;
    char **col_names;
    db_stmt *next;
};

struct db_conn {
    PGconn *pg;
    int fd;                    /* its socket, for pg_cut from another thread */
    unsigned long pid;         /* the backend's pid: racesim's connection id */
    struct db_target target;   /* to reconnect (pg_reconnect) */
    unsigned seq;              /* names prepared statements */
    db_stmt *stmts;
    db_conn *keeper;           /* a session to the maintenance database that outlives
                                  pg_reconnect: the owner lock lives there (NULL: none yet) */
};

int pg_library_init(void)
{
    return PQisthreadsafe() ? 0 : -1;
}

void pg_library_end(void)
{
}

void pg_thread_start(void)
{
}

void pg_thread_stop(void)
{
}

static void quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;             /* notices (ROLLBACK outside a transaction) are not errors */
}

/* The first line of libpq's message, without "ERROR:  " or a trailing newline. */
static void message_of(const char *m, char *out, size_t outlen)
{
    if (!m)
        m = "";
    if (strncmp(m, "ERROR:  ", 8) == 0)
        m += 8;
    else if (strncmp(m, "FATAL:  ", 8) == 0)
        m += 8;
    size_t n = strcspn(m, "\n");
    snprintf(out, outlen, "%.*s", (int)n, m);
}

static void conn_error(PGconn *pg, struct db_error *err)
{
    char text[256];
    message_of(pg ? PQerrorMessage(pg) : "out of memory", text, sizeof text);
    pg_error_set(err, PG_LOST_CODE, text, true);
}

/* Fills err from a failed result: the server's SQLSTATE, else libpq's own (a lost connection). */
static void result_error(PGconn *pg, PGresult *r, struct db_error *err)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char text[256];
    if (primary)
        snprintf(text, sizeof text, "%s", primary);
    else
        message_of(r ? PQresultErrorMessage(r) : PQerrorMessage(pg), text, sizeof text);
    if (!text[0])
        message_of(PQerrorMessage(pg), text, sizeof text);
    bool lost = PQstatus(pg) == CONNECTION_BAD;
    if (state && *state && !(lost && strncmp(state, "08", 2) != 0 && strncmp(state, "57P", 3) != 0))
        pg_error_set(err, state, text, false);
    else
        pg_error_set(err, PG_LOST_CODE, text[0] ? text : "connection lost", true);
}

/* libpq's sslmode for a target's mode (NULL: libpq's default, prefer). */
static const char *pg_sslmode(enum db_tls_mode mode)
{
    static const char *names[] = {
        [DB_TLS_DEFAULT] = NULL, [DB_TLS_DISABLED] = "disable", [DB_TLS_PREFERRED] = "prefer",
        [DB_TLS_REQUIRED] = "require", [DB_TLS_VERIFY_CA] = "verify-ca",
        [DB_TLS_VERIFY_IDENTITY] = "verify-full",
    };
    return (size_t)mode < sizeof names / sizeof names[0] ? names[mode] : NULL;
}

/* Appends key=value to libpq's arrays when value is not NULL. */
static void param(const char **keys, const char **values, size_t *n, const char *key,
                  const char *value)
{
    if (value) {
        keys[*n] = key;
        values[(*n)++] = value;
    }
}

static PGconn *open_session(const struct db_target *t, const char *database)
{
    char port[16], timeout[16];
    snprintf(port, sizeof port, "%u", t->port ? t->port : 5432);
    snprintf(timeout, sizeof timeout, "%u", t->connect_timeout_s ? t->connect_timeout_s
                                                                  : DB_CONNECT_TIMEOUT_S);
    const char *host = t->socket[0] ? t->socket : t->host[0] ? t->host : "127.0.0.1";
    const char *keys[12], *values[12];
    size_t n = 0;
    param(keys, values, &n, "host", host);
    param(keys, values, &n, "port", port);
    param(keys, values, &n, "user", t->user);
    param(keys, values, &n, "dbname", database);
    param(keys, values, &n, "connect_timeout", timeout);
    param(keys, values, &n, "password", t->password && *t->password ? t->password : NULL);
    param(keys, values, &n, "application_name", "racesim");
    param(keys, values, &n, "sslmode", pg_sslmode(t->tls.mode));
    param(keys, values, &n, "sslrootcert", t->tls.ca[0] ? t->tls.ca : NULL);
    param(keys, values, &n, "sslcert", t->tls.cert[0] ? t->tls.cert : NULL);
    param(keys, values, &n, "sslkey", t->tls.key[0] ? t->tls.key : NULL);
    keys[n] = values[n] = NULL;
    return PQconnectdbParams(keys, values, 0);
}

db_conn *pg_open(const struct db_target *t, bool with_database, struct db_error *err)
{
    db_conn *c = calloc(1, sizeof *c);
    if (!c) {
        pg_error_set(err, PG_LOST_CODE, "out of memory", true);
        return NULL;
    }
    c->target = *t;
    PGconn *pg = open_session(t, with_database ? t->database : "postgres");
    if (!pg || PQstatus(pg) != CONNECTION_OK) {
        conn_error(pg, err);
        PQfinish(pg);
        free(c);
        return NULL;
    }
    PQsetNoticeProcessor(pg, quiet, NULL);
    c->pg = pg;
    c->fd = PQsocket(pg);
    c->pid = (unsigned long)PQbackendPID(pg);
    return c;
}

void pg_cut(db_conn *c)
{
    if (c && c->fd >= 0)
        shutdown(c->fd, SHUT_RDWR);
}

static void stmt_free(db_stmt *s)
{
    for (size_t i = 0; s->col_names && i < s->n_cols; i++)
        free(s->col_names[i]);
    free(s->col_names);
    free(s->param_text);
    free(s->param_values);
    free(s->sql);
    free(s);
}

static void drop_statements(db_conn *c)
{
    for (db_stmt *s = c->stmts, *next; s; s = next) {
        next = s->next;
        stmt_free(s);
    }
    c->stmts = NULL;
}

void pg_close(db_conn *c)
{
    if (!c)
        return;
    pg_close(c->keeper);
    drop_statements(c);
    PQfinish(c->pg);
    free(c);
}

db_conn *pg_keeper(db_conn *c, struct db_error *err)
{
    if (!c->keeper)
        c->keeper = pg_open(&c->target, false, err);
    return c->keeper;
}

int pg_reconnect(db_conn *c, const char *database, struct db_error *err)
{
    PGconn *pg = open_session(&c->target, database);
    if (!pg || PQstatus(pg) != CONNECTION_OK) {
        conn_error(pg, err);
        PQfinish(pg);
        return -1;
    }
    PQsetNoticeProcessor(pg, quiet, NULL);
    drop_statements(c);
    PQfinish(c->pg);
    c->pg = pg;
    c->fd = PQsocket(pg);
    c->pid = (unsigned long)PQbackendPID(pg);
    return 0;
}

unsigned long pg_connection_id(db_conn *c)
{
    return c->pid;
}

int pg_execute(db_conn *c, const char *sql, struct db_error *err)
{
    return pg_query(c, sql, NULL, NULL, err);
}

/* Passes the rows of r to row; returns its first non-zero value, or 0 (-2: out of memory). */
static int walk_rows(PGresult *r, db_row_fn row, void *ctx)
{
    int n = PQnfields(r), rows = PQntuples(r), rc = 0;
    if (!row || n == 0)
        return 0;
    char **values = calloc((size_t)n, sizeof *values);
    if (!values)
        return -2;
    for (int i = 0; rc == 0 && i < rows; i++) {
        for (int k = 0; k < n; k++)
            values[k] = PQgetisnull(r, i, k) ? NULL : PQgetvalue(r, i, k);
        rc = row(ctx, (size_t)n, values);
    }
    free(values);
    return rc;
}

int pg_query(db_conn *c, const char *sql, db_row_fn row, void *ctx, struct db_error *err)
{
    pg_error_set(err, NULL, "", false);
    if (!PQsendQuery(c->pg, sql)) {
        conn_error(c->pg, err);
        return -1;
    }
    int rc = 0;
    bool failed = false;
    PGresult *r;
    while ((r = PQgetResult(c->pg))) {      /* every result, so the connection is idle after */
        ExecStatusType st = PQresultStatus(r);
        if (!failed && st == PGRES_TUPLES_OK && rc == 0)
            rc = walk_rows(r, row, ctx);
        else if (!failed && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK
                 && st != PGRES_EMPTY_QUERY) {
            result_error(c->pg, r, err);
            failed = true;
        }
        PQclear(r);
    }
    if (rc == -2) {
        pg_error_set(err, PG_LOST_CODE, "out of memory", true);
        return -1;
    }
    if (!failed && PQstatus(c->pg) == CONNECTION_BAD) {
        conn_error(c->pg, err);
        return -1;
    }
    return failed ? -1 : rc;
}

int pg_number_placeholders(const char *sql, char *out, size_t outlen)
{
    size_t o = 0;
    int n = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        char buf[16];
        const char *put = buf;
        buf[0] = *p;
        buf[1] = '\0';
        if (quote) {
            if (*p == quote)
                quote = 0;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
        } else if (p[0] == '-' && p[1] == '-') {
            size_t len = strcspn(p, "\n");
            if (o + len >= outlen)
                return -1;
            memcpy(out + o, p, len);
            o += len;
            p += len - 1;
            continue;
        } else if (*p == '?') {
            snprintf(buf, sizeof buf, "$%d", ++n);
        }
        size_t len = strlen(put);
        if (o + len >= outlen)
            return -1;
        memcpy(out + o, put, len);
        o += len;
    }
    if (o >= outlen)
        return -1;
    out[o] = '\0';
    return n;
}

static bool is_multiple_commands(const struct db_error *e)
{
    return strcmp(e->code, "42601") == 0 && strstr(e->text, "multiple commands");
}

/* Parse and Describe of statement name in ONE round trip (libpq's pipeline mode) where libpq has
 * it: sets *prep and *desc to their results (NULL when the connection broke first). Returns -1,
 * having sent nothing, when the pipeline cannot be used: then the caller takes two round trips. */
static int prepare_described(PGconn *pg, const char *name, const char *text, int n,
                             const Oid *types, PGresult **prep, PGresult **desc)
{
    *prep = *desc = NULL;
#ifdef LIBPQ_HAS_PIPELINING
    if (!PQenterPipelineMode(pg))
        return -1;
    if (PQsendPrepare(pg, name, text, n, types) && PQsendDescribePrepared(pg, name)
        && PQpipelineSync(pg)) {
        int got = 0, ends = 0;         /* prepare, NULL, describe, NULL, then the sync */
        for (int i = 0; i < 16 && ends < 3; i++) {
            PGresult *r = PQgetResult(pg);
            if (!r) {
                if (PQstatus(pg) == CONNECTION_BAD)
                    break;
                ends++;
                continue;
            }
            if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
                PQclear(r);
                break;
            }
            if (got == 0)
                *prep = r;
            else if (got == 1)
                *desc = r;
            else
                PQclear(r);
            got++;
        }
    }
    PQexitPipelineMode(pg);
    return 0;
#else
    (void)pg; (void)name; (void)text; (void)n; (void)types;
    return -1;
#endif
}

/* Reads the statement's columns from its Describe result d (NULL: asks the server for it). */
static int describe(db_stmt *s, PGresult *d, struct db_error *err)
{
    if (!d)
        d = PQdescribePrepared(s->conn->pg, s->name);
    if (PQresultStatus(d) != PGRES_COMMAND_OK) {
        result_error(s->conn->pg, d, err);
        PQclear(d);
        return -1;
    }
    s->n_cols = (size_t)PQnfields(d);
    s->col_names = s->n_cols ? calloc(s->n_cols, sizeof *s->col_names) : NULL;
    bool bad = s->n_cols && !s->col_names;
    for (size_t i = 0; !bad && i < s->n_cols; i++)
        bad = !(s->col_names[i] = strdup(PQfname(d, (int)i)));
    PQclear(d);
    if (bad) {
        pg_error_set(err, PG_LOST_CODE, "out of memory", true);
        return -1;
    }
    return 0;
}

static int alloc_params(db_stmt *s, struct db_error *err)
{
    if (s->n_params == 0)
        return 0;
    s->param_text = calloc(s->n_params, sizeof *s->param_text);
    s->param_values = calloc(s->n_params, sizeof *s->param_values);
    if (!s->param_text || !s->param_values) {
        pg_error_set(err, PG_LOST_CODE, "out of memory", true);
        return -1;
    }
    return 0;
}

/* A new statement for sql on c: its placeholders numbered, its name given; NULL with err when
 * out of memory. Nothing is sent. */
static db_stmt *stmt_new(db_conn *c, const char *sql, struct db_error *err)
{
    db_stmt *s = calloc(1, sizeof *s);
    size_t cap = strlen(sql) * 2 + 16;
    char *text = s ? malloc(cap) : NULL;
    int n = text ? pg_number_placeholders(sql, text, cap) : -1;
    if (n < 0) {
        free(text);
        free(s);
        pg_error_set(err, PG_LOST_CODE, "out of memory", true);
        return NULL;
    }
    s->conn = c;
    s->sql = text;
    s->n_params = (size_t)n;
    snprintf(s->name, sizeof s->name, "racesim_%u", ++c->seq);
    return s;
}

/* The parameter types of s for Parse (racesim's values are all integers), or NULL: the server
 * infers them (more than types can hold). */
static const Oid *param_types(const db_stmt *s, Oid types[256])
{
    if (s->n_params > 256)
        return NULL;
    for (size_t i = 0; i < s->n_params; i++)
        types[i] = INT8OID;
    return types;
}

/* Completes s from its Parse result r and Describe result d (both consumed): on c's list and
 * returned, or freed and NULL with err. A refused statement of several commands and no
 * parameters is kept, to run as text. */
static db_stmt *stmt_finish(db_stmt *s, PGresult *r, PGresult *d, struct db_error *err)
{
    db_conn *c = s->conn;
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        result_error(c->pg, r, err);
        PQclear(r);
        PQclear(d);
        if (s->n_params > 0 || !is_multiple_commands(err)) {
            stmt_free(s);
            return NULL;
        }
        s->name[0] = '\0';         /* several statements: run as text */
        pg_error_set(err, NULL, "", false);
    } else {
        PQclear(r);
        if (describe(s, d, err) || alloc_params(s, err)) {
            stmt_free(s);
            return NULL;
        }
    }
    s->next = c->stmts;
    c->stmts = s;
    return s;
}

db_stmt *pg_prepare(db_conn *c, const char *sql, struct db_error *err)
{
    db_stmt *s = stmt_new(c, sql, err);
    if (!s)
        return NULL;
    Oid types[256];
    const Oid *t = param_types(s, types);
    int n = (int)s->n_params;
    PGresult *r, *d;
    if (prepare_described(c->pg, s->name, s->sql, n, t, &r, &d) != 0)
        r = PQprepare(c->pg, s->name, s->sql, n, t);
    return stmt_finish(s, r, d, err);
}

#define PIPELINE_MAX 64        /* statements per round trip: their replies fit the socket */

/* Parse and Describe of sqls[0..n-1] (n <= PIPELINE_MAX) in one round trip (libpq's pipeline
 * mode). out[i] gets each leading statement the server took; returns how many. The first one it
 * refused, and those after it (which the server then skipped), are left to the caller, as is
 * everything when the pipeline cannot be used (returns 0). */
static size_t prepare_pipelined(db_conn *c, const char *const *sqls, size_t n, db_stmt **out,
                                struct db_error *errs)
{
    size_t ok = 0;
#ifdef LIBPQ_HAS_PIPELINING
    db_stmt *s[PIPELINE_MAX];
    PGresult *res[2 * PIPELINE_MAX] = {0};   /* Parse, Describe of each in turn */
    size_t made = 0, got = 0;
    while (made < n && (s[made] = stmt_new(c, sqls[made], &errs[made])))
        made++;
    bool sent = made > 0 && PQenterPipelineMode(c->pg);
    if (sent) {
        Oid types[256];
        for (size_t k = 0; sent && k < made; k++)
            sent = PQsendPrepare(c->pg, s[k]->name, s[k]->sql, (int)s[k]->n_params,
                                 param_types(s[k], types))
                   && PQsendDescribePrepared(c->pg, s[k]->name);
        sent = sent && PQpipelineSync(c->pg);
        /* each command's result then NULL; a skipped one's PIPELINE_ABORTED; then the sync */
        for (size_t i = 0; sent && i < 4 * made + 8; i++) {
            PGresult *r = PQgetResult(c->pg);
            if (!r) {
                if (PQstatus(c->pg) == CONNECTION_BAD)
                    break;
                continue;
            }
            if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
                PQclear(r);
                break;
            }
            if (got < 2 * made)
                res[got++] = r;
            else
                PQclear(r);
        }
        PQexitPipelineMode(c->pg);
    }
    for (size_t k = 0; k < made; k++) {
        PGresult *r = res[2 * k], *d = res[2 * k + 1];
        bool took = ok == k && r && d && PQresultStatus(r) == PGRES_COMMAND_OK
                    && PQresultStatus(d) == PGRES_COMMAND_OK;
        if (took && (out[k] = stmt_finish(s[k], r, d, &errs[k])))
            ok++;
        else if (!took) {
            PQclear(r);
            PQclear(d);
            stmt_free(s[k]);
        }
    }
#else
    (void)c; (void)sqls; (void)n; (void)out; (void)errs;
#endif
    return ok;
}

size_t pg_prepare_many(db_conn *c, const char *const *sqls, size_t n, db_stmt **out,
                       struct db_error *errs)
{
    size_t i = 0, done = 0;
    while (n - i > 1) {
        size_t m = n - i < PIPELINE_MAX ? n - i : PIPELINE_MAX;
        size_t took = prepare_pipelined(c, sqls + i, m, out + i, errs + i);
        done += took;
        i += took;
        if (took < m)
            break;             /* from the first not taken on: one at a time, as pg_prepare */
    }
    for (; i < n; i++)
        done += (out[i] = pg_prepare(c, sqls[i], &errs[i])) != NULL;
    return done;
}

void pg_stmt_close(db_stmt *s)
{
    if (!s)
        return;
    for (db_stmt **p = &s->conn->stmts; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            break;
        }
    if (s->name[0]) {
        char sql[64];
        struct db_error ignored;
        snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name);
        pg_execute(s->conn, sql, &ignored);
    }
    stmt_free(s);
}

size_t pg_stmt_params(const db_stmt *s)
{
    return s->n_params;
}

size_t pg_stmt_columns(const db_stmt *s)
{
    return s->n_cols;
}

const char *pg_stmt_column_name(const db_stmt *s, size_t i)
{
    return i < s->n_cols ? s->col_names[i] : NULL;
}

/* A column's text as an integer: booleans as 0/1, decimals truncated. */
static int64_t as_int(const char *v)
{
    if (v[0] == 't' && v[1] == '\0')
        return 1;
    if (v[0] == 'f' && v[1] == '\0')
        return 0;
    return strtoll(v, NULL, 10);
}

static void first_row(PGresult *r, size_t n_cols, int64_t *cols, bool *nulls)
{
    for (size_t i = 0; i < n_cols; i++) {
        bool null = PQgetisnull(r, 0, (int)i);
        if (cols)
            cols[i] = null ? 0 : as_int(PQgetvalue(r, 0, (int)i));
        if (nulls)
            nulls[i] = null;
    }
}

int pg_stmt_execute(db_stmt *s, const int64_t *params, const bool *param_nulls, int64_t *cols,
                    bool *nulls, struct db_result *res, struct db_error *err)
{
    *res = (struct db_result){0};
    pg_error_set(err, NULL, "", false);
    if (!s->name[0])
        return pg_execute(s->conn, s->sql, err);
    for (size_t i = 0; i < s->n_params; i++) {
        snprintf(s->param_text[i], sizeof s->param_text[i], "%lld", (long long)params[i]);
        s->param_values[i] = param_nulls && param_nulls[i] ? NULL : s->param_text[i];
    }
    PGresult *r = PQexecPrepared(s->conn->pg, s->name, (int)s->n_params, s->param_values, NULL,
                                 NULL, 0);
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_TUPLES_OK) {
        res->affected = PQntuples(r);
        res->found = res->affected > 0;
        if (res->found)
            first_row(r, s->n_cols, cols, nulls);
    } else if (st == PGRES_COMMAND_OK) {
        res->affected = strtoll(PQcmdTuples(r), NULL, 10);
    } else {
        result_error(s->conn->pg, r, err);
        PQclear(r);
        return -1;
    }
    PQclear(r);
    return 0;
}
