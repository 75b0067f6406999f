#!/usr/bin/env bash
# compare.sh — compare and sweep: every strategy on one server; well-formed JSON, CSV, Markdown
# and text; bad names refused before any server starts; charts drawn by gnuplot, and without
# gnuplot one line on stderr and the CSV still written.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

# width FILE: the widest line in characters (UTF-8 continuation bytes dropped, whatever awk it is)
width() { LC_ALL=C sed 's/[\x80-\xbf]//g' "$1" | LC_ALL=C awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }'; }
# same_fields FILE: every line of a CSV has as many fields as the header
same_fields() { [ "$(awk -F, '{ print NF }' "$1" | sort -u | wc -l)" = 1 ]; }
# md_table FILE ROWS: a Markdown table of ROWS data rows, every line with the same number of |
md_table() {
    local lines
    lines=$(grep -c '^|' "$1")
    [ "$lines" = $(($2 + 2)) ] && [ "$(grep '^|' "$1" | sed 's/\\|//g' | awk -F'|' '{ print NF }' | sort -u | wc -l)" = 1 ]
}

# refusals: exit 2, one line, before any server starts
"$RACESIM" compare --strategies=atomic,nope --users=5 >"$TMP/out" 2>"$TMP/err"
rc=$?
check "compare with an unknown strategy: exit 2 ($rc)" [ $rc = 2 ]
check "... one line naming it: $(cat "$TMP/err")" [ "$(wc -l <"$TMP/err")" = 1 -a -n "$(grep -- '--strategies=nope' "$TMP/err")" ]
check "... nothing on stdout" [ ! -s "$TMP/out" ]
"$RACESIM" compare --strategies=atomic,atomic --users=5 2>"$TMP/err" >/dev/null
check "a strategy given twice: exit 2 ($?)" [ $? = 2 ]
"$RACESIM" compare --strategy=atomic 2>"$TMP/err" >/dev/null
rc=$?
check "compare --strategy: exit 2 naming --strategies ($(cat "$TMP/err"))" [ $rc = 2 -a -n "$(grep -- --strategies "$TMP/err")" ]
"$RACESIM" compare --chart="$TMP/c.gif" 2>"$TMP/err" >/dev/null
check "--chart=FILE.gif: exit 2" [ $? = 2 ]
"$RACESIM" sweep --users=1,0 2>"$TMP/err" >/dev/null
check "sweep --users=1,0: exit 2" [ $? = 2 ]

# JSON: every run's full report, in the order asked
"$RACESIM" compare --strategies=atomic,naive,for-update --users=20 --seed=7 --think-time=20 --stock=5 --qty=1 --quiet --format=json >"$TMP/c.json"
schema_later "$TMP/c.json"
check "compare exits 0 although naive violates an invariant ($?)" [ $? = 0 ]
check "JSON: command compare, 3 runs" jqe '.command == "compare" and (.runs | length) == 3' "$TMP/c.json"
check "JSON: the runs in the order asked" jqe '[.runs[].run.strategy] == ["atomic", "naive", "for-update"]' "$TMP/c.json"
check "JSON: each run a full report (seed 7, 20 buyers, p99, invariants)" \
    jqe 'all(.runs[]; .run.seed == 7 and .run.users == 20 and .latency.purchase.p99_ms > 0 and (.invariants | length) == 4)' "$TMP/c.json"
check "JSON: the same seed asked every strategy for the same units" \
    jqe '[.runs[] | [.counts.outcomes[].units] | add] | unique | length == 1' "$TMP/c.json"
check "JSON: naive is an anomaly, atomic and for-update correct" \
    jqe '[.runs[].verdict] == ["correct", "anomaly", "correct"]' "$TMP/c.json"

