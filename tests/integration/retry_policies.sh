#!/usr/bin/env bash
# retry_policies.sh — @retry beyond a count (issue 14): "until done" sells what a bounded
# optimistic turns away under the same forced race; "for DURATION" gives up only after its
# budget; jitter contention under the same race; optimistic-sells sells everything it can at
# 100 buyers.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

# The same optimistic strategy with two retry limits.
optimistic() {   # FILE RETRY-LINE
    cat >"$1" <<SQL
-- @retry $2
SELECT stock, version FROM products WHERE id = :product;
-- @require stock >= :qty else out_of_stock
START TRANSACTION;
UPDATE products SET stock = stock - :qty, version = version + 1 WHERE id = :product AND version = :version;
-- @require affected = 1 else conflict
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;
SQL
}
optimistic "$TMP/once.sql" "conflict up to 1 times"
optimistic "$TMP/done.sql" "conflict until done, backoff 1ms..5ms jitter full"

# A forced race (--lockstep): 3 buyers read version 0, one writes; the two others conflict and
# retry, read version 1 together, one writes; the last conflicts a second time.
run_json "$TMP/once.json" --strategy="$TMP/once.sql" --users=3 --stock=100 --qty=1 --lockstep --seed=1
check "up to 1 times: one buyer gives up on conflict (a lost sale)" \
    jqe '.counts.outcomes.conflict.purchases == 1 and .lost_sales.purchases == 1' "$TMP/once.json"
run_json "$TMP/done.json" --strategy="$TMP/done.sql" --users=3 --stock=100 --qty=1 --lockstep --seed=1
check "until done: the same race, every buyer served, no lost sale" \
    jqe '.counts.outcomes.ok.purchases == 3 and .lost_sales.purchases == 0 and .counts.retries >= 3' "$TMP/done.json"
check "until done: invariants hold" all_hold "$TMP/done.json"
# The same race with a backoff sized to the contention (jitter contention): the shared slot and
# the purchases in progress are kept under lockstep too, and every buyer is served.
optimistic "$TMP/contention.sql" "conflict until done, backoff 0ms..1s jitter contention"
run_json "$TMP/contention.json" --strategy="$TMP/contention.sql" --users=3 --stock=100 --qty=1 --lockstep --seed=1
check "jitter contention: the same race, every buyer served, no lost sale ($rc)" \
    jqe '.counts.outcomes.ok.purchases == 3 and .lost_sales.purchases == 0 and .counts.retries >= 3' "$TMP/contention.json"

# A time budget: an outcome that always comes back is retried until 300 ms have passed since
# the purchase began, and then given up (a lower bound: holds on a busy machine).
cat >"$TMP/budget.sql" <<'SQL'
-- @retry never for 300ms, backoff 20ms..20ms
SELECT 1 AS one;
-- @require one = 2 else never
SQL
run_json "$TMP/budget.json" --strategy="$TMP/budget.sql" --users=1 --seed=1
check "for 300ms: given up after the budget (exit $rc)" \
    jqe '.counts.outcomes.never.purchases == 1 and .counts.attempts >= 2
         and .latency.purchase.max_ms >= 300' "$TMP/budget.json"
sed 's/for 300ms, backoff 20ms..20ms/up to 3 times/' "$TMP/budget.sql" >"$TMP/count.sql"
run_json "$TMP/count.json" --strategy="$TMP/count.sql" --users=1 --seed=1
check "up to 3 times: exactly 4 attempts" jqe '.counts.attempts == 4' "$TMP/count.json"

# optimistic-sells at 100 buyers: no purchase ends in conflict, nothing is turned away while
# units are left (the bounded optimistic's lost sales are in docs/benchmarks.md).
run_json "$TMP/sells.json" --strategy=optimistic-sells --users=100 --stock=1000 --qty=1..30 --seed=1
check "optimistic-sells: exit 0 ($rc: $(head -c 200 "$stderr_file"))" [ "$rc" = 0 ]
check "optimistic-sells: no conflict left, no lost sale" \
    jqe '(.counts.outcomes.conflict.purchases // 0) == 0 and .lost_sales.purchases == 0' "$TMP/sells.json"
check "optimistic-sells: sold until no buyer could be served (left $(jq .lost_sales.units_left "$TMP/sells.json"))" \
    jqe '.lost_sales.units_left < 30' "$TMP/sells.json"
check "optimistic-sells: invariants hold" all_hold "$TMP/sells.json"

# Bad retry lines are refused before any buyer starts, with file:line.
printf -- '-- @retry conflict for 5parsecs\nSELECT 1;\n' >"$TMP/bad.sql"
out=$("$RACESIM" --strategy="$TMP/bad.sql" 2>&1 >/dev/null)
code=$?
check "@retry for 5parsecs: exit 2 with the line ($out)" \
    [ "$code" = 2 -a -n "$(grep 'bad.sql:1:' <<<"$out")" ]
finish
