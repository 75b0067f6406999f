# lib.sh — shared helpers for the integration tests: run racesim, read its JSON, count checks.
# Usage: source it, with RACESIM set to the binary (the first argument of every test script).
set -u
RACESIM=${RACESIM:?set RACESIM to the racesim binary}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/racesim-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# A home of the test's own, not created (a test that needs one makes it): a ~/.my.cnf of the
# user's cannot change what racesim connects with. The server cache stays where it was.
export XDG_CACHE_HOME=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}
export HOME=$TMP/home
passed=0
failed=0
# RACESIM_TEST_ENGINE=postgres (or sqlite) runs the test on a private PostgreSQL (or SQLite
# file): run_json (and tests that call racesim themselves, through ENGINE_ARGS) add
# --engine=ENGINE. Unset: MariaDB. TEST_ENGINE names the engine either way.
ENGINE_ARGS=()
TEST_ENGINE=${RACESIM_TEST_ENGINE:-mariadb}
case $TEST_ENGINE in
    mariadb) ;;
    postgres|sqlite) ENGINE_ARGS=(--engine="$TEST_ENGINE") ;;
    *) echo "lib.sh: RACESIM_TEST_ENGINE=$TEST_ENGINE: not mariadb, postgres or sqlite" >&2; exit 2 ;;
esac

# RACESIM_TEST_SANITIZED=1 (CI's ASan+UBSan and TSan passes): a loop that repeats one code path
# only to show a count (20 lockstep runs of 20, 3 seeds at 200 buyers) runs fewer rounds there; a
# sanitizer finds its errors in the first round, and the plain pass asserts the full count.
# rounds FULL SANITIZED: prints FULL, or SANITIZED under RACESIM_TEST_SANITIZED=1.
rounds() {
    if [ "${RACESIM_TEST_SANITIZED:-0}" = 1 ]; then echo "$2"; else echo "$1"; fi
}

# check DESCRIPTION COMMAND...: runs the command; counts and prints ok/FAIL.
check() {
    local what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        echo "ok   - $what"
    else
        failed=$((failed + 1))
        echo "FAIL - $what"
    fi
}

VALIDATE=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/validate-result

# valid_json FILE...: every file is valid against schemas/result.schema.json (problems printed).
valid_json() {
    "$VALIDATE" "$@"
}

# run_json OUT ARGS...: runs racesim with --format=json (and ENGINE_ARGS) into OUT; sets $rc and $stderr_file. When
# racesim wrote a JSON result, a copy is kept to be checked against schemas/result.schema.json
# (run_json may run inside $(...), and OUT may be written again): finish checks them all in one
# validator process, counts the results checked as one check, and each invalid one as a failure.
run_json() {
    local out=$1
    shift
    stderr_file="$out.err"
    "$RACESIM" "$@" ${ENGINE_ARGS[@]+"${ENGINE_ARGS[@]}"} --format=json --quiet >"$out" 2>"$stderr_file"
    rc=$?
    schema_later "$out"
}

# schema_later FILE...: each file that holds a JSON result is kept to be checked against
# schemas/result.schema.json at finish, in one validator process with run_json's (for results a
# test made without run_json). Leaves $? alone, so that a test can still read racesim's exit code.
schema_later() {
    local status=$? f
    for f in "$@"; do
        [ -s "$f" ] && [ "$(head -c 1 "$f")" = "{" ] || continue
        mkdir -p "$TMP/.schema-pending"
        cp "$f" "$(mktemp "$TMP/.schema-pending/XXXXXX-$(basename "$f")")"
    done
    return $status
}

