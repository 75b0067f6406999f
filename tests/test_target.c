/* test_target.c — unit tests for target_build: option files ([client], [racesim], quoting,
 * comments, !include), their precedence under the DSN and the options, and the password's. */
#include "target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "conn_param.h"
#include "dsn.h"

#define ERRLEN 1024

static char dir[] = "/tmp/racesim-test-target.XXXXXX";
static char path[PATH_MAX];

/* Writes text to dir/name; returns its path (static, overwritten by the next call). */
static const char *file(const char *name, const char *text)
{
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    chmod(path, 0600);
    return path;
}

static struct db_target t;
static char err[ERRLEN];

/* target_build with defaults_file (NULL: --no-defaults) and at most two parameters. */
static int build(const char *dsn, const char *defaults_file, const char *name, const char *value)
{
    const char *names[] = {name}, *values[] = {value};
    struct target_sources src = {.dsn = dsn, .param_names = names, .param_values = values,
                                 .n_params = name ? 1 : 0, .defaults_file = defaults_file,
                                 .no_defaults = defaults_file == NULL};
    err[0] = '\0';
    return target_build(&src, &t, err, sizeof err);
}

static const char *pw(void)
{
    return t.password ? t.password : "(none)";
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    unsetenv("RACESIM_PASSWORD");
    unsetenv("MYSQL_PWD");

    /* [client]: the fields; the DSN names the host, so the option file's socket is not used. */
    const char *f = file("client.cnf",
                         "# a comment\n[mysqld]\nuser = not_this\n[client]\nuser = alice\n"
                         "password = s3cret-pw\nhost = db.example\nport = 3307\n"
                         "socket = /tmp/file.sock\ndefault-character-set = utf8mb4\n"
                         "database = not_used\n");
    int rc = build("mysql://127.0.0.1/db", f, NULL, NULL);
    check(rc == 0 && strcmp(t.user, "alice") == 0 && strcmp(t.host, "127.0.0.1") == 0 && t.port == 3307
          && !t.socket[0] && strcmp(pw(), "s3cret-pw") == 0 && strcmp(t.database, "db") == 0,
          "[client]: user, password, port from the file; host from the DSN; the file's socket dropped "
          "for TCP; [mysqld] and other programs' keys ignored (rc %d %s: %s@%s:%u socket '%s' db '%s')",
          rc, err, t.user, t.host, t.port, t.socket, t.database);
    rc = build("mysql://bob@localhost", f, NULL, NULL);
    check(rc == 0 && strcmp(t.user, "bob") == 0 && strcmp(t.socket, "/tmp/file.sock") == 0
          && !t.database[0],
          "a DSN user wins; localhost keeps the file's socket; [client]'s database is not racesim's "
          "(rc %d %s: %s socket '%s' db '%s')", rc, err, t.user, t.socket, t.database);
    rc = build("mysql:///db", f, NULL, NULL);
    check(rc == 0 && strcmp(t.host, "db.example") == 0,
          "a DSN without a host takes the file's (rc %d %s: '%s')", rc, err, t.host);

    /* [racesim] over [client], wherever it stands; quotes, escapes and comments. */
    f = file("racesim.cnf",
             "[racesim]\nuser=carol\ndatabase = bench_db\nssl-mode = REQUIRED\nloose_connect_timeout=4\n"
             "[client]\nuser=dave\npassword = \"p#ss w\\\"rd\"  # the comment\nssl-ca=/dev/null\n");
    rc = build("mysql://h", f, NULL, NULL);
    check(rc == 0 && strcmp(t.user, "carol") == 0 && strcmp(t.database, "bench_db") == 0
          && t.tls.mode == DB_TLS_REQUIRED && strcmp(t.tls.ca, "/dev/null") == 0
          && t.connect_timeout_s == 4 && strcmp(pw(), "p#ss w\"rd") == 0,
          "[racesim] over [client]; a quoted password with # and an escaped quote; loose_ and _ "
          "(rc %d %s: %s db %s mode %s ca '%s' timeout %u)", rc, err, t.user, t.database,
          conn_tls_mode_name(t.tls.mode), t.tls.ca, t.connect_timeout_s);
    rc = build("mysql://h?ssl-mode=DISABLED", f, "ssl-mode", "VERIFY_CA");
    check(rc == 0 && t.tls.mode == DB_TLS_VERIFY_CA,
          "an option over the DSN over the file (rc %d %s: %s)", rc, err, conn_tls_mode_name(t.tls.mode));
    rc = build("mysql://h?ssl-mode=DISABLED", f, NULL, NULL);
    check(rc == 0 && t.tls.mode == DB_TLS_DISABLED, "the DSN over the file (%s)",
          conn_tls_mode_name(t.tls.mode));

    /* The MariaDB client's spellings: ssl, skip-ssl, ssl-verify-server-cert; !include. */
    file("inc.cnf", "[client]\nssl\npassword='from include'\n");
    f = file("main.cnf", "[client]\nskip-ssl\n!include /nonexistent.cnf\n");
    char main_text[PATH_MAX + 64];
    snprintf(main_text, sizeof main_text, "[client]\nskip-ssl\n!include %s/inc.cnf\n", dir);
    f = file("main.cnf", main_text);
    rc = build("mysql://h", f, NULL, NULL);
    check(rc == 0 && t.tls.mode == DB_TLS_PREFERRED && strcmp(pw(), "from include") == 0,
          "!include: its [client] read after skip-ssl: ssl means PREFERRED (rc %d %s: %s, %s)", rc, err,
          conn_tls_mode_name(t.tls.mode), pw());
    f = file("verify.cnf", "[client]\nssl-verify-server-cert\n");
    rc = build("mysql://h", f, NULL, NULL);
    check(rc == 0 && t.tls.mode == DB_TLS_VERIFY_IDENTITY, "ssl-verify-server-cert: VERIFY_IDENTITY (%s)",
          conn_tls_mode_name(t.tls.mode));

    /* Refusals: one line, naming the file and line, never the password. */
    f = file("bad.cnf", "[client]\npassword=hunter2\n[racesim]\nusers=5\n");
    rc = build("mysql://h", f, NULL, NULL);
    check(rc == -1 && strstr(err, "bad.cnf:4: unknown option 'users' in [racesim] (accepted: user,")
          && !strstr(err, "hunter2"), "an unknown key in [racesim]: refused with FILE:LINE (%s)", err);
    f = file("port.cnf", "[client]\nport=99999\n");
    rc = build("mysql://h", f, NULL, NULL);
    check(rc == -1 && strstr(err, "port.cnf:2: port must be"), "a bad port: refused (%s)", err);
    f = file("ca.cnf", "[client]\nssl-ca=/no/such.pem\n");
    rc = build("mysql://h", f, NULL, NULL);
    check(rc == -1 && strstr(err, "ca.cnf:2: ssl-ca=/no/such.pem: cannot read it"), "a missing CA: refused (%s)", err);
    rc = build("mysql://h", "/no/such/my.cnf", NULL, NULL);
    check(rc == -1 && strstr(err, "--defaults-file=/no/such/my.cnf: cannot read it"),
          "a --defaults-file that does not exist: refused (%s)", err);
    f = file("open.cnf", "[client]\nuser=eve\n");
    chmod(f, 0666);
    rc = build("mysql://h", f, NULL, NULL);
    check(rc == 0 && strcmp(t.user, "eve") != 0, "a world-writable option file is ignored (user %s)", t.user);

    /* --no-defaults: nothing read; $USER is the user. */
    setenv("USER", "frank", 1);
    rc = build("mysql://h", NULL, NULL, NULL);
    check(rc == 0 && strcmp(t.user, "frank") == 0 && !t.password, "--no-defaults: $USER, no password (%s)", t.user);

    /* The password: RACESIM_PASSWORD, else the option file's, else MYSQL_PWD. */
    f = file("nopw.cnf", "[client]\nuser=gina\n");
    setenv("MYSQL_PWD", "env-pw", 1);
    dsn_take_password();
    rc = build("mysql://h", f, NULL, NULL);
    check(rc == 0 && strcmp(pw(), "env-pw") == 0, "no password in the file: MYSQL_PWD's (%s)", pw());
    f = file("pw.cnf", "[client]\npassword=file-pw\n");
    rc = build("mysql://h", f, NULL, NULL);
    check(rc == 0 && strcmp(pw(), "file-pw") == 0, "the option file's over MYSQL_PWD (%s)", pw());
    check(getenv("MYSQL_PWD") == NULL, "MYSQL_PWD is taken out of the environment");

    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return check_summary();
}
