#!/usr/bin/env bash
# faults.sh — the server lost or stalled in the middle of a run: racesim still reports what the
# buyers saw, marks the invariants not checked when it cannot check them, names the server,
# exits 3, and never hangs; lost connections alone never give a false verdict.
# Usage: faults.sh RACESIM lost|stall|timeout|killed|back
RACESIM=$1
CASE=$2
source "$(dirname "$0")/lib.sh"
USERS=20
server=""

# jqr FILTER FILE: true when FILE is a non-empty report and the filter yields true (jq -e on an
# empty file succeeds: a missing report must not pass).
jqr() {
    [ -s "$2" ] && jq -e "$1" "$2" >/dev/null
}

cleanup() {                       # the server we stopped or killed, and racesim: by their PIDs
    [ -n "$server" ] && { kill -CONT "$server" 2>/dev/null; kill -9 "$server" 2>/dev/null; }
    [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT

# launch ARGS...: racesim (for-update, $USERS buyers) in the background on its own TMPDIR;
# sets $pid and $dir. Output in $TMP/out, stderr in $TMP/err.
launch() {
    dir=$(mktemp -d "$TMP/run.XXXXXX")
    TMPDIR="$dir" "$RACESIM" --strategy=for-update --users=$USERS --quiet "$@" \
        >"$TMP/out" 2>"$TMP/err" &
    pid=$!
    started=$(date +%s)
}

# inside: waits (up to 20 s) until racesim's private server runs and every buyer is inside its
# purchase: one holds the row lock in its race window (--think-time), the others wait for it
# on the server. Sets $server.
inside() {
    local i sock n=0
    for i in $(seq 1 200); do
        server=$(private_servers_of "$pid")
        [ -n "$server" ] && break
        sleep 0.1
    done
    sock=$(find "$dir" -name sock -type s 2>/dev/null | head -1)
    for i in $(seq 1 200); do
        [ -n "$sock" ] || sock=$(find "$dir" -name sock -type s 2>/dev/null | head -1)
        n=$(mariadb --no-defaults -S "$sock" -uroot -N -e "SELECT COUNT(*) FROM
              information_schema.PROCESSLIST WHERE DB = 'racesim' AND COMMAND IN ('Query', 'Execute')
              AND ID <> CONNECTION_ID()" 2>/dev/null || echo 0)
        [ "$n" = $((USERS - 1)) ] && break
        sleep 0.1
    done
    check "$CASE: the buyers are inside their purchase ($n of $((USERS - 1)) wait for the lock)" \
        [ "$n" = $((USERS - 1)) ]
    server=$(private_servers_of "$pid")   # now: not the `mariadbd --version` run while starting
    check "$CASE: one private server ($server)" [ "$(echo "$server" | wc -w)" = 1 ]
}

# stop_server: kill -STOP the server and checks it is stopped.
stop_server() {
    kill -STOP "$server"
    local i state
    for i in $(seq 50); do      # SIGSTOP is delivered asynchronously: on a busy machine, later
        state=$(ps -o stat= -p "$server" | cut -c1)
        [ "$state" = T ] && break
        sleep 0.1
    done
    check "$CASE: the server is stopped (state $state)" [ "$state" = T ]
}

# finish_within S: waits up to S seconds for racesim (kill -9 after); sets $code and $took.
finish_within() {
    local i
    for i in $(seq 1 $(($1 * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    wait "$pid"
    code=$?
    pid=""                            # reaped: its PID may be another process's now
    took=$(($(date +%s) - started))
}

# partial_report FORMAT: asserts the report of a run cut short with the invariants not checked.
partial_report() {
    local f=$1
    case $f in
    json)
        check "json: every purchase counted ($(jq -c .counts.purchases "$TMP/out"))" \
            jqr ".counts.purchases == $USERS" "$TMP/out"
        check "json: the lost connections counted" \
            jqr '.counts.outcomes.connection_lost.purchases + .counts.outcomes.in_doubt.purchases >= 1' "$TMP/out"
        check "json: latency kept" jqr '.latency.purchase.count > 0' "$TMP/out"
        check "json: checked false, verdict 'not checked'" \
            jqr '.checked == false and .verdict == "not checked"' "$TMP/out"
        check "json: every invariant not checked" \
            jqr '(.invariants | length) > 0 and all(.invariants[]; .checked == false and .holds == null)' "$TMP/out"
        check "json: exit_code 3" jqr '.exit_code == 3' "$TMP/out" ;;
    text)
        check "text: the outcomes are printed" grep -q "connection_lost" "$TMP/out"
        check "text: latency printed" grep -q "^  purchase   p50" "$TMP/out"
        check "text: invariants not checked, no ✓" \
            bash -c "grep -q '^invariants (not checked: ' '$TMP/out' && ! grep -q '✓' '$TMP/out'"
        check "text: verdict not checked" grep -q "^verdict: not checked" "$TMP/out" ;;
    csv)
        check "csv: a header and a row" [ "$(wc -l <"$TMP/out")" = 2 ]
        check "csv: verdict 'not checked', purchases $USERS" \
            awk -F, -v u=$USERS 'NR == 2 { exit !($19 == "not checked" && $6 == u) }' "$TMP/out" ;;
    esac
}

# the message names the server, not a scenario file
names_server() {
    check "$1: the message names the server ($(head -c 300 "$TMP/err"))" \
        grep -q "server private, .*mariadbd" "$TMP/err"
    check "$1: the message blames no scenario file" bash -c "! grep -q '\.sql' '$TMP/err'"
}

nothing_left() {
    check "$1: no server process left" [ -z "$(pgrep -f -- "$dir/" || true)" ]
    check "$1: no temp directory left" [ -z "$(ls -A "$dir")" ]
}

case $CASE in
lost)   # kill -9 the private server while every buyer is inside its purchase; 100 rounds each:
        # the buyers must not go on reconnecting purchase after purchase
    for f in json text csv; do
        launch --think-time=60000 --rounds=100 --format=$f
        inside
        kill -9 "$server"
        finish_within 60
        check "$f: killed server: exit 3 (got $code)" [ "$code" = 3 ]
        check "$f: bounded reconnects: ended within 20 s of the start ($took s)" [ "$took" -le 20 ]
        partial_report $f
        names_server $f
        nothing_left $f
        server=""
    done ;;
stall)  # kill -STOP the server: --timeout ends the run; Ctrl-C ends it at once
    launch --think-time=60000 --timeout=15s --format=json
    inside
    stop_server
    finish_within 60
    check "stalled server: exit 3 (got $code)" [ "$code" = 3 ]
    check "stalled server: ended by --timeout=15s plus the audit's 5 s connect ($took s <= 30)" \
        [ "$took" -le 30 ]
    check "stalled server: ended 'timeout', not checked: timeout" \
        jqr '.ended == "timeout" and .not_checked == "timeout" and .checked == false' "$TMP/out"
    partial_report json
    names_server "stalled server"
    check "stalled server: the message says --timeout" grep -q -- "--timeout=15s" "$TMP/err"
    nothing_left "stalled server"
    server=""

    launch --think-time=60000 --timeout=0 --format=json
    inside
    stop_server
    sleep 1
    started=$(date +%s)
    kill -INT "$pid"
    finish_within 30
    check "SIGINT during a stall: exit 130 (got $code)" [ "$code" = 130 ]
    check "SIGINT during a stall: ended within 3 s ($took s)" [ "$took" -le 3 ]
    nothing_left "SIGINT during a stall"
    server="" ;;
timeout)  # --timeout with a server that answers: the run is cut short, the invariants checked
    for bad in abc 5x -1s 1000h; do
        "$RACESIM" --strategy=for-update --timeout=$bad >/dev/null 2>"$TMP/bad"
        code=$?
        check "--timeout=$bad: exit 2 with one line naming --timeout (got $code)" \
            bash -c "[ $code = 2 ] && [ \$(wc -l <'$TMP/bad') = 1 ] && grep -q -- '--timeout=$bad' '$TMP/bad'"
    done
    launch --think-time=60000 --timeout=2s --format=json
    inside
    finish_within 60
    check "timeout: exit 3 (got $code)" [ "$code" = 3 ]
    check "timeout: ended 'timeout', invariants checked and hold" \
        jqr '.ended == "timeout" and .checked == true and all(.invariants[]; .holds == true)' "$TMP/out"
    check "timeout: every purchase counted" jqr ".counts.purchases == $USERS" "$TMP/out"
    check "timeout: the message says --timeout and that the invariants were checked" \
        grep -q -- "--timeout=2s.*invariants checked" "$TMP/err"
    nothing_left timeout
    server="" ;;
