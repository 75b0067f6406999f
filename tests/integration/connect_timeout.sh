#!/usr/bin/env bash
# connect_timeout.sh — connect-timeout bounds the wait for a server that accepts the TCP
# connection but never greets: ?connect-timeout=1 and --connect-timeout=1 end with exit 3 in a
# few seconds, where the default (10 s) would still wait. The "server" is a listener of the
# test's own on 127.0.0.1 that never answers (it exits by itself after 120 s).
# Usage: connect_timeout.sh RACESIM
RACESIM=$1
source "$(dirname "$0")/lib.sh"

python3 - "$TMP/port" <<'EOF' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)                     # connections wait in the backlog: never accepted, never greeted
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(120)
EOF
listener=$!
trap 'kill $listener 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
port=$(cat "$TMP/port" 2>/dev/null)
[ -n "$port" ] || { echo "FAIL - the listener did not start"; exit 1; }

# timed NAME ARGS...: runs racesim; sets $rc and $took (seconds).
timed() {
    local name=$1 start
    shift
    start=$(date +%s.%N)
    "$RACESIM" --strategy=atomic --users=2 --no-defaults "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
    rc=$?
    took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
}

timed dsn --dsn="mysql://u@127.0.0.1:$port/racesim?connect-timeout=1"
check "?connect-timeout=1: exit 3 ($rc: $(cat "$TMP/dsn.err"))" \
    eval '[ "$rc" = 3 ] && [ "$(wc -l <"$TMP/dsn.err")" = 1 ]'
check "...within 8 s, not the default 10 s (${took} s)" eval 'awk -v t="$took" "BEGIN { exit !(t < 8) }"'
timed option --dsn="mysql://u@127.0.0.1:$port/racesim" --connect-timeout=1
check "--connect-timeout=1: exit 3 within 8 s ($rc, ${took} s: $(cat "$TMP/option.err"))" \
    eval '[ "$rc" = 3 ] && awk -v t="$took" "BEGIN { exit !(t < 8) }"'
timed default --dsn="mysql://u@127.0.0.1:$port/racesim"
check "without it, the default 10 s: exit 3 after at least 9 s ($rc, ${took} s)" \
    eval '[ "$rc" = 3 ] && awk -v t="$took" "BEGIN { exit !(t >= 9) }"'
"$RACESIM" --strategy=atomic --dsn="mysql://u@127.0.0.1:$port/racesim" --connect-timeout=0 \
    >/dev/null 2>"$TMP/zero.err"
rc=$?
check "--connect-timeout=0: refused, exit 2 ($rc: $(cat "$TMP/zero.err"))" \
    eval '[ "$rc" = 2 ] && grep -q "must be seconds from 1 to 3600" "$TMP/zero.err"'
finish
