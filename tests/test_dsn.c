/* test_dsn.c — unit tests for dsn_parse: forms accepted, fields filled, each refusal. */
#include "dsn.h"

#include <stdio.h>
#include <string.h>

#include "check.h"
#include "conn_param.h"
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

/* A DSN with connection parameters: the TLS mode, the CA and the connect timeout it sets. */
static void tls_good(const char *text, enum db_tls_mode mode, const char *ca, unsigned timeout)
{
    struct db_target t;
    char err[ERRLEN];
    preset(&t);
    int rc = parse(text, &t, err);
    check(rc == 0 && t.tls.mode == mode && strcmp(t.tls.ca, ca) == 0 && t.connect_timeout_s == timeout,
          "%s -> mode %s, ca '%s', timeout %u (got rc %d: %s, '%s', %u %s)", text,
          conn_tls_mode_name(mode), ca, timeout, rc, conn_tls_mode_name(t.tls.mode), t.tls.ca,
          t.connect_timeout_s, err);
}

int main(void)
{
    char why[256];
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

    /* Connection parameters: TLS and the connect timeout, in MySQL's or libpq's spelling. */
    tls_good("mysql://u@h/db", DB_TLS_DEFAULT, "", 0);
    tls_good("mysql://u@h/db?ssl-mode=REQUIRED", DB_TLS_REQUIRED, "", 0);
    tls_good("mysql://u@h/db?ssl-mode=verify_ca&ssl-ca=/dev/null", DB_TLS_VERIFY_CA, "/dev/null", 0);
    tls_good("mysql://u@h/db?ssl-mode=disabled&connect-timeout=7", DB_TLS_DISABLED, "", 7);
    tls_good("mysql://u@h/db?sslmode=prefer", DB_TLS_PREFERRED, "", 0);
    tls_good("mysql://u@h/db?ssl-mode=VERIFY-IDENTITY&socket=/tmp/s", DB_TLS_VERIFY_IDENTITY, "", 0);
    bad("mysql://u@h/db?ssl-mode=on", "ssl-mode=on: must be DISABLED, PREFERRED, REQUIRED, VERIFY_CA or "
        "VERIFY_IDENTITY");
    bad("mysql://u@h/db?ssl-ca=/no/such/ca.pem", "ssl-ca=/no/such/ca.pem: cannot read it");
    bad("mysql://u@h/db?ssl-ca=", "ssl-ca: give a file");
    bad("mysql://u@h/db?connect-timeout=0", "connect-timeout=0: must be seconds from 1 to 3600");
    bad("mysql://u@h/db?connect-timeout=5s", "connect-timeout=5s: must be seconds");
    bad("mysql://u@h/db?ssl-mode=REQUIRED&&socket=/tmp/s", "'' is not KEY=VALUE");
    bad("mysql://u@h/db?=x", "'=x' is not KEY=VALUE");
    struct db_target both;
    preset(&both);
    parse("mysql://u@h/db?ssl-cert=/dev/null", &both, why);
    check(conn_params_check(&both, why, sizeof why) == -1 && strstr(why, "ssl-cert and ssl-key go together"),
          "ssl-cert without ssl-key: refused by conn_params_check (%s)", why);
    preset(&both);
    parse("mysql://u@h/db?ssl-mode=VERIFY_CA", &both, why);
    check(conn_params_check(&both, why, sizeof why) == -1 && strstr(why, "VERIFY_CA needs ssl-ca"),
          "VERIFY_CA without a CA: refused by conn_params_check (%s)", why);
    preset(&both);
    parse("mysql://u@h/db?ssl-mode=VERIFY_CA&ssl-ca=/dev/null&ssl-cert=/dev/null&ssl-key=/dev/null", &both, why);
    check(conn_params_check(&both, why, sizeof why) == 0, "VERIFY_CA, a CA, a certificate and its key: accepted");

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
    good("mysql://u@host/my-db", "host", 1111, "u", "", "my-db");
    good("mysql://u@host/1db", "host", 1111, "u", "", "1db");
    good("mysql://u@host/a$b+c(1)", "host", 1111, "u", "", "a$b+c(1)");
    bad("mysql://u@host/db/extra", "database name must be 1 to 63 letters, digits and _$-");
    bad("mysql://u@host/db;drop", "database name must be 1 to 63");
    bad("mysql://u@host/d`b", "database name must be 1 to 63");
    bad("mysql://u@host/d'b", "database name must be 1 to 63");
    bad("mysql://u@host/d\"b", "database name must be 1 to 63");
    bad("mysql://u@host/d.b", "database name must be 1 to 63");
    bad("mysql://u@host/d b", "database name must be 1 to 63");
    bad("mysql://u@host/d\\b", "database name must be 1 to 63");
    bad("mysql://u@host/a234567890123456789012345678901234567890123456789012345678901234",
        "database name must be 1 to 63");

    /* Host or socket required; the socket is an absolute path and the only option. */
    good("mysql://u@/db", "old-host", 1111, "u", "", "db");   /* the host an option file named */
    struct db_target none = {0};
    check(dsn_parse("mysql://u@/db", &none, why, sizeof why) == -1
          && strstr(why, "give a host or ?socket=PATH"), "mysql://u@/db and no host before: refused (%s)", why);
    check(dsn_parse("mysql://", &none, why, sizeof why) == -1 && strstr(why, "give a host or ?socket=PATH"),
          "mysql:// and no host before: refused (%s)", why);
    bad("mysql://u@localhost/db?socket=tmp/my.sock", "?socket= takes an absolute path");
    bad("mysql://u@localhost/db?socket=", "?socket= takes an absolute path");
    bad("mysql://u@localhost/db?sock=/tmp/x", "unknown parameter 'sock' (accepted: socket, ssl-mode, "
        "ssl-ca, ssl-cert, ssl-key, connect-timeout)");
    bad("mysql://u@localhost/db?socket", "'socket' is not KEY=VALUE");
    char long_socket[256] = "mysql://u@localhost/db?socket=/";
    memset(long_socket + strlen(long_socket), 's', 120);
    bad(long_socket, "socket path is too long");

    /* The PostgreSQL driver's form: host:port, or ?host=/socket/directory (libpq's). */
    check(db_driver_select("postgres", why, sizeof why) == 0, "postgres driver selected (%s)", why);
    good("postgres://racesim@db.example:5433/shop", "db.example", 5433, "racesim", "", "shop");
    good("postgresql://u@127.0.0.1/db", "127.0.0.1", 1111, "u", "", "db");
    good("postgres://racesim@/postgres?host=/tmp/run/socket", "", 1111, "racesim", "/tmp/run/socket",
         "postgres");
    bad("postgres://u@/db?socket=/tmp/x", "unknown parameter 'socket' (accepted: host, ssl-mode");
    tls_good("postgres://u@h/db?sslmode=verify-full&sslrootcert=/dev/null&connect_timeout=3",
             DB_TLS_VERIFY_IDENTITY, "/dev/null", 3);
    memset(&none, 0, sizeof none);
    check(dsn_parse("postgres://u@/db", &none, why, sizeof why) == -1 && strstr(why, "give a host or ?host=PATH"),
          "postgres://u@/db and no host before: refused (%s)", why);
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
