#!/usr/bin/env bash
# grants.sh — with --dsn, preflight warns when the user can write outside racesim's database
# (read from SHOW GRANTS), and stays quiet for a user confined to it. The server is the test's
# own MariaDB; the private server (nothing else on it) gets no such warning.
# Usage: grants.sh RACESIM
RACESIM=$1
source "$(dirname "$0")/lib.sh"

start_shared_server || { echo "FAIL - cannot start the test's MariaDB"; exit 1; }
shared_sql "CREATE DATABASE shop; CREATE TABLE shop.products (id INT PRIMARY KEY, stock INT);
    CREATE USER confined@localhost; GRANT ALL ON racesim.* TO confined@localhost;
    CREATE USER reader@localhost; GRANT ALL ON racesim.* TO reader@localhost;
    GRANT SELECT ON *.* TO reader@localhost;
    CREATE USER columns@localhost; GRANT ALL ON racesim.* TO columns@localhost;
    GRANT SELECT, UPDATE (stock) ON shop.products TO columns@localhost;
    CREATE USER shopper@localhost; GRANT ALL ON racesim.* TO shopper@localhost;
    GRANT INSERT, DELETE ON shop.* TO shopper@localhost"

# warnings USER: the run's preflight warnings about writing elsewhere, one a line.
warnings() {
    run_json "$TMP/$1.json" --strategy=atomic --users=3 --dsn="mysql://$1@localhost?socket=$SHARED_SOCK"
    [ "$rc" = 0 ] || echo "run as $1: exit $rc: $(head -c 200 "$stderr_file")"
    jq -r '.server.warnings[] | select(contains("can write outside"))' "$TMP/$1.json" 2>/dev/null
}

check "root (ALL ON *.*): warned, naming *.*" eval '[[ "$(warnings root)" == *"can write outside \`racesim\` (on *.*)"* ]]'
check "a user with UPDATE on one column of shop.products: warned, naming it" \
    eval '[[ "$(warnings columns)" == *"(on \`shop\`.\`products\`)"* ]]'
check "a user with INSERT, DELETE on shop.*: warned, naming it" \
    eval '[[ "$(warnings shopper)" == *"(on \`shop\`.*)"* ]]'
check "a user with rights on racesim.* only: no warning ($(warnings confined))" [ -z "$(warnings confined)" ]
check "a user who may read elsewhere but write only in racesim: no warning ($(warnings reader))" \
    [ -z "$(warnings reader)" ]
run_json "$TMP/private.json" --strategy=atomic --users=3
check "the private server: no such warning" \
    eval '[ "$rc" = 0 ] && [ "$(jq "[.server.warnings[] | select(contains(\"can write outside\"))] | length" "$TMP/private.json")" = 0 ]'
"$RACESIM" --strategy=atomic --users=3 --dsn="mysql://root@localhost?socket=$SHARED_SOCK" >"$TMP/text.out" 2>&1
check "the text report shows the warning" grep -q "can write outside" "$TMP/text.out"
finish
