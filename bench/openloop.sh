#!/usr/bin/env bash
# bench/openloop.sh — issue 14's open-loop chart. The hot row's capacity: a closed loop of
# atomic at 16 buyers for 3 s on a stock that does not run out. Then, at a fixed --rate below
# it (BELOW × capacity) and above it (ABOVE × capacity), runs of several --time lengths (2, 4,
# 8 s by default), alternating below and above: below capacity the rate achieved is within 1 %
# of the rate asked at every length; above it the p99 from each purchase's intended start
# (coordinated-omission corrected) grows with the run's length while the service p99 does not.
# Writes results/openloop.json, results/openloop.md and results/openloop.png (gnuplot).
# Usage: bench/openloop.sh [LENGTHS] [BELOW] [ABOVE]   (defaults "2 4 8", 0.1, 1.5)
set -eu
source "$(dirname "$0")/lib.sh"
bench_init
lengths=${1:-2 4 8}
below=${2:-0.1}
above=${3:-1.5}
common=(--strategy=atomic --users=16 --stock=2000000000 --seed=1 --quiet --format=json)

"$bin" "${common[@]}" --time=3s >"$tmp/cap.json"
cap=$(jq '.time.throughput' "$tmp/cap.json")
low=$(jq -n --argjson c "$cap" --argjson f "$below" '$c * $f | floor')
high=$(jq -n --argjson c "$cap" --argjson f "$above" '$c * $f | floor')
echo "bench: capacity $cap/s; rates $low/s and $high/s" >&2

: >"$tmp/runs.jsonl"
for t in $lengths; do
    for r in "$low" "$high"; do
        "$bin" "${common[@]}" --rate="$r" --time="${t}s" >"$tmp/r.json"
        jq -c --arg side "$([ "$r" = "$low" ] && echo below || echo above)" '{side: $side,
            time_s: .load.time_s, rate_asked: .load.rate_asked, rate_achieved: .load.rate_achieved,
            backlog_end: .load.backlog_end, purchases: .counts.purchases,
            intended_p99_ms: .load.intended_p99_ms, service_p99_ms: .load.service_p99_ms,
            verdict}' "$tmp/r.json" >>"$tmp/runs.jsonl"
        echo "bench: $r/s for $t s done" >&2
    done
done

jq -n --slurpfile runs "$tmp/runs.jsonl" --argjson cap "$cap" --arg date "$(date -u +%Y-%m-%d)" \
   --arg host "$(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at the end" \
   --arg cmd "bench/openloop.sh \"$lengths\" $below $above" \
   --arg server "$("$bin" --version) / $(mariadbd --version 2>/dev/null | awk '{print $3}')" '
  {command: $cmd, date: $date, machine: $host, software: $server, capacity_per_s: $cap,
   runs: ($runs | map(. + {achieved_vs_asked: (.rate_achieved / .rate_asked)}))}' >results/openloop.json

{
    echo "# bench/openloop.sh — $(jq -r '.date + ", " + .machine + ", " + .software' results/openloop.json)"
    echo
    echo "atomic, 16 buyers, a stock that does not run out; capacity of a closed loop"
    echo "$(jq '.capacity_per_s | round' results/openloop.json)/s; \`$(jq -r .command results/openloop.json)\`."
    echo
    echo "| side | rate asked | time | achieved | achieved / asked | backlog at end | p99 from intended start (ms) | service p99 (ms) |"
    echo "|---|---|---|---|---|---|---|---|"
    jq -r '.runs[] | "| \(.side) | \(.rate_asked) | \(.time_s) s | \(.rate_achieved * 10 | round / 10) | \(.achieved_vs_asked * 1000 | round / 1000) | \(.backlog_end) | \(.intended_p99_ms) | \(.service_p99_ms) |"' results/openloop.json
} >results/openloop.md

for side in below above; do
    jq -r --arg s "$side" '.runs[] | select(.side == $s) | [.time_s, .intended_p99_ms, .service_p99_ms] | @tsv' \
        results/openloop.json >"$tmp/$side.tsv"
done
cat >"$tmp/plot.gp" <<GP
set terminal pngcairo size 900,540 font 'Sans,11' noenhanced background rgb 'white'
set output '$top/results/openloop.png'
set title "Open loop on the hot row (atomic, 16 buyers, capacity $(jq '.capacity_per_s | round' results/openloop.json)/s): p99 against the run's length"
set xlabel 'run length, --time (s)'
set ylabel 'p99 latency (ms, log scale)'
set logscale y
set key top left
set grid
set xrange [0:*]
plot '$tmp/above.tsv' using 1:2 with linespoints lw 2 pt 7 lc rgb '#c0392b' title "above: $high/s, from the intended start (corrected)", \\
     '' using 1:3 with linespoints lw 2 pt 5 dt 2 lc rgb '#c0392b' title "above: $high/s, service (uncorrected)", \\
     '$tmp/below.tsv' using 1:2 with linespoints lw 2 pt 7 lc rgb '#2471a3' title "below: $low/s, from the intended start (corrected)", \\
     '' using 1:3 with linespoints lw 2 pt 5 dt 2 lc rgb '#2471a3' title "below: $low/s, service (uncorrected)"
GP
gnuplot "$tmp/plot.gp"
cat results/openloop.md
bench_docs_tables    # the tables README.md and docs/ show come from results/
