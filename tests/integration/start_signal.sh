#!/usr/bin/env bash
# start_signal.sh — a signal while the private server starts: exit 128+signal every time, no
# server process and no temp directory left (the signal thread's exit wins over start's error).
RACESIM=$1
source "$(dirname "$0")/lib.sh"

# launch: racesim in the background on its own TMPDIR; sets $pid and $dir.
launch() {
    dir=$(mktemp -d "$TMP/try.XXXXXX")
    # a background job of a script starts with SIGINT ignored; a terminal's Ctrl-C finds it
    # at its default (kill): give racesim that, as the signal may come before its own handling
    TMPDIR="$dir" env --default-signal=INT,TERM "$RACESIM" --strategy=for-update --users=5 --think-time=5000 --quiet >/dev/null 2>"$TMP/err" &
    pid=$!
}

# settle SIG WHAT: waits for racesim (bounded), then asserts its exit code and that nothing stays.
settle() {
    local sig=$1 what=$2 want=$((128 + $(kill -l "$1"))) code i
    for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    wait "$pid"
    code=$?
    check "$what: exit $want (got $code: $(tr '\n' ' ' <"$TMP/err"))" [ "$code" = "$want" ]
    check "$what: no server process left" [ -z "$(pgrep -f -- "$dir/" || true)" ]
    check "$what: no temp directory left" [ -z "$(ls -A "$dir")" ]
}

# At fixed delays after launch: before, during and after the start of the server (the run
# itself lasts 5 s: the signal always comes before its end).
for ms in 5 20 50 100 200 400; do
    launch
    sleep "$(printf '0.%03d' "$ms")"
    kill -INT "$pid"
    settle INT "SIGINT ${ms} ms after launch"
done

# Right after the server process appears, while it initialises (the window of
# "server stopped while starting"), and a little later.
for extra in 0 10 30 60 100 150; do
    for sig in INT TERM; do
        launch
        for i in $(seq 1 2000); do
            [ -n "$(private_servers_of "$pid")" ] && break
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.005
        done
        [ "$extra" -gt 0 ] && sleep "$(printf '0.%03d' "$extra")"
        kill -"$sig" "$pid"
        settle "$sig" "SIG$sig ${extra} ms after the server process appeared"
    done
done
finish
