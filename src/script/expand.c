/* expand.c — rewrite a compiled statement's list placeholders for a list of n lines. */
#include "expand.h"

#include <string.h>

static int put(char *out, size_t outlen, size_t *k, const char *s)
{
    size_t n = strlen(s);
    if (*k + n + 1 > outlen)
        return -1;
    memcpy(out + *k, s, n);
    *k += n;
    out[*k] = '\0';
    return 0;
}

static int placeholders(char *out, size_t outlen, size_t *k, int n)
{
    if (n == 0)
        return put(out, outlen, k, "NULL");
    for (int j = 0; j < n; j++)
        if (put(out, outlen, k, j ? ", ?" : "?"))
            return -1;
    return 0;
}

int expand_sql(const char *sql, const int *expands, size_t n_vars, int n, char *out, size_t outlen)
{
    size_t k = 0, var = 0;
    char quote = 0, one[2] = {0, 0};
    out[0] = '\0';
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == '\\' && quote != '`' && p[1]) {
                one[0] = *p++;
                if (put(out, outlen, &k, one))
                    return -1;
            } else if (*p == quote) {
                quote = 0;
            }
        } else if (*p == '\'' || *p == '"' || *p == '`') {
            quote = *p;
        } else if (*p == '?') {
            if (var >= n_vars)
                return -1;
            if (expands[var++] ? placeholders(out, outlen, &k, n) : put(out, outlen, &k, "?"))
                return -1;
            continue;
        }
        one[0] = *p;
        if (put(out, outlen, &k, one))
            return -1;
    }
    return var == n_vars ? 0 : -1;
}
