#!/usr/bin/env bash
# bench/peers.sh — racesim against peers that measure the same thing, on one server each and in
# one run, peer and racesim alternating (their order swapped every other round), to show that the
# harness is not what is measured:
#   1. sysbench oltp_update_non_index on a one-row table (--tables=1 --table-size=1) against
#      racesim's bench/scenarios/sbtest_row update-non-index (the same autocommit UPDATE of the
#      one row), 1, 8 and 64 threads, TOTAL events per run, on a throwaway MariaDB
#      (scripts/mariadb-throwaway.sh): transactions per second, goal racesim/sysbench >= 0.95;
#   2. a plain Node client (bench/peers/node/classic.js, mysql2) doing the classic workload
#      (500 buyers, stock 5000, qty 1..30; for-update and atomic) against `racesim --dsn=mysql://`
#      on that same MariaDB, both timed as whole processes: goal racesim/Node <= 0.35;
#   3. the same with the Node `pg` client against `racesim --dsn=postgres://` on a throwaway
#      PostgreSQL (scripts/pg-throwaway.sh): goal racesim/Node <= 0.5.
# Medians over ROUNDS rounds (ratios: the median of the rounds' ratios). The machine's load average
# before and after goes into the results. Writes results/bench-peers.{json,md}, then runs
# scripts/docs-tables. Needs sysbench, node and `npm ci` in bench/peers/node (done here if absent).
# Usage: bench/peers.sh [ROUNDS [TOTAL]]   (default 3 6400)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init
rounds=${1:-3}
total=${2:-6400}
node_dir=$top/bench/peers/node
command -v sysbench >/dev/null || { echo "bench/peers.sh: needs sysbench (apt-get install sysbench)" >&2; exit 2; }
command -v node >/dev/null || { echo "bench/peers.sh: needs node (apt-get install nodejs npm)" >&2; exit 2; }
[ -d "$node_dir/node_modules" ] || (cd "$node_dir" && npm ci --no-audit --no-fund >/dev/null)
unset PGPASSWORD     # trust over the throwaway servers' sockets: no password anywhere
source scripts/mariadb-throwaway.sh
source scripts/pg-throwaway.sh
bench_on_exit mariadb_throwaway_stop
bench_on_exit pg_throwaway_stop
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# whole PROGRAM... as seconds of wall time (stdout to $tmp/out.json); an exit above 1 is said
wall() { bench_wall "$tmp/out.json" "$@"; }

# the classic workload, ROUNDS alternating samples per strategy: PEER LABEL NODE_ENGINE SOCKET DSN
classic_samples() {
    local peer=$1 label=$2 engine=$3 socket=$4 dsn=$5 r s p x
    for r in $(seq "$rounds"); do
        for s in for-update atomic; do
            node_run() { wall node "$node_dir/classic.js" "$engine" "$socket" nodepeer "$s" 500 5000; }
            race_run() { wall "$bin" --dsn="$dsn" --strategy="$s" --users=500 --stock=5000 --qty=1..30 \
                             --seed="$r" --quiet --format=json; }
            if [ $((r % 2)) = 1 ]; then p=$(node_run); x=$(race_run); else x=$(race_run); p=$(node_run); fi
            sample "$peer" "classic $s ($label)" 500 "$r" "$p" "$x" s
        done
    done
}

# ---- MariaDB: sysbench and the mysql2 client ----
mariadb_throwaway_start --max-connections=1200 --max-prepared-stmt-count=400000
mariadb_throwaway_sql "CREATE DATABASE sbtest; CREATE DATABASE nodepeer; CREATE DATABASE racesim"
sb=(sysbench oltp_update_non_index --db-driver=mysql --mysql-socket="$MDT_SOCK" --mysql-user=root
    --mysql-db=sbtest --tables=1 --table-size=1)
"${sb[@]}" prepare >/dev/null
mdsn="mysql://root@localhost/racesim?socket=$MDT_SOCK"

sysbench_tps() {
    "${sb[@]}" --threads="$1" --events="$total" --time=0 run |
        sed -n 's/^ *transactions: *[0-9]* *(\([0-9.]*\) per sec.)/\1/p'
}
racesim_tps() {
    RACESIM_STRATEGIES=$top/bench/scenarios "$bin" --dsn="$mdsn" --scenario=sbtest_row \
        --strategy=update-non-index --users="$1" --rounds=$((total / $1)) --quiet --format=json |
        jq '.counts.purchases / .time.wall_s'
}

