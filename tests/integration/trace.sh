#!/usr/bin/env bash
# trace.sh — the timeline says what happened: for-update shows one buyer waiting on the other's
# lock; serializable shows a deadlock (1213) and a retry that succeeds; the verdict in words
# names the buyers; the side-by-side drawing matches its golden copy (numbers masked).
RACESIM=$1
source "$(dirname "$0")/lib.sh"
golden="$(dirname "$0")/../golden"

run_json "$TMP/fu.json" --strategy=for-update --users=2 --stock=1 --qty=1 --lockstep --trace --seed=1
check "for-update trace: exit 0" [ "$rc" = 0 ]
check "for-update trace: a buyer waits for the other's lock" \
    jqe '[.trace[] | select(.event == "wait" and .blocker > 0)] | length == 1' "$TMP/fu.json"
check "for-update trace: the waiting buyer's SELECT ... FOR UPDATE returns after the wait" \
    jqe '[.trace[] | select(.event == "sql" and .waited_ms > 0 and (.text | test("FOR UPDATE")))] | length == 1' "$TMP/fu.json"
check "for-update trace: the waiter then sees no stock" \
    jqe '[.trace[] | select(.event == "end" and .outcome == "out_of_stock")] | length == 1' "$TMP/fu.json"
check "for-update: the verdict in words names the wait" \
    jqe '.explanation | test("buyer [12] waited .* for buyer [12].s lock")' "$TMP/fu.json"

run_json "$TMP/ser.json" --strategy=serializable --users=2 --stock=2 --qty=1 --lockstep --trace --seed=1
check "serializable trace: exit 0" [ "$rc" = 0 ]
check "serializable trace: a 1213 deadlock" jqe '[.trace[] | select(.errno == 1213)] | length >= 1' "$TMP/ser.json"
check "the trace gives the driver's code beside errno" jqe '[.trace[] | select(.errno == 1213 and .code == "1213")] | length >= 1' "$TMP/ser.json"
victim=$(jq '[.trace[] | select(.errno == 1213)][0].buyer' "$TMP/ser.json")
check "serializable trace: the victim (buyer $victim) retries and succeeds" \
    jqe --argjson b "$victim" '[.trace[] | select(.buyer == $b and .event == "end" and .attempt > 1 and .outcome == "ok")] | length == 1' "$TMP/ser.json"
check "serializable: both purchases succeed" [ "$(jq .counts.outcomes.ok.purchases "$TMP/ser.json")" = 2 ]

NO_COLOR=1 "$RACESIM" --strategy=naive --users=2 --stock=1 --qty=1 --lockstep --trace --seed=1 \
    >"$TMP/naive.txt"
check "naive trace: exit 1 (oversold)" [ $? = 1 ]
check "naive: the verdict in words says who read what" \
    grep -q "why: buyers 1 and 2 both read stock=1 (line 3)" "$TMP/naive.txt"
sed -n '1,/^$/p' "$TMP/naive.txt" | sed -E 's/[0-9]+\.[0-9]+ ms/X ms/g' >"$TMP/naive.trace"
check "naive side-by-side trace matches tests/golden/trace-naive-lockstep.txt" \
    diff -u "$golden/trace-naive-lockstep.txt" "$TMP/naive.trace"
check "the trace fits 100 columns" \
    [ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$TMP/naive.trace")" -le 100 ]

"$RACESIM" --strategy=atomic --users=8 --stock=3 --qty=1 --trace --seed=1 --quiet >"$TMP/many.txt"
check "8 buyers: one line per event, naming the buyer" grep -qE '^ +[0-9.]+ ms  buyer [1-8] ' "$TMP/many.txt"

"$RACESIM" --strategy=atomic --users=3 --stock=3 --qty=1 --trace="$TMP/t.jsonl" --format=json --seed=1 --quiet \
    >"$TMP/r.json"
check "--trace=FILE --format=json writes JSON lines" jqe -s 'length > 0 and all(.[]; has("buyer"))' "$TMP/t.jsonl"
check "... and keeps them out of the report" jqe 'has("trace") | not' "$TMP/r.json"
finish
