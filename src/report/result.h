/* result.h — what a run found, as the report layer reads it: the settings it ran with (a value
 * copy), the server's facts, the buyers' counts, latencies and errors, the invariants. Built on
 * the histogram, outcome and trace types (and the strategy and parameters a trace is read
 * with); never on the run, the command line or a driver. */
#ifndef RACESIM_RESULT_H
#define RACESIM_RESULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hist.h"
#include "ids.h"
#include "interval.h"
#include "outcome.h"
#include "params.h"
#include "scenario.h"
#include "script.h"
#include "trace.h"

#define ENGINE_ERRORS_MAX 16       /* distinct server error numbers kept with their counts */
#define ENGINE_ATTEMPT_BUCKETS 8   /* attempts per purchase: 1, 2, ... 7, 8 or more */

struct error_count {
    struct error_id id;        /* which engine error, as the driver reported it */
    uint64_t count;
    char text[160];            /* the first message seen with this code */
};

#define RESULT_NODES_MAX 8    /* the most cluster nodes a result counts apart (SERVER_NODES_MAX) */

struct engine_result {
    struct hist attempt_latency;     /* one attempt: first statement to last reply */
    struct hist purchase_latency;    /* one purchase: all its attempts, retries and backoff */
    struct hist connect_latency;
    struct hist intended_latency;    /* --rate: from each purchase's intended start (corrected
                                        for coordinated omission: its wait for a buyer counts) */
    uint64_t outcomes[OUTCOME_MAX];          /* final outcome of each purchase */
    uint64_t outcome_units[OUTCOME_MAX];     /* units asked for, by final outcome */
    uint64_t attempt_outcomes[OUTCOME_MAX];  /* outcome of every attempt */
    uint64_t node_outcomes[RESULT_NODES_MAX][OUTCOME_MAX];      /* a cluster: final outcomes by */
    uint64_t node_outcome_units[RESULT_NODES_MAX][OUTCOME_MAX]; /* the node the purchase ran on */
    uint64_t node_deadlocks_at_statement[RESULT_NODES_MAX];   /* deadlock attempts by node: those a */
    uint64_t node_deadlocks_at_commit[RESULT_NODES_MAX];      /* statement got, and those COMMIT got */
    uint64_t purchases, attempts, retries;
    uint64_t attempts_per_purchase[ENGINE_ATTEMPT_BUCKETS];
    struct error_count errors[ENGINE_ERRORS_MAX];
    size_t n_errors;
    uint64_t errors_other;           /* errors beyond ENGINE_ERRORS_MAX distinct numbers */
    int64_t wall_us;                 /* start barrier to the last buyer's end */
    int64_t connect_wall_us;         /* first connect to the start barrier */
    double self_cpu_s;               /* this process's CPU during the purchases */
    double observed_cpu_s;           /* observe_pid's CPU during the purchases (-1: none) */
    struct trace trace;              /* with cfg->trace: every step, merged (free with trace_free) */
    int lockstep_rounds;
    bool timed_out;                  /* cfg->timeout_us passed: the purchases were cut short */
    bool server_lost;                /* a buyer lost its connection and could not reconnect */
    bool open_loop;                  /* --rate: arrivals on a schedule */
    uint64_t backlog_end;            /* --rate: arrivals due but not started when the schedule
                                        ended (with --time: never served) */
    uint64_t warmup_purchases;       /* --warmup: purchases left out of every figure... */
    uint64_t warmup_ok;              /* ...and those that succeeded (the database has them) */
    struct interval_log intervals;   /* --report-interval (free with interval_log_free) */
    uint64_t expect_missed[SCRIPT_EXPECTS_MAX];  /* attempts where an @expect naming anomaly
                                                    label k did not hold; for the first: */
    int64_t expect_actual[SCRIPT_EXPECTS_MAX];   /* what the read returned, */
    bool expect_null[SCRIPT_EXPECTS_MAX];        /* NULL or no row, */
    int expect_step[SCRIPT_EXPECTS_MAX];         /* the @expect step, */
    int expect_buyer[SCRIPT_EXPECTS_MAX];        /* and the buyer who read it */
    int fault_node;                  /* --fault: the node killed (1-based; 0: none was)... */
    uint64_t fault_after;            /* ...when this many purchases had finished... */
    int64_t fault_at_us;             /* ...this long after the start */
    uint64_t failovers;              /* connections moved off a killed node to another */
    bool ids_kept;                   /* the ids below were kept (--fault on a scenario with
                                        @acknowledged); free them with id_list_free */
    struct id_list acked_ids;        /* the id each acknowledged purchase inserted */
    struct id_list doubt_ids;        /* the id each purchase in doubt inserted before COMMIT */
};

