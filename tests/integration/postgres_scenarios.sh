#!/usr/bin/env bash
# postgres_scenarios.sh SCENARIO — transfer or checkout on a private PostgreSQL (--engine=postgres):
# under --lockstep two crossing purchases (the seed draws A->B and B->A, or carts (1,2) and (2,1))
# deadlock with 40P01 when locks are taken in purchase order, and are retried; the ordered
# strategies, on the same draws, never deadlock; naive shows its anomaly under the same schedule
# and under a --think-time race window, the safe strategies do not.
RACESIM=$1
scenario=$2
source "$(dirname "$0")/lib.sh"

pg=(--engine=postgres --scenario="$scenario")
outcome() {
    jq --arg n "$2" '.counts.outcomes[$n].purchases // 0' "$1"
}
attempts() {
    jq --arg n "$2" '.counts.outcomes[$n].attempts // 0' "$1"
}
# deadlocks FILE: server errors with SQLSTATE 40P01
deadlocks() {
    jq '[.counts.errors[] | select(.code == "40P01") | .count] | add // 0' "$1"
}

# holds WHAT FILE: exit 0, every invariant holds, no unclassified server error.
holds() {
    check "$1: exit 0 (got $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 0 ]
    [ -s "$2" ] || return 0
    check "$1: every invariant holds" all_hold "$2"
    check "$1: no purchase ended in an unclassified server error" [ "$(outcome "$2" error)" = 0 ]
}

# violated WHAT FILE INVARIANT...: exit 1, each INVARIANT above 0, client and database agree.
violated() {
    local what=$1 file=$2
    shift 2
    check "$what: exit 1 (got $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 1 ]
    [ -s "$file" ] || return 0
    for name in "$@"; do
        check "$what: $name > 0 (got $(inv "$file" "$name"))" [ "$(inv "$file" "$name")" -gt 0 ]
    done
    check "$what: client and database still agree" [ "$(inv "$file" agreement)" = 0 ]
}

# crossing UNORDERED ORDERED ARGS...: under --lockstep and seed 1 (two purchases that lock the
# same two rows in opposite orders) UNORDERED deadlocks once (40P01), retried, both succeed;
# ORDERED, on the same draws, has no deadlock and both succeed.
crossing() {
    local unordered=$1 ordered=$2
    shift 2
    local s
    for s in "$unordered" "$ordered"; do
        run_json "$TMP/$s-ls.json" "${pg[@]}" --strategy="$s" --users=2 --lockstep --seed=1 "$@"
        holds "$s, crossing under lockstep" "$TMP/$s-ls.json"
        check "$s, crossing under lockstep: both purchases succeed" [ "$(outcome "$TMP/$s-ls.json" ok)" = 2 ]
    done
    check "$unordered in purchase order: the crossing deadlocks, 40P01 once (got $(deadlocks "$TMP/$unordered-ls.json"))" \
        [ "$(deadlocks "$TMP/$unordered-ls.json")" = 1 ]
    check "$unordered: the deadlock is the outcome 'deadlock' and was retried" \
        [ "$(attempts "$TMP/$unordered-ls.json" deadlock)/$(jq .counts.retries "$TMP/$unordered-ls.json")" = 1/1 ]
    check "$ordered: the same crossing draws, no deadlock" [ "$(deadlocks "$TMP/$ordered-ls.json")" = 0 ]
}

# racesim list: which files the scenario has its own PostgreSQL SQL for
"$RACESIM" list --scenario="$scenario" >"$TMP/list.txt" 2>&1
case $scenario in
transfer) own="setup (other strategies shared)" ;;
checkout) own="setup, atomic, for-update-sorted, for-update, locked-in, naive (other strategies shared)" ;;
*) own=none ;;
esac
check "list: $scenario on postgres has its own $own ($(grep 'on postgres' "$TMP/list.txt"))" \
    grep -qx "  on postgres, its own SQL: $own" "$TMP/list.txt"

