#!/usr/bin/env bash
# ci_baseline.sh — what CI gates on: a small compare (every stock strategy, 50 buyers, seed 1)
# checked against the committed results/baseline.json with --gate=invariants: any invariant
# regression fails; speed is printed, not gated, because one sample per strategy on a shared,
# busy CI machine cannot tell noise from a regression (a busy run measured p99 at 15x the
# baseline with no change in the code).
# Regenerate the baseline with bench/reference.sh.
RACESIM=$1
source "$(dirname "$0")/lib.sh"
baseline=$(cd "$(dirname "$0")/../.." && pwd)/results/baseline.json

check "results/baseline.json is a compare at 50 buyers" \
    jqe '.command == "compare" and .users == 50 and (.runs | length) > 0' "$baseline"
"$RACESIM" compare --users=50 --seed=1 --quiet --format=json >"$TMP/r.json" 2>"$TMP/err"
schema_later "$TMP/r.json"
rc=$?
check "compare --users=50 ends (exit $rc: $(head -1 "$TMP/err"))" [ "$rc" = 0 ]
"$RACESIM" check "$TMP/r.json" --baseline="$baseline" --gate=invariants >"$TMP/check.txt" 2>&1
rc=$?
cat "$TMP/check.txt"
check "check against the baseline (invariants gated): exit 0 (got $rc)" [ "$rc" = 0 ]
check "... every safe strategy's invariants held (no INVARIANT line)" [ "$(grep -c '^INVARIANT' "$TMP/check.txt")" = 0 ]
"$RACESIM" check "$TMP/r.json" --baseline="$baseline" --gate=invariants --format=junit \
    --out="$TMP/junit.xml" 2>/dev/null
rc=$?
check "the same as JUnit XML: exit $rc, a test case per strategy and check" \
    [ "$rc" = 0 -a "$(grep -c '<testcase ' "$TMP/junit.xml" 2>/dev/null)" -ge 6 ]
finish
