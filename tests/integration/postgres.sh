#!/usr/bin/env bash
# postgres.sh — the PostgreSQL driver on a private throwaway PostgreSQL (--engine=postgres):
# under a forced race (--lockstep, or a --think-time window) naive oversells and coupon naive
# double-redeems at READ COMMITTED, while the safe strategies do not (200 buyers, 2 seeds);
# SERIALIZABLE fails racing transactions with 40001 (serialization) and retries them, never a
# deadlock; a MySQL-only statement gets the server's message with the strategy's line, exit 2;
# --dsn=postgres://... reaches a server by its socket directory; matrix --engine=postgres: a
# write-back in one transaction loses updates at READ COMMITTED and is saved by REPEATABLE READ
# (snapshot isolation there: 40001); the report says the private server's commits are not
# durable (fsync, synchronous_commit, full_page_writes off).
RACESIM=$1
source "$(dirname "$0")/lib.sh"

pg=(--engine=postgres)
# holds WHAT FILE: exit 0, every invariant holds, no unclassified server error (lib.sh).
holds() {
    engine_holds "$1" "$2" postgres
}

# stock: naive oversells under lockstep (both buyers read the last unit before either writes)
run_json "$TMP/naive.json" "${pg[@]}" --scenario=stock --strategy=naive --users=2 --stock=1 --qty=1 --lockstep
check "stock naive, lockstep: exit 1 (got $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 1 ]
check "stock naive, lockstep: oversell = 1 (got $(inv "$TMP/naive.json" oversell))" \
    [ "$(inv "$TMP/naive.json" oversell)" = 1 ]
run_json "$TMP/atomic-ls.json" "${pg[@]}" --scenario=stock --strategy=atomic --users=2 --stock=1 --qty=1 --lockstep
holds "stock atomic, lockstep" "$TMP/atomic-ls.json"
check "stock atomic, lockstep: one sale, one out_of_stock" \
    [ "$(outcome "$TMP/atomic-ls.json" ok)/$(outcome "$TMP/atomic-ls.json" out_of_stock)" = 1/1 ]

# durability: the private server runs with fsync, synchronous_commit and full_page_writes off;
# the report says so, and that its figures are not durable-commit figures
check "durability in JSON: fsync, synchronous_commit, full_page_writes 0, not durable" \
    jqe '.server.durability | .fsync == 0 and .synchronous_commit == 0 and .full_page_writes == 0
         and .durable == false and (.note | contains("not durable-commit figures"))' "$TMP/atomic-ls.json"
"$RACESIM" "${pg[@]}" --strategy=atomic --users=2 --quiet >"$TMP/durable.txt" 2>&1
check "durability in the text header" \
    grep -q '^durability fsync=off synchronous_commit=off full_page_writes=off: ' "$TMP/durable.txt"
"$RACESIM" "${pg[@]}" --strategy=atomic --users=2 --quiet --format=md >"$TMP/durable.md" 2>&1
check "durability in the Markdown header" \
    grep -q '^durability: fsync=off .*not durable-commit figures' "$TMP/durable.md"

# stock: the safe strategies at 200 buyers, 2 seeds (1 under a sanitizer: lib.sh rounds)
for s in atomic for-update optimistic serializable; do
    for seed in $(seq 1 "$(rounds 2 1)"); do
        out=$TMP/stock-$s-$seed.json
        run_json "$out" "${pg[@]}" --scenario=stock --strategy="$s" --users=200 --seed="$seed"
        holds "stock $s, 200 buyers, seed $seed" "$out"
        [ -s "$out" ] && check "stock $s seed $seed: every buyer finished" [ "$(jq .counts.purchases "$out")" = 200 ]
    done
done
# the stock race: 20 buyers read 5 units within a 20 ms window
run_json "$TMP/stock-ser-race.json" "${pg[@]}" --scenario=stock --strategy=serializable --users=20 \
    --stock=5 --qty=1 --think-time=20 --seed=3
holds "stock serializable under the race" "$TMP/stock-ser-race.json"
check "stock serializable: racing transactions failed with 40001 and were retried (serialization attempts $(attempts "$TMP/stock-ser-race.json" serialization))" \
    [ "$(attempts "$TMP/stock-ser-race.json" serialization)" -gt 0 ]
check "stock serializable: no deadlock (SSI, not shared locks)" \
    [ "$(attempts "$TMP/stock-ser-race.json" deadlock)" = 0 ]
