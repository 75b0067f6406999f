#!/usr/bin/env bash
# output.sh — JSON, CSV and text reports; --out refuses to overwrite without --force; the same
# seed draws the same workload; a pool of connections serves many buyers.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

"$RACESIM" --strategy=atomic --users=30 --seed=42 --quiet --format=json --out="$TMP/r.json"
schema_later "$TMP/r.json"
check "--out writes the file and exits 0" [ $? = 0 -a -s "$TMP/r.json" ]
check "the JSON parses and has the seed" [ "$(jq -r .run.seed "$TMP/r.json")" = 42 ]
check "the JSON has every parameter" [ "$(jq -r .run.params.qty "$TMP/r.json")" = 1..30 ]
check "the text report names the engine" bash -c "'$RACESIM' --strategy=atomic --users=2 --seed=1 --quiet | grep -q '^engine     mariadb$'"
check "the JSON names the engine (its driver)" jqe '.engine == "mariadb"' "$TMP/r.json"
check "the JSON names the server version" jqe '.server.version | test("MariaDB|[0-9]+\\.")' "$TMP/r.json"
check "the JSON has p99 latency" jqe '.latency.purchase.p99_ms > 0' "$TMP/r.json"

"$RACESIM" --strategy=atomic --users=30 --seed=42 --quiet --format=json --out="$TMP/r.json" 2>"$TMP/err"
check "an existing --out is refused with exit 2" [ $? = 2 ]
check "the message says --force" grep -q -- "--force" "$TMP/err"
"$RACESIM" --strategy=atomic --users=30 --seed=42 --quiet --format=json --out="$TMP/r.json" --force
check "--force overwrites" [ $? = 0 ]

"$RACESIM" --strategy=for-update --users=30 --seed=42 --quiet --format=json --out="$TMP/s.json"
schema_later "$TMP/s.json"
asked() { jq '[.counts.outcomes[].units] | add' "$1"; }
check "same seed, other strategy: the same units asked for ($(asked "$TMP/r.json") = $(asked "$TMP/s.json"))" \
    [ "$(asked "$TMP/r.json")" = "$(asked "$TMP/s.json")" ]
"$RACESIM" --strategy=for-update --users=30 --seed=43 --quiet --format=json --out="$TMP/t.json"
schema_later "$TMP/t.json"
check "another seed draws another workload" [ "$(asked "$TMP/r.json")" != "$(asked "$TMP/t.json")" ]

"$RACESIM" --strategy=atomic --users=10 --seed=1 --format=csv >"$TMP/r.csv"
check "CSV: a header and one row" [ "$(wc -l <"$TMP/r.csv")" = 2 ]
check "CSV: same number of fields in both lines" \
    [ "$(head -1 "$TMP/r.csv" | tr , '\n' | wc -l)" = "$(tail -1 "$TMP/r.csv" | tr , '\n' | wc -l)" ]

NO_COLOR=1 "$RACESIM" --strategy=naive --users=20 --stock=5 --qty=1 --think-time=10 --seed=1 >"$TMP/r.txt"
check "text report: exit 1 on the anomaly" [ $? = 1 ]
check "text report: says the verdict" grep -q "verdict: ANOMALY" "$TMP/r.txt"
check "text report: fits 100 columns" \
    [ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$TMP/r.txt")" -le 100 ]
check "text report: no colour codes with NO_COLOR" [ -z "$(grep -l $'\033' "$TMP/r.txt")" ]
check "text report: names the seed" grep -q "seed 1" "$TMP/r.txt"

# a lockstep run (--lockstep, --schedule): turns, not speed; its text and Markdown reports show
# no latency and no throughput, quiet or not; a free run shows both
for how in --lockstep --schedule=2,1; do
    for fmt in text md; do
        "$RACESIM" --strategy=naive --users=2 --seed=1 --quiet $how --format=$fmt >"$TMP/l.$fmt"
        check "$how --quiet, $fmt: the invariants are reported (exit $?)" grep -q "oversell" "$TMP/l.$fmt"
        check "$how --quiet, $fmt: says why there are no timings" \
            grep -q "lockstep: one statement at a time, in turn, so no latency or throughput" "$TMP/l.$fmt"
        check "$how --quiet, $fmt: no latency, percentiles or throughput figures" \
            bash -c "! grep -Eq 'p99|purch/s|purchases/s|histogram|^latency|│' '$TMP/l.$fmt'"
    done
done
check "a free run (not lockstep) still shows latency and throughput" \
    grep -q "throughput .* purchases/s" "$TMP/r.txt"
check "...and its latency percentiles" grep -q "^  purchase   p50" "$TMP/r.txt"

run_json "$TMP/pool.json" --strategy=for-update --users=100 --pool=5 --seed=3
check "a pool of 5 connections serves 100 buyers (exit $rc)" [ "$rc" = 0 ]
check "all 100 purchases made" [ "$(jq .counts.purchases "$TMP/pool.json")" = 100 ]

run_json "$TMP/rounds.json" --strategy=atomic --users=10 --rounds=5 --seed=3 --products=3 --skew=zipf:1.1
check "--rounds=5: 50 purchases (exit $rc)" [ "$(jq .counts.purchases "$TMP/rounds.json")" = 50 ]
finish
