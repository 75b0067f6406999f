/* cli.c — parse and validate the command line; the --help text. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conn_param.h"
#include "driver.h"
#include "dsn.h"
#include "script.h"
#include "server.h"
#include "usage.h"

#define USERS_MAX 100000

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return 2;
}

void cli_help(FILE *out, const struct options *o)
{
    if (o->help_topic < 0)
        usage_overview(out);
    else
        usage_command_help(out, (enum command)o->help_topic);
}

static int parse_long(const char *v, long long lo, long long hi, long long *out)
{
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (errno || end == v || *end || !(isdigit((unsigned char)*v) || *v == '-') || x < lo || x > hi)
        return -1;
    *out = x;
    return 0;
}

static int int_option(const char *name, const char *v, long long lo, long long hi, int *out,
                      char *err, size_t errlen)
{
    long long x;
    if (parse_long(v, lo, hi, &x))
        return fail(err, errlen, "--%s=%s: must be a whole number from %lld to %lld", name, v, lo, hi);
    *out = (int)x;
    return 0;
}

/* The most cluster nodes this machine runs: SERVER_NODES_MAX, and 4 per core. */
static int cluster_nodes_max(int *cores)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    *cores = n > 0 ? (int)n : 1;
    return 4 * *cores < SERVER_NODES_MAX ? 4 * *cores : SERVER_NODES_MAX;
}

static int cluster_option(struct options *o, const char *v, char *err, size_t errlen)
{
    int cores;
    int most = cluster_nodes_max(&cores);
    if (int_option("cluster", v, 2, 1000, &o->cluster, err, errlen))
        return 2;
    if (o->cluster > most)
        return fail(err, errlen, "--cluster=%s: this machine runs at most %d nodes (%d core%s; "
                    "4 per core, at most %d)", v, most, cores, cores == 1 ? "" : "s",
                    SERVER_NODES_MAX);
    return 0;
}

/* --fault=kill-node:K@P% (the % may be left out): node K killed at P% of the purchases. */
static int fault_option(struct options *o, const char *v, char *err, size_t errlen)
{
    static const char kind[] = "kill-node:";
    int node, percent, used = 0;
    if (strncmp(v, kind, sizeof kind - 1) != 0)
        return fail(err, errlen, "--fault=%s: unknown fault (the one there is: kill-node:K@P%%, "
                    "e.g. kill-node:2@50%%)", v);
    const char *at = v + sizeof kind - 1;
    if (sscanf(at, "%d@%d%n", &node, &percent, &used) != 2 || !isdigit((unsigned char)at[0])
        || (at[used] && strcmp(at + used, "%") != 0))
        return fail(err, errlen, "--fault=%s: expected kill-node:K@P%% (node K, at P%% of the "
                    "purchases)", v);
    if (node < 1 || node > SERVER_NODES_MAX)
        return fail(err, errlen, "--fault=%s: node %d: nodes are numbered from 1", v, node);
    if (percent < 1 || percent > 99)
        return fail(err, errlen, "--fault=%s: %d%%: must be from 1%% to 99%% of the purchases", v,
                    percent);
    o->fault_node = node;
    o->fault_percent = percent;
    return 0;
}

/* --fault against the rest of the command line (known after parsing). */
static int fault_conflicts(const struct options *o, char *err, size_t errlen)
{
    if (!o->fault_percent)
        return 0;
    if (o->cluster && o->cluster < 3)
        return fail(err, errlen, "--fault=kill-node needs --cluster=3 or more: of 2 nodes the one "
                    "left is no majority (no primary component)");
    if (o->cluster && o->fault_node > o->cluster)
        return fail(err, errlen, "--fault=kill-node:%d: --cluster=%d has nodes 1 to %d",
                    o->fault_node, o->cluster, o->cluster);
    if (o->repeat > 1)
        return fail(err, errlen, "--fault kills a node of one run: drop --repeat");
    if (o->duration_us || o->lockstep)
        return fail(err, errlen, "--fault does not go with --%s: it strikes at a share of "
                    "users x rounds purchases", o->lockstep ? "lockstep" : "time");
    return 0;
}

static int set_name(char *out, size_t outlen, const char *name, const char *v, char *err, size_t errlen)
{
    if (!name_is_valid(v) || strlen(v) >= outlen)
        return fail(err, errlen, "--%s=%s: must be letters, digits and _", name, v);
    strcpy(out, v);
    return 0;
}