# CSV, text, Markdown (one run each, small)
"$RACESIM" compare --strategies=atomic,naive --users=10 --seed=7 --think-time=20 --stock=5 --qty=1 --quiet --format=csv >"$TMP/c.csv"
check "CSV: a header and one row per strategy" [ "$(wc -l <"$TMP/c.csv")" = 3 ]
check "CSV: the same number of fields on every line" same_fields "$TMP/c.csv"
check "CSV: naive's row says anomaly" grep -q '^stock,naive,.*,anomaly,' "$TMP/c.csv"
NO_COLOR=1 "$RACESIM" compare --strategies=atomic,naive-write-back,serializable --users=10 --seed=7 --think-time=20 --stock=5 --qty=1 --quiet >"$TMP/c.txt"
check "text: fits 100 columns ($(width "$TMP/c.txt"))" [ "$(width "$TMP/c.txt")" -le 100 ]
check "text: naive-write-back marked NO with a ✗" grep -q '^naive-write-back  *NO  .*✗' "$TMP/c.txt"
check "text: serializable correct, its deadlocks counted" grep -Eq '^serializable  *yes ✓✓✓✓' "$TMP/c.txt"
check "text: the unsafe one named with its cost" grep -q '^unsafe     naive-write-back: sold [0-9]* units of 5' "$TMP/c.txt"
"$RACESIM" compare --strategies=atomic,naive --users=10 --seed=7 --think-time=20 --stock=5 --qty=1 --quiet --format=md >"$TMP/c.md"
check "Markdown: a table of 2 rows, 11 columns each" md_table "$TMP/c.md" 2

# charts: gnuplot when present; without it one line, and the CSV beside the chart all the same
if command -v gnuplot >/dev/null; then
    "$RACESIM" compare --strategies=atomic,naive --users=10 --seed=7 --think-time=20 --stock=5 --qty=1 --quiet --format=json \
        --chart="$TMP/chart.svg" >"$TMP/cc.json" 2>"$TMP/err"
    schema_later "$TMP/cc.json"
    rc=$?
    check "--chart=FILE.svg: exit 0, nothing on stderr ($(head -1 "$TMP/err"))" [ $rc = 0 -a ! -s "$TMP/err" ]
    check "... an SVG" grep -q '<svg' "$TMP/chart.svg"
    check "... with both strategies, naive crossed out" grep -q 'naive ✗' "$TMP/chart.svg"
    check "... the answer under the title" grep -q 'atomic: correct, sold out' "$TMP/chart.svg"
    check "... units sold against the stock, lost sales stacked, naive's oversell named" \
        [ -n "$(grep '>Units sold of the 5 in stock; lost sales stacked<' "$TMP/chart.svg")" \
          -a -n "$(grep -E '>[0-9]+, oversold [1-9][0-9]*<' "$TMP/chart.svg")" ]
    check "... p99 in human units (ms or s), goodput per second" \
        [ -n "$(grep -E '>[0-9.]+ (ms|s)<' "$TMP/chart.svg")" -a -n "$(grep -E '>[0-9.]+/s<' "$TMP/chart.svg")" ]
    check "... its data beside it (chart.csv, 3 lines)" [ "$(wc -l <"$TMP/chart.csv")" = 3 ]
    "$RACESIM" compare --strategies=atomic --users=5 --quiet --chart="$TMP/chart.svg" >/dev/null 2>"$TMP/err"
    check "an existing chart is kept without --force (exit 2)" [ $? = 2 ]
fi
abs=$(readlink -f "$RACESIM")
PATH=/nonexistent "$abs" compare --strategies=atomic,naive --users=10 --seed=7 --think-time=20 --stock=5 --qty=1 --quiet \
    --chart="$TMP/nognu.png" >"$TMP/nognu.txt" 2>"$TMP/err"
rc=$?
check "no gnuplot in PATH: still exit 0 ($rc)" [ $rc = 0 ]
check "... exactly one line on stderr saying so: $(cat "$TMP/err")" \
    [ "$(wc -l <"$TMP/err")" = 1 -a -n "$(grep gnuplot "$TMP/err")" ]
check "... the CSV written beside it (nognu.csv)" [ "$(wc -l <"$TMP/nognu.csv" 2>/dev/null)" = 3 ]
check "... no chart, and the table printed" [ ! -e "$TMP/nognu.png" -a -s "$TMP/nognu.txt" ]

# sweep: one point per strategy and buyer count; repeats give median, min and max
"$RACESIM" sweep --strategies=atomic,naive --users=5,1 --repeat=2 --seed=3 --quiet --format=json \
    --chart="$TMP/sw.svg" >"$TMP/s.json"
schema_later "$TMP/s.json"
check "sweep exits 0 ($?)" [ $? = 0 ]
if command -v gnuplot >/dev/null; then
    check "sweep chart: the title names every seed (3, 4)" grep -q 'racesim sweep · stock · .* · seeds 3, 4 · ' "$TMP/sw.svg"
    check "sweep chart: goodput and lost sales panels" \
        [ -n "$(grep 'Goodput (higher is better)' "$TMP/sw.svg")" -a -n "$(grep 'Lost sales (lower is better)' "$TMP/sw.svg")" ]
    check "sweep chart: naive marked unsafe" grep -q '>naive ✗ unsafe<' "$TMP/sw.svg"