case $scenario in
transfer)
    # two accounts: seed 1 draws 1->2 for buyer 1 and 2->1 for buyer 2
    crossing for-update for-update-ordered --accounts=2
    run_json "$TMP/atomic-ls.json" "${pg[@]}" --strategy=atomic --users=2 --lockstep --seed=1 --accounts=2
    holds "atomic, crossing under lockstep" "$TMP/atomic-ls.json"
    check "atomic debits then credits in transfer order: the crossing deadlocks too (40P01 $(deadlocks "$TMP/atomic-ls.json"))" \
        [ "$(deadlocks "$TMP/atomic-ls.json")" = 1 ]
    # naive under the same schedule: both read both balances, then overwrite each other
    run_json "$TMP/naive-ls.json" "${pg[@]}" --strategy=naive --users=2 --lockstep --seed=1 --accounts=2
    violated "naive, crossing under lockstep" "$TMP/naive-ls.json" money_conserved ledger
    # a race window: naive makes or loses money, the safe strategies do not
    run_json "$TMP/naive-race.json" "${pg[@]}" --strategy=naive --users=60 --accounts=20 --think-time=20 --seed=7
    violated "naive under the race window" "$TMP/naive-race.json" money_conserved ledger
    for s in for-update for-update-ordered atomic; do
        run_json "$TMP/$s-race.json" "${pg[@]}" --strategy="$s" --users=20 --accounts=2 --think-time=20 --seed=7
        holds "$s under the race window" "$TMP/$s-race.json"
        [ -s "$TMP/$s-race.json" ] && check "$s under the race window: money conserved" \
            [ "$(inv "$TMP/$s-race.json" money_conserved)" = 0 ]
    done
    check "for-update-ordered under the race window: no deadlock" \
        [ "$(deadlocks "$TMP/for-update-ordered-race.json")" = 0 ]
    ;;
checkout)
    # two products, carts of both: seed 1 draws cart (1,2) for buyer 1 and (2,1) for buyer 2
    crossing for-update for-update-sorted --products=2 --cart=2 --stock=5 --qty=1
    for s in locked-in atomic; do
        run_json "$TMP/$s-ls.json" "${pg[@]}" --strategy="$s" --users=2 --lockstep --seed=1 \
            --products=2 --cart=2 --stock=5 --qty=1
        holds "$s, crossing carts under lockstep" "$TMP/$s-ls.json"
        check "$s: no deadlock on the crossing carts" [ "$(deadlocks "$TMP/$s-ls.json")" = 0 ]
    done
    # the order id comes back by RETURNING: every order has its lines
    check "for-update: no partial order (RETURNING gave each line its order)" \
        [ "$(inv "$TMP/for-update-ls.json" partial_order)" = 0 ]
    # naive: carts of the last unit, both checked before either writes
    run_json "$TMP/naive-ls.json" "${pg[@]}" --strategy=naive --users=2 --lockstep --seed=1 \
        --products=2 --cart=2 --stock=1 --qty=1
    violated "naive carts, lockstep on the last units" "$TMP/naive-ls.json" oversell
    run_json "$TMP/sorted-last.json" "${pg[@]}" --strategy=for-update-sorted --users=2 --lockstep --seed=1 \
        --products=2 --cart=2 --stock=1 --qty=1
    holds "for-update-sorted, lockstep on the last units" "$TMP/sorted-last.json"
    check "for-update-sorted on the last units: one cart bought, one out_of_stock" \
        [ "$(outcome "$TMP/sorted-last.json" ok)/$(outcome "$TMP/sorted-last.json" out_of_stock)" = 1/1 ]
    # the safe strategies with 100 buyers in a race window (for-update with 30: each of its
    # deadlocks waits deadlock_timeout, 100 ms, and 100 carts made 848 of them in 45 s)
    for s in for-update for-update-sorted locked-in atomic; do
        n=100
        [ "$s" = for-update ] && n=30
        run_json "$TMP/$s-100.json" "${pg[@]}" --strategy="$s" --users=$n --think-time=1 --seed=2
        holds "$s, $n carts" "$TMP/$s-100.json"
        [ -s "$TMP/$s-100.json" ] && check "$s, $n carts: some were bought" [ "$(outcome "$TMP/$s-100.json" ok)" -gt 0 ]
    done
    check "for-update-sorted, 100 carts: never a deadlock" [ "$(deadlocks "$TMP/for-update-sorted-100.json")" = 0 ]
    check "locked-in, 100 carts: never a deadlock" [ "$(deadlocks "$TMP/locked-in-100.json")" = 0 ]
    ;;
*)
    echo "postgres_scenarios.sh: unknown scenario '$scenario' (transfer, checkout)" >&2
    exit 2
    ;;
esac
finish
