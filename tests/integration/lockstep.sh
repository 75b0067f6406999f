#!/usr/bin/env bash
# lockstep.sh STRATEGY — with --lockstep the race is decided by the strategy, not by luck: over
# 20 runs of 2 buyers (5 under a sanitizer: lib.sh rounds) the unsafe strategies show their
# anomaly every time and the safe ones never; with 50 buyers lockstep ends (no harness deadlock)
# with the same verdict.
RACESIM=$1
strategy=$2
source "$(dirname "$0")/lib.sh"

case $strategy in
    naive) expect=oversell; stock=1 ;;
    naive-write-back) expect=lost_update; stock=10 ;;
    *) expect=""; stock=1 ;;
esac

runs=$(rounds 20 5)
anomalies=0
clean=0
for seed in $(seq 1 "$runs"); do
    run_json "$TMP/r.json" --strategy="$strategy" --users=2 --stock="$stock" --qty=1 --lockstep --seed="$seed"
    if [ -n "$expect" ] && [ "$rc" = 1 ] && [ "$(inv "$TMP/r.json" "$expect")" -gt 0 ]; then
        anomalies=$((anomalies + 1))
    fi
    if [ "$rc" = 0 ] && all_hold "$TMP/r.json"; then
        clean=$((clean + 1))
    fi
done
if [ -n "$expect" ]; then
    check "$strategy --lockstep 2 buyers: $expect in $runs of $runs runs (got $anomalies)" [ "$anomalies" = "$runs" ]
else
    check "$strategy --lockstep 2 buyers: no anomaly in $runs of $runs runs (got $clean)" [ "$clean" = "$runs" ]
fi

# the watchdog only tells a harness deadlock from an end: 120 s, 600 under a sanitizer (ASan's
# 50 buyers of optimistic once took longer than 120 s on a machine loaded far past its 2 cores)
timeout "$(rounds 120 600)" "$RACESIM" --strategy="$strategy" --users=50 --lockstep --seed=3 ${ENGINE_ARGS[@]+"${ENGINE_ARGS[@]}"} --quiet --format=json \
    >"$TMP/50.json" 2>"$TMP/50.err"
rc=$?
schema_later "$TMP/50.json"
check "$strategy --lockstep 50 buyers ends (exit $rc, not a timeout)" [ "$rc" = 0 -o "$rc" = 1 ]
if [ -s "$TMP/50.json" ]; then
    check "$strategy --lockstep 50 buyers: all 50 purchases made" [ "$(jq .counts.purchases "$TMP/50.json")" = 50 ]
    if [ -n "$expect" ]; then
        check "$strategy --lockstep 50 buyers: still $expect" [ "$(inv "$TMP/50.json" "$expect")" -gt 0 ]
    else
        check "$strategy --lockstep 50 buyers: still no anomaly" all_hold "$TMP/50.json"
    fi
    check "$strategy --lockstep 50 buyers: rounds were counted" jqe '.lockstep_rounds > 0' "$TMP/50.json"
fi
finish
