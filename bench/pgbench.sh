#!/usr/bin/env bash
# bench/pgbench.sh — racesim against pgbench on ONE throwaway PostgreSQL (scripts/pg-throwaway.sh,
# the private server's settings: fsync, synchronous_commit, full_page_writes off): a one-row hot
# update (pgbench: a custom script of `UPDATE products SET stock = stock - 1 WHERE id = 1`, -M
# prepared; racesim: bench/scenarios/hot_row hot-update, the same statement, autocommit) at 1, 8
# and 64 clients, TOTAL transactions per run, ROUNDS alternating rounds; then the classic workload
# (500 buyers, stock 5000, qty 1..30; for-update and atomic) as racesim's whole-process wall time
# on a private MariaDB and a private PostgreSQL, alternating. Prints medians and ratios; writes
# results/bench-pgbench.json.
# Usage: bench/pgbench.sh [ROUNDS [TOTAL]]   (default 3 6400)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init
rounds=${1:-3}
total=${2:-6400}
source scripts/pg-throwaway.sh
bench_on_exit pg_throwaway_stop
pg_throwaway_start -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c shared_buffers=64MB -c max_connections=200
pg_throwaway_sql "CREATE DATABASE pgbench; CREATE DATABASE racesim" >/dev/null
pg_throwaway_sql "CREATE TABLE products (id INT PRIMARY KEY, stock BIGINT NOT NULL,
    initial_stock BIGINT NOT NULL); INSERT INTO products VALUES (1, 1000000000, 1000000000)" pgbench >/dev/null
echo 'UPDATE products SET stock = stock - 1 WHERE id = 1;' >"$tmp/hot.sql"
dsn="postgres://postgres@/racesim?host=$PGT_SOCK"

: >"$tmp/hot.jsonl"
for r in $(seq "$rounds"); do
    for c in 1 8 64; do
        t=$((total / c)); j=$((c < 2 ? c : 2))
        tps=$(env -u PGPASSWORD "$PGT_BIN/pgbench" -n -M prepared -h "$PGT_SOCK" -U postgres \
              -c "$c" -j "$j" -t "$t" -f "$tmp/hot.sql" pgbench 2>&1 | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
        RACESIM_STRATEGIES=$top/bench/scenarios "$bin" --dsn="$dsn" --scenario=hot_row \
            --strategy=hot-update --users="$c" --rounds="$t" --quiet --format=json >"$tmp/r.json"
        jq -c --arg c "$c" --arg p "$tps" --arg r "$r" \
            '{round: ($r|tonumber), clients: ($c|tonumber), pgbench_tps: ($p|tonumber),
              racesim_tps: (.counts.purchases / .time.wall_s), racesim_exit: .exit_code}' "$tmp/r.json" >>"$tmp/hot.jsonl"
        tail -1 "$tmp/hot.jsonl" >&2
    done
done
pg_throwaway_stop

: >"$tmp/classic.jsonl"
for r in $(seq "$rounds"); do
    for engine in mariadb postgres; do
        for s in for-update atomic; do
            bench_classic "$tmp/classic.jsonl" "$r" "$s" "{\"engine\": \"$engine\"}" --engine="$engine"
        done
    done
done

jq -n --slurpfile hot "$tmp/hot.jsonl" --slurpfile classic "$tmp/classic.jsonl" \
   --arg cmd "bench/pgbench.sh $rounds $total" --arg date "$(date -u +%Y-%m-%d)" \
   --arg cpus "$(nproc)" --arg load "$(cut -d' ' -f1 /proc/loadavg)" "$bench_jq"'
  {command: $cmd, date: $date, cpus: ($cpus | tonumber), load_after: ($load | tonumber),
   hot_update: [$hot | group_by(.clients)[] | {clients: .[0].clients,
       pgbench_tps: ([.[].pgbench_tps] | median | round), racesim_tps: ([.[].racesim_tps] | median | round),
       ratio: (([.[] | .racesim_tps / .pgbench_tps] | median) * 100 | round / 100)}],
   classic: [$classic | group_by([.engine, .strategy])[] |
       {engine: .[0].engine, strategy: .[0].strategy} + classic_medians],
   samples: {hot_update: $hot, classic: $classic}}' >results/bench-pgbench.json
jq -r '"hot update, median of \(.samples.hot_update | length / 3) rounds (tps):",
  (.hot_update[] | "  \(.clients) clients: pgbench \(.pgbench_tps), racesim \(.racesim_tps), racesim/pgbench \(.ratio)"),
  "classic workload, whole process (s):",
  (.classic[] | "  \(.engine) \(.strategy): \(.process_wall_s) (purchases \(.purchases_wall_s))")' results/bench-pgbench.json
# the docs' tables (docs/benchmarks.md shows this file: scripts/docs-tables)
jq -r '
def r2: . * 100 | round / 100;
"| clients | pgbench tps (median) | racesim tps (median) | racesim / pgbench (median of the rounds'\'' ratios) |",
"|---:|---:|---:|---:|",
(.hot_update[] | "| \(.clients) | \(.pgbench_tps) | \(.racesim_tps) | \(.ratio) |"),
"",
"| classic workload | MariaDB, whole process s | PostgreSQL, whole process s | PostgreSQL / MariaDB |",
"|---|---:|---:|---:|",
(.classic | group_by(.strategy) | sort_by(.[0].strategy) | reverse[] |
  (map(select(.engine == "mariadb"))[0]) as $m | (map(select(.engine == "postgres"))[0]) as $p |
  "| \($m.strategy) | \($m.process_wall_s | r2) (purchases \($m.purchases_wall_s | r2)) | \($p.process_wall_s | r2) (purchases \($p.purchases_wall_s | r2)) | \($p.process_wall_s / $m.process_wall_s | r2) |")' results/bench-pgbench.json >results/bench-pgbench.md
echo "wrote results/bench-pgbench.json and results/bench-pgbench.md"
