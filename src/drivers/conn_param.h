/* conn_param.h — the connection parameters a --dsn connection takes by name (TLS, connect
 * timeout): set the same way from the DSN's query, the command line and option files. */
#ifndef RACESIM_CONN_PARAM_H
#define RACESIM_CONN_PARAM_H

#include <stdbool.h>
#include <stddef.h>

#include "db.h"

/* The names conn_param_set accepts, for messages: "ssl-mode, ssl-ca, ssl-cert, ssl-key,
 * connect-timeout". */
#define CONN_PARAM_NAMES "ssl-mode, ssl-ca, ssl-cert, ssl-key, connect-timeout"

/* Whether name is a connection parameter (ssl-mode, ssl-ca, ssl-cert, ssl-key, connect-timeout,
 * or libpq's spelling: sslmode, sslrootcert, sslcert, sslkey, connect_timeout). */
bool conn_param_known(const char *name);

/* The MySQL spelling of a parameter name (sslrootcert -> "ssl-ca"; static storage), or NULL. */
const char *conn_param_name(const char *name);

/* Sets parameter name in t from value: ssl-mode (DISABLED, PREFERRED, REQUIRED, VERIFY_CA,
 * VERIFY_IDENTITY, any case, or libpq's disable, prefer, require, verify-ca, verify-full),
 * ssl-ca/ssl-cert/ssl-key (a readable file), connect-timeout (seconds, 1..3600). Returns 0, 1 when
 * name is no connection parameter (t untouched), or -1 with a one-line reason in err
 * ("ssl-mode=X: must be ..."; the caller prefixes where it came from). */
int conn_param_set(struct db_target *t, const char *name, const char *value, char *err,
                   size_t errlen);

/* Checks the parameters together once every source is applied: ssl-cert and ssl-key go
 * together; VERIFY_CA needs ssl-ca. Returns 0, or -1 with a one-line reason in err. */
int conn_params_check(const struct db_target *t, char *err, size_t errlen);

/* The MySQL spelling of a mode ("VERIFY_CA"); "" for DB_TLS_DEFAULT. */
const char *conn_tls_mode_name(enum db_tls_mode mode);

#endif
