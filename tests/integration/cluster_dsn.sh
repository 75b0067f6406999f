#!/usr/bin/env bash
# cluster_dsn.sh — a given ("existing") Galera cluster named by --dsn: a host list in one DSN, or
# one --dsn per node. The cluster is the test's own (scripts/galera-throwaway.sh, 3 nodes on
# 127.0.0.1, a user with a password). A run on it keeps every invariant on every node, reports
# per node, says what wsrep_sync_wait and wsrep_retry_autocommit are; a list that is not one
# synced primary cluster is refused (exit 3, one line naming the node); the database is locked
# across the cluster (a second run on another node is refused while the first holds it); bad
# input exits 2.
RACESIM=$1
source "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

if [ ! -r /usr/lib/galera/libgalera_smm.so ]; then
    echo "cluster_dsn.sh: galera-4 is not installed (apt-get install galera-4)" >&2
    exit 1
fi

# one_line WHAT CODE: the last run exited CODE with one line on stderr, "racesim: ..."
one_line() {
    check "$1: exit $2 (got $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = "$2" ]
    check "$1: one line on stderr" [ "$(wc -l <"$stderr_file")" = 1 ]
    check "$1: it begins racesim:" grep -q "^racesim: " "$stderr_file"
}

# bad input, before any server: exit 2 and one line
run_json "$TMP/bad1.json" --dsn='mysql://u@127.0.0.1:1,,127.0.0.1:2/racesim' --strategy=atomic --users=2
one_line "an empty host in the list" 2
run_json "$TMP/bad2.json" --dsn=mysql://u@127.0.0.1:1/racesim --dsn=postgres://u@127.0.0.1:2/racesim \
    --strategy=atomic --users=2
one_line "repeated --dsn of two engines" 2
check "two engines: the line says a cluster is of one engine" grep -q "one engine" "$stderr_file"
run_json "$TMP/bad3.json" --dsn=mysql://u@127.0.0.1:1/one --dsn=mysql://u@127.0.0.1:2/two \
    --strategy=atomic --users=2
one_line "repeated --dsn naming two databases" 2
check "two databases: the line names both" grep -q "two.*one" "$stderr_file"
run_json "$TMP/bad4.json" --dsn='mysql://u@127.0.0.1:1,127.0.0.1:2,127.0.0.1:3/racesim' --spread=4 \
    --strategy=atomic --users=2
one_line "--spread=4 on a list of 3" 2
run_json "$TMP/bad5.json" --dsn='mysql://u@127.0.0.1:1,127.0.0.1:2/racesim' --cluster=3 \
    --strategy=atomic --users=2
one_line "--cluster with a --dsn list" 2
run_json "$TMP/bad6.json" --dsn='mysql://u@h1:1,h2:2,h3:3,h4:4,h5:5,h6:6,h7:7,h8:8,h9:9/racesim' \
    --strategy=atomic --users=2
one_line "a list of 9 nodes" 2

source "$ROOT/scripts/galera-throwaway.sh"
trap 'galera_throwaway_stop; stop_shared_server; rm -rf "$TMP"' EXIT
start=$(date +%s%N)
galera_throwaway_start 3 || { echo "FAIL - cannot start the test's cluster"; exit 1; }
echo "# the test's 3-node cluster started in $(( ($(date +%s%N) - start) / 1000000 )) ms"
export RACESIM_PASSWORD=$GT_PASSWORD

# the safe strategy on the given cluster, a host list in one DSN
run_json "$TMP/fu.json" --dsn="$GT_DSN" --strategy=for-update --users=30 --stock=40
engine_holds "for-update on a given cluster of 3" "$TMP/fu.json" mariadb
check "the report says it ran on a cluster of 3 nodes given by --dsn" \
    jqe '.server.description | test("cluster of 3 nodes given by --dsn")' "$TMP/fu.json"
check "the buyers went round-robin: 10 purchases on each of the 3 nodes" \
    jqe '[.nodes[].purchases] == [10, 10, 10]' "$TMP/fu.json"