static int by_value(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* --users=N, or for sweep --users=1,8,64: sorted, each once. */
static int users_option(struct options *o, const char *v, char *err, size_t errlen)
{
    o->users_given = true;
    if (o->command != COMMAND_SWEEP || !strchr(v, ','))
        return int_option("users", v, 1, USERS_MAX, &o->users, err, errlen);
    char item[32];
    o->n_users = 0;
    for (const char *p = v;; p++) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof item)
            return fail(err, errlen, "--users=%s: give buyer counts separated by commas, e.g. 1,8,64,500", v);
        if (o->n_users == CLI_LIST_MAX)
            return fail(err, errlen, "--users=%s: at most %d buyer counts", v, CLI_LIST_MAX);
        memcpy(item, p, n);
        item[n] = '\0';
        long long x;
        if (parse_long(item, 1, USERS_MAX, &x))
            return fail(err, errlen, "--users=%s: %s must be a whole number from 1 to %d", v, item, USERS_MAX);
        o->users_list[o->n_users++] = (int)x;
        p += n;
        if (!*p)
            break;
    }
    qsort(o->users_list, o->n_users, sizeof o->users_list[0], by_value);
    size_t k = 0;
    for (size_t i = 0; i < o->n_users; i++)
        if (k == 0 || o->users_list[k - 1] != o->users_list[i])
            o->users_list[k++] = o->users_list[i];
    o->n_users = k;
    o->users = o->users_list[0];
    return 0;
}

/* --strategies=a,b,FILE.sql or all (n_strategies 0). */
static int strategies_option(struct options *o, const char *v, char *err, size_t errlen)
{
    o->n_strategies = 0;
    if (strcmp(v, "all") == 0)
        return 0;
    if (strlen(v) >= sizeof o->strategies_text)
        return fail(err, errlen, "--strategies: the list is too long");
    strcpy(o->strategies_text, v);
    for (char *p = o->strategies_text;;) {
        size_t n = strcspn(p, ",");
        if (n == 0)
            return fail(err, errlen, "--strategies=%s: give strategy names or .sql files separated "
                        "by commas, or all", v);
        if (o->n_strategies == CLI_LIST_MAX)
            return fail(err, errlen, "--strategies=%s: at most %d strategies", v, CLI_LIST_MAX);
        o->strategies[o->n_strategies++] = p;
        bool last = !p[n];
        p[n] = '\0';
        if (last)
            break;
        p += n + 1;
    }
    return 0;
}

/* --isolations=all or a list of levels; each level once, in the order given. */
static int isolations_option(struct options *o, const char *v, char *err, size_t errlen)
{
    static const char *all[CLI_ISOLATIONS] = {"read-uncommitted", "read-committed", "repeatable-read",
                                              "serializable"};
    o->n_isolations = 0;
    if (strcmp(v, "all") == 0) {
        for (size_t i = 0; i < CLI_ISOLATIONS; i++)
            isolation_parse(all[i], o->isolations[o->n_isolations++]);
        return 0;
    }
    char item[32];
    for (const char *p = v;; p++) {
        size_t n = strcspn(p, ",");
        char level[24];
        snprintf(item, sizeof item, "%.*s", (int)(n < sizeof item ? n : sizeof item - 1), p);
        if (n == 0 || n >= sizeof item || isolation_parse(item, level))
            return fail(err, errlen, "--isolations=%s: must be all, or a list of read-uncommitted, "
                        "read-committed, repeatable-read, serializable", v);
        bool seen = false;
        for (size_t i = 0; i < o->n_isolations; i++)
            seen |= strcmp(o->isolations[i], level) == 0;
        if (!seen)
            strcpy(o->isolations[o->n_isolations++], level);
        p += n;
        if (!*p)
            break;
    }
    return 0;
}

/* --max-regression=10% (or 10): a fraction in [0, 1). */
static int regression_option(struct options *o, const char *v, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (end != v && *end == '%')
        end++;
    if (errno || end == v || *end || !isdigit((unsigned char)*v) || !(x >= 0 && x < 100))
        return fail(err, errlen, "--max-regression=%s: must be a percentage from 0 to below 100, "
                    "e.g. 10%%", v);
    o->max_regression = x / 100;
    return 0;
}

static int file_option(const char **out, const char *name, const char *v, char *err, size_t errlen)
{
    if (!*v)
        return fail(err, errlen, "--%s: give a file name", name);
    *out = v;
    return 0;
}

static int format_option(struct options *o, const char *v, char *err, size_t errlen)
{
    static const char *names[] = {"text", "json", "csv", "md", "junit"};
    /* which formats each command writes: run, compare/sweep/matrix, check */
    bool multi = o->command == COMMAND_COMPARE || o->command == COMMAND_SWEEP
                 || o->command == COMMAND_MATRIX;
    const char *allowed = o->command == COMMAND_CHECK ? "text or junit"
                          : o->command == COMMAND_ISOLATION ? "text, json or md" : "text, json, csv or md";
    for (int i = 0; i < 5; i++)
        if (strcmp(v, names[i]) == 0) {
            o->format = (enum format)i;
            bool ok = o->command == COMMAND_CHECK ? (i == FORMAT_TEXT || i == FORMAT_JUNIT)
                      : o->command == COMMAND_ISOLATION ? (i != FORMAT_CSV && i != FORMAT_JUNIT)
                      : multi || o->command == COMMAND_RUN ? i != FORMAT_JUNIT : i <= FORMAT_CSV;
            if (ok)
                return 0;
        }
    return fail(err, errlen, "--format=%s: must be %s", v, allowed);
}

