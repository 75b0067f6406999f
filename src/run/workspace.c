/* workspace.c — claim racesim's own database (never touching others' tables), seed, query.
 * The marker table lists what racesim created: its tables, and as "KIND name" the stored
 * routines a setup statement created (a strategy's -- @setup procedure); only those are dropped. */
#include "workspace.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owner.h"

struct table_list {
    char names[64][80];        /* a table, or a routine as "PROCEDURE name" / "FUNCTION name" */
    size_t n;
    bool more;
};

static int on_table(void *ctx, size_t n, char **row)
{
    struct table_list *t = ctx;
    if (n < 1 || !row[0])
        return 0;
    if (t->n == 64) {
        t->more = true;
        return 0;
    }
    snprintf(t->names[t->n++], sizeof t->names[0], "%s", row[0]);
    return 0;
}

/* A routine's row {kind, name} as one entry, "KIND name". */
static int on_routine(void *ctx, size_t n, char **row)
{
    struct table_list *t = ctx;
    if (n < 2 || !row[0] || !row[1])
        return 0;
    if (t->n == 64) {
        t->more = true;
        return 0;
    }
    snprintf(t->names[t->n++], sizeof t->names[0], "%s %s", row[0], row[1]);
    return 0;
}

static bool listed(const struct table_list *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->names[i], name) == 0)
            return true;
    return false;
}

/* The routine an entry of the marker names: its kind's DROP word into kind, or NULL when the
 * entry is a table. Returns the routine's name. */
static const char *routine_of(const char *entry, char *kind, size_t kindlen)
{
    static const char *const kinds[] = {"PROCEDURE ", "FUNCTION "};
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(kinds[i]);
        if (strncmp(entry, kinds[i], n) == 0) {
            snprintf(kind, kindlen, "%.*s", (int)n - 1, kinds[i]);
            return entry + n;
        }
    }
    return NULL;
}

/* The tables of database (NULL: the current one), with a name not in `without` (the marker
 * table's list) nor racesim's bookkeeping tables when `without` is non-NULL. */
static int list_tables(db_conn *c, const char *database, const struct table_list *without,
                       struct table_list *t, struct db_error *e)
{
    struct table_list all;
    memset(&all, 0, sizeof all);
    memset(t, 0, sizeof *t);
    if (db_list_tables(c, database, on_table, &all, e) < 0)
        return -1;
    t->more = all.more;
    for (size_t i = 0; i < all.n; i++) {
        /* the cluster lock's table comes first, before the marker (owner_claim_cluster) */
        bool skip = strcmp(all.names[i], OWNER_LOCK_TABLE) == 0
                    || (without && (strcmp(all.names[i], WORKSPACE_MARKER) == 0
                                    || strcmp(all.names[i], OWNER_TABLE) == 0));
        for (size_t k = 0; without && !skip && k < without->n; k++)
            skip = strcmp(all.names[i], without->names[k]) == 0;
        if (!skip)
            snprintf(t->names[t->n++], sizeof t->names[0], "%s", all.names[i]);
    }
    return 0;
}

static int create_marker(db_conn *c, struct db_error *e)
{
    return db_create_marker(c, WORKSPACE_MARKER, e);
}

int workspace_claim(db_conn *c, const char *database, char *err, size_t errlen)
{
    struct db_error e;
    if (db_use_database(c, database, &e))
        goto db_error;
    struct table_list marked, foreign;
    memset(&marked, 0, sizeof marked);
    if (db_query(c, "SELECT table_name FROM " WORKSPACE_MARKER, on_table, &marked, &e) >= 0) {
        if (list_tables(c, database, &marked, &foreign, &e) < 0)
            goto db_error;
    } else {
        /* no marker table: the database is ours only if it is empty */
        if (list_tables(c, database, NULL, &foreign, &e) < 0)
            goto db_error;
        if (foreign.n == 0 && create_marker(c, &e) == 0)
            return 0;
        if (foreign.n == 0)
            goto db_error;
    }
    if (foreign.n > 0) {
        snprintf(err, errlen, "database `%s` holds table `%s`%s that racesim did not create; "
                 "racesim leaves it alone: choose another --database", database, foreign.names[0],
                 foreign.n > 1 ? " and others" : "");
        return -1;
    }
    return 0;
db_error:
    snprintf(err, errlen, "cannot prepare database `%s`: %s", database, e.text);
    return -1;
}

