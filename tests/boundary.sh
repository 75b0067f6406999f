#!/usr/bin/env bash
# boundary.sh — nothing above src/drivers/ names an engine: no client header, no error number or
# SQLSTATE, no engine catalogue, variable, lock function or server binary. Fails on any hit,
# listing them. Usage: boundary.sh [SRC_DIR] (default: src/ next to this script's tests/).
set -u
src=${1:-$(dirname "$0")/../src}
[ -d "$src/drivers" ] || { echo "boundary.sh: no $src/drivers" >&2; exit 2; }

# one pattern a line (extended regex); each names what an engine owns
patterns=(
    '#include *[<"](mysql|mariadb/|libpq-fe|sqlite3|errmsg\.h>|mysqld_error)'   # a client's header
    '\bmysql_[a-z_]+\(|\bMYSQL(_[A-Z]+)?\b|\bPQ[a-z]+\('               # a client's API
    '\bsqlite3_[a-z_0-9]+|\bSQLITE_[A-Z_]+'                             # SQLite's API, result codes
    '\b(1020|1040|1062|1205|1213|1295|1927|2002|2003|2006|2008|2013|2055)\b'  # MariaDB error numbers
    '\b(40001|40P01|55P03|23505|57014)\b'                               # SQLSTATEs
    'information_schema|pg_catalog|pg_locks|pg_stat_activity|sqlite_(schema|master)'  # catalogues
    '[Ii][Nn][Nn][Oo][Dd][Bb]'                                          # InnoDB, innodb_*
    'mariadbd|mysqld|postgres\b|initdb|pg_ctl'                          # server binaries
    'GET_LOCK|RELEASE_LOCK|IS_USED_LOCK|pg_advisory'                    # named locks
    'SHOW (GRANTS|PROCESSLIST|ENGINE|GLOBAL)'                           # MySQL statements
    'FOREIGN_KEY_CHECKS|INSERT IGNORE|max_prepared_stmt_count|wsrep|tidb_' # MySQL dialect, variables
    '(FROM|INTO|TABLE|DATABASE|USE|EXISTS|UPDATE|JOIN) `'               # backquoted identifiers in SQL
)

hits=0
files=$(find "$src" -path "$src/drivers" -prune -o \( -name '*.c' -o -name '*.h' \) -print | sort)
for p in "${patterns[@]}"; do
    out=$(grep -nE -- "$p" $files)
    if [ -n "$out" ]; then
        echo "engine-specific above src/drivers/ ($p):"
        echo "$out" | sed 's/^/  /'
        hits=$((hits + 1))
    fi
done
n=$(echo "$files" | wc -l)
if [ "$hits" -gt 0 ]; then
    echo "FAIL: $hits pattern(s) matched in $n files outside src/drivers/"
    exit 1
fi
echo "ok: $n files outside src/drivers/ name no engine (${#patterns[@]} patterns)"
