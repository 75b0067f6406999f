#!/usr/bin/env bash
# password_env.sh — the password reaches the server and no child process: RACESIM_PASSWORD (or
# MYSQL_PWD) is taken out of the environment at start, so gnuplot (compare --chart) and the
# private server do not inherit it. The server is the test's own MariaDB, with a user that
# needs the password.
# Usage: password_env.sh RACESIM
RACESIM=$1
source "$(dirname "$0")/lib.sh"

start_shared_server || { echo "FAIL - cannot start the test's MariaDB"; exit 1; }
shared_sql "CREATE USER pwuser@localhost IDENTIFIED BY 'sekrit-pw';
            GRANT ALL ON racesim.* TO pwuser@localhost"
dsn="mysql://pwuser@localhost?socket=$SHARED_SOCK"

# A gnuplot of the test's own, first in PATH: it writes the environment it was given.
mkdir -p "$TMP/bin"
cat >"$TMP/bin/gnuplot" <<EOS
#!/bin/sh
env >"$TMP/gnuplot.env"
EOS
chmod +x "$TMP/bin/gnuplot"

# charted ENVVAR: compare --chart with the password in ENVVAR; sets $rc, leaves gnuplot.env.
charted() {
    rm -f "$TMP/gnuplot.env"
    env PATH="$TMP/bin:$PATH" "$1=sekrit-pw" "$RACESIM" compare --strategies=atomic,for-update \
        --users=4 --dsn="$dsn" --chart="$TMP/c.svg" --force --format=json --quiet >"$TMP/c.json" 2>"$TMP/c.err"
    rc=$?
}

for var in RACESIM_PASSWORD MYSQL_PWD; do
    charted $var
    check "$var: compare connects with it (both runs done: $(jq -c '[.runs[]?.verdict]' "$TMP/c.json" 2>/dev/null) $(head -c 200 "$TMP/c.err"))" \
        eval '[ "$(jq "[.runs[] | select(.verdict == \"correct\")] | length" "$TMP/c.json")" = 2 ]'
    check "$var: gnuplot ran" [ -s "$TMP/gnuplot.env" ]
    check "$var: gnuplot's environment has no password" \
        eval '[ -s "$TMP/gnuplot.env" ] && ! grep -q -e "sekrit-pw" -e "^RACESIM_PASSWORD=" -e "^MYSQL_PWD=" "$TMP/gnuplot.env"'
done

# The private server: a MYSQL_PWD left in the environment neither reaches it nor breaks the
# connection to its password-less root.
MYSQL_PWD=sekrit-pw RACESIM_PASSWORD=sekrit-pw "$RACESIM" --strategy=for-update --users=2 --rounds=40 \
    --think-time=100 --quiet --format=json >"$TMP/p.json" 2>"$TMP/p.err" &
p=$!
server=
for _ in $(seq 600); do
    server=$(private_servers_of $p)
    [ -n "$server" ] && [ -r "/proc/$server/environ" ] && break
    kill -0 $p 2>/dev/null || break
    sleep 0.05
done
check "the private server started (pid ${server:-none})" [ -n "$server" ]
check "the private server's environment has no password" \
    eval '[ -n "$server" ] && ! tr "\0" "\n" <"/proc/$server/environ" | grep -q -e sekrit-pw -e "^MYSQL_PWD=" -e "^RACESIM_PASSWORD="'
wait $p
rc=$?
check "with MYSQL_PWD set, a private-server run still connects and ends (exit $rc: $(head -c 200 "$TMP/p.err"))" [ "$rc" = 0 ]
finish
