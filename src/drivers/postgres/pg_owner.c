/* pg_owner.c — one racesim run at a time per database (an advisory lock and the owner table),
 * and seed copies of racesim's tables for fast resets. */
#include "postgres.h"
#include "owner.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "driver_util.h"
#include "workspace.h"

/* Fills holder with who holds the advisory lock racesim:database, asked on the keeper k: the
 * name its racesim gave its keeper session (racesim pid and host), since when, the server pid
 * and user@client; "another connection" when the server does not say. */
static void describe_holder(db_conn *k, const char *database, char *holder, size_t holderlen)
{
    char sql[1024];
    struct db_error e;
    struct first_value who;
    /* a bigint advisory key is classid (high 32 bits) and objid (low), objsubid 1 */
    snprintf(sql, sizeof sql, "SELECT a.application_name || ' since ' || "
             "to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS') || ', server pid ' || a.pid || "
             "' of ' || a.usename || '@' || COALESCE(host(a.client_addr), 'local') "
             "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
             "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
             "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
             "AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtext('racesim:%s')::bigint "
             "LIMIT 1", database);
    if (driver_query_first(k, sql, &who, &e) || !who.found)
        snprintf(holder, holderlen, "another connection");
    else
        snprintf(holder, holderlen, "%s", who.text);
}

int pg_owner_acquire(db_conn *c, const char *database, int wait_s, char *err, size_t errlen)
{
    char sql[256];
    struct db_error e;
    struct first_value got;
    /* database is an identifier ([A-Za-z0-9_]): safe to quote */
    snprintf(sql, sizeof sql, "SELECT pg_try_advisory_lock(hashtext('racesim:%s'))", database);
    /* on the keeper: c itself reconnects to racesim's database later, which would end its
     * session and drop the lock; all runs take it in the maintenance database's lock space */
    db_conn *k = pg_keeper(c, &e);
    if (!k) {
        snprintf(err, errlen, "cannot lock database \"%s\" for this run: %s", database, e.text);
        return -1;
    }
    for (int tries = 0; tries <= wait_s * 10; tries++) {
        if (driver_query_first(k, sql, &got, &e)) {
            snprintf(err, errlen, "cannot lock database \"%s\" for this run: %s", database, e.text);
            return -1;
        }
        if (got.found && strcmp(got.text, "t") == 0) {
            /* the keeper names this run, so that a refused one can say who holds the lock (the
             * owner table is in racesim's database, out of reach of the maintenance one) */
            char host[64];
            driver_host_name(host, sizeof host);
            snprintf(sql, sizeof sql, "SET application_name = 'racesim pid %ld on host %s'",
                     (long)getpid(), host);
            pg_execute(k, sql, &e);     /* only a name for messages: a failure changes nothing */
            return 0;
        }
        nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
    }
    char holder[512];
    describe_holder(k, database, holder, sizeof holder);
    snprintf(err, errlen, "database \"%s\" is in use by another racesim run (%s; advisory lock "
             "racesim:%s); waited %d s: let it finish, or give this run another --database",
             database, holder, database, wait_s);
    return 1;
}

int pg_owner_record(db_conn *c, char *err, size_t errlen)
{
    char host[128], sql[512];
    struct db_error e;
    driver_host_name(host, sizeof host);
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

int pg_reset_save(db_conn *c, char *err, size_t errlen)
{
    struct owned_tables t;
    struct db_error e;
    if (driver_owned_tables(c, &t, &e))
        return driver_reset_fail(err, errlen, "list", &e);
    for (int i = 0; i < t.n; i++) {
        char sql[512];
        const char *n = t.names[i];
        snprintf(sql, sizeof sql, "CREATE TABLE \"%s" SEED_SUFFIX "\" (LIKE \"%s\")", n, n);
        if (pg_execute(c, sql, &e))
            return driver_reset_fail(err, errlen, "copy", &e);
        snprintf(sql, sizeof sql, "INSERT INTO " WORKSPACE_MARKER " (table_name) VALUES ('%s"
                 SEED_SUFFIX "')", n);
        if (pg_execute(c, sql, &e))
            return driver_reset_fail(err, errlen, "record the copies of", &e);
        snprintf(sql, sizeof sql, "INSERT INTO \"%s" SEED_SUFFIX "\" SELECT * FROM \"%s\"", n, n);
        if (pg_execute(c, sql, &e))
            return driver_reset_fail(err, errlen, "copy", &e);
    }
    return 0;
}

int pg_reset_restore(db_conn *c, char *err, size_t errlen)
{
    struct owned_tables t;
    struct db_error e;
    if (driver_owned_tables(c, &t, &e))
        return driver_reset_fail(err, errlen, "list", &e);
    pg_foreign_keys(c, false, &e);
    for (int i = 0; i < t.n; i++) {
        char sql[512];
        const char *n = t.names[i];
        snprintf(sql, sizeof sql, "DELETE FROM \"%s\"", n);
        int rc = pg_execute(c, sql, &e);
        snprintf(sql, sizeof sql, "INSERT INTO \"%s\" SELECT * FROM \"%s"
                 SEED_SUFFIX "\"", n, n);
        if (rc || pg_execute(c, sql, &e)) {
            pg_foreign_keys(c, true, &e);
            return driver_reset_fail(err, errlen, "restore", &e);
        }
    }
    pg_foreign_keys(c, true, &e);
    return 0;
}
