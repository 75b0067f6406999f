/* batch.h — several runs on one server: every run prepared first (bad input fails before any
 * server starts), then run in turn, each on fresh tables. */
#ifndef RACESIM_BATCH_H
#define RACESIM_BATCH_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "run.h"

/* The strategies a command runs, as given (a name or a .sql file) and by name. */
struct strategy_set {
    char *given[CLI_LIST_MAX];
    char name[CLI_LIST_MAX][64];
    int colour[CLI_LIST_MAX];    /* fixed per strategy: its place among the scenario's, sorted */
    size_t n;
};

struct batch_run {
    struct options opts;         /* this run's options (report.settings is a copy) */
    struct run_report report;
    bool done;                   /* ran to the end: report holds its figures and invariants */
};

struct batch {
    struct batch_run **runs;
    size_t n, cap;
    const char *command;         /* "compare": for progress lines and messages */
};

/* Resolves o->strategies (none given: every strategy of o->scenario, sorted by name) into set.
 * Returns 0, or 2 with one line in err (no such scenario, a name given twice). Free with
 * strategy_set_free. */
int strategy_set_load(const struct options *o, struct strategy_set *set, char *err, size_t errlen);

void strategy_set_free(struct strategy_set *set);

/* Starts an empty batch for command. */
void batch_init(struct batch *b, const char *command);

/* Adds a run of o (copied) and prepares it: files and parameters, no server. Returns 0 with its
 * index in *index, or 2 with one line in err. */
int batch_add(struct batch *b, const struct options *o, size_t *index, char *err, size_t errlen);

/* Starts one server (or reaches o->dsn) sized for the largest run, runs every run in order, and
 * stops it. Progress lines on stderr unless o->quiet or stderr is not a terminal. Returns 0, or
 * 2/3 with one line in err naming the run that failed. */
int batch_execute(struct batch *b, const struct options *o, char *err, size_t errlen);

/* batch_execute, then then(ctx, the session, err, errlen) on the same server before it stops
 * (more runs of the caller's own). Returns 0, or what failed first: 2/3 with one line in err. */
typedef int (*batch_then_fn)(void *ctx, struct run_session *s, char *err, size_t errlen);
int batch_execute_then(struct batch *b, const struct options *o, batch_then_fn then, void *ctx,
                       char *err, size_t errlen);

/* The JSON every batch command starts from: {"command", "racesim", "scenario", "seed", "runs":
 * [each run's full report]}. NULL when out of memory. */
cJSON *batch_json(const struct batch *b, const struct options *o);

/* A run's message about --strategy=NAME, said as the user wrote it: --strategies=NAME. */
void batch_strategies_message(char *err, size_t errlen);

/* Frees every run. */
void batch_free(struct batch *b);

#endif
