#!/usr/bin/env bash
# answer.sh — compare's answer on real runs: under a forced race (think time in naive's window,
# 5 units, 20 buyers) naive oversells and is never the pick; a correct strategy that turns half its
# buyers away with units left is lossy and never the pick; the text ends with the answer; the
# JSON and CSV carry goodput, units sold, lost sales and buyers served per strategy.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

race=(--users=20 --seed=7 --think-time=20 --stock=5 --qty=1 --quiet)
"$RACESIM" compare --strategies=naive,atomic,for-update "${race[@]}" --format=json >"$TMP/r.json"
schema_later "$TMP/r.json"
check "a forced-race compare ends (exit $?)" [ $? = 0 ]
check "naive oversold (its oversell invariant > 0)" \
    jqe '.runs[] | select(.run.strategy == "naive") | [.invariants[] | select(.name == "oversell") | .value > 0] | all' "$TMP/r.json"
check "JSON answer: naive is unsafe, sold more than the 5 units there were" \
    jqe '.answer.stock == 5 and (.answer.strategies[] | select(.strategy == "naive") | .class == "unsafe" and .units_sold > 5)' "$TMP/r.json"
check "JSON answer: the pick is a correct strategy that sold out, never naive (pick: $(jq -r .answer.pick "$TMP/r.json"))" \
    jqe '.answer.pick as $p | $p != "naive" and (.answer.strategies[] | select(.strategy == $p) | .class == "complete" and .units_sold == 5 and .units_left == 0)' "$TMP/r.json"
check "JSON answer: every strategy has goodput, served, units sold and lost sales" \
    jqe 'all(.answer.strategies[]; has("goodput") and has("served") and has("units_sold") and has("lost_purchases"))' "$TMP/r.json"
check "JSON answer: the headline names the pick and its margin" \
    jqe '.answer.headline | test("^(atomic|for-update): correct, sold out, [0-9.]+× (atomic|for-update)'"'"'s goodput")' "$TMP/r.json"

NO_COLOR=1 "$RACESIM" compare --strategies=naive,atomic "${race[@]}" >"$TMP/r.txt"
check "text: ends with the answer, then the correct ones, then the unsafe one's cost" \
    [ -n "$(grep -n '^answer     atomic: correct, sold out' "$TMP/r.txt")" \
      -a -n "$(tail -2 "$TMP/r.txt" | grep '^unsafe     naive: sold [0-9]* units of 5, oversell')" ]

# a correct strategy that loses sales: odd buyers find no product, retry once and give up
cat >"$TMP/half-lost.sql" <<'SQL'
-- half-lost: atomic for even buyers; odd buyers look for a product that is not there and give up.
-- @retry not_found up to 1 times, backoff 1ms..1ms
SELECT id FROM products WHERE id = :product + (:user % 2) * 1000000;
-- @require found else not_found
UPDATE products SET stock = stock - :qty WHERE id = :product AND stock >= :qty;
-- @require affected = 1 else out_of_stock
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
SQL
"$RACESIM" compare --strategies="$TMP/half-lost.sql,atomic" --users=10 --stock=100 --qty=1 --seed=7 --quiet \
    --format=json >"$TMP/l.json"
schema_later "$TMP/l.json"
check "a compare with a lossy strategy ends (exit $?)" [ $? = 0 ]
check "half-lost kept every invariant but lost 5 sales with units left: class lossy" \
    jqe '.answer.strategies[] | select(.strategy == "half-lost") | .correct and .class == "lossy" and .lost_purchases == 5 and .served == 5 and .units_left == 95' "$TMP/l.json"
check "the pick is atomic, not the lossy one, and is measured against it" \
    jqe '.answer.pick == "atomic" and .answer.measured_against == "half-lost"' "$TMP/l.json"
"$RACESIM" compare --strategies="$TMP/half-lost.sql,atomic" --users=10 --stock=100 --qty=1 --seed=7 --quiet \
    --format=csv >"$TMP/l.csv"
check "CSV: served, units sold, units left, lost sales and the class per strategy" \
    [ "$(grep '^stock,half-lost,' "$TMP/l.csv" | awk -F, '{ print $(NF-5), $(NF-4), $(NF-3), $(NF-2), $NF }')" = "5 5 95 5 lossy" ]
finish
