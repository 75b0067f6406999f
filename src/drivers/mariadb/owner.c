/* owner.c — one racesim run at a time per database: a server-side named lock, and its holder. */
#include "mariadb.h"
#include "owner.h"
#include "driver_util.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* MariaDB and MySQL take lock names of up to 64 characters: a longer database shares a name
 * with others of the same first 56 (they then wait for each other: safe, never shared). */
static void lock_name(const char *database, char *out, size_t outlen)
{
    snprintf(out, outlen, "racesim:%.56s", database);
}

/* Fills holder with who holds lock name: what its racesim wrote, else what the server shows. */
static void describe_holder(db_conn *c, const char *database, const char *name, char *holder,
                            size_t holderlen)
{
    struct db_error e;
    struct first_value id, who, conn;
    char sql[512];
    snprintf(sql, sizeof sql, "SELECT IS_USED_LOCK('%s')", name);
    if (driver_query_first(c, sql, &id, &e) || !id.found) {
        snprintf(holder, holderlen, "another connection");
        return;
    }
    /* database and name are identifiers ([A-Za-z0-9_:]): safe to quote */
    snprintf(sql, sizeof sql, "SELECT CONCAT('racesim pid ', pid, ' on host ', host, ' since ', "
             "started) FROM `%s`." OWNER_TABLE " WHERE connection_id = %s", database, id.text);
    if (driver_query_first(c, sql, &who, &e))
        who.found = false;          /* no such table yet: the holder is still setting up */
    snprintf(sql, sizeof sql, "SELECT CONCAT(USER, '@', HOST) FROM information_schema.PROCESSLIST "
             "WHERE ID = %s", id.text);
    if (driver_query_first(c, sql, &conn, &e))
        conn.found = false;         /* without the PROCESS privilege only one's own show */
    snprintf(holder, holderlen, "%.255s%sserver connection %.32s%s%.255s", who.found ? who.text : "",
             who.found ? ", " : "", id.text, conn.found ? " of " : "", conn.found ? conn.text : "");
}

int mariadb_owner_acquire(db_conn *c, const char *database, int wait_s, char *err, size_t errlen)
{
    char name[72], sql[256], holder[640];   /* holder: 255 + 2 + 18 + 32 + 4 + 255 */
    struct db_error e;
    struct first_value got;
    lock_name(database, name, sizeof name);
    snprintf(sql, sizeof sql, "SELECT GET_LOCK('%s', %d)", name, wait_s);
    if (driver_query_first(c, sql, &got, &e)) {
        snprintf(err, errlen, "cannot lock database `%s` for this run: %s", database, e.text);
        return -1;
    }
    if (got.found && strcmp(got.text, "1") == 0)
        return 0;
    describe_holder(c, database, name, holder, sizeof holder);
    snprintf(err, errlen, "database `%s` is in use by another racesim run (%s; lock %s); waited "
             "%d s: let it finish, or give this run another --database", database, holder, name,
             wait_s);
    return 1;
}

int mariadb_owner_record(db_conn *c, char *err, size_t errlen)
{
    char host[128], sql[512];
    struct db_error e;
    driver_host_name(host, sizeof host);
    snprintf(sql, sizeof sql, "REPLACE INTO " OWNER_TABLE " (id, connection_id, pid, host, started) "
             "VALUES (1, CONNECTION_ID(), %ld, '%s', NOW())", (long)getpid(), host);
    if (db_execute(c, "CREATE TABLE IF NOT EXISTS " OWNER_TABLE " (id TINYINT PRIMARY KEY, "
                   "connection_id BIGINT NOT NULL, pid BIGINT NOT NULL, host VARCHAR(255) NOT NULL, "
                   "started DATETIME NOT NULL) COMMENT='created by racesim: the run that holds "
                   "this database (its lock racesim:DATABASE)'", &e) ||
        db_execute(c, sql, &e)) {
        snprintf(err, errlen, "cannot record this run as the database's owner: %s", e.text);
        return -1;
    }
    return 0;
}
