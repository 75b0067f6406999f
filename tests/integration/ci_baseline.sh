#!/usr/bin/env bash
# ci_baseline.sh — what CI gates on: a small compare (every stock strategy, 50 buyers, seed 1)
# checked against the committed results/baseline.json with a generous threshold (CI machines are
# noisy: throughput may fall to 10%, p99 rise 10x), while any invariant regression fails.
# Regenerate the baseline with bench/reference.sh.
RACESIM=$1
source "$(dirname "$0")/lib.sh"
baseline=$(cd "$(dirname "$0")/../.." && pwd)/results/baseline.json

check "results/baseline.json is a compare at 50 buyers" \
    jqe '.command == "compare" and .users == 50 and (.runs | length) > 0' "$baseline"
"$RACESIM" compare --users=50 --seed=1 --quiet --format=json >"$TMP/r.json" 2>"$TMP/err"
rc=$?
check "compare --users=50 ends (exit $rc: $(head -1 "$TMP/err"))" [ "$rc" = 0 ]
"$RACESIM" check "$TMP/r.json" --baseline="$baseline" --max-regression=90% >"$TMP/check.txt" 2>&1
rc=$?
cat "$TMP/check.txt"
check "check against the baseline (90% allowed): exit 0 (got $rc)" [ "$rc" = 0 ]
"$RACESIM" check "$TMP/r.json" --baseline="$baseline" --max-regression=90% --format=junit \
    --out="$TMP/junit.xml" 2>/dev/null
rc=$?
check "the same as JUnit XML: exit $rc, a test case per strategy and check" \
    [ "$rc" = 0 -a "$(grep -c '<testcase ' "$TMP/junit.xml" 2>/dev/null)" -ge 6 ]
finish
