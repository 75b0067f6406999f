#!/usr/bin/env bash
# bench/explore.sh — regenerates results/explore.txt: how long `racesim explore` takes over every
# interleaving of 2 buyers of bench/strategies/five-steps.sql (5 statements each: C(10,5) = 252
# schedules, each on fresh tables of one private server), 3 times, with the machine's load; then
# the --schedule and explore examples of docs/classroom.md. The timing table also goes to
# results/bench-explore.md, which README.md and docs/ show through scripts/docs-tables.
set -eu
source "$(dirname "$0")/lib.sh"
bench_init
out=results/explore.txt
rm -f /tmp/explore-rows.$$
load=$(cut -d' ' -f1-3 /proc/loadavg)
{
    echo "# $(date -u +%Y-%m-%dT%H:%MZ) · $(nproc) cores · load average $load"
    for i in 1 2 3; do
        wall=$(bench_wall "$tmp/explore.json" "$bin" explore --strategy=bench/strategies/five-steps.sql \
            --stock=10 --seed=1 --quiet --format=json)
        jq -r --arg wall "$wall" \
            '"five-steps, 2 buyers: \(.schedules) schedules (complete: \(.complete)), \(.anomalous) anomalous; explore \(.seconds * 10 | round / 10) s, whole command \($wall | tonumber * 10 | round / 10) s (server start included)"' \
            "$tmp/explore.json"
        jq -r --arg i "$i" --arg wall "$wall" \
            '"| \($i) | \(.schedules) | \(if .complete then "yes" else "no" end) | \(.anomalous) | \(.seconds * 10 | round / 10) s | \($wall | tonumber * 10 | round / 10) s |"' \
            "$tmp/explore.json" >>/tmp/explore-rows.$$
    done
    echo
    for cmd in "--strategy=naive --users=2 --stock=1 --qty=1 --schedule=1,2,1,2,1,2 --trace" \
               "--strategy=naive --users=2 --stock=1 --qty=1 --schedule=1,1,1,2 --trace" \
               "--strategy=for-update --users=2 --stock=1 --qty=1 --schedule=1,1,2,2,1,1,1 --trace"; do
        NO_COLOR=1 build/src/racesim $cmd --seed=1 >/tmp/explore.$$ || true
        echo "\$ ./racesim $cmd"
        sed -n '1,/^$/p' /tmp/explore.$$
        sed -n '/^why: /,$p' /tmp/explore.$$ | sed '/^$/d'
        echo
    done
    for s in naive for-update; do
        echo "\$ ./racesim explore --strategy=$s"
        NO_COLOR=1 build/src/racesim explore --strategy=$s --seed=1 --quiet | sed 's/in [0-9.]* s$/in X s/' || true
        echo
    done
} >"$out"
{
    echo "# bench/explore.sh"
    echo
    echo "\`bench/explore.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, load average $load at the start, $(build/src/racesim --version | head -1), its private $(mariadbd --version 2>/dev/null | grep -o '[0-9][0-9.]*-MariaDB' || echo MariaDB): \`racesim explore --strategy=bench/strategies/five-steps.sql --stock=10\`, 2 buyers of 5 statements each, every interleaving (C(10,5) = 252)"
    echo
    echo "| run | schedules | every interleaving | anomalous | explore | whole command (server start included) |"
    echo "|---|---:|---|---:|---:|---:|"
    cat /tmp/explore-rows.$$
} >results/bench-explore.md
rm -f /tmp/explore.$$ /tmp/explore-rows.$$
cat "$out" results/bench-explore.md
bench_docs_tables    # the tables README.md and docs/ show come from results/
