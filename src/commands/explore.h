/* explore.h — `racesim explore`: every interleaving of the buyers' statements, each run on fresh
 * tables of one server; which broke which invariant, and the shortest that broke one. */
#ifndef RACESIM_EXPLORE_H
#define RACESIM_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "run.h"
#include "schedule.h"

#define EXPLORE_NAMES_MAX 16

/* How many times a prefix is run before its replay counts as diverged. */
#define EXPLORE_REPLAY_TRIES 3

/* One schedule tried: its order and what it broke (invariant names, ';'-separated, "" none). */
struct explore_run {
    char *schedule;
    char *violated;
};

struct explore_result {
    long schedules;                  /* schedules run */
    bool complete;                   /* every interleaving was tried (not cut by max-schedules) */
    long anomalous;                  /* schedules that broke an invariant */
    long diverged;                   /* replays that did not follow their prefix in EXPLORE_REPLAY_TRIES runs (not counted) */
    long replayed_again;             /* runs repeated because a replay went another way */
    long waited;                     /* schedules where a statement was seen blocked on a lock */
    long bf_aborted;                 /* a cluster: schedules where a node's write aborted a
                                        transaction on another (a brute-force abort) */
    long cert_failed;                /* ...where a COMMIT failed certification */
    char names[EXPLORE_NAMES_MAX][64];   /* the scenario's invariants... */
    long broke[EXPLORE_NAMES_MAX];       /* ...and in how many schedules each was broken */
    size_t n_names;
    struct error_id errors[EXPLORE_NAMES_MAX]; /* server errors seen... */
    long error_schedules[EXPLORE_NAMES_MAX]; /* ...and in how many schedules each */
    size_t n_errors;
    int witness[SCHEDULE_MAX];       /* the shortest anomalous schedule (witness_len 0: none) */
    int witness_len;
    struct explore_run *runs;        /* every schedule, in the order tried */
    size_t n_runs;
    double seconds;
};

/* Explores o's strategy (o->users buyers, o->max_schedules: a bound, 0 none) in session s: runs
 * every interleaving of the buyers' statements, found by depth-first search over who goes next
 * at each step, each on fresh tables. Fills x (free with explore_result_free). Returns 0, or 2/3
 * with one line in err. */
int explore_in_session(struct run_session *s, const struct options *o, struct explore_result *x,
                       char *err, size_t errlen);

/* The server error seen in the most schedules (NULL: none), and in how many. */
const struct error_id *explore_dominant_error(const struct explore_result *x, long *schedules);

/* Frees what x holds. */
void explore_result_free(struct explore_result *x);

/* The scenario parameters an explore sets: each number the scenario takes for the whole run
 * at its smallest allowed value (at least 1), each range of literal numbers at its low end, so
 * that a race on the last unit can happen; parameters given in o keep their value. */
#define EXPLORE_PARAMS_MAX 32
struct explore_params {
    char name[EXPLORE_PARAMS_MAX][64];
    char value[EXPLORE_PARAMS_MAX][32];
    size_t n;
};

/* Fills store from probe (o's strategy, prepared by run_prepare) and o's own overrides. */
void explore_smallest(const struct options *o, const struct run_report *probe,
                      struct explore_params *store);

/* Makes ro (a copy of the options) an explore's: store's parameters added (ro then points into
 * store), lockstep on, no trace, quiet, no schedule of its own. */
void explore_apply(const struct explore_params *store, struct options *ro);

/* `racesim explore`: explores, replays the shortest anomalous schedule with --trace, writes the
 * report in o->format. Returns 0 (no schedule broke an invariant), 1 (one did), or 2/3 with one
 * line in err. */
int explore_main(const struct options *o, char *err, size_t errlen);

#endif
