/* sq_dialect.c — what racesim itself says in SQLite's SQL: isolation (always serializable),
 * identifiers, the workspace's bookkeeping (sqlite_schema, PRAGMA foreign_keys). */
#include "sqlite.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int sq_set_isolation(db_conn *c, const char *level, char *err, size_t errlen)
{
    (void)c;
    if (!level || !*level || strcasecmp(level, "serializable") == 0)
        return 0;
    snprintf(err, errlen, "isolation %s: SQLite has one level, serializable (one writer at a "
             "time); give no @isolation, or serializable", level);
    return -1;
}

bool sq_snapshot_supported(db_conn *c)
{
    (void)c;
    return false;
}

const char *sq_run_note(int users, unsigned long long deadlocks)
{
    (void)deadlocks;
    return users > 1 ? "SQLite lets one connection write at a time: the others wait in the busy "
                       "handler (busy_timeout) or fail with busy (lock_timeout)"
                     : NULL;
}

void sq_quote_ident(const char *name, char *out, size_t outlen)
{
    snprintf(out, outlen, "\"%s\"", name);     /* racesim's names are [A-Za-z0-9_] */
}

int sq_use_database(db_conn *c, const char *database, struct db_error *err)
{
    (void)c;
    (void)database;            /* the file is the database: the name only labels the run */
    (void)err;
    return 0;
}

int sq_list_tables(db_conn *c, const char *database, db_row_fn row, void *ctx,
                   struct db_error *err)
{
    (void)database;
    return sq_query(c, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                    "'sqlite\\_%' ESCAPE '\\' ORDER BY name", row, ctx, err);
}

int sq_create_marker(db_conn *c, const char *table, struct db_error *err)
{
    char sql[256];
    /* SQLite keeps the CREATE statement's text, comment included: the schema says it */
    snprintf(sql, sizeof sql, "CREATE TABLE %s (\n  -- created by racesim: it drops only the "
             "tables listed here\n  table_name VARCHAR(64) PRIMARY KEY\n)", table);
    return sq_execute(c, sql, err);
}

int sq_foreign_keys(db_conn *c, bool on, struct db_error *err)
{
    return sq_execute(c, on ? "PRAGMA foreign_keys = ON" : "PRAGMA foreign_keys = OFF", err);
}

void sq_setup_session(db_conn *c)
{
    (void)c;                   /* recursive CTEs have no depth limit */
}
