/* pg_dialect.c — what racesim itself says in PostgreSQL's SQL: isolation, identifiers, the
 * workspace's bookkeeping (pg_database, pg_tables, double quotes, session_replication_role). */
#include "postgres.h"

#include <stdio.h>
#include <string.h>

int pg_set_isolation(db_conn *c, const char *level, char *err, size_t errlen)
{
    if (!level || !*level)
        return 0;
    if (strchr(level, '+')) {
        snprintf(err, errlen, "isolation %s: PostgreSQL has no such variant (its REPEATABLE READ "
                 "is snapshot isolation already)", level);
        return -1;
    }
    char sql[128];
    struct db_error e;
    snprintf(sql, sizeof sql, "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL %.60s",
             level);
    if (pg_execute(c, sql, &e) != 0) {
        snprintf(err, errlen, "cannot set isolation %s: %s", level, e.text);
        return -1;
    }
    return 0;
}

bool pg_snapshot_supported(db_conn *c)
{
    (void)c;
    return false;
}

const char *pg_run_note(int users, unsigned long long deadlocks)
{
    (void)users;
    (void)deadlocks;
    return NULL;
}

void pg_quote_ident(const char *name, char *out, size_t outlen)
{
    snprintf(out, outlen, "\"%s\"", name);     /* racesim's names are [A-Za-z0-9_] */
}

static int count_row(void *ctx, size_t n, char **row)
{
    (void)n;
    (void)row;
    (*(int *)ctx)++;
    return 0;
}

static int on_name(void *ctx, size_t n, char **row)
{
    if (n >= 1 && row[0])
        snprintf(ctx, 64, "%s", row[0]);
    return 0;
}

int pg_use_database(db_conn *c, const char *database, struct db_error *err)
{
    /* database is a validated identifier ([A-Za-z0-9_]), so quoting it is safe */
    char sql[256], current[64] = "";
    int exists = 0;
    if (pg_query(c, "SELECT current_database()", on_name, current, err) < 0)
        return -1;
    if (strcmp(current, database) == 0)
        return 0;
    snprintf(sql, sizeof sql, "SELECT 1 FROM pg_database WHERE datname = '%s'", database);
    if (pg_query(c, sql, count_row, &exists, err) < 0)
        return -1;
    if (!exists) {
        snprintf(sql, sizeof sql, "CREATE DATABASE \"%s\"", database);
        if (pg_execute(c, sql, err) && strcmp(err->code, "42P04") != 0)   /* created meanwhile */
            return -1;
    }
    return pg_reconnect(c, database, err);
}

int pg_list_tables(db_conn *c, const char *database, db_row_fn row, void *ctx,
                   struct db_error *err)
{
    char sql[384], only[96] = "";
    if (database)     /* a session sees its own database's tables only */
        snprintf(only, sizeof only, " AND current_database() = '%s'", database);
    snprintf(sql, sizeof sql, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
             "%s ORDER BY tablename", only);
    return pg_query(c, sql, row, ctx, err);
}

int pg_list_routines(db_conn *c, db_row_fn row, void *ctx, struct db_error *err)
{
    /* functions and procedures of the current schema; not those an extension brought */
    return pg_query(c, "SELECT CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, "
                    "p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                    "WHERE n.nspname = current_schema() AND p.prokind IN ('f', 'p') AND NOT EXISTS "
                    "(SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') "
                    "ORDER BY p.proname", row, ctx, err);
}

int pg_create_marker(db_conn *c, const char *table, struct db_error *err)
{
    char sql[256];
    snprintf(sql, sizeof sql, "CREATE TABLE %s (table_name VARCHAR(64) PRIMARY KEY)", table);
    if (pg_execute(c, sql, err))
        return -1;
    snprintf(sql, sizeof sql, "COMMENT ON TABLE %s IS 'created by racesim: it drops only the "
             "tables listed here'", table);
    return pg_execute(c, sql, err);
}

int pg_foreign_keys(db_conn *c, bool on, struct db_error *err)
{
    /* replica: foreign key triggers do not fire (a superuser's right; without it, keys stay on) */
    struct db_error ignored;
    (void)err;
    pg_execute(c, on ? "SET session_replication_role = origin"
                     : "SET session_replication_role = replica", &ignored);
    return 0;
}

void pg_setup_session(db_conn *c)
{
    (void)c;                   /* generate_series has no recursion limit */
}
