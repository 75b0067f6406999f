/* dsn.c — parse mysql://user@host:port/db?socket=PATH&ssl-mode=...; refuse passwords in the DSN. */
#include "dsn.h"
#include "conn_param.h"
#include "driver.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "sqltext.h"



static int copy_part(char *out, size_t outlen, const char *p, size_t n)
{
    if (n >= outlen)
        return -1;
    memcpy(out, p, n);
    out[n] = '\0';
    return 0;
}

/* One KEY=VALUE of the query: the driver's key for its unix socket (an absolute path to a file
 * or a directory), or a connection parameter (conn_param.h). */
static int parse_param(const char *kv, size_t n, const char *socket_key, struct db_target *t,
                       char *err, size_t errlen)
{
    char key[32], value[PATH_MAX];
    const char *eq = memchr(kv, '=', n);
    size_t kn = eq ? (size_t)(eq - kv) : n;
    if (!eq || kn == 0 || kn >= sizeof key || copy_part(value, sizeof value, eq + 1, n - kn - 1))
        return errorf(err, errlen, "--dsn: '%.*s' is not KEY=VALUE (accepted: %s, %s)", (int)n, kv,
                      socket_key, CONN_PARAM_NAMES);
    memcpy(key, kv, kn);
    key[kn] = '\0';
    if (strcmp(key, socket_key) == 0) {
        if (value[0] != '/')
            return errorf(err, errlen, "--dsn: ?%s= takes an absolute path", socket_key);
        if (copy_part(t->socket, sizeof t->socket, value, strlen(value)) || strlen(value) > 107)
            return errorf(err, errlen, "--dsn: the socket path is too long");
        return 0;
    }
    char why[PATH_MAX + 128];
    int rc = conn_param_set(t, key, value, why, sizeof why);
    if (rc == 1)
        return errorf(err, errlen, "--dsn: unknown parameter '%s' (accepted: %s, %s)", key,
                      socket_key, CONN_PARAM_NAMES);
    return rc ? errorf(err, errlen, "--dsn: %s", why) : 0;
}

/* The query part: KEY=VALUE pairs separated by &. */
static int parse_query(const char *q, const char *socket_key, struct db_target *t, char *err,
                       size_t errlen)
{
    for (;;) {
        size_t n = strcspn(q, "&");
        if (parse_param(q, n, socket_key, t, err, errlen))
            return -1;
        if (!q[n])
            return 0;
        q += n + 1;
    }
}

static int parse_host_port(const char *p, size_t n, struct db_target *t, char *err, size_t errlen)
{
    const char *colon = NULL;
    if (n && p[0] == '[') {                      /* [v6]:port */
        const char *close = memchr(p, ']', n);
        if (!close)
            return errorf(err, errlen, "--dsn: unclosed '[' in the host");
        if (copy_part(t->host, sizeof t->host, p + 1, (size_t)(close - p - 1)))
            return errorf(err, errlen, "--dsn: the host is too long");
        colon = close + 1 < p + n && close[1] == ':' ? close + 1 : NULL;
        if (!colon && close + 1 != p + n)
            return errorf(err, errlen, "--dsn: %s", db_driver_current()->dsn_form);
    } else {
        colon = memchr(p, ':', n);
        size_t hn = colon ? (size_t)(colon - p) : n;
        if (hn && copy_part(t->host, sizeof t->host, p, hn))   /* none: an option file's */
            return errorf(err, errlen, "--dsn: the host is too long");
    }
    if (colon) {
        char *end;
        const char *ps = colon + 1;
        long port = strtol(ps, &end, 10);
        if (end == ps || end != p + n || port < 1 || port > 65535 || !isdigit((unsigned char)*ps))
            return errorf(err, errlen, "--dsn: the port must be a number from 1 to 65535");
        t->port = (unsigned)port;
    }
    for (const char *c = t->host; *c; c++)
        if (!(isalnum((unsigned char)*c) || *c == '.' || *c == '-' || *c == ':' || *c == '_'))
            return errorf(err, errlen, "--dsn: '%s' is not a host name or address", t->host);
    return 0;
}

