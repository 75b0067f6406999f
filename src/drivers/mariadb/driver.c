/* driver.c — the MariaDB/MySQL driver's ops table: what racesim calls through driver.h. */
#include "mariadb.h"

#include "driver.h"

static const struct db_driver_ops ops = {
    .library_init = mariadb_library_init,
    .library_end = mariadb_library_end,
    .thread_start = mariadb_thread_start,
    .thread_stop = mariadb_thread_stop,
    .connect = mariadb_open,
    .cut = mariadb_cut,
    .close = mariadb_close,
    .connection_id = mariadb_connection_id,
    .query = mariadb_query,
    .prepare = mariadb_prepare,
    .stmt_close = mariadb_stmt_close,
    .stmt_params = mariadb_stmt_params,
    .stmt_columns = mariadb_stmt_columns,
    .stmt_column_name = mariadb_stmt_column_name,
    .stmt_execute = mariadb_stmt_execute,
    .classify = mariadb_classify,
    .error_is_lost = mariadb_error_is_lost,
    .error_name = mariadb_error_name,
    .error_make = mariadb_error_make,
    .code_valid = mariadb_code_valid,
    .lockwait_open = mariadb_lockwait_open,
    .lockwait_close = mariadb_lockwait_close,
    .lockwait_read = mariadb_lockwait_read,
    .preflight_read = mariadb_preflight_read,
    .preflight_read_grants = mariadb_preflight_read_grants,
    .preflight_check = mariadb_preflight_check,
    .run_note = mariadb_run_note,
    .set_isolation = mariadb_set_isolation,
    .snapshot_supported = mariadb_snapshot_supported,
    .server_start = mariadb_server_start,
    .server_stop = mariadb_server_stop,
    .server_kill = mariadb_server_kill,
    .server_exited = mariadb_server_exited,
    .server_snapshot = mariadb_server_snapshot,
    .quote_ident = mariadb_quote_ident,
    .use_database = mariadb_use_database,
    .list_tables = mariadb_list_tables,
    .create_marker = mariadb_create_marker,
    .foreign_keys = mariadb_foreign_keys,
    .setup_session = mariadb_setup_session,
    .owner_acquire = mariadb_owner_acquire,
    .owner_record = mariadb_owner_record,
    .reset_save = mariadb_reset_save,
    .reset_restore = mariadb_reset_restore,
};

const struct db_driver mariadb_driver = {
    .name = "mariadb",
    .server_name = "MariaDB",
    .password_env = "MYSQL_PWD",
    .dsn_form = "expected mysql://user@host:port/database or "
                "mysql://user@localhost/database?socket=/path/to/socket",
    .dsn_socket_key = "socket",
    .snapshot_text = "innodb_snapshot_isolation=ON (a write to a row changed since the snapshot "
                     "fails with 1020)",
    .snapshot_missing = "no innodb_snapshot_isolation here: MariaDB 10.11.8 or later",
    .ops = &ops,
};