/* Applies one known option; returns 0, 2 on a bad value, or 1 if name is not a known option. */
/* --timeout: a number with s, m, h or ms (a bare number is seconds; 0 is no limit), up to a
 * week. Returns microseconds, or -1 when malformed. */
static int64_t run_timeout_parse_us(const char *text)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || !isdigit((unsigned char)*text))
        return -1;
    double scale = !*end || strcmp(end, "s") == 0 ? 1e6 : strcmp(end, "m") == 0 ? 60e6
                   : strcmp(end, "h") == 0 ? 3600e6 : strcmp(end, "ms") == 0 ? 1e3 : -1;
    if (scale < 0 || v * scale > 7 * 24 * 3600e6)
        return -1;
    return (int64_t)(v * scale + 0.5);
}

/* A connection option (--ssl-mode=...): checked now, applied over the DSN's by run.c. */
static bool is_conn_option(const char *name)
{
    return (conn_param_known(name) && strchr(name, '-'))   /* not libpq's spellings (sslmode) */
           || strcmp(name, "defaults-file") == 0 || strcmp(name, "no-defaults") == 0;
}

static int conn_option(struct options *o, const char *name, const char *v, char *err, size_t errlen)
{
    static struct db_target scratch;   /* large; cli_parse runs once, on one thread */
    name = conn_param_name(name);
    char why[PATH_MAX + 128];
    if (conn_param_set(&scratch, name, v, why, sizeof why))
        return fail(err, errlen, "--%s", why);
    size_t i = 0;
    while (i < o->n_conn_options && strcmp(o->conn_names[i], name) != 0)
        i++;
    if (i == CLI_CONN_OPTIONS)
        return fail(err, errlen, "--%s: too many connection options", name);
    o->conn_names[i] = name;
    o->conn_values[i] = v;
    o->n_conn_options += i == o->n_conn_options;
    return 0;
}

void cli_target_sources(const struct options *o, struct target_sources *src)
{
    *src = (struct target_sources){.dsn = o->dsn, .param_names = o->conn_names,
                                   .param_values = o->conn_values, .n_params = o->n_conn_options,
                                   .defaults_file = o->defaults_file, .no_defaults = o->no_defaults};
}

/* --rate=R: purchases per second, a number above 0 (at most 10 million). */
static int rate_option(struct options *o, const char *v, char *err, size_t errlen)
{
    char *end;
    errno = 0;
    double x = strtod(v, &end);
    if (errno || end == v || *end || !isdigit((unsigned char)*v) || !(x > 0 && x <= 1e7))
        return fail(err, errlen, "--rate=%s: must be purchases per second above 0, e.g. 50 or 2.5", v);
    o->rate = x;
    return 0;
}

/* --time, --warmup, --report-interval: a duration (10s, 2m, 500ms; a bare number is seconds)
 * from lo_us up to a week. */
static int duration_option(const char *name, const char *v, int64_t lo_us, int64_t *out,
                           char *err, size_t errlen)
{
    *out = run_timeout_parse_us(v);
    if (*out < lo_us)
        return fail(err, errlen, "--%s=%s: must be a duration such as 10s, 2m or 500ms%s", name, v,
                    lo_us > 0 ? " (above 0)" : "");
    return 0;
}

/* The options of the load model: --rate, --arrivals, --time, --warmup, --report-interval.
 * Returns 0, 2 on a bad value, or 1 if name is none of them. */
static int load_option(struct options *o, const char *name, const char *v, char *err, size_t errlen)
{
    if (strcmp(name, "rate") == 0)
        return rate_option(o, v, err, errlen);
    if (strcmp(name, "arrivals") == 0) {
        if (strcmp(v, "constant") != 0 && strcmp(v, "poisson") != 0)
            return fail(err, errlen, "--arrivals=%s: must be constant or poisson", v);
        o->poisson = strcmp(v, "poisson") == 0;
        o->arrivals_given = true;
        return 0;
    }
    if (strcmp(name, "time") == 0)
        return duration_option(name, v, 1, &o->duration_us, err, errlen);
    if (strcmp(name, "warmup") == 0)
        return duration_option(name, v, 0, &o->warmup_us, err, errlen);
    if (strcmp(name, "report-interval") == 0)
        return duration_option(name, v, 10000, &o->interval_us, err, errlen);
    return 1;
}