killed)  # the buyers' connections killed, the server lives: checked on a fresh connection, exit 0
    launch --think-time=3000 --format=json
    # wait for the buyers themselves (racesim's own connection also executes statements while it
    # sets the tables up: killed then, the run rightly fails at setup)
    inside
    sock=$(find "$dir" -name sock -type s 2>/dev/null | head -1)
    # every buyer's connection: the lock holder in its window and those that wait for it
    mariadb --no-defaults -S "$sock" -uroot -N -e "SELECT CONCAT('KILL CONNECTION ', ID, ';')
        FROM information_schema.PROCESSLIST WHERE DB = 'racesim' AND ID <> CONNECTION_ID()" \
        | mariadb --no-defaults -S "$sock" -uroot 2>/dev/null
    finish_within 60
    check "killed connections: exit 0 (got $code: $(head -c 200 "$TMP/err"))" [ "$code" = 0 ]
    check "killed connections: lost connections counted" \
        jqr '.counts.outcomes.connection_lost.purchases >= 1' "$TMP/out"
    check "killed connections: every purchase counted" jqr ".counts.purchases == $USERS" "$TMP/out"
    check "killed connections: the invariants checked, and they hold (agreement too)" \
        jqr '.checked == true and .ended == "complete" and all(.invariants[]; .holds == true)
             and any(.invariants[]; .name == "agreement")' "$TMP/out"
    nothing_left "killed connections"
    server="" ;;
