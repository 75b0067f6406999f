#!/usr/bin/env bash
# procedure.sh — stock/procedure (issue 14): one round trip per purchase, a stored procedure
# (PostgreSQL: a PL/pgSQL function) the strategy's own -- @setup creates. At 60 buyers every
# invariant holds, the stock sells out, each purchase is one attempt and sold out is what the
# server returned (MariaDB: the procedure's SIGNAL, error 1644, mapped by @signal; PostgreSQL:
# the function's 0), never counted as a server error (JSON counts.errors, the text report).
# Under a forced race (--lockstep, 2 buyers, 1 unit) one sells and one is turned away. The
# procedure is racesim's: the next reset drops it, never a routine racesim did not create. A setup
# the server refuses names the strategy's line; a directive after -- @setup is exit 2.
# RACESIM_TEST_ENGINE=postgres runs it on the test's own PostgreSQL (scripts/pg-throwaway.sh).
RACESIM=$1
source "$(dirname "$0")/lib.sh"
# one server for every run, so that what a run leaves behind can be looked at (sql SQL)
if [ "$TEST_ENGINE" = mariadb ]; then
    own_server || { echo "FAIL - no server"; exit 1; }
    target=(--dsn="$DSN")
    sql() { shared_sql "USE racesim; $1"; }
    routines_sql="SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = 'racesim' ORDER BY 1"
    keep_me_sql="CREATE FUNCTION racesim.keep_me() RETURNS INT RETURN 1"
    buy_entry="PROCEDURE racesim_buy"
else
    source "$(dirname "$0")/../../scripts/pg-throwaway.sh"
    pg_throwaway_start || { echo "FAIL - cannot start the test's PostgreSQL"; exit 1; }
    trap 'pg_throwaway_stop; rm -rf "$TMP"' EXIT
    target=(--dsn="postgres://postgres@/racesim?host=$PGT_SOCK")
    sql() { pg_throwaway_sql "$1" racesim; }
    routines_sql="SELECT routine_name FROM information_schema.routines WHERE routine_schema = 'public' ORDER BY 1"
    keep_me_sql="CREATE FUNCTION keep_me() RETURNS INT LANGUAGE sql AS 'SELECT 1'"
    buy_entry="FUNCTION racesim_buy"
fi

run_json "$TMP/p.json" "${target[@]}" --strategy=procedure --users=60 --qty=1..30 --seed=1
engine_holds "procedure, 60 buyers" "$TMP/p.json" "$TEST_ENGINE"
check "procedure: some sold, some turned away ($(outcome "$TMP/p.json" ok) ok, $(outcome "$TMP/p.json" out_of_stock) out_of_stock)" \
    jqe '.counts.outcomes.ok.purchases > 0 and .counts.outcomes.out_of_stock.purchases > 0' "$TMP/p.json"
check "procedure: sold out (left $(jq .lost_sales.units_left "$TMP/p.json") units, fewer than the smallest refused ask)" \
    jqe '.lost_sales.purchases == 0 and .lost_sales.units_left < 30' "$TMP/p.json"
check "procedure: sold out is the strategy's answer, no server error ($(jq -c .counts.errors "$TMP/p.json"))" \
    jqe '.counts.errors == []' "$TMP/p.json"
check "procedure: one attempt per purchase, no retry" \
    jqe '.counts.attempts == 60 and .counts.retries == 0' "$TMP/p.json"
check "procedure: the units sold are what the stock lost (ok units = 600 - left)" \
    jqe '.counts.outcomes.ok.units == 600 - .lost_sales.units_left' "$TMP/p.json"

run_json "$TMP/race.json" "${target[@]}" --strategy=procedure --users=2 --stock=1 --qty=1 --lockstep --seed=1
engine_holds "procedure, lockstep, 1 unit" "$TMP/race.json" "$TEST_ENGINE"
check "procedure, lockstep: one sale, one out_of_stock" \
    [ "$(outcome "$TMP/race.json" ok)/$(outcome "$TMP/race.json" out_of_stock)" = 1/1 ]

out=$("$RACESIM" ${ENGINE_ARGS[@]+"${ENGINE_ARGS[@]}"} "${target[@]}" --strategy=procedure --users=2 --stock=1 --qty=1 \
    --lockstep --seed=1 --quiet 2>&1)
check "procedure, text report: the refused buyer is out_of_stock, no errors line" \
    bash -c '[[ $1 == *"out_of_stock "* && $1 != *ERROR* && $1 != *"errors "* ]]' _ "$out"

# the routine the strategy's -- @setup created is racesim's: dropped with its tables at the next
# reset; a routine of the same database that racesim did not create is left alone
routines() { sql "$routines_sql" | tr '\n' ' '; }
sql "$keep_me_sql"
check "procedure: racesim_buy recorded as racesim's in its marker table" \
    [ "$(sql "SELECT COUNT(*) FROM racesim_owned WHERE table_name = '$buy_entry'")" = 1 ]
before=$(routines)
"$RACESIM" ${ENGINE_ARGS[@]+"${ENGINE_ARGS[@]}"} "${target[@]}" --strategy=atomic --users=2 --quiet >/dev/null 2>&1
code=$?
after=$(routines)
check "procedure, then atomic on the same database: exit 0 ($code)" [ "$code" = 0 ]
check "the reset drops the procedure racesim created, keeps the one it did not (before: $before; after: $after)" \
    [ "$before/$after" = "keep_me racesim_buy /keep_me " ]
"$RACESIM" ${ENGINE_ARGS[@]+"${ENGINE_ARGS[@]}"} "${target[@]}" --strategy=procedure --users=2 --quiet >/dev/null 2>&1
check "procedure again: racesim_buy made again beside keep_me ($(routines)), keep_me not recorded as racesim's" \
    [ "$(routines)/$(sql "SELECT COUNT(*) FROM racesim_owned WHERE table_name LIKE '%keep_me'")" = "keep_me racesim_buy /0" ]

if [ "$TEST_ENGINE" = mariadb ]; then
    # a body the server refuses: the strategy's file and line, exit 2
    cat >"$TMP/broken.sql" <<'SQL'
CALL broken(:qty);

-- @setup
-- @delimiter //
CREATE OR REPLACE PROCEDURE broken(IN q INT)
BEGIN
  SELEC q;
END //
SQL
    out=$("$RACESIM" "${target[@]}" --strategy="$TMP/broken.sql" --users=1 --quiet 2>&1 >/dev/null)
    code=$?
    check "a procedure the server refuses: exit 2" [ "$code" = 2 ]
    check "a procedure the server refuses: one line naming broken.sql:5 ($out)" \
        bash -c '[[ $1 == *broken.sql:5:* ]] && [ "$(grep -c . <<<"$1")" = 1 ]' _ "$out"
fi
printf -- 'SELECT 1;\n-- @setup\nCREATE TABLE x (a INT);\n-- @window\n' >"$TMP/late.sql"
out=$("$RACESIM" ${ENGINE_ARGS[@]+"${ENGINE_ARGS[@]}"} "${target[@]}" --strategy="$TMP/late.sql" --users=1 2>&1 >/dev/null)
code=$?
check "a directive after -- @setup: exit 2" [ "$code" = 2 ]
check "a directive after -- @setup: the line named ($out)" bash -c '[[ $1 == *late.sql:4:* ]]' _ "$out"
finish
