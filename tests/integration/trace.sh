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

check "naive trace: the stock after each write, from the scenario's @watch (1 → 0 → -1)" \
    grep -qE '⇒ stock 1 → 0 .*' "$TMP/naive.trace"
check "... and then 0 → -1 in buyer 2's column, marked as breaking stock >= 0" \
    grep -qE '│ +│ ⇒ stock 0 → -1 ✗ \(must stay >= 0\)$' "$TMP/naive.trace"

# Columns line up by wcwidth: ⏳ takes two columns, so the border after a cell holding it stays
# where every other row has it.
NO_COLOR=1 "$RACESIM" --strategy=serializable --users=2 --stock=2 --qty=1 --lockstep --trace --seed=1 \
    --quiet | sed -n '1,/^$/p' >"$TMP/ser.txt"
check "serializable trace has a wait in buyer 1's column" grep -q '^ *[0-9]* │ ⏳' "$TMP/ser.txt"
check "every border of the side-by-side trace stands at the same display column" python3 -c '
import sys, unicodedata
cols = set()
for line in open(sys.argv[1], encoding="utf-8"):
    w = 0
    for ch in line.rstrip("\n"):
        if ch == "│":
            cols.add(w)
        w += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
sys.exit(0 if len(cols) == 2 else 1)' "$TMP/ser.txt"

"$RACESIM" --strategy=atomic --users=8 --stock=3 --qty=1 --trace --seed=1 --quiet >"$TMP/many.txt"
check "8 buyers: one line per event, naming the buyer" grep -qE '^ +[0-9.]+ ms  buyer [1-8] ' "$TMP/many.txt"

"$RACESIM" --strategy=atomic --users=3 --stock=3 --qty=1 --trace="$TMP/t.jsonl" --format=json --seed=1 --quiet \
    >"$TMP/r.json"
check "--trace=FILE --format=json writes JSON lines" jqe -s 'length > 0 and all(.[]; has("buyer"))' "$TMP/t.jsonl"
check "... and keeps them out of the report" jqe 'has("trace") | not' "$TMP/r.json"

# The trace as data (docs/trace-format.md): bound values, what a read returned, rows, times,
# whom a statement waited for, and invoke/ok/fail/info lines as Jepsen-style histories have.
"$RACESIM" --strategy=naive --users=2 --stock=1 --qty=1 --lockstep --seed=1 --quiet \
    --trace="$TMP/naive.jsonl" --format=json >/dev/null
check "naive trace lines are valid against \$defs/trace_event" "$VALIDATE" "$TMP/naive.jsonl"
check "naive data: both buyers' SELECT read stock=1, bound product=1" \
    jqe -s '[.[] | select(.type == "ok" and .read.stock == 1 and .bound.product == 1)] | map(.buyer) | sort == [1, 2]' "$TMP/naive.jsonl"
check "naive data: both UPDATEs ran with qty=1 and changed 1 row, the SQL shows the values" \
    jqe -s '[.[] | select(.type == "ok" and (.statement | test("^UPDATE")) and .bound.qty == 1 and .rows == 1
             and .sql == "UPDATE products SET stock = stock - 1 WHERE id = 1")] | length == 2' "$TMP/naive.jsonl"
check "naive data: every completed statement has its invoke first, start_us <= end_us" \
    jqe -s '([.[] | select(.type == "invoke")] | length) as $i
            | [.[] | select(.type == "ok" or .type == "fail" or (.type == "info" and (.event == "sql" or .event == "error")))]
            | length == $i and $i == 6 and all(.[]; .start_us <= .end_us)' "$TMP/naive.jsonl"
check "naive data: the watched stock after each of the 6 steps: 1 1 0 -1 -1 -1" \
    jqe -s '[.[] | select(.state) | .state.stock] == [1, 1, 0, -1, -1, -1]' "$TMP/naive.jsonl"
check "naive data: the other steps are info lines, the attempt's end names its outcome" \
    jqe -s '[.[] | select(.event == "end")] | all(.[]; .type == "info" and .outcome == "ok")' "$TMP/naive.jsonl"
"$RACESIM" --strategy=for-update --users=2 --stock=1 --qty=1 --lockstep --seed=1 --quiet \
    --trace="$TMP/fu.jsonl" --format=json >/dev/null
check "for-update data: valid" "$VALIDATE" "$TMP/fu.jsonl"
check "for-update data: the watched stock after each step; 0 only after buyer 1's COMMIT" \
    jqe -s '[.[] | select(.state) | .state.stock] == [1, 1, 1, 1, 1, 1, 0]
            and ([.[] | select(.state.stock == 0)][0] | .buyer == 1 and .round == 7)' "$TMP/fu.jsonl"
check "for-update data: buyer 2's SELECT ... FOR UPDATE is invoked at the step it blocked, before it completes, waited_for buyer 1" \
    jqe -s '([.[] | select(.buyer == 2 and (.statement // "" | test("FOR UPDATE")))]) as $s
            | ($s | length == 2) and $s[0].type == "invoke" and $s[1].type == "ok"
              and $s[0].round < $s[1].round and $s[1].waited_for == 1 and $s[1].read.stock == 0' "$TMP/fu.jsonl"
"$RACESIM" --strategy=serializable --users=2 --stock=2 --qty=1 --lockstep --seed=1 --quiet \
    --trace="$TMP/ser.jsonl" --format=json >/dev/null
check "serializable data: the deadlock is a fail line with its error and outcome" \
    jqe -s '[.[] | select(.type == "fail" and .event == "error" and .error == "deadlock" and .outcome == "deadlock")] | length >= 1' "$TMP/ser.jsonl"
finish