check "stock serializable: exactly the 5 units sold" [ "$(outcome "$TMP/stock-ser-race.json" ok)" = 5 ]

# coupon: 20 requests for 2 customers (10 identical each), 5 uses, a 20 ms race window
race=(--scenario=coupon --users=20 --customers=2 --max_uses=5 --think-time=20 --seed=7)
run_json "$TMP/coupon-naive.json" "${pg[@]}" "${race[@]}" --strategy=naive
check "coupon naive at READ COMMITTED: exit 1 (got $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 1 ]
check "coupon naive: redeemed_twice > 0 (got $(inv "$TMP/coupon-naive.json" redeemed_twice))" \
    [ "$(inv "$TMP/coupon-naive.json" redeemed_twice)" -gt 0 ]
for s in unique serializable for-update; do
    run_json "$TMP/coupon-$s.json" "${pg[@]}" "${race[@]}" --strategy="$s"
    holds "coupon $s under the race" "$TMP/coupon-$s.json"
    [ -s "$TMP/coupon-$s.json" ] && check "coupon $s: exactly one redemption per customer" \
        [ "$(outcome "$TMP/coupon-$s.json" ok)" = 2 ]
done
check "coupon unique: the key (23505) refused the duplicates as already_used" \
    [ "$(outcome "$TMP/coupon-unique.json" already_used)" -gt 0 ]
check "coupon serializable: 40001 retried (serialization attempts $(attempts "$TMP/coupon-serializable.json" serialization))" \
    [ "$(attempts "$TMP/coupon-serializable.json" serialization)" -gt 0 ]
check "coupon serializable: no deadlock" [ "$(attempts "$TMP/coupon-serializable.json" deadlock)" = 0 ]
for s in unique serializable; do
    for seed in $(seq 1 "$(rounds 2 1)"); do
        run_json "$TMP/coupon-$s-200-$seed.json" "${pg[@]}" --scenario=coupon --strategy="$s" --users=200 --seed="$seed"
        holds "coupon $s, 200 buyers, seed $seed" "$TMP/coupon-$s-200-$seed.json"
    done
done

# a MySQL-only statement: the server's message, with the strategy file's line, exit 2
printf -- '-- mysql-only: LAST_INSERT_ID() instead of RETURNING.\nINSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);\nSELECT LAST_INSERT_ID() AS id;\n' >"$TMP/mysql-only.sql"
"$RACESIM" run "${pg[@]}" --scenario=stock --strategy="$TMP/mysql-only.sql" --users=2 >/dev/null 2>"$TMP/bad.err"
rc=$?
check "MySQL-only statement: exit 2 (got $rc)" [ "$rc" = 2 ]
check "MySQL-only statement: the file's line and the server's message ($(head -c 200 "$TMP/bad.err"))" \
    grep -q "mysql-only.sql:3: .*last_insert_id() does not exist" "$TMP/bad.err"
check "MySQL-only statement: one line on stderr" [ "$(wc -l <"$TMP/bad.err")" = 1 ]
printf -- '-- mysql-only: backquoted names.\nSELECT `stock` FROM products WHERE id = :product;\n' >"$TMP/backquote.sql"
"$RACESIM" run "${pg[@]}" --scenario=stock --strategy="$TMP/backquote.sql" --users=2 >/dev/null 2>"$TMP/bq.err"
rc=$?
check "backquotes: exit 2 with the line ($(head -c 200 "$TMP/bq.err"))" \
    [ "$rc" = 2 -a -n "$(grep "backquote.sql:2: .*syntax error" "$TMP/bq.err")" ]

# `@on CODE` takes a SQLSTATE on PostgreSQL
printf -- '-- on: a SQLSTATE.\n-- @retry serialization up to 3 times\nSTART TRANSACTION;\nUPDATE products SET stock = stock - :qty WHERE id = :product AND stock >= :qty;\n-- @on 40001 serialization\n-- @require affected = 1 else out_of_stock\nINSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);\nCOMMIT;\n' >"$TMP/on.sql"
run_json "$TMP/on.json" "${pg[@]}" --scenario=stock --strategy="$TMP/on.sql" --users=2
check "@on 40001 is a valid code on PostgreSQL (rc $rc: $(head -c 200 "$stderr_file"))" [ "$rc" = 0 ]

