#!/usr/bin/env bash
# cluster.sh — --cluster=N: a private Galera cluster starts, runs, and leaves nothing behind
# (also after SIGINT); the safe strategies hold on it, naive oversells under --lockstep; bad input.
RACESIM=$1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cluster_lib.sh"

# bad input: one line on stderr, exit 2
bad() {
    local what=$1
    shift
    TMPDIR=$TMP "$RACESIM" "$@" >/dev/null 2>"$TMP/err"
    local code=$?
    check "$what: exit 2 (got $code)" [ "$code" = 2 ]
    check "$what: one line on stderr" [ "$(wc -l <"$TMP/err")" = 1 ]
    check "$what: it says racesim: --cluster or --spread" grep -qE "^racesim: .*--(cluster|spread)" "$TMP/err"
}
bad "--cluster=1" --cluster=1 --strategy=atomic --users=2
bad "--cluster=9" --cluster=9 --strategy=atomic --users=2
bad "--cluster with --dsn" --cluster=3 --dsn=mysql://u@127.0.0.1:1/db --strategy=atomic --users=2
bad "--cluster on sqlite" --cluster=3 --engine=sqlite --strategy=atomic --users=2
bad "--spread=4 on 3 nodes" --cluster=3 --spread=4 --strategy=atomic --users=2
bad "--spread without --cluster" --spread=1 --strategy=atomic --users=2

# the safe strategies on 3 nodes
for s in for-update atomic; do
    start=$(date +%s%N)
    TMPDIR=$TMP run_json "$TMP/$s.json" --cluster=3 --strategy=$s --users=30 --stock=40
    took=$(( ($(date +%s%N) - start) / 1000000 ))
    echo "# $s on a 3-node cluster: the whole run took $took ms"
    engine_holds "$s on 3 nodes" "$TMP/$s.json" mariadb
    check "$s: the report says it ran on a private cluster of 3 nodes" \
        jqe '.server.description | test("cluster of 3 nodes")' "$TMP/$s.json"
    check "$s: wsrep_on=ON on the cluster" \
        jqe '.server.variables.wsrep_on == "ON"' "$TMP/$s.json"
    check "$s: the buyers went round-robin: 10 purchases on each of the 3 nodes" \
        jqe '[.nodes[].purchases] == [10, 10, 10]' "$TMP/$s.json"
    check "$s: the nodes' successes add up to the run's" \
        jqe '([.nodes[].ok] | add) == .counts.outcomes.ok.purchases' "$TMP/$s.json"
    check "$s: the nodes' lost sales add up to the run's" \
        jqe '([.nodes[].lost_purchases] | add) == .lost_sales.purchases' "$TMP/$s.json"
    check "$s: nodes_agree is checked and holds (every node's tables have node 1's checksums)" \
        jqe '[.invariants[] | select(.name == "nodes_agree") | .holds] == [true]' "$TMP/$s.json"
    check "$s: every node ran the scenario's 3 invariants, and each holds there (0)" \
        jqe '[.nodes[].invariants | length] == [3, 3, 3] and ([.nodes[].invariants[]] | all(. == 0))' "$TMP/$s.json"
    nothing_left "$s"
done

# classification: for-update with contention across the nodes (30 buyers of 1 unit each on 3
# nodes, 100 units: no buyer is refused for stock, so every failure is the cluster's)
TMPDIR=$TMP run_json "$TMP/abort.json" --cluster=3 --strategy=for-update --users=30 --stock=100 --qty=1
engine_holds "for-update, contention on 3 nodes" "$TMP/abort.json" mariadb
check "classification: every node reports its deadlocks (at a statement, at COMMIT) and its brute-force aborts and certification failures as numbers" \
    jqe '[.nodes[] | (.deadlocks_at_statement, .deadlocks_at_commit, .bf_aborts, .cert_failures) | type] | length == 12 and all(. == "number")' "$TMP/abort.json"
check "classification: the nodes' deadlocks at a statement and at COMMIT add up to the run's deadlock attempts" \
    jqe '([.nodes[] | .deadlocks_at_statement + .deadlocks_at_commit] | add) == .counts.outcomes.deadlock.attempts' "$TMP/abort.json"
check "classification: when there were deadlocks, the nodes counted brute-force aborts or certification failures" \
    jqe '.counts.outcomes.deadlock.attempts == 0 or ([.nodes[] | .bf_aborts + .cert_failures] | add) > 0' "$TMP/abort.json"
