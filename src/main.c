/* main.c — parse the command line, then run, compare, sweep, matrix, explore, isolation, check or
 * list. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "baseline.h"
#include "cli.h"
#include "compare.h"
#include "config.h"
#include "db.h"
#include "dsn.h"
#include "interrupt.h"
#include "explore.h"
#include "isolation.h"
#include "list.h"
#include "matrix.h"
#include "meta.h"
#include "plan.h"
#include "report.h"
#include "run.h"
#include "sweep.h"

/* say_error: the one line racesim prints for an error. A server's message may span lines
 * (MariaDB quotes a statement "near '...'" with its newlines): breaks become spaces. */
static void say_error(const char *msg)
{
    fputs("racesim: ", stderr);
    for (const char *c = msg; *c; c++)
        fputc(*c == '\n' || *c == '\r' ? ' ' : *c, stderr);
    fputc('\n', stderr);
}

static int usage_error(const char *msg)
{
    say_error(msg);
    return 2;
}

static int list(const struct options *o)
{
    char dir[PATH_MAX], err[1024];
    run_strategies_dir(dir, sizeof dir);
    if (list_print(stdout, dir, o->scenario_given ? o->scenario : NULL, err, sizeof err))
        return usage_error(err);
    return 0;
}

/* compare, sweep, matrix, explore, run --repeat: several runs on one server; 0 when every run
 * ended (explore, run: 0 or 1, whether an invariant was broken), else 2 or 3. */
static int several_runs(const struct options *o)
{
    char err[1024] = "";
    if (db_library_init())
        return usage_error("cannot initialise the database client library");
    int rc = o->command == COMMAND_COMPARE || o->command == COMMAND_RUN ? compare_main(o, err, sizeof err)
             : o->command == COMMAND_SWEEP ? sweep_main(o, err, sizeof err)
             : o->command == COMMAND_EXPLORE ? explore_main(o, err, sizeof err)
             : o->command == COMMAND_ISOLATION ? isolation_main(o, err, sizeof err)
             : matrix_main(o, err, sizeof err);
    interrupt_yield();         /* a signal during the runs: its exit code, not this error */
    if (rc == PLAN_DRY_RUN)
        rc = 0;
    if (rc >= 2 && err[0])
        say_error(err);
    db_library_end();
    return rc;
}

/* A run's --threshold names are metrics or the scenario's invariants: checked before any server
 * (the files are read once more, nothing else). Returns 0, or 2 with one line in err. */
static int thresholds_name_invariants(const struct options *o, char *err, size_t errlen)
{
    static struct run_report probe;
    if (o->n_thresholds == 0)
        return 0;
    int rc = run_prepare(o, &probe, err, errlen);
    if (rc == 0)
        rc = report_check_threshold_names(o, &probe.scenario, err, errlen);
    run_free(&probe);
    return rc;
}

/* run --dry-run: the files read and the parameters resolved as for a run, then its plan. Returns
 * 0, or 2 with one line on stderr. */
static int dry_run(const struct options *o)
{
    static struct run_report probe;
    char err[1024] = "";
    int rc = run_prepare(o, &probe, err, sizeof err);
    if (rc == 0) {
        plan_run(stdout, o, &probe);
        plan_end(stdout, "run", o, 1);
    }
    run_free(&probe);
    return rc ? usage_error(err) : 0;
}

int main(int argc, char **argv)
{
    static struct options o;
    static struct run_report r;
    char err[1024] = "";
    meta_set_argv(argc, argv);
    dsn_take_password();
    if (cli_parse(argc, argv, &o, err, sizeof err))
        return usage_error(err);
    if (o.command == COMMAND_HELP) {
        cli_help(stdout, &o);
        return 0;
    }
    if (o.command == COMMAND_VERSION) {
        printf("racesim %s\n", RACESIM_VERSION);
        return 0;
    }
    if (o.command == COMMAND_LIST)
        return list(&o);
    if (o.command == COMMAND_CHECK) {
        int rc = baseline_check(&o, err, sizeof err);
        if (rc == 2)
            say_error(err);
        return rc;
    }
    if (o.command == COMMAND_COMPARE || o.command == COMMAND_SWEEP || o.command == COMMAND_MATRIX
        || o.command == COMMAND_EXPLORE || o.command == COMMAND_ISOLATION
        || (o.command == COMMAND_RUN && o.repeat > 1))
        return several_runs(&o);
    if (report_check_out(&o, err, sizeof err))
        return usage_error(err);
    if (thresholds_name_invariants(&o, err, sizeof err))
        return usage_error(err);
    if (o.dry_run)
        return dry_run(&o);
    if (db_library_init())
        return usage_error("cannot initialise the database client library");
    int rc = run_execute(&o, &r, err, sizeof err);
    char why[1024];
    snprintf(why, sizeof why, "%s", err);
    if (rc == 0 || r.partial)  /* cut short: what the buyers saw is still reported */
        rc = report_write(&r, &o, err, sizeof err) ? 2 : r.exit_code;
    if (rc == 0) {
        struct threshold_result th[THRESHOLDS_MAX];
        size_t failed;
        size_t n = report_thresholds(&r, &o, th, THRESHOLDS_MAX, &failed);
        rc = failed ? 5 : 0;
        thresholds_failed_message(th, n, err, sizeof err);
    }
    if (r.partial && rc == 3)
        snprintf(err, sizeof err, "%s", why);
    interrupt_yield();         /* a signal during the run: its exit code, not this error */
    if (rc >= 2 && err[0])
        say_error(err);
    run_free(&r);
    db_library_end();
    return rc;
}
