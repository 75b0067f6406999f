#!/usr/bin/env bash
# bench/pg_server.sh — how long the private PostgreSQL server takes to start and stop: once with
# an empty cache (initdb), then RUNS times cached (run directory placed as racesim places it:
# /dev/shm when roomy), then RUNS times with the run directory on disk (/tmp, or DISK_DIR).
# Prints the medians; writes results/bench-pg-server.json.
# Usage: bench/pg_server.sh [RUNS] [DISK_DIR]   (default 10 /tmp)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init --tests
runs=${1:-10}
disk=${2:-/tmp}
build/tests/bench_pg_server "$runs" "$disk" >"$tmp/raw.json"
jq --arg cmd "bench/pg_server.sh $runs $disk" --arg date "$(date -u +%Y-%m-%d)" \
   --arg cpus "$(nproc)" --arg load "$(cut -d' ' -f1 /proc/loadavg)" '
  def median: sort | (if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end) * 10 | round / 10;
  {command: $cmd, date: $date, cpus: ($cpus | tonumber), load_before: ($load | tonumber)} + . +
  {median_ms: {cached_start: (.cached_start_ms | median), cached_stop: (.cached_stop_ms | median),
               disk_start: (.disk_start_ms | median), disk_stop: (.disk_stop_ms | median)},
   max_ms: {cached_start: (.cached_start_ms | max), disk_start: (.disk_start_ms | max)}}' \
   "$tmp/raw.json" >results/bench-pg-server.json
jq -r '"\(.version) as \(.os_user), \(.runs) runs (ms):",
  "  cold start (initdb + template)  \(.cold_start_ms)",
  "  cached start, median / max      \(.median_ms.cached_start) / \(.max_ms.cached_start)",
  "  cached start on \(.disk_parent), median / max  \(.median_ms.disk_start) / \(.max_ms.disk_start)",
  "  stop, median                    \(.median_ms.cached_stop)"' results/bench-pg-server.json
echo "wrote results/bench-pg-server.json"
