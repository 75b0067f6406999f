#!/usr/bin/env bash
# bench/seats.sh — the seats scenario with --any-seat: skip-locked against for-update at 64 and
# 500 buyers (seats = half the buyers, so the event sells out), REPEAT runs each.
# Prints a table and writes results/bench-seats.json and results/bench-seats.md.
# Usage: bench/seats.sh [REPEAT]   (default 3; figures are medians over the repeats)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init --tests
repeat=${1:-3}
out=results
strategies="skip-locked for-update"
buyers="64 500"

# one run: racesim's JSON, cut to the figures the table needs
run() {
    local name=$1
    shift
    "$bin" "$@" --quiet --format=json >"$tmp/$name.json" 2>"$tmp/$name.err" || true
    jq -c '{strategy: .run.strategy, users: .run.users, seed: .run.seed, seats: (.run.params.seats | tonumber),
        verdict, wall_s: .time.wall_s, throughput: .time.throughput, goodput: .time.goodput,
        p50_ms: .latency.purchase.p50_ms, p99_ms: .latency.purchase.p99_ms,
        sold: .counts.outcomes.ok.purchases, retries: .counts.retries,
        errors: ([.counts.outcomes | to_entries[] | select(.key != "ok" and .key != "unavailable") | .value.purchases] | add),
        lost_sales: .lost_sales.purchases}' "$tmp/$name.json"
}

: >"$tmp/runs.jsonl"
for u in $buyers; do
    for s in $strategies; do
        for i in $(seq 1 "$repeat"); do
            run "$s-$u-$i" --scenario=seats --strategy="$s" --users="$u" --any_seat --seed="$i" >>"$tmp/runs.jsonl"
        done
        echo "bench: $s at $u buyers done" >&2
    done
done

jq -s --arg date "$(date -u +%Y-%m-%d)" --arg host "$(nproc) cores" --arg cmd "bench/seats.sh $repeat" \
   --arg server "$("$bin" --version) / $(mariadbd --version 2>/dev/null | awk '{print $3}')" "$bench_jq"'
  {command: $cmd, date: $date, machine: $host, software: $server, runs: .,
   summary: (group_by([.users, .strategy]) | map({strategy: .[0].strategy, users: .[0].users, seats: .[0].seats,
     verdicts: (map(.verdict) | unique), runs: length,
     wall_s: (map(.wall_s) | median), throughput: (map(.throughput) | median),
     goodput: (map(.goodput) | median), p50_ms: (map(.p50_ms) | median), p99_ms: (map(.p99_ms) | median),
     sold: (map(.sold) | median), retries: (map(.retries) | median), errors: (map(.errors) | median),
     lost_sales: (map(.lost_sales) | median),
     throughput_range: [(map(.throughput) | min), (map(.throughput) | max)]}))}' \
   "$tmp/runs.jsonl" >"$out/bench-seats.json"

jq -r '"# Seats, any seat: skip-locked vs for-update (seats = buyers / 2; median of \((.runs | length) / (.summary | length)) runs each)\n",
  "`\(.command)` on \(.date), \(.machine), \(.software)\n",
  "| buyers | strategy | verdict | seats sold | wall s | purchases/s (min..max) | ok/s | p50 ms | p99 ms | retries | errors | lost sales |",
  "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  (.summary[] | "| \(.users) | \(.strategy) | \(.verdicts | join("/")) | \(.sold) of \(.seats) | \(.wall_s * 1000 | round / 1000) | \(.throughput | round) (\(.throughput_range[0] | round)..\(.throughput_range[1] | round)) | \(.goodput | round) | \(.p50_ms * 10 | round / 10) | \(.p99_ms * 10 | round / 10) | \(.retries) | \(.errors) | \(.lost_sales) |")' \
   "$out/bench-seats.json" | tee "$out/bench-seats.md"
bench_docs_tables    # the tables README.md and docs/ show come from results/
