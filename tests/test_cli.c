/* test_cli.c — unit tests for cli_parse: defaults, each option, each refusal, overrides, RACESIM_DSN. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "db.h"

#define ERRLEN 512
#define ARGS_MAX 16

static struct options o;
static char err[ERRLEN];

/* Runs cli_parse on "racesim" followed by the NULL-terminated arguments; returns its result. */
static int parse(const char *first, ...)
{
    char *argv[ARGS_MAX + 1];
    int argc = 0;
    argv[argc++] = (char *)"racesim";
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < ARGS_MAX; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    err[0] = '\0';
    return cli_parse(argc, argv, &o, err, sizeof err);
}

/* Checks the last parse returned 2 with a one-line message containing want. */
static void refused(int rc, const char *what, const char *want)
{
    check(rc == 2 && strstr(err, want) != NULL && !strchr(err, '\n'), "%s: returns 2 naming '%s' (rc %d: %s)", what,
          want, rc, err);
}

#define BAD(want, ...) refused(parse(__VA_ARGS__, (const char *)NULL), #__VA_ARGS__, want)

static void test_defaults(void)
{
    int rc = parse("run", "--strategy=naive", (const char *)NULL);
    check(rc == 0, "run --strategy=naive parses (%s)", err);
    check(o.command == COMMAND_RUN && strcmp(o.strategy, "naive") == 0, "command run, strategy naive");
    check(o.users == 100, "default users 100 (got %d)", o.users);
    check(o.rounds == 1, "default rounds 1 (got %d)", o.rounds);
    check(strcmp(o.scenario, "stock") == 0 && !o.scenario_given, "default scenario stock, not given");
    check(strcmp(o.database, "racesim") == 0, "default database racesim");
    check(o.pool == 0 && o.think_time_us == 0 && o.isolation[0] == '\0' && o.format == FORMAT_TEXT && o.dsn == NULL
          && o.out == NULL && !o.force && !o.quiet && o.n_overrides == 0 && !o.seed_given,
          "defaults: no pool, no think time, server isolation, text, no dsn, stdout, no flags, no overrides");
    check(o.seed < 1000000000ull, "a random default seed short enough to type back (%llu)", (unsigned long long)o.seed);

    rc = parse("--strategy=naive", (const char *)NULL);
    check(rc == 0 && o.command == COMMAND_RUN, "no command word: run");
}

static void test_options(void)
{
    int rc = parse("--strategy=naive", "--users=500", (const char *)NULL);
    check(rc == 0 && o.users == 500, "--users=500");
    rc = parse("--strategy=naive", "--users", "500", (const char *)NULL);
    check(rc == 0 && o.users == 500, "--users 500");
    rc = parse("--strategy", "path/to/mine.sql", "--users=1", (const char *)NULL);
    check(rc == 0 && o.users == 1 && strcmp(o.strategy, "path/to/mine.sql") == 0, "--strategy FILE, --users=1 (lowest)");
    rc = parse("--strategy=naive", "--users=100000", (const char *)NULL);
    check(rc == 0 && o.users == 100000, "--users=100000 (highest)");
    rc = parse("run", "--strategy=naive", "--rounds=3", "--pool", "8", "--think-time=5", "--seed=42",
               "--isolation=read-committed", "--format=json", "--database=my_db", "--out=r.json", "--force",
               "--quiet", "--scenario=other", "--dsn=mysql://u@h", (const char *)NULL);
    check(rc == 0, "every option at once parses (%s)", err);
    check(o.rounds == 3 && o.pool == 8, "--rounds=3 --pool 8");
    check(o.think_time_us == 5000, "--think-time=5 is 5 ms (got %lld us)", (long long)o.think_time_us);
    check(o.seed == 42 && o.seed_given, "--seed=42");
    check(strcmp(o.isolation, "READ COMMITTED") == 0, "--isolation=read-committed -> READ COMMITTED");
    check(o.format == FORMAT_JSON && strcmp(o.database, "my_db") == 0 && strcmp(o.out, "r.json") == 0,
          "--format=json --database=my_db --out=r.json");
    check(o.force && o.quiet, "--force --quiet");
    check(strcmp(o.scenario, "other") == 0 && o.scenario_given, "--scenario=other");
    check(o.dsn && strcmp(o.dsn, "mysql://u@h") == 0, "--dsn kept as given");
    check(o.n_overrides == 0, "no overrides among known options");
    rc = parse("--strategy=naive", "--think-time=200us", "--format=csv", "--seed=18446744073709551615",
               (const char *)NULL);
    check(rc == 0 && o.think_time_us == 200 && o.format == FORMAT_CSV && o.seed == UINT64_MAX,
          "--think-time=200us --format=csv --seed=2^64-1");
    rc = parse("--strategy=naive", "--think-time=60000", (const char *)NULL);
    check(rc == 0 && o.think_time_us == 60000000, "--think-time=60000 (highest)");

    rc = parse("--help", (const char *)NULL);
    check(rc == 0 && o.command == COMMAND_HELP, "--help needs no --strategy");
    rc = parse("-h", (const char *)NULL);
    check(rc == 0 && o.command == COMMAND_HELP, "-h");
    rc = parse("help", (const char *)NULL);
    check(rc == 0 && o.command == COMMAND_HELP, "help");
    rc = parse("--version", (const char *)NULL);
    check(rc == 0 && o.command == COMMAND_VERSION, "--version needs no --strategy");
    rc = parse("list", (const char *)NULL);
    check(rc == 0 && o.command == COMMAND_LIST, "list needs no --strategy (%s)", err);
    rc = parse("list", "--scenario=stock", (const char *)NULL);
    check(rc == 0 && o.command == COMMAND_LIST && o.scenario_given, "list --scenario=stock");
}

