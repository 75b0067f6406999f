#!/usr/bin/env bash
# bench/classic.sh — the classic demo (500 buyers, stock 5000, qty 1..30) for every stock
# strategy, REPEAT runs each; then racesim's own memory per buyer at 100 vs 2000 buyers.
# Prints a table and writes results/bench-classic.json and results/bench-classic.md.
# Usage: bench/classic.sh [REPEAT]   (default 5; figures are medians over the repeats)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init --tests
repeat=${1:-5}
out=results
strategies="naive naive-write-back for-update atomic optimistic serializable"

# one run: racesim's JSON plus the wall time and peak RSS /usr/bin/time saw for the whole process
run() {
    local name=$1
    shift
    /usr/bin/time --quiet -f '{"process_wall_s": %e, "time_maxrss_kb": %M}' -o "$tmp/$name.time" \
        "$bin" "$@" --quiet --format=json >"$tmp/$name.json" 2>"$tmp/$name.err" || true
    jq -c --slurpfile t "$tmp/$name.time" '{strategy: .run.strategy, users: .run.users, pool: .run.pool,
        seed: .run.seed, verdict, wall_s: .time.wall_s, throughput: .time.throughput,
        goodput: .time.goodput, p50_ms: .latency.purchase.p50_ms, p99_ms: .latency.purchase.p99_ms,
        retries: .counts.retries, lost_sales: .lost_sales.purchases,
        racesim_cpu_s: .time.racesim_cpu_s, server_cpu_s: .time.server_cpu_s,
        racesim_peak_rss_kb: .time.racesim_peak_rss_kb} + $t[0]' "$tmp/$name.json"
}

: >"$tmp/runs.jsonl"
for s in $strategies; do
    for i in $(seq 1 "$repeat"); do
        run "$s-$i" --strategy="$s" --users=500 --stock=5000 --qty=1..30 --seed="$i" >>"$tmp/runs.jsonl"
    done
    echo "bench: $s done" >&2
done
for u in 100 2000; do
    run "mem-$u" --strategy=atomic --users="$u" --seed=1 >>"$tmp/mem.jsonl"
    run "mem-pool-$u" --strategy=atomic --users="$u" --pool=10 --seed=1 >>"$tmp/mem.jsonl"
done

jq -s --slurpfile mem "$tmp/mem.jsonl" --arg date "$(date -u +%Y-%m-%d)" --arg host "$(nproc) cores" \
   --arg cmd "bench/classic.sh $repeat" --arg server "$("$bin" --version) / $(mariadbd --version 2>/dev/null | awk '{print $3}')" "$bench_jq"'
  {command: $cmd, date: $date, machine: $host, software: $server, runs: .,
   summary: (group_by(.strategy) | map({strategy: .[0].strategy,
     verdicts: (map(.verdict) | unique), runs: length,
     wall_s: (map(.wall_s) | median), throughput: (map(.throughput) | median),
     goodput: (map(.goodput) | median), p50_ms: (map(.p50_ms) | median), p99_ms: (map(.p99_ms) | median),
     retries: (map(.retries) | median), lost_sales: (map(.lost_sales) | median),
     racesim_cpu_share: (map(.racesim_cpu_s / ([.racesim_cpu_s + .server_cpu_s, 0.000001] | max)) | median),
     racesim_peak_rss_kb: (map(.racesim_peak_rss_kb) | median)})),
   memory: {runs: $mem,
     per_buyer_kb_with_connection: (($mem[2].racesim_peak_rss_kb - $mem[0].racesim_peak_rss_kb) / 1900),
     per_buyer_kb_pooled: (($mem[3].racesim_peak_rss_kb - $mem[1].racesim_peak_rss_kb) / 1900)}}' \
   "$tmp/runs.jsonl" >"$out/bench-classic.json"

jq -r '"# Classic demo: 500 buyers, stock 5000, qty 1..30 (median of \((.runs | length) / (.summary | length)) runs each)\n",
  "`\(.command)` on \(.date), \(.machine), \(.software)\n",
  "| strategy | verdict | wall s | purchases/s | ok/s | p50 ms | p99 ms | retries | lost sales | racesim CPU share | racesim peak RSS MiB |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  (.summary[] | "| \(.strategy) | \(.verdicts | join("/")) | \(.wall_s * 1000 | round / 1000) | \(.throughput | round) | \(.goodput | round) | \(.p50_ms * 10 | round / 10) | \(.p99_ms * 10 | round / 10) | \(.retries) | \(.lost_sales) | \(.racesim_cpu_share * 100 | round)% | \(.racesim_peak_rss_kb / 1024 * 10 | round / 10) |"),
  "",
  "Memory per buyer (racesim peak RSS, 2000 vs 100 buyers): \(.memory.per_buyer_kb_with_connection | round) KiB with a connection each (the client library included), \(.memory.per_buyer_kb_pooled | round) KiB with --pool=10 (racesim alone)."' \
   "$out/bench-classic.json" | tee "$out/bench-classic.md"
bench_docs_tables    # the tables README.md and docs/ show come from results/
