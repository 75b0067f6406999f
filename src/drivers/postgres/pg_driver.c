/* pg_driver.c — the PostgreSQL driver's ops table, and the private server (pg_server.c) behind
 * the server ops. */
#include "postgres.h"

#include <stdio.h>
#include <string.h>

#include "driver.h"
#include "pg_server.h"

/* One private server per process (racesim runs start it from main, one at a time). */
static struct pg_server private_server;

/* Copies what racesim reads of a running server into s: the socket directory is libpq's host. */
static void publish(const struct pg_server *p, struct server *s)
{
    memset(s, 0, sizeof *s);
    s->pid = p->pid;
    snprintf(s->dir, sizeof s->dir, "%s", p->dir);
    snprintf(s->socket, sizeof s->socket, "%s", p->socket_dir);
    snprintf(s->binary, sizeof s->binary, "%s", p->binary);
    snprintf(s->version, sizeof s->version, "%s", p->version);
    snprintf(s->user, sizeof s->user, "%s", p->user);
    s->ready = p->ready;
    s->dir_lock = -1;
}

enum server_status pg_driver_server_start(struct server *s, const struct server_options *o,
                                          char *err, size_t errlen)
{
    struct pg_server_options po = {.max_connections = o->max_connections};
    enum pg_server_status st = pg_server_start(&private_server, &po, err, errlen);
    if (st != PG_SERVER_OK)
        return st == PG_SERVER_NO_BINARY ? SERVER_NO_BINARY : SERVER_FAILED;
    struct pg_server copy;
    pg_server_snapshot(&private_server, &copy);
    publish(&copy, s);
    return SERVER_OK;
}

void pg_driver_server_stop(struct server *s)
{
    pg_server_stop(&private_server);
    s->pid = 0;
}

void pg_driver_server_kill(struct server *s)
{
    pg_server_kill(&private_server);
    s->pid = 0;
}

int pg_driver_server_exited(struct server *s)
{
    (void)s;
    return pg_server_exited(&private_server);
}

void pg_driver_server_snapshot(struct server *s, struct server *copy)
{
    (void)s;
    struct pg_server p;
    pg_server_snapshot(&private_server, &p);
    publish(&p, copy);
}

static const struct db_driver_ops ops = {
    .library_init = pg_library_init,
    .library_end = pg_library_end,
    .thread_start = pg_thread_start,
    .thread_stop = pg_thread_stop,
    .connect = pg_open,
    .cut = pg_cut,
    .close = pg_close,
    .connection_id = pg_connection_id,
    .query = pg_query,
    .prepare = pg_prepare,
    .prepare_many = pg_prepare_many,
    .stmt_close = pg_stmt_close,
    .stmt_params = pg_stmt_params,
    .stmt_columns = pg_stmt_columns,
    .stmt_column_name = pg_stmt_column_name,
    .stmt_execute = pg_stmt_execute,
    .classify = pg_classify,
    .error_is_lost = pg_error_is_lost,
    .error_name = pg_error_name,
    .error_make = pg_error_make,
    .code_valid = pg_code_valid,
    .lockwait_open = pg_lockwait_open,
    .lockwait_close = pg_lockwait_close,
    .lockwait_read = pg_lockwait_read,
    .preflight_read = pg_preflight_read,
    .preflight_read_grants = pg_preflight_read_grants,
    .preflight_check = pg_preflight_check,
    .run_note = pg_run_note,
    .set_isolation = pg_set_isolation,
    .snapshot_supported = pg_snapshot_supported,
    .server_start = pg_driver_server_start,
    .server_stop = pg_driver_server_stop,
    .server_kill = pg_driver_server_kill,
    .server_exited = pg_driver_server_exited,
    .server_snapshot = pg_driver_server_snapshot,
    .quote_ident = pg_quote_ident,
    .use_database = pg_use_database,
    .list_tables = pg_list_tables,
    .list_routines = pg_list_routines,
    .create_marker = pg_create_marker,
    .foreign_keys = pg_foreign_keys,
    .setup_session = pg_setup_session,
    .owner_acquire = pg_owner_acquire,
    .owner_record = pg_owner_record,
    .reset_save = pg_reset_save,
    .reset_restore = pg_reset_restore,
};

const struct db_driver postgres_driver = {
    .name = "postgres",
    .server_name = "PostgreSQL",
    .password_env = "PGPASSWORD",
    .dsn_form = "expected postgres://user@host:port/database or "
                "postgres://user@/database?host=/socket/directory",
    .dsn_socket_key = "host",
    .snapshot_text = "PostgreSQL's REPEATABLE READ is snapshot isolation already (a write to a "
                     "row changed since the snapshot fails with 40001)",
    .snapshot_missing = "no +SNAPSHOT variant on PostgreSQL: use REPEATABLE READ",
    .ops = &ops,
};
