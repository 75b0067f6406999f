/* cli.h — the command line: options, validation, --help. */
#ifndef RACESIM_CLI_H
#define RACESIM_CLI_H

#define CLI_TIMEOUT_DEFAULT_US (5 * 60 * 1000000LL)   /* --timeout's default: 5 minutes */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "params.h"
#include "schedule.h"
#include "target.h"
#include "threshold.h"

#define CLI_OVERRIDES_MAX 32
#define CLI_LIST_MAX 64          /* --strategies=a,b,... and --users=1,8,... items */
#define CLI_ISOLATIONS 4
#define CLI_DSNS_MAX 8         /* repeated --dsn: a cluster's nodes (SERVER_NODES_MAX) */
#define CLI_CONN_OPTIONS 8     /* --ssl-mode, --ssl-ca, --ssl-cert, --ssl-key, --connect-timeout */

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV, FORMAT_MD, FORMAT_JUNIT };
enum command {
    COMMAND_RUN, COMMAND_LIST, COMMAND_HELP, COMMAND_VERSION,
    COMMAND_COMPARE, COMMAND_SWEEP, COMMAND_MATRIX, COMMAND_CHECK, COMMAND_EXPLORE,
    COMMAND_ISOLATION
};

struct options {
    enum command command;
    int help_topic;              /* help: the command whose options to show; -1: the overview */
    const char *scenario;        /* "stock" by default */
    bool scenario_given;
    const char *strategy;        /* NAME or path/to/file.sql */
    int users;                   /* buyers */
    int rounds;                  /* purchases per buyer */
    int pool;                    /* 0: a connection per buyer */
    int cluster;                 /* --cluster=N: a private cluster of N nodes (0: one server) */
    int spread;                  /* --spread=K: buyers on nodes 1..K (0: all nodes) */
    int fault_node;              /* --fault=kill-node:K@P%: node K (1-based) is killed... */
    int fault_percent;           /* ...when P% of the run's purchases have finished (0: no fault) */
    int64_t think_time_us;
    uint64_t seed;
    bool seed_given;
    char isolation[32];          /* "" : the server's (a level may end in +SNAPSHOT) */
    const char *dsn;             /* NULL: the private server (else the first --dsn) */
    const char *dsns[CLI_DSNS_MAX];   /* every --dsn given, in order: a cluster's nodes */
    size_t n_dsns;
    int dsn_nodes;               /* the nodes the --dsn list names (2 or more: a given cluster) */
    const char *conn_names[CLI_CONN_OPTIONS];    /* --dsn's connection parameters given as */
    const char *conn_values[CLI_CONN_OPTIONS];   /* options (--ssl-mode=..), over the DSN's own;
                                                    each name once, the last one given */
    size_t n_conn_options;
    const char *defaults_file;   /* --defaults-file=FILE: the only option file read (--dsn) */
    bool no_defaults;            /* --no-defaults: no option file */
    char engine[16];             /* --engine, else the DSN's scheme: "mariadb" (the default) */
    bool engine_given;
    char database[64];           /* --database, else the DSN's database, else "racesim" */
    bool database_given;         /* --database was on the command line */
    enum format format;
    const char *out;             /* NULL: stdout */
    bool force, quiet;
    bool lockstep;               /* buyers advance one statement at a time, together */
    bool dry_run;                /* check everything, print what would run, start nothing */
    int64_t timeout_us;          /* a run's purchases end after this long; 0: no limit */
    bool timeout_given;
    double rate;                 /* --rate: arrivals per second, an open loop (0: closed loop) */
    bool poisson;                /* --arrivals=poisson (else constant) */
    bool arrivals_given;
    int64_t duration_us;         /* --time: purchases until then, not rounds (0: rounds) */
    int64_t warmup_us;           /* --warmup: left out of the figures */
    int64_t interval_us;         /* --report-interval: a line per interval on stderr (0: none) */
    int64_t block_timeout_us;    /* lockstep: a statement running this long counts as blocked */
    const char *schedule_text;   /* --schedule=LIST as given (NULL: none) */
    int schedule[SCHEDULE_MAX];  /* ...parsed: the buyer of each step (implies lockstep) */
    int schedule_len;
    long max_schedules;          /* explore: stop after this many (0: no limit) */
    bool trace;                  /* draw every step of every buyer */
    const char *trace_file;      /* --trace=FILE: there instead of stdout */
    struct param_override overrides[CLI_OVERRIDES_MAX];   /* --NAME=VALUE scenario params */
    size_t n_overrides;
    char override_names[CLI_OVERRIDES_MAX][64];

    struct threshold thresholds[THRESHOLDS_MAX];   /* --threshold=EXPR (run, compare, check) */
    size_t n_thresholds;

    /* compare, sweep, matrix */
    const char *strategies[CLI_LIST_MAX];   /* --strategies=a,b: names or .sql files; none: all */
    size_t n_strategies;
    char strategies_text[4096];             /* the list as given; strategies[] point into it */
    int users_list[CLI_LIST_MAX];           /* sweep: --users=1,8,64 (users is the first) */
    size_t n_users;
    bool users_given;
    int repeat;                             /* run, compare, sweep: runs per strategy (and point),
                                               seeds seed..seed+repeat-1 (default 1) */
    const char *chart;                      /* --chart=FILE.svg|FILE.png */
    const char *html;                       /* --html=FILE.html: the run as a web page */
    char isolations[CLI_ISOLATIONS][24];    /* matrix: the levels, SQL spelling */
    size_t n_isolations;
    int contended;                          /* matrix: buyers of the contended run; 0: none */
    /* check */
    const char *result;                     /* RESULT.json */
    const char *baseline;                   /* --baseline=BASE.json */
    double max_regression;                  /* --max-regression: a fraction in [0, 1) */
    bool gate_invariants;                   /* --gate=invariants: speed is said, not gated */
    bool gate_all;                          /* --gate=all given: one sample a side still gates
                                               speed (by the ratio alone) */
};

/* Copies src into dst so that dst's overrides name dst's own storage (src may then go). */
void cli_copy(struct options *dst, const struct options *src);

/* The name of a command ("compare"), for messages. */
const char *cli_command_name(enum command c);

/* Parses argv into o (RACESIM_DSN read when --dsn is absent). -h/--help or help [COMMAND]
 * anywhere make o->command COMMAND_HELP (o->help_topic the command), -V/--version
 * COMMAND_VERSION, the rest unchecked. Returns 0, or 2 with a one-line
 * message naming the option and what is allowed in err. Scenario parameters are collected as
 * overrides unchecked: the caller validates them against the scenario. */
int cli_parse(int argc, char **argv, struct options *o, char *err, size_t errlen);

/* Prints the help o asks for to out: a command's (o->help_topic), or the overview. */
void cli_help(FILE *out, const struct options *o);

/* Where o's --dsn connection takes its settings from (target.h). */
void cli_target_sources(const struct options *o, struct target_sources *src);

#endif
