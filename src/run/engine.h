/* engine.h — the buyers: threads, connections or a pool, start barrier, purchases, retries. */
#ifndef RACESIM_ENGINE_H
#define RACESIM_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "hist.h"
#include "params.h"
#include "schedule.h"
#include "script.h"
#include "result.h"
#include "trace.h"


struct engine_config {
    const struct script *script;
    const struct params *params;
    const struct db_target *target;
    const struct db_target *node_targets;   /* a cluster: one per node (NULL: target only) */
    int spread;                /* with node_targets: connections go round-robin over nodes 1..spread */
    int nodes;                 /* with node_targets: the cluster's nodes (a failover goes to any) */
    int fault_node;            /* --fault: node (1-based) that fault_kill kills, by the buyer whose
                                  purchase is the fault_after-th to finish (0: no fault) */
    uint64_t fault_after;
    int (*fault_kill)(void *ctx, int node, char *err, size_t errlen);   /* node 0-based; 0 or -1 */
    void *fault_ctx;
    bool keep_ids;             /* keep the insert id of each acknowledged purchase and each in doubt */
    int users;
    int rounds;                /* purchases per buyer */
    int pool;                  /* 0: one connection per buyer; else N shared connections */
    int64_t think_time_us;     /* sleep at @window */
    uint64_t seed;
    const char *isolation;     /* session isolation unless the script sets its own; "" none */
    int units_param;           /* index of the parameter that counts units, or -1 (1 a purchase) */
    int units_field;           /* units_param a list: its lines' field summed; -1 the value itself */
    bool progress;             /* draw a progress line on stderr */
    int observe_pid;           /* a process whose CPU to measure beside ours (the server), -1 none */
    bool lockstep;             /* buyers advance one statement at a time, together */
    int64_t block_timeout_us;  /* lockstep: a statement running this long counts as blocked */
    bool trace;                /* record every step of every buyer */
    int64_t timeout_us;        /* the purchases end this long after the start; 0: no limit */
    const int *schedule;       /* lockstep: the order of the first steps (NULL: round-robin) */
    int schedule_len;
    struct schedule_log *schedule_log;   /* lockstep: receives the order taken (NULL: not kept) */
    double rate;               /* > 0: an open loop, arrivals per second served by the buyers */
    bool poisson;              /* rate: Poisson arrivals (else evenly spaced) */
    int64_t duration_us;       /* > 0: purchases start until this long after the warmup,
                                  instead of `rounds` per buyer (or users * rounds arrivals) */
    int64_t warmup_us;         /* purchases meant to start before this are left out of the figures */
    int64_t interval_us;       /* > 0: one line per interval on stderr, kept in the result */
};

enum engine_status { ENGINE_OK = 0, ENGINE_BAD_SCRIPT = 2, ENGINE_DB_ERROR = 3 };

/* Runs cfg->users buyers, each making cfg->rounds purchases (with cfg->rate: serving
 * users * rounds arrivals; with cfg->duration_us: until the time is up), and fills res. Every buyer
 * connects (or the pool is filled) and prepares the script before the start barrier; if any
 * fails, no purchase starts. A buyer that loses its connection reconnects (a few tries); on a
 * node cfg->fault_kill killed, to a live node instead (a failover); if it
 * cannot, the run ends after the purchases in flight (res->server_lost). Past cfg->timeout_us
 * every connection is cut and the run ends (res->timed_out). Both still return ENGINE_OK with
 * what the buyers saw. Returns ENGINE_OK; ENGINE_BAD_SCRIPT or ENGINE_DB_ERROR with one
 * line in err. */
enum engine_status engine_run(const struct engine_config *cfg, struct engine_result *res,
                              char *err, size_t errlen);

/* Which :names of s the engine supplies before each attempt (scenario parameters and the
 * built-ins user, round, users, rounds): fills bound[i] for each var i. */
void engine_bound_vars(const struct script *s, const struct params *p, bool *bound);

#endif
