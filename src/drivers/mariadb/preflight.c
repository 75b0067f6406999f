/* preflight.c — read server version and variables; refuse what cannot work, warn on surprises. */
#include "mariadb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const wanted[] = {
    "transaction_isolation", "tx_isolation", "innodb_snapshot_isolation",
    "innodb_lock_wait_timeout", "innodb_rollback_on_timeout", "innodb_deadlock_detect",
    "max_connections", "max_prepared_stmt_count", "wsrep_on", "tidb_txn_mode",
    "innodb_flush_log_at_trx_commit", "sync_binlog",
};
#define N_WANTED (sizeof wanted / sizeof wanted[0])

struct collect {
    char values[N_WANTED][64];
    bool seen[N_WANTED];
};

static int on_variable(void *ctx, size_t n, char **row)
{
    struct collect *c = ctx;
    if (n < 2 || !row[0])
        return 0;
    for (size_t i = 0; i < N_WANTED; i++)
        if (strcasecmp(row[0], wanted[i]) == 0) {
            snprintf(c->values[i], sizeof c->values[i], "%s", row[1] ? row[1] : "NULL");
            c->seen[i] = true;
        }
    return 0;
}

static int on_status(void *ctx, size_t n, char **row)
{
    struct collect *c = ctx;
    if (n >= 2 && row[1]) {
        snprintf(c->values[0], sizeof c->values[0], "%s", row[1]);
        c->seen[0] = true;
    }
    return 0;
}

/* The durability of commits, from innodb_flush_log_at_trx_commit and sync_binlog. */
static void read_durability(struct preflight *pf)
{
    const char *flush = preflight_var(pf, "innodb_flush_log_at_trx_commit");
    const char *binlog = preflight_var(pf, "sync_binlog");
    pf->durable = -1;
    if (!flush)
        return;
    const char *names[2] = {"innodb_flush_log_at_trx_commit", "sync_binlog"};
    const char *values[2] = {flush, binlog};
    for (size_t i = 0; i < 2; i++)
        if (values[i]) {
            struct server_variable *v = &pf->durability_vars[pf->n_durability_vars++];
            snprintf(v->name, sizeof v->name, "%s", names[i]);
            snprintf(v->value, sizeof v->value, "%s", values[i]);
        }
    char sync[48] = "";
    if (binlog)
        snprintf(sync, sizeof sync, " sync_binlog=%s", binlog);
    pf->durable = strcmp(flush, "1") == 0;
    if (pf->durable)
        snprintf(pf->durability_note, sizeof pf->durability_note,
                 "innodb_flush_log_at_trx_commit=1%s: every commit is flushed to disk", sync);
    else
        snprintf(pf->durability_note, sizeof pf->durability_note,
                 "innodb_flush_log_at_trx_commit=%s%s: commits %s, flushed to disk about once a "
                 "second; a crash of the %s can lose the last second, and commits cost less than on "
                 "a durable (=1) server", flush, sync,
                 strcmp(flush, "2") == 0 ? "reach the OS at once" : "wait in memory",
                 strcmp(flush, "2") == 0 ? "machine" : "server");
}

static int on_version(void *ctx, size_t n, char **row)
{
    struct preflight *pf = ctx;
    if (n >= 1 && row[0])
        snprintf(pf->version, sizeof pf->version, "%s", row[0]);
    return 0;
}

