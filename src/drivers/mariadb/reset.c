/* reset.c — restore racesim's tables from seed copies kept after the setup, without DDL. */
#include "mariadb.h"

#include <stdio.h>
#include <string.h>

#include "workspace.h"

#define SEED_SUFFIX "__seed"
#define TABLES_MAX 64

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

/* racesim's tables in the current database, seed copies left out. */
static int owned(db_conn *c, struct tables *t, struct db_error *e)
{
    memset(t, 0, sizeof *t);
    return db_query(c, "SELECT table_name FROM " WORKSPACE_MARKER " WHERE table_name NOT LIKE '%"
                    SEED_SUFFIX "' ORDER BY table_name", on_table, t, e) < 0 ? -1 : 0;
}

static int fail(char *err, size_t errlen, const char *what, const struct db_error *e)
{
    snprintf(err, errlen, "cannot %s racesim's tables: %s", what, e->text);
    return -1;
}

int mariadb_reset_save(db_conn *c, char *err, size_t errlen)
{
    struct tables t;
    struct db_error e;
    if (owned(c, &t, &e))
        return fail(err, errlen, "list", &e);
    for (int i = 0; i < t.n; i++) {
        char sql[512];
        const char *n = t.names[i];
        snprintf(sql, sizeof sql, "CREATE TABLE `%s" SEED_SUFFIX "` LIKE `%s`", n, n);
        if (db_execute(c, sql, &e))
            return fail(err, errlen, "copy", &e);
        snprintf(sql, sizeof sql, "INSERT INTO " WORKSPACE_MARKER " (table_name) VALUES ('%s"
                 SEED_SUFFIX "')", n);
        if (db_execute(c, sql, &e))
            return fail(err, errlen, "record the copies of", &e);
        snprintf(sql, sizeof sql, "INSERT INTO `%s" SEED_SUFFIX "` SELECT * FROM `%s`", n, n);
        if (db_execute(c, sql, &e))
            return fail(err, errlen, "copy", &e);
    }
    return 0;
}

int mariadb_reset_restore(db_conn *c, char *err, size_t errlen)
{
    struct tables t;
    struct db_error e;
    if (owned(c, &t, &e))
        return fail(err, errlen, "list", &e);
    if (db_execute(c, "SET FOREIGN_KEY_CHECKS = 0", &e))
        return fail(err, errlen, "restore", &e);
    for (int i = 0; i < t.n; i++) {
        char sql[512];
        const char *n = t.names[i];
        snprintf(sql, sizeof sql, "DELETE FROM `%s`", n);
        int rc = db_execute(c, sql, &e);
        snprintf(sql, sizeof sql, "INSERT INTO `%s` SELECT * FROM `%s" SEED_SUFFIX "`", n, n);
        if (rc || db_execute(c, sql, &e)) {
            struct db_error ignored;
            db_execute(c, "SET FOREIGN_KEY_CHECKS = 1", &ignored);
            return fail(err, errlen, "restore", &e);
        }
    }
    return db_execute(c, "SET FOREIGN_KEY_CHECKS = 1", &e) ? fail(err, errlen, "restore", &e) : 0;
}
