#!/usr/bin/env bash
# check.sh — racesim check on result files crafted with jq from real results: 0 within the
# baseline, 4 on a throughput or p99 regression (one line each), 1 when an
# invariant that held (for a correct strategy) is violated, 2 on garbage; JUnit XML; single-run,
# compare and sweep results alike; runs in only one of the two files are said, not checked.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

# naive must oversell in the baseline (its anomalies are "known" below): the race window
# (--think-time with one unit per buyer) makes every buyer read before any writes, on a busy
# machine too.
race=(--users=20 --seed=3 --think-time=20 --stock=5 --qty=1)
B=$TMP/base.json
"$RACESIM" compare --strategies=atomic,naive "${race[@]}" --quiet --format=json >"$B"
schema_later "$B"
check "a compare result to start from" jqe '(.runs | length) == 2' "$B"
check "... in which naive oversold (the race was forced)" \
    jqe '.runs[] | select(.run.strategy == "naive") | .invariants[] | select(.name == "oversell") | .value > 0' "$B"

# checked FILE ARGS...: runs check of FILE against the baseline; sets $rc, output in $TMP/out
checked() {
    local file=$1
    shift
    "$RACESIM" check "$file" --baseline="$B" "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
}
lines() { grep -c "$1" "$TMP/out"; }
at() { echo ".runs |= map(if .run.strategy == \"$1\" then $2 else . end)"; }

checked "$B"
check "the baseline against itself: exit 0 ($rc)" [ "$rc" = 0 ]
check "... naive's anomalies are known, not regressions" [ "$(lines '^known .*naive/20: oversell violated')" = 1 ]

jq "$(at atomic '.time.throughput *= 0.5')" "$B" >"$TMP/slow.json"
checked "$TMP/slow.json"
check "throughput halved, one run a side: exit 0 ($rc), not enough runs to judge speed" \
    [ "$rc" = 0 -a "$(lines '^ok  *atomic/20: throughput −50%, not enough runs to judge speed (n=1+1)')" = 1 ]
checked "$TMP/slow.json" --gate=all
check "throughput halved, --gate=all (by the ratio): exit 4 ($rc)" [ "$rc" = 4 ]
check "... one line for it, naming throughput" [ "$(lines '^REGRESSION')" = 1 -a "$(lines '^REGRESSION atomic/20: throughput')" = 1 ]
checked "$TMP/slow.json" --max-regression=60% --gate=all
check "throughput halved, 60% allowed: exit 0 ($rc)" [ "$rc" = 0 ]

checked "$TMP/slow.json" --gate=invariants
check "throughput halved, --gate=invariants: exit 0 ($rc), the slowdown still said" \
    [ "$rc" = 0 -a "$(lines '^ok  *atomic/20: throughput −50%, not enough runs to judge speed')" = 1 ]
"$RACESIM" check "$B" --baseline="$B" --gate=speed >/dev/null 2>"$TMP/err"
check "--gate=speed: exit 2 ($?), one line" [ $? = 2 -a "$(wc -l <"$TMP/err")" = 1 ]

jq "$(at atomic '.latency.purchase.p99_ms *= 3')" "$B" >"$TMP/p99.json"
checked "$TMP/p99.json" --gate=all
check "p99 tripled: exit 4 ($rc), one line naming p99" [ "$rc" = 4 -a "$(lines '^REGRESSION atomic/20: p99')" = 1 ]
checked "$TMP/p99.json" --max-regression=90% --gate=all
check "p99 tripled, 90% allowed (up to 10x): exit 0 ($rc)" [ "$rc" = 0 ]

jq "$(at atomic '.invariants[0].holds = false | .invariants[0].value = 5 | .verdict = "anomaly"')" "$B" >"$TMP/inv.json"
checked "$TMP/inv.json" --max-regression=90%
check "atomic now oversells: exit 1 ($rc)" [ "$rc" = 1 ]
checked "$TMP/inv.json" --gate=invariants
check "atomic now oversells, --gate=invariants: still exit 1 ($rc)" [ "$rc" = 1 ]
check "... one line naming the invariant" [ "$(lines '^INVARIANT  atomic/20: oversell violated (5)')" = 1 ]
jq "$(at atomic '.invariants[0].holds = false | .time.throughput *= 0.1')" "$B" >"$TMP/both.json"
checked "$TMP/both.json" --gate=all
check "an invariant and throughput regressed: exit 1 ($rc), both said" \
    [ "$rc" = 1 -a "$(lines '^INVARIANT')" = 1 -a "$(lines '^REGRESSION')" = 1 ]
jq "$(at naive '.invariants[2].holds = false | .invariants[2].value = 7')" "$B" >"$TMP/known.json"
checked "$TMP/known.json"
check "naive (unsafe in the baseline) shows another anomaly: exit 0 ($rc), said as known" \
    [ "$rc" = 0 -a "$(lines '^known .*naive/20: lost_update violated (7)')" = 1 ]

jq '.runs |= map(select(.run.strategy != "atomic"))' "$B" >"$TMP/missing.json"
checked "$TMP/missing.json"
check "a baseline run missing from the result: said, not checked (exit $rc)" \
    [ "$rc" = 0 -a "$(lines '^known .*atomic/20: in the baseline, not in the result')" = 1 ]

checked "$TMP/inv.json" --format=junit --max-regression=90%
check "JUnit: exit 1 as in text ($rc)" [ "$rc" = 1 ]
check "JUnit: XML with one test case per strategy and check (2 x (throughput, p99, 4 invariants))" \
    [ "$(head -1 "$TMP/out")" = '<?xml version="1.0" encoding="UTF-8"?>' -a "$(grep -c '<testcase ' "$TMP/out")" = 12 ]
