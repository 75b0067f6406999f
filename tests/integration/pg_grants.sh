#!/usr/bin/env bash
# pg_grants.sh — with --dsn=postgres://, preflight refuses (exit 3, one line with the fix) a user
# who may not create racesim's database, connect to it, or create tables in its schema; runs a
# user who may; warns a superuser (it can write in every database). And the durability header of
# a server with the default settings (fsync, synchronous_commit, full_page_writes on): durable.
# The server is the test's own throwaway PostgreSQL (scripts/pg-throwaway.sh) with its roles.
# Usage: pg_grants.sh RACESIM
RACESIM=$1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../../scripts/pg-throwaway.sh"

pg_throwaway_start || { echo "FAIL - cannot start the test's PostgreSQL"; exit 1; }
trap 'pg_throwaway_stop; rm -rf "$TMP"' EXIT
pg_throwaway_sql "CREATE ROLE shopper LOGIN; CREATE ROLE maker LOGIN CREATEDB;
    CREATE ROLE owner LOGIN; CREATE DATABASE owned OWNER owner;
    CREATE DATABASE closed; REVOKE CONNECT ON DATABASE closed FROM PUBLIC;
    CREATE DATABASE plain; CREATE DATABASE granted;" >/dev/null
pg_throwaway_sql "GRANT CREATE ON SCHEMA public TO shopper" granted >/dev/null

# as USER DATABASE: runs racesim there; $rc, $stderr_file, JSON in $TMP/USER-DATABASE.json.
as() {
    run_json "$TMP/$1-$2.json" --strategy=atomic --users=3 --dsn="postgres://$1@/$2?host=$PGT_SOCK"
}
one_line_matching() {
    [ "$(wc -l <"$2")" = 1 ] && grep -q "$1" "$2"
}
# refused USER DATABASE PATTERN: exit 3 with one line on stderr that matches PATTERN.
refused() {
    as "$1" "$2"
    check "$1 on $2: refused, exit 3 (got $rc)" [ "$rc" = 3 ]
    check "$1 on $2: one line naming the fix ($(head -c 300 "$stderr_file"))" \
        one_line_matching "$3" "$stderr_file"
    check "$1 on $2: no report written" [ ! -s "$TMP/$1-$2.json" ]
}
# runs USER DATABASE: exit 0, no grants warning.
runs() {
    as "$1" "$2"
    check "$1 on $2: runs (exit $rc: $(head -c 200 "$stderr_file"))" [ "$rc" = 0 ]
    check "$1 on $2: no warning" jqe '.server.warnings == []' "$TMP/$1-$2.json"
}

refused shopper racesim '^racesim: user shopper may not create database "racesim" (no CREATEDB): create it for them (CREATE DATABASE racesim OWNER shopper)'
refused shopper closed '^racesim: user shopper may not connect to database "closed": GRANT CONNECT ON DATABASE closed TO shopper'
refused shopper plain '^racesim: user shopper may not create tables in schema public of database "plain": GRANT CREATE ON SCHEMA public TO shopper'
check "the refused database was left alone (no table in plain)" \
    [ "$(pg_throwaway_sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" plain)" = 0 ]
runs shopper granted
runs maker newdb
runs owner owned

as postgres racesim
check "a superuser: runs (exit $rc)" [ "$rc" = 0 ]
check "a superuser: warned that it can write in every database" \
    jqe '.server.warnings | any(startswith("this user (postgres) is a superuser"))' "$TMP/postgres-racesim.json"

# durability: this server keeps PostgreSQL's defaults
check "durability: fsync, synchronous_commit, full_page_writes 1, durable" \
    jqe '.server.durability | .fsync == 1 and .synchronous_commit == 1 and .full_page_writes == 1
         and .durable == true and (.note | contains("every commit is flushed to disk"))' "$TMP/owner-owned.json"
"$RACESIM" --strategy=atomic --users=2 --dsn="postgres://owner@/owned?host=$PGT_SOCK" --quiet >"$TMP/owned.txt" 2>&1
check "durability in the text header: durable" \
    grep -q '^durability fsync=on synchronous_commit=on full_page_writes=on: every commit is flushed' "$TMP/owned.txt"
finish