/* The settings of a run, copied from the options it ran with. */
struct run_settings {
    int users;                 /* buyers */
    int rounds;                /* purchases per buyer */
    int pool;                  /* 0: a connection per buyer */
    int64_t think_time_us;
    uint64_t seed;
    char isolation[32];        /* asked for ("" : the server's); the strategy's own wins */
    bool lockstep;             /* one statement at a time */
    bool trace;                /* every step recorded */
    bool trace_to_file;        /* ...and drawn into a file of its own, not the report */
    double rate;               /* --rate: arrivals per second (0: closed loop) */
    bool poisson;              /* --arrivals=poisson */
    int64_t duration_us;       /* --time: purchases until then (0: rounds per buyer) */
    int64_t warmup_us;         /* --warmup: left out of the figures */
    int64_t interval_us;       /* --report-interval (0: none) */
};

#define SERVER_FACTS_VARS_MAX 14
#define SERVER_FACTS_WARNINGS_MAX 8
#define SERVER_FACTS_DURABILITY_VARS_MAX 3

/* What the server said before the run, as name/value text (the driver chose which). */
struct server_facts {
    char version[128];
    struct server_fact {
        char name[48];
        char value[64];
    } vars[SERVER_FACTS_VARS_MAX];
    size_t n_vars;
    char warnings[SERVER_FACTS_WARNINGS_MAX][256];
    size_t n_warnings;
    /* the settings that decide durability (numbers) */
    struct server_fact durability_vars[SERVER_FACTS_DURABILITY_VARS_MAX];
    size_t n_durability_vars;
    int durable;                 /* a commit survives a crash: 1, 0, or -1 unknown */
    char durability_note[320];   /* in the driver's words; "" unknown */
};

struct invariant_result {
    char name[64];
    char description[200];
    int64_t value;             /* 0 when the invariant holds; else the size of the anomaly */
    bool holds;
};

struct schedule_log;

#define RUN_NOTES_MAX 4

struct run_report {
    struct run_settings settings;   /* what it ran with: a copy, not the command line */
    struct scenario scenario;
    struct script script;
    struct params params;
    char strategy_name[64];
    char server[512];          /* which server, in one line */
    char engine[16];           /* the driver that ran it ("mariadb") */
    bool private_server;
    int nodes;                 /* a cluster: its nodes (per-node counts below); 0: one server */
    uint64_t node_lost_purchases[RESULT_NODES_MAX];   /* lost sales by node (as lost_purchases) */
    bool nodes_counted;        /* the nodes' abort counters were read before and after the run: */
    uint64_t node_bf_aborts[RESULT_NODES_MAX];       /* brute-force aborts during the run, by node */
    uint64_t node_cert_failures[RESULT_NODES_MAX];   /* certification failures during the run */
    bool nodes_audited;        /* the scenario's invariants ran on every node (below) */
    int64_t node_invariants[RESULT_NODES_MAX][SCENARIO_INVARIANTS_MAX];   /* their values, by node */
    struct server_facts server_facts;   /* the server's version, variables, warnings */
    struct engine_result result;
    int *role_schedule;        /* --schedule by role names (T1,T2,...), resolved; NULL if not */
    int role_schedule_len;
    struct invariant_result invariants[SCENARIO_INVARIANTS_MAX + 3 + SCRIPT_EXPECTS_MAX];
    size_t n_invariants;
    int64_t recorded;          /* purchases the database recorded (-1: the scenario has no query) */
    int64_t remaining;         /* units left unsold after the run (-1: the scenario has no query) */
    uint64_t lost_purchases;   /* purchases turned away by an error or a retry give-up... */
    uint64_t lost_units;       /* ...and their units, counted only while units remained */
    int fault_percent;         /* --fault: the share of the purchases it strikes at (0: no fault) */
    int fault_planned_node;    /* --fault: the node it kills (1-based; result.fault_node once done) */
    int64_t doubt_present;     /* --fault: purchases in doubt whose row the survivors hold (-1:
                                  not checked) */
    char notes[RUN_NOTES_MAX][256];
    size_t n_notes;
    long peak_rss_kb;          /* racesim's own peak resident memory */
    int exit_code;             /* 0 invariants hold, 1 violated, 3 cut short (see partial) */
    bool partial;              /* the run was cut short (the server lost or stalled, --timeout):
                                  the buyers' side is filled, the invariants only if checked */
    char not_checked[64];      /* "" : the invariants were checked; else why not ("server gone",
                                  "timeout") */
    struct schedule_log *schedule_log;   /* set by the caller: the order a lockstep run took */
    bool fast_reset;           /* set by the caller: fresh tables from seed copies kept in the
                                * session after the first setup of the same scenario and
                                * parameters (many runs of one setup: explore) */
};

#endif