static void test_refusals(void)
{
    BAD("--users", "--strategy=naive", "--users=0");
    BAD("--users", "--strategy=naive", "--users=-5");
    BAD("--users", "--strategy=naive", "--users", "-5");
    BAD("--users", "--strategy=naive", "--users=abc");
    BAD("--users", "--strategy=naive", "--users=100001");
    BAD("--users", "--strategy=naive", "--users=");
    BAD("--users", "--strategy=naive", "--users=5x");
    BAD("--users", "--strategy=naive", "--users= 5");
    BAD("--users", "--strategy=naive", "--users=99999999999999999999");
    BAD("--users", "--strategy=naive", "--users");
    BAD("--users", "--strategy=naive", "--users", "--rounds=2");
    BAD("--rounds", "--strategy=naive", "--rounds=0");
    BAD("--pool", "--strategy=naive", "--pool=0");
    BAD("--think-time", "--strategy=naive", "--think-time=-1");
    BAD("--think-time", "--strategy=naive", "--think-time=abc");
    BAD("--think-time", "--strategy=naive", "--think-time=60001");
    BAD("--isolation", "--strategy=naive", "--isolation=bogus");
    BAD("--format", "--strategy=naive", "--format=xml");
    BAD("--seed", "--strategy=naive", "--seed=-1");
    BAD("--seed", "--strategy=naive", "--seed=abc");
    BAD("--seed", "--strategy=naive", "--seed=18446744073709551616");
    BAD("--database", "--strategy=naive", "--database=a.b");
    BAD("--database", "--strategy=naive", "--database=a`b");
    BAD("--database", "--strategy=naive", "--database=");
    BAD("--scenario", "--strategy=naive", "--scenario=../etc");
    BAD("--strategy", "--strategy=");
    BAD("--out", "--strategy=naive", "--out=");
    BAD("--strategy", "run");
    BAD("--strategy", "--users=5");
    BAD("--force", "--strategy=naive", "--force=1");
    BAD("--quiet", "--strategy=naive", "--quiet=yes");
    BAD("'extra'", "--strategy=naive", "extra");
    BAD("'-x'", "--strategy=naive", "-x");
    BAD("'--'", "--strategy=naive", "--");
    BAD("'frobnicate'", "frobnicate", "--strategy=naive");
    BAD("'list'", "--strategy=naive", "list");
    BAD("--foo.bar", "--strategy=naive", "--foo.bar=1");
    BAD("'--=x'", "--strategy=naive", "--=x");
}

