/* test_expand.c — IN (:list.field) rewriting: one placeholder per list line, quotes untouched. */
#include <string.h>

#include "check.h"
#include "expand.h"

static void expect(const char *sql, const int *ex, size_t n_vars, int n, const char *want)
{
    char out[256];
    int rc = expand_sql(sql, ex, n_vars, n, out, sizeof out);
    check(rc == 0 && strcmp(out, want) == 0, "%s with %d lines -> %s (got %s)", sql, n, want,
          rc ? "an error" : out);
}

int main(void)
{
    const int one[] = {1}, mixed[] = {0, 1, 0};
    expect("SELECT id FROM p WHERE id IN (?)", one, 1, 3, "SELECT id FROM p WHERE id IN (?, ?, ?)");
    expect("SELECT id FROM p WHERE id IN (?)", one, 1, 1, "SELECT id FROM p WHERE id IN (?)");
    expect("SELECT id FROM p WHERE id IN (?)", one, 1, 0, "SELECT id FROM p WHERE id IN (NULL)");
    expect("SELECT ? FROM p WHERE id IN (?) AND u = ?", mixed, 3, 2,
           "SELECT ? FROM p WHERE id IN (?, ?) AND u = ?");
    expect("SELECT 'why?' FROM p WHERE id IN (?)", one, 1, 2, "SELECT 'why?' FROM p WHERE id IN (?, ?)");
    expect("SELECT 'it\\'s?' FROM p WHERE id IN (?)", one, 1, 2, "SELECT 'it\\'s?' FROM p WHERE id IN (?, ?)");
    char small[8];
    check(expand_sql("SELECT id FROM p WHERE id IN (?)", one, 1, 3, small, sizeof small) == -1,
          "a buffer too small is an error, not an overflow");
    char out[64];
    check(expand_sql("SELECT ?, ?", one, 1, 1, out, sizeof out) == -1, "more '?' than names is an error");
    check(expand_sql("SELECT 1", one, 1, 1, out, sizeof out) == -1, "fewer '?' than names is an error");
    return check_summary();
}
