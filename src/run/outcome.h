/* outcome.h — how an attempt ends: the built-in outcomes every scenario shares. */
#ifndef RACESIM_OUTCOME_H
#define RACESIM_OUTCOME_H

/*
 * Outcomes are small integers. The built-in ones come first, in this order; a scenario's
 * business outcomes (out_of_stock, already_used, ...) are appended by the script parser.
 */
enum outcome {
    OUTCOME_OK = 0,
    OUTCOME_DEADLOCK,              /* the engine broke a lock cycle */
    OUTCOME_LOCK_TIMEOUT,          /* a lock wait ran out of time */
    OUTCOME_SNAPSHOT_CONFLICT,     /* a row changed since this transaction's snapshot */
    OUTCOME_DUPLICATE_KEY,         /* a unique key refused the row */
    OUTCOME_TOO_MANY_CONNECTIONS,  /* the server refused another connection */
    OUTCOME_CONNECTION_LOST,       /* the connection is gone (or was killed) */
    OUTCOME_IN_DOUBT,              /* connection lost during COMMIT */
    OUTCOME_ERROR,                 /* any other server error */
    OUTCOME_SERIALIZATION,         /* could not serialize: retry the transaction */
    OUTCOME_BUILTIN_COUNT
};

#define OUTCOME_MAX 32             /* built-in + business outcomes of one strategy */

/* Returns the name of a built-in outcome ("ok", "deadlock", ...), or NULL for other values. */
const char *outcome_builtin_name(int outcome);

/* Returns the built-in outcome named name, or -1. */
int outcome_builtin_find(const char *name);

/* Which engine error ended a statement, as its driver reported it; what results keep. */
struct error_id {
    unsigned errnum;           /* the engine's error number; 0 when the engine has none */
    char code[8];              /* the engine's code as text (a number, a SQLSTATE); "" for none */
    int outcome;               /* the driver's classification (enum outcome) */
    const char *name;          /* the driver's short name ("deadlock"; static), or NULL */
};

/* Whether a and b are the same engine error. */
int error_id_same(const struct error_id *a, const struct error_id *b);

#endif
