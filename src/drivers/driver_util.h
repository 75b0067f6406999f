/* driver_util.h — helpers the drivers share for their bookkeeping SQL (src/drivers/ only). */
#ifndef RACESIM_DRIVER_UTIL_H
#define RACESIM_DRIVER_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"
#include "preflight.h"

#define SEED_SUFFIX "__seed"       /* a seed copy of table T is T__seed (reset.h) */
#define OWNED_TABLES_MAX 64

/* Adds variable name=value to pf's variables (nothing when they are full). */
void driver_preflight_add_var(struct preflight *pf, const char *name, const char *value);

/* Adds text to pf's warnings (nothing when they are full). */
void driver_preflight_warn(struct preflight *pf, const char *text);

/* The first column of a query's first row, as text. */
struct first_value {
    char text[256];
    bool found;                    /* false: no row, or SQL NULL */
};

/* Runs sql on c and keeps the first column of its first row in f. Returns 0, or -1 with e. */
int driver_query_first(db_conn *c, const char *sql, struct first_value *f, struct db_error *e);

/* racesim's tables in c's current database (the workspace marker lists them), seed copies
 * left out, by name. */
struct owned_tables {
    char names[OWNED_TABLES_MAX][65];
    int n;
};

/* Fills t. Returns 0, or -1 with e. */
int driver_owned_tables(db_conn *c, struct owned_tables *t, struct db_error *e);

/* For each table racesim owns: copy(c, name, e) makes its seed copy (T__seed, filled), which
 * is then recorded in the workspace marker. Returns 0, or -1 with err. */
int driver_seed_save(db_conn *c, int (*copy)(db_conn *c, const char *table, struct db_error *e),
                     char *err, size_t errlen);

/* Refills each table racesim owns from its seed copy (DELETE, then INSERT ... SELECT *),
 * identifiers quoted by the driver. Returns 0, or -1 with e (foreign keys: the caller's). */
int driver_seed_restore(db_conn *c, struct db_error *e);

/* Writes "cannot WHAT racesim's tables: <e's text>" into err; returns -1. */
int driver_reset_fail(char *err, size_t errlen, const char *what, const struct db_error *e);

/* This machine's name, reduced to characters safe inside an SQL string. Never fails. */
void driver_host_name(char *out, size_t outlen);

#endif
