#!/usr/bin/env bash
# bench/procedure.sh — issue 14: stock/procedure (one round trip a purchase, a stored procedure)
# against stock/atomic (START TRANSACTION, a conditional UPDATE, the INSERT, COMMIT: four) at 1,
# 8 and 64 buyers: purchases/s of closed-loop runs for SECONDS on a stock that does not run out,
# REPEAT rounds, the two strategies alternating in each round on one private server (--dsn to
# one racesim-started MariaDB kept for the whole bench). Medians; the ratio procedure/atomic.
# Writes results/bench-procedure.json and results/bench-procedure.md.
# Usage: bench/procedure.sh [REPEAT] [SECONDS]   (defaults 3, 3)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init
repeat=${1:-3}
secs=${2:-3}
# one server for every run: a throwaway mariadbd on a unix socket of this bench's own
source scripts/mariadb-throwaway.sh
bench_on_exit mariadb_throwaway_stop
mariadb_throwaway_start --max-connections=200 || exit 1
dsn="mysql://root@localhost/racesim?socket=$MDT_SOCK"

: >"$tmp/runs.jsonl"
for i in $(seq 1 "$repeat"); do
    for u in 1 8 64; do
        for s in atomic procedure; do
            "$bin" --dsn="$dsn" --strategy="$s" --users="$u" --time="${secs}s" --stock=2000000000 \
                --qty=1..30 --seed="$i" --quiet --format=json >"$tmp/r.json" 2>"$tmp/r.err" || true
            jq -c '{strategy: .run.strategy, users: .run.users, seed: .run.seed, verdict,
                    purchases: .counts.purchases, throughput: .time.throughput,
                    p99_ms: .latency.purchase.p99_ms}' "$tmp/r.json" >>"$tmp/runs.jsonl" \
                || { echo "bench: $s at $u buyers failed: $(head -c 300 "$tmp/r.err")" >&2; exit 1; }
        done
    done
    echo "bench: round $i done" >&2
done

jq -n --slurpfile runs "$tmp/runs.jsonl" --arg date "$(date -u +%Y-%m-%d)" \
   --arg host "$(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at the end" \
   --arg cmd "bench/procedure.sh $repeat $secs" \
   --arg server "$("$bin" --version) / $(mariadbd --version 2>/dev/null | awk '{print $3}')" "$bench_jq"'
  ($runs | group_by(.users) | map(
      (map(select(.strategy == "atomic") | .throughput) | median) as $a
    | (map(select(.strategy == "procedure") | .throughput) | median) as $p
    | {users: .[0].users, atomic_per_s: $a, procedure_per_s: $p,
       procedure_vs_atomic: (if $a > 0 then $p / $a else null end),
       atomic_p99_ms: (map(select(.strategy == "atomic") | .p99_ms) | median),
       procedure_p99_ms: (map(select(.strategy == "procedure") | .p99_ms) | median),
       verdicts: (map(.verdict) | unique)})) as $sum
  | {command: $cmd, date: $date, machine: $host, software: $server, summary: $sum, runs: $runs}' \
   >results/bench-procedure.json

{
    echo "# bench/procedure.sh — $(jq -r '.date + ", " + .machine + ", " + .software' results/bench-procedure.json)"
    echo
    echo "Closed loop for ${secs} s on a stock that does not run out, qty 1..30; medians of $repeat"
    echo "rounds, atomic and procedure alternating on one server (\`$(jq -r .command results/bench-procedure.json)\`)."
    echo
    echo "| buyers | atomic (purchases/s) | procedure (purchases/s) | procedure / atomic | atomic p99 (ms) | procedure p99 (ms) |"
    echo "|---|---|---|---|---|---|"
    jq -r '.summary[] | "| \(.users) | \(.atomic_per_s | round) | \(.procedure_per_s | round) | \(.procedure_vs_atomic * 100 | round / 100) | \(.atomic_p99_ms) | \(.procedure_p99_ms) |"' results/bench-procedure.json
} >results/bench-procedure.md
cat results/bench-procedure.md
bench_docs_tables    # the tables README.md and docs/ show come from results/
