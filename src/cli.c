/* cli.c — parse and validate the command line; the --help text. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "script.h"

#define USERS_MAX 100000

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return 2;
}

void cli_help(FILE *out)
{
    fputs(
"usage: racesim [run] --strategy=NAME|FILE.sql [--users=N] [options] [--PARAM=VALUE ...]\n"
"       racesim list [--scenario=NAME]\n"
"\n"
"Runs N concurrent buyers against a MySQL-family database with one strategy for the same\n"
"contended job, then checks the scenario's invariants with SQL and reports what happened.\n"
"With no --dsn it starts a private throwaway MariaDB server and removes it afterwards.\n"
"\n"
"  --scenario=NAME      scenario folder under strategies/ (default: stock)\n"
"  --strategy=NAME      a strategy of the scenario (see 'racesim list'), or a path to a .sql file\n"
"  --users=N            concurrent buyers, 1..100000 (default: 100)\n"
"  --rounds=K           purchases per buyer (default: 1)\n"
"  --pool=N             share N connections among the buyers (default: one per buyer)\n"
"  --think-time=MS      sleep at the strategy's @window, the race window (default: 0)\n"
"  --isolation=LEVEL    session isolation: read-uncommitted, read-committed, repeatable-read,\n"
"                       serializable (a strategy's own @isolation wins)\n"
"  --seed=N             workload seed: the same seed draws the same purchases (default: random)\n"
"  --dsn=URL            mysql://user@host:port/db or mysql://user@localhost/db?socket=PATH\n"
"                       (also RACESIM_DSN); the password only from RACESIM_PASSWORD\n"
"  --database=NAME      the database racesim creates and works in (default: racesim)\n"
"  --format=FMT         text, json or csv (default: text)\n"
"  --out=FILE           write the report to FILE (refuses to overwrite without --force)\n"
"  --force              overwrite --out\n"
"  --quiet              no progress line, no header notes\n"
"  --lockstep           buyers run one statement at a time, together: races happen every run\n"
"  --block-timeout=MS   lockstep: a statement this slow counts as blocked when the server does\n"
"                       not say it waits for a lock (default: 200)\n"
"  --trace[=FILE]       every step of every buyer as a timeline (to FILE: JSON lines with\n"
"                       --format=json)\n"
"  --PARAM=VALUE        a scenario parameter, e.g. --stock=5000 --qty=1..30 --products=10\n"
"                       --skew=zipf:0.99 ('racesim list' shows each scenario's)\n"
"  -h, --help           this text;  --version  the version\n"
"\n"
"Exit: 0 invariants hold, 1 an invariant is violated, 2 bad usage or strategy file,\n"
"      3 database unreachable or not set up.\n", out);
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

static int set_name(char *out, size_t outlen, const char *name, const char *v, char *err, size_t errlen)
{
    if (!name_is_valid(v) || strlen(v) >= outlen)
        return fail(err, errlen, "--%s=%s: must be letters, digits and _", name, v);
    strcpy(out, v);
    return 0;
}

/* Applies one known option; returns 0, 2 on a bad value, or 1 if name is not a known option. */
static int apply(struct options *o, const char *name, const char *v, char *err, size_t errlen)
{
    if (strcmp(name, "users") == 0)
        return int_option(name, v, 1, USERS_MAX, &o->users, err, errlen);
    if (strcmp(name, "rounds") == 0)
        return int_option(name, v, 1, 1000000, &o->rounds, err, errlen);
    if (strcmp(name, "pool") == 0)
        return int_option(name, v, 1, 10000, &o->pool, err, errlen);
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
    if (strcmp(name, "format") == 0) {
        if (strcmp(v, "text") == 0)
            o->format = FORMAT_TEXT;
        else if (strcmp(v, "json") == 0)
            o->format = FORMAT_JSON;
        else if (strcmp(v, "csv") == 0)
            o->format = FORMAT_CSV;
        else
            return fail(err, errlen, "--format=%s: must be text, json or csv", v);
        return 0;
    }
    if (strcmp(name, "dsn") == 0) {
        o->dsn = v;
        return 0;
    }
    if (strcmp(name, "database") == 0)
        return set_name(o->database, sizeof o->database, name, v, err, errlen);
    if (strcmp(name, "out") == 0) {
        if (!*v)
            return fail(err, errlen, "--out: give a file name");
        o->out = v;
        return 0;
    }
    return 1;
}

static bool is_flag(const char *name)
{
    return strcmp(name, "force") == 0 || strcmp(name, "quiet") == 0 || strcmp(name, "help") == 0
           || strcmp(name, "version") == 0 || strcmp(name, "lockstep") == 0
           || strcmp(name, "trace") == 0;
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
    else if (strcmp(name, "force") == 0)
        o->force = true;
    else if (strcmp(name, "quiet") == 0)
        o->quiet = true;
    else if (strcmp(name, "help") == 0)
        o->command = COMMAND_HELP;
    else
        o->command = COMMAND_VERSION;
    return 0;
}

static int add_override(struct options *o, const char *name, const char *v, char *err, size_t errlen)
{
    if (!name_is_valid(name) && !strchr(name, '-'))
        return fail(err, errlen, "unknown option --%s (see racesim --help)", name);
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
    strcpy(o->database, "racesim");
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    o->seed = ((uint64_t)ts.tv_sec * 1000003u) ^ (uint64_t)ts.tv_nsec;
    o->seed %= 1000000000ull;   /* short enough to read out and type back */
}

static int command_word(struct options *o, const char *w, char *err, size_t errlen)
{
    if (strcmp(w, "run") == 0)
        o->command = COMMAND_RUN;
    else if (strcmp(w, "list") == 0)
        o->command = COMMAND_LIST;
    else if (strcmp(w, "help") == 0)
        o->command = COMMAND_HELP;
    else
        return fail(err, errlen, "unknown command '%s' (run, list; see racesim --help)", w);
    return 0;
}

int cli_parse(int argc, char **argv, struct options *o, char *err, size_t errlen)
{
    defaults(o);
    int i = 1;
    if (i < argc && argv[i][0] != '-' && command_word(o, argv[i++], err, errlen))
        return 2;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0)
            a = "--help";
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
        if (is_flag(name)) {
            if (apply_flag(o, name, v, err, errlen))
                return 2;
            continue;
        }
        if (!v && (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0)) {
            /* a scenario flag (--any-seat), or a value missing: the scenario knows which */
            if (apply(o, name, "", err, errlen) != 1)
                return fail(err, errlen, "--%s needs a value (--%s=VALUE)", name, name);
            if (add_override(o, name, NULL, err, errlen))
                return 2;
            continue;
        }
        if (!v)
            v = argv[++i];
        int rc = apply(o, name, v, err, errlen);
        if (rc == 1)
            rc = add_override(o, name, v, err, errlen);
        if (rc)
            return 2;
    }
    if (!o->dsn) {
        const char *env = getenv("RACESIM_DSN");
        if (env && *env)
            o->dsn = env;
    }
    if (o->lockstep && o->pool)
        return fail(err, errlen, "--lockstep needs a connection per buyer: drop --pool");
    if (o->command == COMMAND_RUN && !o->strategy)
        return fail(err, errlen, "--strategy is required (e.g. --strategy=for-update; "
                                 "'racesim list' shows them)");
    return 0;
}
