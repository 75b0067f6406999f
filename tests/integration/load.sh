#!/usr/bin/env bash
# load.sh — the load model (issue 14): an open loop at --rate (constant and Poisson arrivals),
# --time, --warmup, --report-interval; counts purchases, not wall time, so a busy machine passes.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

BIG=--stock=2000000000     # a stock that lasts for a run of a duration

# Bad input: one line on stderr, exit 2, before any server starts.
bad() {
    local out err_lines
    out=$("$RACESIM" --strategy=atomic "$@" 2>&1 >/dev/null)
    local code=$?
    err_lines=$(printf '%s\n' "$out" | wc -l)
    [ "$code" = 2 ] && [ "$err_lines" = 1 ] && [[ $out == racesim:* ]] || {
        echo "    $* -> exit $code: $out"
        return 1
    }
}
check "--rate=0 refused" bad --rate=0
check "--rate=-1 refused" bad --rate=-1
check "--rate=abc refused" bad --rate=abc
check "--rate with --lockstep refused" bad --rate=5 --lockstep --users=2
check "--rate with --schedule refused" bad --rate=5 --schedule=1,2 --users=2
check "--time=5parsecs refused" bad --time=5parsecs
check "--time=0 refused" bad --time=0
check "--arrivals without --rate refused" bad --arrivals=poisson
check "--arrivals=bursty refused" bad --rate=5 --arrivals=bursty
check "--report-interval=x refused" bad --report-interval=x
check "--time with --lockstep refused" bad --time=1s --lockstep --users=2

# An open loop for a duration: 50/s for 2 s schedules exactly 100 arrivals (at 0, 20 ms, ...,
# 1980 ms); each is served or left in the backlog at the end.
run_json "$TMP/rate.json" --strategy=atomic --users=4 --rate=50 --time=2s $BIG --seed=1
check "--rate --time: exit 0 ($rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 0 ]
served=$(jq '.counts.purchases' "$TMP/rate.json")
backlog=$(jq '.load.backlog_end' "$TMP/rate.json")
check "50/s for 2 s: served + backlog = 100 arrivals ($served + $backlog)" [ "$((served + backlog))" = 100 ]
check "50/s for 2 s: most arrivals served ($served)" [ "$served" -ge 50 ]
check "the report says the rate asked and achieved" \
    jqe '.load.loop == "open" and .load.rate_asked == 50 and .load.arrivals == "constant"
         and .load.rate_achieved > 0 and (.latency.intended.count == .counts.purchases)' "$TMP/rate.json"
check "every purchase is in both histograms" \
    jqe '.latency.intended.count == .latency.purchase.count' "$TMP/rate.json"

# An open loop of a number of purchases: users x rounds arrivals, all served.
run_json "$TMP/count.json" --strategy=atomic --users=4 --rounds=10 --rate=200 --seed=2
check "--rate with --rounds: 40 purchases served ($(jq .counts.purchases "$TMP/count.json"))" \
    jqe '.counts.purchases == 40 and .load.backlog_end >= 0' "$TMP/count.json"
check "--rate with --rounds: invariants hold" all_hold "$TMP/count.json"

# Poisson arrivals: the seed fixes the schedule; about 200 arrivals in 2 s at 100/s.
run_json "$TMP/poisson.json" --strategy=atomic --users=4 --rate=100 --arrivals=poisson --time=2s \
    $BIG --seed=7
n=$(jq '.counts.purchases + .load.backlog_end' "$TMP/poisson.json")
check "poisson: arrivals near 200 ($n)" [ "$n" -ge 140 -a "$n" -le 260 ]
check "poisson: said in the report" jqe '.load.arrivals == "poisson"' "$TMP/poisson.json"

# Coordinated omission: one buyer that holds every purchase 50 ms (--think-time at @window)
# serves at most 20/s; asked 100/s, the 20th arrival (meant at 190 ms) starts after 19 purchases
# of 50 ms or more: its latency from the intended start is >= 760 ms, its service 50 ms.
run_json "$TMP/stall.json" --strategy=atomic --users=1 --rounds=20 --rate=100 --think-time=50 $BIG --seed=3
i99=$(jq '.latency.intended.p99_ms' "$TMP/stall.json")
s99=$(jq '.latency.purchase.p99_ms' "$TMP/stall.json")
check "a stall: intended p99 ($i99 ms) above service p99 ($s99 ms)" \
    jqe '.latency.intended.p99_ms > .latency.purchase.p99_ms and .latency.intended.max_ms >= 760' \
    "$TMP/stall.json"
