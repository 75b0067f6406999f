#!/usr/bin/env bash
# isolation.sh — the isolation-anomaly tests (strategies/isolation/): each anomaly shows at
# READ UNCOMMITTED under a forced schedule (by role names) and is prevented at SERIALIZABLE in
# that schedule; an @expect miss names the anomaly with the value the read returned and the
# schedule; explore finds G1a and its witness; `racesim isolation` prints the table (text, JSON
# valid by the schema) with how each ✓ was kept; R/O where only PMP's read-only form is
# prevented; --html's page (the cells, the legend, no URL); bad input (an unknown role in a schedule,
# @expect after a statement that returns no rows, an unknown test) exits 2 with one line.
RACESIM=$1
source "$(dirname "$0")/lib.sh"
own_server || { echo "FAIL - no server"; exit 1; }
base=(--scenario=isolation --users=2 --rounds=1 --seed=1 --dsn="$DSN")

# an @expect miss: the anomaly by its label, the read's actual value, who read it, the schedule
run_json "$TMP/g1a.json" --strategy=g1a "${base[@]}" --isolation=read-uncommitted --schedule=T1,T1,T2,T2,T1,T2
check "g1a at READ UNCOMMITTED, T2 reads T1's uncommitted 101: exit 1" [ "$rc" = 1 ]
check "... the verdict names G1a, once" [ "$(inv "$TMP/g1a.json" G1a)" = 1 ]
check "... with the value read, the reader and the schedule" \
    jqe '[.invariants[] | select(.name == "G1a")][0].description
         | test("buyer 2 \\(T2\\) read value = 101 at line 9, expected value = 10; schedule 1,1,2,2,1,2")' "$TMP/g1a.json"
"$RACESIM" run --strategy=g1a "${base[@]}" --isolation=read-uncommitted --schedule=T1,T1,T2,T2,T1,T2 \
    >"$TMP/g1a.txt" 2>&1
check "... the text report shows ✗ G1a with the value read" grep -q "✗ G1a .*read value = 101" "$TMP/g1a.txt"

# each test: its anomaly at READ UNCOMMITTED in the schedule that exposes it (G0 and OTV never
# occur on InnoDB: prevented there too); at SERIALIZABLE, where that schedule cannot run as
# written (a step waits for a lock), explore shows no interleaving with the anomaly.
declare -A sched=(
    [g0]=T1,T1,T2,T2,T1,T1,T2,T2        [g1a]=T1,T1,T2,T2,T1,T2
    [g1b]=T1,T1,T2,T2,T1,T1,T2          [g1c]=T1,T1,T2,T2,T1,T2,T1,T2
    [otv]=T2,T2,T1,T1,T2,T1,T2,T1       [pmp]=T1,T1,T2,T2,T2,T1,T1
    [p4]=T1,T1,T2,T2,T1,T1,T2,T2        [g-single]=T1,T1,T2,T2,T2,T2,T1,T1
    [g2-item]=T1,T1,T2,T2,T1,T1,T2,T2   [g2]=T1,T1,T2,T2,T1,T1,T2,T2)
declare -A shows=([g0]=mixed_writers [g1a]=G1a [g1b]=G1b [g1c]=circular_reads [otv]=OTV
    [pmp]=PMP [p4]=lost_update [g-single]=G_single [g2-item]=negative_total [g2]=phantom_pair)
for t in g0 g1a g1b g1c otv pmp p4 g-single g2-item g2; do
    run_json "$TMP/$t-ru.json" --strategy=$t "${base[@]}" --isolation=read-uncommitted --schedule=${sched[$t]}
    if [ $t = g0 ] || [ $t = otv ]; then
        check "$t at READ UNCOMMITTED, --schedule=${sched[$t]}: prevented (InnoDB)" \
            [ "$rc" = 0 -a "$(inv "$TMP/$t-ru.json" ${shows[$t]})" = 0 ]
    else
        check "$t at READ UNCOMMITTED, --schedule=${sched[$t]}: ${shows[$t]} (exit 1)" \
            [ "$rc" = 1 -a "$(inv "$TMP/$t-ru.json" ${shows[$t]})" != 0 ]
    fi
    "$RACESIM" explore --strategy=$t "${base[@]}" --isolation=serializable --format=json --quiet \
        >"$TMP/$t-x.json" 2>"$TMP/$t-x.err"
    check "explore $t at SERIALIZABLE: exit 0" [ $? = 0 ]
    check "explore $t at SERIALIZABLE: no interleaving shows ${shows[$t]}" \
        jqe ".complete and .anomalous == 0 and .broken.\"${shows[$t]}\" == 0" "$TMP/$t-x.json"
done

# explore: every interleaving of g1a at READ UNCOMMITTED; the shortest witness says the value
"$RACESIM" explore --strategy=g1a "${base[@]}" --isolation=read-uncommitted --format=json --quiet \
    >"$TMP/x.json" 2>"$TMP/x.err"
rc=$?
check "explore g1a at READ UNCOMMITTED: exit 1, G1a in some schedules, not all" \
    jqe '.broken.G1a > 0 and .broken.G1a < .schedules and .complete' "$TMP/x.json"
check "... the witness's why names the read's value" jqe '.witness.why | test("^G1a: buyer 2 \\(T2\\) read value = 101")' "$TMP/x.json"

# racesim isolation: the table for two tests at two levels, text and JSON (valid by the schema)
"$RACESIM" isolation --strategies=g1a,p4 --isolations=read-uncommitted,serializable --dsn="$DSN" \
    --quiet >"$TMP/iso.txt" 2>"$TMP/iso.err"