static int drop_owned(db_conn *c, struct db_error *e)
{
    struct table_list owned = {0};
    if (db_query(c, "SELECT table_name FROM " WORKSPACE_MARKER, on_table, &owned, e) < 0)
        return -1;
    if (db_foreign_keys(c, false, e))
        return -1;
    for (size_t i = 0; i < owned.n; i++) {
        char sql[200], name[96], kind[16] = "TABLE";
        const char *routine = routine_of(owned.names[i], kind, sizeof kind);
        db_quote_ident(routine ? routine : owned.names[i], name, sizeof name);
        snprintf(sql, sizeof sql, "DROP %s IF EXISTS %s", kind, name);
        if (db_execute(c, sql, e))
            return -1;
    }
    return db_execute(c, "DELETE FROM " WORKSPACE_MARKER, e) || db_foreign_keys(c, true, e) ? -1 : 0;
}

/* The stored routines of the current database, as "KIND name" entries. */
static int list_routines(db_conn *c, struct table_list *t, struct db_error *e)
{
    memset(t, 0, sizeof *t);
    return db_list_routines(c, on_routine, t, e) < 0 ? -1 : 0;
}

/* Lists in the marker table every table of the current database it does not list yet, and
 * every routine not among `before` (those there before the setup statement are not racesim's,
 * even one the statement replaced). */
static int register_new(db_conn *c, const struct table_list *before, struct db_error *e)
{
    struct table_list marked, fresh, routines;
    memset(&marked, 0, sizeof marked);
    if (db_query(c, "SELECT table_name FROM " WORKSPACE_MARKER, on_table, &marked, e) < 0
        || list_tables(c, NULL, &marked, &fresh, e) < 0 || list_routines(c, &routines, e) < 0)
        return -1;
    for (size_t i = 0; i < routines.n; i++)
        if (!listed(before, routines.names[i]) && !listed(&marked, routines.names[i])
            && fresh.n < 64)
            snprintf(fresh.names[fresh.n++], sizeof fresh.names[0], "%s", routines.names[i]);
    for (size_t i = 0; i < fresh.n; i++) {
        char sql[200];
        snprintf(sql, sizeof sql, "INSERT INTO " WORKSPACE_MARKER " (table_name) VALUES ('%s')",
                 fresh.names[i]);
        if (db_execute(c, sql, e))
            return -1;
    }
    return 0;
}

/* Fills values for the :names of st from the run's single-value parameters. */
/* The file statement st came from: the strategy's for the setup its `-- @setup` added, an
 * engine's setup.sql for the rest of the setup, else the scenario's. */
static const char *file_of(const struct scenario *sc, const struct statement *st)
{
    bool in_setup = sc->n_setup && st >= sc->setup && st < sc->setup + sc->n_setup;
    if (in_setup && sc->strategy_setup_path && st >= sc->setup + sc->strategy_setup_from)
        return sc->strategy_setup_path;
    return in_setup && sc->setup_path ? sc->setup_path : sc->path;
}

static enum workspace_status bind_values(const struct scenario *sc, const struct statement *st,
                                         const struct params *p, int64_t *values,
                                         char *err, size_t errlen)
{
    for (size_t k = 0; k < st->n_vars; k++) {
        const char *name = sc->vars.v[st->vars[k]];
        int i = scenario_param(sc, name);
        if (strcmp(name, "users") == 0)
            values[k] = p->users;
        else if (strcmp(name, "rounds") == 0)
            values[k] = p->rounds;
        else if (i >= 0 && p->v[i].kind == PARAM_INT)
            values[k] = p->v[i].lo;
        else {
            snprintf(err, errlen, "%s:%d: :%s is not a single-value parameter (setup and invariants "
                     "cannot use a value drawn or computed per purchase)", file_of(sc, st), st->line, name);
            return WORKSPACE_BAD_SCENARIO;
        }
    }
    return WORKSPACE_OK;
}

