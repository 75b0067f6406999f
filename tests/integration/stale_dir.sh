#!/usr/bin/env bash
# stale_dir.sh — kill -9 of racesim: its private server dies with it, its temp directory stays;
# the next run removes it and says so in one line. A directory whose owner lives, or that is not
# racesim's, is left alone. TMPDIR is this test's own folder, so it sees only its own dirs.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

TMPDIR="$TMP" "$RACESIM" --strategy=for-update --users=2 --think-time=60000 --quiet \
    >/dev/null 2>"$TMP/killed.err" &
pid=$!
servers=""
for i in $(seq 1 300); do                # wait until its private server runs (up to 30 s)
    servers=$(private_servers_of "$pid")
    [ -n "$servers" ] && break
    sleep 0.1
done
check "racesim started a private server" [ -n "$servers" ]
dir=$(ls -d "$TMP"/racesim-* 2>/dev/null)
check "its run directory is $TMP/racesim-XXXXXX ($dir)" [ -d "$dir" ]
kill -9 "$pid"
wait "$pid" 2>/dev/null
gone=""
for i in $(seq 1 300); do                # PR_SET_PDEATHSIG: the server follows (up to 30 s)
    alive=""
    for s in $servers; do kill -0 "$s" 2>/dev/null && alive="$alive $s"; done
    [ -z "$alive" ] && gone=yes && break
    sleep 0.1
done
check "kill -9: the server child exits too" [ "$gone" = yes ]
check "kill -9: the run directory stays behind" [ -d "$dir" ]

# Decoys: racesim's name but no lock file; a lock file someone holds (a live owner); a lock file
# nobody holds but a name that is not racesim's.
mkdir "$TMP/racesim-nolock" "$TMP/racesim-live01" "$TMP/racesim-other-dir"
echo 1 >"$TMP/racesim-live01/racesim.lock"
echo 1 >"$TMP/racesim-other-dir/racesim.lock"
( exec 9>>"$TMP/racesim-live01/racesim.lock" && flock -x 9 && exec sleep 600 ) >/dev/null 2>&1 &
holder=$!                                # the sleep itself (exec), holding the lock on fd 9
for i in $(seq 1 100); do                # until flock holds it
    flock -n -x "$TMP/racesim-live01/racesim.lock" true || break
    sleep 0.1
done

TMPDIR="$TMP" "$RACESIM" --strategy=atomic --users=2 --quiet >/dev/null 2>"$TMP/next.err"
code=$?
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
check "the next run exits 0 ($code)" [ "$code" = 0 ]
check "the next run removed the dead run's directory" [ ! -e "$dir" ]
check "... and said so in one line: $(cat "$TMP/next.err")" \
    [ "$(grep -c "racesim: removed $dir left by a run that died (pid $pid)" "$TMP/next.err")" = 1 \
      -a "$(wc -l <"$TMP/next.err")" = 1 ]
check "a directory without racesim's lock file is left alone" [ -d "$TMP/racesim-nolock" ]
check "a directory whose lock is held (its owner lives) is left alone" \
    [ -f "$TMP/racesim-live01/racesim.lock" ]
check "a directory not named racesim-XXXXXX is left alone" [ -d "$TMP/racesim-other-dir" ]
check "the next run left no directory of its own" \
    [ -z "$(ls -d "$TMP"/racesim-* | grep -v -e nolock -e live01 -e other-dir)" ]
finish