# ...and its absence: below capacity (4/s, one every 250 ms) nothing queues behind the buyer.
run_json "$TMP/calm.json" --strategy=atomic --users=1 --rounds=4 --rate=4 --think-time=50 $BIG --seed=3
check "no stall: intended max ($(jq .latency.intended.max_ms "$TMP/calm.json") ms) below 250 ms" \
    jqe '.latency.intended.max_ms < 250' "$TMP/calm.json"

# The CSV carries the load figures with --rate (the same stall), and no such column without it.
"$RACESIM" --strategy=atomic --users=1 --rounds=20 --rate=100 --think-time=50 $BIG --seed=3 \
    --format=csv --quiet >"$TMP/stall.csv" 2>/dev/null
col() {   # FILE NAME: the value of column NAME in the CSV's one row
    awk -F, -v n="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == n) c = i } NR == 2 && c { print $c }' "$1"
}
check "CSV with --rate: rate asked 100 ($(head -1 "$TMP/stall.csv"))" [ "$(col "$TMP/stall.csv" rate_asked)" = 100 ]
check "CSV with --rate: rate achieved given" [ -n "$(col "$TMP/stall.csv" rate_achieved)" ]
check "CSV with --rate: a backlog when the last arrival was due ($(col "$TMP/stall.csv" backlog_end))" \
    [ "$(col "$TMP/stall.csv" backlog_end)" -gt 0 ]
check "CSV with --rate: corrected p99 ($(col "$TMP/stall.csv" intended_p99_ms)) >= 760 ms > service p99 ($(col "$TMP/stall.csv" service_p99_ms)), p50s there" \
    awk -v i="$(col "$TMP/stall.csv" intended_p99_ms)" -v s="$(col "$TMP/stall.csv" service_p99_ms)" \
        -v i5="$(col "$TMP/stall.csv" intended_p50_ms)" -v s5="$(col "$TMP/stall.csv" service_p50_ms)" \
        'BEGIN { exit !(i >= 760 && i > s && i5 > s5 && s5 >= 50) }'
"$RACESIM" --strategy=atomic --users=1 --rounds=2 $BIG --seed=3 --format=csv --quiet >"$TMP/closed.csv" 2>/dev/null
check "CSV without --rate: written" [ -s "$TMP/closed.csv" ]
check "CSV without --rate: no load columns" bash -c '! grep -q rate_asked "$1"' _ "$TMP/closed.csv"

# Intervals: printed on stderr also when it is a file, one a line, and kept in the JSON;
# --warmup: the first second's 50 arrivals are left out of the figures.
"$RACESIM" --strategy=atomic --users=4 --rate=50 --time=1s --warmup=1s --report-interval=0.5 \
    $BIG --seed=4 --format=json --out="$TMP/iv.json" 2>"$TMP/iv.err"
rc=$?
valid_json "$TMP/iv.json" >/dev/null && echo "$TMP/iv.json" >>"$TMP/.schema-valid" \
    || echo "iv.json" >>"$TMP/.schema-invalid"
lines=$(grep -c '^racesim: \[.*purchases/s .* ok/s .* retries/s .* errors/s .* p99 .* backlog' "$TMP/iv.err")
check "intervals on a piped stderr ($lines lines, exit $rc)" [ "$rc" = 0 -a "$lines" -ge 3 ]
check "intervals in the JSON, warmup ones marked" \
    jqe '(.load.intervals | length) >= 3 and .load.intervals[0].warmup == true
         and (.load.intervals | last | .warmup) == false' "$TMP/iv.json"
check "intervals count every purchase" \
    jqe '([.load.intervals[].purchases] | add) == .counts.purchases + .load.warmup_purchases' "$TMP/iv.json"
check "warmup: the first second's 50 arrivals out of the figures ($(jq .load.warmup_purchases "$TMP/iv.json"))" \
    jqe '.load.warmup_purchases == 50 and .counts.purchases + .load.backlog_end == 50' "$TMP/iv.json"
check "warmup: the database agrees with every success, warmup ones too" all_hold "$TMP/iv.json"

# A closed loop for a duration: buyers purchase until it ends; the text report says so.
"$RACESIM" --strategy=atomic --users=2 --time=1s $BIG --seed=5 --quiet >"$TMP/closed.txt" 2>&1
rc=$?
check "closed loop for 1 s: exit 0 and purchases made" [ "$rc" = 0 ]
check "the text report shows the load" grep -q 'closed loop: each buyer purchases back to back' "$TMP/closed.txt"
check "...for 1 s" grep -q 'for 1 s' "$TMP/closed.txt"
# the stock ran out during a duration: the report says how to make it last
"$RACESIM" --strategy=atomic --users=2 --time=1s --stock=10 --qty=1 --seed=5 --quiet >"$TMP/out.txt" 2>&1
check "a stock that runs out during --time is noted" grep -q 'give a stock that lasts' "$TMP/out.txt"

finish
