#!/usr/bin/env bash
# cluster_strategies.sh — on a private 3-node Galera cluster: nodes_agree fails when one node's
# write bypasses replication (and names that node) and holds when it does not; the strategies
# that suit a cluster (for-update-retry, atomic-retry) keep every invariant on every node and
# turn no buyer away while stock is left.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

if [ ! -r /usr/lib/galera/libgalera_smm.so ]; then
    echo "cluster_strategies.sh: galera-4 is not installed (apt-get install galera-4)" >&2
    exit 1
fi
off="$(dirname "$0")/../strategies/wsrep-off-node2.sql"

# the nodes disagree: buyer 2 (on node 2) sells with wsrep_on = OFF, so node 2 alone has its
# order; every purchase succeeds (the others retry until done), so it is always there
TMPDIR=$TMP run_json "$TMP/off.json" --cluster=3 --strategy="$off" --users=3 --stock=30 --qty=1
check "a write that bypasses replication on node 2: exit 1 (got $rc: $(head -c 300 "$stderr_file"))" [ "$rc" = 1 ]
check "bypass: all 3 purchases succeeded" [ "$(outcome "$TMP/off.json" ok)" = 3 ]
check "bypass: nodes_agree is violated by 1 node ($(inv "$TMP/off.json" nodes_agree))" \
    [ "$(inv "$TMP/off.json" nodes_agree)" = 1 ]
check "bypass: nodes_agree names node 2 ($(jq -r '.invariants[] | select(.name == "nodes_agree") | .description' "$TMP/off.json"))" \
    jqe '.invariants[] | select(.name == "nodes_agree") | .description | endswith(": node 2")' "$TMP/off.json"
check "bypass: node 1 recorded 2 of the 3 sales (agreement broken by 1)" \
    [ "$(inv "$TMP/off.json" agreement)" = 1 ]
TMPDIR=$TMP NO_COLOR=1 "$RACESIM" --cluster=3 --strategy="$off" --users=3 --stock=30 --qty=1 \
    >"$TMP/off.txt" 2>&1
check "bypass, text report: the nodes_agree line fails and names node 2" \
    grep -qE "✗ nodes_agree +1 +of 3 nodes, those whose tables differ from node 1's: node 2$" "$TMP/off.txt"

# the same purchase with replication on (atomic-retry is that file without the SET): they agree
TMPDIR=$TMP run_json "$TMP/on.json" --cluster=3 --strategy=atomic-retry --users=3 --stock=30 --qty=1
engine_holds "the same purchase, replicated" "$TMP/on.json" mariadb
check "replicated: nodes_agree holds (0) and names no node" \
    jqe '.invariants[] | select(.name == "nodes_agree") | .value == 0 and (.description | endswith("node 1'"'"'s"))' "$TMP/on.json"

# the retry strategies: 30 buyers of 1 unit on 3 nodes, 100 units (no buyer can be refused for
# stock): every purchase succeeds however many aborts the nodes cause, every node holds
for s in for-update-retry atomic-retry; do
    TMPDIR=$TMP run_json "$TMP/$s.json" --cluster=3 --strategy=$s --users=30 --stock=100 --qty=1
    engine_holds "$s on 3 nodes" "$TMP/$s.json" mariadb
    check "$s: all 30 purchases succeeded, none lost (deadlocks retried: $(jq '.counts.outcomes.deadlock.attempts // 0' "$TMP/$s.json"))" \
        jqe '.counts.outcomes.ok.purchases == 30 and .lost_sales.purchases == 0' "$TMP/$s.json"
    check "$s: 10 successes on each node" jqe '[.nodes[].ok] == [10, 10, 10]' "$TMP/$s.json"
    check "$s: nodes_agree holds, and the scenario's 3 invariants hold on every node" \
        jqe '([.invariants[] | select(.name == "nodes_agree") | .holds] == [true]) and ([.nodes[].invariants | length] == [3, 3, 3]) and ([.nodes[].invariants[]] | all(. == 0))' "$TMP/$s.json"
    echo "# $s, 30 buyers on 3 nodes: $(jq -c '[.nodes[] | {ok, s: .deadlocks_at_statement, c: .deadlocks_at_commit, bf: .bf_aborts, cert: .cert_failures}]' "$TMP/$s.json")"
done
finish
