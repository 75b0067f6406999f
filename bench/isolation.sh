#!/usr/bin/env bash
# bench/isolation.sh — racesim isolation on each ENGINE given (default: mariadb): the whole
# isolation-anomaly table (every test of strategies/isolation/ explored at every level the
# engine offers, on one private server started for it), timed as racesim's whole-process wall
# time, server start included; writes results/isolation-ENGINE.md (the table in Markdown and
# the time) and runs scripts/docs-tables, which copies each into docs/isolation.md.
# Usage: bench/isolation.sh [ENGINE...]   (mariadb, postgres, sqlite; galera: a private
# 3-node MariaDB Galera cluster, --cluster=3, T1 on node 1, T2 on node 2)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init
[ $# -gt 0 ] || set -- mariadb
for engine in "$@"; do
    args=(--engine="$engine")
    [ "$engine" != galera ] || args=(--engine=mariadb --cluster=3)
    wall=$(printf '%.1f' "$(bench_wall "$tmp/table.md" "$bin" isolation "${args[@]}" --quiet --format=md)")
    levels=$(($(grep -c '^| ' "$tmp/table.md") - 1))      # the table's rows, less its header
    {
        echo "# racesim isolation on $engine"
        echo
        cat "$tmp/table.md"
        echo
        echo "Measured by bench/isolation.sh on $(nproc) cores: the whole table, $levels levels," \
             "in $wall s of wall time (racesim isolation ${args[*]}, the private server's" \
             "start included)."
    } >"results/isolation-$engine.md"
    echo "bench/isolation.sh: $engine: $levels levels, $wall s"
done
bench_docs_tables
