/* outcome.c — names of the built-in outcomes and the classification of server error numbers. */
#include "outcome.h"

#include <string.h>

static const char *const builtin_names[OUTCOME_BUILTIN_COUNT] = {
    "ok", "deadlock", "lock_timeout", "snapshot_conflict", "duplicate_key",
    "too_many_connections", "connection_lost", "in_doubt", "error",
};

const char *outcome_builtin_name(int outcome)
{
    if (outcome < 0 || outcome >= OUTCOME_BUILTIN_COUNT)
        return NULL;
    return builtin_names[outcome];
}

int outcome_builtin_find(const char *name)
{
    for (int i = 0; i < OUTCOME_BUILTIN_COUNT; i++)
        if (strcmp(builtin_names[i], name) == 0)
            return i;
    return -1;
}

/* Classify by error number, never by SQLSTATE: 1213 and 1020 share 40001 with other errors. */
int outcome_of_error(unsigned errnum)
{
    switch (errnum) {
    case 1213: return OUTCOME_DEADLOCK;
    case 1205: return OUTCOME_LOCK_TIMEOUT;
    case 1020: return OUTCOME_SNAPSHOT_CONFLICT;
    case 1062: return OUTCOME_DUPLICATE_KEY;
    case 1040: return OUTCOME_TOO_MANY_CONNECTIONS;
    case 1927:   /* ER_CONNECTION_KILLED (MariaDB): KILL CONNECTION, then the server closes it */
    case 2006: case 2013: case 2055: return OUTCOME_CONNECTION_LOST;
    default: return OUTCOME_ERROR;
    }
}
