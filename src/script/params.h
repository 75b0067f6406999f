/* params.h — a scenario's parameters resolved for one run: defaults, overrides, per-purchase draws. */
#ifndef RACESIM_PARAMS_H
#define RACESIM_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rng.h"
#include "scenario.h"

#define LIST_ITEMS_MAX 16
#define PARAMS_LISTS_MAX 2

struct param_value {
    enum param_kind kind;  /* as declared, except that an INT whose expression names a value
                              drawn per purchase (or user, round) becomes PARAM_DERIVED */
    int64_t lo, hi;      /* INT: lo == hi; RANGE: the bounds */
    double zipf;         /* DIST: the exponent, 0 for uniform */
    int by;              /* RANGE: index of its DIST parameter, -1 for uniform */
    double *cdf;         /* RANGE drawn by zipf: cumulative weights of lo..hi (owned) */
    char text[PARAM_TEXT_MAX + 16];   /* as resolved, for reports: "5000", "1..30", "zipf:0.99";
                                         DERIVED: the expression */
    int list;                         /* LIST: its number among the lists */
    int fields[LIST_FIELDS_MAX];      /* LIST: the parameters each line draws */
    int n_fields;
};

struct params {
    const struct scenario *sc;
    struct param_value v[SCENARIO_PARAMS_MAX];
    size_t n;
    size_t n_lists;      /* LIST parameters, numbered 0.. by param_value.list */
    int64_t users, rounds;
};

/* One purchase's draw of a list parameter: n lines of n_fields values (the fields in the order
 * the scenario names them). */
struct list_value {
    int n, n_fields;
    int64_t item[LIST_ITEMS_MAX][LIST_FIELDS_MAX];
};

struct param_override {
    const char *name;    /* without "--" */
    const char *value;
};

/* Resolves every parameter of sc in order: an override from the command line if given, else the
 * file's default, evaluated with users, rounds and the parameters above it. Returns 0, or -1
 * with one line in err: "--NAME=VALUE: what is allowed" for a bad override, "path:line: ..." for
 * a bad default. An override naming no parameter is not checked here. Free with params_free. */
int params_resolve(const struct scenario *sc, int64_t users, int64_t rounds,
                   const struct param_override *ov, size_t n_ov, struct params *out,
                   char *err, size_t errlen);

/* Draws one purchase's values: out[i] for parameter i (INT: its value; RANGE: a draw; DERIVED:
 * its expression over the values before it, user and round; DIST: 0; LIST: its line count,
 * with the lines in lists[its list number], or 0 when lists is NULL). Uses only r: no shared
 * state is written. */
void params_draw(const struct params *p, struct rng *r, int64_t user, int64_t round, int64_t *out,
                 struct list_value *lists);

/* Returns true when a command-line option name (any-seat) names parameter name (any_seat). */
bool param_name_matches(const char *option, const char *name);

/* Frees what params_resolve allocated. */
void params_free(struct params *p);

#endif
