#!/usr/bin/env bash
# thresholds.sh — --threshold on run, compare and check: pass (0), fail (exit 5, one line on
# stderr naming it), an invariant violated still exits 1; bad thresholds exit 2 with one line
# before any server starts; the results in text, JSON and JUnit.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

race=(--users=10 --think-time=20 --stock=5 --qty=1 --seed=2)
# one run, every threshold met (a minute for p99: a busy machine cannot make it fail)
run_json "$TMP/ok.json" --strategy=atomic "${race[@]}" --threshold='oversell==0' --threshold='p99<60s' \
    --threshold='goodput>0' --threshold='lost_sales==0'
check "run, every threshold met: exit 0 ($rc: $(head -1 "$stderr_file"))" [ "$rc" = 0 ]
check "JSON: 4 thresholds, each with its value and passed" \
    jqe '(.thresholds | length) == 4 and all(.thresholds[]; .passed and (.value | type) == "number" and .group == "atomic/10")' "$TMP/ok.json"
# goodput above a million purchases a second cannot be met
run_json "$TMP/fail.json" --strategy=atomic "${race[@]}" --threshold='goodput>1000000' --threshold='oversell==0'
check "run, goodput>1000000: exit 5 ($rc)" [ "$rc" = 5 ]
check "... one line on stderr naming it: $(cat "$stderr_file")" \
    [ "$(wc -l <"$stderr_file")" = 1 -a "$(grep -c 'racesim: 1 threshold failed: goodput>1000000 (atomic/10)' "$stderr_file")" = 1 ]
check "... the report is still written, the failed one marked" \
    jqe '[.thresholds[].passed] == [false, true] and .verdict == "correct"' "$TMP/fail.json"
"$RACESIM" --strategy=atomic "${race[@]}" --threshold='goodput>1000000' --quiet >"$TMP/fail.txt" 2>/dev/null
check "text: a thresholds section with ✗ and ✓" \
    [ "$(grep -c '^  ✗ goodput>1000000 *atomic/10: goodput' "$TMP/fail.txt")" = 1 ]
run_json "$TMP/naive.json" --strategy=naive "${race[@]}" --threshold='oversell==0'
check "run, naive oversells and fails oversell==0: exit 1 ($rc), the invariant wins" [ "$rc" = 1 ]

# compare: every strategy is held to the thresholds
run_json "$TMP/c.json" compare --strategies=atomic,naive "${race[@]}" --threshold='oversell==0'
check "compare, naive oversells: exit 5 ($rc) (without thresholds compare exits 0)" [ "$rc" = 5 ]
check "... JSON: atomic passed, naive failed" \
    jqe '[.thresholds[] | [.group, .passed]] == [["atomic/10", true], ["naive/10", false]] and .exit_code == 5' "$TMP/c.json"
run_json "$TMP/c2.json" compare --strategies=atomic,for-update "${race[@]}" --threshold='oversell==0' --repeat=2
check "compare --repeat=2 of correct strategies, oversell==0: exit 0 ($rc)" [ "$rc" = 0 ]
check "... passed over 2 runs each" jqe 'all(.thresholds[]; .runs == 2 and .passed)' "$TMP/c2.json"

# check: thresholds on the result file
"$RACESIM" check "$TMP/c.json" --baseline="$TMP/c.json" --threshold='lost_update==0' >"$TMP/out" 2>&1
rc=$?
check "check, lost_update==0 holds for both: exit 0 ($rc)" [ "$rc" = 0 -a "$(grep -c '^ok .*lost_update==0' "$TMP/out")" = 2 ]
"$RACESIM" check "$TMP/c.json" --baseline="$TMP/c.json" --threshold='oversell==0' >"$TMP/out" 2>&1
rc=$?
# how much naive oversells depends on how many buyers read before the first write: at least 1
check "check, oversell==0 fails for naive (known in the baseline): exit 5 ($rc)" \
    [ "$rc" = 5 -a "$(grep -c '^THRESHOLD  naive/10: oversell==0: oversell [1-9]' "$TMP/out")" = 1 ]
"$RACESIM" check "$TMP/c.json" --baseline="$TMP/c.json" --threshold='oversell==0' --format=junit >"$TMP/out.xml" 2>&1
check "check --format=junit: the threshold a failure of type threshold" \
    grep -q 'name="oversell==0"><failure message=.* type="threshold"' "$TMP/out.xml"
"$RACESIM" check "$TMP/ok.json" --baseline="$TMP/ok.json" --threshold='p99<60s' >"$TMP/out" 2>&1
check "check of a single run's result with a threshold: exit 0 ($?)" [ $? = 0 ]

# bad thresholds: exit 2, one line, no server started (fast)
bad() {
    "$RACESIM" "$@" >"$TMP/out" 2>"$TMP/err"
    local code=$?
    check "$* : exit 2 ($code), one line: $(head -1 "$TMP/err")" \
        [ "$code" = 2 -a "$(wc -l <"$TMP/err")" = 1 -a ! -s "$TMP/out" ]
}
for t in 'p99<' 'foo==1' 'p99<200parsecs'; do
    bad --strategy=atomic --threshold="$t"
    bad compare --strategies=atomic --threshold="$t"
    bad check "$TMP/c.json" --baseline="$TMP/c.json" --threshold="$t"
done
bad --strategy=for-update --scenario=coupon --threshold='oversell==0'   # stock's invariant, not coupon's
bad sweep --threshold='p99<1'
finish
