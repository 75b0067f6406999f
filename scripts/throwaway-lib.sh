# throwaway-lib.sh — what scripts/mariadb-throwaway.sh and scripts/pg-throwaway.sh share (sourced
# by them, not run): the watchdog that stops a throwaway server once the sourcing shell is gone,
# and the wait until the server answers.
#
#   throwaway_watchdog PID DIR SIGNAL GRACE   in the background: while the sourcing shell and
#                                             PID live, waits; then stops PID with SIGNAL, after
#                                             GRACE seconds with KILL, and removes DIR
#   throwaway_wait_ready NAME PID LOG STOP CMD...
#                                             runs CMD every 0.1 s until it succeeds: returns 0;
#                                             when PID died or 30 s passed, says so on stderr as
#                                             NAME with LOG's tail, runs STOP and returns 1

throwaway_watchdog() {
    local parent=$$ pid=$1 dir=$2 sig=$3 grace=$4
    ( trap '' INT TERM HUP
      while kill -0 "$parent" 2>/dev/null && kill -0 "$pid" 2>/dev/null; do sleep 1; done
      if kill -0 "$pid" 2>/dev/null; then kill "-$sig" "$pid"; sleep "$grace"; kill -KILL "$pid"; fi
      rm -rf "$dir" ) \
        >/dev/null 2>&1 </dev/null &
}

throwaway_wait_ready() {
    local name=$1 pid=$2 log=$3 stop=$4 tries=0
    shift 4
    until "$@" >/dev/null 2>&1; do
        tries=$((tries + 1))
        if [ $tries -gt 300 ] || ! kill -0 "$pid" 2>/dev/null; then
            echo "$name: the server did not start:" >&2
            tail -5 "$log" >&2
            "$stop"
            return 1
        fi
        sleep 0.1
    done
}
