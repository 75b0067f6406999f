#!/usr/bin/env bash
# bench/classroom.sh — regenerates results/classroom.txt: the README's "In the classroom" runs
# (2 buyers, --lockstep --trace), each trace with its why and verdict lines.
set -eu
source "$(dirname "$0")/lib.sh"
bench_init
out=results/classroom.txt
: >"$out"
for args in "naive 1" "atomic 1" "naive-write-back 10" "optimistic 10" "for-update 1" "serializable 2"; do
    set -- $args
    cmd="--strategy=$1 --users=2 --stock=$2 --qty=1 --lockstep --trace"
    NO_COLOR=1 build/src/racesim $cmd --seed=1 >/tmp/classroom.$$ || true
    {
        echo "\$ ./racesim $cmd"
        sed -n '1,/^$/p' /tmp/classroom.$$
        sed -n '/^why: /,$p' /tmp/classroom.$$ | sed '/^$/d'
        echo
    } >>"$out"
done
rm -f /tmp/classroom.$$
cat "$out"
