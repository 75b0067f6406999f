/* script.h — a strategy file parsed into steps: the statements one buyer runs, and its directives. */
#ifndef RACESIM_SCRIPT_H
#define RACESIM_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "outcome.h"
#include "sqltext.h"

enum step_kind { STEP_SQL, STEP_REQUIRE, STEP_WINDOW, STEP_EACH, STEP_END, STEP_EXPECT };
enum operand_kind { OPERAND_INT, OPERAND_VAR, OPERAND_AFFECTED, OPERAND_FOUND };
enum compare_op { CMP_GE, CMP_GT, CMP_LE, CMP_LT, CMP_EQ, CMP_NE };

struct operand {
    enum operand_kind kind;
    int64_t value;     /* OPERAND_INT */
    int var;           /* OPERAND_VAR: index into script.vars */
};

/* `@on ERROR OUTCOME`: an engine's error code (a number, a SQLSTATE) matches that error; "" : class_outcome
 * matches the class the driver gave the error. */
struct on_error {
    char code[8];
    int class_outcome;
    int outcome;
    bool own;                  /* @signal: the strategy's own SIGNAL, not a server error */
};

#define STEP_ON_MAX 8
#define SCRIPT_EXPECTS_MAX 8     /* distinct @expect labels in one file */
#define SCRIPT_ROLES_MAX 8       /* @role sections in one file */

/* `@expect COLUMN OP INT else LABEL` (or `rows OP INT`): what the read just before it must have
 * returned; a mismatch is the anomaly LABEL, the attempt goes on. */
struct expectation {
    char column[64];    /* a result column, "value" (the only column), or "" for rows */
    enum compare_op op;
    int64_t value;
    int label;          /* index into script.expect_labels */
};

struct step {
    enum step_kind kind;
    int line;
    struct statement stmt;              /* STEP_SQL */
    struct on_error on[STEP_ON_MAX];    /* STEP_SQL: @on lines after it */
    size_t n_on;
    struct operand a, b;                /* STEP_REQUIRE: a op b, else outcome */
    enum compare_op op;
    int outcome;
    char item[64];                      /* STEP_EACH: the item's name (":item.field") */
    char list[64];                      /* STEP_EACH: the list parameter it walks */
    char sorted_by[64];                 /* STEP_EACH: the field it is sorted by, "" none */
    size_t other;                       /* STEP_EACH: its STEP_END; STEP_END: its STEP_EACH */
    struct expectation expect;          /* STEP_EXPECT */
    int role;                           /* the @role section it is in (1-based); 0 without roles */
};

/* How a backoff is drawn between MIN and MAX before retry k (k = 0, 1, ...). */
enum retry_jitter {
    JITTER_EXPONENTIAL = 0,     /* uniform in [MIN, min(MAX, MIN * 2^k)] (the default) */
    JITTER_FULL,                /* uniform in [0, min(MAX, MIN * 2^k)] (AWS "full jitter") */
    JITTER_DECORRELATED,        /* uniform in [MIN, 3 x the previous sleep], at most MAX */
    JITTER_CONTENTION,          /* a share of a window sized to the purchases in progress
                                   (run/contention.h), within [MIN, MAX] */
};

#define RETRY_UNBOUNDED 0x7fffffff   /* max for "for DURATION" and "until done" */

struct retry_policy {
    uint32_t outcomes;          /* bit i set: retry outcome i */
    int max;                    /* reruns at most (0: no retry; RETRY_UNBOUNDED: no count) */
    int64_t budget_us;          /* "for DURATION": no retry starts this long after the purchase
                                   began (0: none) */
    bool until_done;            /* "until done": retried until another outcome (or the run ends) */
    int64_t backoff_min_us, backoff_max_us;
    enum retry_jitter jitter;
};

struct script {
    char *path;
    char *description;          /* the opening comment, its lines joined by '\n'; "" if none */
    struct step *steps;
    size_t n_steps;
    struct names vars;          /* every :name the steps use */
    const char *outcomes[OUTCOME_MAX];  /* built-in names, then business ones */
    char *owned_outcomes[OUTCOME_MAX];
    size_t n_outcomes;
    struct retry_policy retry;
    char isolation[24];         /* "REPEATABLE READ" etc., "" when the file sets none */
    char expect_labels[SCRIPT_EXPECTS_MAX][32];  /* the anomalies @expect lines name */
    size_t n_expect_labels;
    char roles[SCRIPT_ROLES_MAX][32];   /* @role names in file order; buyer b plays role
                                           ((b - 1) mod n_roles) + 1 */
    size_t n_roles;
    char unsupported[200];      /* @unsupported: why the strategy has no meaning on the engine
                                   whose folder holds this file (it has no SQL then); "" */
};

/* Parses the strategy file at path. Returns 0, or -1 with "path:line: what is wrong" in err.
 * Free with script_free. */
int script_parse(const char *path, struct script *s, char *err, size_t errlen);

/* Frees everything script_parse allocated. Safe on a zeroed struct. */
void script_free(struct script *s);

/* Returns the outcome index of name in s, or -1. */
int script_outcome(const struct script *s, const char *name);

/* The role (1-based) buyer (1-based) plays in s: ((buyer - 1) mod roles) + 1; 0 without roles. */
int script_role_of(const struct script *s, int buyer);

/* Parses an isolation level ("serializable", "read-committed", "READ COMMITTED", ...) into its
 * SQL spelling in out (>= 24 bytes). Returns 0, or -1 if it is not one. */
int isolation_parse(const char *text, char *out);

/* Parses a duration "5ms", "200us", "1s", "3" (ms). Returns microseconds, or -1. */
int64_t duration_parse_us(const char *text);

#endif