# an engine's own setup.sql: its errors name that file and line; a directive other than @setup
# is refused there
mkdir -p "$TMP/strategies"
cp -r "$(dirname "$0")/../../strategies/stock" "$TMP/strategies/"
sed -i 's/BIGSERIAL/BIGSERIAL_TYPO/' "$TMP/strategies/stock/postgres/setup.sql"
RACESIM_STRATEGIES=$TMP/strategies "$RACESIM" run "${pg[@]}" --scenario=stock --strategy=atomic \
    --users=2 >/dev/null 2>"$TMP/setup.err"
rc=$?
check "a bad PostgreSQL setup: exit 2 (got $rc)" [ "$rc" = 2 ]
check "a bad PostgreSQL setup: names postgres/setup.sql and its line ($(head -c 200 "$TMP/setup.err"))" \
    grep -q "stock/postgres/setup.sql:[0-9]*: .*bigserial_typo" "$TMP/setup.err"
printf -- '-- @setup\nCREATE TABLE t (id INT);\n-- @invariant x "x"\nSELECT 0;\n' >"$TMP/strategies/stock/postgres/setup.sql"
RACESIM_STRATEGIES=$TMP/strategies "$RACESIM" run "${pg[@]}" --scenario=stock --strategy=atomic \
    --users=2 >/dev/null 2>"$TMP/setup2.err"
rc=$?
check "an invariant in setup.sql: exit 2 with the reason ($(head -c 200 "$TMP/setup2.err"))" \
    [ "$rc" = 2 -a -n "$(grep "setup.sql:3: an engine's setup.sql holds only" "$TMP/setup2.err")" ]
RACESIM_STRATEGIES=$TMP/strategies "$RACESIM" run --scenario=stock --strategy=atomic --users=2 \
    --format=json --quiet >"$TMP/maria.json" 2>"$TMP/maria.err"
schema_later "$TMP/maria.json"
check "MariaDB ignores the postgres folder (exit $?: $(head -c 200 "$TMP/maria.err"))" all_hold "$TMP/maria.json"

# matrix on PostgreSQL: REPEATABLE READ is snapshot isolation there, so a read-then-write-back
# in one transaction is saved by it (40001), not only by SERIALIZABLE; READ COMMITTED loses the
# update; autocommit naive-write-back loses it at every level. No '+ snapshot' variant.
wbtx=$(cd "$(dirname "$0")/../.." && pwd)/bench/strategies/write-back-tx.sql   # the write-back in one transaction
"$RACESIM" matrix "${pg[@]}" --strategies="naive-write-back,$wbtx" \
    --isolations=read-committed,repeatable-read --contended=10 --think-time=20 --seed=1 --quiet \
    --format=json >"$TMP/m.json" 2>"$TMP/m.err"
rc=$?
schema_later "$TMP/m.json"
check "matrix --engine=postgres exits 0 although anomalies show ($rc: $(head -1 "$TMP/m.err"))" [ "$rc" = 0 ]
# cell STRATEGY ISOLATION MODE FILTER: the filter holds on that cell's explore or contended run
cell() {
    jq -e --arg s "$1" --arg i "$2" --arg m "$3" \
        ".cells[] | select(.strategy == \$s and .isolation == \$i and (.snapshot | not)) | .[\$m] | $4" \
        "$TMP/m.json" >/dev/null
}
check "matrix: write-back-tx @ READ COMMITTED loses updates in some 2-buyer schedule" \
    cell write-back-tx "READ COMMITTED" explore '.anomalous > 0'
check "matrix: write-back-tx @ REPEATABLE READ (snapshot isolation): no schedule breaks an invariant, 40001 in some" \
    cell write-back-tx "REPEATABLE READ" explore '.anomalous == 0 and .complete and .dominant_error.code == "40001"'
check "matrix: write-back-tx @ REPEATABLE READ, 10 buyers in a race window: correct" \
    cell write-back-tx "REPEATABLE READ" contended '.verdict == "correct"'
check "matrix: naive-write-back (autocommit) @ REPEATABLE READ still loses updates" \
    cell naive-write-back "REPEATABLE READ" explore '.anomalous > 0'
check "matrix: no '+ snapshot' cell run on PostgreSQL" \
    jqe '[.cells[] | select(.snapshot and (.explore // null) != null)] | length == 0' "$TMP/m.json"

finish