: >"$tmp/rows.jsonl"
sample() {   # PEER WORKLOAD N ROUND PEER_FIGURE RACESIM_FIGURE UNIT
    jq -nc --arg peer "$1" --arg w "$2" --arg n "$3" --arg r "$4" --arg p "$5" --arg x "$6" --arg u "$7" \
        '{peer: $peer, workload: $w, n: ($n|tonumber), round: ($r|tonumber), unit: $u,
          peer_figure: ($p|tonumber), racesim_figure: ($x|tonumber)}' | tee -a "$tmp/rows.jsonl" >&2
}

for r in $(seq "$rounds"); do
    for c in 1 8 64; do
        if [ $((r % 2)) = 1 ]; then p=$(sysbench_tps "$c"); x=$(racesim_tps "$c")
        else x=$(racesim_tps "$c"); p=$(sysbench_tps "$c"); fi
        sample sysbench oltp_update_non_index "$c" "$r" "$p" "$x" tps
    done
done
classic_samples "node mysql2" MariaDB mysql "$MDT_SOCK" "$mdsn"
mariadb_throwaway_stop

# ---- PostgreSQL: the pg client ----
pg_throwaway_start -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c shared_buffers=64MB -c max_connections=1100
pg_throwaway_sql "CREATE DATABASE nodepeer; CREATE DATABASE racesim" >/dev/null
pdsn="postgres://postgres@/racesim?host=$PGT_SOCK"
classic_samples "node pg" PostgreSQL postgres "$PGT_SOCK" "$pdsn"
pg_throwaway_stop

jq -n --slurpfile rows "$tmp/rows.jsonl" --arg cmd "bench/peers.sh $rounds $total" \
   --arg date "$(date -u +%Y-%m-%d)" --arg cpus "$(nproc)" --arg lb "$load_before" \
   --arg la "$(cut -d' ' -f1-3 /proc/loadavg)" \
   --arg mariadb "$("$MDT_SERVER" --version | sed 's/^.*Ver //; s/ for .*//')" \
   --arg postgres "$("$PGT_BIN/postgres" --version | awk '{print $3}')" \
   --arg sysbench "$(sysbench --version | cut -d' ' -f2)" --arg node "$(node --version)" "$bench_jq"'
  def goal: if .unit == "tps" then {goal: ">= 0.95", met: (.ratio >= 0.95)}
            elif .peer == "node pg" then {goal: "<= 0.5", met: (.ratio <= 0.5)}
            else {goal: "<= 0.35", met: (.ratio <= 0.35)} end;
  {command: $cmd, date: $date, cpus: ($cpus|tonumber), load_before: $lb, load_after: $la,
   versions: {mariadb: $mariadb, postgres: $postgres, sysbench: $sysbench, node: $node},
   comparisons: [$rows | group_by([.peer, .workload, .n])[] | {peer: .[0].peer, workload: .[0].workload,
       n: .[0].n, unit: .[0].unit, rounds: length,
       peer_figure: ([.[].peer_figure] | median), racesim_figure: ([.[].racesim_figure] | median),
       ratio: ([.[] | .racesim_figure / .peer_figure] | median * 100 | round / 100)} | . + goal],
   samples: $rows}' >results/bench-peers.json
jq -r '
def fig: if . >= 100 then round else (. * 100 | round / 100) end;
"| peer | workload | threads / buyers | peer | racesim | racesim / peer | goal |",
"|---|---|---:|---:|---:|---:|---|",
(.comparisons | sort_by(.unit == "s", .peer, .workload, .n)[] |
  "| \(.peer) | \(.workload) | \(.n) | \(.peer_figure | fig) \(.unit) | \(.racesim_figure | fig) \(.unit) | \(.ratio) | \(.goal) \(if .met then "✓" else "✗" end) |"),
"",
"`\(.command)` on \(.date), \(.cpus) cores shared with other work: load average \(.load_before) before, \(.load_after) after; MariaDB \(.versions.mariadb), PostgreSQL \(.versions.postgres), sysbench \(.versions.sysbench), Node \(.versions.node). Medians of \(.comparisons[0].rounds) alternating rounds; tps for sysbench, whole-process seconds for the Node clients."' \
    results/bench-peers.json >results/bench-peers.md
cat results/bench-peers.md
bench_docs_tables
