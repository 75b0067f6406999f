#!/usr/bin/env bash
# repeat.sh — --repeat=N for run and compare: N runs per strategy with seeds seed..seed+N-1,
# interleaved across strategies on one server; median and spread in text, Markdown and JSON
# (every sample kept); check reads the repeats as samples (n=3+3).
RACESIM=$1
source "$(dirname "$0")/lib.sh"

race=(--users=10 --think-time=20 --stock=5 --qty=1)
run_json "$TMP/c.json" compare --strategies=atomic,naive "${race[@]}" --seed=4 --repeat=3
check "compare --repeat=3 ends (exit $rc: $(head -1 "$stderr_file"))" [ "$rc" = 0 ]
check "JSON: 2 strategies x 3 repeats = 6 runs, interleaved (a1 b1 a2 b2 a3 b3)" \
    jqe '[.runs[].run.strategy] == ["atomic", "naive", "atomic", "naive", "atomic", "naive"]' "$TMP/c.json"
check "JSON: seeds 4, 5, 6, one per repeat" \
    jqe '[.runs[].run.seed] == [4, 4, 5, 5, 6, 6]' "$TMP/c.json"
check "JSON: repeat 3, and a summary per strategy with every sample" \
    jqe '.repeat == 3 and (.repeats | length) == 2 and all(.repeats[]; .n == 3
         and (.throughput.samples | length) == 3 and (.goodput.samples | length) == 3
         and (.p99_ms.samples | length) == 3)' "$TMP/c.json"
check "JSON: the samples are the runs' own figures, in repeat order" \
    jqe '[.runs[] | select(.run.strategy == "atomic") | .time.throughput] == (.repeats[0].throughput.samples)' "$TMP/c.json"
check "JSON: median within min..max; 3 runs: the interval is min..max, covering 75%" \
    jqe 'all(.repeats[].throughput; .min <= .median and .median <= .max and .ci_low == .min
         and .ci_high == .max and .ci_level == 0.75)' "$TMP/c.json"
check "JSON: naive oversold in every repeat (the race is forced)" \
    jqe '[.runs[] | select(.run.strategy == "naive") | .verdict] == ["anomaly", "anomaly", "anomaly"]' "$TMP/c.json"

"$RACESIM" compare --strategies=atomic,for-update --users=10 --seed=1 --repeat=2 --quiet >"$TMP/c.txt" 2>&1
rc=$?
check "text: exit $rc, title says 2 repeats, seeds 1..2" [ "$rc" = 0 -a -n "$(grep '2 repeats, seeds 1..2' "$TMP/c.txt")" ]
check "text: a repeats table, a row per strategy with 2 runs" \
    [ "$(grep -cE '^(atomic|for-update) +2 +[0-9]+ \([0-9]+–[0-9]+\)' "$TMP/c.txt")" = 2 ]
"$RACESIM" compare --strategies=atomic,for-update --users=10 --seed=1 --repeat=2 --quiet --format=md >"$TMP/c.md" 2>&1
check "Markdown: the repeats as a Markdown table too" grep -q '^| strategy | runs | purch/s' "$TMP/c.md"
"$RACESIM" compare --strategies=atomic,for-update --users=10 --seed=1 --repeat=2 --quiet --format=csv >"$TMP/c.csv" 2>&1
check "CSV: a row per run (1 + 4 lines)" [ "$(wc -l <"$TMP/c.csv")" = 5 ]

run_json "$TMP/r.json" run --strategy=atomic --users=10 --seed=9 --repeat=3
check "run --repeat=3: exit 0 ($rc)" [ "$rc" = 0 ]
check "... 3 runs with seeds 9..11" \
    jqe '.command == "run" and [.runs[].run.seed] == [9, 10, 11] and .exit_code == 0' "$TMP/r.json"
run_json "$TMP/n.json" run --strategy=naive "${race[@]}" --seed=9 --repeat=2
check "run --repeat=2 of a strategy that oversells: exit 1 ($rc), as a single run" [ "$rc" = 1 ]
check "... and its JSON says exit_code 1" jqe '.exit_code == 1' "$TMP/n.json"

"$RACESIM" check "$TMP/c.json" --baseline="$TMP/c.json" >"$TMP/check.txt" 2>&1
rc=$?
check "check of the repeats against themselves: exit 0 ($rc), n=3+3 and p on each line" \
    [ "$rc" = 0 -a "$(grep -c 'throughput ~0% .*(p=[0-9.]* n=3+3)' "$TMP/check.txt")" = 2 ]

"$RACESIM" run --strategy=atomic --repeat=2 --trace >/dev/null 2>"$TMP/err"
rc=$?
check "run --repeat with --trace: exit 2 ($rc), one line" [ "$rc" = 2 -a "$(wc -l <"$TMP/err")" = 1 ]
"$RACESIM" compare --repeat=0 >/dev/null 2>"$TMP/err"
rc=$?
check "--repeat=0: exit 2 ($rc), one line" [ "$rc" = 2 -a "$(wc -l <"$TMP/err")" = 1 ]
finish
