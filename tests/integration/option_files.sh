#!/usr/bin/env bash
# option_files.sh — a user with only a ~/.my.cnf and a TLS-only account: `racesim
# --dsn=mysql://127.0.0.1:PORT/racesim --strategy=atomic` connects with the user, password and CA
# of ~/.my.cnf's [client], as the mariadb client does with the same file. [racesim] over
# [client]; --defaults-file; --no-defaults; the password's precedence (RACESIM_PASSWORD, then the
# option file, then MYSQL_PWD: the same order as the mariadb client's); the password is in no
# output. The server is the test's own MariaDB with a throwaway CA (lib.sh start_tls_server).
# Usage: option_files.sh RACESIM
RACESIM=$1
source "$(dirname "$0")/lib.sh"

start_tls_server || { echo "FAIL - cannot start the test's MariaDB with TLS"; exit 1; }
shared_sql "CREATE USER tlsuser@'127.0.0.1' IDENTIFIED BY 'cnf-sekrit-pw' REQUIRE SSL;
            GRANT ALL ON racesim.* TO tlsuser@'127.0.0.1';
            GRANT ALL ON \`my-db\`.* TO tlsuser@'127.0.0.1'"
unset RACESIM_PASSWORD MYSQL_PWD
dsn="mysql://127.0.0.1:$TLS_PORT/racesim"
mkdir -p "$HOME"          # lib.sh's, in $TMP
cat >"$HOME/.my.cnf" <<EOF
# the user's own option file: the mariadb client reads it too
[client]
user = tlsuser
password = "cnf-sekrit-pw"
ssl-ca = $SSL_DIR/ca.pem
EOF
chmod 600 "$HOME/.my.cnf"

# run NAME ARGS...: a 3-buyer atomic run; sets $rc and $TMP/NAME.json.
run() {
    local name=$1
    shift
    run_json "$TMP/$name.json" --strategy=atomic --users=3 "$@"
}

check "the mariadb client connects with this ~/.my.cnf (over TLS: $(mariadb -h127.0.0.1 -P"$TLS_PORT" \
    -N -B -e "SHOW STATUS LIKE 'Ssl_cipher'" 2>&1 | cut -f2))" \
    eval 'mariadb -h127.0.0.1 -P"$TLS_PORT" -N -B -e "SHOW STATUS LIKE \"Ssl_cipher\"" | grep -q TLS'
run home --dsn="$dsn"
check "racesim --dsn=mysql://127.0.0.1:PORT/racesim with only ~/.my.cnf: works (exit $rc: $(head -c 300 "$stderr_file"))" \
    eval '[ "$rc" = 0 ] && all_hold "$TMP/home.json"'
run nodefaults --dsn="mysql://tlsuser@127.0.0.1:$TLS_PORT/racesim" --no-defaults
check "--no-defaults: the file is not read, so no password and no TLS: exit 3 (exit $rc: $(head -c 300 "$stderr_file"))" \
    eval '[ "$rc" = 3 ] && grep -q "using password: NO" "$stderr_file"'

# A wrong password in the file: RACESIM_PASSWORD wins over it; MYSQL_PWD does not (as mariadb).
sed 's/^password = .*/password = wrong-pw/' "$HOME/.my.cnf" >"$TMP/wrong.cnf"
chmod 600 "$TMP/wrong.cnf"
RACESIM_PASSWORD=cnf-sekrit-pw run env_over_file --dsn="$dsn" --defaults-file="$TMP/wrong.cnf"
check "RACESIM_PASSWORD over the option file's (exit $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 0 ]
MYSQL_PWD=cnf-sekrit-pw run file_over_pwd --dsn="$dsn" --defaults-file="$TMP/wrong.cnf"
check "the option file's password over MYSQL_PWD: refused, exit 3 (exit $rc)" [ "$rc" = 3 ]
check "...as the mariadb client ranks them" \
    eval '! MYSQL_PWD=cnf-sekrit-pw mariadb --defaults-file="$TMP/wrong.cnf" -h127.0.0.1 -P"$TLS_PORT" -e "SELECT 1" 2>/dev/null'
grep -v '^password' "$TMP/wrong.cnf" >"$TMP/nopw.cnf"
chmod 600 "$TMP/nopw.cnf"
MYSQL_PWD=cnf-sekrit-pw run pwd_alone --dsn="$dsn" --defaults-file="$TMP/nopw.cnf"
check "no password in the option file: MYSQL_PWD's (exit $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 0 ]

# [racesim] over [client]; its database; a database name with a dash.
cat >"$TMP/racesim.cnf" <<EOF
[racesim]
password = cnf-sekrit-pw
database = my-db
ssl-mode = VERIFY_IDENTITY
[client]
user = tlsuser
password = wrong-pw
ssl-ca = $SSL_DIR/ca.pem
EOF
chmod 600 "$TMP/racesim.cnf"
run group --dsn="mysql://127.0.0.1:$TLS_PORT" --defaults-file="$TMP/racesim.cnf"
check "[racesim] over [client]: its password, database my-db and VERIFY_IDENTITY (exit $rc: $(head -c 300 "$stderr_file"))" \
    eval '[ "$rc" = 0 ] && [ "$(shared_sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = \"my-db\"")" -gt 0 ]'

run private --database=my-db
check "a private server's database named my-db (exit $rc: $(head -c 300 "$stderr_file"))" \
    eval '[ "$rc" = 0 ] && all_hold "$TMP/private.json"'

# Bad option files: exit 2, one line, naming the file and line.
printf '[racesim]\nusers = 5\n' >"$TMP/bad.cnf"
"$RACESIM" --strategy=atomic --dsn="$dsn" --defaults-file="$TMP/bad.cnf" >/dev/null 2>"$TMP/bad.err"
rc=$?
check "an unknown option in [racesim]: exit 2 naming FILE:LINE ($rc: $(cat "$TMP/bad.err"))" \
    eval '[ "$rc" = 2 ] && grep -q "bad.cnf:2: unknown option .users. in \[racesim\]" "$TMP/bad.err"'
"$RACESIM" --strategy=atomic --dsn="$dsn" --defaults-file="$TMP/none.cnf" >/dev/null 2>"$TMP/none.err"
rc=$?
check "a --defaults-file that does not exist: exit 2 ($rc: $(cat "$TMP/none.err"))" \
    eval '[ "$rc" = 2 ] && grep -q "cannot read it" "$TMP/none.err"'
"$RACESIM" --strategy=atomic --defaults-file="$TMP/racesim.cnf" >/dev/null 2>"$TMP/nodsn.err"
rc=$?
check "--defaults-file without --dsn: exit 2 ($rc: $(cat "$TMP/nodsn.err"))" \
    eval '[ "$rc" = 2 ] && grep -q "goes with --dsn" "$TMP/nodsn.err"'

check "the password is in no output ($(grep -l "cnf-sekrit-pw" "$TMP"/*.json "$TMP"/*.err 2>/dev/null))" \
    eval '! grep -q "cnf-sekrit-pw" "$TMP"/*.json "$TMP"/*.err "$TMP"/shared/*.log'
finish
