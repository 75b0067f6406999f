#!/usr/bin/env bash
# matrix.sh — each strategy under each isolation level, every 2-buyer interleaving explored (and
# a lockstep run) and 10 buyers under load: naive-write-back loses an update at REPEATABLE READ
# and, being autocommit, at SERIALIZABLE too; the same write-back inside a transaction is saved
# by SERIALIZABLE (a 1213 instead) and by REPEATABLE READ + innodb_snapshot_isolation (a 1020
# instead) where the server has it; a strategy with its own @isolation keeps it. JSON, CSV and
# Markdown parse back.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

cat >"$TMP/write-back-tx.sql" <<'SQL'
-- write-back-tx: naive-write-back inside one transaction: the isolation level decides.
START TRANSACTION;
SELECT stock FROM products WHERE id = :product;
-- @require found else not_found
-- @require stock >= :qty else out_of_stock
-- @window
UPDATE products SET stock = :stock - :qty WHERE id = :product;
INSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);
COMMIT;
SQL
# --think-time opens the race window, so the 10-buyer runs race on every machine, busy or not
args=(--strategies="naive-write-back,serializable,$TMP/write-back-tx.sql" --contended=10 --think-time=20 --seed=1 --quiet)

"$RACESIM" matrix "${args[@]}" --format=json >"$TMP/m.json" 2>"$TMP/err"
schema_later "$TMP/m.json"
rc=$?
check "matrix exits 0 although anomalies show ($rc: $(head -1 "$TMP/err"))" [ "$rc" = 0 ]
# cell STRATEGY ISOLATION MODE FILTER: the filter holds on that cell's lockstep or contended run
cell() {
    jq -e --arg s "$1" --arg i "$2" --arg m "$3" \
        ".cells[] | select(.strategy == \$s and .isolation == \$i and (.snapshot | not)) | .[\$m] | $4" \
        "$TMP/m.json" >/dev/null
}
# snap STRATEGY FILTER: the filter holds on that strategy's REPEATABLE READ + snapshot cell
snap() {
    jq -e --arg s "$1" ".cells[] | select(.strategy == \$s and .snapshot) | $2" "$TMP/m.json" >/dev/null
}
has() { echo "(.anomalies | index(\"$1\") != null)"; }
check "naive-write-back @ REPEATABLE READ, lockstep: lost_update" \
    cell naive-write-back "REPEATABLE READ" lockstep "$(has lost_update)"
check "naive-write-back @ REPEATABLE READ, 10 buyers: lost_update" \
    cell naive-write-back "REPEATABLE READ" contended "$(has lost_update)"
check "naive-write-back @ SERIALIZABLE: still lost_update (autocommit: each statement its own transaction)" \
    cell naive-write-back SERIALIZABLE lockstep "$(has lost_update)"
check "write-back-tx @ REPEATABLE READ: lost_update" cell write-back-tx "REPEATABLE READ" lockstep "$(has lost_update)"
check "write-back-tx @ SERIALIZABLE: ✓, with deadlock 1213 instead" \
    cell write-back-tx SERIALIZABLE lockstep '.verdict == "correct" and .dominant_error.errno == 1213'
check "write-back-tx @ SERIALIZABLE, 10 buyers: ✓" cell write-back-tx SERIALIZABLE contended '.verdict == "correct"'
check "serializable keeps its own @isolation: one row, marked so, ✓ and retried" \
    jqe '[.cells[] | select(.strategy == "serializable")] | length == 1 and .[0].isolation_from == "strategy"
         and .[0].lockstep.verdict == "correct"' "$TMP/m.json"
check "naive-write-back @ REPEATABLE READ, explored: lost_update in 12 of 16 schedules" \
    cell naive-write-back "REPEATABLE READ" explore '.broken.lost_update == 12 and .schedules == 16 and .complete'
check "write-back-tx @ SERIALIZABLE, explored: no schedule breaks an invariant, 1213 in some" \
    cell write-back-tx SERIALIZABLE explore '.anomalous == 0 and .complete and .dominant_error.errno == 1213'
check "write-back-tx @ REPEATABLE READ, explored: the lost update in some schedules" \
    cell write-back-tx "REPEATABLE READ" explore '.broken.lost_update > 0'
if jqe '.snapshot_isolation_supported' "$TMP/m.json"; then
    check "write-back-tx @ REPEATABLE READ + snapshot: no lost update in any schedule, 1020 instead" \
        snap write-back-tx '.explore.anomalous == 0 and .explore.dominant_error.errno == 1020'
    check "naive-write-back (autocommit) @ REPEATABLE READ + snapshot: still lost_update" \
        snap naive-write-back '.explore.broken.lost_update > 0'
else
    check "no innodb_snapshot_isolation here: the snapshot cells say so (not run)" \
        snap write-back-tx '.explore == null'
fi
check "11 rows (5 + 1 + 5, with the snapshot rows), 18 runs (the snapshot rows are explored only)" \
    jqe '(.cells | length) == 11 and (.runs | length) == 18' "$TMP/m.json"
check "the lockstep race runs at the scenario's smallest values (stock 1, qty 1)" \
    jqe '.lockstep.params.stock == 1 and .lockstep.params.qty == 1 and .lockstep.users == 2' "$TMP/m.json"
check "runs at the isolation asked" \
    jqe '[.runs[].run.isolation] | unique == ["READ COMMITTED", "READ UNCOMMITTED", "REPEATABLE READ", "SERIALIZABLE"]' "$TMP/m.json"

"$RACESIM" matrix "${args[@]}" --isolations=repeatable-read,serializable --format=md >"$TMP/m.md"
rows=$(grep -c '^| ' "$TMP/m.md")
check "Markdown: header + 7 rows (3 + 1 + 3), each of 4 cells" \
    [ "$rows" = 8 -a "$(grep '^|' "$TMP/m.md" | awk -F'|' '{ print NF }' | sort -u)" = 6 ]
check "Markdown: naive-write-back @ REPEATABLE READ shows lost_update" \
    grep -q '^| naive-write-back | REPEATABLE READ | ✗ oversell, lost_update' "$TMP/m.md"
check "Markdown: write-back-tx @ SERIALIZABLE shows ✓ none of N (1213 in K)" \
    grep -qE '^\| write-back-tx \| SERIALIZABLE \| ✓ none of [0-9]+ \(1213 in [0-9]+\)' "$TMP/m.md"
check "Markdown: serializable says (its own)" grep -q '^| serializable | SERIALIZABLE (its own) | ✓' "$TMP/m.md"

"$RACESIM" matrix --strategies=naive,atomic --isolations=read-committed --contended=0 --seed=1 --quiet \
    --format=csv >"$TMP/m.csv"
check "CSV: --contended=0 gives one lockstep row per strategy and level" [ "$(wc -l <"$TMP/m.csv")" = 3 ]
check "CSV: the same number of fields on every line" \
    [ "$(awk -F, '{ print NF }' "$TMP/m.csv" | sort -u | wc -l)" = 1 ]
check "CSV: naive oversells at READ COMMITTED" grep -q '^stock,naive,READ COMMITTED,option,lockstep,2,anomaly,oversell' "$TMP/m.csv"

"$RACESIM" matrix --users=5 >/dev/null 2>"$TMP/err"
rc=$?
check "matrix --users: exit 2 ($rc, $(cat "$TMP/err"))" [ "$rc" = 2 ]
"$RACESIM" matrix --isolations=chaos >/dev/null 2>"$TMP/err"
rc=$?
check "matrix --isolations=chaos: exit 2 ($rc)" [ "$rc" = 2 ]
finish
