/* main.c — parse the command line, run, report; nothing else. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "db.h"
#include "list.h"
#include "report.h"
#include "run.h"

static int usage_error(const char *msg)
{
    fprintf(stderr, "racesim: %s\n", msg);
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

int main(int argc, char **argv)
{
    static struct options o;
    static struct run_report r;
    char err[1024] = "";
    if (cli_parse(argc, argv, &o, err, sizeof err))
        return usage_error(err);
    if (o.command == COMMAND_HELP) {
        cli_help(stdout);
        return 0;
    }
    if (o.command == COMMAND_VERSION) {
        printf("racesim %s\n", RACESIM_VERSION);
        return 0;
    }
    if (o.command == COMMAND_LIST)
        return list(&o);
    if (report_check_out(&o, err, sizeof err))
        return usage_error(err);
    if (db_library_init())
        return usage_error("cannot initialise the MySQL client library");
    int rc = run_execute(&o, &r, err, sizeof err);
    if (rc == 0)
        rc = report_write(&r, &o, err, sizeof err) ? 2 : r.exit_code;
    if (rc >= 2)
        fprintf(stderr, "racesim: %s\n", err);
    run_free(&r);
    db_library_end();
    return rc;
}
