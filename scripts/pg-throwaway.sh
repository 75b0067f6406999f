# pg-throwaway.sh — a throwaway PostgreSQL of a script's own, for tests and benchmarks (sourced,
# not run): initdb into a fresh folder under /tmp, the server on a unix socket there only (no
# TCP), superuser postgres with trust authentication. As root both run as nobody (PostgreSQL
# refuses root). A watchdog stops the server when the sourcing shell is gone, so it stops by
# itself even when the script is killed (both from scripts/throwaway-lib.sh).
#
#   pg_throwaway_start [-c NAME=VALUE ...]   starts it; sets PGT_DIR, PGT_SOCK (the socket's
#                                            folder: libpq's host), PGT_PID; returns non-zero
#                                            (and says why on stderr) when it cannot start
#   pg_throwaway_sql SQL [DATABASE]          runs SQL as postgres, statement by statement (not
#                                            one transaction); prints the rows (unaligned)
#   pg_throwaway_stop                        stops it by its pid and removes PGT_DIR

source "$(dirname "${BASH_SOURCE[0]}")/throwaway-lib.sh"

PGT_BIN=${PGT_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}

# _pgt_as CMD...: runs CMD as the server's user (nobody when we are root), without our PG* env.
_pgt_as() {
    if [ "$(id -u)" = 0 ]; then
        env -u PGHOST -u PGUSER -u PGDATABASE -u PGPASSWORD \
            setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
    else
        env -u PGHOST -u PGUSER -u PGDATABASE -u PGPASSWORD "$@"
    fi
}

pg_throwaway_start() {
    [ -x "$PGT_BIN/postgres" ] || { echo "pg_throwaway_start: no PostgreSQL server (postgresql package)" >&2; return 1; }
    PGT_DIR=$(mktemp -d /tmp/racesim-pgt.XXXXXX) || return 1
    PGT_SOCK=$PGT_DIR/socket
    mkdir -p "$PGT_SOCK"
    [ "$(id -u)" = 0 ] && chown -R nobody:nogroup "$PGT_DIR"
    chmod 755 "$PGT_DIR"
    if ! _pgt_as "$PGT_BIN/initdb" -D "$PGT_DIR/data" --username=postgres --auth=trust --no-sync \
            --no-instructions -E UTF8 --locale=C >"$PGT_DIR/initdb.log" 2>&1; then
        echo "pg_throwaway_start: initdb failed:" >&2
        tail -5 "$PGT_DIR/initdb.log" >&2
        return 1
    fi
    local as=()          # not _pgt_as: a function run with & is a subshell, $! not the server
    [ "$(id -u)" = 0 ] && as=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
    env -u PGHOST -u PGUSER -u PGDATABASE -u PGPASSWORD "${as[@]}" "$PGT_BIN/postgres" \
        -D "$PGT_DIR/data" -k "$PGT_SOCK" -c listen_addresses= -c logging_collector=off "$@" \
        >"$PGT_DIR/postgres.log" 2>&1 &
    PGT_PID=$!
    throwaway_watchdog "$PGT_PID" "$PGT_DIR" INT 2      # INT: a fast shutdown
    throwaway_wait_ready pg_throwaway_start "$PGT_PID" "$PGT_DIR/postgres.log" pg_throwaway_stop \
        "$PGT_BIN/pg_isready" -q -h "$PGT_SOCK" -U postgres -d postgres
}

pg_throwaway_sql() {
    printf '%s\n' "$1" | env -u PGPASSWORD "$PGT_BIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 \
        -h "$PGT_SOCK" -U postgres -d "${2:-postgres}" -f -
}

pg_throwaway_stop() {
    if [ -n "${PGT_PID:-}" ]; then
        kill -INT "$PGT_PID" 2>/dev/null     # fast shutdown
        wait "$PGT_PID" 2>/dev/null
        PGT_PID=
    fi
    [ -n "${PGT_DIR:-}" ] && rm -rf "$PGT_DIR"
    PGT_DIR=
}
