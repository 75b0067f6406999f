#!/usr/bin/env bash
# out_paths.sh — --out, --trace and --chart: a path that cannot be written is refused before any
# server starts (run, compare, sweep, matrix, check); a report never replaces a device node, a
# FIFO or a link, never follows a link planted at its temp name, and never clobbers a file that
# appeared during the run.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

# A stand-in server binary: any attempt to start a server leaves $TMP/server-started.
fake="$TMP/fake-mysqld"
printf '#!/bin/sh\ntouch "%s/server-started"\nexit 1\n' "$TMP" >"$fake"
chmod +x "$fake"

# one_line_with PATTERN FILE: FILE is one line, and it matches PATTERN.
one_line_with() {
    [ "$(wc -l <"$2")" = 1 ] && grep -q -- "$1" "$2"
}

# a_report FILE: FILE is a regular file (not a link) holding a JSON report.
a_report() {
    [ -f "$1" -a ! -L "$1" ] && jqe '.run.seed != null' "$1"
}

# refused PATTERN ARGS...: exit 2, one line naming PATTERN, and no server was even looked at.
refused() {
    local pattern=$1
    shift
    rm -f "$TMP/server-started"
    RACESIM_MYSQLD="$fake" TMPDIR="$TMP" "$RACESIM" "$@" >"$TMP/out" 2>"$TMP/err"
    local code=$?
    check "racesim $* → exit 2 before any server (got $code)" \
        [ "$code" = 2 -a ! -e "$TMP/server-started" ]
    check "racesim $* → one line naming '$pattern': $(head -c 300 "$TMP/err")" \
        one_line_with "$pattern" "$TMP/err"
}

mkdir "$TMP/dir"
touch "$TMP/file"
ln -s "$TMP/victim" "$TMP/link.json"
echo "precious" >"$TMP/victim"
for cmd in "" compare sweep matrix; do
    s=--strategy=atomic
    [ -n "$cmd" ] && s=--strategies=atomic
    refused "does not exist" $cmd $s --out=/nonexistent/dir/x.json
    refused "is a folder" $cmd $s --out="$TMP/dir"
    refused "not a folder\|Not a directory" $cmd $s --out="$TMP/file/x.json"
    refused "symbolic link" $cmd $s --out="$TMP/link.json" --force
done
refused "does not exist" --strategy=atomic --trace=/nonexistent/dir/t.txt
refused "is a folder" --strategy=atomic --trace="$TMP/dir"
refused "same file as --out" --strategy=atomic --trace="$TMP/t.txt" --out="$TMP/t.txt"
refused "does not exist" compare --strategies=atomic --chart=/nonexistent/dir/c.svg
refused "does not exist" sweep --strategies=atomic --users=1 --chart=/nonexistent/dir/c.svg
mkdir "$TMP/d.svg"
refused "is a folder" compare --strategies=atomic --chart="$TMP/d.svg"
refused "does not exist" check "$TMP/file" --baseline="$TMP/file" --out=/nonexistent/dir/x.txt
if [ "$(id -u)" != 0 ]; then
    mkdir "$TMP/ro" && chmod 555 "$TMP/ro"
    refused "cannot write into the folder" --strategy=atomic --out="$TMP/ro/x.json"
fi
check "the link's target was not touched" [ "$(cat "$TMP/victim")" = precious ]

# A device node made here (the same device as /dev/null; never the system's own) and a FIFO are
# written into, not replaced, with or without --force.
if mknod "$TMP/null" c 1 3 2>/dev/null; then
    "$RACESIM" --strategy=atomic --users=2 --quiet --format=json --out="$TMP/null" --force
    check "--out=a device node --force: exit 0 ($?)" [ $? = 0 ]
    check "--out=a device node --force: it is still a character device" [ -c "$TMP/null" ]
    "$RACESIM" --strategy=atomic --users=2 --quiet --out="$TMP/null"
    check "--out=a device node without --force: exit 0, still a device" [ $? = 0 -a -c "$TMP/null" ]
    "$RACESIM" --strategy=atomic --users=2 --quiet --trace="$TMP/null" --force >/dev/null
    check "--trace=a device node --force: still a character device" [ $? = 0 -a -c "$TMP/null" ]
else
    echo "skip - mknod not permitted here: the device node checks need root"
