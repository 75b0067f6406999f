#!/usr/bin/env bash
# sqlite.sh — the SQLite driver (--engine=sqlite: a private file; --dsn=sqlite:///FILE): under a
# forced race (--lockstep, or a --think-time window) naive oversells across connections and the
# conditional UPDATE (atomic, checked with changes()) never does; a deferred read-then-write
# transaction fails with busy (lock_timeout, lost sales) where BEGIN IMMEDIATE queues in the busy
# handler (seen as blocked by --lockstep); checkout's naive oversells where atomic and immediate
# never do; the safe strategies hold at 200 buyers; strategies
# with no SQLite meaning are refused with exit 2; bad files (a missing directory, a read-only
# file, a file that is not SQLite, a file with foreign tables, a file another run holds) exit 3
# with one line and are left untouched.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

export TMPDIR=$TMP/tmp        # the private files' run directories: checked empty afterwards
mkdir -p "$TMPDIR"
sq=(--engine=sqlite)
# holds WHAT FILE: exit 0, every invariant holds, no unclassified error, the engine named (lib.sh).
holds() {
    engine_holds "$1" "$2" sqlite
}

# one_line WHAT: racesim's stderr is one "racesim: ..." line
one_line() {
    check "$1: one line on stderr (got: $(head -c 300 "$stderr_file"))" \
        [ "$(wc -l < "$stderr_file")" = 1 -a -n "$(grep '^racesim: ' "$stderr_file")" ]
}

# --- the anomaly and its absence under lockstep: both buyers read the last unit first
run_json "$TMP/naive-ls.json" "${sq[@]}" --scenario=stock --strategy=naive --users=2 --stock=1 --qty=1 --lockstep
check "stock naive, lockstep: exit 1 (got $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 1 ]
check "stock naive, lockstep: oversell = 1 across two connections (got $(inv "$TMP/naive-ls.json" oversell))" \
    [ "$(inv "$TMP/naive-ls.json" oversell)" = 1 ]
for s in atomic immediate optimistic serializable; do
    run_json "$TMP/$s-ls.json" "${sq[@]}" --scenario=stock --strategy=$s --users=2 --stock=1 --qty=1 --lockstep
    holds "stock $s, lockstep" "$TMP/$s-ls.json"
    check "stock $s, lockstep: one sale, one out_of_stock" \
        [ "$(outcome "$TMP/$s-ls.json" ok)/$(outcome "$TMP/$s-ls.json" out_of_stock)" = 1/1 ]
done

# --- deferred read-then-write vs BEGIN IMMEDIATE, lockstep: each reads before either writes
run_json "$TMP/deferred-ls.json" "${sq[@]}" --scenario=stock --strategy=deferred --users=2 --stock=30 \
    --qty=20 --lockstep --trace="$TMP/deferred.trace"
holds "stock deferred, lockstep" "$TMP/deferred-ls.json"
check "stock deferred, lockstep: buyer 2 cannot upgrade its read: busy (lock_timeout), one sale lost" \
    [ "$(outcome "$TMP/deferred-ls.json" ok)/$(outcome "$TMP/deferred-ls.json" lock_timeout)" = 1/1 ]
check "stock deferred: the error is SQLite's busy (code 5), not waited for" \
    jqe '.counts.errors[0].code == "5" and (.counts.errors[0].message | test("would not wait"))' "$TMP/deferred-ls.json"
"$RACESIM" "${sq[@]}" --scenario=stock --strategy=immediate --users=2 --stock=30 --qty=20 --lockstep \
    --trace="$TMP/immediate.trace" --quiet > /dev/null 2>&1
check "stock immediate, lockstep: buyer 2 waits in the busy handler (blocked in the trace)" \
    grep -q '⏳ blocked' "$TMP/immediate.trace"
check "stock immediate, lockstep: and goes on when buyer 1 commits" \
    grep -q 'COMMIT .*│ BEGIN IMMEDIATE (no longer blocked)' "$TMP/immediate.trace"
