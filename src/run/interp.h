/* interp.h — runs a parsed strategy for one buyer over one connection: one attempt per call. */
#ifndef RACESIM_INTERP_H
#define RACESIM_INTERP_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "params.h"
#include "script.h"

/* A suffix of an isolation level: the engine's snapshot variant ("REPEATABLE READ+SNAPSHOT";
 * the driver sets it up, db_set_isolation). */
#define INTERP_SNAPSHOT "+SNAPSHOT"

enum event_kind { EVENT_SQL, EVENT_SQL_ERROR, EVENT_REQUIRE, EVENT_WINDOW, EVENT_EXPECT };

/* What one step did, for traces and lockstep. Pointers are valid during the call only. */
struct step_event {
    int step;                       /* index into script.steps */
    enum event_kind kind;
    const struct db_result *result; /* EVENT_SQL */
    const int64_t *cols;            /* EVENT_SQL: first row's columns (n_cols of them) */
    const bool *nulls;
    size_t n_cols;
    const int64_t *params;          /* EVENT_SQL, EVENT_SQL_ERROR: the values bound, by position */
    const bool *param_nulls;
    size_t n_params;                /* ...one per :name, or more where IN (:list.field) expands */
    const struct db_error *error;   /* EVENT_SQL_ERROR */
    int64_t a, b;                   /* EVENT_REQUIRE, EVENT_EXPECT: the values compared */
    bool holds, null;               /* EVENT_REQUIRE, EVENT_EXPECT: the verdict; a side was NULL
                                       (EVENT_EXPECT: the read returned NULL or no row) */
    int outcome;                    /* the attempt's outcome when this step ended it, else -1 */
    bool rolled_back;               /* racesim issued ROLLBACK after this step */
};

/* What the caller sees of each step; every field optional (NULL: nothing called). */
struct interp_hooks {
    void (*window)(void *ctx);                          /* at @window: the think-time sleep */
    void (*before)(void *ctx, int step);                /* before each SQL step and @window */
    void (*after)(void *ctx, const struct step_event *ev);
    void *ctx;
};

/* The variables of one buyer: one value per script.vars entry, and the purchase's lists. */
struct vars {
    int64_t *value;
    bool *null;
    const struct list_value *lists;   /* by list number (params); NULL without lists */
};

/* What interp_prepare worked out for an @each: which list, in which order, into which vars. */
struct each_plan {
    int list;                  /* the list's number (param_value.list) */
    int sorted_by;             /* field index to sort the lines by, -1 for drawn order */
    int n_vars;
    int vars[LIST_FIELDS_MAX]; /* ":item.field" vars of the script ... */
    int fields[LIST_FIELDS_MAX];   /* ... and the field each takes */
};

/* A statement with IN (:list.field): one prepared variant per line count, made on first use. */
struct expansion {
    int list;                  /* the list's number */
    int *field;                /* per '?': the list field it expands to, or -1 for a plain value */
    int *expands;              /* per '?': 1 when it expands */
    db_stmt *by_count[LIST_ITEMS_MAX + 1];
};

/* One connection's prepared script. */
struct interp {
    const struct script *script;
    db_conn *conn;
    db_stmt **stmts;           /* per step; NULL for non-SQL steps */
    struct each_plan *each;    /* per step; used by STEP_EACH steps */
    struct expansion **expand; /* per step; NULL unless the statement has IN (:list.field) */
    int **col_vars;            /* per step: for each result column, its var index or -1 */
    int64_t *param_buf, *col_buf;
    bool *param_null_buf, *col_null_buf;
    int *expect_col;           /* per step: an @expect's column index, -1 for rows */
    int role;                  /* the @role this connection plays now (script_role_of); 0: all */
    bool broken;               /* the connection was lost: reconnect before the next attempt */
};

/* How an attempt ended. */
struct attempt {
    int outcome;               /* OUTCOME_OK, a built-in failure, or a business outcome */
    int step;                  /* the step that ended it (-1 when ok) */
    struct db_error error;     /* the server error behind the outcome; code "" if none */
    int64_t insert_id;         /* the last id an INSERT of the attempt generated (0: none) */
    bool own_error;            /* ...raised by the strategy's own routine (@signal): its
                                  outcome, not a server error */
    uint32_t expect_missed;    /* bit k: an @expect naming label k did not hold (the attempt
                                  went on) ... */
    int64_t expect_actual[SCRIPT_EXPECTS_MAX];   /* ... what its read returned ... */
    bool expect_null[SCRIPT_EXPECTS_MAX];        /* ... (NULL or no row) ... */
    int expect_step[SCRIPT_EXPECTS_MAX];         /* ... and the @expect step (its first miss) */
};

enum interp_status { INTERP_OK = 0, INTERP_BAD_SCRIPT = -2, INTERP_DB_ERROR = -1 };

/* Prepares every statement of s on conn, sets the session isolation (the script's own
 * @isolation, else isolation if non-empty), and checks that each :name the script uses is
 * either marked in bound[] (supplied by the caller before each attempt), a column of an
 * earlier SELECT (of its own @role section), or an :item.field of an enclosing @each over one of p's list parameters.
 * Returns INTERP_OK; INTERP_BAD_SCRIPT with "file:line: ..." in err when the
 * server refuses a statement, a name is unknown, or an @expect names no column of its read; INTERP_DB_ERROR with the error in err when
 * the connection fails. On failure it->conn is untouched and nothing is left allocated. */
enum interp_status interp_prepare(struct interp *it, const struct script *s, db_conn *conn,
                                  const char *isolation, const bool *bound,
                                  const struct params *p, char *err, size_t errlen);

/* Runs the script once with v (bound vars filled by the caller; SELECT columns are written
 * into v). Rolls back an open transaction before returning a failure; a connection lost in
 * COMMIT is OUTCOME_IN_DOUBT. No allocation. Fills out; sets it->broken if the connection
 * was lost. */
void interp_run(struct interp *it, struct vars *v, const struct interp_hooks *hooks,
                struct attempt *out);

/* Returns the name of result column c of SQL step `step`, or NULL. */
const char *interp_column_name(const struct interp *it, int step, size_t c);

/* The most statements interp_prepare and the attempts after it prepare on one connection for s
 * with p: one per SQL step (one per possible line count for an IN (:list.field) step), plus
 * ROLLBACK. For sizing the server's limit on prepared statements. Never fails. */
size_t interp_statements_max(const struct script *s, const struct params *p);

/* Frees what interp_prepare allocated (the statements die with the connection). */
void interp_release(struct interp *it);

#endif
