/* option_file.c — the MySQL clients' option files (my.cnf): [client] and [racesim] for --dsn. */
#include "mariadb.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conn_param.h"
#include "errmsg.h"
#include "sqltext.h"
#include "text.h"

#define INCLUDE_DEPTH_MAX 10

/* One key of [client] or [racesim], where it was found. */
struct entry {
    char key[64];
    char *value;               /* NULL: the key alone (a flag) */
    bool racesim;              /* [racesim], else [client] */
    char where[PATH_MAX + 16]; /* "FILE:LINE" */
};

struct entries {
    struct entry *v;
    size_t n, cap;
};

static void entries_free(struct entries *e)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->v[i].value) {
            memset(e->v[i].value, 0, strlen(e->v[i].value));   /* a password, perhaps */
            free(e->v[i].value);
        }
    free(e->v);
}

/* Cuts a comment (# outside quotes) off the end of a line, as the MySQL clients do. */
static void cut_comment(char *p)
{
    char quote = 0;
    bool escape = false;
    for (; *p; p++) {
        if ((*p == '\'' || *p == '"') && !escape)
            quote = !quote ? *p : quote == *p ? 0 : quote;
        if (!quote && *p == '#') {
            *p = '\0';
            return;
        }
        escape = quote && *p == '\\' && !escape;
    }
}

/* A value as the MySQL clients read it: quotes around it dropped, \n \t \r \b \s \\ \" \'
 * unescaped (in place). */
static void unquote(char *v)
{
    size_t n = strlen(v);
    if (n > 1 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
        memmove(v, v + 1, n - 2);
        v[n - 2] = '\0';
    }
    char *out = v;
    for (const char *p = v; *p; p++) {
        if (*p != '\\' || !p[1]) {
            *out++ = *p;
            continue;
        }
        const char *from = "ntrbs\\\"'", *to = "\n\t\r\b \\\"'";
        const char *k = strchr(from, p[1]);
        if (k) {
            *out++ = to[k - from];
            p++;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
}

static int read_file(const char *path, bool must_exist, int depth, struct entries *e, char *err,
                     size_t errlen);

/* !includedir DIR: every *.cnf in it, in name order. */
static int read_dir(const char *dir, int depth, struct entries *e, char *err, size_t errlen)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0)
        return 0;                      /* as the clients: a missing directory is skipped */
    int rc = 0;
    for (int i = 0; i < n; i++) {
        size_t len = strlen(names[i]->d_name);
        char path[PATH_MAX];
        if (rc == 0 && len > 4 && strcmp(names[i]->d_name + len - 4, ".cnf") == 0
            && snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name) < (int)sizeof path)
            rc = read_file(path, false, depth + 1, e, err, errlen);
        free(names[i]);
    }
    free(names);
    return rc;
}

static int add_entry(struct entries *e, const char *key, const char *value, bool racesim,
                     const char *path, int line, char *err, size_t errlen)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 16;
        struct entry *v = realloc(e->v, cap * sizeof *v);
        if (!v)
            return errorf(err, errlen, "%s: out of memory", path);
        e->v = v;
        e->cap = cap;
    }
    struct entry *x = &e->v[e->n];
    snprintf(x->key, sizeof x->key, "%s", key);
    x->value = value ? strdup(value) : NULL;
    if (value && !x->value)
        return errorf(err, errlen, "%s: out of memory", path);
    x->racesim = racesim;
    snprintf(x->where, sizeof x->where, "%s:%d", path, line);
    e->n++;
    return 0;
}

/* One line of a file in a group racesim reads: key[=value]. */
static int read_line(char *s, bool racesim, const char *path, int line, struct entries *e,
                     char *err, size_t errlen)
{
    char *eq = strchr(s, '=');
    char *value = NULL;
    if (eq) {
        *eq = '\0';
        value = text_trim(eq + 1);
        unquote(value);
    }
    char key[64];
    snprintf(key, sizeof key, "%s", text_trim(s));
    for (char *k = key; *k; k++)
        *k = *k == '_' ? '-' : (char)tolower((unsigned char)*k);
    const char *name = strncmp(key, "loose-", 6) == 0 ? key + 6 : key;
    return add_entry(e, name, value, racesim, path, line, err, errlen);
}

static int read_file(const char *path, bool must_exist, int depth, struct entries *e, char *err,
                     size_t errlen)
{
    if (depth > INCLUDE_DEPTH_MAX)
        return errorf(err, errlen, "%s: option files include each other too deeply", path);
    FILE *f = fopen(path, "r");
    if (!f)
        return must_exist ? errorf(err, errlen, "--defaults-file=%s: cannot read it (%s)", path,
                                   strerror(errno)) : 0;
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IWOTH)) {
        fprintf(stderr, "racesim: warning: the world-writable option file %s is ignored (as the "
                "MySQL clients do)\n", path);
        fclose(f);
        return 0;
    }
    char *buf = NULL;
    size_t cap = 0;
    int line = 0, rc = 0;
    enum { OTHER, CLIENT, RACESIM } group = OTHER;
    while (rc == 0 && getline(&buf, &cap, f) >= 0) {
        line++;
        char *s = text_trim(buf);
        if (strncmp(s, "!include", 8) == 0) {
            bool dir = strncmp(s, "!includedir", 11) == 0;
            char *arg = text_trim(s + (dir ? 11 : 8));
            rc = dir ? read_dir(arg, depth, e, err, errlen)
                     : read_file(arg, false, depth + 1, e, err, errlen);
            continue;
        }
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            char *close = strchr(s, ']');
            if (!close) {
                rc = errorf(err, errlen, "%s:%d: a group with no closing ']'", path, line);
                break;
            }
            *close = '\0';
            char *name = text_trim(s + 1);
            group = strcmp(name, "client") == 0 ? CLIENT : strcmp(name, "racesim") == 0 ? RACESIM : OTHER;
            continue;
        }
        if (group == OTHER)
            continue;
        cut_comment(s);
        rc = read_line(s, group == RACESIM, path, line, e, err, errlen);
    }
    if (buf) {
        memset(buf, 0, cap);
        free(buf);
    }
    fclose(f);
    return rc;
}

