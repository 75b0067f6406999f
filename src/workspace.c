/* workspace.c — claim racesim's own database (never touching others' tables), seed, query. */
#include "workspace.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "owner.h"

struct table_list {
    char names[64][65];
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

static int list_tables(db_conn *c, const char *database, const char *where, struct table_list *t,
                       struct db_error *e)
{
    char sql[512];
    memset(t, 0, sizeof *t);
    snprintf(sql, sizeof sql, "SELECT TABLE_NAME FROM information_schema.TABLES "
             "WHERE TABLE_SCHEMA = '%s'%s ORDER BY TABLE_NAME", database, where);
    return db_query(c, sql, on_table, t, e);
}

static int count_row(void *ctx, size_t n, char **row)
{
    (void)n;
    (void)row;
    (*(int *)ctx)++;
    return 0;
}

static int create_marker(db_conn *c, struct db_error *e)
{
    return db_execute(c, "CREATE TABLE " WORKSPACE_MARKER " (table_name VARCHAR(64) PRIMARY KEY) "
                      "COMMENT='created by racesim: it drops only the tables listed here'", e);
}

int workspace_claim(db_conn *c, const char *database, char *err, size_t errlen)
{
    /* database is a validated identifier ([A-Za-z0-9_]), so quoting it is safe */
    struct db_error e;
    char sql[256];
    int exists = 0;
    snprintf(sql, sizeof sql, "SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '%s'",
             database);
    if (db_query(c, sql, count_row, &exists, &e) < 0)
        goto db_error;
    if (!exists) {
        snprintf(sql, sizeof sql, "CREATE DATABASE `%s`", database);
        if (db_execute(c, sql, &e))
            goto db_error;
    }
    snprintf(sql, sizeof sql, "USE `%s`", database);
    if (db_execute(c, sql, &e))
        goto db_error;
    struct table_list foreign;
    if (list_tables(c, database, " AND TABLE_NAME NOT IN (SELECT table_name FROM " WORKSPACE_MARKER
                    ") AND TABLE_NAME NOT IN ('" WORKSPACE_MARKER "', '" OWNER_TABLE "')", &foreign,
                    &e) < 0) {
        /* no marker table: the database is ours only if it is empty */
        if (list_tables(c, database, "", &foreign, &e) < 0)
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
    if (db_execute(c, "SET FOREIGN_KEY_CHECKS = 0", e))
        return -1;
    for (size_t i = 0; i < owned.n; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "DROP TABLE IF EXISTS `%s`", owned.names[i]);
        if (db_execute(c, sql, e))
            return -1;
    }
    return db_execute(c, "DELETE FROM " WORKSPACE_MARKER, e) || db_execute(c, "SET FOREIGN_KEY_CHECKS = 1", e)
               ? -1 : 0;
}

static int register_new(db_conn *c, struct db_error *e)
{
    return db_execute(c, "INSERT IGNORE INTO " WORKSPACE_MARKER " (table_name) "
                      "SELECT TABLE_NAME FROM information_schema.TABLES "
                      "WHERE TABLE_SCHEMA = DATABASE() "
                      "AND TABLE_NAME NOT IN ('" WORKSPACE_MARKER "', '" OWNER_TABLE "')", e);
}

/* Fills values for the :names of st from the run's single-value parameters. */
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
                     "cannot use a value drawn or computed per purchase)", sc->path, st->line, name);
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
        snprintf(err, errlen, "%s:%d: too many parameters", sc->path, st->line);
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
        snprintf(err, errlen, "%s:%d: a query here returns one number", sc->path, st->line);
        db_stmt_close(s);
        return WORKSPACE_BAD_SCENARIO;
    }
    if (!s || db_stmt_execute(s, values, NULL, cols, nulls, &r, &e)) {
        snprintf(err, errlen, "%s:%d: %s", sc->path, st->line, e.text);
        db_stmt_close(s);
        return e.errnum >= 2000 ? WORKSPACE_DB_ERROR : WORKSPACE_BAD_SCENARIO;
    }
    db_stmt_close(s);         /* the admin connection lives for many runs (explore: thousands) */
    *out = r.found && !nulls[0] ? cols[0] : 0;
    return WORKSPACE_OK;
}

/* Lets setup's WITH RECURSIVE row generators reach any size the parameters allow (the servers
 * stop a recursion at 1000 rows by default). Each server knows one of the two names: the other
 * fails as an unknown variable, which is ignored. */
static void allow_deep_recursion(db_conn *c)
{
    struct db_error ignored;
    db_execute(c, "SET SESSION max_recursive_iterations = 4294967295", &ignored);   /* MariaDB */
    db_execute(c, "SET SESSION cte_max_recursion_depth = 4294967295", &ignored);    /* MySQL 8 */
}

enum workspace_status workspace_setup(db_conn *c, const struct scenario *sc,
                                      const struct params *p, char *err, size_t errlen)
{
    struct db_error e;
    allow_deep_recursion(c);
    if (drop_owned(c, &e)) {
        snprintf(err, errlen, "cannot reset racesim's tables: %s", e.text);
        return WORKSPACE_DB_ERROR;
    }
    for (size_t i = 0; i < sc->n_setup; i++) {
        int64_t ignored;
        enum workspace_status ws = workspace_scalar(c, sc, &sc->setup[i], p, &ignored, err, errlen);
        /* register after each statement, so a failed setup leaves nothing unlisted behind */
        if (register_new(c, &e)) {
            snprintf(err, errlen, "cannot record racesim's tables: %s", e.text);
            return WORKSPACE_DB_ERROR;
        }
        if (ws != WORKSPACE_OK)
            return ws;
    }
    return WORKSPACE_OK;
}
