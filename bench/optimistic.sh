#!/usr/bin/env bash
# bench/optimistic.sh — issue 14's goal for optimistic concurrency that sells: optimistic-sells
# against for-update at 500 buyers, stock 5000, qty 1..30, selling out, REPEAT rounds with the
# strategies alternating in each round on one MariaDB the bench starts (unix socket): medians
# and the ratio of the medians (goal ≤ 2×). Then a sweep of optimistic (bounded: lost sales),
# optimistic-sells and for-update across buyer counts (stock 10 per buyer, qty 1..30, seed 1).
# Writes results/bench-optimistic.json and results/bench-optimistic.md.
# Usage: bench/optimistic.sh [REPEAT]   (default 5)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init
repeat=${1:-5}
load_start=$(cut -d' ' -f1 /proc/loadavg)
# one server for every run: a throwaway mariadbd on a unix socket of this bench's own
source scripts/mariadb-throwaway.sh
bench_on_exit mariadb_throwaway_stop
mariadb_throwaway_start --max-connections=600 || exit 1
dsn="mysql://root@localhost/racesim?socket=$MDT_SOCK"

run() {   # STRATEGY USERS STOCK SEED: one run's figures as a JSON line
    "$bin" --dsn="$dsn" --strategy="$1" --users="$2" --stock="$3" --qty=1..30 --seed="$4" \
        --quiet --format=json >"$tmp/r.json" 2>"$tmp/r.err" || true
    jq -c '{strategy: .run.strategy, users: .run.users, seed: .run.seed, verdict,
            wall_s: .time.wall_s, sold: (.counts.outcomes.ok.units // 0),
            units_left: .lost_sales.units_left, lost_sales: .lost_sales.purchases,
            retries: .counts.retries, attempts: .counts.attempts}' "$tmp/r.json" \
        || { echo "bench: $1 at $2 buyers failed: $(head -c 300 "$tmp/r.err")" >&2; exit 1; }
}

: >"$tmp/sells.jsonl"
for i in $(seq 1 "$repeat"); do
    for s in for-update optimistic-sells; do
        run "$s" 500 5000 "$i" >>"$tmp/sells.jsonl"
    done
    echo "bench: round $i done" >&2
done
: >"$tmp/sweep.jsonl"
for u in 8 64 200 500; do
    for s in optimistic optimistic-sells for-update; do
        run "$s" "$u" $((10 * u)) 1 >>"$tmp/sweep.jsonl"
    done
done
echo "bench: sweep done" >&2

jq -n --slurpfile sells "$tmp/sells.jsonl" --slurpfile sweep "$tmp/sweep.jsonl" \
   --arg date "$(date -u +%Y-%m-%d)" --arg host "$(nproc) cores, load $load_start at the start and $(cut -d' ' -f1 /proc/loadavg) at the end" \
   --arg cmd "bench/optimistic.sh $repeat" \
   --arg server "$("$bin" --version) / $(mariadbd --version 2>/dev/null | awk '{print $3}')" "$bench_jq"'
  ($sells | group_by(.strategy) | map({strategy: .[0].strategy, runs: length,
      verdicts: (map(.verdict) | unique), wall_s: (map(.wall_s) | median),
      wall_s_all: map(.wall_s), sold: (map(.sold) | median), lost_sales: (map(.lost_sales) | max),
      retries: (map(.retries) | median)})) as $sum
  | ($sum | map(select(.strategy == "for-update"))[0].wall_s) as $fu
  | {command: $cmd, date: $date, machine: $host, software: $server,
     summary: ($sum | map(. + {vs_for_update: (if $fu > 0 then .wall_s / $fu else null end)})),
     per_round: ([range(0; $sells | length / 2)] | map(. as $k | $sells[2 * $k + 1].wall_s / $sells[2 * $k].wall_s)),
     runs: $sells, sweep: $sweep}' >results/bench-optimistic.json

{
    echo "# bench/optimistic.sh — $(jq -r '.date + ", " + .machine + ", " + .software' results/bench-optimistic.json)"
    echo
    echo "500 buyers, stock 5000, qty 1..30, selling out; medians of $repeat rounds, the two alternating"
    echo "on one server (\`$(jq -r .command results/bench-optimistic.json)\`)."
    echo
    echo "| strategy | wall (s), median | × for-update | units sold | lost sales (most) | retries |"
    echo "|---|---|---|---|---|---|"
    jq -r '.summary[] | "| \(.strategy) | \(.wall_s * 1000 | round / 1000) | \(.vs_for_update * 100 | round / 100) | \(.sold) | \(.lost_sales) | \(.retries) |"' results/bench-optimistic.json
    echo
    echo "Round by round, optimistic-sells / for-update: $(jq -r '.per_round | map(. * 100 | round / 100 | tostring + "×") | join(", ")' results/bench-optimistic.json)."
    echo
    echo "Across buyer counts (stock 10 per buyer, qty 1..30, seed 1):"
    echo
    echo "| buyers | strategy | wall (s) | units sold | units left | lost sales | retries |"
    echo "|---|---|---|---|---|---|---|"
    jq -r '.sweep[] | "| \(.users) | \(.strategy) | \(.wall_s * 1000 | round / 1000) | \(.sold) | \(.units_left) | \(.lost_sales) | \(.retries) |"' results/bench-optimistic.json
} >results/bench-optimistic.md
cat results/bench-optimistic.md
bench_docs_tables    # the tables README.md and docs/ show come from results/
