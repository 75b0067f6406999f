/* trace.h — every step of every buyer as one timeline: recorded per buyer, merged, drawn. */
#ifndef RACESIM_TRACE_H
#define RACESIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "script.h"

#define TRACE_COLS 4
#define TRACE_PARAMS 8

enum trace_kind {
    TRACE_SQL,          /* a statement returned rows or changed some */
    TRACE_ERROR,        /* a statement failed */
    TRACE_REQUIRE,      /* an @require was checked */
    TRACE_WINDOW,       /* the buyer reached @window */
    TRACE_WAIT,         /* lockstep saw the statement blocked on a lock */
    TRACE_END,          /* the attempt ended */
};

struct trace_event {
    int64_t at_us;              /* since the start barrier: when the step returned */
    int64_t took_us;            /* how long the statement ran */
    int buyer, purchase, attempt;
    int round;                  /* lockstep/schedule step, 0 without --lockstep */
    int order;                  /* ...0: events of that step's statement; b: buyer b resumed */
    int seq;                    /* its index in its buyer's log */
    int step;                   /* index into script.steps (-1 for TRACE_END) */
    enum trace_kind kind;
    int64_t affected;
    bool found;
    int n_cols;
    char col_names[TRACE_COLS][24];
    int64_t cols[TRACE_COLS];
    bool nulls[TRACE_COLS];
    int n_params;               /* TRACE_SQL, TRACE_ERROR: the values bound, by position */
    int param_vars[TRACE_PARAMS];   /* ...each one's :name (index into script.vars), -1: a list line */
    int64_t params[TRACE_PARAMS];
    bool param_nulls[TRACE_PARAMS];
    bool params_cut;            /* more values were bound than TRACE_PARAMS */
    bool has_state;             /* the watched row was read after this step (lockstep) */
    bool state_null;
    int64_t state;              /* ...its value then */
    struct error_id error;      /* TRACE_ERROR: which engine error */
    int64_t a, b;               /* TRACE_REQUIRE */
    bool holds;
    int outcome;                /* the attempt's outcome (TRACE_END, or a step that ended it) */
    bool rolled_back;
    int blocker;                /* TRACE_WAIT, and the statement that then returned: 0 unknown */
    int64_t waited_us;          /* the statement that returned after a wait */
    int retry;                  /* TRACE_END: the retry that follows (0: none) */
    int64_t backoff_us;
};

/* One buyer's events, in order. Written by its buyer only. */
struct trace_log {
    struct trace_event *v;
    size_t n, cap;
};

/* Appends a copy of ev. Returns 0, or -1 when out of memory (the event is dropped). */
int trace_add(struct trace_log *log, const struct trace_event *ev);

/* Frees the log. */
void trace_log_free(struct trace_log *log);

/* All buyers' events merged in time order (lockstep: in step order, the same every run). */
struct trace {
    struct trace_event *v;
    size_t n;
    int buyers;
    bool lockstep;
    char state_name[64];        /* what has_state events hold (the scenario's @watch), "" none */
    char state_op[3];           /* ...what it must stay: state_op state_bound (">=" 0); "" none */
    int64_t state_bound;
    bool has_initial_state;     /* ...and its value before the first step */
    int64_t initial_state;
};

/* Merges logs[0..n) into t. Returns 0, or -1 when out of memory. */
int trace_merge(struct trace *t, struct trace_log *logs, int n, bool lockstep);

/* Gives t's steps the watched value read after each: values[r] (where known[r]) goes to the last
 * event of step r's own statement (else of the step's last); values[0] is the value before the
 * first step. name says what it is ("stock"), op and bound what it must stay ("" : no rule).
 * Steps without an event are skipped. Never fails. */
void trace_attach_states(struct trace *t, const char *name, const char *op, int64_t bound,
                         const int64_t *values, const bool *known, int n);

/* Whether value keeps t's rule for the watched value (true when there is none). */
bool trace_state_holds(const struct trace *t, int64_t value);

/* Frees a merged trace. */
void trace_free(struct trace *t);

/* Draws t as a timeline: up to 4 buyers side by side, one column each, fitting width columns;
 * more buyers one line per event. */
void trace_print_text(FILE *out, const struct trace *t, const struct script *s, int width);

/* Writes t as JSON lines, one event a line (trace_json.c; docs/trace-format.md): each statement
 * as an invoke line and its completion (ok/fail/info), the other steps as info lines. */
void trace_print_json(FILE *out, const struct trace *t, const struct script *s);

/* The same lines as a JSON array (free with cJSON_Delete); NULL when out of memory. */
struct cJSON *trace_json_array(const struct trace *t, const struct script *s);

/* The statement of SQL event ev as it ran: its :names replaced by the values bound, white space
 * folded to single spaces (truncated to n). */
void trace_statement_text(const struct trace_event *ev, const struct script *s, char *buf, size_t n);

/* Describes event ev in words into buf ("SELECT stock ... → stock=1"). */
void trace_describe(const struct trace_event *ev, const struct script *s, char *buf, size_t n);

#endif
