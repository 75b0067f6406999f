/* pg_preflight.c — PostgreSQL's settings that change a run, refusals and warnings; and who waits
 * on whom (pg_blocking_pids). */
#include "postgres.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const wanted[] = {
    "default_transaction_isolation", "lock_timeout", "deadlock_timeout", "statement_timeout",
    "max_connections", "superuser_reserved_connections", "max_prepared_transactions",
    "fsync", "synchronous_commit", "full_page_writes",
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

static void durability_var(struct preflight *pf, const char *name, bool on)
{
    struct server_variable *v = &pf->durability_vars[pf->n_durability_vars++];
    snprintf(v->name, sizeof v->name, "%s", name);
    snprintf(v->value, sizeof v->value, "%d", on);
}

/* The durability of commits, from fsync, synchronous_commit and full_page_writes (1 on, 0 off;
 * synchronous_commit 1 for any level that waits for the local flush). */
static void read_durability(struct preflight *pf)
{
    const char *fsync = preflight_var(pf, "fsync");
    const char *sync = preflight_var(pf, "synchronous_commit");
    const char *pages = preflight_var(pf, "full_page_writes");
    pf->durable = -1;
    if (!fsync || !sync || !pages)
        return;
    bool fsync_on = strcmp(fsync, "on") == 0, sync_on = strcmp(sync, "off") != 0,
         pages_on = strcmp(pages, "on") == 0;
    durability_var(pf, "fsync", fsync_on);
    durability_var(pf, "synchronous_commit", sync_on);
    durability_var(pf, "full_page_writes", pages_on);
    pf->durable = fsync_on && sync_on && pages_on;
    char settings[96];
    snprintf(settings, sizeof settings, "fsync=%.8s synchronous_commit=%.16s full_page_writes=%.8s",
             fsync, sync, pages);
    const char *what =
        pf->durable ? "every commit is flushed to disk before it returns" :
        !fsync_on ? "nothing is flushed to disk; a crash of the machine can lose or corrupt the "
                    "data, and commits cost less than on a durable server: these are not "
                    "durable-commit figures" :
        !sync_on ? "a commit returns before its WAL is flushed; a crash of the server can lose "
                   "the last commits, and commits cost less than on a durable server: these are "
                   "not durable-commit figures" :
                   "commits are flushed, but a crash of the machine can leave torn pages";
    snprintf(pf->durability_note, sizeof pf->durability_note, "%s: %s", settings, what);
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
    read_durability(pf);
    return 0;
}

static void warn(struct preflight *pf, const char *text);

/* The connected role: its name, whether it is a superuser, whether it may create databases. */
struct role {
    char name[64];
    bool super, createdb, found;
};

static int on_role(void *ctx, size_t n, char **row)
{
    struct role *r = ctx;
    if (n >= 3 && row[0]) {
        snprintf(r->name, sizeof r->name, "%s", row[0]);
        r->super = row[1] && strcmp(row[1], "t") == 0;
        r->createdb = row[2] && strcmp(row[2], "t") == 0;
        r->found = true;
    }
    return 0;
}

/* Row values as text ("t", "f", or a name), one row. */
struct flags {
    char v[3][64];
    bool found;
};

static int on_flags(void *ctx, size_t n, char **row)
{
    struct flags *f = ctx;
    for (size_t i = 0; i < n && i < 3; i++)
        snprintf(f->v[i], sizeof f->v[i], "%s", row[i] ? row[i] : "");
    f->found = true;
    return 0;
}

static int refuse(struct db_error *err, const char *text)
{
    pg_error_set(err, NULL, text, true);
    return 1;
}

int pg_preflight_read_grants(db_conn *c, struct preflight *pf, const char *database,
                             struct db_error *err)
{
    struct role me = {0};
    struct flags db = {0}, schema = {0};
    char sql[256], text[640];    /* room for the longest names; cut to err->text */
    if (pg_query(c, "SELECT current_user, rolsuper, rolcreatedb FROM pg_roles "
                 "WHERE rolname = current_user", on_role, &me, err) < 0)
        return -1;
    if (!me.found)
        return 0;
    if (me.super) {
        snprintf(text, sizeof text, "this user (%.40s) is a superuser: it can write in every "
                 "database of the server, and racesim does not stop a strategy that does; a "
                 "user with rights on \"%.64s\" only is safer", me.name, database);
        warn(pf, text);
        return 0;
    }
    /* database is an identifier ([A-Za-z0-9_]): safe inside quotes */
    snprintf(sql, sizeof sql, "SELECT has_database_privilege(oid, 'CONNECT') FROM pg_database "
             "WHERE datname = '%s'", database);
    if (pg_query(c, sql, on_flags, &db, err) < 0)
        return -1;
    if (!db.found) {
        if (me.createdb)
            return 0;
        snprintf(text, sizeof text, "user %.40s may not create database \"%.64s\" (no CREATEDB): "
                 "create it for them (CREATE DATABASE %.64s OWNER %.40s) or name one they own",
                 me.name, database, database, me.name);
        return refuse(err, text);
    }
    if (strcmp(db.v[0], "t") != 0) {
        snprintf(text, sizeof text, "user %.40s may not connect to database \"%.64s\": GRANT "
                 "CONNECT ON DATABASE %.64s TO %.40s, or choose another --database", me.name,
                 database, database, me.name);
        return refuse(err, text);
    }
    /* the tables go into the first schema of the search path, in the database itself */
    if (pg_use_database(c, database, err) < 0)
        return -1;
    if (pg_query(c, "SELECT current_schema(), has_schema_privilege(current_schema(), 'CREATE')",
                 on_flags, &schema, err) < 0)
        return -1;
    if (!schema.v[0][0]) {
        snprintf(text, sizeof text, "user %.40s has no schema to create tables in, in database "
                 "\"%.64s\" (its search_path names none that exists)", me.name, database);
        return refuse(err, text);
    }
    if (strcmp(schema.v[1], "t") != 0) {
        snprintf(text, sizeof text, "user %.40s may not create tables in schema %.40s of database "
                 "\"%.40s\": GRANT CREATE ON SCHEMA %.40s TO %.40s, or make them the database's "
                 "owner", me.name, schema.v[0], database, schema.v[0], me.name);
        return refuse(err, text);
    }
    return 0;
}

static void warn(struct preflight *pf, const char *text)
{
    if (pf->n_warnings < PREFLIGHT_WARNINGS_MAX)
        snprintf(pf->warnings[pf->n_warnings++], sizeof pf->warnings[0], "%.*s",
                 (int)sizeof pf->warnings[0] - 1, text);
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