/* A boolean option: alone, 1/on/true/yes, or 0/off/false/no. Returns 1, 0, or -1. */
static int boolean(const char *v)
{
    static const char *yes[] = {"1", "on", "true", "yes"}, *no[] = {"0", "off", "false", "no"};
    if (!v)
        return 1;
    for (int i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return 1;
        if (strcasecmp(v, no[i]) == 0)
            return 0;
    }
    return -1;
}

static int copy_value(char *out, size_t outlen, const struct entry *x, char *err, size_t errlen)
{
    if (!x->value || !*x->value || strlen(x->value) >= outlen)
        return errorf(err, errlen, "%s: %s: give a value (at most %zu characters)", x->where,
                      x->key, outlen - 1);
    strcpy(out, x->value);
    return 0;
}

/* Applies one entry to t (and *password, *socket_set). */
static int apply(const struct entry *x, struct db_target *t, char **password, bool *socket_set,
                 char *err, size_t errlen)
{
    const char *k = x->key;
    if (strcmp(k, "password") == 0) {
        if (x->value) {                /* alone it means "prompt": racesim cannot */
            if (*password)
                memset(*password, 0, strlen(*password));
            free(*password);
            *password = strdup(x->value);
        }
        return 0;
    }
    if (strcmp(k, "user") == 0)
        return copy_value(t->user, sizeof t->user, x, err, errlen);
    if (strcmp(k, "host") == 0)
        return copy_value(t->host, sizeof t->host, x, err, errlen);
    if (strcmp(k, "socket") == 0) {
        *socket_set = true;
        return copy_value(t->socket, sizeof t->socket, x, err, errlen);
    }
    if (strcmp(k, "database") == 0 && x->racesim) {   /* [client]'s is another program's */
        if (copy_value(t->database, sizeof t->database, x, err, errlen))
            return -1;
        return database_name_is_valid(t->database) ? 0 : errorf(err, errlen,
               "%s: database=%s: must be 1 to 63 letters, digits and %s", x->where, t->database,
               DATABASE_NAME_PUNCT);
    }
    if (strcmp(k, "port") == 0) {
        char *end;
        long port = x->value ? strtol(x->value, &end, 10) : 0;
        if (!x->value || end == x->value || *end || port < 1 || port > 65535)
            return errorf(err, errlen, "%s: port must be a number from 1 to 65535", x->where);
        t->port = (unsigned)port;
        return 0;
    }
    bool skip = strcmp(k, "skip-ssl") == 0, verify = strcmp(k, "ssl-verify-server-cert") == 0;
    if (skip || verify || strcmp(k, "ssl") == 0) {
        int on = boolean(x->value);
        if (on < 0)
            return errorf(err, errlen, "%s: %s=%s: must be 0 or 1", x->where, k, x->value);
        if (verify && on)
            t->tls.mode = DB_TLS_VERIFY_IDENTITY;          /* the mariadb client's */
        else if (!verify && (skip || !on))
            t->tls.mode = DB_TLS_DISABLED;
        else if (!verify && t->tls.mode < DB_TLS_PREFERRED)
            t->tls.mode = DB_TLS_PREFERRED;                /* the mariadb client's --ssl */
        return 0;
    }
    char why[PATH_MAX + 128];
    int rc = conn_param_known(k) ? conn_param_set(t, k, x->value ? x->value : "", why, sizeof why) : 1;
    if (rc < 0)
        return errorf(err, errlen, "%s: %s", x->where, why);
    if (rc == 1 && x->racesim)
        return errorf(err, errlen, "%s: unknown option '%s' in [racesim] (accepted: user, password, "
                      "host, port, socket, database, ssl, %s)", x->where, k, CONN_PARAM_NAMES);
    return 0;                          /* [client] holds other programs' options too */
}

int mariadb_read_option_files(const char *file, struct db_target *t, char **password,
                              bool *socket_set, char *err, size_t errlen)
{
    struct entries e = {0};
    int rc = 0;
    if (file) {
        rc = read_file(file, true, 0, &e, err, errlen);
    } else {
        const char *home = getenv("HOME");
        struct passwd *pw = home && *home ? NULL : getpwuid(getuid());
        char mine[PATH_MAX];
        const char *files[] = {"/etc/my.cnf", "/etc/mysql/my.cnf", mine};
        snprintf(mine, sizeof mine, "%s/.my.cnf", home && *home ? home : pw ? pw->pw_dir : "/");
        for (size_t i = 0; rc == 0 && i < 3; i++)
            rc = read_file(files[i], false, 0, &e, err, errlen);
    }
    for (int pass = 0; rc == 0 && pass < 2; pass++)     /* [client], then [racesim] over it */
        for (size_t i = 0; rc == 0 && i < e.n; i++)
            if (e.v[i].racesim == (pass == 1))
                rc = apply(&e.v[i], t, password, socket_set, err, errlen);
    entries_free(&e);
    return rc ? -1 : 0;
}
