/* scenario.h — a scenario file parsed: parameters, schema and seed, invariants, recorded count. */
#ifndef RACESIM_SCENARIO_H
#define RACESIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "sqltext.h"

enum param_kind {
    PARAM_INT,      /* one value for the run: "10 * users" */
    PARAM_RANGE,    /* drawn per purchase: "1..30", "1..products by skew" */
    PARAM_DIST,     /* a distribution other params are drawn by: "uniform", "zipf:0.99" */
    PARAM_DERIVED,  /* after resolving only: an expression over drawn values, user and round */
    PARAM_LIST,     /* drawn per purchase: "1..3 lines of product, qty" (a cart) */
};

#define PARAM_TEXT_MAX 96
#define LIST_FIELDS_MAX 4

struct param_decl {
    char name[64];
    enum param_kind kind;
    char lo[PARAM_TEXT_MAX];     /* INT: the expression; RANGE: low end; DIST: the default */
    char hi[PARAM_TEXT_MAX];     /* RANGE: high end */
    char by[64];                 /* RANGE: the DIST parameter it is drawn by, "" = uniform */
    long long min;               /* smallest value allowed (default 0) */
    char max[PARAM_TEXT_MAX];    /* largest value allowed: an expression over the parameters
                                    above ("products", "2147483647"); "" for no limit */
    bool flag;                   /* "= flag": 0, or 1 when given as --NAME alone */
    char fields[LIST_FIELDS_MAX][64];   /* LIST: the parameters each line draws */
    int n_fields;
    char description[160];
    int line;
};

struct invariant {
    char name[64];
    char description[160];
    struct statement stmt;       /* returns one number: 0 when the invariant holds */
};

#define SCENARIO_PARAMS_MAX 32
#define SCENARIO_INVARIANTS_MAX 16

struct scenario {
    char *path;
    char *setup_path;            /* the file the setup statements came from (an engine's
                                    setup.sql), or NULL: path */
    char name[64];               /* the folder name */
    char *description;
    struct param_decl params[SCENARIO_PARAMS_MAX];
    size_t n_params;
    char units[64];              /* what counts the units a purchase buys: a parameter ("qty"),
                                    or a list's field summed over its lines ("cart.qty"); "" none */
    struct statement *setup;     /* run in order on a fresh database */
    size_t n_setup;
    char *strategy_setup_path;   /* the strategy file whose `-- @setup` section added
                                    setup[strategy_setup_from..], or NULL */
    size_t strategy_setup_from;
    struct invariant invariants[SCENARIO_INVARIANTS_MAX];
    size_t n_invariants;
    struct statement recorded;   /* returns the purchases the database recorded */
    bool has_recorded;
    struct statement acknowledged;   /* returns the id of every purchase the database holds (the
                                        id its INSERT generated), a row each; no :parameters */
    bool has_acknowledged;
    struct statement remaining;  /* returns the units left unsold (for lost sales) */
    bool has_remaining;
    struct statement watch;      /* returns the contended value (@watch), read after each step
                                    of a schedule */
    bool has_watch;
    char watch_name[64];         /* what it returns ("stock") */
    char watch_op[3];            /* what it must stay: watch_op watch_bound (">=" 0); "" none */
    int64_t watch_bound;
    struct names vars;           /* :names used by setup, invariants and recorded */
};

/* Parses the scenario file at path (name = its folder's name). Returns 0, or -1 with
 * "path:line: what is wrong" in err. Free with scenario_free. */
int scenario_parse(const char *path, const char *name, struct scenario *sc, char *err, size_t errlen);

/* Replaces sc's setup statements with those of the file at path: an engine's own setup
 * (strategies/<scenario>/<engine>/setup.sql), a `-- @setup` section and its statements, over
 * the parameters sc declares. Returns 0, or -1 with "path:line: what is wrong" in err (sc is
 * then unchanged but for parameter names the file used). */
int scenario_override_setup(struct scenario *sc, const char *path, char *err, size_t errlen);

/* Appends to sc's setup the statements after the `-- @setup` line of the strategy file at
 * path (a stored procedure the strategy calls), to run after the scenario's own; a file
 * without one adds nothing. Returns 0, or -1 with "path:line: what is wrong" in err (a
 * directive after `-- @setup`, an unknown :name); sc may then hold part of them. */
int scenario_add_setup(struct scenario *sc, const char *path, char *err, size_t errlen);

/* Frees what scenario_parse allocated. Safe on a zeroed struct. */
void scenario_free(struct scenario *sc);

/* Returns the index of parameter name, or -1. */
int scenario_param(const struct scenario *sc, const char *name);

/* The parameter sc->units names: its index, with *field -1; for "LIST.FIELD" the list's index
 * with *field the field's position among its fields. Returns -1 when units is "" or names no
 * parameter (or no field of a list parameter). */
int scenario_units(const struct scenario *sc, int *field);

#endif
