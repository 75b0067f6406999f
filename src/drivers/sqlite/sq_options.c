/* sq_options.c — the SQLite DSN: sqlite:///absolute/path.db and its options (journal mode,
 * busy_timeout, synchronous). */
#include "sqlite.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"

#define FORM "expected sqlite:///absolute/path/file.db[?journal=wal|delete&busy_timeout=MS" \
             "&synchronous=off|normal|full|extra]"

static bool one_of(const char *v, const char *const *allowed)
{
    for (; *allowed; allowed++)
        if (strcmp(v, *allowed) == 0)
            return true;
    return false;
}

/* Applies one KEY=VALUE to o. Returns 0, or -1 with the reason in err. */
static int option(const char *kv, size_t n, struct sq_options *o, char *err, size_t errlen)
{
    static const char *const journals[] = {"wal", "delete", NULL};
    static const char *const syncs[] = {"off", "normal", "full", "extra", NULL};
    char text[64];
    if (n >= sizeof text)
        return errorf(err, errlen, "--dsn: option '%.*s…' is too long", 20, kv);
    memcpy(text, kv, n);
    text[n] = '\0';
    char *eq = strchr(text, '=');
    if (!eq)
        return errorf(err, errlen, "--dsn: option '%s' needs a value (%s)", text, FORM);
    *eq = '\0';
    const char *v = eq + 1;
    if (strcmp(text, "journal") == 0 && one_of(v, journals)) {
        snprintf(o->journal, sizeof o->journal, "%s", v);
    } else if (strcmp(text, "synchronous") == 0 && one_of(v, syncs)) {
        snprintf(o->synchronous, sizeof o->synchronous, "%s", v);
    } else if (strcmp(text, "busy_timeout") == 0) {
        char *end;
        long ms = strtol(v, &end, 10);
        if (!isdigit((unsigned char)*v) || *end || ms < 0 || ms > SQ_BUSY_TIMEOUT_MAX_MS)
            return errorf(err, errlen, "--dsn: busy_timeout=%s: milliseconds from 0 to %d", v,
                          SQ_BUSY_TIMEOUT_MAX_MS);
        o->busy_timeout_ms = (int)ms;
    } else {
        return errorf(err, errlen, "--dsn: option %s=%s is not known (%s)", text, v, FORM);
    }
    return 0;
}

static int read_options(const char *q, struct sq_options *o, char *err, size_t errlen)
{
    memset(o, 0, sizeof *o);
    snprintf(o->journal, sizeof o->journal, "wal");
    o->busy_timeout_ms = SQ_BUSY_TIMEOUT_MS;
    while (q && *q) {
        size_t n = strcspn(q, "&");
        if (n && option(q, n, o, err, errlen))
            return -1;
        q += n + (q[n] == '&');
    }
    return 0;
}

int sq_options_read(const char *text, struct sq_options *o)
{
    char ignored[256];
    return read_options(text, o, ignored, sizeof ignored);
}

int sq_dsn_parse(const char *rest, struct db_target *t, char *err, size_t errlen)
{
    const char *q = strchr(rest, '?');
    size_t n = q ? (size_t)(q - rest) : strlen(rest);
    if (n < 2 || rest[0] != '/' || rest[n - 1] == '/')
        return errorf(err, errlen, "--dsn: %s", FORM);
    if (n >= sizeof t->socket)
        return errorf(err, errlen, "--dsn: the file's path is too long");
    struct sq_options o;
    if (read_options(q ? q + 1 : NULL, &o, err, errlen))
        return -1;
    if (q && strlen(q + 1) >= sizeof t->options)
        return errorf(err, errlen, "--dsn: the options are too long");
    memcpy(t->socket, rest, n);
    t->socket[n] = '\0';
    snprintf(t->options, sizeof t->options, "%s", q ? q + 1 : "");
    return 0;
}
