/* outcome.h — how an attempt ends: the built-in outcomes every scenario shares. */
#ifndef RACESIM_OUTCOME_H
#define RACESIM_OUTCOME_H

/*
 * Outcomes are small integers. The built-in ones come first, in this order; a scenario's
 * business outcomes (out_of_stock, already_used, ...) are appended by the script parser.
 */
enum outcome {
    OUTCOME_OK = 0,
    OUTCOME_DEADLOCK,              /* 1213 */
    OUTCOME_LOCK_TIMEOUT,          /* 1205 */
    OUTCOME_SNAPSHOT_CONFLICT,     /* 1020 */
    OUTCOME_DUPLICATE_KEY,         /* 1062 */
    OUTCOME_TOO_MANY_CONNECTIONS,  /* 1040 */
    OUTCOME_CONNECTION_LOST,       /* 2006, 2013, 2055; 1927 (killed) */
    OUTCOME_IN_DOUBT,              /* connection lost during COMMIT */
    OUTCOME_ERROR,                 /* any other server error */
    OUTCOME_BUILTIN_COUNT
};

#define OUTCOME_MAX 32             /* built-in + business outcomes of one strategy */

/* Returns the name of a built-in outcome ("ok", "deadlock", ...), or NULL for other values. */
const char *outcome_builtin_name(int outcome);

/* Returns the built-in outcome named name, or -1. */
int outcome_builtin_find(const char *name);

/* Returns the outcome a server error number is classified as (OUTCOME_ERROR for unknown ones). */
int outcome_of_error(unsigned errnum);

#endif
