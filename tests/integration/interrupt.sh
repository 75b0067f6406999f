#!/usr/bin/env bash
# interrupt.sh — Ctrl-C (SIGINT) or SIGTERM during a run leaves no server process and no temp dir.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

interrupt_with() {
    local sig=$1
    TMPDIR="$TMP" "$RACESIM" --strategy=for-update --users=20 --think-time=3000 --quiet \
        >/dev/null 2>"$TMP/err" &
    local pid=$! servers="" i
    for i in $(seq 1 200); do            # wait until its private server runs (up to 20 s)
        servers=$(private_servers_of "$pid")
        [ -n "$servers" ] && break
        sleep 0.1
    done
    check "SIG$sig: racesim started a private server" [ -n "$servers" ]
    sleep 1                               # buyers are inside their race window now
    kill -"$sig" "$pid"
    wait "$pid"
    local code=$?
    check "SIG$sig: racesim exits with 128+signal (got $code)" [ "$code" -gt 128 ]
    check "SIG$sig: it says it was interrupted" grep -q "interrupted" "$TMP/err"
    local alive=""
    for s in $servers; do kill -0 "$s" 2>/dev/null && alive="$alive $s"; done
    check "SIG$sig: no server process left" [ -z "$alive" ]
    check "SIG$sig: no temp directory left" [ -z "$(ls -A "$TMP" | grep -vx -e err -e home)" ]
}

interrupt_with INT
interrupt_with TERM
finish