static void test_overrides(void)
{
    int rc = parse("--strategy=naive", "--foo=bar", "--qty", "1..30", "--skew=zipf:0.99", "--my-param=3",
                   (const char *)NULL);
    check(rc == 0, "unknown --NAME=VALUE options parse (%s)", err);
    check(o.n_overrides == 4, "4 overrides kept (got %zu)", o.n_overrides);
    if (o.n_overrides == 4) {
        check(strcmp(o.overrides[0].name, "foo") == 0 && strcmp(o.overrides[0].value, "bar") == 0,
              "--foo=bar kept as name 'foo', value 'bar'");
        check(strcmp(o.overrides[1].name, "qty") == 0 && strcmp(o.overrides[1].value, "1..30") == 0,
              "--qty 1..30 kept as qty = 1..30");
        check(strcmp(o.overrides[2].name, "skew") == 0 && strcmp(o.overrides[2].value, "zipf:0.99") == 0,
              "--skew=zipf:0.99 kept");
        check(strcmp(o.overrides[3].name, "my-param") == 0 && strcmp(o.overrides[3].value, "3") == 0,
              "--my-param=3 kept");
        check(o.overrides[0].name == o.override_names[0], "override names live in the options");
    }
    rc = parse("--strategy=naive", "--any-seat", (const char *)NULL);
    check(rc == 0 && o.n_overrides == 1 && strcmp(o.overrides[0].name, "any-seat") == 0
              && o.overrides[0].value == NULL,
          "--any-seat alone is kept as an override without a value (a flag; the scenario decides)");
    rc = parse("--strategy=naive", "--qty", "--users=5", (const char *)NULL);
    check(rc == 0 && o.users == 5 && o.n_overrides == 1 && o.overrides[0].value == NULL,
          "--qty followed by an option is kept without a value, not given '--users=5'");
    rc = parse("--strategy=naive", "--users", "--qty=5", (const char *)NULL);
    check(rc == 2 && strstr(err, "--users needs a value"), "--users followed by an option is refused (%s)", err);
}

static void test_dsn_env(void)
{
    unsetenv("RACESIM_DSN");
    int rc = parse("--strategy=naive", (const char *)NULL);
    check(rc == 0 && o.dsn == NULL, "no --dsn, no RACESIM_DSN: no dsn");
    setenv("RACESIM_DSN", "mysql://env@host/db", 1);
    rc = parse("--strategy=naive", (const char *)NULL);
    check(rc == 0 && o.dsn && strcmp(o.dsn, "mysql://env@host/db") == 0, "RACESIM_DSN used when --dsn is absent");
    rc = parse("--strategy=naive", "--dsn=mysql://cli@host/db", (const char *)NULL);
    check(rc == 0 && o.dsn && strcmp(o.dsn, "mysql://cli@host/db") == 0, "--dsn wins over RACESIM_DSN");
    setenv("RACESIM_DSN", "", 1);
    rc = parse("--strategy=naive", (const char *)NULL);
    check(rc == 0 && o.dsn == NULL, "an empty RACESIM_DSN is ignored");
    unsetenv("RACESIM_DSN");
}

