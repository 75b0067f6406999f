#!/usr/bin/env bash
# shared_database.sh — two racesim processes on one --dsn database: the second never shares the
# first one's tables. It is refused (exit 3) naming the holder; the first keeps its true verdict;
# once the first has ended, the database is free again. The server is the test's own MariaDB.
# Usage: shared_database.sh RACESIM
RACESIM=$1
source "$(dirname "$0")/lib.sh"

start_shared_server || { echo "FAIL - cannot start the test's MariaDB"; exit 1; }

# wait_for_claim PID: until racesim PID holds the database (its lock and its owner row).
wait_for_claim() {
    local tries=0
    until [ "$(shared_sql "SELECT pid FROM racesim.racesim_owner
                           WHERE connection_id = IS_USED_LOCK('racesim:racesim')" 2>/dev/null)" = "$1" ]; do
        tries=$((tries + 1))
        kill -0 "$1" 2>/dev/null && [ $tries -lt 1200 ] || return 1
        sleep 0.05
    done
}

# Run A: a correct strategy, held alive by the race window (for-update: the buyers take turns,
# 4 x 25 purchases x 100 ms, at least 10 s). Once it has claimed the database, it is stopped
# (SIGSTOP: its connections and its lock stay) while run B tries, so B always meets it.
"$RACESIM" --strategy=for-update --users=4 --rounds=25 --think-time=100 --dsn="$SHARED_DSN" \
    --format=json --quiet >"$TMP/a.json" 2>"$TMP/a.err" &
a=$!
check "run A claims the database (its lock and its owner row with its pid)" wait_for_claim $a
kill -STOP $a

run_json "$TMP/b.json" --strategy=atomic --users=30 --dsn="$SHARED_DSN"
check "run B on the same database is refused with exit 3 (got $rc)" [ "$rc" = 3 ]
check "B's one line names the holder: A's pid and its server connection" \
    grep -q "in use by another racesim run (racesim pid $a on host .*server connection [0-9]" "$stderr_file"
check "B's refusal is one line" [ "$(wc -l <"$stderr_file")" = 1 ]
check "B gave no verdict" [ ! -s "$TMP/b.json" ]

run_json "$TMP/c.json" compare --strategies=atomic,naive --users=10 --dsn="$SHARED_DSN"
check "compare on the same database is refused with exit 3 too (got $rc)" [ "$rc" = 3 ]
run_json "$TMP/d.json" --strategy=atomic --users=10 --dsn="$SHARED_DSN" --database=other
check "meanwhile another --database on the same server is free (exit $rc)" [ "$rc" = 0 ]

kill -CONT $a
wait $a
rc_a=$?
check "run A ends with its true verdict: exit 0 (got $rc_a: $(head -c 200 "$TMP/a.err"))" [ "$rc_a" = 0 ]
check "run A: every invariant holds, 100 purchases made ($(jq -c .counts.purchases "$TMP/a.json"))" \
    eval 'all_hold "$TMP/a.json" && [ "$(jq .counts.purchases "$TMP/a.json")" = 100 ]'

run_json "$TMP/e.json" --strategy=atomic --users=30 --dsn="$SHARED_DSN"
check "after A, the database is free: a run gets it and its verdict (exit $rc)" \
    eval '[ "$rc" = 0 ] && all_hold "$TMP/e.json"'
check "the owner row names the last run's connection, no longer locked" \
    [ "$(shared_sql "SELECT IS_USED_LOCK('racesim:racesim') IS NULL")" = 1 ]
finish
