#!/usr/bin/env bash
# safe_strategies.sh STRATEGY — a safe strategy shows no anomaly at 200 buyers over 3 seeds (1
# under a sanitizer: lib.sh rounds), and the buyers' count of successes agrees with the orders
# in the database.
RACESIM=$1
strategy=$2
source "$(dirname "$0")/lib.sh"

for seed in $(seq 1 "$(rounds 3 1)"); do
    out="$TMP/$strategy-$seed.json"
    run_json "$out" --strategy="$strategy" --users=200 --seed="$seed"
    check "$strategy seed $seed: exit 0 (got $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 0 ]
    [ -s "$out" ] || continue
    check "$strategy seed $seed: no oversell" [ "$(inv "$out" oversell)" = 0 ]
    check "$strategy seed $seed: no negative stock" [ "$(inv "$out" negative_stock)" = 0 ]
    check "$strategy seed $seed: no lost update" [ "$(inv "$out" lost_update)" = 0 ]
    check "$strategy seed $seed: client and database agree" [ "$(inv "$out" agreement)" = 0 ]
    check "$strategy seed $seed: every buyer finished a purchase" \
        [ "$(jq .counts.purchases "$out")" = 200 ]
    check "$strategy seed $seed: some purchases succeeded" [ "$(jq .counts.outcomes.ok.purchases "$out")" -gt 0 ]
    check "$strategy seed $seed: no purchase ended in an unclassified server error" \
        [ "$(jq .counts.outcomes.error.purchases "$out")" = 0 ]
done
finish