static int apply(struct options *o, const char *name, const char *v, char *err, size_t errlen)
{
    if (strcmp(name, "defaults-file") == 0)
        return file_option(&o->defaults_file, name, v, err, errlen);
    if (is_conn_option(name))
        return conn_option(o, name, v, err, errlen);
    int load = load_option(o, name, v, err, errlen);
    if (load != 1)
        return load;
    if (strcmp(name, "users") == 0)
        return users_option(o, v, err, errlen);
    if (strcmp(name, "strategies") == 0)
        return strategies_option(o, v, err, errlen);
    if (strcmp(name, "isolations") == 0)
        return isolations_option(o, v, err, errlen);
    if (strcmp(name, "max-regression") == 0)
        return regression_option(o, v, err, errlen);
    if (strcmp(name, "gate") == 0) {
        if (strcmp(v, "all") != 0 && strcmp(v, "invariants") != 0)
            return fail(err, errlen, "--gate=%s: must be all (invariants and speed) or invariants", v);
        o->gate_invariants = strcmp(v, "invariants") == 0;
        o->gate_all = !o->gate_invariants;
        return 0;
    }
    if (strcmp(name, "repeat") == 0)
        return int_option(name, v, 1, 100, &o->repeat, err, errlen);
    if (strcmp(name, "threshold") == 0) {
        if (o->n_thresholds == THRESHOLDS_MAX)
            return fail(err, errlen, "--threshold: at most %d", THRESHOLDS_MAX);
        return threshold_parse(v, &o->thresholds[o->n_thresholds++], err, errlen);
    }
    if (strcmp(name, "contended") == 0)
        return int_option(name, v, 0, USERS_MAX, &o->contended, err, errlen);
    if (strcmp(name, "chart") == 0)
        return file_option(&o->chart, name, v, err, errlen);
    if (strcmp(name, "html") == 0)
        return file_option(&o->html, name, v, err, errlen);
    if (strcmp(name, "baseline") == 0)
        return file_option(&o->baseline, name, v, err, errlen);
    if (strcmp(name, "rounds") == 0)
        return int_option(name, v, 1, 1000000, &o->rounds, err, errlen);
    if (strcmp(name, "pool") == 0)
        return int_option(name, v, 1, 10000, &o->pool, err, errlen);
    if (strcmp(name, "cluster") == 0)
        return cluster_option(o, v, err, errlen);
    if (strcmp(name, "spread") == 0)
        return int_option(name, v, 1, SERVER_NODES_MAX, &o->spread, err, errlen);
    if (strcmp(name, "fault") == 0)
        return fault_option(o, v, err, errlen);
    if (strcmp(name, "strategy") == 0) {
        if (!*v)
            return fail(err, errlen, "--strategy: give a strategy name or a .sql file");
        o->strategy = v;
        return 0;
    }
    if (strcmp(name, "scenario") == 0) {
        if (!name_is_valid(v))
            return fail(err, errlen, "--scenario=%s: must be a scenario name (see 'racesim list')", v);
        o->scenario = v;
        o->scenario_given = true;
        return 0;
    }
    if (strcmp(name, "think-time") == 0) {
        o->think_time_us = duration_parse_us(v);
        if (o->think_time_us < 0 || o->think_time_us > 60000000)
            return fail(err, errlen, "--think-time=%s: must be milliseconds from 0 to 60000", v);
        return 0;
    }
    if (strcmp(name, "timeout") == 0) {
        o->timeout_us = run_timeout_parse_us(v);
        o->timeout_given = true;
        if (o->timeout_us < 0)
            return fail(err, errlen, "--timeout=%s: must be a duration such as 30s, 5m or 1h "
                        "(0: no limit)", v);
        return 0;
    }
    if (strcmp(name, "schedule") == 0) {
        o->schedule_text = v;      /* parsed in finish, once --users is known */
        o->lockstep = true;
        return 0;
    }
    if (strcmp(name, "max-schedules") == 0) {
        int n = 0;
        if (int_option(name, v, 1, 10000000, &n, err, errlen))
            return 2;
        o->max_schedules = n;
        return 0;
    }
    if (strcmp(name, "block-timeout") == 0) {
        o->block_timeout_us = duration_parse_us(v);
        if (o->block_timeout_us < 1000 || o->block_timeout_us > 60000000)
            return fail(err, errlen, "--block-timeout=%s: must be milliseconds from 1 to 60000", v);
        return 0;
    }
    if (strcmp(name, "seed") == 0) {
        char *end;
        errno = 0;
        o->seed = strtoull(v, &end, 10);
        if (errno || end == v || *end || !isdigit((unsigned char)*v))
            return fail(err, errlen, "--seed=%s: must be a whole number from 0 to 2^64-1", v);
        o->seed_given = true;
        return 0;
    }
    if (strcmp(name, "isolation") == 0) {
        if (isolation_parse(v, o->isolation))
            return fail(err, errlen, "--isolation=%s: must be read-uncommitted, read-committed, "
                        "repeatable-read or serializable", v);
        return 0;
    }
    if (strcmp(name, "format") == 0)
        return format_option(o, v, err, errlen);
    if (strcmp(name, "dsn") == 0) {
        if (o->n_dsns == CLI_DSNS_MAX)
            return fail(err, errlen, "--dsn: at most %d (one per node of a cluster)", CLI_DSNS_MAX);
        o->dsns[o->n_dsns++] = v;
        o->dsn = o->dsns[0];
        return 0;
    }
    if (strcmp(name, "engine") == 0) {
        o->engine_given = true;
        return set_name(o->engine, sizeof o->engine, name, v, err, errlen);
    }
    if (strcmp(name, "database") == 0) {
        o->database_given = true;
        if (!database_name_is_valid(v))
            return fail(err, errlen, "--database=%s: must be 1 to 63 letters, digits and %s", v,
                        DATABASE_NAME_PUNCT);
        snprintf(o->database, sizeof o->database, "%s", v);
        return 0;
    }
    if (strcmp(name, "out") == 0) {
        if (!*v)
            return fail(err, errlen, "--out: give a file name (or - for stdout)");
        o->out = strcmp(v, "-") == 0 ? NULL : v;    /* --out=-: stdout */
        return 0;
    }
    return 1;
}