int mariadb_preflight_read(db_conn *c, struct preflight *pf, struct db_error *err)
{
    memset(pf, 0, sizeof *pf);
    if (db_query(c, "SELECT VERSION()", on_version, pf, err) < 0)
        return -1;
    char sql[512] = "SHOW GLOBAL VARIABLES WHERE Variable_name IN (";
    for (size_t i = 0; i < N_WANTED; i++) {
        strcat(sql, i ? ",'" : "'");
        strcat(sql, wanted[i]);
        strcat(sql, "'");
    }
    strcat(sql, ")");
    struct collect col = {0};
    if (db_query(c, sql, on_variable, &col, err) < 0)
        return -1;
    for (size_t i = 0; i < N_WANTED; i++) {
        /* MariaDB 10.x names it tx_isolation; show one name whatever the server */
        if (!col.seen[i] || (i == 1 && col.seen[0]))
            continue;
        struct server_variable *v = &pf->vars[pf->n_vars++];
        snprintf(v->name, sizeof v->name, "%s", i == 1 ? wanted[0] : wanted[i]);
        snprintf(v->value, sizeof v->value, "%s", col.values[i]);
    }
    const char *mc = preflight_var(pf, "max_connections");
    pf->max_connections = mc ? atol(mc) : 0;
    const char *lw = preflight_var(pf, "innodb_lock_wait_timeout");
    pf->lock_wait_timeout_s = !lw ? 0 : atol(lw) > 0 ? atol(lw) : 86400;   /* 0 there: no limit */
    const char *mp = preflight_var(pf, "max_prepared_stmt_count");
    pf->max_prepared_stmts = mp ? atol(mp) : 0;
    struct collect status = {0};   /* a server without the counter: taken as none in use */
    if (db_query(c, "SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'", on_status, &status, err) < 0)
        return -1;
    pf->prepared_stmts_in_use = status.seen[0] ? atol(status.values[0]) : 0;
    read_durability(pf);
    return 0;
}

static void warn(struct preflight *pf, const char *text);

/* Whether privilege is one that changes data or tables. */
static bool is_write(const char *privilege, size_t n)
{
    static const char *const writes[] = {
        "ALL PRIVILEGES", "ALL", "INSERT", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "INDEX",
        "TRIGGER", "DELETE HISTORY",
    };
    for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++)
        if (strlen(writes[i]) == n && strncasecmp(privilege, writes[i], n) == 0)
            return true;
    return false;
}

/* Whether the privilege list of a GRANT line ("SELECT, UPDATE (qty, note), INSERT") includes a
 * write: split at the commas outside a column list, each privilege without its columns. */
static bool grants_write(const char *list, size_t len)
{
    size_t start = 0, end = 0;
    int depth = 0;
    for (size_t i = 0; i <= len; i++) {
        char ch = i < len ? list[i] : ',';
        if (ch == '(' && depth++ == 0)
            end = i;
        else if (ch == ')')
            depth--;
        else if (ch == ',' && depth == 0) {
            if (end <= start)
                end = i;
            while (start < end && list[start] == ' ')
                start++;
            while (end > start && list[end - 1] == ' ')
                end--;
            if (is_write(list + start, end - start))
                return true;
            start = i + 1;
            end = 0;
        }
    }
    return false;
}

/* What SHOW GRANTS says about writing outside racesim's database. */
struct grant_scan {
    const char *database;
    char elsewhere[128];       /* the first object outside database that the user can write */
    int n_elsewhere;
};

static int on_grant(void *ctx, size_t n, char **row)
{
    struct grant_scan *g = ctx;
    if (n < 1 || !row[0] || strncasecmp(row[0], "GRANT ", 6) != 0)
        return 0;
    const char *on = strstr(row[0], " ON ");
    if (!on || !grants_write(row[0] + 6, (size_t)(on - row[0] - 6)))
        return 0;                           /* a role grant, PROXY, or reading only */
    const char *object = on + 4;
    if (strncasecmp(object, "PROCEDURE ", 10) == 0 || strncasecmp(object, "FUNCTION ", 9) == 0 ||
        strncasecmp(object, "PACKAGE ", 8) == 0)
        return 0;
    char db[130] = "";
    size_t k = 0;
    for (const char *p = object; *p && *p != '.' && *p != ' ' && k + 1 < sizeof db; p++)
        if (*p != '`' && *p != '\\')         /* `racesim\_x`: an escaped _ in a database grant */
            db[k++] = *p;
    db[k] = '\0';
    if (strcmp(db, g->database) == 0)
        return 0;
    if (g->n_elsewhere++ == 0) {
        const char *to = strstr(object, " TO ");
        snprintf(g->elsewhere, sizeof g->elsewhere, "%.*s",
                 (int)(to ? (size_t)(to - object) : strlen(object)), object);
    }
    return 0;
}

