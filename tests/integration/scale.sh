#!/usr/bin/env bash
# scale.sh — thousands of buyers with a connection each: the private server allows the
# statements they prepare, racesim raises its own open-file limit, and where the server (--dsn)
# or the hard file limit cannot take them the run is refused up front (exit 2) with the fix.
# Usage: scale.sh RACESIM
RACESIM=$1
source "$(dirname "$0")/lib.sh"

# 3000 buyers x 6 statements (for-update) pass the default max_prepared_stmt_count (16382).
run_json "$TMP/big.json" --strategy=for-update --users=3000
check "3000 for-update buyers on the private server: exit 0 (got $rc: $(head -c 200 "$stderr_file"))" \
    eval '[ "$rc" = 0 ] && all_hold "$TMP/big.json"'

# A soft open-file limit below the buyers' connections is raised (the hard one allows it).
(ulimit -Sn 1024 && "$RACESIM" --strategy=atomic --users=1500 --quiet --format=json) >"$TMP/soft.json" 2>"$TMP/soft.err"
rc=$?
schema_later "$TMP/soft.json"
check "1500 buyers under a soft limit of 1024 open files: racesim raises it (exit $rc: $(head -c 200 "$TMP/soft.err"))" \
    eval '[ "$rc" = 0 ] && all_hold "$TMP/soft.json"'
# A hard limit below them: refused up front, with the fix.
(ulimit -n 1024 && "$RACESIM" --strategy=atomic --users=1500 --quiet) >/dev/null 2>"$TMP/hard.err"
rc=$?
check "1500 buyers under a hard limit of 1024 open files: exit 2 (got $rc)" [ "$rc" = 2 ]
check "... naming the limit and --pool: $(cat "$TMP/hard.err")" \
    grep -q "1500 connections need 1564 open files but the limit is 1024 (ulimit -Hn): use --pool=" "$TMP/hard.err"

# --dsn: the user's server allows 100 prepared statements; 20 for-update buyers need 20 x 6 + 1.
start_shared_server || { echo "FAIL - cannot start the test's MariaDB"; exit 1; }
shared_sql "SET GLOBAL max_prepared_stmt_count = 100"
run_json "$TMP/dsn.json" --strategy=for-update --users=20 --dsn="$SHARED_DSN"
check "--dsn, 20 buyers x 6 statements over max_prepared_stmt_count=100: exit 2 (got $rc)" [ "$rc" = 2 ]
check "... one line with the fix: $(cat "$stderr_file")" eval 'grep -q "20 buyers prepare up to 6 statements each, 121 in all, but the server.s max_prepared_stmt_count is 100: use --pool=16, or raise it (SET GLOBAL max_prepared_stmt_count = " "$stderr_file" && [ "$(wc -l <"$stderr_file")" = 1 ]'
check "... before any buyer ran: no statement left prepared" \
    [ "$(shared_sql "SHOW GLOBAL STATUS LIKE 'Prepared_stmt_count'" | cut -f2)" = 0 ]
run_json "$TMP/pool.json" --strategy=for-update --users=20 --pool=16 --dsn="$SHARED_DSN"
check "--dsn with the fix it names (--pool=16): exit 0 (got $rc: $(head -c 200 "$stderr_file"))" \
    eval '[ "$rc" = 0 ] && all_hold "$TMP/pool.json"'
finish
