# mariadb-throwaway.sh — a throwaway MariaDB of a script's own, for benchmarks beside a peer client
# (sourced, not run): mariadb-install-db into a fresh folder under /tmp, mariadbd on a unix socket
# there only (--skip-networking), root with no password over that socket, the settings of
# racesim's private server (src/drivers/mariadb/server.c: 64M buffer pool, flush at commit 2, no
# binlog). A watchdog stops the server when the sourcing shell is gone, so it stops by itself even
# when the script is killed (both from scripts/throwaway-lib.sh). The twin of scripts/pg-throwaway.sh.
#
#   mariadb_throwaway_start [--NAME=VALUE ...]  starts it; sets MDT_DIR, MDT_SOCK (the socket
#                                               file), MDT_PID; returns non-zero (and says why
#                                               on stderr) when it cannot start
#   mariadb_throwaway_sql SQL [DATABASE]        runs SQL as root; prints the rows (tab-separated)
#   mariadb_throwaway_stop                      stops it by its pid and removes MDT_DIR

source "$(dirname "${BASH_SOURCE[0]}")/throwaway-lib.sh"

MDT_SERVER=${MDT_SERVER:-$(command -v mariadbd || echo /usr/sbin/mariadbd)}
MDT_INSTALL=${MDT_INSTALL:-$(command -v mariadb-install-db || command -v mysql_install_db)}
MDT_CLIENT=${MDT_CLIENT:-$(command -v mariadb || command -v mysql)}

mariadb_throwaway_start() {
    [ -x "$MDT_SERVER" ] || { echo "mariadb_throwaway_start: no mariadbd (mariadb-server package)" >&2; return 1; }
    MDT_DIR=$(mktemp -d /tmp/racesim-mdt.XXXXXX) || return 1
    MDT_SOCK=$MDT_DIR/sock
    local user=()
    [ "$(id -u)" = 0 ] && user=(--user=root)
    if ! "$MDT_INSTALL" --no-defaults --datadir="$MDT_DIR/data" --tmpdir="$MDT_DIR" --auth-root-authentication-method=normal \
            --skip-test-db --innodb-log-file-size=16M "${user[@]}" >"$MDT_DIR/install.log" 2>&1; then
        echo "mariadb_throwaway_start: mariadb-install-db failed:" >&2
        tail -5 "$MDT_DIR/install.log" >&2
        return 1
    fi
    "$MDT_SERVER" --no-defaults --datadir="$MDT_DIR/data" --socket="$MDT_SOCK" \
        --pid-file="$MDT_DIR/pid" --log-error="$MDT_DIR/error.log" --tmpdir="$MDT_DIR" \
        --skip-networking --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=2 \
        --innodb-log-file-size=16M --loose-skip-log-bin \
        --innodb-temp-data-file-path=ibtmp1:1M:autoextend "${user[@]}" "$@" \
        >/dev/null 2>&1 </dev/null &
    MDT_PID=$!
    throwaway_watchdog "$MDT_PID" "$MDT_DIR" TERM 5
    throwaway_wait_ready mariadb_throwaway_start "$MDT_PID" "$MDT_DIR/error.log" mariadb_throwaway_stop \
        "$MDT_CLIENT" --no-defaults -uroot --socket="$MDT_SOCK" -e 'SELECT 1'
}

mariadb_throwaway_sql() {
    printf '%s\n' "$1" | "$MDT_CLIENT" --no-defaults -uroot --socket="$MDT_SOCK" -N -B ${2:+"$2"}
}

mariadb_throwaway_stop() {
    if [ -n "${MDT_PID:-}" ]; then
        kill -TERM "$MDT_PID" 2>/dev/null     # a clean shutdown
        wait "$MDT_PID" 2>/dev/null
        MDT_PID=
    fi
    [ -n "${MDT_DIR:-}" ] && rm -rf "$MDT_DIR"
    MDT_DIR=
}
