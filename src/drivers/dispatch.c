/* dispatch.c — db.h, lockwait.h, preflight.h, server.h, owner.h and reset.h as thin calls into
 * the selected driver's ops table, plus the few helpers every driver shares. */
#include "driver.h"
#include "driver_util.h"
#include "owner.h"
#include "reset.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "workspace.h"

#define OPS (db_driver_current()->ops)

int db_library_init(void) { return OPS->library_init(); }
void db_library_end(void) { OPS->library_end(); }
void db_thread_start(void) { OPS->thread_start(); }
void db_thread_stop(void) { OPS->thread_stop(); }

db_conn *db_connect(const struct db_target *t, bool with_database, struct db_error *err)
{
    return OPS->connect(t, with_database, err);
}

void db_cut(db_conn *c) { OPS->cut(c); }
void db_close(db_conn *c) { OPS->close(c); }
unsigned long db_connection_id(db_conn *c) { return OPS->connection_id(c); }

int db_execute(db_conn *c, const char *sql, struct db_error *err)
{
    return OPS->query(c, sql, NULL, NULL, err);
}

int db_query(db_conn *c, const char *sql, db_row_fn row, void *ctx, struct db_error *err)
{
    return OPS->query(c, sql, row, ctx, err);
}

db_stmt *db_prepare(db_conn *c, const char *sql, struct db_error *err)
{
    return OPS->prepare(c, sql, err);
}

size_t db_prepare_many(db_conn *c, const char *const *sqls, size_t n, db_stmt **out,
                       struct db_error *errs)
{
    if (OPS->prepare_many)
        return OPS->prepare_many(c, sqls, n, out, errs);
    size_t done = 0;
    for (size_t i = 0; i < n; i++)
        done += (out[i] = OPS->prepare(c, sqls[i], &errs[i])) != NULL;
    return done;
}

void db_stmt_close(db_stmt *s) { OPS->stmt_close(s); }
size_t db_stmt_params(const db_stmt *s) { return OPS->stmt_params(s); }
size_t db_stmt_columns(const db_stmt *s) { return OPS->stmt_columns(s); }
const char *db_stmt_column_name(const db_stmt *s, size_t i) { return OPS->stmt_column_name(s, i); }

int db_stmt_execute(db_stmt *s, const int64_t *params, const bool *param_nulls, int64_t *cols,
                    bool *nulls, struct db_result *res, struct db_error *err)
{
    return OPS->stmt_execute(s, params, param_nulls, cols, nulls, res, err);
}

bool db_error_is_lost(const struct db_error *e) { return OPS->error_is_lost(e); }
void db_error_make(struct db_error *e, int outcome, const char *text) { OPS->error_make(e, outcome, text); }
bool db_code_valid(const char *code) { return OPS->code_valid(code); }
const char *db_engine_name(void) { return db_driver_current()->name; }
const char *db_server_name(void) { return db_driver_current()->server_name; }

const char *db_target_word(void)
{
    const char *w = db_driver_current()->target_word;
    return w ? w : "unix socket";
}

struct error_id db_error_id(const struct db_error *e)
{
    struct error_id id = {.errnum = e->errnum, .outcome = e->outcome, .name = e->name};
    memcpy(id.code, e->code, sizeof id.code);
    return id;
}

int db_set_isolation(db_conn *c, const char *level, char *err, size_t errlen)
{
    return OPS->set_isolation(c, level, err, errlen);
}

bool db_snapshot_supported(db_conn *c) { return OPS->snapshot_supported(c); }
const char *db_snapshot_text(void) { return db_driver_current()->snapshot_text; }
const char *db_snapshot_missing(void) { return db_driver_current()->snapshot_missing; }
const char *db_run_note(int users, unsigned long long deadlocks) { return OPS->run_note(users, deadlocks); }

int lockwait_open(db_conn *monitor, bool *raised) { return OPS->lockwait_open(monitor, raised); }
void lockwait_close(db_conn *monitor, bool raised) { OPS->lockwait_close(monitor, raised); }

int lockwait_read(db_conn *monitor, struct lockwaits *w, bool other_locks)
{
    return OPS->lockwait_read(monitor, w, other_locks);
}

int preflight_read(db_conn *c, struct preflight *pf, struct db_error *err)
{
    return OPS->preflight_read(c, pf, err);
}

