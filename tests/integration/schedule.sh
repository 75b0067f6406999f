#!/usr/bin/env bash
# schedule.sh — --schedule runs the buyers' statements in the order given: naive oversells in
# one order and not in another; for-update shows buyer 2 waiting for buyer 1's lock until the
# COMMIT; a user lock's wait is seen in the process list; explore finds the one interleaving of
# tests/strategies/needle.sql that oversells, and its witness replays with --schedule to the
# same anomaly; bad schedules exit 2 with one line.
RACESIM=$1
source "$(dirname "$0")/lib.sh"
own_server || { echo "FAIL - no server"; exit 1; }
needle="$(dirname "$0")/../strategies/needle.sql"
base=(--users=2 --stock=1 --qty=1 --seed=1 --dsn="$DSN")

run_json "$TMP/a.json" --strategy=naive "${base[@]}" --schedule=1,2,1,2,1,2
check "naive --schedule=1,2,1,2,1,2: oversell (exit 1)" [ "$rc" = 1 -a "$(inv "$TMP/a.json" oversell)" = 1 ]
run_json "$TMP/b.json" --strategy=naive "${base[@]}" --schedule=1,1,1,2
check "naive --schedule=1,1,1,2: exit 0" [ "$rc" = 0 ]
check "naive --schedule=1,1,1,2: every invariant holds (no oversell)" all_hold "$TMP/b.json"
check "... buyer 2 read the stock after buyer 1 took it: out_of_stock" \
    [ "$(jq .counts.outcomes.out_of_stock.purchases "$TMP/b.json")" = 1 ]

run_json "$TMP/fu.json" --strategy=for-update "${base[@]}" --schedule=1,1,2,2,1,1,1 --trace
check "for-update --schedule=1,1,2,2,1,1,1: correct" [ "$rc" = 0 ]
check "for-update: buyer 2's SELECT ... FOR UPDATE waits at step 4 for buyer 1's lock" \
    jqe '[.trace[] | select(.event == "wait" and .buyer == 2 and .round == 4 and .blocker == 1)] | length == 1' "$TMP/fu.json"
check "for-update: ... and returns at step 7, buyer 1's COMMIT, seeing stock=0" \
    jqe '[.trace[] | select(.event == "sql" and .buyer == 2 and .round == 7 and (.text | test("FOR UPDATE.*stock=0")))] | length == 1' "$TMP/fu.json"

# a wait the InnoDB status does not show: a user lock (GET_LOCK), seen in the process list
run_json "$TMP/ul.json" --strategy="$(dirname "$0")/../strategies/user-lock.sql" "${base[@]}" --lockstep --trace
check "user-lock: buyer 2's GET_LOCK is seen waiting at step 2" \
    jqe '[.trace[] | select(.event == "wait" and .buyer == 2 and .round == 2)] | length == 1' "$TMP/ul.json"
check "... and returns at step 6, buyer 1's RELEASE_LOCK; then sees no stock" \
    jqe '([.trace[] | select(.event == "sql" and .buyer == 2 and .round == 6 and .waited_ms > 0)] | length == 1)
         and ([.trace[] | select(.event == "end" and .buyer == 2)][0].outcome == "out_of_stock")' "$TMP/ul.json"

"$RACESIM" explore --strategy="$needle" --dsn="$DSN" --format=json --quiet >"$TMP/n.json" 2>"$TMP/n.err"
schema_later "$TMP/n.json"
rc=$?
check "explore needle: exit 1 (an anomaly)" [ "$rc" = 1 ]
check "explore needle: exactly one schedule oversells" jqe '.anomalous == 1 and .broken.oversell == 1' "$TMP/n.json"
check "explore needle: every interleaving tried" jqe '.complete and .schedules > 1' "$TMP/n.json"
witness=$(jq -r .witness.schedule "$TMP/n.json")
check "explore needle: the witness is the needle (got $witness)" [ "$witness" = 1,2,2,1,1,1,1,2,2,2 ]
run_json "$TMP/w.json" --strategy="$needle" --users=2 --stock=1 --qty=1 --dsn="$DSN" --schedule="$witness"
check "the witness replayed with --schedule oversells again" [ "$rc" = 1 -a "$(inv "$TMP/w.json" oversell)" = 1 ]
run_json "$TMP/w2.json" --strategy="$needle" --users=2 --stock=1 --qty=1 --dsn="$DSN" --lockstep
check "... while round-robin (--lockstep) does not" [ "$rc" = 0 ]

