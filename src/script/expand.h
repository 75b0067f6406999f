/* expand.h — IN (:list.field) in a statement: the SQL with one placeholder per list line. */
#ifndef RACESIM_EXPAND_H
#define RACESIM_EXPAND_H

#include <stddef.h>

/* Writes into out the compiled SQL sql (one '?' per :name, in order; quotes may hold a literal
 * '?') with each '?' whose expands[k] is true replaced by n placeholders "?, ?, ..." (n = 0:
 * "NULL", so IN (NULL) matches nothing). Returns 0, or -1 when out is too small or the '?'
 * count is not n_vars. */
int expand_sql(const char *sql, const int *expands, size_t n_vars, int n, char *out, size_t outlen);

#endif
