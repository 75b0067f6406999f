#!/usr/bin/env bash
# bench/explore.sh — regenerates results/explore.txt: how long `racesim explore` takes over every
# interleaving of 2 buyers of bench/strategies/five-steps.sql (5 statements each: C(10,5) = 252
# schedules, each on fresh tables of one private server), 3 times, with the machine's load; then
# the README's --schedule and explore examples.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scripts/ensure-built
out=results/explore.txt
{
    echo "# $(date -u +%Y-%m-%dT%H:%MZ) · $(nproc) cores · load average $(cut -d' ' -f1-3 /proc/loadavg)"
    for i in 1 2 3; do
        start=$(date +%s.%N)
        build/src/racesim explore --strategy=bench/strategies/five-steps.sql --stock=10 --seed=1 \
            --quiet --format=json >/tmp/explore.$$ || true
        end=$(date +%s.%N)
        jq -r --arg wall "$(echo "$end - $start" | bc)" \
            '"five-steps, 2 buyers: \(.schedules) schedules (complete: \(.complete)), \(.anomalous) anomalous; explore \(.seconds * 10 | round / 10) s, whole command \($wall | tonumber * 10 | round / 10) s (server start included)"' \
            /tmp/explore.$$
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
rm -f /tmp/explore.$$
cat "$out"