static int apply_flag(struct options *o, const char *name, const char *v, char *err, size_t errlen)
{
    if (strcmp(name, "trace") == 0) {
        if (v && !*v)
            return fail(err, errlen, "--trace=FILE: give a file name, or --trace alone for the screen");
        o->trace = true;
        o->trace_file = v;
        return 0;
    }
    if (v)
        return fail(err, errlen, "--%s takes no value", name);
    if (strcmp(name, "lockstep") == 0)
        o->lockstep = true;
    else if (strcmp(name, "no-defaults") == 0)
        o->no_defaults = true;
    else if (strcmp(name, "force") == 0)
        o->force = true;
    else if (strcmp(name, "quiet") == 0)
        o->quiet = true;
    else if (strcmp(name, "dry-run") == 0)
        o->dry_run = true;
    return 0;
}

static int unknown_option(const struct options *o, const char *name, char *err, size_t errlen);

static int add_override(struct options *o, const char *name, const char *v, char *err, size_t errlen)
{
    if (!name_is_valid(name) && !strchr(name, '-'))
        return unknown_option(o, name, err, errlen);
    if (o->n_overrides == CLI_OVERRIDES_MAX)
        return fail(err, errlen, "too many --PARAM options");
    char *kept = o->override_names[o->n_overrides];
    snprintf(kept, sizeof o->override_names[0], "%s", name);
    o->overrides[o->n_overrides++] = (struct param_override){kept, v};
    return 0;
}

static void defaults(struct options *o)
{
    memset(o, 0, sizeof *o);
    o->scenario = "stock";
    o->users = 100;
    o->rounds = 1;
    o->block_timeout_us = 200000;
    o->timeout_us = CLI_TIMEOUT_DEFAULT_US;
    strcpy(o->database, "racesim");
    o->repeat = 1;
    o->help_topic = -1;
    o->contended = 50;
    o->max_regression = 0.10;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    o->seed = ((uint64_t)ts.tv_sec * 1000003u) ^ (uint64_t)ts.tv_nsec;
    o->seed %= 1000000000ull;   /* short enough to read out and type back */
}

static int command_word(struct options *o, const char *w, char *err, size_t errlen)
{
    int c = usage_command(w);
    if (c >= 0) {
        o->command = (enum command)c;
        return 0;
    }
    const char *near = usage_command_near(w);
    if (near)
        return fail(err, errlen, "unknown command '%s': did you mean %s?", w, near);
    return fail(err, errlen, "unknown command '%s' (run, compare, sweep, matrix, explore, "
                "isolation, check, list; see racesim --help)", w);
}

const char *cli_command_name(enum command c)
{
    static const char *names[] = {"run", "list", "help", "version", "compare", "sweep", "matrix", "check",
                                  "explore", "isolation"};
    return (size_t)c < sizeof names / sizeof names[0] ? names[c] : "?";
}

static int not_with(const struct options *o, const char *name, char *err, size_t errlen)
{
    if (strcmp(name, "strategy") == 0)
        return fail(err, errlen, "--strategy is for one run; %s takes --strategies=a,b (or all)",
                    cli_command_name(o->command));
    if (strcmp(name, "strategies") == 0)
        return fail(err, errlen, "--strategies goes with compare, sweep or matrix; a run takes "
                    "--strategy=NAME");
    if (strcmp(name, "isolation") == 0 && o->command == COMMAND_MATRIX)
        return fail(err, errlen, "--isolation: matrix takes --isolations=all or a list of levels");
    return fail(err, errlen, "--%s does not go with %s (see racesim %s --help)", name,
                cli_command_name(o->command), cli_command_name(o->command));
}