# the same trace every run (the busy handler's wait is read, not timed)
same=0
for i in 1 2 3 4 5; do
    rm -f "$TMP/again.trace"
    "$RACESIM" "${sq[@]}" --scenario=stock --strategy=immediate --users=2 --stock=30 --qty=20 --lockstep \
        --trace="$TMP/again.trace" --quiet > /dev/null 2>&1
    cmp -s "$TMP/immediate.trace" "$TMP/again.trace" && same=$((same + 1))
done
check "stock immediate, lockstep: the same trace in 5 runs of 5 (got $same)" [ "$same" = 5 ]

# --- a 20 ms race window, 20 buyers for 5 units
race=(--scenario=stock --users=20 --stock=5 --qty=1 --think-time=20 --seed=3)
run_json "$TMP/naive-race.json" "${sq[@]}" "${race[@]}" --strategy=naive
check "stock naive, race window: oversells (got $(inv "$TMP/naive-race.json" oversell))" \
    [ "$(inv "$TMP/naive-race.json" oversell)" -ge 1 ]
run_json "$TMP/atomic-race.json" "${sq[@]}" "${race[@]}" --strategy=atomic
holds "stock atomic, race window" "$TMP/atomic-race.json"
check "stock atomic, race window: exactly the 5 units sold" [ "$(outcome "$TMP/atomic-race.json" ok)" = 5 ]
run_json "$TMP/deferred-race.json" "${sq[@]}" "${race[@]}" --strategy=deferred
holds "stock deferred, race window" "$TMP/deferred-race.json"
check "stock deferred, race window: racing buyers fail with busy ($(outcome "$TMP/deferred-race.json" lock_timeout)) and sales are lost ($(outcome "$TMP/deferred-race.json" ok) of 5 sold)" \
    [ "$(outcome "$TMP/deferred-race.json" lock_timeout)" -ge 1 -a "$(outcome "$TMP/deferred-race.json" ok)" -lt 5 ]
run_json "$TMP/immediate-race.json" "${sq[@]}" "${race[@]}" --strategy=immediate
holds "stock immediate, race window" "$TMP/immediate-race.json"
check "stock immediate, race window: buyers queue: 5 sold, no busy" \
    [ "$(outcome "$TMP/immediate-race.json" ok)/$(outcome "$TMP/immediate-race.json" lock_timeout)" = 5/0 ]

# --- the safe strategies at 200 buyers, 2 seeds (1 under a sanitizer: lib.sh rounds)
for s in atomic immediate optimistic serializable; do
    for seed in $(seq 1 "$(rounds 2 1)"); do
        out=$TMP/stock-$s-$seed.json
        run_json "$out" "${sq[@]}" --scenario=stock --strategy="$s" --users=200 --seed="$seed"
        holds "stock $s, 200 buyers, seed $seed" "$out"
        [ -s "$out" ] && check "stock $s seed $seed: every buyer finished" [ "$(jq .counts.purchases "$out")" = 200 ]
    done
done

# --- coupon: identical requests in a 20 ms window
craces=(--scenario=coupon --users=20 --customers=2 --max_uses=5 --think-time=20 --seed=7)
run_json "$TMP/coupon-naive.json" "${sq[@]}" "${craces[@]}" --strategy=naive
check "coupon naive: double redemption (got $(inv "$TMP/coupon-naive.json" redeemed_twice))" \
    [ "$(inv "$TMP/coupon-naive.json" redeemed_twice)" -ge 1 ]
run_json "$TMP/coupon-unique.json" "${sq[@]}" "${craces[@]}" --strategy=unique
holds "coupon unique" "$TMP/coupon-unique.json"
check "coupon unique: the key refused the duplicates (SQLITE_CONSTRAINT_UNIQUE → already_used)" \
    [ "$(outcome "$TMP/coupon-unique.json" already_used)" -ge 1 ]