int preflight_read_grants(db_conn *c, struct preflight *pf, const char *database,
                          struct db_error *err)
{
    return OPS->preflight_read_grants(c, pf, database, err);
}

int preflight_check(struct preflight *pf, int connections, bool pooled, size_t statements,
                    char *err, size_t errlen)
{
    return OPS->preflight_check(pf, connections, pooled, statements, err, errlen);
}

int preflight_cluster(db_conn *const *conns, const char *const *names, int n,
                      struct preflight *pf, char *err, size_t errlen)
{
    if (OPS->preflight_cluster)
        return OPS->preflight_cluster(conns, names, n, pf, err, errlen);
    snprintf(err, errlen, "the %s engine has no cluster", db_engine_name());
    return -1;
}

const char *preflight_var(const struct preflight *pf, const char *name)
{
    for (size_t i = 0; i < pf->n_vars; i++)
        if (strcmp(pf->vars[i].name, name) == 0)
            return pf->vars[i].value;
    return NULL;
}

enum server_status server_start(struct server *s, const struct server_options *o,
                                char *err, size_t errlen)
{
    return OPS->server_start(s, o, err, errlen);
}

void server_stop(struct server *s) { OPS->server_stop(s); }
void server_kill(struct server *s) { OPS->server_kill(s); }
int server_exited(struct server *s) { return OPS->server_exited(s); }

int server_kill_node(struct server *s, unsigned node, char *err, size_t errlen)
{
    if (OPS->server_kill_node)
        return OPS->server_kill_node(s, node, err, errlen);
    snprintf(err, errlen, "the %s engine has no private cluster", db_engine_name());
    return -1;
}
void server_snapshot(struct server *s, struct server *copy) { OPS->server_snapshot(s, copy); }

int owner_acquire(db_conn *c, const char *database, int wait_s, char *err, size_t errlen)
{
    return OPS->owner_acquire(c, database, wait_s, err, errlen);
}

int owner_record(db_conn *c, char *err, size_t errlen) { return OPS->owner_record(c, err, errlen); }

int owner_claim_cluster(db_conn *c, const struct db_target *nodes, int n_nodes,
                        const char *database, int wait_s, char *err, size_t errlen)
{
    return OPS->owner_claim_cluster
               ? OPS->owner_claim_cluster(c, nodes, n_nodes, database, wait_s, err, errlen) : 2;
}

void owner_release(db_conn *c, const char *database)
{
    if (OPS->owner_release && c)
        OPS->owner_release(c, database);
}
int reset_save(db_conn *c, char *err, size_t errlen) { return OPS->reset_save(c, err, errlen); }
int reset_restore(db_conn *c, char *err, size_t errlen) { return OPS->reset_restore(c, err, errlen); }

void db_quote_ident(const char *name, char *out, size_t outlen) { OPS->quote_ident(name, out, outlen); }

int db_use_database(db_conn *c, const char *database, struct db_error *err)
{
    return OPS->use_database(c, database, err);
}

int db_list_tables(db_conn *c, const char *database, db_row_fn row, void *ctx, struct db_error *err)
{
    return OPS->list_tables(c, database, row, ctx, err);
}

int db_list_routines(db_conn *c, db_row_fn row, void *ctx, struct db_error *err)
{
    return OPS->list_routines ? OPS->list_routines(c, row, ctx, err) : 0;
}

int db_create_marker(db_conn *c, const char *table, struct db_error *err)
{
    return OPS->create_marker(c, table, err);
}

int db_foreign_keys(db_conn *c, bool on, struct db_error *err) { return OPS->foreign_keys(c, on, err); }
void db_setup_session(db_conn *c) { OPS->setup_session(c); }

/* Fails err for an op this engine lacks. */
static int no_cluster(struct db_error *err)
{
    OPS->error_make(err, OUTCOME_ERROR, "this engine has no cluster");
    return -1;
}

int db_node_sync(db_conn *c, struct db_error *err)
{
    return OPS->node_sync ? OPS->node_sync(c, err) : no_cluster(err);
}

int db_table_checksum(db_conn *c, const char *table, uint64_t *sum, struct db_error *err)
{
    return OPS->table_checksum ? OPS->table_checksum(c, table, sum, err) : no_cluster(err);
}

