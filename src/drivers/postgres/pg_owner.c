/* pg_owner.c — one racesim run at a time per database (an advisory lock and the owner table),
 * and seed copies of racesim's tables for fast resets. */
#include "postgres.h"
#include "owner.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "workspace.h"

#define SEED_SUFFIX "__seed"
#define TABLES_MAX 64

struct first {
    char text[256];
    bool found;
};

static int on_first(void *ctx, size_t n, char **row)
{
    struct first *f = ctx;
    if (!f->found && n >= 1 && row[0]) {
        snprintf(f->text, sizeof f->text, "%s", row[0]);
        f->found = true;
    }
    return 0;
}

static int query_first(db_conn *c, const char *sql, struct first *f, struct db_error *e)
{
    memset(f, 0, sizeof *f);
    return pg_query(c, sql, on_first, f, e) < 0 ? -1 : 0;
}

int pg_owner_acquire(db_conn *c, const char *database, int wait_s, char *err, size_t errlen)
{
    char sql[256];
    struct db_error e;
    struct first got, who;
    /* database is an identifier ([A-Za-z0-9_]): safe to quote */
    snprintf(sql, sizeof sql, "SELECT pg_try_advisory_lock(hashtext('racesim:%s'))", database);
    for (int tries = 0; tries <= wait_s * 10; tries++) {
        if (query_first(c, sql, &got, &e)) {
            snprintf(err, errlen, "cannot lock database \"%s\" for this run: %s", database, e.text);
            return -1;
        }
        if (got.found && strcmp(got.text, "t") == 0)
            return 0;
        nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
    }
    snprintf(sql, sizeof sql, "SELECT 'racesim pid ' || pid || ' on host ' || host || ' since ' || "
             "started || ', server pid ' || connection_id FROM " OWNER_TABLE " WHERE id = 1");
    if (query_first(c, sql, &who, &e))
        who.found = false;          /* another database, or no such table yet */
    snprintf(err, errlen, "database \"%s\" is in use by another racesim run (%s; advisory lock "
             "racesim:%s); waited %d s: let it finish, or give this run another --database",
             database, who.found ? who.text : "another connection", database, wait_s);
    return 1;
}

/* This machine's name, reduced to characters safe inside an SQL string. */
static void host_name(char *out, size_t outlen)
{
    if (gethostname(out, outlen) != 0)
        snprintf(out, outlen, "unknown");
    out[outlen - 1] = '\0';
    for (char *p = out; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '.' || *p == '-' || *p == '_'))
            *p = '?';
}

int pg_owner_record(db_conn *c, char *err, size_t errlen)
{
    char host[128], sql[512];
    struct db_error e;
    host_name(host, sizeof host);
    snprintf(sql, sizeof sql, "INSERT INTO " OWNER_TABLE " (id, connection_id, pid, host, started) "
             "VALUES (1, pg_backend_pid(), %ld, '%s', now()) ON CONFLICT (id) DO UPDATE SET "
             "connection_id = EXCLUDED.connection_id, pid = EXCLUDED.pid, host = EXCLUDED.host, "
             "started = EXCLUDED.started", (long)getpid(), host);
    if (pg_execute(c, "CREATE TABLE IF NOT EXISTS " OWNER_TABLE " (id SMALLINT PRIMARY KEY, "
                   "connection_id BIGINT NOT NULL, pid BIGINT NOT NULL, host VARCHAR(255) NOT NULL, "
                   "started TIMESTAMP(0) NOT NULL)", &e) ||
        pg_execute(c, sql, &e)) {
        snprintf(err, errlen, "cannot record this run as the database's owner: %s", e.text);
        return -1;
    }
    return 0;
}

struct tables {
    char names[TABLES_MAX][65];
    int n;
};

static int on_table(void *ctx, size_t n, char **row)
{
    struct tables *t = ctx;
    if (n >= 1 && row[0] && t->n < TABLES_MAX)
        snprintf(t->names[t->n++], sizeof t->names[0], "%s", row[0]);
    return 0;
}

static int owned(db_conn *c, struct tables *t, struct db_error *e)
{
    memset(t, 0, sizeof *t);
    return pg_query(c, "SELECT table_name FROM " WORKSPACE_MARKER " WHERE table_name NOT LIKE '%"
                    SEED_SUFFIX "' ORDER BY table_name", on_table, t, e) < 0 ? -1 : 0;
}

static int fail(char *err, size_t errlen, const char *what, const struct db_error *e)
{
    snprintf(err, errlen, "cannot %s racesim's tables: %s", what, e->text);
    return -1;
}

int pg_reset_save(db_conn *c, char *err, size_t errlen)
{
    struct tables t;
    struct db_error e;
    if (owned(c, &t, &e))
        return fail(err, errlen, "list", &e);
    for (int i = 0; i < t.n; i++) {
        char sql[512];
        const char *n = t.names[i];
        snprintf(sql, sizeof sql, "CREATE TABLE \"%s" SEED_SUFFIX "\" (LIKE \"%s\")", n, n);
        if (pg_execute(c, sql, &e))
            return fail(err, errlen, "copy", &e);
        snprintf(sql, sizeof sql, "INSERT INTO " WORKSPACE_MARKER " (table_name) VALUES ('%s"
                 SEED_SUFFIX "')", n);
        if (pg_execute(c, sql, &e))
            return fail(err, errlen, "record the copies of", &e);
        snprintf(sql, sizeof sql, "INSERT INTO \"%s" SEED_SUFFIX "\" SELECT * FROM \"%s\"", n, n);
        if (pg_execute(c, sql, &e))
            return fail(err, errlen, "copy", &e);
    }
    return 0;
}

int pg_reset_restore(db_conn *c, char *err, size_t errlen)
{
    struct tables t;
    struct db_error e;
    if (owned(c, &t, &e))
        return fail(err, errlen, "list", &e);
    pg_foreign_keys(c, false, &e);
    for (int i = 0; i < t.n; i++) {
        char sql[512];
        const char *n = t.names[i];
        snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", n);
        int rc = pg_execute(c, sql, &e);
        snprintf(sql, sizeof sql, "INSERT INTO \"%s\" OVERRIDING SYSTEM VALUE SELECT * FROM \"%s"
                 SEED_SUFFIX "\"", n, n);
        if (rc || pg_execute(c, sql, &e)) {
            pg_foreign_keys(c, true, &e);
            return fail(err, errlen, "restore", &e);
        }
    }
    pg_foreign_keys(c, true, &e);
    return 0;
}