# Validates the copies run_json kept, in one process (a python start per result cost more than
# most runs): each is added to .schema-valid or, with its first problem, to .schema-invalid.
validate_pending() {
    local dir=$TMP/.schema-pending f problems vrc
    [ -d "$dir" ] || return 0
    problems=$("$VALIDATE" "$dir"/* 2>&1)
    vrc=$?
    for f in "$dir"/*; do
        local mine
        mine=$(grep -F -m 1 "$f: " <<<"$problems")
        mine=${mine#"$f: "}
        if [ "$vrc" = 0 ] || { [ "$vrc" = 1 ] && [ -z "$mine" ]; }; then
            echo "$f" >>"$TMP/.schema-valid"
        else
            echo "$(basename "$f" | cut -d- -f2-): ${mine:-$(head -1 <<<"$problems")}" >>"$TMP/.schema-invalid"
        fi
    done
    rm -rf "$dir"
}

# The schema checks run_json made: one check for the valid ones, a failure for each invalid one.
schema_checks() {
    local line
    validate_pending
    if [ -s "$TMP/.schema-invalid" ]; then
        while IFS= read -r line; do
            failed=$((failed + 1))
            echo "FAIL - not valid against schemas/result.schema.json: $line"
        done <"$TMP/.schema-invalid"
    fi
    if [ -s "$TMP/.schema-valid" ]; then
        passed=$((passed + 1))
        echo "ok   - $(wc -l <"$TMP/.schema-valid") JSON results valid against schemas/result.schema.json"
    fi
    rm -f "$TMP/.schema-valid" "$TMP/.schema-invalid"
}

# inv FILE NAME: the value of invariant NAME in a JSON result.
inv() {
    jq -r --arg n "$2" '.invariants[] | select(.name == $n) | .value' "$1"
}

# jqe FILTER FILE: true when the filter yields true.
jqe() {
    jq -e "$@" >/dev/null
}

# all_hold FILE: every invariant holds.
all_hold() {
    [ "$(jq '[.invariants[] | select(.holds | not)] | length' "$1")" = 0 ]
}

# private_servers_of PID: mariadbd/mysqld processes whose parent is PID.
private_servers_of() {
    pgrep -P "$1" -f 'mariadbd|mysqld' || true
}

# outcome FILE NAME: purchases that ended in outcome NAME (0 when absent); attempts FILE NAME:
# attempts that did (retried ones included).
outcome() {
    jq --arg n "$2" '.counts.outcomes[$n].purchases // 0' "$1"
}
attempts() {
    jq --arg n "$2" '.counts.outcomes[$n].attempts // 0' "$1"
}

# engine_holds WHAT FILE ENGINE: the run exited 0, every invariant holds, no purchase ended in an
# unclassified error, and the report names ENGINE.
engine_holds() {
    check "$1: exit 0 (got $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 0 ]
    [ -s "$2" ] || return 0
    check "$1: every invariant holds" all_hold "$2"
    check "$1: no purchase ended in an unclassified error" [ "$(outcome "$2" error)" = 0 ]
    check "$1: the report names the engine" jqe ".engine == \"$3\"" "$2"
}

finish() {
    schema_checks
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
}

# start_shared_server: starts a MariaDB of the test's own in $TMP/shared (unix socket only, no
# my.cnf) for tests that point several racesim processes at one server with --dsn. Sets
# SHARED_SOCK, SHARED_PID and SHARED_DSN (root, no database: racesim by default); stop_shared_server stops it
# by its pid (the test's EXIT trap calls it too). Returns non-zero when it cannot start.
start_shared_server() {
    local dir=$TMP/shared bin tries=0
    bin=$(command -v mariadbd || echo /usr/sbin/mariadbd)
    mkdir -p "$dir"
    local try
    for try in 1 2 3; do      # tests start side by side: a busy machine can fail one install
        rm -rf "$dir/data"
        env -u MALLOC_PERTURB_ mariadb-install-db --no-defaults --datadir="$dir/data" --tmpdir="$dir" \
            --auth-root-authentication-method=normal --skip-test-db --user="$(id -un)" \
            >"$dir/install.log" 2>&1 && break
        [ "$try" = 3 ] && { echo "start_shared_server: mariadb-install-db failed:"; tail -5 "$dir/install.log"; return 1; }
        sleep 1
    done
    SHARED_SOCK=$dir/sock
    # the default buffer pool: a 32M one crashed MariaDB 10.11 twice under explore's polling.
    # Its own --tmpdir: a server starting deletes every #sql file in its tmpdir, and with /tmp
    # shared one test's server start removed another's on-disk temp table mid-query
    env -u MALLOC_PERTURB_ "$bin" --no-defaults --datadir="$dir/data" --socket="$SHARED_SOCK" --skip-networking \
        --pid-file="$dir/pid" --log-error="$dir/error.log" --tmpdir="$dir" \
        --innodb-flush-log-at-trx-commit=2 --user="$(id -un)" ${SHARED_SERVER_ARGS:-} 2>/dev/null &
    SHARED_PID=$!
    trap 'stop_shared_server; rm -rf "$TMP"' EXIT
    until mariadb --no-defaults --socket="$SHARED_SOCK" -uroot -e 'SELECT 1' >/dev/null 2>&1; do
        tries=$((tries + 1))
        if [ $tries -gt 600 ] || ! kill -0 "$SHARED_PID" 2>/dev/null; then
            tail -5 "$dir/error.log"
            return 1
        fi
        sleep 0.1
    done
    SHARED_DSN="mysql://root@localhost?socket=$SHARED_SOCK"
}

# shared_sql SQL: runs SQL on the shared server as root; prints the rows, tab-separated.
shared_sql() {
    mariadb --no-defaults --socket="$SHARED_SOCK" -uroot -N -B -e "$1"
}

stop_shared_server() {
    if [ -n "${SHARED_PID:-}" ]; then
        kill "$SHARED_PID" 2>/dev/null
        wait "$SHARED_PID" 2>/dev/null
        SHARED_PID=
    fi
}

# own_server: start_shared_server, and DSN for racesim's own database on it (many short runs
# then share one server).
own_server() {
    start_shared_server || return 1
    DSN="mysql://root@localhost/racesim?socket=$SHARED_SOCK"
}

# start_tls_server: start_shared_server with TLS, listening on 127.0.0.1 too (a free port, in
# $TLS_PORT) besides its unix socket. A throwaway CA made by openssl in $SSL_DIR: ca.pem (its
# key ca.key), server.pem/server.key signed by it for 127.0.0.1 and localhost, and other.pem,
# another CA. Returns non-zero when it cannot start.
start_tls_server() {
    command -v openssl >/dev/null || { echo "start_tls_server: no openssl"; return 1; }
    local ssl=$TMP/ssl try
    SSL_DIR=$ssl
    mkdir -p "$ssl"
    # cert NAME SUBJECT [CA]: an EC key and a certificate for 127.0.0.1 and localhost, signed by CA
    # (else self-signed: a CA).
    cert() {
        local name=$1 subject=$2 ca=${3:-}
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$ssl/$name.key" \
            -subj "$subject" -out "$ssl/$name.csr" 2>/dev/null || return 1
        if [ -n "$ca" ]; then
            printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$ssl/$name.ext"
            openssl x509 -req -in "$ssl/$name.csr" -CA "$ssl/$ca.pem" -CAkey "$ssl/$ca.key" \
                -CAcreateserial -days 2 -extfile "$ssl/$name.ext" -out "$ssl/$name.pem" 2>/dev/null
        else
            openssl x509 -req -in "$ssl/$name.csr" -signkey "$ssl/$name.key" -days 2 \
                -out "$ssl/$name.pem" 2>/dev/null
        fi
    }
    cert ca "/CN=racesim test CA" && cert server "/CN=racesim test server" ca && cert other "/CN=another CA" \
        || { echo "start_tls_server: openssl could not make the certificates"; return 1; }

    # The server: unix socket for the test's own setup, and 127.0.0.1 on a free port for racesim.
    # Another process may take the port first: then another port.
    TLS_PORT=
    for try in 1 2 3 4 5; do
        local port=$((20000 + RANDOM % 30000))
        ss -Hltn "sport = :$port" 2>/dev/null | grep -q . && continue
        SHARED_SERVER_ARGS="--skip-networking=0 --bind-address=127.0.0.1 --port=$port
            --ssl-ca=$ssl/ca.pem --ssl-cert=$ssl/server.pem --ssl-key=$ssl/server.key" \
            start_shared_server && { TLS_PORT=$port; return 0; }
    done
    return 1
}
