#!/usr/bin/env bash
# bench/load.sh — issue 14's figures: (1) optimistic (bounded), optimistic-sells and for-update
# at 500 buyers, stock 5000, qty 1..30, REPEAT runs each interleaved by seed (median wall time,
# units sold, lost sales); (2) optimistic across buyer counts; (3) an open loop at a rate below
# and above the hot row's capacity for two run lengths: the p99 from the intended start against
# the service p99. Writes results/bench-load.json and results/bench-load.md.
# Usage: bench/load.sh [REPEAT]   (default 5)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init --tests
repeat=${1:-5}
BIG=--stock=2000000000

run() {   # NAME ARGS...: one run's figures as a JSON line
    local name=$1
    shift
    "$bin" "$@" --quiet --format=json >"$tmp/$name.json" 2>"$tmp/$name.err" || true
    jq -c '{strategy: .run.strategy, users: .run.users, seed: .run.seed, verdict,
        wall_s: .time.wall_s, throughput: .time.throughput, goodput: .time.goodput,
        sold: .counts.outcomes.ok.units, ok: .counts.outcomes.ok.purchases,
        lost_sales: .lost_sales.purchases, units_left: .lost_sales.units_left,
        retries: .counts.retries, p99_ms: .latency.purchase.p99_ms,
        load: (.load // null | if . then {rate_asked, rate_achieved, backlog_end, time_s,
               intended_p99_ms, service_p99_ms} else null end)}' "$tmp/$name.json"
}

# (1) the classic demo, interleaved: each seed runs every strategy in turn
: >"$tmp/sells.jsonl"
for i in $(seq 1 "$repeat"); do
    for s in for-update optimistic optimistic-sells; do
        run "$s-$i" --strategy="$s" --users=500 --stock=5000 --qty=1..30 --seed="$i" >>"$tmp/sells.jsonl"
    done
    echo "bench: seed $i done" >&2
done

# (2) optimistic across buyer counts (stock 10 per buyer, qty 1..30)
: >"$tmp/sweep.jsonl"
for u in 8 64 500; do
    for s in optimistic optimistic-sells for-update; do
        run "sw-$s-$u" --strategy="$s" --users="$u" --qty=1..30 --seed=1 >>"$tmp/sweep.jsonl"
    done
done
echo "bench: sweep done" >&2

# (3) an open loop on the hot row (atomic, 16 buyers): its capacity from a closed loop of 3 s,
# then a rate at half and at twice that, each for 3 s and for 6 s
run cap --strategy=atomic --users=16 --time=3s $BIG --seed=1 >"$tmp/cap.jsonl"
cap=$(jq '.throughput' "$tmp/cap.jsonl")
low=$(jq -n --argjson c "$cap" '($c / 2) | floor')
high=$(jq -n --argjson c "$cap" '($c * 2) | floor')
: >"$tmp/open.jsonl"
for r in "$low" "$high"; do
    for t in 3 6; do
        run "open-$r-$t" --strategy=atomic --users=16 --rate="$r" --time="${t}s" $BIG --seed=1 >>"$tmp/open.jsonl"
    done
done
echo "bench: open loop done" >&2

jq -n --slurpfile sells "$tmp/sells.jsonl" --slurpfile sweep "$tmp/sweep.jsonl" \
   --slurpfile open "$tmp/open.jsonl" --argjson cap "$cap" --arg date "$(date -u +%Y-%m-%d)" \
   --arg host "$(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at the end" \
   --arg cmd "bench/load.sh $repeat" --arg server "$("$bin" --version) / $(mariadbd --version 2>/dev/null | awk '{print $3}')" "$bench_jq"'
  ($sells | group_by(.strategy) | map({strategy: .[0].strategy, runs: length,
      verdicts: (map(.verdict) | unique), wall_s: (map(.wall_s) | median),
      sold: (map(.sold) | median), lost_sales: (map(.lost_sales) | median),
      retries: (map(.retries) | median)})) as $sum
  | ($sum | map(select(.strategy == "for-update"))[0].wall_s) as $fu
  | {command: $cmd, date: $date, machine: $host, software: $server,
     sells: {runs: $sells, summary: ($sum | map(. + {vs_for_update: (if $fu > 0 then .wall_s / $fu else null end)}))},
     sweep: $sweep, open_loop: {capacity_per_s: $cap, runs: $open}}' >results/bench-load.json

{
    echo "# bench/load.sh — $(jq -r '.date + ", " + .machine + ", " + .software' results/bench-load.json)"
    echo
    echo "500 buyers, stock 5000, qty 1..30; medians of $repeat runs (seeds 1..$repeat, interleaved)."
    echo
    echo "| strategy | wall (s) | × for-update | units sold | lost sales | retries |"
    echo "|---|---|---|---|---|---|"
    jq -r '.sells.summary[] | "| \(.strategy) | \(.wall_s * 1000 | round / 1000) | \(.vs_for_update * 100 | round / 100) | \(.sold) | \(.lost_sales) | \(.retries) |"' results/bench-load.json
    echo
    echo "Across buyer counts (stock 10 per buyer, seed 1):"
    echo
    echo "| buyers | strategy | wall (s) | units sold | units left | lost sales | retries |"
    echo "|---|---|---|---|---|---|---|"
    jq -r '.sweep[] | "| \(.users) | \(.strategy) | \(.wall_s * 1000 | round / 1000) | \(.sold) | \(.units_left) | \(.lost_sales) | \(.retries) |"' results/bench-load.json
    echo
    echo "Open loop, atomic, 16 buyers; capacity of a closed loop: $(jq '.open_loop.capacity_per_s | round' results/bench-load.json)/s."
    echo
    echo "| rate asked | time | achieved | backlog at end | p99 from intended start (ms) | service p99 (ms) |"
    echo "|---|---|---|---|---|---|"
    jq -r '.open_loop.runs[] | "| \(.load.rate_asked) | \(.load.time_s) s | \(.load.rate_achieved * 10 | round / 10) | \(.load.backlog_end) | \(.load.intended_p99_ms) | \(.load.service_p99_ms) |"' results/bench-load.json
} >results/bench-load.md
cat results/bench-load.md
bench_docs_tables    # the tables README.md and docs/ show come from results/
