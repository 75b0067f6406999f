#!/usr/bin/env bash
# pg_prepare_batch.sh — on PostgreSQL a buyer prepares all of its strategy's statements in ONE
# round trip (db_prepare_many: libpq's pipeline mode): under strace its thread sends the startup
# packet, then one batch of Parse messages, before its first Bind (one send per statement
# before). A batch that the server breaks off keeps the one-at-a-time behaviour: a statement of
# several commands in the middle still runs as text (the run is correct), and a refused statement
# in the middle is reported with its own line, not a later one (exit 2). The test's own
# throwaway PostgreSQL (scripts/pg-throwaway.sh). Usage: pg_prepare_batch.sh RACESIM
RACESIM=$1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../../scripts/pg-throwaway.sh"

pg_throwaway_start || { echo "FAIL - cannot start the test's PostgreSQL"; exit 1; }
trap 'pg_throwaway_stop; rm -rf "$TMP"' EXIT
dsn="postgres://postgres@/racesim?host=$PGT_SOCK"

# one round trip: the buyer thread's sends before its first Bind ('B') are the startup packet
# and one Parse ('P') batch; for-update has five statements
if command -v strace >/dev/null; then
    strace -f -qq -e trace=connect,sendto -s 4 -o "$TMP/trace" \
        "$RACESIM" --dsn="$dsn" --strategy=for-update --users=1 --quiet >/dev/null 2>"$TMP/st.err"
    check "strace run: exit 0 ($(head -c 200 "$TMP/st.err"))" [ $? = 0 ]
    main=$(head -1 "$TMP/trace" | cut -d' ' -f1)
    buyers=$(awk -v m="$main" '$1 != m && $2 ~ /^connect\(/ {print $1}' "$TMP/trace" | sort -u)
    check "one buyer thread connects (got '$buyers')" [ "$(echo "$buyers" | wc -w)" = 1 ]
    awk -v b="$buyers" '$1 == b && $2 ~ /^sendto\(/ { if ($3 ~ /^"B/) exit; print $3 }' \
        "$TMP/trace" >"$TMP/before-bind"
    check "the buyer sends twice before its first Bind: startup, one Parse batch (got $(tr '\n' ' ' <"$TMP/before-bind"))" \
        [ "$(wc -l <"$TMP/before-bind")" = 2 -a "$(sed -n '2s/^"\(.\).*/\1/p' "$TMP/before-bind")" = P ]
else
    echo "# strace not installed: the round-trip count is not checked"
fi

# several commands in the middle of the batch: run as text, the statements after it prepared
printf -- '-- multi: a statement of two commands between the others.\nSTART TRANSACTION;\nSET LOCAL lock_timeout = '"'"'5s'"'"'; SET LOCAL statement_timeout = '"'"'20s'"'"';\nUPDATE products SET stock = stock - :qty WHERE id = :product AND stock >= :qty;\n-- @require affected = 1 else out_of_stock\nINSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);\nCOMMIT;\n' >"$TMP/multi.sql"
run_json "$TMP/multi.json" --dsn="$dsn" --scenario=stock --strategy="$TMP/multi.sql" --users=20 --stock=10 --qty=1
check "several commands mid-batch: exit 0 ($(head -c 200 "$stderr_file"))" [ "$rc" = 0 ]
check "several commands mid-batch: 10 sold, 10 out of stock" \
    [ "$(outcome "$TMP/multi.json" ok)/$(outcome "$TMP/multi.json" out_of_stock)" = 10/10 ]

# a refused statement in the middle: its own line (4), not the later refused one (6)
printf -- '-- refused mid-batch.\nSTART TRANSACTION;\nSELECT stock FROM products WHERE id = :product;\nSELECT no_such_column FROM products;\nUPDATE products SET stock = stock - :qty WHERE id = :product;\nSELECT LAST_INSERT_ID();\nCOMMIT;\n' >"$TMP/refused.sql"
"$RACESIM" --dsn="$dsn" --scenario=stock --strategy="$TMP/refused.sql" --users=3 >/dev/null 2>"$TMP/refused.err"
rc=$?
check "refused mid-batch: exit 2 (got $rc)" [ "$rc" = 2 ]
check "refused mid-batch: line 4 and the server's message ($(head -c 200 "$TMP/refused.err"))" \
    grep -q 'refused.sql:4: .*no_such_column.* does not exist' "$TMP/refused.err"
check "refused mid-batch: one line on stderr" [ "$(wc -l <"$TMP/refused.err")" = 1 ]
finish
