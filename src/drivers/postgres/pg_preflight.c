/* pg_preflight.c — PostgreSQL's settings that change a run, refusals and warnings; and who waits
 * on whom (pg_blocking_pids). */
#include "postgres.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const wanted[] = {
    "default_transaction_isolation", "lock_timeout", "deadlock_timeout", "statement_timeout",
    "max_connections", "superuser_reserved_connections", "max_prepared_transactions",
};
#define N_WANTED (sizeof wanted / sizeof wanted[0])

static int on_version(void *ctx, size_t n, char **row)
{
    struct preflight *pf = ctx;
    if (n >= 1 && row[0])
        snprintf(pf->version, sizeof pf->version, "PostgreSQL %s", row[0]);
    return 0;
}

static int on_setting(void *ctx, size_t n, char **row)
{
    struct preflight *pf = ctx;
    if (n < 2 || !row[0] || pf->n_vars >= PREFLIGHT_VARS_MAX)
        return 0;
    struct server_variable *v = &pf->vars[pf->n_vars++];
    snprintf(v->name, sizeof v->name, "%s", row[0]);
    snprintf(v->value, sizeof v->value, "%s", row[1] ? row[1] : "NULL");
    return 0;
}

int pg_preflight_read(db_conn *c, struct preflight *pf, struct db_error *err)
{
    memset(pf, 0, sizeof *pf);
    if (pg_query(c, "SHOW server_version", on_version, pf, err) < 0)
        return -1;
    char sql[512] = "SELECT name, current_setting(name) FROM pg_settings WHERE name IN (";
    for (size_t i = 0; i < N_WANTED; i++) {
        strcat(sql, i ? ",'" : "'");
        strcat(sql, wanted[i]);
        strcat(sql, "'");
    }
    strcat(sql, ") ORDER BY name");
    if (pg_query(c, sql, on_setting, pf, err) < 0)
        return -1;
    const char *mc = preflight_var(pf, "max_connections");
    pf->max_connections = mc ? atol(mc) : 0;
    /* lock_timeout reads "0" (none) or "1s", "500ms", "2min": the wait in whole seconds */
    const char *lt = preflight_var(pf, "lock_timeout");
    long t = lt ? atol(lt) : 0;
    if (lt && t > 0)
        t = strstr(lt, "ms") ? (t + 999) / 1000 : strstr(lt, "min") ? t * 60 : strchr(lt, 'h') ? t * 3600 : t;
    pf->lock_wait_timeout_s = t > 0 ? t : 0;
    return 0;
}

int pg_preflight_read_grants(db_conn *c, struct preflight *pf, const char *database,
                             struct db_error *err)
{
    (void)c;
    (void)pf;
    (void)database;
    (void)err;
    return 0;     /* roles and grants are the DBA's: not read here */
}

static void warn(struct preflight *pf, const char *text)
{
    if (pf->n_warnings < PREFLIGHT_WARNINGS_MAX)
        snprintf(pf->warnings[pf->n_warnings++], sizeof pf->warnings[0], "%s", text);
}

int pg_preflight_check(struct preflight *pf, int connections, bool pooled, size_t statements,
                       char *err, size_t errlen)
{
    (void)statements;          /* prepared statements live in each session: no server limit */
    if (pf->max_connections > 0 && connections + 1 > pf->max_connections) {
        snprintf(err, errlen, "%d %s need %d connections but the server's max_connections is %ld: "
                 "use --pool=%ld, or raise max_connections on the server",
                 connections, pooled ? "pooled connections" : "buyers", connections + 1,
                 pf->max_connections, pf->max_connections > 11 ? pf->max_connections - 10 : 1);
        return -1;
    }
    const char *iso = preflight_var(pf, "default_transaction_isolation");
    if (iso && strcmp(iso, "read committed") != 0) {
        char text[160];
        snprintf(text, sizeof text, "default_transaction_isolation is '%.40s', not read committed: "
                 "strategies without @isolation run at that level", iso);
        warn(pf, text);
    }
    const char *st = preflight_var(pf, "statement_timeout");
    if (st && strcmp(st, "0") != 0)
        warn(pf, "statement_timeout is set: a long lock wait ends as 57014 (lock_timeout)");
    return 0;
}

int pg_lockwait_open(db_conn *monitor, bool *raised)
{
    (void)monitor;
    *raised = false;
    return 0;
}

void pg_lockwait_close(db_conn *monitor, bool raised)
{
    (void)monitor;
    (void)raised;
}

static int on_wait(void *ctx, size_t n, char **row)
{
    struct lockwaits *w = ctx;
    if (n >= 2 && row[0] && w->n < LOCKWAIT_MAX) {
        w->waiting[w->n] = strtoul(row[0], NULL, 10);
        w->blocker[w->n++] = row[1] ? strtoul(row[1], NULL, 10) : 0;
    }
    return 0;
}

int pg_lockwait_read(db_conn *monitor, struct lockwaits *w, bool other_locks)
{
    (void)other_locks;         /* pg_blocking_pids covers row, table and advisory locks alike */
    struct db_error e;
    w->n = 0;
    /* One row per waiter (a waiter in a row lock's queue is blocked by every pid ahead of it:
     * one row per blocker overflowed LOCKWAIT_MAX at 50 buyers and hid waiters from lockstep).
     * Its blocker: one that is not waiting itself (the holder), else the first. */
    return pg_query(monitor,
                    "SELECT w.pid, COALESCE((SELECT b FROM unnest(w.blockers) AS b "
                    "WHERE cardinality(pg_blocking_pids(b)) = 0 LIMIT 1), w.blockers[1]) "
                    "FROM (SELECT pid, pg_blocking_pids(pid) AS blockers FROM pg_stat_activity) w "
                    "WHERE cardinality(w.blockers) > 0", on_wait, w, &e) < 0 ? -1 : 0;
}