int dsn_nodes(const char *text, int i, char *out, size_t outlen, char *err, size_t errlen)
{
    const char *scheme = strstr(text, "://");
    const char *hosts = scheme ? scheme + 3 : text;
    size_t authority = strcspn(hosts, "/?");
    const char *at = memchr(hosts, '@', authority);
    if (at) {
        authority -= (size_t)(at + 1 - hosts);
        hosts = at + 1;
    }
    int n = 0;
    const char *host = hosts, *end = hosts + authority;
    for (const char *p = hosts;; p++) {
        if (p < end && *p != ',')
            continue;
        if (p == host && authority > 0 && memchr(hosts, ',', authority))
            return errorf(err, errlen, "--dsn: an empty host in the list of '%.200s'", text);
        if (out && n == i) {
            int len = snprintf(out, outlen, "%.*s%.*s%s", (int)(hosts - text), text,
                               (int)(p - host), host, end);
            if (len < 0 || (size_t)len >= outlen)
                return errorf(err, errlen, "--dsn: '%.200s' is too long", text);
        }
        n++;
        if (p == end)
            break;
        host = p + 1;
    }
    if (out && i >= n)
        return errorf(err, errlen, "--dsn: '%.200s' names no node %d", text, i + 1);
    return n;
}

static char *password;          /* RACESIM_PASSWORD, taken from the environment once, at start */
static char *client_password;   /* else MYSQL_PWD or PGPASSWORD */

void dsn_take_password(void)
{
    const char *env = getenv("RACESIM_PASSWORD");
    const char *const *client_envs = db_password_envs();
    const char *client = NULL;
    for (size_t i = 0; (!client || !*client) && client_envs[i]; i++)
        client = getenv(client_envs[i]);
    /* NULL when out of memory: the server refuses, and says so */
    if (env && *env && !password)
        password = strdup(env);
    if (client && *client && !client_password)
        client_password = strdup(client);
    unsetenv("RACESIM_PASSWORD");
    for (size_t i = 0; client_envs[i]; i++)
        unsetenv(client_envs[i]);
}

const char *dsn_password(void)
{
    return password;
}

const char *dsn_client_password(void)
{
    return client_password;
}

int dsn_parse(const char *text, struct db_target *t, char *err, size_t errlen)
{
    const char *p = text;
    const char *engine = db_driver_for_dsn(text, &p);
    const struct db_driver *d = db_driver_current();
    const char *form = d->dsn_form;
    if (!engine || strcmp(engine, db_engine_name()) != 0)   /* the form of the selected driver */
        return errorf(err, errlen, "--dsn: %s", form);
    if (d->ops->dsn_parse)
        return d->ops->dsn_parse(p, t, err, errlen);
    const char *q = strchr(p, '?');
    const char *end = q ? q : p + strlen(p);
    const char *at = memchr(p, '@', (size_t)(end - p));
    if (at) {
        if (memchr(p, ':', (size_t)(at - p)))
            return errorf(err, errlen, "--dsn: a password in the DSN is not accepted (it would show "
                                     "in the process list); set RACESIM_PASSWORD instead");
        if (at == p || copy_part(t->user, sizeof t->user, p, (size_t)(at - p)))
            return errorf(err, errlen, "--dsn: the user name is empty or too long");
        p = at + 1;
    }
    const char *slash = memchr(p, '/', (size_t)(end - p));
    const char *hp_end = slash ? slash : end;
    if (parse_host_port(p, (size_t)(hp_end - p), t, err, errlen))
        return -1;
    if (slash && slash + 1 < end) {
        char db[64];
        if (copy_part(db, sizeof db, slash + 1, (size_t)(end - slash - 1))
            || !database_name_is_valid(db))
            return errorf(err, errlen, "--dsn: the database name must be 1 to 63 letters, digits "
                          "and %s", DATABASE_NAME_PUNCT);
        strcpy(t->database, db);
    }
    char socket_before[sizeof t->socket];
    snprintf(socket_before, sizeof socket_before, "%s", t->socket);
    if (q && parse_query(q + 1, d->dsn_socket_key, t, err, errlen))
        return -1;
    if (hp_end == p && strcmp(socket_before, t->socket) != 0)
        t->host[0] = '\0';        /* a socket and no host: not an option file's host */
    if (!t->host[0] && !t->socket[0])
        return errorf(err, errlen, "--dsn: give a host or ?%s=PATH (%s)", d->dsn_socket_key, form);
    return 0;
}