fi
mkfifo "$TMP/fifo"
timeout 120 cat "$TMP/fifo" >"$TMP/from-fifo" &   # a bounded wait: an old racesim never opened it
reader=$!
"$RACESIM" --strategy=atomic --users=2 --quiet --format=json --out="$TMP/fifo" --force
code=$?
wait "$reader"
check "--out=a FIFO --force: exit 0 ($code), still a FIFO" [ "$code" = 0 -a -p "$TMP/fifo" ]
check "--out=a FIFO: the reader got the JSON report" jqe '.run.seed != null' "$TMP/from-fifo"

# A FIFO nobody reads yet: racesim says it waits, and writes once a reader comes.
mkfifo "$TMP/fifo2"
"$RACESIM" --strategy=atomic --users=2 --quiet --format=json --out="$TMP/fifo2" 2>"$TMP/fifo2.err" &
pid=$!
for i in $(seq 1 600); do                 # until it says so (up to 60 s)
    grep -q "waiting for a reader" "$TMP/fifo2.err" && break
    sleep 0.1
done
check "--out=a FIFO without a reader: one line says racesim waits for one" \
    one_line_with "out=$TMP/fifo2: waiting for a reader of the FIFO" "$TMP/fifo2.err"
timeout 60 cat "$TMP/fifo2" >"$TMP/from-fifo2"
wait "$pid"
code=$?
check "... then racesim exits 0 ($code)" [ "$code" = 0 ]
check "... and the reader got the report" jqe '.run.seed != null' "$TMP/from-fifo2"

# A link planted at the temp name old versions used (OUT.tmp.PID) is not followed: sh -c knows
# the PID racesim will have, since exec keeps it.
echo "precious" >"$TMP/victim2"
sh -c 'ln -s "$1" "$2.tmp.$$" && exec "$3" --strategy=atomic --users=2 --quiet --format=json --out="$2"' \
    sh "$TMP/victim2" "$TMP/planted.json" "$RACESIM"
check "a link planted at OUT.tmp.PID: exit 0 ($?), its target untouched" \
    [ $? = 0 -a "$(cat "$TMP/victim2")" = precious ]
check "a link planted at OUT.tmp.PID: OUT is a regular file with the report" a_report "$TMP/planted.json"
check "the report has the usual mode, 0666 less the umask ($(stat -c %a "$TMP/planted.json"))" \
    [ "$(stat -c %a "$TMP/planted.json")" = "$(printf %o $(( 0666 & ~0$(umask) )))" ]
check "no temp file left beside the reports" [ -z "$(ls "$TMP" | grep '\.racesim-')" ]

if command -v gnuplot >/dev/null; then
    echo "precious" >"$TMP/victim3"
    sh -c 'ln -s "$1" "$2.tmp.$$" && exec "$3" compare --strategies=atomic --users=2 --quiet --chart="$2" >/dev/null' \
        sh "$TMP/victim3" "$TMP/chart.svg" "$RACESIM"
    check "--chart with a link planted at CHART.tmp.PID: exit 0 ($?), its target untouched" \
        [ $? = 0 -a "$(cat "$TMP/victim3")" = precious ]
    check "--chart: the chart is a regular SVG file" \
        bash -c '[ -f "$1" -a ! -L "$1" ] && grep -q "<svg" "$1"' sh "$TMP/chart.svg"
fi

# A file that appears at --out during the run is kept; the report goes to the temp file named.
TMPDIR="$TMP" "$RACESIM" --strategy=for-update --users=2 --think-time=4000 --quiet --format=json \
    --out="$TMP/late.json" 2>"$TMP/late.err" &
pid=$!
for i in $(seq 1 200); do                 # wait until its private server runs (up to 20 s)
    [ -n "$(private_servers_of "$pid")" ] && break
    sleep 0.1
done
echo "mine" >"$TMP/late.json"             # after the check, before the report
wait "$pid"
code=$?
check "a file that appeared at --out during the run: exit 2 ($code), the file kept" \
    [ "$code" = 2 -a "$(cat "$TMP/late.json")" = mine ]
kept=$(sed -n 's/.*the report is in //p' "$TMP/late.err")
check "... and the message names where the report is: $(cat "$TMP/late.err")" a_report "${kept:-/nonexistent}"
finish
