/* pg_errors.c — PostgreSQL SQLSTATEs: how each ends an attempt, and its short name. */
#include "postgres.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *state;         /* a SQLSTATE, or a class ("08") */
    int outcome;
    const char *name;          /* for reports; NULL: the server's message says it best */
} table[] = {
    {"40001", OUTCOME_SERIALIZATION, "could not serialize (retry the transaction)"},
    {"40P01", OUTCOME_DEADLOCK, "deadlock"},
    {"55P03", OUTCOME_LOCK_TIMEOUT, "lock not available (NOWAIT or lock_timeout)"},
    {"57014", OUTCOME_LOCK_TIMEOUT, "statement canceled (statement_timeout)"},
    {"23505", OUTCOME_DUPLICATE_KEY, "duplicate key"},
    {"53300", OUTCOME_TOO_MANY_CONNECTIONS, "too many connections"},
    {"57P01", OUTCOME_CONNECTION_LOST, NULL},   /* admin_shutdown: terminated */
    {"57P02", OUTCOME_CONNECTION_LOST, NULL},   /* crash_shutdown */
    {"57P03", OUTCOME_CONNECTION_LOST, NULL},   /* cannot_connect_now: starting up */
    {"08", OUTCOME_CONNECTION_LOST, "connection lost"},
};
#define N_TABLE (sizeof table / sizeof table[0])

static int find(const char *code)
{
    for (size_t i = 0; i < N_TABLE; i++)
        if (code[0] && strncmp(code, table[i].state, strlen(table[i].state)) == 0)
            return (int)i;
    return -1;
}

void pg_error_set(struct db_error *e, const char *sqlstate, const char *text, bool client)
{
    e->errnum = 0;
    snprintf(e->code, sizeof e->code, "%.5s", sqlstate ? sqlstate : "");
    e->outcome = e->code[0] ? pg_classify(e) : OUTCOME_OK;
    e->client = e->code[0] && client;
    e->name = pg_error_name(e);
    if (text != e->text)
        snprintf(e->text, sizeof e->text, "%s", text);
}

int pg_classify(const struct db_error *e)
{
    int i = find(e->code);
    return i < 0 ? OUTCOME_ERROR : table[i].outcome;
}

bool pg_error_is_lost(const struct db_error *e)
{
    return strncmp(e->code, "08", 2) == 0 || strncmp(e->code, "57P", 3) == 0;
}

const char *pg_error_name(const struct db_error *e)
{
    int i = find(e->code);
    return i < 0 ? NULL : table[i].name;
}

void pg_error_make(struct db_error *e, int outcome, const char *text)
{
    if (outcome == OUTCOME_CONNECTION_LOST) {
        pg_error_set(e, PG_LOST_CODE, text, true);
        return;
    }
    pg_error_set(e, "58000", text, true);     /* system_error: racesim's own failure */
    e->outcome = OUTCOME_ERROR;
    e->name = NULL;
}

bool pg_code_valid(const char *code)
{
    if (strlen(code) != 5)
        return false;
    for (const char *p = code; *p; p++)
        if (!isdigit((unsigned char)*p) && !isupper((unsigned char)*p))
            return false;
    return true;
}
