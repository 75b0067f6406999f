/* dsn.c — parse mysql://user@host:port/db?socket=PATH; refuse passwords in the DSN. */
#include "dsn.h"
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

/* The query part: ?KEY=PATH, the driver's key for its unix socket (a file or a directory). */
static int parse_query(const char *q, const char *key, struct db_target *t, char *err, size_t errlen)
{
    size_t k = strlen(key);
    if (strncmp(q, key, k) != 0 || q[k] != '=' || q[k + 1] != '/')
        return errorf(err, errlen, "--dsn: the only option is ?%s=/absolute/path", key);
    q++;
    if (copy_part(t->socket, sizeof t->socket, q + k, strlen(q + k)) || strlen(q + k) > 107)
        return errorf(err, errlen, "--dsn: the socket path is too long");
    return 0;
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
        if (copy_part(t->host, sizeof t->host, p, hn))
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

static char *password;    /* taken from the environment once, at start */

void dsn_take_password(void)
{
    const char *env = getenv("RACESIM_PASSWORD");
    const char *const *client_envs = db_password_envs();
    for (size_t i = 0; (!env || !*env) && client_envs[i]; i++)
        env = getenv(client_envs[i]);
    if (env && *env && !password)
        password = strdup(env);   /* NULL when out of memory: the server refuses, and says so */
    unsetenv("RACESIM_PASSWORD");
    for (size_t i = 0; client_envs[i]; i++)
        unsetenv(client_envs[i]);
}

const char *dsn_password(void)
{
    return password;
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
        if (copy_part(db, sizeof db, slash + 1, (size_t)(end - slash - 1)) || !name_is_valid(db))
            return errorf(err, errlen, "--dsn: the database name must be letters, digits and _");
        strcpy(t->database, db);
    }
    if (q && parse_query(q + 1, d->dsn_socket_key, t, err, errlen))
        return -1;
    if (!t->host[0] && !t->socket[0])
        return errorf(err, errlen, "--dsn: give a host or ?%s=PATH (%s)", d->dsn_socket_key, form);
    return 0;
}
