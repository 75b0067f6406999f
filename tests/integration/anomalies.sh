#!/usr/bin/env bash
# anomalies.sh — the unsafe strategies show their anomaly, and a safe one under the same
# workload does not: naive oversells, naive-write-back loses updates.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

race=(--users=50 --stock=10 --qty=1 --think-time=20 --seed=7)

run_json "$TMP/naive.json" --strategy=naive "${race[@]}"
check "naive exits 1 (an invariant is violated)" [ "$rc" = 1 ]
check "naive oversells" [ "$(inv "$TMP/naive.json" oversell)" -gt 0 ]
check "naive drives the stock negative" [ "$(inv "$TMP/naive.json" negative_stock)" -gt 0 ]
check "naive: client and database still agree" [ "$(inv "$TMP/naive.json" agreement)" = 0 ]
check "naive: the verdict is anomaly" [ "$(jq -r .verdict "$TMP/naive.json")" = anomaly ]

run_json "$TMP/atomic.json" --strategy=atomic "${race[@]}"
check "atomic under the same race exits 0" [ "$rc" = 0 ]
check "atomic does not oversell" [ "$(inv "$TMP/atomic.json" oversell)" = 0 ]
check "atomic sells exactly the stock" [ "$(jq .counts.outcomes.ok.units "$TMP/atomic.json")" = 10 ]

run_json "$TMP/wb.json" --strategy=naive-write-back "${race[@]}" --stock=100
check "naive-write-back exits 1" [ "$rc" = 1 ]
check "naive-write-back loses updates" [ "$(inv "$TMP/wb.json" lost_update)" -gt 0 ]
check "naive-write-back: client and database agree" [ "$(inv "$TMP/wb.json" agreement)" = 0 ]

run_json "$TMP/opt.json" --strategy=optimistic "${race[@]}" --stock=100
check "optimistic under the same race exits 0" [ "$rc" = 0 ]
check "optimistic loses no update" [ "$(inv "$TMP/opt.json" lost_update)" = 0 ]
check "optimistic retried on conflicts" [ "$(jq .counts.retries "$TMP/opt.json")" -gt 0 ]
finish
