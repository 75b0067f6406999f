/* select.c — which driver racesim talks through: chosen by --engine or the DSN's scheme. */
#include "driver.h"

#include <stdio.h>
#include <string.h>

extern const struct db_driver mariadb_driver;     /* drivers/mariadb/driver.c */
extern const struct db_driver postgres_driver;    /* drivers/postgres/pg_driver.c */
extern const struct db_driver sqlite_driver;      /* drivers/sqlite/sq_driver.c */

static const struct db_driver *current = &mariadb_driver;

/* The engines racesim knows, built or not, and the DSN schemes that name them. */
static const struct {
    const char *scheme;
    const char *engine;
    const struct db_driver *driver;   /* NULL: known, not built yet */
} engines[] = {
    {"mysql", "mariadb", &mariadb_driver},
    {"mariadb", "mariadb", &mariadb_driver},
    {"postgres", "postgres", &postgres_driver},
    {"postgresql", "postgres", &postgres_driver},
    {"sqlite", "sqlite", &sqlite_driver},
};
#define N_ENGINES (sizeof engines / sizeof engines[0])

const struct db_driver *db_driver_current(void)
{
    return current;
}

int db_driver_select(const char *name, char *err, size_t errlen)
{
    for (size_t i = 0; i < N_ENGINES; i++) {
        if (strcmp(engines[i].engine, name) != 0)
            continue;
        if (!engines[i].driver) {
            snprintf(err, errlen, "the %s driver is not built yet (only mariadb is)", name);
            return 1;
        }
        current = engines[i].driver;
        return 0;
    }
    snprintf(err, errlen, "unknown engine '%s' (expected mariadb, postgres or sqlite)", name);
    return -1;
}

const char *const *db_password_envs(void)
{
    static const char *envs[N_ENGINES + 1];   /* filled once, before any thread (dsn_take_password) */
    size_t n = 0;
    for (size_t i = 0; i < N_ENGINES; i++) {
        const struct db_driver *d = engines[i].driver;
        bool seen = false;
        for (size_t k = 0; d && d->password_env && k < n; k++)
            seen = seen || strcmp(envs[k], d->password_env) == 0;
        if (d && d->password_env && !seen)
            envs[n++] = d->password_env;
    }
    envs[n] = NULL;
    return envs;
}

const char *db_driver_for_dsn(const char *dsn, const char **rest)
{
    for (size_t i = 0; i < N_ENGINES; i++) {
        size_t n = strlen(engines[i].scheme);
        if (strncmp(dsn, engines[i].scheme, n) == 0 && strncmp(dsn + n, "://", 3) == 0) {
            if (rest)
                *rest = dsn + n + 3;
            return engines[i].engine;
        }
    }
    return NULL;
}
