#!/usr/bin/env bash
# explore.sh SCENARIO — explore tries every interleaving of 2 buyers' statements: it finds the
# anomaly of each naive strategy (naive, naive-write-back) and none in the safe ones; with 3
# buyers the same verdicts over the first 60 schedules (a full search of 3 takes minutes each).
# A strategy that retries at once (nowait, skip-locked) has many more interleavings (each retry
# is a step): 2 buyers are bounded at 400 schedules, and the report says it was cut.
RACESIM=$1
scenario=$2
source "$(dirname "$0")/lib.sh"
own_server || { echo "FAIL - no server"; exit 1; }

for s in $("$RACESIM" list --scenario="$scenario" | awk '/^  strategies:/ { f = 1; next } f && NF { print $1 }'); do
    case $s in naive*) unsafe=1 ;; *) unsafe=0 ;; esac
    for users in 2 3; do
        bound=(--max-schedules=400)
        [ "$users" = 3 ] && bound=(--max-schedules=60)
        "$RACESIM" explore --scenario="$scenario" --strategy="$s" --users="$users" "${bound[@]}" \
            --seed=1 --dsn="$DSN" --format=json --quiet >"$TMP/x.json" 2>"$TMP/x.err"
        schema_later "$TMP/x.json"
        rc=$?
        what="$scenario/$s, $users buyers: $(jq -r '"\(.anomalous) of \(.schedules) schedules broke an invariant"' "$TMP/x.json" 2>/dev/null) $(head -c 200 "$TMP/x.err")"
        if [ "$unsafe" = 1 ]; then
            check "$what: exit 1" [ "$rc" = 1 ]
            check "$what: an anomaly found, its witness replayed to it" \
                jqe '.anomalous > 0 and .witness.replayed_anomaly' "$TMP/x.json"
        else
            check "$what: exit 0" [ "$rc" = 0 ]
            check "$what: no anomalous schedule" jqe '.anomalous == 0' "$TMP/x.json"
        fi
        if [ "$users" = 2 ]; then
            check "$scenario/$s, 2 buyers: every interleaving tried, or said to be cut at 400" \
                jqe '(.complete or .schedules == 400) and .diverged == 0' "$TMP/x.json"
        fi
    done
done
finish
