#!/usr/bin/env bash
# galera-throwaway.sh — an "existing" MariaDB Galera cluster of a script's own, for a test or a
# bench that gives racesim a cluster with --dsn (sourced, or run: see the end). N nodes on this
# machine: every node a copy of one mariadb-install-db data directory, started at once from the
# same saved state (grastate.dat, one UUID) and the same remembered primary view of all N
# (gvwstate.dat), so the nodes form their primary component without a state transfer: the
# approach of src/drivers/mariadb/cluster.c. Each node listens on its unix socket and on
# 127.0.0.1 only (client port, group communication, IST); a user with a password connects over
# TCP. A watchdog stops every node when the sourcing shell is gone (or after GT_SECONDS), so the
# cluster stops by itself even when the script is killed. Needs galera-4 and mariadb-server.
#
#   galera_throwaway_start N [--NAME=VALUE ...]   starts N nodes (1..8); sets GT_DIR, GT_N,
#                         GT_PORTS[i], GT_SOCKS[i], GT_PIDS[i] (i = 1..N), GT_USER, GT_PASSWORD,
#                         GT_DATABASE (racesim), GT_DSN (mysql://USER@127.0.0.1:P1,...,PN/racesim)
#                         and GT_DSNS[i] (one node's DSN); returns non-zero (and says why on
#                         stderr) when it cannot start. The user may do anything in database racesim.
#   galera_throwaway_sql I SQL [DATABASE]          runs SQL as root on node I; prints the rows
#   galera_throwaway_stop                          stops every node by its pid, removes GT_DIR

GT_SERVER=${GT_SERVER:-$(command -v mariadbd || echo /usr/sbin/mariadbd)}
GT_INSTALL=${GT_INSTALL:-$(command -v mariadb-install-db || command -v mysql_install_db)}
GT_CLIENT=${GT_CLIENT:-$(command -v mariadb || command -v mysql)}
GT_PROVIDER=${GT_PROVIDER:-/usr/lib/galera/libgalera_smm.so}

# N free TCP ports on 127.0.0.1 (bound, read, closed), one a line.
_gt_free_ports() {
    python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
EOF
}

_gt_uuid() { cat /proc/sys/kernel/random/uuid; }

