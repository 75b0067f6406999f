#!/usr/bin/env bash
# bad_strategy.sh — a strategy file that does not parse, or that the server refuses, is refused
# with file:line and exit 2 before any buyer starts; a good custom file runs.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

# expect_refused FILE LINE: exit 2 and "FILE:LINE:" in the one-line message.
expect_refused() {
    "$RACESIM" --strategy="$1" --users=2 --quiet >"$TMP/out" 2>"$TMP/err"
    local code=$?
    check "$(basename "$1") → exit 2 (got $code)" [ "$code" = 2 ]
    check "$(basename "$1") → names $1:$2: $(cat "$TMP/err")" grep -qF "$1:$2:" "$TMP/err"
}

printf 'SELECT stock FROM products WHERE id = :product;\n-- @require stock >> :qty else out_of_stock\n' >"$TMP/badop.sql"
expect_refused "$TMP/badop.sql" 2

printf -- '-- a comment\nSELECT stock FROM products WHERE id = :product;\n\n-- @frobnicate\n' >"$TMP/unknown.sql"
expect_refused "$TMP/unknown.sql" 4

printf 'START TRANSACTION;\nSELECT 1;\n' >"$TMP/open.sql"
expect_refused "$TMP/open.sql" 1

printf 'SELECT 1;\nUPDATE products SET stock = 1\n' >"$TMP/unterminated.sql"
expect_refused "$TMP/unterminated.sql" 2

printf -- '-- @retry deadlok up to 5 times\nSELECT stock FROM products WHERE id = :product;\n' >"$TMP/typo.sql"
expect_refused "$TMP/typo.sql" 1
check "a typo in @retry: the message suggests the outcome meant" grep -q "did you mean 'deadlock'" "$TMP/err"

# parses, but the server refuses it: the line of the statement
printf 'SELECT 1;\n\nUPDATE productz SET stock = 1 WHERE id = :product;\n' >"$TMP/notable.sql"
expect_refused "$TMP/notable.sql" 3

# a :name that is neither a parameter nor a column of an earlier SELECT
printf 'SELECT stock FROM products WHERE id = :product;\nUPDATE products SET stock = :stok WHERE id = :product;\n' >"$TMP/unknownname.sql"
expect_refused "$TMP/unknownname.sql" 2
check "a :name one edit from a column read earlier: did you mean :stock" grep -q "did you mean :stock?" "$TMP/err"
# a typo of a scenario parameter the file uses nowhere else: the parameter is suggested
printf 'UPDATE products SET stock = stock - :qty WHERE id = :prodcut AND stock >= :qty;\n' >"$TMP/prodcut.sql"
expect_refused "$TMP/prodcut.sql" 1
check "a typo of a parameter: did you mean :product" grep -q ":prodcut .*did you mean :product?" "$TMP/err"

printf -- '-- mine: an atomic decrement of my own\nSTART TRANSACTION;\nUPDATE products SET stock = stock - :qty WHERE id = :product AND stock >= :qty;\n-- @require affected = 1 else sold_out\nINSERT INTO orders (user_id, product_id, qty) VALUES (:user, :product, :qty);\nCOMMIT;\n' >"$TMP/mine.sql"
run_json "$TMP/mine.json" --strategy="$TMP/mine.sql" --users=20 --seed=1
check "a custom file runs (exit $rc)" [ "$rc" = 0 ]
check "its business outcome is counted" [ "$(jq '.counts.outcomes | has("sold_out")' "$TMP/mine.json")" = true ]
check "it is named after the file" [ "$(jq -r .run.strategy "$TMP/mine.json")" = mine ]
finish
