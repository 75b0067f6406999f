# lib.sh — shared helpers for the integration tests: run racesim, read its JSON, count checks.
# Usage: source it, with RACESIM set to the binary (the first argument of every test script).
set -u
RACESIM=${RACESIM:?set RACESIM to the racesim binary}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/racesim-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
# RACESIM_TEST_ENGINE=postgres runs the test on a private PostgreSQL: run_json (and tests that
# call racesim themselves, through ENGINE_ARGS) add --engine=postgres. Unset: MariaDB.
ENGINE_ARGS=()
case ${RACESIM_TEST_ENGINE:-} in
    ''|mariadb) ;;
    postgres) ENGINE_ARGS=(--engine=postgres) ;;
    *) echo "lib.sh: RACESIM_TEST_ENGINE=$RACESIM_TEST_ENGINE: not mariadb or postgres" >&2; exit 2 ;;
esac

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
# racesim wrote a JSON result, it is checked against schemas/result.schema.json, quietly (run_json
# may run inside $(...)): finish counts the results checked as one check, and each invalid one as
# a failure.
run_json() {
    local out=$1
    shift
    stderr_file="$out.err"
    "$RACESIM" "$@" ${ENGINE_ARGS[@]+"${ENGINE_ARGS[@]}"} --format=json --quiet >"$out" 2>"$stderr_file"
    rc=$?
    if [ -s "$out" ] && [ "$(head -c 1 "$out")" = "{" ]; then
        if "$VALIDATE" "$out" >"$out.schema" 2>&1; then
            echo "$out" >>"$TMP/.schema-valid"
        else
            echo "$(basename "$out"): $(head -1 "$out.schema")" >>"$TMP/.schema-invalid"
        fi
    fi
}

# The schema checks run_json made: one check for the valid ones, a failure for each invalid one.
schema_checks() {
    local line
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
        env -u MALLOC_PERTURB_ mariadb-install-db --no-defaults --datadir="$dir/data" \
            --auth-root-authentication-method=normal --skip-test-db --user="$(id -un)" \
            >"$dir/install.log" 2>&1 && break
        [ "$try" = 3 ] && { echo "start_shared_server: mariadb-install-db failed:"; tail -5 "$dir/install.log"; return 1; }
        sleep 1
    done
    SHARED_SOCK=$dir/sock
    # the default buffer pool: a 32M one crashed MariaDB 10.11 twice under explore's polling
    env -u MALLOC_PERTURB_ "$bin" --no-defaults --datadir="$dir/data" --socket="$SHARED_SOCK" --skip-networking \
        --pid-file="$dir/pid" --log-error="$dir/error.log" \
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
