#!/usr/bin/env bash
# recipes.sh — the CI recipes under examples/ cannot rot: their racesim commands (between the
# "racesim-recipe" markers) are the same in both files and run here, in order, against a private
# server: the baseline, the result, the gate; every result valid against the schema, the gate
# exit 0 with n=5+5 on each speed line, the JUnit file written. The YAML parses.
RACESIM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")    # absolute: the job runs in a folder of its own
source "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)

# block FILE NAME: the commands between "# racesim-recipe: NAME" and "# racesim-recipe: end",
# unindented
block() {
    awk -v name="$2" '
        $0 ~ "# racesim-recipe: end" { on = 0 }
        on { sub(/^[ \t]+/, ""); print }
        $0 ~ "# racesim-recipe: " name "$" { on = 1 }' "$1"
}

gh=$top/examples/github-actions.yml
gl=$top/examples/gitlab-ci.yml
for f in "$gh" "$gl"; do
    check "$(basename "$f") is YAML" python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$f"
    check "$(basename "$f") has a baseline and a result block" \
        [ -n "$(block "$f" baseline)" -a -n "$(block "$f" result)" ]
done
check "both recipes run the same racesim commands" \
    [ "$(block "$gh" baseline; block "$gh" result)" = "$(block "$gl" baseline; block "$gl" result)" ]
check "the recipes gate with check and thresholds on a repeated compare" \
    bash -c 'grep -q -- "check result.json --baseline=baseline.json" "$1" && grep -q -- "--repeat=5" "$1" && grep -q -- "--threshold=" "$1"' _ "$gh"

# run them as the CI job would, but on a private server (no DSN); the job's own limit of 20% is
# kept out: the two sides are made minutes apart on a machine the other tests load, and a
# test must not depend on luck (bench/gate.sh measures the gate itself)
mkdir -p "$TMP/job"
(
    cd "$TMP/job" || exit 9
    unset RACESIM_DSN RACESIM_PASSWORD
    export RACESIM=$RACESIM RACESIM_MAX_REGRESSION=99%
    bash -c "$(block "$gh" baseline)" >baseline.log 2>&1 || exit 10
    bash -c "$(block "$gh" result)" >result.log 2>&1
)
rc=$?
cat "$TMP/job/result.log"
check "the recipe's commands ran: the gate exit 0 (got $rc)" [ "$rc" = 0 ]
check "baseline.json and result.json: 3 strategies x 5 repeats (1000 purchases each), valid against the schema" \
    [ "$(jq '.runs | length' "$TMP/job/baseline.json")" = 15 -a "$(jq '.runs | length' "$TMP/job/result.json")" = 15 ]
check "... both valid against the schema" valid_json "$TMP/job/baseline.json" "$TMP/job/result.json"
check "the gate judged speed on repeats: n=5+5 on each strategy's line" \
    [ "$(grep -c 'throughput .*n=5+5' "$TMP/job/result.log")" = 3 ]
check "the thresholds were checked for each strategy (2 x 3 lines)" \
    [ "$(grep -cE '^ok .*(oversell==0|lost_update==0)' "$TMP/job/result.log")" = 6 ]
check "racesim-junit.xml: a test case per strategy and check (3 x (2 speed + 4 invariants + 2 thresholds))" \
    [ "$(grep -c '<testcase ' "$TMP/job/racesim-junit.xml" 2>/dev/null)" = 24 ]
finish
