#!/usr/bin/env bash
# bench/sqlite.sh — racesim on SQLite against the sqlite3 shell: the conditional update of one
# row (`UPDATE products SET stock = stock - 1 WHERE id = 1 AND stock >= 1`, autocommit; racesim:
# bench/scenarios/hot_row hot-conditional) TOTAL times, on a fresh file each, both in WAL with
# synchronous=normal: the shell (one connection, one statement a line) against racesim at 1 and 4
# buyers; then the classic workload (500 buyers, stock 5000, qty 1..30; atomic and immediate)
# on --engine=sqlite as racesim's whole-process wall time. ROUNDS alternating rounds; prints
# medians; writes results/bench-sqlite.json and results/bench-sqlite.md. Needs the sqlite3 shell
# (Debian sqlite3).
# Usage: bench/sqlite.sh [ROUNDS [TOTAL]]   (default 3 5000)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init
command -v sqlite3 >/dev/null || { echo "bench/sqlite.sh: no sqlite3 shell (apt-get install -y sqlite3)" >&2; exit 2; }
rounds=${1:-3}
total=${2:-5000}

: >"$tmp/hot.jsonl"
for r in $(seq "$rounds"); do
    rm -f "$tmp"/shell.db*
    sqlite3 "$tmp/shell.db" "PRAGMA journal_mode=wal;
        CREATE TABLE products (id INT PRIMARY KEY, stock BIGINT NOT NULL, initial_stock BIGINT NOT NULL);
        INSERT INTO products VALUES (1, 1000000000, 1000000000);" >/dev/null
    { echo 'PRAGMA synchronous=normal;'
      yes 'UPDATE products SET stock = stock - 1 WHERE id = 1 AND stock >= 1;' | head -n "$total"; } >"$tmp/loop.sql"
    start=$(bench_now)
    sqlite3 "$tmp/shell.db" <"$tmp/loop.sql"
    end=$(bench_now)
    done_n=$(sqlite3 "$tmp/shell.db" 'SELECT initial_stock - stock FROM products')
    shell_tps=$(echo "$done_n / ($end - $start)" | bc -l)
    for c in 1 4; do
        rm -f "$tmp"/r.db*
        RACESIM_STRATEGIES=$top/bench/scenarios "$bin" --dsn="sqlite://$tmp/r.db?synchronous=normal" \
            --scenario=hot_row --strategy=hot-conditional --users="$c" --rounds=$((total / c)) \
            --quiet --format=json >"$tmp/r.json"
        jq -c --arg c "$c" --arg p "$shell_tps" --arg r "$r" \
            '{round: ($r|tonumber), buyers: ($c|tonumber), shell_tps: ($p|tonumber),
              racesim_tps: (.counts.purchases / .time.wall_s), racesim_exit: .exit_code}' "$tmp/r.json" >>"$tmp/hot.jsonl"
        tail -1 "$tmp/hot.jsonl" >&2
    done
done

: >"$tmp/classic.jsonl"
for r in $(seq "$rounds"); do
    for s in atomic immediate; do
        bench_classic "$tmp/classic.jsonl" "$r" "$s" '{}' --engine=sqlite
    done
done

jq -n --slurpfile hot "$tmp/hot.jsonl" --slurpfile classic "$tmp/classic.jsonl" \
   --arg cmd "bench/sqlite.sh $rounds $total" --arg date "$(date -u +%Y-%m-%d)" \
   --arg cpus "$(nproc)" --arg load "$(cut -d' ' -f1 /proc/loadavg)" \
   --arg version "$(sqlite3 --version | cut -d' ' -f1)" "$bench_jq"'
  {command: $cmd, date: $date, cpus: ($cpus | tonumber), load_after: ($load | tonumber), sqlite: $version,
   conditional_update: [$hot | group_by(.buyers)[] | {buyers: .[0].buyers,
       shell_tps: ([.[].shell_tps] | median | round), racesim_tps: ([.[].racesim_tps] | median | round),
       ratio: (([.[] | .racesim_tps / .shell_tps] | median) * 100 | round / 100)}],
   classic: [$classic | group_by(.strategy)[] | {strategy: .[0].strategy} + classic_medians],
   samples: {conditional_update: $hot, classic: $classic}}' >results/bench-sqlite.json
jq -r '
def r2: . * 100 | round / 100;
"| racesim buyers | sqlite3 shell, 1 connection, writes/s (median) | racesim writes/s (median) | racesim / shell (median of the rounds'\'' ratios) |",
"|---:|---:|---:|---:|",
(.conditional_update[] | "| \(.buyers) | \(.shell_tps) | \(.racesim_tps) | \(.ratio) |"),
"",
"| classic workload on SQLite | whole process s (median) | purchases s | verdicts |",
"|---|---:|---:|---|",
(.classic[] | "| \(.strategy) | \(.process_wall_s | r2) | \(.purchases_wall_s | r2) | \(.verdicts | join(", ")) |")' \
    results/bench-sqlite.json >results/bench-sqlite.md
cat results/bench-sqlite.md
echo "wrote results/bench-sqlite.json and results/bench-sqlite.md"
bench_docs_tables    # the tables docs/ show come from results/
