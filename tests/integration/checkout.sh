#!/usr/bin/env bash
# checkout.sh — multi-item carts with @each: naive oversells; for-update in cart order deadlocks
# (counted, retried) yet keeps every invariant; for-update-sorted and locked-in never deadlock;
# the safe strategies show no anomaly at 200 buyers over 3 seeds (1 under a sanitizer: lib.sh
# rounds); no order is ever partial.
RACESIM=$1
source "$(dirname "$0")/lib.sh"
S=(--scenario=checkout)

run_json "$TMP/naive.json" "${S[@]}" --strategy=naive --users=40 --products=2 --stock=3 --qty=1 \
    --think-time=20 --seed=1
check "naive carts exit 1" [ "$rc" = 1 ]
check "naive carts oversell" [ "$(inv "$TMP/naive.json" oversell)" -gt 0 ]
check "naive carts: no partial order" [ "$(inv "$TMP/naive.json" partial_order)" = 0 ]
check "naive carts: client and database agree" [ "$(inv "$TMP/naive.json" agreement)" = 0 ]

# units count items, not carts (@units cart.qty: the lines' qty summed)
run_json "$TMP/units.json" "${S[@]}" --strategy=atomic --users=10 --products=3 --stock=1000 --cart=2 --qty=3 --seed=1
check "carts of 2 lines of 3 units: 6 units per cart bought ($(jq -c .counts.outcomes.ok "$TMP/units.json"))" \
    jqe '.counts.outcomes.ok | .purchases == 10 and .units == 60' "$TMP/units.json"
run_json "$TMP/sold.json" "${S[@]}" --strategy=atomic --users=20 --products=3 --stock=5 --seed=2
check "carts of 1..3 lines of 1..5 units: units bought + units left = the stock, 15 ($(jq -c '[.counts.outcomes.ok.units, .lost_sales.units_left]' "$TMP/sold.json"))" \
    jqe '.counts.outcomes.ok.units + .lost_sales.units_left == 15 and .counts.outcomes.ok.units > .counts.outcomes.ok.purchases' "$TMP/sold.json"

deadlocks() { jq '[.counts.errors[] | select(.errno == 1213) | .count] | add // 0' "$1"; }
for seed in $(seq 1 "$(rounds 3 1)"); do
    for s in for-update for-update-sorted atomic locked-in; do
        run_json "$TMP/$s.json" "${S[@]}" --strategy="$s" --users=200 --think-time=1 --seed="$seed"
        check "$s seed $seed: exit 0 (got $rc: $(head -c 200 "$stderr_file"))" [ "$rc" = 0 ]
        [ -s "$TMP/$s.json" ] || continue
        check "$s seed $seed: every invariant holds" all_hold "$TMP/$s.json"
        check "$s seed $seed: some carts were bought" [ "$(jq .counts.outcomes.ok.purchases "$TMP/$s.json")" -gt 0 ]
    done
    check "for-update in cart order deadlocks (seed $seed: $(deadlocks "$TMP/for-update.json"))" \
        [ "$(deadlocks "$TMP/for-update.json")" -gt 0 ]
    check "for-update in cart order retried them" [ "$(jq .counts.retries "$TMP/for-update.json")" -gt 0 ]
    check "for-update-sorted never deadlocks (seed $seed)" [ "$(deadlocks "$TMP/for-update-sorted.json")" = 0 ]
    check "locked-in (one IN (...) FOR UPDATE) never deadlocks (seed $seed)" [ "$(deadlocks "$TMP/locked-in.json")" = 0 ]
done
finish
