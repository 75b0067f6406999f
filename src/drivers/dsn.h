/* dsn.h — parse mysql://user@host:port/db?socket=PATH&ssl-mode=... into a connection target. */
#ifndef RACESIM_DSN_H
#define RACESIM_DSN_H

#include <stddef.h>

#include "db.h"

/* Parses text into t (host, port, user, socket, and database when the DSN names one; the query's
 * connection parameters, conn_param.h; other fields untouched). A password in the DSN is refused:
 * it must come from RACESIM_PASSWORD. An unknown query parameter is refused, naming the accepted
 * ones. Parameters are not checked together (conn_params_check, once every source is applied).
 * Returns 0, or -1 with a one-line reason in err. */
int dsn_parse(const char *text, struct db_target *t, char *err, size_t errlen);

/* The nodes text names: a DSN whose host part is a list, SCHEME://user@h1:p1,h2:p2/db?KEY=V, names
 * one node per host (a cluster); any other DSN names 1. With out, writes the DSN of node i
 * (0-based) into it: the same DSN with host i alone (SCHEME://user@h2:p2/db?KEY=V). Returns the
 * number of nodes, or -1 with a one-line reason in err (an empty host in the list, i out of
 * range, out too small). */
int dsn_nodes(const char *text, int i, char *out, size_t outlen, char *err, size_t errlen);

/* Moves the passwords out of the environment into private memory: RACESIM_PASSWORD, and the
 * variable a client library would read by itself (db_password_envs: the drivers'; MYSQL_PWD,
 * PGPASSWORD). All are removed from the environment, so no child (the private server, gnuplot)
 * inherits them, and a private server's root is not sent a stray one. Call once at start,
 * before any thread. Never fails. */
void dsn_take_password(void);

/* The password RACESIM_PASSWORD held, or NULL when none was set. */
const char *dsn_password(void);

/* The password the client library's variable held (MYSQL_PWD, else PGPASSWORD), or NULL. */
const char *dsn_client_password(void);

#endif
