/* conn_param.c — TLS and connect-timeout parameters by name, for the DSN, options and option files. */
#include "conn_param.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errmsg.h"

enum param { P_MODE, P_CA, P_CERT, P_KEY, P_TIMEOUT, P_NONE };

static const struct {
    const char *name;
    const char *libpq;        /* libpq's name for it */
} params[] = {
    [P_MODE] = {"ssl-mode", "sslmode"},
    [P_CA] = {"ssl-ca", "sslrootcert"},
    [P_CERT] = {"ssl-cert", "sslcert"},
    [P_KEY] = {"ssl-key", "sslkey"},
    [P_TIMEOUT] = {"connect-timeout", "connect_timeout"},
};

/* Each mode by its MySQL name and by libpq's. */
static const struct {
    enum db_tls_mode mode;
    const char *mysql, *libpq;
} modes[] = {
    {DB_TLS_DISABLED, "DISABLED", "DISABLE"},
    {DB_TLS_PREFERRED, "PREFERRED", "PREFER"},
    {DB_TLS_REQUIRED, "REQUIRED", "REQUIRE"},
    {DB_TLS_VERIFY_CA, "VERIFY_CA", "VERIFY_CA"},
    {DB_TLS_VERIFY_IDENTITY, "VERIFY_IDENTITY", "VERIFY_FULL"},
};

static enum param param_of(const char *name)
{
    for (int i = 0; i < P_NONE; i++)
        if (strcmp(name, params[i].name) == 0 || strcmp(name, params[i].libpq) == 0)
            return (enum param)i;
    return P_NONE;
}

bool conn_param_known(const char *name)
{
    return param_of(name) != P_NONE;
}

const char *conn_param_name(const char *name)
{
    enum param p = param_of(name);
    return p == P_NONE ? NULL : params[p].name;
}

const char *conn_tls_mode_name(enum db_tls_mode mode)
{
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
        if (modes[i].mode == mode)
            return modes[i].mysql;
    return "";
}

static int mode_set(struct db_target *t, const char *name, const char *value, char *err, size_t errlen)
{
    char up[24];
    size_t n = strlen(value);
    if (n < sizeof up) {
        for (size_t i = 0; i <= n; i++)
            up[i] = value[i] == '-' ? '_' : (char)toupper((unsigned char)value[i]);
        for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++)
            if (strcmp(up, modes[i].mysql) == 0 || strcmp(up, modes[i].libpq) == 0) {
                t->tls.mode = modes[i].mode;
                return 0;
            }
    }
    return errorf(err, errlen, "%s=%s: must be DISABLED, PREFERRED, REQUIRED, VERIFY_CA or "
                  "VERIFY_IDENTITY", name, value);
}

static int file_set(char *out, size_t outlen, const char *name, const char *value, char *err,
                    size_t errlen)
{
    if (!*value)
        return errorf(err, errlen, "%s: give a file", name);
    if (strlen(value) >= outlen)
        return errorf(err, errlen, "%s: the path is too long", name);
    if (access(value, R_OK) != 0)
        return errorf(err, errlen, "%s=%s: cannot read it (%s)", name, value, strerror(errno));
    strcpy(out, value);
    return 0;
}

int conn_param_set(struct db_target *t, const char *name, const char *value, char *err,
                   size_t errlen)
{
    switch (param_of(name)) {
    case P_MODE:
        return mode_set(t, name, value, err, errlen);
    case P_CA:
        return file_set(t->tls.ca, sizeof t->tls.ca, name, value, err, errlen);
    case P_CERT:
        return file_set(t->tls.cert, sizeof t->tls.cert, name, value, err, errlen);
    case P_KEY:
        return file_set(t->tls.key, sizeof t->tls.key, name, value, err, errlen);
    case P_TIMEOUT: {
        char *end;
        errno = 0;
        long s = strtol(value, &end, 10);
        if (errno || end == value || *end || !isdigit((unsigned char)*value) || s < 1 || s > 3600)
            return errorf(err, errlen, "%s=%s: must be seconds from 1 to 3600", name, value);
        t->connect_timeout_s = (unsigned)s;
        return 0;
    }
    case P_NONE:
        break;
    }
    return 1;
}

int conn_params_check(const struct db_target *t, char *err, size_t errlen)
{
    if (!t->tls.cert[0] != !t->tls.key[0])
        return errorf(err, errlen, "ssl-cert and ssl-key go together: give both (the client "
                      "certificate and its key) or neither");
    if (t->tls.mode == DB_TLS_VERIFY_CA && !t->tls.ca[0])
        return errorf(err, errlen, "ssl-mode=VERIFY_CA needs ssl-ca=FILE: the CA the server's "
                      "certificate must chain to");
    return 0;
}
