#!/usr/bin/env bash
# tls.sh — TLS to a --dsn server: the test's own MariaDB on 127.0.0.1 with a throwaway CA and
# server certificate made by openssl, and a REQUIRE SSL account with a password. Without TLS the
# account is refused (exit 3, saying TLS may be needed); ssl-mode=REQUIRED, VERIFY_CA and
# VERIFY_IDENTITY with the right CA connect over TLS (the server counts the handshakes); a wrong
# CA is refused (exit 3); a client certificate for a REQUIRE X509 account; bad TLS parameters
# exit 2 before any connection; the password is never in argv, the output or the server's log.
# Then a server without TLS: REQUIRED refused, PREFERRED plain.
# Usage: tls.sh RACESIM
RACESIM=$1
source "$(dirname "$0")/lib.sh"

start_tls_server || { echo "FAIL - cannot start the test's MariaDB with TLS"; exit 1; }
ssl=$SSL_DIR
port=$TLS_PORT
shared_sql "CREATE USER tlsuser@'127.0.0.1' IDENTIFIED BY 'tls-sekrit-pw' REQUIRE SSL;
            GRANT ALL ON racesim.* TO tlsuser@'127.0.0.1'"
check "the server has TLS ($(shared_sql "SHOW GLOBAL VARIABLES LIKE 'have_ssl'"))" \
    eval '[ "$(shared_sql "SELECT @@have_ssl")" = YES ]'
dsn="mysql://tlsuser@127.0.0.1:$port/racesim"
export RACESIM_PASSWORD=tls-sekrit-pw

handshakes() { shared_sql "SHOW GLOBAL STATUS LIKE 'Ssl_accepts'" | cut -f2; }

# tls NAME ARGS...: a 3-buyer run as tlsuser; sets $rc, the JSON in $TMP/NAME.json, and $tls
# (TLS handshakes the server counted during the run).
tls() {
    local name=$1 before
    shift
    before=$(handshakes)
    run_json "$TMP/$name.json" --strategy=atomic --users=3 "$@"
    tls=$(($(handshakes) - before))
}

tls plain --dsn="$dsn"
check "no ssl-mode: the REQUIRE SSL account is refused, exit 3 (exit $rc)" [ "$rc" = 3 ]
check "...in one line saying the connection was not TLS ($(cat "$stderr_file"))" \
    eval '[ "$(wc -l <"$stderr_file")" = 1 ] && grep -q "Access denied.*not TLS.*ssl-mode=REQUIRED" "$stderr_file"'
tls disabled --dsn="$dsn?ssl-mode=DISABLED"
check "ssl-mode=DISABLED: refused, exit 3 (exit $rc: $(cat "$stderr_file"))" [ "$rc" = 3 ]

tls required --dsn="$dsn?ssl-mode=REQUIRED"
check "ssl-mode=REQUIRED: the run connects and ends (exit $rc: $(head -c 300 "$stderr_file"))" \
    eval '[ "$rc" = 0 ] && all_hold "$TMP/required.json"'
check "...every connection was TLS (racesim's and 3 buyers': $tls handshakes)" [ "$tls" -ge 4 ]
tls option --dsn="$dsn" --ssl-mode=required
check "--ssl-mode=required as an option: the same (exit $rc, $tls handshakes: $(head -c 300 "$stderr_file"))" \
    eval '[ "$rc" = 0 ] && [ "$tls" -ge 4 ]'

tls preferred --dsn="$dsn?ssl-mode=PREFERRED"
check "ssl-mode=PREFERRED: TLS, as the server offers it (exit $rc, $tls handshakes)" \
    eval '[ "$rc" = 0 ] && [ "$tls" -ge 4 ]'

tls verify_ca --dsn="$dsn?ssl-mode=VERIFY_CA&ssl-ca=$ssl/ca.pem"
check "VERIFY_CA with the right CA: works over TLS (exit $rc, $tls handshakes: $(head -c 300 "$stderr_file"))" \
    eval '[ "$rc" = 0 ] && [ "$tls" -ge 4 ]'
tls ca_only --dsn="$dsn" --ssl-ca="$ssl/ca.pem"
check "--ssl-ca alone (VERIFY_CA implied): works over TLS (exit $rc, $tls handshakes)" \
    eval '[ "$rc" = 0 ] && [ "$tls" -ge 4 ]'
tls wrong_ca --dsn="$dsn?ssl-mode=VERIFY_CA&ssl-ca=$ssl/other.pem"
check "VERIFY_CA with a wrong CA: refused, exit 3, naming the certificate (exit $rc: $(cat "$stderr_file"))" \
    eval '[ "$rc" = 3 ] && grep -qi "certificate" "$stderr_file" && [ "$(wc -l <"$stderr_file")" = 1 ]'