for s in immediate serializable; do
    run_json "$TMP/coupon-$s.json" "${sq[@]}" "${craces[@]}" --strategy=$s
    holds "coupon $s" "$TMP/coupon-$s.json"
done
for sc in "seats atomic" "seats immediate" "transfer atomic" "transfer immediate"; do
    set -- $sc
    run_json "$TMP/$1-$2.json" "${sq[@]}" --scenario=$1 --strategy=$2 --users=50 --seed=5
    holds "$1 $2, 50 buyers" "$TMP/$1-$2.json"
done
run_json "$TMP/seats-naive.json" "${sq[@]}" --scenario=seats --strategy=naive --users=2 --seats=1 --lockstep
check "seats naive, lockstep: a seat booked twice" [ "$(inv "$TMP/seats-naive.json" double_booked)" = 1 ]

# --- checkout (carts, the order id by last_insert_rowid()): lockstep on the last unit, then
# 50 carts in a 20 ms window; naive oversells, atomic and immediate never, no cart partial
run_json "$TMP/co-naive-ls.json" "${sq[@]}" --scenario=checkout --strategy=naive --users=2 --products=1 \
    --stock=1 --qty=1 --lockstep
check "checkout naive, lockstep: exit 1 (got $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 1 ]
check "checkout naive, lockstep: oversell = 1 (got $(inv "$TMP/co-naive-ls.json" oversell))" \
    [ "$(inv "$TMP/co-naive-ls.json" oversell)" = 1 ]
for s in atomic immediate; do
    run_json "$TMP/co-$s-ls.json" "${sq[@]}" --scenario=checkout --strategy=$s --users=2 --products=1 \
        --stock=1 --qty=1 --lockstep
    holds "checkout $s, lockstep" "$TMP/co-$s-ls.json"
    check "checkout $s, lockstep: one sale, one out_of_stock" \
        [ "$(outcome "$TMP/co-$s-ls.json" ok)/$(outcome "$TMP/co-$s-ls.json" out_of_stock)" = 1/1 ]
done
corace=(--scenario=checkout --users=50 --products=3 --stock=5 --think-time=20 --seed=4)
run_json "$TMP/co-naive.json" "${sq[@]}" "${corace[@]}" --strategy=naive
check "checkout naive, 20 ms window: oversells (got $(inv "$TMP/co-naive.json" oversell))" \
    [ "$rc" = 1 -a "$(inv "$TMP/co-naive.json" oversell)" -gt 0 ]
check "checkout naive: every order has all its lines (last_insert_rowid read once)" \
    [ "$(inv "$TMP/co-naive.json" partial_order)" = 0 ]
for s in atomic immediate; do
    run_json "$TMP/co-$s.json" "${sq[@]}" "${corace[@]}" --strategy=$s
    holds "checkout $s, 20 ms window" "$TMP/co-$s.json"
    check "checkout $s: some carts sold, some turned away" \
        [ "$(outcome "$TMP/co-$s.json" ok)" -gt 0 -a "$(outcome "$TMP/co-$s.json" out_of_stock)" -gt 0 ]
done
run_json "$TMP/co-fu.json" "${sq[@]}" --scenario=checkout --strategy=for-update-sorted --users=2
check "checkout for-update-sorted on SQLite: exit 2 (got $rc)" [ "$rc" = 2 ]

# --- no SQLite meaning: refused before anything runs, and racesim list says so
run_json "$TMP/fu.json" "${sq[@]}" --scenario=stock --strategy=for-update --users=2
check "stock for-update on SQLite: exit 2 (got $rc)" [ "$rc" = 2 ]
one_line "stock for-update on SQLite"
check "stock for-update on SQLite: names what to use" grep -q 'no meaning on sqlite.*immediate' "$stderr_file"
check "racesim list: seats skip-locked is not on sqlite" \
    bash -c "'$RACESIM' list --scenario=seats | grep -q '^  not on sqlite: skip-locked — '"

