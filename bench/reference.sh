#!/usr/bin/env bash
# bench/reference.sh — this machine's reference results, committed in results/: every stock
# strategy compared at 500 buyers (table, chart, JSON), a sweep over buyer counts (table, chart),
# the isolation matrix (Markdown), and the baseline CI checks against (compare at 50 buyers).
# Usage: bench/reference.sh [REPEAT]   (sweep runs per point, default 3)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init --tests
repeat=${1:-3}
out=results
# MariaDB 10.11.19 -> mariadb-10.11 (the matrix's answers depend on the server's version)
server=$("$bin" compare --strategies=atomic --users=1 --seed=1 --quiet --format=json \
    | jq -r '.server_version | capture("^(?<v>[0-9]+\\.[0-9]+)[^-]*-(?<f>[A-Za-z]+)") | "\(.f | ascii_downcase)-\(.v)"')
# every stock strategy, and the write-back inside a transaction that shows what isolation does
strategies=$(cd strategies/stock && ls *.sql | grep -vx scenario.sql | sed 's/\.sql$//' | sort | tr '\n' ,)
strategies+=bench/strategies/write-back-tx.sql

run() {
    echo "\$ racesim $*" >&2
    "$bin" "$@" --quiet --force
}

run compare --users=500 --stock=5000 --qty=1..30 --seed=1 --chart="$out/compare-stock-500.png" \
    >"$out/compare-stock-500.txt"
run compare --users=500 --stock=5000 --qty=1..30 --seed=1 --format=json --out="$out/compare-stock-500.json"
run sweep --users=1,8,64,500 --repeat="$repeat" --seed=1 --chart="$out/sweep-stock.png" >"$out/sweep-stock.txt"
run matrix --strategies="$strategies" --seed=1 --format=md --out="$out/matrix-stock-$server.md"
run compare --users=50 --seed=1 --format=json --out="$out/baseline.json"
# what CI does (tests/integration/ci_baseline.sh): a fresh compare checked against the baseline
run compare --users=50 --seed=1 --format=json --out="$tmp/ci.json"
echo "\$ racesim check ci.json --baseline=results/baseline.json --max-regression=90%" >&2
ln -s "$top/$out" "$tmp/results"     # so that the output names results/baseline.json
(cd "$tmp" && "$top/$bin" check ci.json --baseline=results/baseline.json --max-regression=90%) \
    >"$out/check-baseline.txt" || echo "bench: check exited $?" >&2
cat "$out/compare-stock-500.txt" "$out/sweep-stock.txt" "$out/matrix-stock-$server.md" "$out/check-baseline.txt"
bench_docs_tables    # the tables README.md and docs/ show come from results/
