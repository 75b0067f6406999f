#!/usr/bin/env bash
# pg_shared_database.sh — two racesim processes on one --dsn=postgres:// database: the second is
# refused (exit 3) while the first runs, also after the first has moved its connection into
# racesim's database (PostgreSQL has no USE: a reconnect, which must not drop the owner lock);
# the first keeps its true verdict; afterwards the database is free again.
# The server is the test's own throwaway PostgreSQL (scripts/pg-throwaway.sh).
# Usage: pg_shared_database.sh RACESIM
RACESIM=$1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../../scripts/pg-throwaway.sh"

pg_throwaway_start || { echo "FAIL - cannot start the test's PostgreSQL"; exit 1; }
trap 'pg_throwaway_stop; rm -rf "$TMP"' EXIT
DSN="postgres://postgres@/racesim?host=$PGT_SOCK"

# claimed PID: racesim PID has recorded itself as the owner in racesim's database (so its
# connection has moved there) and an advisory lock is held.
claimed() {
    [ "$(pg_throwaway_sql "SELECT pid FROM racesim_owner WHERE id = 1" racesim 2>/dev/null)" = "$1" ] &&
        [ "$(pg_throwaway_sql "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" -ge 1 ]
}
wait_for_claim() {
    local tries=0
    until claimed "$1"; do
        tries=$((tries + 1))
        kill -0 "$1" 2>/dev/null && [ $tries -lt 600 ] || return 1
        sleep 0.1
    done
}

# Run A: a correct strategy held alive by its race window (4 x 25 purchases x 100 ms); once it
# owns the database it is stopped (SIGSTOP: its sessions and lock stay) while B tries.
"$RACESIM" --strategy=for-update --users=4 --rounds=25 --think-time=100 --dsn="$DSN" \
    --format=json --quiet >"$TMP/a.json" 2>"$TMP/a.err" &
a=$!
check "run A claims the database (owner row with its pid, an advisory lock held)" wait_for_claim $a
kill -STOP $a
run_json "$TMP/b.json" --strategy=atomic --users=10 --dsn="$DSN"
check "run B on the same database is refused with exit 3 (got $rc: $(head -c 200 "$stderr_file"))" [ "$rc" = 3 ]
check "B's one line says the database is in use by another racesim run" \
    grep -q 'database "racesim" is in use by another racesim run' "$stderr_file"
check "B's line names the holder: A's pid and host, the server pid holding the lock" \
    grep -qE "\(racesim pid $a on host $(hostname | tr -c 'A-Za-z0-9._\n-' '?') since [0-9-]+ [0-9:]+, server pid [0-9]+ of postgres@" "$stderr_file"
check "B gave no verdict" [ ! -s "$TMP/b.json" ]
kill -CONT $a
wait $a
arc=$?
check "run A ends with its true verdict: exit 0 (got $arc: $(head -c 200 "$TMP/a.err"))" [ "$arc" = 0 ]
check "A's invariants all hold" all_hold "$TMP/a.json"
check "A's 100 purchases all counted" jqe '.counts.purchases == 100' "$TMP/a.json"
check "no advisory lock left once A has ended" \
    [ "$(pg_throwaway_sql "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")" = 0 ]
run_json "$TMP/c.json" --strategy=atomic --users=10 --dsn="$DSN"
check "a run after A has the database (exit $rc)" [ "$rc" = 0 ]
finish
