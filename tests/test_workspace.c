/* test_workspace.c — racesim on a user's server: it refuses a database holding others' tables
 * and leaves them intact, works in its own, and refuses more buyers than max_connections. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "db.h"
#include "server.h"

static const char *racesim;
static struct server srv;

/* Runs racesim with args against srv; returns its exit code; its stderr goes to errbuf. */
static int run_racesim(const char *database, const char *extra, char *errbuf, size_t errlen)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "RACESIM_DSN='mysql://root@localhost/%s?socket=%s' '%s' "
             "--strategy=atomic --users=10 --seed=1 --quiet --format=json %s 2>&1 >/dev/null",
             database, srv.socket, racesim, extra);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(errbuf, 1, errlen - 1, p);
    errbuf[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int count_rows(void *ctx, size_t n, char **row)
{
    (void)n;
    *(long *)ctx = row[0] ? atol(row[0]) : -1;
    return 0;
}

static long scalar(db_conn *c, const char *sql)
{
    long v = -1;
    struct db_error e;
    if (db_query(c, sql, count_rows, &v, &e) < 0)
        printf("# query failed: %s: %s\n", sql, e.text);
    return v;
}

static void exec(db_conn *c, const char *sql)
{
    struct db_error e;
    if (db_execute(c, sql, &e))
        printf("# exec failed: %s: %s\n", sql, e.text);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_workspace PATH/TO/racesim\n");
        return 2;
    }
    racesim = argv[1];
    char err[4096];
    struct server_options so = {.max_connections = 40};
    if (!check(server_start(&srv, &so, err, sizeof err) == SERVER_OK, "a server to play the user's: %s", err))
        return check_summary();
    db_library_init();
    struct db_target t = {.user = "root"};
    snprintf(t.socket, sizeof t.socket, "%s", srv.socket);
    struct db_error e;
    db_conn *c = db_connect(&t, false, &e);
    check(c != NULL, "connect as the user");
    if (!c) {
        server_stop(&srv);
        return check_summary();
    }
    exec(c, "CREATE DATABASE shop");
    exec(c, "CREATE TABLE shop.customers (id INT PRIMARY KEY, name VARCHAR(20))");
    exec(c, "INSERT INTO shop.customers VALUES (1, 'ada'), (2, 'alan')");

    int code = run_racesim("shop", "", err, sizeof err);
    check(code == 3, "a database holding a foreign table is refused with exit 3 (got %d)", code);
    check(strstr(err, "customers") != NULL, "the message names the foreign table: %s", err);
    check(scalar(c, "SELECT COUNT(*) FROM shop.customers") == 2, "the foreign table keeps its rows");
    check(scalar(c, "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop'") == 1,
          "racesim created nothing in the refused database");

    code = run_racesim("racesim", "", err, sizeof err);
    check(code == 0, "its own database is created and used (exit %d): %s", code, err);
    check(scalar(c, "SELECT COUNT(*) FROM racesim.racesim_owned") >= 2,
          "racesim lists the tables it created in its marker table");
    code = run_racesim("racesim", "--qty=1", err, sizeof err);
    check(code == 0, "a second run reuses its own database (exit %d): %s", code, err);
    long orders = scalar(c, "SELECT COUNT(*) FROM racesim.orders");
    check(orders == 10, "the second run started from fresh tables (10 orders of 1 unit, got %ld)", orders);

    exec(c, "CREATE TABLE racesim.notes (id INT)");
    exec(c, "INSERT INTO racesim.notes VALUES (7)");
    code = run_racesim("racesim", "", err, sizeof err);
    check(code == 3, "a table someone added to racesim's database is refused with exit 3 (got %d)", code);
    check(strstr(err, "notes") != NULL, "the message names it: %s", err);
    check(scalar(c, "SELECT COUNT(*) FROM racesim.notes") == 1, "and it is left intact");
    exec(c, "DROP TABLE racesim.notes");

    exec(c, "CREATE DATABASE empty_one");
    code = run_racesim("empty_one", "", err, sizeof err);
    check(code == 0, "an empty database is adopted (exit %d): %s", code, err);

    code = run_racesim("racesim", "--users=60", err, sizeof err);
    check(code == 2, "more buyers than max_connections is refused with exit 2 (got %d)", code);
    check(strstr(err, "--pool") != NULL && strstr(err, "max_connections") != NULL,
          "the message gives the fix (--pool, max_connections): %s", err);
    code = run_racesim("racesim", "--users=60 --pool=20", err, sizeof err);
    check(code == 0, "with --pool it runs (exit %d): %s", code, err);

    db_close(c);
    server_stop(&srv);
    db_library_end();
    return check_summary();
}