back)    # --dsn: the server killed while every buyer sleeps in its race window, and back before
         # the window ends: the buyers reconnect, the invariants are checked on a fresh connection
    own="$TMP/own"
    mkdir -p "$own"
    # without meson's MALLOC_PERTURB_ (with it an install failed now and then on a busy machine,
    # leaving a root that cannot log in), and tried again from scratch when it fails
    installed=1
    for try in 1 2 3; do
        rm -rf "$own/data"
        env -u MALLOC_PERTURB_ mariadb-install-db --no-defaults --datadir="$own/data" --tmpdir="$own" \
            --auth-root-authentication-method=normal --skip-test-db --user=root \
            >"$own/install.log" 2>&1 && { installed=0; break; }
        sleep 1
    done
    check "back: a data directory for the test's own server" [ "$installed" = 0 -a -d "$own/data/mysql" ]
    # own_server: starts it (unix socket only; it stops by itself after 120 s); sets $server
    own_server() {
        env -u MALLOC_PERTURB_ timeout -s KILL 120 mariadbd --no-defaults --user=root --datadir="$own/data" \
            --socket="$own/sock" --pid-file="$own/pid" --skip-networking --tmpdir="$own" \
            --innodb-buffer-pool-size=64M --log-error="$own/error.log" 2>/dev/null &
        local i
        for i in $(seq 1 300); do
            mariadb --no-defaults -S "$own/sock" -uroot -e "SELECT 1" >/dev/null 2>&1 && break
            sleep 0.1
        done
        server=$(pgrep -P $! mariadbd)
    }
    own_server
    check "back: the test's own server runs ($server)" [ -n "$server" ]
    # naive: every buyer reads, then sleeps 20 s in its window with no statement running
    dir=$(mktemp -d "$TMP/run.XXXXXX")
    "$RACESIM" --strategy=naive --users=$USERS --think-time=20000 --stock=1000 --qty=1 --quiet \
        --dsn="mysql://root@localhost/racesim?socket=$own/sock" --format=json \
        >"$TMP/out" 2>"$TMP/err" &
    pid=$!
    started=$(date +%s)
    for i in $(seq 1 200); do
        n=$(mariadb --no-defaults -S "$own/sock" -uroot -N -e "SELECT COUNT(*) FROM
              information_schema.PROCESSLIST WHERE DB = 'racesim' AND COMMAND = 'Sleep'" 2>/dev/null)
        [ "${n:-0}" -ge $USERS ] && break
        sleep 0.1
    done
    # connected (then, within milliseconds, each reads and sleeps): killed before the read or in
    # the window, each buyer loses its connection once either way
    check "back: every buyer connected (${n:-0} idle connections)" [ "${n:-0}" -ge $USERS ]
    kill -9 "$server"
    while kill -0 "$server" 2>/dev/null; do sleep 0.05; done
    own_server
    check "back: the server is back within the window ($(($(date +%s) - started)) s of 20)" \
        [ $(($(date +%s) - started)) -lt 18 ]
    finish_within 60
    check "back: exit 0 (got $code: $(head -c 200 "$TMP/err"))" [ "$code" = 0 ]
    check "back: every buyer lost its connection once" \
        jqr ".counts.outcomes.connection_lost.purchases == $USERS" "$TMP/out"
    check "back: the invariants checked on the server that came back" \
        jqr '.checked == true and .ended == "complete" and (.invariants | length) > 0' "$TMP/out"
    check "back: every invariant holds: nothing was sold, every write was lost with its connection" \
        jqr '.counts.outcomes.ok.purchases == 0 and all(.invariants[]; .holds == true)' "$TMP/out"
    kill -9 "$server" 2>/dev/null
    server="" ;;
*)
    echo "usage: faults.sh RACESIM lost|stall|timeout|killed|back" >&2
    exit 2 ;;
esac
finish
