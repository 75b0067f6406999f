/* sq_owner.c — one racesim run at a time per SQLite file (an flock on the file: SQLite's own
 * locks are POSIX record locks, which flock does not touch), the owner table, the journal mode
 * racesim asks for; and seed copies of racesim's tables for fast resets. */
#include "sqlite.h"
#include "owner.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "driver_util.h"

int sq_owner_acquire(db_conn *c, const char *database, int wait_s, char *err, size_t errlen)
{
    (void)database;
    const char *path = sq_conn_path(c);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        snprintf(err, errlen, "cannot lock %s for this run: %s", path, strerror(errno));
        return -1;
    }
    for (int tries = 0; tries <= wait_s * 10; tries++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            sq_conn_keep_fd(c, fd);     /* held while c is open */
            return 0;
        }
        nanosleep(&(struct timespec){.tv_nsec = 100000000}, NULL);
    }
    sq_conn_keep_fd(c, fd);             /* closed with c, after the library's own descriptor */
    struct first_value who;
    struct db_error e;
    if (driver_query_first(c, "SELECT 'racesim pid ' || pid || ' on host ' || host || ' since ' "
                           "|| started FROM " OWNER_TABLE " WHERE id = 1", &who, &e))
        who.found = false;
    snprintf(err, errlen, "%s is in use by another racesim run (%s; flock on the file); waited "
             "%d s: let it finish, or give this run another file", path,
             who.found ? who.text : "another process", wait_s);
    return 1;
}

int sq_owner_record(db_conn *c, char *err, size_t errlen)
{
    char host[128], sql[512];
    struct db_error e;
    driver_host_name(host, sizeof host);
    snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO " OWNER_TABLE " (id, connection_id, pid, "
             "host, started) VALUES (1, %lu, %ld, '%s', datetime('now'))", sq_connection_id(c),
             (long)getpid(), host);
    if (sq_execute(c, "CREATE TABLE IF NOT EXISTS " OWNER_TABLE " (id SMALLINT PRIMARY KEY, "
                   "connection_id BIGINT NOT NULL, pid BIGINT NOT NULL, host VARCHAR(255) NOT NULL, "
                   "started TIMESTAMP NOT NULL)", &e) ||
        sq_execute(c, sql, &e)) {
        snprintf(err, errlen, "cannot record this run as the file's owner: %s", e.text);
        return -1;
    }
    /* the file is racesim's now (workspace_claim passed): put it in the journal mode asked for,
     * which stays with the file for every connection */
    snprintf(sql, sizeof sql, "PRAGMA journal_mode = %s", sq_conn_options(c)->journal);
    struct first_value mode;
    if (driver_query_first(c, sql, &mode, &e) || !mode.found ||
        strcmp(mode.text, sq_conn_options(c)->journal) != 0) {
        snprintf(err, errlen, "cannot set journal_mode=%s on %s: %s", sq_conn_options(c)->journal,
                 sq_conn_path(c), mode.found ? mode.text : e.text);
        return -1;
    }
    return 0;
}

/* The seed copy of table: its rows (no keys needed: it is only read back). */
static int seed_copy(db_conn *c, const char *table, struct db_error *e)
{
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE TABLE \"%s" SEED_SUFFIX "\" AS SELECT * FROM \"%s\"", table,
             table);
    return sq_execute(c, sql, e);
}

int sq_reset_save(db_conn *c, char *err, size_t errlen)
{
    return driver_seed_save(c, seed_copy, err, errlen);
}

int sq_reset_restore(db_conn *c, char *err, size_t errlen)
{
    struct db_error e, ignored;
    sq_foreign_keys(c, false, &ignored);
    int rc = sq_execute(c, "BEGIN IMMEDIATE", &e) || driver_seed_restore(c, &e) ||
             sq_execute(c, "COMMIT", &e);
    if (rc)
        sq_execute(c, "ROLLBACK", &ignored);
    sq_foreign_keys(c, true, &ignored);
    return rc ? driver_reset_fail(err, errlen, "restore", &e) : 0;
}