echo "# for-update, 30 buyers on 3 nodes: $(jq -c '[.nodes[] | {s: .deadlocks_at_statement, c: .deadlocks_at_commit, bf: .bf_aborts, cert: .cert_failures}]' "$TMP/abort.json")"

# --spread=1: every buyer on node 1
TMPDIR=$TMP run_json "$TMP/spread1.json" --cluster=3 --spread=1 --strategy=atomic --users=12 --stock=40
engine_holds "atomic, --spread=1" "$TMP/spread1.json" mariadb
check "--spread=1: all 12 purchases on node 1, none on 2 and 3" \
    jqe '[.nodes[].purchases] == [12, 0, 0]' "$TMP/spread1.json"

# naive: its anomaly under --lockstep on node 1 of the cluster (across nodes, when a write is
# applied on the other node decides the outcome: not forced yet), and its absence with one buyer
TMPDIR=$TMP run_json "$TMP/naive.json" --cluster=3 --spread=1 --strategy=naive --users=2 --stock=1 --qty=1 --lockstep
check "naive, 2 buyers in lockstep on node 1 of 3: exit 1 (got $rc)" [ "$rc" = 1 ]
check "naive, 2 buyers in lockstep: oversell 1" [ "$(inv "$TMP/naive.json" oversell)" = 1 ]
check "naive: every node sees the oversell of 1 (the audit on each node, after it applied all)" \
    jqe '[.nodes[].invariants.oversell] == [1, 1, 1]' "$TMP/naive.json"
check "naive: the nodes agree all the same (replication copies the oversold rows)" \
    [ "$(inv "$TMP/naive.json" nodes_agree)" = 0 ]
TMPDIR=$TMP run_json "$TMP/naive1.json" --cluster=3 --strategy=naive --users=1 --stock=1 --qty=1 --lockstep
check "naive, 1 buyer on 3 nodes: exit 0 (got $rc)" [ "$rc" = 0 ]
check "naive, 1 buyer: oversell 0" [ "$(inv "$TMP/naive1.json" oversell)" = 0 ]
nothing_left "naive"

# SIGINT while the buyers sit in their race window
TMPDIR=$TMP "$RACESIM" --cluster=3 --strategy=for-update --users=6 --think-time=20000 --quiet \
    >/dev/null 2>"$TMP/err" &
pid=$!
nodes=""
for i in $(seq 1 300); do                 # up to 30 s: the nodes, then the buyers
    nodes=$(pgrep -P "$pid" -f mariadbd || true)
    [ "$(echo "$nodes" | grep -c .)" = 3 ] && [ -n "$(ls "$TMP"/racesim-*/n1/data/racesim 2>/dev/null)" ] && break
    sleep 0.1
done
check "SIGINT: racesim started 3 node processes" [ "$(echo "$nodes" | grep -c .)" = 3 ]
sleep 1
kill -INT "$pid"
wait "$pid"
code=$?
check "SIGINT: exit 130 (got $code: $(head -c 300 "$TMP/err"))" [ "$code" = 130 ]
alive=""
for n in $nodes; do kill -0 "$n" 2>/dev/null && alive="$alive $n"; done
check "SIGINT: none of its 3 node processes is left" [ -z "$alive" ]
nothing_left "SIGINT"

# kill -9 of racesim: every node dies with it (PR_SET_PDEATHSIG); the next run removes the dir
TMPDIR=$TMP "$RACESIM" --cluster=3 --strategy=for-update --users=6 --think-time=20000 --quiet \
    >/dev/null 2>&1 &
pid=$!
nodes=""
for i in $(seq 1 300); do
    nodes=$(pgrep -P "$pid" -f mariadbd || true)
    [ "$(echo "$nodes" | grep -c .)" = 3 ] && [ -n "$(ls "$TMP"/racesim-*/n1/data/racesim 2>/dev/null)" ] && break
    sleep 0.1
done
check "kill -9: racesim started 3 node processes" [ "$(echo "$nodes" | grep -c .)" = 3 ]
kill -9 "$pid"
wait "$pid" 2>/dev/null
alive=""
for i in $(seq 1 50); do
    alive=""
    for n in $nodes; do kill -0 "$n" 2>/dev/null && alive="$alive $n"; done
    [ -z "$alive" ] && break
    sleep 0.1
done
check "kill -9: none of its 3 node processes is left" [ -z "$alive" ]
TMPDIR=$TMP "$RACESIM" --strategy=atomic --users=2 --quiet >/dev/null 2>"$TMP/err"
check "kill -9: the next run removed the dead run's directory" grep -q "left by a run that died" "$TMP/err"
nothing_left "kill -9"
finish