int db_abort_counters(db_conn *c, uint64_t *bf_aborts, uint64_t *cert_failures,
                      struct db_error *err)
{
    return OPS->abort_counters ? OPS->abort_counters(c, bf_aborts, cert_failures, err)
                               : no_cluster(err);
}

int db_node_applied(db_conn *c, uint64_t *position, struct db_error *err)
{
    return OPS->node_applied ? OPS->node_applied(c, position, err) : no_cluster(err);
}

static int on_first(void *ctx, size_t n, char **row)
{
    struct first_value *f = ctx;
    if (!f->found && n >= 1 && row[0]) {
        snprintf(f->text, sizeof f->text, "%s", row[0]);
        f->found = true;
    }
    return 0;
}

void driver_preflight_add_var(struct preflight *pf, const char *name, const char *value)
{
    if (pf->n_vars >= PREFLIGHT_VARS_MAX)
        return;
    struct server_variable *v = &pf->vars[pf->n_vars++];
    snprintf(v->name, sizeof v->name, "%s", name);
    snprintf(v->value, sizeof v->value, "%s", value);
}

void driver_preflight_warn(struct preflight *pf, const char *text)
{
    if (pf->n_warnings < PREFLIGHT_WARNINGS_MAX)
        snprintf(pf->warnings[pf->n_warnings++], sizeof pf->warnings[0], "%s", text);
}

int driver_query_first(db_conn *c, const char *sql, struct first_value *f, struct db_error *e)
{
    memset(f, 0, sizeof *f);
    return db_query(c, sql, on_first, f, e) < 0 ? -1 : 0;
}

static int on_table(void *ctx, size_t n, char **row)
{
    struct owned_tables *t = ctx;
    if (n >= 1 && row[0] && t->n < OWNED_TABLES_MAX)
        snprintf(t->names[t->n++], sizeof t->names[0], "%s", row[0]);
    return 0;
}

int driver_owned_tables(db_conn *c, struct owned_tables *t, struct db_error *e)
{
    memset(t, 0, sizeof *t);
    return db_query(c, "SELECT table_name FROM " WORKSPACE_MARKER " WHERE table_name NOT LIKE '%"
                    SEED_SUFFIX "' ORDER BY table_name", on_table, t, e) < 0 ? -1 : 0;
}

int driver_seed_save(db_conn *c, int (*copy)(db_conn *c, const char *table, struct db_error *e),
                     char *err, size_t errlen)
{
    struct owned_tables t;
    struct db_error e;
    if (driver_owned_tables(c, &t, &e))
        return driver_reset_fail(err, errlen, "list", &e);
    for (int i = 0; i < t.n; i++) {
        char sql[256];
        if (copy(c, t.names[i], &e))
            return driver_reset_fail(err, errlen, "copy", &e);
        snprintf(sql, sizeof sql, "INSERT INTO " WORKSPACE_MARKER " (table_name) VALUES ('%s"
                 SEED_SUFFIX "')", t.names[i]);
        if (db_execute(c, sql, &e))
            return driver_reset_fail(err, errlen, "record the copies of", &e);
    }
    return 0;
}

int driver_seed_restore(db_conn *c, struct db_error *e)
{
    struct owned_tables t;
    if (driver_owned_tables(c, &t, e))
        return -1;
    for (int i = 0; i < t.n; i++) {
        char sql[512], table[80], seed[88];
        db_quote_ident(t.names[i], table, sizeof table);
        snprintf(sql, sizeof sql, "%s" SEED_SUFFIX, t.names[i]);
        db_quote_ident(sql, seed, sizeof seed);
        snprintf(sql, sizeof sql, "DELETE FROM %s", table);
        if (db_execute(c, sql, e))
            return -1;
        snprintf(sql, sizeof sql, "INSERT INTO %s SELECT * FROM %s", table, seed);
        if (db_execute(c, sql, e))
            return -1;
    }
    return 0;
}

int driver_reset_fail(char *err, size_t errlen, const char *what, const struct db_error *e)
{
    snprintf(err, errlen, "cannot %s racesim's tables: %s", what, e->text);
    return -1;
}

void driver_host_name(char *out, size_t outlen)
{
    if (gethostname(out, outlen) != 0)
        snprintf(out, outlen, "unknown");
    out[outlen - 1] = '\0';
    for (char *p = out; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '.' || *p == '-' || *p == '_'))
            *p = '?';
}
