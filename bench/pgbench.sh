#!/usr/bin/env bash
# bench/pgbench.sh — racesim against pgbench on ONE throwaway PostgreSQL (scripts/pg-throwaway.sh,
# the private server's settings: fsync, synchronous_commit, full_page_writes off): a one-row hot
# update (pgbench: a custom script of `UPDATE products SET stock = stock - 1 WHERE id = 1`, -M
# prepared; racesim: bench/scenarios/hot_row hot-update, the same statement, autocommit) at 1, 8
# and 64 clients, TOTAL transactions per run, ROUNDS alternating rounds; then the classic workload
# (500 buyers, stock 5000, qty 1..30; for-update and atomic) as racesim's whole-process wall time
# on a private MariaDB and a private PostgreSQL, alternating. Prints medians and ratios; writes
# results/bench-pgbench.json.
# Usage: bench/pgbench.sh [ROUNDS [TOTAL]]   (default 5 6400)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init
rounds=${1:-5}
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
# the server's CPU so far, in clock ticks: the postmaster's and its reaped backends' (a client's
# backends exit just after it: wait until only the postmaster's own helpers are left)
server_ticks() {
    local i
    for i in $(seq 50); do
        [ "$(pgrep -P "$PGT_PID" | wc -l)" -le 6 ] && break
        sleep 0.05
    done
    awk '{print $14 + $15 + $16 + $17}' "/proc/$PGT_PID/stat"
}
# CPU SERVER_TICKS_BEFORE COMMAND...: runs COMMAND (stdout to $tmp/out), then prints its own
# CPU seconds and the server's (user + system)
cpu() {
    local before=$1
    shift
    /usr/bin/time -f '%U %S' -o "$tmp/time" "$@" >"$tmp/out" 2>&1
    echo "$(awk '{print $1 + $2}' "$tmp/time") $(echo "scale=3; ($(server_ticks) - $before) / $(getconf CLK_TCK)" | bc)"
}
pgbench_run() {   # CLIENTS TRANSACTIONS_EACH -> "TPS CLIENT_CPU SERVER_CPU"
    local j=$(($1 < 2 ? $1 : 2)) c
    c=$(cpu "$(server_ticks)" env -u PGPASSWORD "$PGT_BIN/pgbench" -n -M prepared -h "$PGT_SOCK" \
        -U postgres -c "$1" -j "$j" -t "$2" -f "$tmp/hot.sql" pgbench)
    echo "$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$tmp/out") $c"
}
racesim_run() {   # CLIENTS TRANSACTIONS_EACH -> "TPS CLIENT_CPU SERVER_CPU"
    local c
    c=$(cpu "$(server_ticks)" env RACESIM_STRATEGIES="$top/bench/scenarios" "$bin" --dsn="$dsn" \
        --scenario=hot_row --strategy=hot-update --users="$1" --rounds="$2" --quiet --format=json)
    echo "$(jq '.counts.purchases / .time.wall_s' "$tmp/out") $c"
}
for r in $(seq "$rounds"); do
    for c in 1 8 64; do
        t=$((total / c))
        if [ $((r % 2)) = 1 ]; then p=$(pgbench_run "$c" "$t"); x=$(racesim_run "$c" "$t")
        else x=$(racesim_run "$c" "$t"); p=$(pgbench_run "$c" "$t"); fi
        read -r ptps pcpu pserver <<<"$p"
        read -r xtps xcpu xserver <<<"$x"
        jq -nc --arg c "$c" --arg r "$r" --arg n "$((t * c))" --arg pt "$ptps" --arg pc "$pcpu" \
            --arg ps "$pserver" --arg xt "$xtps" --arg xc "$xcpu" --arg xs "$xserver" --arg l "$(cut -d' ' -f1 /proc/loadavg)" \
            '{round: ($r|tonumber), clients: ($c|tonumber), transactions: ($n|tonumber), load: ($l|tonumber),
              pgbench_tps: ($pt|tonumber), racesim_tps: ($xt|tonumber),
              pgbench_cpu_us_per_tx: ((($pc|tonumber) + ($ps|tonumber)) * 1e6 / ($n|tonumber) | round),
              racesim_cpu_us_per_tx: ((($xc|tonumber) + ($xs|tonumber)) * 1e6 / ($n|tonumber) | round)}' >>"$tmp/hot.jsonl"
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
       ratio: (([.[] | .racesim_tps / .pgbench_tps] | median) * 100 | round / 100),
       ratios: [.[] | .racesim_tps / .pgbench_tps * 100 | round / 100],
       pgbench_cpu_us_per_tx: ([.[].pgbench_cpu_us_per_tx] | median | round),
       racesim_cpu_us_per_tx: ([.[].racesim_cpu_us_per_tx] | median | round),
       load: ([.[].load] | [min, max])}],
   classic: [$classic | group_by([.engine, .strategy])[] |
       {engine: .[0].engine, strategy: .[0].strategy} + classic_medians],
   samples: {hot_update: $hot, classic: $classic}}' >results/bench-pgbench.json
jq -r '"hot update, median of \(.samples.hot_update | length / 3) rounds (tps):",
  (.hot_update[] | "  \(.clients) clients: pgbench \(.pgbench_tps), racesim \(.racesim_tps), racesim/pgbench \(.ratio) (rounds \(.ratios | map(tostring) | join(" "))); CPU us/tx pgbench \(.pgbench_cpu_us_per_tx), racesim \(.racesim_cpu_us_per_tx)"),
  "classic workload, whole process (s):",
  (.classic[] | "  \(.engine) \(.strategy): \(.process_wall_s) (purchases \(.purchases_wall_s))")' results/bench-pgbench.json
# the docs' tables (docs/benchmarks.md shows this file: scripts/docs-tables)
jq -r '
def r2: . * 100 | round / 100;
"| clients | pgbench tps (median) | racesim tps (median) | racesim / pgbench (median of the rounds'\'' ratios) | the rounds'\'' ratios | CPU µs per transaction, client + server: pgbench / racesim |",
"|---:|---:|---:|---:|---|---:|",
(.hot_update[] | "| \(.clients) | \(.pgbench_tps) | \(.racesim_tps) | \(.ratio) | \(.ratios | map(tostring) | join(", ")) | \(.pgbench_cpu_us_per_tx) / \(.racesim_cpu_us_per_tx) |"),
"",
"`\(.command)` on \(.date), \(.cpus) cores shared with other work (load average \(.hot_update | map(.load[0]) | min)..\(.hot_update | map(.load[1]) | max) during the hot-update rounds); pgbench and racesim alternate, their order swapped every other round. racesim'\''s CPU includes its setup and audit.",
"",
"| classic workload | MariaDB, whole process s | PostgreSQL, whole process s | PostgreSQL / MariaDB |",
"|---|---:|---:|---:|",
(.classic | group_by(.strategy) | sort_by(.[0].strategy) | reverse[] |
  (map(select(.engine == "mariadb"))[0]) as $m | (map(select(.engine == "postgres"))[0]) as $p |
  "| \($m.strategy) | \($m.process_wall_s | r2) (purchases \($m.purchases_wall_s | r2)) | \($p.process_wall_s | r2) (purchases \($p.purchases_wall_s | r2)) | \($p.process_wall_s / $m.process_wall_s | r2) |")' results/bench-pgbench.json >results/bench-pgbench.md
echo "wrote results/bench-pgbench.json and results/bench-pgbench.md"
scripts/docs-tables
