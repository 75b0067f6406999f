/* reset.c — restore racesim's tables from seed copies kept after the setup, without DDL. */
#include "mariadb.h"

#include <stdio.h>
#include <string.h>

#include "driver_util.h"
#include "workspace.h"

int mariadb_reset_save(db_conn *c, char *err, size_t errlen)
{
    struct owned_tables t;
    struct db_error e;
    if (driver_owned_tables(c, &t, &e))
        return driver_reset_fail(err, errlen, "list", &e);
    for (int i = 0; i < t.n; i++) {
        char sql[512];
        const char *n = t.names[i];
        snprintf(sql, sizeof sql, "CREATE TABLE `%s" SEED_SUFFIX "` LIKE `%s`", n, n);
        if (db_execute(c, sql, &e))
            return driver_reset_fail(err, errlen, "copy", &e);
        snprintf(sql, sizeof sql, "INSERT INTO " WORKSPACE_MARKER " (table_name) VALUES ('%s"
                 SEED_SUFFIX "')", n);
        if (db_execute(c, sql, &e))
            return driver_reset_fail(err, errlen, "record the copies of", &e);
        snprintf(sql, sizeof sql, "INSERT INTO `%s" SEED_SUFFIX "` SELECT * FROM `%s`", n, n);
        if (db_execute(c, sql, &e))
            return driver_reset_fail(err, errlen, "copy", &e);
    }
    return 0;
}

int mariadb_reset_restore(db_conn *c, char *err, size_t errlen)
{
    struct owned_tables t;
    struct db_error e;
    if (driver_owned_tables(c, &t, &e))
        return driver_reset_fail(err, errlen, "list", &e);
    if (db_execute(c, "SET FOREIGN_KEY_CHECKS = 0", &e))
        return driver_reset_fail(err, errlen, "restore", &e);
    for (int i = 0; i < t.n; i++) {
        char sql[512];
        const char *n = t.names[i];
        snprintf(sql, sizeof sql, "DELETE FROM `%s`", n);
        int rc = db_execute(c, sql, &e);
        snprintf(sql, sizeof sql, "INSERT INTO `%s` SELECT * FROM `%s" SEED_SUFFIX "`", n, n);
        if (rc || db_execute(c, sql, &e)) {
            struct db_error ignored;
            db_execute(c, "SET FOREIGN_KEY_CHECKS = 1", &ignored);
            return driver_reset_fail(err, errlen, "restore", &e);
        }
    }
    return db_execute(c, "SET FOREIGN_KEY_CHECKS = 1", &e) ? driver_reset_fail(err, errlen, "restore", &e) : 0;
}