fi
check "sweep JSON: 2 strategies x 2 buyer counts x 2 repeats = 8 runs, 4 points" \
    jqe '.command == "sweep" and (.runs | length) == 8 and (.points | length) == 4' "$TMP/s.json"
check "sweep JSON: buyer counts sorted, median within min..max" \
    jqe '.users == [1, 5] and all(.points[]; .throughput.min <= .throughput.median and .throughput.median <= .throughput.max and .runs == 2)' "$TMP/s.json"
check "sweep JSON: repeats use seeds 3 and 4" jqe '[.runs[].run.seed] | unique == [3, 4]' "$TMP/s.json"
check "sweep JSON: each point has goodput, lost sales, units sold and buyers served, served <= runs' buyers" \
    jqe 'all(.points[]; .goodput.median >= 0 and .lost_purchases.median >= 0 and .units_sold.median >= 0
                        and .served.min <= .served.median and .served.max <= .users)' "$TMP/s.json"
"$RACESIM" sweep --strategies=atomic,naive --users=1,5 --seed=3 --quiet --format=csv \
    --chart="$TMP/sweep.png" >"$TMP/s.csv" 2>"$TMP/err"
check "sweep CSV: a header and 4 points" [ "$(wc -l <"$TMP/s.csv")" = 5 ]
check "sweep CSV: the same fields on each line" same_fields "$TMP/s.csv"
check "sweep CSV: goodput, lost sales, units sold and buyers served columns" \
    grep -q '^scenario,.*,goodput,.*,lost_purchases,.*,units_sold,.*,served,served_min,served_max$' "$TMP/s.csv"
check "sweep CSV: the chart's CSV is the same table" cmp -s "$TMP/s.csv" "$TMP/sweep.csv"
if command -v gnuplot >/dev/null; then
    check "sweep --chart=FILE.png: a PNG" [ "$(head -c 4 "$TMP/sweep.png" | tail -c 3)" = PNG ]
fi
"$RACESIM" sweep --strategies=atomic,for-update,naive-write-back --users=1,2,3,4,5,6,7,8 --repeat=2 \
    --seed=3 --quiet >"$TMP/s.txt"
check "sweep text: fits 100 columns with 8 buyer counts ($(width "$TMP/s.txt"))" [ "$(width "$TMP/s.txt")" -le 100 ]

# --lockstep: statements take turns, so no speed is shown, and one line says why (as run's report)
"$RACESIM" compare --strategies=atomic,naive --users=2 --stock=1 --qty=1 --lockstep --seed=3 \
    >"$TMP/ls.txt" 2>&1
check "compare --lockstep: ok/s, p99, p50 and purch/s are — in every row" \
    [ "$(grep -cE '^(atomic|naive) .*  —  *—  .*  —  *—$' "$TMP/ls.txt")" = 2 ]
check "compare --lockstep: a line says why" grep -q '^lockstep .*in turn, so no latency or' "$TMP/ls.txt"
check "compare --lockstep: the answer ranks no speed" \
    [ -z "$(grep -E 'goodput|ok/s\)|p99 [0-9]' "$TMP/ls.txt" | grep -v '^columns')" ]
"$RACESIM" compare --strategies=atomic,naive --users=2 --stock=1 --qty=1 --lockstep --seed=3 \
    --format=md >"$TMP/ls.md" 2>&1
check "compare --lockstep --format=md: — for the speeds" \
    [ "$(grep -cE '^\| (atomic|naive) .*\| *— *\| *— *\|.*\| *— *\| *— *\|$' "$TMP/ls.md")" = 2 ]
check "compare --lockstep --format=md: a line says why" grep -q '^lockstep: .*in turn' "$TMP/ls.md"
"$RACESIM" sweep --strategies=atomic,naive --users=1,2 --stock=1 --qty=1 --lockstep --seed=3 >"$TMP/lss.txt" 2>&1
check "sweep --lockstep: no goodput or p99 table" [ -z "$(grep -E '^(goodput,|p99 purchase)' "$TMP/lss.txt")" ]
check "sweep --lockstep: one line says why" \
    grep -q '^goodput and p99 latency: —; lockstep: .*in turn' "$TMP/lss.txt"
check "sweep --lockstep: the lost sales table is still there" grep -q '^lost sales' "$TMP/lss.txt"
finish