check "the nodes' successes add up to the run's" \
    jqe '([.nodes[].ok] | add) == .counts.outcomes.ok.purchases' "$TMP/fu.json"
check "nodes_agree is checked and holds" \
    jqe '[.invariants[] | select(.name == "nodes_agree") | .holds] == [true]' "$TMP/fu.json"
check "every node ran the scenario's 3 invariants, and each holds there" \
    jqe '[.nodes[].invariants | length] == [3, 3, 3] and ([.nodes[].invariants[]] | all(. == 0))' "$TMP/fu.json"
check "every node reports its deadlocks and aborts as numbers" \
    jqe '[.nodes[] | (.deadlocks_at_statement, .deadlocks_at_commit, .bf_aborts, .cert_failures) | type] | length == 12 and all(. == "number")' "$TMP/fu.json"
check "the header shows wsrep_sync_wait and wsrep_retry_autocommit as the nodes have them" \
    jqe '.server.variables.wsrep_sync_wait == "0" and .server.variables.wsrep_retry_autocommit == "1"' "$TMP/fu.json"
check "and says that retry_autocommit hides aborts of autocommit statements" \
    jqe '[.server.warnings[] | select(test("wsrep_retry_autocommit=1: .*hidden"))] | length == 1' "$TMP/fu.json"

# one --dsn per node, and --spread=2
run_json "$TMP/spread.json" --dsn="${GT_DSNS[1]}" --dsn="${GT_DSNS[2]}" --dsn="${GT_DSNS[3]}" \
    --spread=2 --strategy=atomic --users=12 --stock=40
engine_holds "atomic, one --dsn per node, --spread=2" "$TMP/spread.json" mariadb
check "--spread=2: 6 purchases on node 1, 6 on node 2, none on node 3" \
    jqe '[.nodes[].purchases] == [6, 6, 0]' "$TMP/spread.json"

# a list that is not one synced primary cluster: exit 3, one line naming the node
start_shared_server || { echo "FAIL - cannot start the standalone MariaDB"; exit 1; }
trap 'galera_throwaway_stop; stop_shared_server; rm -rf "$TMP"' EXIT
shared_sql "CREATE USER '$GT_USER'@'localhost' IDENTIFIED BY '$GT_PASSWORD';
    GRANT ALL ON racesim.* TO '$GT_USER'@'localhost'"
run_json "$TMP/mixed.json" --dsn="${GT_DSNS[1]}" --dsn="${GT_DSNS[2]}" \
    --dsn="mysql://$GT_USER@localhost/racesim?socket=$SHARED_SOCK" --strategy=atomic --users=3
one_line "2 cluster nodes and a standalone server" 3
check "mixed: the line names node 3, the standalone one" \
    grep -q "node 3 (.*) is a standalone server (wsrep_on=OFF)" "$stderr_file"
stop_shared_server
run_json "$TMP/twice.json" --dsn="${GT_DSNS[1]}" --dsn="${GT_DSNS[1]}" --strategy=atomic --users=2
one_line "one node named twice" 3
check "twice: the line says node 2 is node 1 again" grep -q "node 2 .* is node 1 .* again" "$stderr_file"
galera_throwaway_sql 3 "SET GLOBAL wsrep_desync = ON"
run_json "$TMP/desync.json" --dsn="$GT_DSN" --strategy=atomic --users=3
one_line "a node not Synced" 3
check "not Synced: the line names node 3 and its state" \
    grep -q "node 3 (.*) is not Synced (wsrep_local_state_comment=" "$stderr_file"
galera_throwaway_sql 3 "SET GLOBAL wsrep_desync = OFF"
synced() {               # I: node I says Synced
    [ "$(galera_throwaway_sql "$1" "SHOW STATUS LIKE 'wsrep_local_state_comment'" | cut -f2)" = Synced ]
}
for i in $(seq 1 300); do synced 3 && break; sleep 0.1; done
check "node 3 is Synced again" synced 3

