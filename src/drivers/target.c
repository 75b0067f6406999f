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
