#!/usr/bin/env bash
# mariadb_throwaway.sh — scripts/mariadb-throwaway.sh (bench/peers.sh's server): it starts a
# MariaDB on a unix socket only, racesim runs on it through --dsn=mysql://root@localhost/…?socket=,
# mariadb_throwaway_stop stops it by its pid and removes its folder, and its watchdog stops a
# server whose script was killed (SIGKILL: no trap ran).
# Usage: mariadb_throwaway.sh RACESIM
RACESIM=$1
source "$(dirname "$0")/lib.sh"
throwaway=$(cd "$(dirname "$0")/../../scripts" && pwd)/mariadb-throwaway.sh
source "$throwaway"

mariadb_throwaway_start || { echo "FAIL - cannot start the test's MariaDB"; exit 1; }
trap 'mariadb_throwaway_stop; rm -rf "$TMP"' EXIT
pid=$MDT_PID dir=$MDT_DIR
check "a unix socket in its folder" [ -S "$MDT_SOCK" ]
check "no TCP port (skip_networking = ON)" \
    [ "$(mariadb_throwaway_sql 'SELECT @@skip_networking')" = 1 ]
run_json "$TMP/run.json" --strategy=atomic --users=20 --stock=100 \
    --dsn="mysql://root@localhost/racesim?socket=$MDT_SOCK"
check "racesim ran over its socket (exit $rc: $(head -c 200 "$stderr_file"))" [ "$rc" = 0 ]
check "racesim made its own database there" \
    [ "$(mariadb_throwaway_sql 'SELECT COUNT(*) FROM racesim.orders')" -gt 0 ]
mariadb_throwaway_stop
check "stop: the server's pid is gone" bash -c "! kill -0 $pid 2>/dev/null"
check "stop: its folder is removed" [ ! -e "$dir" ]

# a script killed outright: the watchdog stops its server within a few seconds
bash -c "source '$throwaway'; mariadb_throwaway_start || exit 1
         echo \$MDT_PID \$MDT_DIR >'$TMP/child'; exec sleep 600" &
child=$!
for _ in $(seq 300); do [ -s "$TMP/child" ] && break; sleep 0.1; done
read -r cpid cdir <"$TMP/child"
check "the killed script's server had started" kill -0 "$cpid"
kill -KILL "$child"; wait "$child" 2>/dev/null
for _ in $(seq 200); do kill -0 "$cpid" 2>/dev/null || break; sleep 0.1; done
check "the watchdog stopped it (pid $cpid)" bash -c "! kill -0 $cpid 2>/dev/null"
for _ in $(seq 50); do [ -e "$cdir" ] || break; sleep 0.1; done
check "the watchdog removed its folder" [ ! -e "$cdir" ]
finish
