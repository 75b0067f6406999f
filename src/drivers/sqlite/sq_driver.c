/* sq_driver.c — the SQLite driver's ops table; its "private server" is a file in a run
 * directory of its own (no process), removed after the run. */
#include "sqlite.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "fsutil.h"
#include "rundir.h"

#define PRIVATE_FILE "racesim.db"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;   /* s, against a stop from another thread */

static const char *run_base(void)
{
    const char *tmp = getenv("TMPDIR");
    return tmp && tmp[0] == '/' && strlen(tmp) < 512 ? tmp : "/tmp";
}

enum server_status sq_server_start(struct server *s, const struct server_options *o,
                                   char *err, size_t errlen)
{
    (void)o;                   /* no server: no connection limit to raise */
    char dir[PATH_MAX];
    int lock_fd;
    const char *base = run_base();
    memset(s, 0, sizeof *s);
    s->dir_lock = -1;
    rundir_sweep(base, NULL);
    int r = rundir_create(base, dir, sizeof dir, &lock_fd);
    if (r != 0) {
        snprintf(err, errlen, "cannot %s a directory in %s: %s", r == -1 ? "create" : "lock",
                 base, strerror(errno));
        return SERVER_FAILED;
    }
    pthread_mutex_lock(&lock);
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    fs_fmt(s->socket, sizeof s->socket, "%s/" PRIVATE_FILE, dir);   /* dir is short (base < 512) */
    snprintf(s->binary, sizeof s->binary, "libsqlite3 %s", sqlite3_libversion());
    snprintf(s->version, sizeof s->version, "SQLite %s", sqlite3_libversion());
    s->dir_lock = lock_fd;
    s->has_dir_lock = true;
    s->ready = true;
    pthread_mutex_unlock(&lock);
    return SERVER_OK;
}

void sq_server_stop(struct server *s)
{
    pthread_mutex_lock(&lock);
    if (s->dir[0])
        rundir_remove(s->dir);
    if (s->has_dir_lock)
        close(s->dir_lock);
    s->has_dir_lock = false;
    s->dir_lock = -1;
    s->dir[0] = '\0';
    s->pid = 0;
    pthread_mutex_unlock(&lock);
}

void sq_server_kill(struct server *s)
{
    sq_server_stop(s);
}

int sq_server_exited(struct server *s)
{
    (void)s;
    return 0;                  /* no process to die */
}

void sq_server_snapshot(struct server *s, struct server *copy)
{
    pthread_mutex_lock(&lock);
    *copy = *s;
    pthread_mutex_unlock(&lock);
}

static const struct db_driver_ops ops = {
    .library_init = sq_library_init,
    .library_end = sq_library_end,
    .thread_start = sq_thread_start,
    .thread_stop = sq_thread_stop,
    .dsn_parse = sq_dsn_parse,
    .connect = sq_open,
    .cut = sq_cut,
    .close = sq_close,
    .connection_id = sq_connection_id,
    .query = sq_query,
    .prepare = sq_prepare,
    .stmt_close = sq_stmt_close,
    .stmt_params = sq_stmt_params,
    .stmt_columns = sq_stmt_columns,
    .stmt_column_name = sq_stmt_column_name,
    .stmt_execute = sq_stmt_execute,
    .classify = sq_classify,
    .error_is_lost = sq_error_is_lost,
    .error_name = sq_error_name,
    .error_make = sq_error_make,
    .code_valid = sq_code_valid,
    .lockwait_open = sq_lockwait_open,
    .lockwait_close = sq_lockwait_close,
    .lockwait_read = sq_lockwait_read,
    .preflight_read = sq_preflight_read,
    .preflight_read_grants = sq_preflight_read_grants,
    .preflight_check = sq_preflight_check,
    .run_note = sq_run_note,
    .set_isolation = sq_set_isolation,
    .snapshot_supported = sq_snapshot_supported,
    .server_start = sq_server_start,
    .server_stop = sq_server_stop,
    .server_kill = sq_server_kill,
    .server_exited = sq_server_exited,
    .server_snapshot = sq_server_snapshot,
    .quote_ident = sq_quote_ident,
    .use_database = sq_use_database,
    .list_tables = sq_list_tables,
    .create_marker = sq_create_marker,
    .foreign_keys = sq_foreign_keys,
    .setup_session = sq_setup_session,
    .owner_acquire = sq_owner_acquire,
    .owner_record = sq_owner_record,
    .reset_save = sq_reset_save,
    .reset_restore = sq_reset_restore,
};

const struct db_driver sqlite_driver = {
    .name = "sqlite",
    .server_name = "SQLite",
    .password_env = NULL,
    .dsn_form = "expected sqlite:///absolute/path/file.db[?journal=wal|delete&busy_timeout=MS"
                "&synchronous=off|normal|full|extra]",
    .dsn_socket_key = "file",
    .target_word = "database file",
    .snapshot_text = "SQLite has one isolation level, serializable (one writer at a time)",
    .snapshot_missing = "no +SNAPSHOT variant on SQLite: it is always serializable",
    .ops = &ops,
};