/* A --dsn list (repeated, or hosts in one DSN): each node's target is built now so that the list
 * is checked (one engine, one database, at most SERVER_NODES_MAX nodes); a list names a cluster. */
static int nodes_of_dsns(struct options *o, char *err, size_t errlen)
{
    static struct db_target nodes[SERVER_NODES_MAX];   /* large; cli_parse runs once */
    struct target_sources src;
    cli_target_sources(o, &src);
    if (target_build_nodes(&src, o->dsns, o->n_dsns, nodes, SERVER_NODES_MAX, &o->dsn_nodes, err,
                           errlen))
        return 2;
    for (int i = 1; i < o->dsn_nodes; i++)
        if (nodes[i].database[0] && !o->database_given && !nodes[0].database[0])
            snprintf(o->database, sizeof o->database, "%s", nodes[i].database);
        else if (nodes[i].database[0] && o->database_given &&
                 strcmp(nodes[i].database, o->database) != 0)
            return fail(err, errlen, "--database=%s conflicts with the database node %d's DSN "
                        "names (%s): give only one", o->database, i + 1, nodes[i].database);
    if (o->dsn_nodes > 1 && !db_driver_current()->cluster)
        return fail(err, errlen, "--dsn: a list of nodes names a cluster, and the %s engine has "
                    "none", db_driver_current()->name);
    return 0;
}

/* The database a DSN names becomes o->database (a different --database is a conflict), else
 * the one a [racesim] option file group names. The whole connection target is built, so that
 * its sources are checked now. */
static int database_of_dsn(struct options *o, char *err, size_t errlen)
{
    static struct db_target t, of_dsn;   /* large; cli_parse runs once, on one thread */
    static char first[2048];             /* the DSN of the first node (a host list: its first) */
    if (!o->dsn && (o->n_conn_options || o->defaults_file || o->no_defaults))
        return fail(err, errlen, "--%s goes with --dsn (the private server needs no connection "
                    "options)", o->defaults_file ? "defaults-file" : o->no_defaults ? "no-defaults"
                    : o->conn_names[0]);
    if (!o->dsn)
        return 0;
    if (dsn_nodes(o->dsn, 0, first, sizeof first, err, errlen) < 0)
        return 2;
    struct target_sources src;
    cli_target_sources(o, &src);
    src.dsn = first;
    if (target_build(&src, &t, err, errlen))
        return 2;
    of_dsn = t;                  /* the host an option file gave, if the DSN names none */
    of_dsn.database[0] = '\0';
    if (dsn_parse(first, &of_dsn, err, errlen))   /* which database the DSN itself names */
        return 2;
    if (of_dsn.database[0] && o->database_given && strcmp(of_dsn.database, o->database) != 0)
        return fail(err, errlen, "--database=%s conflicts with the database the DSN names (%s): "
                    "give only one", o->database, of_dsn.database);
    if (!o->database_given && t.database[0])
        snprintf(o->database, sizeof o->database, "%s", t.database);
    return nodes_of_dsns(o, err, errlen);
}

/* The engine: --engine, or the one the DSN's scheme names (both: they must agree); then its
 * driver is selected for every call to the database. */
static int select_engine(struct options *o, char *err, size_t errlen)
{
    const char *of_dsn = o->dsn ? db_driver_for_dsn(o->dsn, NULL) : NULL;
    if (of_dsn && o->engine_given && strcmp(of_dsn, o->engine) != 0)
        return fail(err, errlen, "--engine=%s conflicts with the DSN's scheme (%s): give only one",
                    o->engine, of_dsn);
    if (of_dsn)
        snprintf(o->engine, sizeof o->engine, "%s", of_dsn);
    else if (!o->engine[0])
        snprintf(o->engine, sizeof o->engine, "mariadb");
    char why[256];
    if (db_driver_select(o->engine, why, sizeof why) == 0)
        return 0;
    return of_dsn ? fail(err, errlen, "--dsn: %s", why) : fail(err, errlen, "--engine: %s", why);
}

/* The load model's options against the others; a --time run's default --timeout grows to
 * cover it. */
