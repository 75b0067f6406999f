/* errors.c — MariaDB/MySQL error numbers: how each ends an attempt, and its short name. */
#include "mariadb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Classified by error number, never by SQLSTATE: 1213 and 1020 share 40001 with other errors. */
static const struct {
    unsigned errnum;
    int outcome;
    const char *name;          /* for reports; NULL: the server's message says it best */
} table[] = {
    {1213, OUTCOME_DEADLOCK, "deadlock"},
    {1205, OUTCOME_LOCK_TIMEOUT, "lock wait timeout"},
    {1020, OUTCOME_SNAPSHOT_CONFLICT, "record changed since read (snapshot conflict)"},
    {1062, OUTCOME_DUPLICATE_KEY, "duplicate key"},
    {1040, OUTCOME_TOO_MANY_CONNECTIONS, "too many connections"},
    {1927, OUTCOME_CONNECTION_LOST, NULL},   /* ER_CONNECTION_KILLED: KILL, then closed */
    {2006, OUTCOME_CONNECTION_LOST, "connection lost"},   /* CR_SERVER_GONE_ERROR */
    {2013, OUTCOME_CONNECTION_LOST, "connection lost"},   /* CR_SERVER_LOST */
    {2055, OUTCOME_CONNECTION_LOST, NULL},                /* CR_SERVER_LOST_EXTENDED */
};
#define N_TABLE (sizeof table / sizeof table[0])

static int find(unsigned errnum)
{
    for (size_t i = 0; i < N_TABLE; i++)
        if (table[i].errnum == errnum)
            return (int)i;
    return -1;
}

void mariadb_error_set(struct db_error *e, unsigned errnum, const char *text)
{
    e->errnum = errnum;
    if (errnum)
        snprintf(e->code, sizeof e->code, "%u", errnum % 10000000u);   /* MariaDB's are < 65536 */
    else
        e->code[0] = '\0';
    e->outcome = errnum ? mariadb_classify(e) : OUTCOME_OK;
    /* CR_* (2000-2999) and MariaDB Connector/C's CER_* (5000-5999): the client library's own */
    e->client = (errnum >= 2000 && errnum < 3000) || (errnum >= 5000 && errnum < 6000);
    e->name = mariadb_error_name(e);
    if (text != e->text)
        snprintf(e->text, sizeof e->text, "%s", text);
}

int mariadb_classify(const struct db_error *e)
{
    int i = find(e->errnum);
    return i < 0 ? OUTCOME_ERROR : table[i].outcome;
}

bool mariadb_error_is_lost(const struct db_error *e)
{
    /* CR_CONNECTION_ERROR, CR_CONN_HOST_ERROR, CR_SERVER_GONE_ERROR, CR_SERVER_LOST,
     * CR_SERVER_LOST_EXTENDED */
    unsigned n = e->errnum;
    return n == 2002 || n == 2003 || n == 2006 || n == 2013 || n == 2055;
}

const char *mariadb_error_name(const struct db_error *e)
{
    int i = find(e->errnum);
    return i < 0 ? NULL : table[i].name;
}

void mariadb_error_make(struct db_error *e, int outcome, const char *text)
{
    mariadb_error_set(e, outcome == OUTCOME_CONNECTION_LOST ? MARIADB_CR_SERVER_LOST
                                                            : MARIADB_CR_OUT_OF_MEMORY, text);
}

bool mariadb_code_valid(const char *code)
{
    char *end;
    long n = strtol(code, &end, 10);
    return code[0] >= '1' && code[0] <= '9' && *end == '\0' && n > 0 && n <= 65535;
}
