/* test_dsn.c — unit tests for dsn_parse: forms accepted, fields filled, each refusal. */
#include "dsn.h"

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "driver.h"

#define ERRLEN 512

/* A target as run.c prepares it (user and database set, no socket) plus a marker host and port,
 * so "untouched" can be checked. */
static void preset(struct db_target *t)
{
    memset(t, 0, sizeof *t);
    strcpy(t->host, "old-host");
    t->port = 1111;
    strcpy(t->user, "old_user");
    strcpy(t->database, "old_db");
}

static int parse(const char *text, struct db_target *t, char *err)
{
    err[0] = '\0';
    return dsn_parse(text, t, err, ERRLEN);
}

static void good(const char *text, const char *host, unsigned port, const char *user, const char *socket,
                 const char *database)
{
    struct db_target t;
    char err[ERRLEN];
    preset(&t);
    int rc = parse(text, &t, err);
    check(rc == 0 && strcmp(t.host, host) == 0 && t.port == port && strcmp(t.user, user) == 0
          && strcmp(t.socket, socket) == 0 && strcmp(t.database, database) == 0,
          "%s -> host '%s' port %u user '%s' socket '%s' db '%s' (got rc %d: '%s' %u '%s' '%s' '%s' %s)", text, host,
          port, user, socket, database, rc, t.host, t.port, t.user, t.socket, t.database, err);
}

static void bad(const char *text, const char *want)
{
    struct db_target t;
    char err[ERRLEN];
    preset(&t);
    int rc = parse(text, &t, err);
    check(rc == -1 && strncmp(err, "--dsn", 5) == 0 && strstr(err, want) && !strchr(err, '\n'),
          "%s refused, mentioning '%s' (got: %s)", text, want, rc ? err : "accepted");
}

