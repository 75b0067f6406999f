/* sq_preflight.c — what a SQLite file will do: the library's version, the journal mode racesim
 * puts it in, synchronous, busy_timeout; and how commits reach the disk. */
#include "sqlite.h"
#include "driver_util.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int on_value(void *ctx, size_t n, char **row)
{
    if (n >= 1)
        snprintf(ctx, 64, "%s", row[0] ? row[0] : "NULL");
    return 0;
}

static const char *sync_name(const char *n)
{
    static const char *const names[] = {"off", "normal", "full", "extra"};
    int i = atoi(n);
    return i >= 0 && i < 4 ? names[i] : n;
}

int sq_preflight_read(db_conn *c, struct preflight *pf, struct db_error *err)
{
    const struct sq_options *o = sq_conn_options(c);
    char now[64] = "", sync[64] = "", text[64];
    memset(pf, 0, sizeof *pf);
    snprintf(pf->version, sizeof pf->version, "SQLite %s", sqlite3_libversion());
    /* reading the journal mode reads the file's header: a file that is not a database fails here */
    if (sq_query(c, "PRAGMA journal_mode", on_value, now, err) < 0 ||
        sq_query(c, "PRAGMA synchronous", on_value, sync, err) < 0) {
        char msg[sizeof err->text];
        snprintf(msg, sizeof msg, "%s", err->text);
        snprintf(err->text, sizeof err->text, "%.120s: %.120s", sq_conn_path(c), msg);
        return -1;
    }
    driver_preflight_add_var(pf, "journal_mode", o->journal);   /* racesim sets it once the file is its own */
    driver_preflight_add_var(pf, "synchronous", sync_name(sync));
    snprintf(text, sizeof text, "%d ms", o->busy_timeout_ms);
    driver_preflight_add_var(pf, "busy_timeout", text);
    driver_preflight_add_var(pf, "locking", "one writer at a time (database-wide lock)");
    pf->lock_wait_timeout_s = (o->busy_timeout_ms + 999) / 1000;
    pf->max_connections = 0;   /* no server: no limit but open files */
    /* the numbers that decide it: synchronous (0 off .. 3 extra) and whether the WAL is used */
    snprintf(pf->durability_vars[0].name, sizeof pf->durability_vars[0].name, "synchronous");
    snprintf(pf->durability_vars[0].value, sizeof pf->durability_vars[0].value, "%s", sync);
    snprintf(pf->durability_vars[1].name, sizeof pf->durability_vars[1].name, "journal_mode_wal");
    snprintf(pf->durability_vars[1].value, sizeof pf->durability_vars[1].value, "%d",
             strcmp(o->journal, "wal") == 0);
    pf->n_durability_vars = 2;
    int level = atoi(sync);
    bool wal = strcmp(o->journal, "wal") == 0;
    pf->durable = level >= 2 ? 1 : 0;
    snprintf(pf->durability_note, sizeof pf->durability_note, "%s",
             level >= 2 ? "each commit is synced to disk before it returns"
             : level == 1 && wal ? "a commit survives a crash of racesim, not a power loss "
                                   "(WAL with synchronous=normal)"
             : "a commit may be lost on a crash (synchronous is low)");
    return 0;
}

int sq_preflight_read_grants(db_conn *c, struct preflight *pf, const char *database,
                             struct db_error *err)
{
    (void)c;
    (void)pf;
    (void)database;
    (void)err;
    return 0;                  /* no users or grants: the file's mode decides */
}

int sq_preflight_check(struct preflight *pf, int connections, bool pooled, size_t statements,
                       char *err, size_t errlen)
{
    (void)connections;         /* open files are checked by the run (RLIMIT_NOFILE) */
    (void)pooled;
    (void)statements;
    (void)err;
    (void)errlen;
    if (pf->lock_wait_timeout_s == 0 && pf->n_warnings < PREFLIGHT_WARNINGS_MAX)
        snprintf(pf->warnings[pf->n_warnings++], sizeof pf->warnings[0], "busy_timeout=0: a "
                 "buyer that meets the write lock fails at once (lock_timeout) instead of waiting");
    return 0;
}
