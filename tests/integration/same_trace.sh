#!/usr/bin/env bash
# same_trace.sh SCENARIO — --lockstep is a schedule: with 2 buyers and the same seed, every
# strategy of the scenario draws the same trace (steps, results, the why: line) byte for byte in
# 20 runs of 20; the JSON lines agree too once their clock fields (t_ms, waited_ms, start_us, end_us) are dropped.
RACESIM=$1
scenario=$2
source "$(dirname "$0")/lib.sh"
own_server || { echo "FAIL - no server"; exit 1; }

strategies() {
    if [ "$scenario" = tests ]; then
        echo "$(dirname "$0")/../strategies/skip-locked-autocommit.sql"
    else
        "$RACESIM" list --scenario="$scenario" | awk '/^  strategies:/ { f = 1; next } f && NF { print $1 }'
    fi
}

for s in $(strategies); do
    sc=$scenario
    [ "$scenario" = tests ] && sc=seats
    name=$(basename "$s" .sql)
    differ=0
    for i in $(seq 1 20); do
        NO_COLOR=1 "$RACESIM" --scenario="$sc" --strategy="$s" --users=2 --seed=7 --lockstep \
            --trace="$TMP/t.jsonl" --format=json --dsn="$DSN" --quiet >"$TMP/r.json" 2>"$TMP/err"
        [ "$i" = 1 ] && schema_later "$TMP/r.json"
        NO_COLOR=1 "$RACESIM" --scenario="$sc" --strategy="$s" --users=2 --seed=7 --lockstep \
            --trace --dsn="$DSN" --quiet 2>>"$TMP/err" | sed -n '1,/^$/p;/^why:/,/^$/p' >"$TMP/t.txt"
        jq -c 'del(.t_ms, .waited_ms, .start_us, .end_us)' "$TMP/t.jsonl" >"$TMP/t.json"
        if [ "$i" = 1 ]; then
            cp "$TMP/t.txt" "$TMP/first.txt"
            cp "$TMP/t.json" "$TMP/first.json"
        elif ! cmp -s "$TMP/t.txt" "$TMP/first.txt" || ! cmp -s "$TMP/t.json" "$TMP/first.json"; then
            differ=$((differ + 1))
            diff "$TMP/first.txt" "$TMP/t.txt" | head -20
        fi
    done
    check "$sc/$name: the trace has steps" [ "$(wc -l <"$TMP/first.json")" -gt 2 ]
    check "$sc/$name --lockstep --seed=7: 20 of 20 traces identical (differed: $differ)" [ "$differ" = 0 ]
done
finish