# --- --dsn=sqlite:///FILE: a file of the test's own, reused; the journal mode it asks for
db=$TMP/shop.db
run_json "$TMP/dsn1.json" --dsn="sqlite://$db" --scenario=stock --strategy=atomic --users=10
holds "--dsn=sqlite://FILE" "$TMP/dsn1.json"
check "--dsn: WAL by default (preflight)" jqe '.server.variables.journal_mode == "wal"' "$TMP/dsn1.json"
run_json "$TMP/dsn2.json" --dsn="sqlite://$db?journal=delete&busy_timeout=250" --scenario=coupon --strategy=unique --users=10
holds "--dsn again on the same file, another scenario" "$TMP/dsn2.json"
check "--dsn ?journal=delete&busy_timeout=250 shown in preflight" \
    jqe '.server.variables.journal_mode == "delete" and .server.variables.busy_timeout == "250 ms"' "$TMP/dsn2.json"
check "journal=delete: the file left WAL (no -wal file after the run)" [ ! -e "$db-wal" ]
# another run holds the file (an flock, as racesim's own): refused with one line
(exec 9< "$db"; flock 9; exec sleep 30) &
holder=$!
sleep 0.3
run_json "$TMP/held.json" --dsn="sqlite://$db" --scenario=stock --strategy=atomic --users=2
check "a file another run holds: exit 3 (got $rc)" [ "$rc" = 3 ]
one_line "a file another run holds"
check "a file another run holds: says so" grep -q 'in use by another racesim run' "$stderr_file"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# --- bad files: exit 2 or 3, one line, nothing touched
untouched() {     # WHAT FILE SUM: exit 3, one line, same bytes, no journal files beside it
    check "$1: exit 3 (got $rc)" [ "$rc" = 3 ]
    one_line "$1"
    check "$1: the file is untouched" [ "$(md5sum < "$2")" = "$3" ]
    check "$1: no journal, WAL or shm file made" \
        [ ! -e "$2-wal" -a ! -e "$2-shm" -a ! -e "$2-journal" ]
}
run_json "$TMP/missing.json" --dsn="sqlite://$TMP/no/such/dir/x.db" --scenario=stock --strategy=naive --users=2
check "a path in a missing directory: exit 3 (got $rc)" [ "$rc" = 3 ]
one_line "a path in a missing directory"
check "a path in a missing directory: nothing made" [ ! -e "$TMP/no" ]
printf 'not a database, just text\n%.0s' {1..50} > "$TMP/text.db"
sum=$(md5sum < "$TMP/text.db")
run_json "$TMP/text.json" --dsn="sqlite://$TMP/text.db" --scenario=stock --strategy=naive --users=2
untouched "a file that is not SQLite" "$TMP/text.db" "$sum"
cp "$db" "$TMP/ro.db"
chmod 444 "$TMP/ro.db"
sum=$(md5sum < "$TMP/ro.db")
run_json "$TMP/ro.json" --dsn="sqlite://$TMP/ro.db" --scenario=stock --strategy=naive --users=2
untouched "a read-only file" "$TMP/ro.db" "$sum"
check "a read-only file: says so" grep -q 'read-only' "$stderr_file"
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("CREATE TABLE customers (id INT)"); c.commit()' \
    "$TMP/foreign.db"
sum=$(md5sum < "$TMP/foreign.db")
run_json "$TMP/foreign.json" --dsn="sqlite://$TMP/foreign.db" --scenario=stock --strategy=naive --users=2
untouched "a file with tables racesim did not create" "$TMP/foreign.db" "$sum"
for bad in "sqlite://relative.db" "sqlite://$db?journal=memory" "sqlite://$db?busy_timeout=x"; do
    run_json "$TMP/bad.json" --dsn="$bad" --scenario=stock --strategy=naive --users=2
    check "--dsn=$bad: exit 2 (got $rc)" [ "$rc" = 2 ]
    one_line "--dsn=$bad"
done

check "the private files' run directories are all removed" [ -z "$(ls -A "$TMPDIR")" ]
finish
