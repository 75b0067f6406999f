#!/usr/bin/env bash
# bench/checkout.sh — multi-item carts: the deadlock rate of locking in cart order against sorted
# order (and one IN (...) FOR UPDATE, and per-line conditional updates), 200 buyers, REPEAT runs
# each. Prints a table; writes results/bench-checkout.json and results/bench-checkout.md.
# Usage: bench/checkout.sh [REPEAT]   (default 3; figures are medians)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init --tests
repeat=${1:-3}
: >"$tmp/runs.jsonl"
for s in for-update for-update-sorted locked-in atomic; do
    for i in $(seq 1 "$repeat"); do
        "$bin" --scenario=checkout --strategy="$s" --users=200 --think-time=1 --seed="$i" --quiet \
            --format=json >"$tmp/r.json" || true
        jq -c '{strategy: .run.strategy, seed: .run.seed, verdict,
                purchases: .counts.purchases, ok: .counts.outcomes.ok.purchases,
                attempts: .counts.attempts,
                deadlocks: ([.counts.errors[] | select(.errno == 1213) | .count] | add // 0),
                throughput: .time.throughput, goodput: .time.goodput,
                p99_ms: .latency.purchase.p99_ms}' "$tmp/r.json" >>"$tmp/runs.jsonl"
    done
done
jq -s --arg cmd "bench/checkout.sh $repeat" --arg date "$(date -u +%Y-%m-%d)" "$bench_jq"'
  {command: $cmd, date: $date, runs: .,
   summary: (group_by(.strategy) | map({strategy: .[0].strategy, verdicts: (map(.verdict) | unique),
     deadlocks_per_100_purchases: (map(.deadlocks * 100 / .purchases) | median),
     throughput: (map(.throughput) | median), goodput: (map(.goodput) | median),
     p99_ms: (map(.p99_ms) | median)}))}' "$tmp/runs.jsonl" >results/bench-checkout.json
jq -r '"# Checkout: 200 buyers, carts of 1..3 of 10 products, --think-time=1 (median of \((.runs | length) / (.summary | length)) runs)\n",
  "`\(.command)` on \(.date)\n",
  "| strategy | verdict | deadlocks per 100 purchases | purchases/s | ok/s | p99 ms |",
  "|---|---|---:|---:|---:|---:|",
  (.summary[] | "| \(.strategy) | \(.verdicts | join("/")) | \(.deadlocks_per_100_purchases * 10 | round / 10) | \(.throughput | round) | \(.goodput | round) | \(.p99_ms * 10 | round / 10) |")' \
  results/bench-checkout.json | tee results/bench-checkout.md
bench_docs_tables    # the tables README.md and docs/ show come from results/