int main(void)
{
    /* Accepted forms; fields the DSN does not name keep their old values. */
    good("mysql://user@host:3306/db", "host", 3306, "user", "", "db");
    good("mariadb://root@db.example.com:3307/racesim_2", "db.example.com", 3307, "root", "", "racesim_2");
    good("mysql://user@host/db", "host", 1111, "user", "", "db");
    good("mysql://user@host", "host", 1111, "user", "", "old_db");
    good("mysql://user@host/", "host", 1111, "user", "", "old_db");
    good("mysql://host:3306/db", "host", 3306, "old_user", "", "db");
    good("mysql://10.0.0.7/db", "10.0.0.7", 1111, "old_user", "", "db");
    good("mysql://[::1]:3307/db", "::1", 3307, "old_user", "", "db");
    good("mysql://u@[::1]/db", "::1", 1111, "u", "", "db");
    good("mysql://u@[fe80::1]:65535", "fe80::1", 65535, "u", "", "old_db");
    good("mysql://u@localhost:1/db", "localhost", 1, "u", "", "db");
    good("mysql://root@localhost/db?socket=/run/mysqld/mysqld.sock", "localhost", 1111, "root",
         "/run/mysqld/mysqld.sock", "db");
    good("mysql://root@/db?socket=/tmp/my.sock", "", 1111, "root", "/tmp/my.sock", "db");
    good("mysql:///db?socket=/tmp/my.sock", "", 1111, "old_user", "/tmp/my.sock", "db");

    /* A password is refused, and the message says where it belongs. */
    bad("mysql://user:pw@host/db", "RACESIM_PASSWORD");
    bad("mysql://user:@host/db", "RACESIM_PASSWORD");
    bad("mariadb://user:secret@[::1]:3307/db", "RACESIM_PASSWORD");
    struct db_target t;
    char err[ERRLEN];
    preset(&t);
    parse("mysql://user:hunter2@host/db", &t, err);
    check(strstr(err, "hunter2") == NULL, "the refusal does not echo the password (%s)", err);

    /* Ports. */
    bad("mysql://u@host:0/db", "port must be a number from 1 to 65535");
    bad("mysql://u@host:70000/db", "port must be a number from 1 to 65535");
    bad("mysql://u@host:65536/db", "port must be a number from 1 to 65535");
    bad("mysql://u@host:abc/db", "port must be a number from 1 to 65535");
    bad("mysql://u@host:/db", "port must be a number from 1 to 65535");
    bad("mysql://u@host:-1/db", "port must be a number from 1 to 65535");
    bad("mysql://u@host:+3306/db", "port must be a number from 1 to 65535");
    bad("mysql://u@host:33x6/db", "port must be a number from 1 to 65535");
    bad("mysql://[::1]:abc/db", "port must be a number from 1 to 65535");

    /* Schemes and shapes. */
    bad("postgres://u@host/db", "expected mysql://");
    bad("mysql:/u@host/db", "expected mysql://");
    bad("u@host/db", "expected mysql://");
    bad("", "expected mysql://");
    bad("mysql://[::1/db", "unclosed '['");
    bad("mysql://[::1]x/db", "expected mysql://");
    bad("mysql://@host/db", "user name is empty");
    bad("mysql://u@ho st/db", "not a host name");
    bad("mysql://u@host;rm/db", "not a host name");

    /* Database names. */
    bad("mysql://u@host/a-b", "database name must be letters, digits and _");
    bad("mysql://u@host/1db", "database name must be letters, digits and _");
    bad("mysql://u@host/db/extra", "database name must be letters, digits and _");
    bad("mysql://u@host/db;drop", "database name must be letters, digits and _");
    bad("mysql://u@host/a234567890123456789012345678901234567890123456789012345678901234",
        "database name must be letters, digits and _");

    /* Host or socket required; the socket is an absolute path and the only option. */
    bad("mysql://u@/db", "give a host or ?socket=PATH");
    bad("mysql://", "give a host or ?socket=PATH");
    bad("mysql://u@localhost/db?socket=tmp/my.sock", "?socket=/absolute/path");
    bad("mysql://u@localhost/db?socket=", "?socket=/absolute/path");
    bad("mysql://u@localhost/db?sock=/tmp/x", "?socket=/absolute/path");
    char long_socket[256] = "mysql://u@localhost/db?socket=/";
    memset(long_socket + strlen(long_socket), 's', 120);
    bad(long_socket, "socket path is too long");

    /* The PostgreSQL driver's form: host:port, or ?host=/socket/directory (libpq's). */
    char why[256];
    check(db_driver_select("postgres", why, sizeof why) == 0, "postgres driver selected (%s)", why);
    good("postgres://racesim@db.example:5433/shop", "db.example", 5433, "racesim", "", "shop");
    good("postgresql://u@127.0.0.1/db", "127.0.0.1", 1111, "u", "", "db");
    good("postgres://racesim@/postgres?host=/tmp/run/socket", "", 1111, "racesim", "/tmp/run/socket",
         "postgres");
    bad("postgres://u@/db?socket=/tmp/x", "?host=/absolute/path");
    bad("postgres://u@/db", "give a host or ?host=PATH");
    bad("postgres://u:secret@host/db", "password in the DSN is not accepted");
    bad("mysql://u@host/db", "expected postgres://");

    /* The SQLite driver's form: a file's absolute path, and options it reads itself. */
    check(db_driver_select("sqlite", why, sizeof why) == 0, "sqlite driver selected (%s)", why);
    good("sqlite:///tmp/shop.db", "old-host", 1111, "old_user", "/tmp/shop.db", "old_db");
    good("sqlite:///var/lib/x/shop.db?journal=delete&busy_timeout=0", "old-host", 1111, "old_user",
         "/var/lib/x/shop.db", "old_db");
    {
        struct db_target t;
        char err[ERRLEN];
        preset(&t);
        check(parse("sqlite:///a.db?journal=delete&synchronous=normal&busy_timeout=250", &t, err) == 0
              && strcmp(t.options, "journal=delete&synchronous=normal&busy_timeout=250") == 0,
              "the options are kept for the driver (got '%s' %s)", t.options, err);
    }
    bad("sqlite://shop.db", "sqlite:///absolute/path");
    bad("sqlite:///tmp/dir/", "sqlite:///absolute/path");
    bad("sqlite:///a.db?journal=memory", "journal=memory is not known");
    bad("sqlite:///a.db?busy_timeout=-1", "busy_timeout=-1");
    bad("sqlite:///a.db?busy_timeout=99999999", "milliseconds from 0");
    bad("sqlite:///a.db?synchronous", "needs a value");
    bad("postgres://u@host/db", "expected sqlite:///");
    check(db_driver_select("mariadb", why, sizeof why) == 0, "mariadb selected again");

    return check_summary();
}