static int load_conflicts(struct options *o, char *err, size_t errlen)
{
    const char *sched = o->schedule_text ? "--schedule" : "--lockstep";
    if (o->rate > 0 && o->lockstep)
        return fail(err, errlen, "--rate does not go with %s: a schedule decides when each buyer "
                    "goes, not a rate", sched);
    if (o->duration_us && o->lockstep)
        return fail(err, errlen, "--time does not go with %s: a schedule runs --rounds purchases",
                    sched);
    if (o->arrivals_given && o->rate <= 0)
        return fail(err, errlen, "--arrivals needs --rate=R (purchases per second)");
    int64_t runs_for = o->duration_us + o->warmup_us;
    if (o->duration_us && o->timeout_us && runs_for >= o->timeout_us) {
        if (o->timeout_given)
            return fail(err, errlen, "--time: the run (with --warmup) lasts as long as --timeout "
                        "or longer: give a longer --timeout (or 0)");
        o->timeout_us = runs_for + CLI_TIMEOUT_DEFAULT_US;
    }
    return 0;
}

/* After parsing: what each command needs, and defaults that depend on the command. */
static int finish(struct options *o, char *err, size_t errlen)
{
    if (select_engine(o, err, errlen) || database_of_dsn(o, err, errlen))
        return 2;
    if (o->lockstep && o->pool)
        return fail(err, errlen, "--lockstep needs a connection per buyer: drop --pool");
    if (o->spread && o->cluster && o->spread > o->cluster)
        return fail(err, errlen, "--spread=%d: more nodes than --cluster=%d starts", o->spread,
                    o->cluster);
    if (o->spread && o->dsn_nodes > 1 && o->spread > o->dsn_nodes)
        return fail(err, errlen, "--spread=%d: more nodes than the --dsn list names (%d)",
                    o->spread, o->dsn_nodes);

    if (o->cluster && o->dsn)
        return fail(err, errlen, "--cluster starts a private cluster: drop --dsn (or --cluster)");
    if (o->cluster && !db_driver_current()->cluster)
        return fail(err, errlen, "--cluster: the %s engine has no private cluster",
                    db_driver_current()->name);
    if ((o->command == COMMAND_RUN || o->command == COMMAND_EXPLORE) && !o->strategy) {
        for (size_t i = 0; i < o->n_overrides; i++)     /* --strat=x: a typo, not a parameter */
            if (usage_option_near(o->command, o->overrides[i].name))
                return unknown_option(o, o->overrides[i].name, err, errlen);
        return fail(err, errlen, "--strategy is required (e.g. --strategy=for-update; "
                                 "'racesim list' shows them)");
    }
    if (o->schedule_text && !schedule_names_roles(o->schedule_text)   /* roles: by run_prepare */
        && schedule_parse(o->schedule_text, o->users, o->schedule,
                                           &o->schedule_len, err, errlen))
        return 2;
    if (o->command == COMMAND_EXPLORE) {
        if (!o->users_given)
            o->users = 2;
        if (o->users < 2 || o->users > 32)
            return fail(err, errlen, "explore: --users=%d: must be from 2 to 32", o->users);
        if (o->users > 4 && !o->max_schedules)
            return fail(err, errlen, "explore: --users=%d has too many interleavings to try them all: "
                        "give --max-schedules=N (or at most 4 buyers)", o->users);
    }
    if (load_conflicts(o, err, errlen) || fault_conflicts(o, err, errlen))
        return 2;
    if (o->command == COMMAND_RUN && o->repeat > 1 && (o->trace || o->schedule_text || o->html))
        return fail(err, errlen, "--repeat=%d: a run with --%s is one run (drop --repeat)", o->repeat,
                    o->trace ? "trace" : o->html ? "html" : "schedule");
    if (o->command == COMMAND_CHECK && (!o->result || !o->baseline))
        return fail(err, errlen, "check needs a result and a baseline: racesim check RESULT.json "
                                 "--baseline=BASE.json");
    if (o->command == COMMAND_SWEEP && !o->users_given) {
        static const int deflt[] = {1, 8, 64, 500};
        o->n_users = 4;
        memcpy(o->users_list, deflt, sizeof deflt);
    } else if (o->command != COMMAND_SWEEP || o->n_users == 0) {
        o->users_list[0] = o->users;
        o->n_users = 1;
    }
    if ((o->command == COMMAND_MATRIX || o->command == COMMAND_ISOLATION) && o->n_isolations == 0)
        isolations_option(o, "all", err, errlen);
    if (o->command == COMMAND_ISOLATION)
        o->scenario = "isolation";       /* its tests: strategies/isolation/ */
    if (o->html) {
        size_t n = strlen(o->html);
        if (!(n > 5 && strcmp(o->html + n - 5, ".html") == 0) && !(n > 4 && strcmp(o->html + n - 4, ".htm") == 0))
            return fail(err, errlen, "--html=%s: the file name must end in .html", o->html);
        if (o->out && strcmp(o->out, o->html) == 0)
            return fail(err, errlen, "--html=%s: the same file as --out; pick another name", o->html);
    }
    if (o->chart) {
        size_t n = strlen(o->chart);
        if (!(n > 4 && (strcmp(o->chart + n - 4, ".svg") == 0 || strcmp(o->chart + n - 4, ".png") == 0)))
            return fail(err, errlen, "--chart=%s: the file name must end in .svg or .png", o->chart);
        if (o->out && strcmp(o->out, o->chart) == 0)
            return fail(err, errlen, "--chart=%s: the same file as --out", o->chart);
    }
    return 0;
}