galera_throwaway_start() {
    local n=$1
    shift
    [[ "$n" =~ ^[1-8]$ ]] || { echo "galera_throwaway_start: N must be 1..8" >&2; return 1; }
    [ -x "$GT_SERVER" ] || { echo "galera_throwaway_start: no mariadbd (mariadb-server package)" >&2; return 1; }
    [ -r "$GT_PROVIDER" ] || { echo "galera_throwaway_start: no $GT_PROVIDER (galera-4 package)" >&2; return 1; }
    GT_DIR=$(mktemp -d /tmp/racesim-gt.XXXXXX) || return 1
    GT_N=$n
    GT_USER=racesim
    GT_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
    GT_DATABASE=racesim
    local user=()
    [ "$(id -u)" = 0 ] && user=(--user=root)
    # env -u MALLOC_PERTURB_: meson test sets it, and mariadb-install-db fails under it; a busy
    # machine can fail one install: up to 3 tries
    local try
    for try in 1 2 3; do
        rm -rf "$GT_DIR/template"
        env -u MALLOC_PERTURB_ "$GT_INSTALL" --no-defaults --datadir="$GT_DIR/template" --tmpdir="$GT_DIR" \
            --auth-root-authentication-method=normal --skip-test-db --innodb-log-file-size=16M \
            "${user[@]}" >"$GT_DIR/install.log" 2>&1 && break
        if [ "$try" = 3 ]; then
            echo "galera_throwaway_start: mariadb-install-db failed:" >&2
            tail -5 "$GT_DIR/install.log" >&2
            rm -rf "$GT_DIR"
            return 1
        fi
        sleep 1
    done
    local ports state_uuid i address="" members=""
    mapfile -t ports < <(_gt_free_ports $((3 * n)))
    [ "${#ports[@]}" = $((3 * n)) ] || { echo "galera_throwaway_start: no free ports" >&2; rm -rf "$GT_DIR"; return 1; }
    state_uuid=$(_gt_uuid)
    GT_PORTS=() GT_SOCKS=() GT_PIDS=() GT_DSNS=()
    local gcomm=() ist=() node_uuid=()
    for i in $(seq 1 "$n"); do
        GT_PORTS[i]=${ports[3 * (i - 1)]}
        gcomm[i]=${ports[3 * (i - 1) + 1]}
        ist[i]=${ports[3 * (i - 1) + 2]}
        node_uuid[i]=$(_gt_uuid)
        GT_SOCKS[i]=$GT_DIR/n$i/sock
        address+="${address:+,}127.0.0.1:${gcomm[i]}"
        members+="member: ${node_uuid[i]} 0"$'\n'
    done
    for i in $(seq 1 "$n"); do
        mkdir -p "$GT_DIR/n$i"
        cp -a "$GT_DIR/template" "$GT_DIR/n$i/data"
        printf '# GALERA saved state\nversion: 2.1\nuuid:    %s\nseqno:   0\nsafe_to_bootstrap: 0\n' \
            "$state_uuid" >"$GT_DIR/n$i/data/grastate.dat"
        printf 'my_uuid: %s\n#vwbeg\nview_id: 3 %s 1\nbootstrap: 0\n%s#vwend\n' \
            "${node_uuid[i]}" "${node_uuid[1]}" "$members" >"$GT_DIR/n$i/data/gvwstate.dat"
        env -u MALLOC_PERTURB_ "$GT_SERVER" --no-defaults --datadir="$GT_DIR/n$i/data" --socket="${GT_SOCKS[i]}" \
            --pid-file="$GT_DIR/n$i/pid" --log-error="$GT_DIR/n$i/error.log" --tmpdir="$GT_DIR/n$i" \
            --bind-address=127.0.0.1 --port="${GT_PORTS[i]}" --max-connections=300 \
            --innodb-buffer-pool-size=64M --innodb-flush-log-at-trx-commit=2 \
            --innodb-log-file-size=16M --loose-skip-log-bin \
            --innodb-temp-data-file-path=ibtmp1:1M:autoextend "${user[@]}" \
            --wsrep-on=ON --wsrep-provider="$GT_PROVIDER" --wsrep-cluster-address="gcomm://$address" \
            --wsrep-node-address="127.0.0.1:${gcomm[i]}" --wsrep-node-name="node$i" \
            --wsrep-provider-options="gmcast.listen_addr=tcp://127.0.0.1:${gcomm[i]};ist.recv_addr=127.0.0.1:${ist[i]};gcache.size=32M;pc.recovery=true" \
            --wsrep-cluster-name="gt-$(basename "$GT_DIR")" --wsrep-sst-method=skip \
            --binlog-format=ROW --innodb-autoinc-lock-mode=2 "$@" \
            >/dev/null 2>&1 </dev/null &
        GT_PIDS[i]=$!
    done
    local parent=$$ pids="${GT_PIDS[*]}" dir=$GT_DIR seconds=${GT_SECONDS:-0}
    ( trap '' INT TERM HUP
      start=$SECONDS
      alive() { for p in $pids; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
      while kill -0 "$parent" 2>/dev/null && alive; do
          [ "$seconds" -gt 0 ] && [ $((SECONDS - start)) -ge "$seconds" ] && break
          sleep 1
      done
      for p in $pids; do kill -KILL "$p" 2>/dev/null; done
      sleep 1
      rm -rf "$dir" ) \
        >/dev/null 2>&1 </dev/null &
    GT_WATCHDOG=$!
    local tries=0 synced
    for i in $(seq 1 "$n"); do
        until synced=$(galera_throwaway_sql "$i" "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
                          WHERE VARIABLE_NAME IN ('wsrep_cluster_size', 'wsrep_local_state_comment')
                          ORDER BY VARIABLE_NAME" 2>/dev/null | tr '\n' ' ') &&
              [ "$synced" = "$n Synced " ]; do
            tries=$((tries + 1))
            if [ $tries -gt 600 ] || ! kill -0 "${GT_PIDS[i]}" 2>/dev/null; then
                echo "galera_throwaway_start: node $i did not join (${synced:-no answer}):" >&2
                tail -3 "$GT_DIR/n$i/error.log" >&2
                galera_throwaway_stop
                return 1
            fi
            sleep 0.1
        done
    done
    # the user (replicated: every node has it), for TCP from 127.0.0.1 and its unix socket
    galera_throwaway_sql 1 "CREATE USER '$GT_USER'@'127.0.0.1' IDENTIFIED BY '$GT_PASSWORD';
        CREATE USER '$GT_USER'@'localhost' IDENTIFIED BY '$GT_PASSWORD';
        GRANT ALL ON racesim.* TO '$GT_USER'@'127.0.0.1', '$GT_USER'@'localhost';
        GRANT PROCESS ON *.* TO '$GT_USER'@'127.0.0.1', '$GT_USER'@'localhost'" || {
        galera_throwaway_stop; return 1; }
    local hosts=""
    for i in $(seq 1 "$n"); do
        hosts+="${hosts:+,}127.0.0.1:${GT_PORTS[i]}"
        GT_DSNS[i]=mysql://$GT_USER@127.0.0.1:${GT_PORTS[i]}/$GT_DATABASE
        until MYSQL_PWD=$GT_PASSWORD "$GT_CLIENT" --no-defaults -u"$GT_USER" -h127.0.0.1 \
                -P"${GT_PORTS[i]}" -e 'SELECT 1' >/dev/null 2>&1; do
            tries=$((tries + 1))
            [ $tries -gt 900 ] && { echo "galera_throwaway_start: node $i refuses $GT_USER" >&2
                                    galera_throwaway_stop; return 1; }
            sleep 0.1
        done
    done
    GT_DSN=mysql://$GT_USER@$hosts/$GT_DATABASE
}

galera_throwaway_sql() {
    printf '%s\n' "$2" | "$GT_CLIENT" --no-defaults -uroot --socket="${GT_SOCKS[$1]}" -N -B ${3:+"$3"}
}

galera_throwaway_stop() {
    local p
    for p in "${GT_PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; done
    for p in "${GT_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    GT_PIDS=()
    [ -n "${GT_WATCHDOG:-}" ] && kill "$GT_WATCHDOG" 2>/dev/null
    GT_WATCHDOG=
    [ -n "${GT_DIR:-}" ] && rm -rf "$GT_DIR"
    GT_DIR=
}

# Run, not sourced: scripts/galera-throwaway.sh [N] starts N nodes (default 3), prints what a
# caller needs (the DSN list, one DSN per node, the password, the sockets) and keeps the cluster
# until it is interrupted, its stdin closes, or GT_SECONDS (default 3600) have passed.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    GT_SECONDS=${GT_SECONDS:-3600}
    galera_throwaway_start "${1:-3}" || exit 3
    trap 'galera_throwaway_stop; exit 0' INT TERM HUP
    echo "GT_DSN=$GT_DSN"
    for i in $(seq 1 "$GT_N"); do
        echo "GT_DSN_$i=${GT_DSNS[i]}"
        echo "GT_SOCK_$i=${GT_SOCKS[i]}"
    done
    echo "RACESIM_PASSWORD=$GT_PASSWORD"
    read -r -t "$GT_SECONDS" _ || true
    galera_throwaway_stop
fi