struct scalar {
    int64_t value;
};

enum workspace_status workspace_scalar(db_conn *c, const struct scenario *sc,
                                       const struct statement *st, const struct params *p,
                                       int64_t *out, char *err, size_t errlen)
{
    int64_t values[64];
    if (st->n_vars > 64) {
        snprintf(err, errlen, "%s:%d: too many parameters", file_of(sc, st), st->line);
        return WORKSPACE_BAD_SCENARIO;
    }
    enum workspace_status ws = bind_values(sc, st, p, values, err, errlen);
    if (ws != WORKSPACE_OK)
        return ws;
    struct db_error e;
    db_stmt *s = db_prepare(c, st->sql, &e);
    int64_t cols[16] = {0};
    bool nulls[16] = {0};
    struct db_result r;
    /* one statement at a time: racesim's connection keeps none prepared between queries */
    if (s && db_stmt_columns(s) > 16) {
        snprintf(err, errlen, "%s:%d: a query here returns one number", file_of(sc, st), st->line);
        db_stmt_close(s);
        return WORKSPACE_BAD_SCENARIO;
    }
    if (!s || db_stmt_execute(s, values, NULL, cols, nulls, &r, &e)) {
        snprintf(err, errlen, "%s:%d: %s", file_of(sc, st), st->line, e.text);
        db_stmt_close(s);
        return e.client ? WORKSPACE_DB_ERROR : WORKSPACE_BAD_SCENARIO;
    }
    db_stmt_close(s);         /* the admin connection lives for many runs (explore: thousands) */
    *out = r.found && !nulls[0] ? cols[0] : 0;
    return WORKSPACE_OK;
}

enum workspace_status workspace_setup(db_conn *c, const struct scenario *sc,
                                      const struct params *p, char *err, size_t errlen)
{
    struct db_error e;
    db_setup_session(c);   /* setup's WITH RECURSIVE row generators may go deep */
    if (drop_owned(c, &e)) {
        snprintf(err, errlen, "cannot reset racesim's tables: %s", e.text);
        return WORKSPACE_DB_ERROR;
    }
    for (size_t i = 0; i < sc->n_setup; i++) {
        int64_t ignored;
        struct table_list before;
        if (list_routines(c, &before, &e)) {
            snprintf(err, errlen, "cannot list the database's routines: %s", e.text);
            return WORKSPACE_DB_ERROR;
        }
        enum workspace_status ws = workspace_scalar(c, sc, &sc->setup[i], p, &ignored, err, errlen);
        /* register after each statement, so a failed setup leaves nothing unlisted behind */
        if (register_new(c, &before, &e)) {
            snprintf(err, errlen, "cannot record racesim's tables: %s", e.text);
            return WORKSPACE_DB_ERROR;
        }
        if (ws != WORKSPACE_OK)
            return ws;
    }
    return WORKSPACE_OK;
}

int workspace_digest(db_conn *c, uint64_t *digest, char *err, size_t errlen)
{
    struct table_list owned = {0};
    struct db_error e;
    *digest = 14695981039346656037ull;              /* FNV-1a over the tables' checksums */
    if (db_query(c, "SELECT table_name FROM " WORKSPACE_MARKER " ORDER BY table_name", on_table,
                 &owned, &e) < 0)
        goto failed;
    for (size_t i = 0; i < owned.n; i++) {
        uint64_t sum;
        if (db_table_checksum(c, owned.names[i], &sum, &e))
            goto failed;
        for (int b = 0; b < 8; b++)
            *digest = (*digest ^ ((sum >> (8 * b)) & 0xff)) * 1099511628211ull;
    }
    return 0;
failed:
    snprintf(err, errlen, "cannot checksum the tables: %s", e.text);
    return -1;
}
