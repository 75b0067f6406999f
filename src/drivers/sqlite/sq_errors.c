/* sq_errors.c — SQLite result codes: how each ends an attempt, and its short name. A code is
 * the extended result code as a number ("5" SQLITE_BUSY, "517" SQLITE_BUSY_SNAPSHOT). */
#include "sqlite.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    int code;                  /* an extended code, or a primary one (matches its extensions) */
    int outcome;
    const char *name;          /* for reports; NULL: the library's message says it best */
} table[] = {
    /* the write lock (or a read lock in rollback-journal mode) is taken: the wait ran out, or
     * SQLite would not wait (a deferred transaction that read cannot upgrade while another
     * writes): what lock_timeout means on the other engines */
    {SQLITE_BUSY_SNAPSHOT, OUTCOME_SNAPSHOT_CONFLICT, "busy: snapshot is stale (another "
                                                      "connection wrote since this one read)"},
    {SQLITE_BUSY, OUTCOME_LOCK_TIMEOUT, "busy (database is locked)"},
    {SQLITE_LOCKED, OUTCOME_LOCK_TIMEOUT, "locked (a table lock inside this process)"},
    {SQLITE_CONSTRAINT_UNIQUE, OUTCOME_DUPLICATE_KEY, "duplicate key"},
    {SQLITE_CONSTRAINT_PRIMARYKEY, OUTCOME_DUPLICATE_KEY, "duplicate key"},
    {SQLITE_INTERRUPT, OUTCOME_CONNECTION_LOST, "interrupted (connection cut)"},
};
#define N_TABLE (sizeof table / sizeof table[0])

static int code_of(const struct db_error *e)
{
    return e->code[0] ? atoi(e->code) : 0;
}

static int find(int code)
{
    for (size_t i = 0; i < N_TABLE; i++)     /* an extended code first, then its primary one */
        if (code == table[i].code)
            return (int)i;
    for (size_t i = 0; i < N_TABLE; i++)
        if (table[i].code <= 0xff && (code & 0xff) == table[i].code)
            return (int)i;
    return -1;
}

void sq_error_set(struct db_error *e, int code, const char *text, bool client)
{
    e->errnum = (unsigned)code;
    if (code)
        snprintf(e->code, sizeof e->code, "%d", code);
    else
        e->code[0] = '\0';
    e->outcome = code ? sq_classify(e) : OUTCOME_OK;
    e->client = code && client;
    e->name = sq_error_name(e);
    if (text != e->text)
        snprintf(e->text, sizeof e->text, "%s", text);
}

int sq_classify(const struct db_error *e)
{
    int i = find(code_of(e));
    return i < 0 ? OUTCOME_ERROR : table[i].outcome;
}

bool sq_error_is_lost(const struct db_error *e)
{
    return code_of(e) == SQ_LOST_CODE;
}

const char *sq_error_name(const struct db_error *e)
{
    int i = find(code_of(e));
    return i < 0 ? NULL : table[i].name;
}

void sq_error_make(struct db_error *e, int outcome, const char *text)
{
    if (outcome == OUTCOME_CONNECTION_LOST) {
        sq_error_set(e, SQ_LOST_CODE, text, true);
        return;
    }
    sq_error_set(e, SQLITE_ERROR, text, true);
    e->outcome = OUTCOME_ERROR;
    e->name = NULL;
}

bool sq_code_valid(const char *code)
{
    size_t n = strlen(code);
    if (n == 0 || n > 5)
        return false;
    for (const char *p = code; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    return true;
}
