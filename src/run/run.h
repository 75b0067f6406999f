/* run.h — one run end to end: load files, start or reach the server, seed, buyers, invariants. */
#ifndef RACESIM_RUN_H
#define RACESIM_RUN_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"
#include "engine.h"
#include "result.h"
#include "params.h"
#include "preflight.h"
#include "scenario.h"
#include "script.h"



/* Runs what o asks for and fills r: run_prepare, then run_in_session in a session of its own.
 * Returns 0 (r->exit_code says 0 or 1), or the exit code 2 or 3 with a one-line message in err.
 * Always stops a private server it started. */
int run_execute(const struct options *o, struct run_report *r, char *err, size_t errlen);

/* Loads o's scenario and strategy and resolves the parameters into r, touching no server (bad
 * usage fails fast). Returns 0, or 2 with the message in err. Free r with run_free. */
int run_prepare(const struct options *o, struct run_report *r, char *err, size_t errlen);

/* A server and racesim's connection to it, shared by the runs made in it. One at a time. */
struct run_session;

/* Starts the private server (sized for `connections` at once) or reaches o->dsn, reads its
 * settings and claims racesim's database. Returns 0 with *s, or 2/3 with the message in err
 * (nothing is left running). Ctrl-C from here on stops the server. */
int run_session_open(const struct options *o, int connections, struct run_session **s,
                     char *err, size_t errlen);

/* Runs r (prepared from o) in s on fresh tables: buyers, then the invariants by SQL. Returns 0
 * (r->exit_code says 0 or 1), or 2/3 with the message in err. When the server is lost or
 * stalls during the run, or o->timeout_us passes, returns 3 with r->partial set: the buyers'
 * side of r is complete and worth reporting; the invariants are checked if the server still
 * answers (a fresh connection; with --dsn also a server that came back), else
 * r->not_checked says why; err names the server. */
int run_in_session(struct run_session *s, const struct options *o, struct run_report *r,
                   char *err, size_t errlen);

/* racesim's own connection to s's server, for a query between runs. */
db_conn *run_session_admin(struct run_session *s);

/* Closes racesim's connection and stops a private server. NULL is allowed. */
void run_session_close(struct run_session *s);

/* Frees what run_execute kept in r. */
void run_free(struct run_report *r);

/* Finds the strategies folder: $RACESIM_STRATEGIES, the source tree when running from the
 * build directory, else the installed data directory. Writes it to out. */
void run_strategies_dir(char *out, size_t outlen);

/* Writes the one-line message for a scenario that is not in strategies folder dir into err:
 * with "did you mean" the closest scenario folder, when one is close. */
void run_no_scenario(const char *scenario, const char *dir, char *err, size_t errlen);

/* The path of a scenario's file (scenario.sql, a strategy's NAME.sql) for the selected engine:
 * DIR/SCENARIO/ENGINE/FILE when that exists (the engine's own SQL), else DIR/SCENARIO/FILE
 * (shared by the engines). Never fails. */
void run_engine_file(const char *dir, const char *scenario, const char *file, char *out,
                     size_t outlen);

#endif