NO_COLOR=1 "$RACESIM" explore --strategy="$needle" --dsn="$DSN" --quiet >"$TMP/n.txt" 2>&1
check "explore text: the witness as --schedule=" grep -q "^shortest anomalous schedule (10 steps): --schedule=1,2,2,1,1,1,1,2,2,2$" "$TMP/n.txt"
check "explore text: drawn as a timeline by step" grep -qE "^ +step │ buyer 1" "$TMP/n.txt"
check "explore text: the verdict counts schedules" grep -qE "^verdict: ANOMALY in 1 of [0-9]+ schedules" "$TMP/n.txt"

"$RACESIM" explore --strategy=atomic --dsn="$DSN" --max-schedules=3 --format=json --quiet >"$TMP/m.json"
schema_later "$TMP/m.json"
check "--max-schedules=3: 3 run, and said to be cut" jqe '.schedules == 3 and (.complete | not)' "$TMP/m.json"

bad() {
    local what=$1
    shift
    "$RACESIM" "$@" >"$TMP/bad.out" 2>"$TMP/bad.err"
    local code=$?
    check "$what: exit 2 with one line (got $code: $(head -c 120 "$TMP/bad.err"))" \
        [ "$code" = 2 -a "$(wc -l <"$TMP/bad.err")" = 1 -a ! -s "$TMP/bad.out" ]
}
bad "--schedule naming buyer 0" --strategy=naive --users=2 --schedule=1,0,2
bad "--schedule naming buyer 3 of 2" --strategy=naive --users=2 --schedule=1,2,3
bad "--schedule malformed (1,,2)" --strategy=naive --users=2 --schedule=1,,2
bad "--schedule malformed ((1,2)*)" --strategy=naive --users=2 --schedule='(1,2)*'
bad "--schedule malformed (a)" --strategy=naive --users=2 --schedule=a
bad "explore --users=5 without --max-schedules" explore --strategy=naive --users=5
bad "explore --users=1" explore --strategy=naive --users=1
bad "explore --schedule" explore --strategy=naive --schedule=1,2
"$RACESIM" --strategy=naive "${base[@]}" --schedule=1,1,1,1,2 --quiet >"$TMP/f.out" 2>"$TMP/f.err"
code=$?
check "a schedule naming a finished buyer: exit 2 (got $code)" [ "$code" = 2 ]
check "... said so, in one line" \
    bash -c '[ "$(wc -l <"$1")" = 1 ] && grep -q "$2" "$1"' _ "$TMP/f.err" "^racesim: --schedule: step 4 names buyer 1, who has finished$"
"$RACESIM" --strategy=for-update "${base[@]}" --schedule=1,1,2,2,2 --quiet >"$TMP/f.out" 2>"$TMP/f.err"
code=$?
check "a schedule naming a blocked buyer: exit 2 (got $code)" [ "$code" = 2 ]
check "... said so, in one line" \
    bash -c '[ "$(wc -l <"$1")" = 1 ] && grep -q "$2" "$1"' _ "$TMP/f.err" "^racesim: --schedule: step 5 names buyer 2, who is waiting for buyer 1's lock$"
# the lock output is a server-wide setting: on for the run, off again after (it was off here)
check "innodb_status_output_locks is off again after the runs (got $(shared_sql 'SELECT @@GLOBAL.innodb_status_output_locks'))" \
    [ "$(shared_sql 'SELECT @@GLOBAL.innodb_status_output_locks')" = 0 ]
finish
