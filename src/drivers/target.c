/* target.c — the connection target of --dsn: option files, then the DSN, then options. */
#include "target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn_param.h"
#include "driver.h"
#include "dsn.h"
#include "errmsg.h"

/* What the option files said, read once for the same sources (cli_parse validates, each run
 * connects). */
static struct {
    bool read;
    char file[PATH_MAX];             /* the sources read: --defaults-file ("" : none), */
    bool no_defaults;                /* --no-defaults */
    int rc;
    char err[PATH_MAX + 256];
    struct db_target t;
    char *password;
    bool socket_set;
} files;

static void default_user(struct db_target *t)
{
    const char *user = getenv("USER");
    snprintf(t->user, sizeof t->user, "%s", user && *user ? user : "root");
}

/* Reads the option files into files.t once; later calls with the same sources return what the
 * first found. */
static int read_files(const struct target_sources *src, char *err, size_t errlen)
{
    const struct db_driver *d = db_driver_current();
    const char *file = src->defaults_file ? src->defaults_file : "";
    if (!files.read || strcmp(files.file, file) != 0 || files.no_defaults != src->no_defaults) {
        if (files.password)
            memset(files.password, 0, strlen(files.password));
        free(files.password);
        memset(&files, 0, sizeof files);
        files.read = true;
        snprintf(files.file, sizeof files.file, "%s", file);
        files.no_defaults = src->no_defaults;
        default_user(&files.t);
        if (d->read_option_files && !src->no_defaults)
            files.rc = d->read_option_files(src->defaults_file, &files.t, &files.password,
                                            &files.socket_set, files.err, sizeof files.err);
    }
    return files.rc ? errorf(err, errlen, "%s", files.err) : 0;
}

int target_build(const struct target_sources *src, struct db_target *t, char *err, size_t errlen)
{
    if (read_files(src, err, errlen))
        return -1;
    *t = files.t;
    if (dsn_parse(src->dsn, t, err, errlen))
        return -1;
    bool tcp = t->host[0] && strcmp(t->host, "localhost") != 0;
    if (files.socket_set && tcp && strcmp(t->socket, files.t.socket) == 0)
        t->socket[0] = '\0';       /* the option file's socket is for localhost */
    char why[PATH_MAX + 128];
    for (size_t i = 0; i < src->n_params; i++)
        if (conn_param_set(t, src->param_names[i], src->param_values[i], why, sizeof why))
            return errorf(err, errlen, "--%s", why);
    if (conn_params_check(t, why, sizeof why))
        return errorf(err, errlen, "--dsn: %s", why);
    t->password = dsn_password() ? dsn_password()
                  : files.password ? files.password : dsn_client_password();
    return 0;
}

int target_build_nodes(const struct target_sources *src, const char *const *dsns, size_t n_dsns,
                       struct db_target *nodes, int max, int *n_nodes, char *err, size_t errlen)
{
    *n_nodes = 0;
    if (max <= 0)
        return errorf(err, errlen, "--dsn: no room for a node");
    const char *engine = n_dsns ? db_driver_for_dsn(dsns[0], NULL) : NULL;
    for (size_t d = 0; d < n_dsns; d++) {
        const char *other = db_driver_for_dsn(dsns[d], NULL);
        if (!engine || !other || strcmp(engine, other) != 0)
            return errorf(err, errlen, "--dsn: the nodes of a cluster are of one engine, but "
                          "--dsn %zu names %s and --dsn 1 %s", d + 1, other ? other : "no engine",
                          engine ? engine : "no engine");
        int n = dsn_nodes(dsns[d], 0, NULL, 0, err, errlen);
        for (int i = 0; n > 0 && i < n; i++) {
            char dsn[2048];
            if (*n_nodes == max)
                return errorf(err, errlen, "--dsn: the list names more than %d nodes", max);
            if (dsn_nodes(dsns[d], i, dsn, sizeof dsn, err, errlen) < 0)
                return -1;
            struct target_sources one = *src;
            one.dsn = dsn;
            struct db_target *t = &nodes[*n_nodes];
            if (target_build(&one, t, err, errlen))
                return -1;
            for (int k = 0; k < *n_nodes; k++)
                if (t->database[0] && nodes[k].database[0] &&
                    strcmp(t->database, nodes[k].database) != 0)
                    return errorf(err, errlen, "--dsn: the nodes of a cluster hold one database, "
                                  "but node %d names `%s` and node %d `%s`", *n_nodes + 1,
                                  t->database, k + 1, nodes[k].database);
            (*n_nodes)++;
        }
        if (n < 0)
            return -1;
    }
    return 0;
}