check "JUnit: 1 failure, naive's 2 known anomalies skipped" \
    grep -q '<testsuites name="racesim check" tests="12" failures="1" skipped="2">' "$TMP/out"
check "JUnit: open and close tags balance" \
    [ "$(grep -o '<testcase ' "$TMP/out" | wc -l)" = "$(grep -o '</testcase>' "$TMP/out" | wc -l)" ]

"$RACESIM" --strategy=atomic "${race[@]}" --quiet --format=json >"$TMP/single.json"
schema_later "$TMP/single.json"
checked "$TMP/single.json" --max-regression=99%
check "a single run's result against a compare baseline: exit 0 ($rc), matched by strategy" \
    [ "$rc" = 0 -a "$(lines '^ok  *atomic/20: throughput')" = 1 ]
"$RACESIM" sweep --strategies=atomic --users=1,5 --repeat=2 --seed=3 --quiet --format=json >"$TMP/sweep.json"
schema_later "$TMP/sweep.json"
"$RACESIM" check "$TMP/sweep.json" --baseline="$TMP/sweep.json" >"$TMP/out" 2>&1
rc=$?
check "a sweep against itself: exit 0 ($rc), a line per buyer count" \
    [ "$rc" = 0 -a "$(lines '^ok  *atomic/1:')" = 1 -a "$(lines '^ok  *atomic/5:')" = 1 ]

# repeats: atomic's run as 5 samples with crafted throughputs (the other figures kept)
# samples FILE OUT T1 T2 ...: FILE's atomic run once per throughput given, naive's run kept
samples() {
    local file=$1 out=$2
    shift 2
    jq --argjson t "[$(IFS=,; echo "$*")]" '(.runs | map(select(.run.strategy == "atomic")) | .[0]) as $a
        | .runs = ([$t[] as $x | $a | .time.throughput = $x | .run.seed = ($x | floor)]
                   + (.runs | map(select(.run.strategy != "atomic"))))' "$file" >"$out"
}
samples "$B" "$TMP/b5.json" 1000 1010 990 1005 995
samples "$B" "$TMP/r5.json" 650 660 640 655 645
"$RACESIM" check "$TMP/r5.json" --baseline="$TMP/b5.json" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "5+5 samples, throughput −35% and every sample lower: exit 4 ($rc)" [ "$rc" = 4 ]
check "... said benchstat-style: ratio, interval, p and n: $(grep '^REGRESSION' "$TMP/out")" \
    [ "$(lines '^REGRESSION atomic/20: throughput 650/s vs 1000/s: −35% \[−3[0-9]%, −3[0-9]%\] (p=0.00397 n=5+5; allowed −10%)')" = 1 ]
samples "$B" "$TMP/n5.json" 500 1400 700 1300 880
"$RACESIM" check "$TMP/n5.json" --baseline="$TMP/b5.json" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "5+5 samples, median −12% but noisy (not significant): exit 0 ($rc)" \
    [ "$rc" = 0 -a "$(lines '^ok  *atomic/20: throughput −12% .*(p=0\.[1-9][0-9]* n=5+5)')" = 1 ]
samples "$B" "$TMP/s5.json" 950 955 945 952 948
"$RACESIM" check "$TMP/s5.json" --baseline="$TMP/b5.json" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "5+5 samples, −5% and significant, within --max-regression: exit 0 ($rc)" \
    [ "$rc" = 0 -a "$(lines '^ok  *atomic/20: throughput −5% .*(p=0.00397 n=5+5)')" = 1 ]
"$RACESIM" check "$TMP/r5.json" --baseline="$TMP/b5.json" --max-regression=40% >"$TMP/out" 2>"$TMP/err"
rc=$?
check "5+5 samples, −35% significant, 40% allowed: exit 0 ($rc)" [ "$rc" = 0 ]
samples "$B" "$TMP/r2.json" 650 640
samples "$B" "$TMP/b2.json" 1000 1010
"$RACESIM" check "$TMP/r2.json" --baseline="$TMP/b2.json" >"$TMP/out" 2>"$TMP/err"
rc=$?
check "2+2 samples, −35%: exit 0 ($rc): two a side can never be significant (p=1/6)" \
    [ "$rc" = 0 -a "$(lines '^ok  *atomic/20: throughput −3[0-9]% .*(p=0.167 n=2+2)')" = 1 ]

echo "not json {" >"$TMP/garbage.json"
# refused FILE WHAT: exit 2 and one line on stderr
refused() {
    checked "$1"
    check "$2: exit 2 ($rc) and one line: $(head -1 "$TMP/err")" [ "$rc" = 2 -a "$(wc -l <"$TMP/err")" = 1 -a ! -s "$TMP/out" ]
}
refused "$TMP/garbage.json" "garbage"
refused "$TMP/nonexistent.json" "no such file"
echo '{"a": 1}' >"$TMP/other.json"
refused "$TMP/other.json" "JSON that is no racesim result"
jq '.runs[0].time = {}' "$B" >"$TMP/broken.json"
refused "$TMP/broken.json" "a run without its throughput"
jq '.runs |= map(.run.users = 21)' "$B" >"$TMP/others.json"
refused "$TMP/others.json" "no run in common (other buyer counts)"
"$RACESIM" check "$B" >/dev/null 2>"$TMP/err"
rc=$?
check "check without --baseline: exit 2 ($rc)" [ "$rc" = 2 ]
"$RACESIM" check "$B" --baseline="$B" --max-regression=100% >/dev/null 2>"$TMP/err"
rc=$?
check "--max-regression=100%: exit 2 ($rc)" [ "$rc" = 2 ]
finish
