/* outcome.c — names of the built-in outcomes; comparing engine errors as drivers report them. */
#include "outcome.h"

#include <string.h>

static const char *const builtin_names[OUTCOME_BUILTIN_COUNT] = {
    "ok", "deadlock", "lock_timeout", "snapshot_conflict", "duplicate_key",
    "too_many_connections", "connection_lost", "in_doubt", "error", "serialization",
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

int error_id_same(const struct error_id *a, const struct error_id *b)
{
    return strcmp(a->code, b->code) == 0;
}