void cli_copy(struct options *dst, const struct options *src)
{
    memcpy(dst, src, sizeof *dst);
    for (size_t i = 0; i < src->n_overrides; i++)
        if (src->overrides[i].name == src->override_names[i])
            dst->overrides[i].name = dst->override_names[i];
    for (size_t i = 0; i < src->n_strategies; i++)
        dst->strategies[i] = dst->strategies_text + (src->strategies[i] - src->strategies_text);
}

/* Whether argument a asks for help (-h, --help) or the version (-V, --version). */
static bool asks(const char *a, const char *shrt, const char *lng)
{
    return strcmp(a, shrt) == 0 || strcmp(a, lng) == 0;
}

/* An option racesim does not have: one line, with the nearest option of the command. */
static int unknown_option(const struct options *o, const char *name, char *err, size_t errlen)
{
    const char *near = usage_option_near(o->command, name);
    if (near)
        return fail(err, errlen, "unknown option --%s: did you mean --%s?", name, near);
    return fail(err, errlen, "unknown option --%s (see racesim %s --help)", name,
                cli_command_name(o->command));
}

/* help [COMMAND], COMMAND --help, -V anywhere: o->command becomes HELP or VERSION. Returns 1
 * when that is so, 0 when the arguments ask for neither, 2 with err on an unknown topic. */
static int help_or_version(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
    for (int i = 1; i < argc; i++)
        if (asks(argv[i], "-V", "--version")) {
            o->command = COMMAND_VERSION;
            return 1;
        }
    bool word = argc > 1 && argv[1][0] != '-';
    if (word && strcmp(argv[1], "help") == 0) {
        o->command = COMMAND_HELP;
        if (argc > 2 && command_word(o, argv[2], err, errlen))
            return 2;
        o->help_topic = o->command == COMMAND_HELP ? -1 : (int)o->command;
        o->command = COMMAND_HELP;
        return 1;
    }
    for (int i = 1; i < argc; i++)
        if (asks(argv[i], "-h", "--help")) {
            if (word && command_word(o, argv[1], err, errlen))
                return 2;
            o->help_topic = word ? (int)o->command : -1;
            o->command = COMMAND_HELP;
            return 1;
        }
    return 0;
}

int cli_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
    defaults(o);
    int asked = help_or_version(argc, argv, o, err, errlen);
    if (asked)
        return asked == 1 ? 0 : 2;
    int i = 1;
    if (i < argc && argv[i][0] != '-' && command_word(o, argv[i++], err, errlen))
        return 2;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (o->command == COMMAND_CHECK && a[0] != '-' && !o->result) {
            o->result = a;     /* racesim check RESULT.json */
            continue;
        }
        if (strncmp(a, "--", 2) != 0 || !a[2])
            return fail(err, errlen, "unexpected argument '%s' (options are --name=value)", a);
        char name[64];
        const char *eq = strchr(a + 2, '=');
        size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        if (n == 0 || n >= sizeof name)
            return fail(err, errlen, "unknown option '%s' (see racesim --help)", a);
        memcpy(name, a + 2, n);
        name[n] = '\0';
        const char *v = eq ? eq + 1 : NULL;
        bool known = usage_known(name);
        if (known && !usage_allowed(o->command, name))
            return not_with(o, name, err, errlen);
        if (known && usage_is_flag(name)) {
            if (apply_flag(o, name, v, err, errlen))
                return 2;
            continue;
        }
        if (!known && (o->command == COMMAND_CHECK || o->command == COMMAND_LIST))
            return unknown_option(o, name, err, errlen);
        if (!v && (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0)) {
            /* a scenario flag (--any-seat), or a value missing: the scenario knows which */
            if (known)
                return fail(err, errlen, "--%s needs a value (--%s=VALUE)", name, name);
            if (add_override(o, name, NULL, err, errlen))
                return 2;
            continue;
        }
        if (!v)
            v = argv[++i];
        int rc = known ? apply(o, name, v, err, errlen) : add_override(o, name, v, err, errlen);
        if (rc == 1)
            return fail(err, errlen, "--%s: no code handles this option", name);
        if (rc)
            return 2;
    }
    if (!o->dsn) {
        const char *env = getenv("RACESIM_DSN");
        if (env && *env)
            o->dsn = o->dsns[o->n_dsns++] = env;
    }
    return finish(o, err, errlen);
}
