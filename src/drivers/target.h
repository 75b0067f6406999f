/* target.h — the connection target of --dsn, built from its sources in the MySQL clients' order. */
#ifndef RACESIM_TARGET_H
#define RACESIM_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"

/* Where a --dsn connection's settings come from, lowest first: option files (read once per
 * process and kept), the DSN, then connection parameters given as options. */
struct target_sources {
    const char *dsn;
    const char *const *param_names;   /* conn_param.h names; n_params of them */
    const char *const *param_values;
    size_t n_params;
    const char *defaults_file;        /* NULL: the driver's usual option files */
    bool no_defaults;                 /* read no option file */
};

/* Fills t (zeroed first) from src: the user defaults to $USER; a socket an option file names is
 * dropped when the DSN names a host other than localhost (TCP, as the MySQL clients take it); the
 * parameters are checked together. The password: RACESIM_PASSWORD, else an option file's, else
 * the client library's variable (MYSQL_PWD, PGPASSWORD), as the MySQL clients rank them; t keeps
 * a pointer to it, valid for the process. Returns 0, or -1 with a one-line reason in err (bad
 * input: exit 2). */
int target_build(const struct target_sources *src, struct db_target *t, char *err, size_t errlen);

/* The targets of a cluster's nodes: each of dsns[0..n_dsns) (a repeated --dsn) names one node,
 * or several with a host list (dsn.h dsn_nodes); each is built as target_build builds src->dsn,
 * into nodes[0..*n_nodes). The nodes must be of one engine and name one database (else bad
 * input). Returns 0, or -1 with a one-line reason in err (bad input: exit 2), also when they
 * are more than max. */
int target_build_nodes(const struct target_sources *src, const char *const *dsns, size_t n_dsns,
                       struct db_target *nodes, int max, int *n_nodes, char *err, size_t errlen);

#endif