/* The DSN's database and --database: one of them, or both the same; two different ones refused. */
static void test_dsn_database(void)
{
    int rc = parse("--strategy=naive", "--dsn=mysql://u@host/shopdb", (const char *)NULL);
    check(rc == 0 && strcmp(o.database, "shopdb") == 0, "the DSN's database is the run's (%s)", o.database);
    rc = parse("--strategy=naive", "--dsn=mysql://u@host", "--database=mine", (const char *)NULL);
    check(rc == 0 && strcmp(o.database, "mine") == 0, "--database with a DSN naming none (%s)", err);
    rc = parse("--strategy=naive", "--dsn=mysql://u@host/same", "--database=same", (const char *)NULL);
    check(rc == 0 && strcmp(o.database, "same") == 0, "--database equal to the DSN's (%s)", err);
    BAD("conflicts with the database the DSN names (shopdb)", "--strategy=naive",
        "--dsn=mysql://u@host/shopdb", "--database=other");
    BAD("conflicts", "--database=other", "--dsn=mysql://u@host/shopdb", "--strategy=naive");
    setenv("RACESIM_DSN", "mysql://env@host/envdb", 1);
    BAD("conflicts", "--strategy=naive", "--database=other");
    unsetenv("RACESIM_DSN");

    /* An option file's [racesim] database and host, under the DSN's and --database. */
    char cnf[] = "/tmp/racesim-test-cli.XXXXXX", arg[64];
    int fd = mkstemp(cnf);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f) {
        fputs("[racesim]\ndatabase = from-file\nhost = filehost\n", f);
        fclose(f);
    }
    snprintf(arg, sizeof arg, "--defaults-file=%s", cnf);
    rc = parse("--strategy=naive", "--dsn=mysql://u@host", arg, (const char *)NULL);
    check(rc == 0 && strcmp(o.database, "from-file") == 0, "[racesim]'s database when the DSN names "
          "none (%s %s)", o.database, err);
    rc = parse("--strategy=naive", "--dsn=mysql:///shopdb", arg, (const char *)NULL);
    check(rc == 0 && strcmp(o.database, "shopdb") == 0, "the DSN's database over the file's, the "
          "host from the file (%s %s)", o.database, err);
    rc = parse("--strategy=naive", "--dsn=mysql://u@host", arg, "--database=mine", (const char *)NULL);
    check(rc == 0 && strcmp(o.database, "mine") == 0, "--database over the file's (%s %s)", o.database, err);
    BAD("--ssl-mode goes with --dsn", "--strategy=naive", "--ssl-mode=REQUIRED");
    BAD("--ssl-mode=x: must be DISABLED", "--strategy=naive", "--dsn=mysql://u@host", "--ssl-mode=x");
    unlink(cnf);
}

/* --engine and the DSN's scheme choose the driver; an engine not built is refused in one line. */
static void test_engine(void)
{
    int rc = parse("--strategy=naive", (const char *)NULL);
    check(rc == 0 && strcmp(o.engine, "mariadb") == 0 && strcmp(db_engine_name(), "mariadb") == 0,
          "the default engine is mariadb (%s)", o.engine);
    rc = parse("--strategy=naive", "--dsn=mariadb://u@host/db", (const char *)NULL);
    check(rc == 0 && strcmp(o.engine, "mariadb") == 0, "mariadb:// selects mariadb (%s)", err);
    rc = parse("--strategy=naive", "--engine=mariadb", "--dsn=mysql://u@host/db", (const char *)NULL);
    check(rc == 0 && strcmp(o.engine, "mariadb") == 0, "--engine=mariadb with mysql:// (%s)", err);
    rc = parse("--strategy=naive", "--dsn=postgres://u@host/db", (const char *)NULL);
    check(rc == 0 && strcmp(o.engine, "postgres") == 0, "postgres:// selects postgres (%s)", err);
    rc = parse("--strategy=naive", "--dsn=postgresql://u@host/db", (const char *)NULL);
    check(rc == 0 && strcmp(o.engine, "postgres") == 0, "postgresql:// selects postgres (%s)", err);
    rc = parse("--strategy=naive", "--engine=postgres", (const char *)NULL);
    check(rc == 0 && strcmp(o.engine, "postgres") == 0, "--engine=postgres (%s)", err);
    rc = parse("--strategy=naive", "--engine=mariadb", (const char *)NULL);
    check(rc == 0 && strcmp(o.engine, "mariadb") == 0, "--engine=mariadb again (%s)", err);
    BAD("unknown engine 'oracle'", "--strategy=naive", "--engine=oracle");
    BAD("conflicts with the DSN's scheme (postgres)", "--strategy=naive", "--engine=mariadb",
        "--dsn=postgres://u@host/db");
    BAD("expected mysql://", "--strategy=naive", "--dsn=oracle://u@host/db");
    rc = parse("--strategy=naive", (const char *)NULL);
    check(rc == 0 && strcmp(db_engine_name(), "mariadb") == 0, "mariadb stays selected after refusals");
}

int main(void)
{
    unsetenv("RACESIM_DSN");
    test_defaults();
    test_options();
    test_refusals();
    test_overrides();
    test_dsn_env();
    test_dsn_database();
    test_engine();
    return check_summary();
}
