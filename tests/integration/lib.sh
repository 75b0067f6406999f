# lib.sh — shared helpers for the integration tests: run racesim, read its JSON, count checks.
# Usage: source it, with RACESIM set to the binary (the first argument of every test script).
set -u
RACESIM=${RACESIM:?set RACESIM to the racesim binary}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/racesim-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0

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

# run_json OUT ARGS...: runs racesim with --format=json into OUT; sets $rc and $stderr_file.
run_json() {
    local out=$1
    shift
    stderr_file="$out.err"
    "$RACESIM" "$@" --format=json --quiet >"$out" 2>"$stderr_file"
    rc=$?
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
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ]
}

# own_server: starts a throwaway MariaDB for this test on a unix socket in $TMP (stopped by its
# PID when the test exits) and sets DSN to reach it: many short runs then share one server.
own_server() {
    local dir=$TMP/server
    mkdir -p "$dir"
    local try
    for try in 1 2 3; do      # tests start side by side: a busy machine can fail one install
        rm -rf "$dir/data"
        env -u MALLOC_PERTURB_ mariadb-install-db --no-defaults --datadir="$dir/data" \
            --auth-root-authentication-method=normal >"$dir/install.log" 2>&1 && break
        [ "$try" = 3 ] && { echo "own_server: mariadb-install-db failed:"; tail -5 "$dir/install.log"; return 1; }
        sleep 1
    done
    env -u MALLOC_PERTURB_ mariadbd --no-defaults --user="$(id -un)" --datadir="$dir/data" --socket="$dir/s.sock" \
        --skip-networking --pid-file="$dir/pid" --innodb-flush-log-at-trx-commit=2 \
        >"$dir/server.log" 2>&1 &
    server_pid=$!
    trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; rm -rf "$TMP"' EXIT
    local i
    for i in $(seq 1 100); do
        [ -S "$dir/s.sock" ] && break
        sleep 0.1
    done
    DSN="mysql://root@localhost/racesim?socket=$dir/s.sock"
    [ -S "$dir/s.sock" ]
}