int mariadb_preflight_read_grants(db_conn *c, struct preflight *pf, const char *database,
                          struct db_error *err)
{
    struct grant_scan g = {.database = database};
    if (db_query(c, "SHOW GRANTS", on_grant, &g, err) < 0)
        return -1;
    if (g.n_elsewhere == 0)
        return 0;
    char text[sizeof pf->warnings[0]];
    snprintf(text, sizeof text, "this user can write outside `%.64s` (on %.60s%s): racesim does "
             "not stop a strategy that does; a user with rights on it only is safer", database,
             g.elsewhere, g.n_elsewhere > 1 ? " and more" : "");
    warn(pf, text);
    return 0;
}

static bool is_on(const char *v)
{
    return v && (strcasecmp(v, "ON") == 0 || strcmp(v, "1") == 0);
}

static void warn(struct preflight *pf, const char *text)
{
    if (pf->n_warnings < PREFLIGHT_WARNINGS_MAX)
        snprintf(pf->warnings[pf->n_warnings++], sizeof pf->warnings[0], "%s", text);
}

/* Whether connections x statements fit in what max_prepared_stmt_count leaves free. */
static int check_statements(const struct preflight *pf, int connections, bool pooled,
                            size_t statements, char *err, size_t errlen)
{
    long long need = (long long)connections * (long long)statements + 1;   /* + racesim's own */
    long long room = pf->max_prepared_stmts - pf->prepared_stmts_in_use;
    if (pf->max_prepared_stmts <= 0 || need <= room)
        return 0;
    long long fit = statements ? room / (long long)statements : 0;
    char in_use[96] = "";
    if (pf->prepared_stmts_in_use > 0)
        snprintf(in_use, sizeof in_use, ", of which %ld are prepared by others now",
                 pf->prepared_stmts_in_use);
    snprintf(err, errlen, "%d %s prepare up to %zu statements each, %lld in all, but the server's "
             "max_prepared_stmt_count is %ld%s: use --pool=%lld, or raise it (SET GLOBAL "
             "max_prepared_stmt_count = %lld)", connections,
             pooled ? "pooled connections" : "buyers", statements, need, pf->max_prepared_stmts,
             in_use, fit > 1 ? fit : 1, need + pf->prepared_stmts_in_use + 100);
    return -1;
}

int mariadb_preflight_check(struct preflight *pf, int connections, bool pooled, size_t statements,
                    char *err, size_t errlen)
{
    /* one connection is racesim's own: setup, then the invariants */
    if (pf->max_connections > 0 && connections + 1 > pf->max_connections) {
        snprintf(err, errlen, "%d %s need %d connections but the server's max_connections is %ld: "
                 "use --pool=%ld, or raise max_connections on the server",
                 connections, pooled ? "pooled connections" : "buyers", connections + 1,
                 pf->max_connections, pf->max_connections > 11 ? pf->max_connections - 10 : 1);
        return -1;
    }
    if (check_statements(pf, connections, pooled, statements, err, errlen))
        return -1;
    if (is_on(preflight_var(pf, "innodb_snapshot_isolation")))
        warn(pf, "innodb_snapshot_isolation=ON: a read-then-write inside a transaction fails with "
                 "1020 (snapshot_conflict) instead of losing an update");
    if (preflight_var(pf, "innodb_deadlock_detect") && !is_on(preflight_var(pf, "innodb_deadlock_detect")))
        warn(pf, "innodb_deadlock_detect=OFF: deadlocks end as lock wait timeouts (1205) after "
                 "innodb_lock_wait_timeout");
    if (is_on(preflight_var(pf, "wsrep_on")))
        warn(pf, "wsrep_on=ON (Galera): FOR UPDATE locks rows on this node only; conflicting "
                 "commits on other nodes fail at COMMIT with 1213");
    if (preflight_var(pf, "tidb_txn_mode"))
        warn(pf, "TiDB: optimistic transactions report write conflicts at COMMIT");
    return 0;
}