check "isolation: exit 0" [ $? = 0 ]
check "isolation: the table" grep -q "^isolation  *G1a  *P4" "$TMP/iso.txt"
check "... read uncommitted: G1a and P4 occur" grep -q "^read uncommitted  *—  *—" "$TMP/iso.txt"
check "... serializable: both prevented" grep -q "^serializable  *✓  *✓" "$TMP/iso.txt"
check "... serializable: P4 by a deadlock abort" grep -q "serializable .* P4 .*deadlock (1213)" "$TMP/iso.txt"
"$RACESIM" isolation --strategies=g1a,p4 --isolations=read-uncommitted,serializable --dsn="$DSN" \
    --quiet --format=json >"$TMP/iso.json" 2>"$TMP/iso.err"
check "isolation --format=json: valid by the schema" valid_json "$TMP/iso.json"
check "... G1a occurs at READ UNCOMMITTED with a witness; prevented at SERIALIZABLE by a wait" \
    jqe '(.levels[0].cells[0] | .anomaly == "G1a" and .verdict == "occurs" and (.witness | length > 0))
         and (.levels[1].cells[0] | .verdict == "prevented" and .waited > 0 and (.how | test("lock wait")))' "$TMP/iso.json"

# R/O: PMP's read-only form is prevented at REPEATABLE READ, its form with a write is not; the
# page (--html) shows that table, coloured, with the legend, and reaches for nothing outside it
"$RACESIM" isolation --strategies=pmp,pmp-write --isolations=read-committed,repeatable-read \
    --dsn="$DSN" --quiet --format=json --html="$TMP/iso.html" >"$TMP/ro.json" 2>"$TMP/ro.err"
check "isolation pmp,pmp-write: exit 0" [ $? = 0 ]
check "... valid by the schema" valid_json "$TMP/ro.json"
check "... READ COMMITTED: PMP occurs, in both forms" \
    jqe '.levels[0] | .table.PMP == "occurs" and ([.cells[] | .verdict == "occurs"] | all)' "$TMP/ro.json"
check "... REPEATABLE READ: R/O (read-only prevented, the write form occurs)" \
    jqe '.levels[1] | .table.PMP == "read-only"
         and ([.cells[] | select(.form == "read-only")][0].verdict == "prevented")
         and ([.cells[] | select(.form == "write")][0].verdict == "occurs")' "$TMP/ro.json"
check "--html: the page, the table's header cells" grep -q '<th>PMP</th>' "$TMP/iso.html"
check "... the R/O cell and an occurs cell, coloured by class" \
    [ "$(grep -c '<td class="mark read-only">R/O</td>' "$TMP/iso.html")" = 1 -a \
      "$(grep -c '<td class="mark occurs">—</td>' "$TMP/iso.html")" = 1 ]
check "... the legend names R/O" grep -q 'prevented only without writes' "$TMP/iso.html"
check "... how the ✓ was kept" grep -q '<td>repeatable read</td><td>PMP</td><td>no wait, no abort' "$TMP/iso.html"
check "... no http:// or https://, no src=, href= or url(" \
    [ "$(grep -ciE 'https?://|[[:space:]](src|href)=|url\(' "$TMP/iso.html")" = 0 ]
check "... a Content-Security-Policy that allows no request" \
    grep -q "Content-Security-Policy\" content=\"default-src 'none';" "$TMP/iso.html"
"$RACESIM" isolation --strategies=g1a --dsn="$DSN" --html="$TMP/iso.html" >"$TMP/o" 2>"$TMP/e"
check "--html to an existing page without --force: exit 2, the page kept" \
    [ $? = 2 -a "$(grep -c '<th>PMP</th>' "$TMP/iso.html")" = 1 ]
"$RACESIM" isolation --strategies=g9 --dsn="$DSN" >"$TMP/o" 2>"$TMP/e"
check "isolation --strategies=g9: exit 2, one line" [ $? = 2 -a "$(wc -l <"$TMP/e")" = 1 ]
check "isolation --strategies=g9: the line names it" grep -q "strategies=g9" "$TMP/e"

# bad input: exit 2, one line
"$RACESIM" run --strategy=g1a "${base[@]}" --schedule=T1,T3 >"$TMP/o" 2>"$TMP/e"
check "--schedule naming an unknown role: exit 2, one line" [ $? = 2 -a "$(wc -l <"$TMP/e")" = 1 ]
check "--schedule naming an unknown role: the line names the roles" \
    grep -q "no role 'T3' among the buyers' roles (T1, T2)" "$TMP/e"
mkdir -p "$TMP/bad"
printf -- '-- @role T1\nBEGIN;\nUPDATE test SET value = 1 WHERE id = 1;\n-- @expect value = 1 else G1a\nCOMMIT;\n' \
    >"$TMP/bad/update.sql"
"$RACESIM" run --strategy="$TMP/bad/update.sql" "${base[@]}" >"$TMP/o" 2>"$TMP/e"
check "@expect after an UPDATE: exit 2, one line" [ $? = 2 -a "$(wc -l <"$TMP/e")" = 1 ]
check "@expect after an UPDATE: the line says why" grep -q "update.sql:4: @expect must follow a SELECT" "$TMP/e"
printf -- '-- @role T1\nSELECT value FROM test WHERE id = 1;\n-- @expect stock = 1 else G1a\n' >"$TMP/bad/col.sql"
"$RACESIM" run --strategy="$TMP/bad/col.sql" "${base[@]}" >"$TMP/o" 2>"$TMP/e"
check "@expect naming no column of its read: exit 2, one line" [ $? = 2 -a "$(wc -l <"$TMP/e")" = 1 ]
check "@expect naming no column of its read: the line says why" \
    grep -q "col.sql:3: @expect stock: the read before it has no such column" "$TMP/e"
finish
