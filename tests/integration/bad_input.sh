#!/usr/bin/env bash
# bad_input.sh — every bad input gets exit 2 and one line naming the option, fast, and leaves
# no server process behind.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

# expect_usage PATTERN ARGS...: exit 2, exactly one line on stderr matching PATTERN, no stdout.
expect_usage() {
    local pattern=$1
    shift
    TMPDIR="$TMP" "$RACESIM" "$@" >"$TMP/out" 2>"$TMP/err"   # a server would live under $TMP
    local code=$?
    check "racesim $* → exit 2 (got $code)" [ "$code" = 2 ]
    check "racesim $* → one line on stderr" [ "$(wc -l <"$TMP/err")" = 1 ]
    check "racesim $* → message names '$pattern': $(cat "$TMP/err")" grep -q -- "$pattern" "$TMP/err"
    check "racesim $* → nothing on stdout" [ ! -s "$TMP/out" ]
}

expect_usage "--users" --strategy=naive --users=0
expect_usage "--users" --strategy=naive --users=-3
expect_usage "--users" --strategy=naive --users=abc
expect_usage "--users" --strategy=naive --users=100001
expect_usage "--users" --strategy=naive --users=
expect_usage "--qty=30..1" --strategy=naive --qty=30..1
expect_usage "--qty=abc" --strategy=naive --qty=abc
expect_usage "--stock=-1" --strategy=naive --stock=-1
expect_usage "--products=0" --strategy=naive --products=0
expect_usage "--stock=99999999999: must be at most 2147483647" --strategy=naive --stock=99999999999
expect_usage "--product=7: must be at most products = 1" --strategy=naive --product=7
expect_usage "--seat=0: must be at least 1" --scenario=seats --strategy=naive --seat=0
expect_usage "--skew" --strategy=naive --skew=zipf:0
expect_usage "unknown parameter 'socket' (accepted: host, ssl-mode" --strategy=naive --dsn=postgres://x@/z?socket=/tmp/s
expect_usage "RACESIM_PASSWORD" --strategy=naive --dsn=mysql://u:secret@127.0.0.1/racesim
expect_usage "--strategy=nope" --strategy=nope
expect_usage "--strategy" --users=5
expect_usage "no-such-file.sql" --strategy=/nonexistent/no-such-file.sql
expect_usage "unknown option --bogus" --strategy=naive --bogus=1
expect_usage "did you mean atomic?" --strategy=atomc --dry-run
expect_usage "--stock=-1" compare --stock=-1 --dry-run
TMPDIR="$TMP" "$RACESIM" compare --users=5 --dry-run >"$TMP/plan" 2>"$TMP/err"
check "compare --dry-run: exit 0, a line a strategy and the closing line, nothing on stderr" \
    [ $? = 0 -a "$(grep -c '^would run: stock/' "$TMP/plan")" -ge 6 -a ! -s "$TMP/err" ]
check "...it says nothing was started" grep -q "^dry run: racesim compare would make .* runs on a private mariadb server; nothing was started" "$TMP/plan"
# typos: the nearest option, parameter, strategy, scenario or command (edit distance)
expect_usage "unknown option --user: did you mean --users?" --strategy=naive --user=5
expect_usage "unknown option --prodcts: did you mean --products?" --strategy=naive --prodcts=3
expect_usage "unknown option --any-set: did you mean --any-seat?" --scenario=seats --strategy=naive --any-set
expect_usage "unknown option --stratgies: did you mean --strategies?" compare --stratgies=naive
expect_usage "--strategy=atomc: scenario stock has no such strategy; did you mean atomic?" --strategy=atomc
expect_usage "--strategies=atomc: .*did you mean atomic?" compare --strategies=atomc,naive
expect_usage "--scenario=seat: .*did you mean seats?" --scenario=seat --strategy=naive
expect_usage "--scenario=stok: .*did you mean stock?" sweep --scenario=stok
expect_usage "unknown command 'comapre': did you mean compare?" comapre
expect_usage "unknown command 'matrx': did you mean matrix?" help matrx
expect_usage "unknown option --xyz (see racesim run --help" --strategy=naive --xyz=1
expect_usage "unknown option --strat: did you mean --strategy?" --strat=naive --users=2
expect_usage "unknown option --stratgy: did you mean --strategy?" explore --stratgy=naive
expect_usage "--format" --strategy=naive --format=xml
expect_usage "--isolation" --strategy=naive --isolation=chaos
expect_usage "--think-time" --strategy=naive --think-time=soon
expect_usage "--scenario=nope" --strategy=naive --scenario=nope
expect_usage "unknown command" frobnicate
expect_usage "--lockstep" --strategy=naive --lockstep --pool=5
expect_usage "--block-timeout" --strategy=naive --lockstep --block-timeout=0
expect_usage "--qty" --strategy=naive --qty --users=5
expect_usage "--trace" --strategy=naive --trace=

unreadable="$TMP/unreadable.sql"
echo "SELECT 1;" >"$unreadable"
chmod 000 "$unreadable"
if [ "$(id -u)" != 0 ]; then
    expect_usage "unreadable.sql" --strategy="$unreadable"
fi

check "no server was started or left behind by any of them" \
    [ -z "$(pgrep -f -- "--datadir=$TMP/racesim-" | head -1)" -a -z "$(ls -d "$TMP"/racesim-* 2>/dev/null)" ]
"$RACESIM" --help >"$TMP/help" 2>&1
check "--help exits 0 and mentions --strategy" grep -q -- "--strategy" "$TMP/help"
check "--help fits 80 columns" [ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$TMP/help")" -le 80 ]
finish