# the lock across the cluster: run A on node 1 holds the database; it is stopped (SIGSTOP: its
# connections, its lock and its row stay) while the others try, so they always meet it
lock_row() {             # the pid in the lock row, as node 2 sees it once it applied all
    galera_throwaway_sql 2 "SET SESSION wsrep_sync_wait = 1; SELECT pid FROM racesim.racesim_lock" 2>/dev/null
}
wait_for_claim() {       # PID: until node 2 sees PID's row in racesim_lock
    local tries=0
    until [ "$(lock_row)" = "$1" ]; do
        tries=$((tries + 1))
        kill -0 "$1" 2>/dev/null && [ $tries -lt 1200 ] || return 1
        sleep 0.05
    done
}
"$RACESIM" --dsn="${GT_DSNS[1]}" --strategy=for-update --users=2 --rounds=25 --think-time=100 \
    --format=json --quiet >"$TMP/a.json" 2>"$TMP/a.err" &
a=$!
check "run A on node 1 claims the database across the cluster (node 2 sees its row)" wait_for_claim $a
kill -STOP $a
run_json "$TMP/b.json" --dsn="${GT_DSNS[2]}" --strategy=atomic --users=4
one_line "run B on node 2 while A holds the database on node 1" 3
check "B gets the usual refusal, naming A's pid and its server connection" \
    grep -q "in use by another racesim run (racesim pid $a on host .*server connection [0-9]" "$stderr_file"
run_json "$TMP/c.json" --dsn="${GT_DSNS[3]}" --dsn="${GT_DSNS[2]}" --strategy=atomic --users=4
one_line "run C on nodes 3 and 2 while A holds it" 3
check "C gets the usual refusal too" grep -q "in use by another racesim run (racesim pid $a " "$stderr_file"
kill -CONT $a
wait $a
rc_a=$?
check "run A ends with its true verdict: exit 0 (got $rc_a: $(head -c 200 "$TMP/a.err"))" [ "$rc_a" = 0 ]
check "A gave its row up at the end" [ -z "$(lock_row)" ]
run_json "$TMP/d.json" --dsn="${GT_DSNS[2]}" --strategy=atomic --users=4
engine_holds "after A, a run on node 2 gets the database" "$TMP/d.json" mariadb

# a holder killed (kill -9) leaves its row; a run whose list reaches its node sees that its
# connection is gone there and takes the database over (a database of its own: the buyers'
# first order there shows that the setup is over, a kill -9 in the middle of it would leave
# tables racesim cannot tell its own)
galera_throwaway_sql 1 "GRANT ALL ON racesim_k.* TO '$GT_USER'@'127.0.0.1'"
"$RACESIM" --dsn="${GT_DSNS[1]}_k" --strategy=for-update --users=2 --rounds=200 \
    --think-time=100 --quiet >/dev/null 2>&1 &
a=$!
bought() {               # PID: until PID's buyers have bought, as node 2 sees
    local tries=0
    until [ "$(galera_throwaway_sql 2 "SET SESSION wsrep_sync_wait = 1;
               SELECT COUNT(*) > 0 FROM racesim_k.orders" 2>/dev/null)" = 1 ]; do
        tries=$((tries + 1))
        kill -0 "$1" 2>/dev/null && [ $tries -lt 1200 ] || return 1
        sleep 0.05
    done
}
check "run A2 on node 1 has set its database up and its buyers have begun" bought $a
holder=$(galera_throwaway_sql 2 "SET SESSION wsrep_sync_wait = 1; SELECT pid FROM racesim_k.racesim_lock")
check "A2's row is in racesim_k's lock table (pid $holder)" [ "$holder" = "$a" ]
{ kill -9 $a; wait $a; } 2>/dev/null
run_json "$TMP/e.json" --dsn="${GT_DSNS[2]}_k" --dsn="${GT_DSNS[1]}_k" --strategy=atomic --users=4
engine_holds "after A2 was killed, a run on nodes 2 and 1 takes the database over" "$TMP/e.json" mariadb

galera_throwaway_stop
finish