tls identity --dsn="$dsn?ssl-mode=VERIFY_IDENTITY&ssl-ca=$ssl/ca.pem"
check "VERIFY_IDENTITY with the right CA, the certificate naming 127.0.0.1: works (exit $rc: $(head -c 300 "$stderr_file"))" \
    eval '[ "$rc" = 0 ] && [ "$tls" -ge 4 ]'
tls identity_wrong --dsn="$dsn?ssl-mode=VERIFY_IDENTITY&ssl-ca=$ssl/other.pem"
check "VERIFY_IDENTITY with a wrong CA: refused, exit 3 (exit $rc: $(cat "$stderr_file"))" [ "$rc" = 3 ]

# A client certificate (ssl-cert, ssl-key) for a REQUIRE X509 account.
cert client "/CN=racesim test client" ca || echo "FAIL - openssl could not make the client certificate"
shared_sql "CREATE USER x509user@'127.0.0.1' IDENTIFIED BY 'tls-sekrit-pw' REQUIRE X509;
            GRANT ALL ON racesim.* TO x509user@'127.0.0.1'"
x509="mysql://x509user@127.0.0.1:$port/racesim?ssl-mode=VERIFY_CA&ssl-ca=$ssl/ca.pem"
tls client_cert --dsn="$x509&ssl-cert=$ssl/client.pem&ssl-key=$ssl/client.key"
check "REQUIRE X509 with ssl-cert and ssl-key: works (exit $rc: $(head -c 300 "$stderr_file"))" \
    eval '[ "$rc" = 0 ] && [ "$tls" -ge 4 ]'
tls no_client_cert --dsn="$x509"
check "REQUIRE X509 without a client certificate: refused, exit 3 (exit $rc)" [ "$rc" = 3 ]

# Bad TLS parameters: exit 2, one line, before any connection.
# refused WANT ARGS...: racesim exits 2 with one line containing WANT.
refused() {
    local want=$1
    shift
    "$RACESIM" --strategy=atomic --users=2 "$@" >"$TMP/refused.out" 2>"$TMP/refused.err"
    local rc=$?
    [ "$rc" = 2 ] && [ "$(wc -l <"$TMP/refused.err")" = 1 ] && grep -q -- "$want" "$TMP/refused.err" \
        || { echo "    exit $rc: $(cat "$TMP/refused.err")"; return 1; }
}
check "an unknown DSN parameter: refused, naming the accepted ones" \
    refused "unknown parameter 'sslca' (accepted: socket, ssl-mode, ssl-ca, ssl-cert, ssl-key, connect-timeout)" \
    --dsn="$dsn?sslca=$ssl/ca.pem"
check "ssl-mode=bogus: refused, naming the modes" refused "must be DISABLED, PREFERRED, REQUIRED" \
    --dsn="$dsn?ssl-mode=bogus"
check "VERIFY_CA without a CA: refused" refused "VERIFY_CA needs ssl-ca" --dsn="$dsn" --ssl-mode=VERIFY_CA
check "a CA file that does not exist: refused" refused "ssl-ca=$TMP/none.pem: cannot read it" \
    --dsn="$dsn?ssl-ca=$TMP/none.pem"
check "ssl-cert without ssl-key: refused" refused "ssl-cert and ssl-key go together" \
    --dsn="$dsn?ssl-cert=$ssl/server.pem"
check "--ssl-mode without --dsn: refused" refused "goes with --dsn" --ssl-mode=REQUIRED

# The password: never in racesim's output, nor in the server's log.
check "the password is in no output or log ($(grep -rl "tls-sekrit-pw" "$TMP" | grep -v '/ssl/' | head -3))" \
    eval '! grep -rq "tls-sekrit-pw" "$TMP"/*.json "$TMP"/*.err "$TMP"/refused.* "$TMP"/shared/*.log'

# A server without TLS: REQUIRED is refused (Connector/C would fall back to plain), PREFERRED
# connects without it.
stop_shared_server
SHARED_SERVER_ARGS= start_shared_server || { echo "FAIL - cannot start the test's MariaDB without TLS"; exit 1; }
unset RACESIM_PASSWORD
plain="mysql://root@localhost/racesim?socket=$SHARED_SOCK"
run_json "$TMP/notls_required.json" --strategy=atomic --users=2 --dsn="$plain&ssl-mode=REQUIRED"
check "no TLS on the server, ssl-mode=REQUIRED: refused, exit 3 ($rc: $(cat "$stderr_file"))" \
    eval '[ "$rc" = 3 ] && grep -q "ssl-mode=REQUIRED but the server did not start TLS" "$stderr_file"'
run_json "$TMP/notls_preferred.json" --strategy=atomic --users=2 --dsn="$plain&ssl-mode=PREFERRED"
check "no TLS on the server, ssl-mode=PREFERRED: works without it ($rc: $(head -c 300 "$stderr_file"))" \
    [ "$rc" = 0 ]
finish
