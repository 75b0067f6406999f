/* dialect.c — what racesim itself says in MariaDB/MySQL SQL: isolation, identifiers, the
 * workspace's bookkeeping (information_schema, backquotes, FOREIGN_KEY_CHECKS). */
#include "mariadb.h"

#include <stdio.h>
#include <string.h>

#define SNAPSHOT_SUFFIX "+SNAPSHOT"   /* INTERP_SNAPSHOT: REPEATABLE READ with snapshot isolation */

int mariadb_set_isolation(db_conn *c, const char *level, char *err, size_t errlen)
{
    if (!level || !*level)
        return 0;
    char sql[96];
    struct db_error e;
    const char *snap = strstr(level, SNAPSHOT_SUFFIX);
    int len = snap ? (int)(snap - level) : (int)strlen(level);
    snprintf(sql, sizeof sql, "SET SESSION TRANSACTION ISOLATION LEVEL %.*s", len, level);
    if (mariadb_execute(c, sql, &e) != 0) {
        snprintf(err, errlen, "cannot set isolation %s: %s", level, e.text);
        return -1;
    }
    /* innodb_snapshot_isolation: MariaDB >= 10.11.8 */
    if (snap && mariadb_execute(c, "SET SESSION innodb_snapshot_isolation = ON", &e) != 0) {
        snprintf(err, errlen, "cannot set innodb_snapshot_isolation (MariaDB 10.11.8 or later has "
                 "it): %s", e.text);
        return -1;
    }
    return 0;
}

static int ignore_row(void *ctx, size_t n, char **row)
{
    (void)ctx;
    (void)n;
    (void)row;
    return 0;
}

bool mariadb_snapshot_supported(db_conn *c)
{
    struct db_error e;
    return mariadb_query(c, "SELECT @@innodb_snapshot_isolation", ignore_row, NULL, &e) >= 0;
}

const char *mariadb_run_note(int users, unsigned long long deadlocks)
{
    if (deadlocks > 0 && users > 200)
        return "InnoDB reports a lock wait queue deeper than 200 transactions as a deadlock "
               "(1213): with this many buyers on one row, some deadlocks are that, not a cycle";
    return NULL;
}

void mariadb_quote_ident(const char *name, char *out, size_t outlen)
{
    snprintf(out, outlen, "`%s`", name);     /* racesim's names are [A-Za-z0-9_] */
}

static int count_row(void *ctx, size_t n, char **row)
{
    (void)n;
    (void)row;
    (*(int *)ctx)++;
    return 0;
}

int mariadb_use_database(db_conn *c, const char *database, struct db_error *err)
{
    /* database is a validated identifier ([A-Za-z0-9_]), so quoting it is safe */
    char sql[256];
    int exists = 0;
    snprintf(sql, sizeof sql, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '%s'",
             database);
    if (mariadb_query(c, sql, count_row, &exists, err) < 0)
        return -1;
    if (!exists) {
        snprintf(sql, sizeof sql, "CREATE DATABASE `%s`", database);
        if (mariadb_execute(c, sql, err))
            return -1;
    }
    snprintf(sql, sizeof sql, "USE `%s`", database);
    return mariadb_execute(c, sql, err) ? -1 : 0;
}

int mariadb_list_tables(db_conn *c, const char *database, db_row_fn row, void *ctx,
                        struct db_error *err)
{
    char sql[256], schema[80] = "DATABASE()";
    if (database)
        snprintf(schema, sizeof schema, "'%s'", database);
    snprintf(sql, sizeof sql, "SELECT TABLE_NAME FROM information_schema.TABLES "
             "WHERE TABLE_SCHEMA = %s ORDER BY TABLE_NAME", schema);
    return mariadb_query(c, sql, row, ctx, err);
}

int mariadb_list_routines(db_conn *c, db_row_fn row, void *ctx, struct db_error *err)
{
    return mariadb_query(c, "SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES "
                         "WHERE ROUTINE_SCHEMA = DATABASE() ORDER BY ROUTINE_NAME", row, ctx, err);
}

int mariadb_create_marker(db_conn *c, const char *table, struct db_error *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE TABLE %s (table_name VARCHAR(64) PRIMARY KEY) "
             "COMMENT='created by racesim: it drops only the tables listed here'", table);
    return mariadb_execute(c, sql, err);
}

int mariadb_foreign_keys(db_conn *c, bool on, struct db_error *err)
{
    return mariadb_execute(c, on ? "SET FOREIGN_KEY_CHECKS = 1" : "SET FOREIGN_KEY_CHECKS = 0", err);
}

/* Lets setup's WITH RECURSIVE row generators reach any size the parameters allow (the servers
 * stop a recursion at 1000 rows by default). Each server knows one of the two names: the other
 * fails as an unknown variable, which is ignored. */
void mariadb_setup_session(db_conn *c)
{
    struct db_error ignored;
    mariadb_execute(c, "SET SESSION max_recursive_iterations = 4294967295", &ignored);   /* MariaDB */
    mariadb_execute(c, "SET SESSION cte_max_recursion_depth = 4294967295", &ignored);    /* MySQL 8 */
}
