#!/usr/bin/env bash
# schema.sh — every kind of JSON racesim writes (run, run --repeat, compare, sweep, matrix,
# explore, with thresholds, a run cut short) is valid against schemas/result.schema.json; the
# schema refuses what it must (a seed as a string, no schema_version); numbers are numbers, a
# seed beyond 2^53 exact; meta says when, how and where; --out=- is stdout.
# (run_json and schema_later in lib.sh validate the JSON results the other tests make too.)
RACESIM=$1
source "$(dirname "$0")/lib.sh"

small=(--users=5 --seed=3)
run_json "$TMP/run.json" --strategy=atomic "${small[@]}" --threshold='p99<60s'
run_json "$TMP/repeat.json" run --strategy=atomic "${small[@]}" --repeat=2
run_json "$TMP/compare.json" compare --strategies=atomic,naive "${small[@]}" --repeat=2 --threshold='oversell==0'
run_json "$TMP/sweep.json" sweep --strategies=atomic --users=1,2 --seed=3
run_json "$TMP/matrix.json" matrix --strategies=naive --isolations=serializable --contended=5 --seed=3
run_json "$TMP/explore.json" explore --strategy=naive --seed=3
run_json "$TMP/timeout.json" --strategy=for-update --users=5 --think-time=3000 --timeout=1s --seed=3
check "a run cut short by --timeout: exit 3 ($rc), its JSON still written" [ "$rc" = 3 -a -s "$TMP/timeout.json" ]
run_json "$TMP/trace.json" --strategy=naive --users=2 --lockstep --trace --seed=3
for f in run repeat compare sweep matrix explore timeout trace; do
    check "$f.json was made (exit codes 0, 1 or 5)" [ -s "$TMP/$f.json" ]
done

check "schema_version 1 first, in every result" \
    [ "$(for f in "$TMP"/*.json; do jq -r 'keys_unsorted[0] + "=" + (.schema_version | tostring)' "$f"; done | sort -u)" = "schema_version=1" ]
check "meta: timestamp (UTC), the command line, cores and load average" \
    jqe '(.meta.timestamp | test("^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]{8}Z$"))
         and .meta.command_line[1] == "--strategy=atomic" and (.meta.command_line | index("--threshold=p99<60s")) != null
         and .meta.host.cores >= 1 and (.meta.host.load_average | length) == 3' "$TMP/run.json"
check "numbers as numbers: seed, numeric params; ranges stay text" \
    jqe '.run.seed == 3 and .run.params.products == 1 and (.run.params.stock | type) == "number"
         and .run.params.qty == "1..30"' "$TMP/run.json"
check "the batch's seed a number too" jqe '.seed == 3 and all(.runs[]; .run.seed | type == "number")' "$TMP/compare.json"
check "latency buckets: their counts add up to the purchases" \
    jqe '([.latency.purchase.buckets[].count] | add) == .latency.purchase.count
         and all(.latency.purchase.buckets[]; .from_ms <= .to_ms)' "$TMP/run.json"
check "durability: the private server's innodb_flush_log_at_trx_commit=2, said not durable" \
    jqe '.server.durability.innodb_flush_log_at_trx_commit == 2 and .server.durability.durable == false' "$TMP/run.json"
"$RACESIM" --strategy=atomic "${small[@]}" --quiet >"$TMP/run.txt"
check "... and in the text header" grep -q '^durability innodb_flush_log_at_trx_commit=2' "$TMP/run.txt"

"$RACESIM" --strategy=atomic --users=2 --seed=18446744073709551615 --quiet --format=json >"$TMP/big.json"
check "a seed of 2^64-1 is written exactly, as a number" grep -q '"seed":[[:space:]]*18446744073709551615,' "$TMP/big.json"
check "... and valid" valid_json "$TMP/big.json"

# what the schema refuses
jq '.run.seed = "3"' "$TMP/run.json" >"$TMP/bad-seed.json"
check "the committed reference results/compare-stock-500.json is valid too" \
    valid_json "$(dirname "$0")/../../results/compare-stock-500.json"
check "the schema refuses a seed as a string" bash -c '! "$0" "$1" >/dev/null' "$VALIDATE" "$TMP/bad-seed.json"
jq 'del(.schema_version)' "$TMP/compare.json" >"$TMP/bad-version.json"
check "the schema refuses a result without schema_version" bash -c '! "$0" "$1" >/dev/null' "$VALIDATE" "$TMP/bad-version.json"
jq '.runs[0].time.throughput = "fast"' "$TMP/compare.json" >"$TMP/bad-run.json"
"$VALIDATE" "$TMP/bad-run.json" >"$TMP/why" 2>&1
check "a bad nested run: refused, saying where ($(head -1 "$TMP/why"))" grep -q 'runs/0/time/throughput' "$TMP/why"

# --out=-: stdout
"$RACESIM" --strategy=atomic "${small[@]}" --quiet --format=json --out=- >"$TMP/dash.json" 2>"$TMP/err"
rc=$?
check "--out=- writes to stdout: exit $rc, no file named -" [ "$rc" = 0 -a ! -e ./- ]
check "... valid JSON there" valid_json "$TMP/dash.json"
"$RACESIM" compare --strategies=atomic "${small[@]}" --quiet --format=md --out=- >"$TMP/dash.md" 2>"$TMP/err"
check "compare --format=md --out=-: the table on stdout" grep -q '^| strategy ' "$TMP/dash.md"
"$RACESIM" --strategy=atomic "${small[@]}" --quiet --format=md >"$TMP/run.md" 2>"$TMP/err"
rc=$?
check "run --format=md: exit $rc, Markdown tables of outcomes, figures and invariants" \
    [ "$rc" = 0 -a "$(grep -c '^|---' "$TMP/run.md")" = 3 ]
check "... and the verdict" grep -q '^\*\*verdict: correct\*\*' "$TMP/run.md"
finish
