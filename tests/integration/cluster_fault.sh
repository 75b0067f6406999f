#!/usr/bin/env bash
# cluster_fault.sh — --fault=kill-node:K@P%: racesim kills node 2 of a private 3-node cluster
# halfway through; the buyers on it fail over, no purchase acknowledged as committed is missing
# on the survivors (acked_kept), the report names the lost node; a strategy that acknowledges
# a rolled-back order breaks acked_kept; bad input gets exit 2 and one line.
RACESIM=$1
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cluster_lib.sh"

# bad WHAT PATTERN ARGS...: exit 2, one line on stderr that matches PATTERN, no server started
bad() {
    local what=$1 pattern=$2
    shift 2
    TMPDIR=$TMP "$RACESIM" "$@" >/dev/null 2>"$TMP/err"
    local code=$?
    check "$what: exit 2 (got $code)" [ "$code" = 2 ]
    check "$what: one line on stderr" [ "$(wc -l <"$TMP/err")" = 1 ]
    check "$what: it says why ($(head -c 200 "$TMP/err"))" grep -qE "^racesim: .*$pattern" "$TMP/err"
}
bad "--fault without --cluster" "add --cluster" --fault=kill-node:2@50% --strategy=atomic --users=2
bad "--fault on 2 nodes" "cluster=3 or more" --cluster=2 --fault=kill-node:2@50% --strategy=atomic --users=2
bad "--fault node 0" "numbered from 1" --cluster=3 --fault=kill-node:0@50% --strategy=atomic --users=2
bad "--fault node 4 of 3" "nodes 1 to 3" --cluster=3 --fault=kill-node:4@50% --strategy=atomic --users=2
bad "--fault at 0%" "from 1% to 99%" --cluster=3 --fault=kill-node:2@0% --strategy=atomic --users=2
bad "--fault at 100%" "from 1% to 99%" --cluster=3 --fault=kill-node:2@100 --strategy=atomic --users=2
bad "--fault of an unknown kind" "unknown fault" --cluster=3 --fault=pause-node:2@50% --strategy=atomic --users=2
bad "--fault without a share" "expected kill-node" --cluster=3 --fault=kill-node:2 --strategy=atomic --users=2
bad "--fault with --time" "does not go with --time" --cluster=3 --fault=kill-node:2@50% --time=2s --strategy=atomic --users=2
nothing_left "bad input"

# for-update and atomic: 30 buyers x 2 purchases on 3 nodes, node 2 killed at 50% (after 30)
for s in for-update atomic; do
    start=$(date +%s%N)
    TMPDIR=$TMP run_json "$TMP/$s.json" --cluster=3 --strategy=$s --users=30 --rounds=2 \
        --stock=1000 --fault=kill-node:2@50%
    took=$(( ($(date +%s%N) - start) / 1000000 ))
    f=$TMP/$s.json
    check "$s: exit 0, every invariant holds on the survivors (got $rc: $(head -c 300 "$f.err"))" [ "$rc" = 0 ]
    check "$s: every invariant holds" all_hold "$f"
    check "$s: the report says node 2 was killed, after 30 of 60 purchases" \
        jqe '.fault.kind == "kill-node" and .fault.node == 2 and .fault.killed and .fault.after_purchases == 30' "$f"
    check "$s: acked_kept checked and 0: every acknowledged purchase is on the survivors" \
        [ "$(inv "$f" acked_kept)" = 0 ]
    check "$s: racesim kept an id for every acknowledged purchase" \
        jqe '.fault.acknowledged_ids == .counts.outcomes.ok.purchases and .fault.acknowledged_ids > 0' "$f"
    check "$s: node 2 is marked killed and not audited; nodes 1 and 3 are" \
        jqe '[.nodes[] | (.killed // false)] == [false, true, false] and (.nodes[1].invariants == null) and ([.nodes[0,2].invariants | length] == [3, 3])' "$f"
    check "$s: nodes_agree compares the 2 survivors" \
        jqe '[.invariants[] | select(.name == "nodes_agree") | .description | test("2 surviving")] == [true]' "$f"
    check "$s: the buyers went on: all 60 purchases ended, counted per node" \
        jqe '.counts.purchases == 60 and ([.nodes[].purchases] | add) == 60' "$f"
    check "$s: the in-doubt purchases, per node, add up to the run's" \
        jqe '([.nodes[].in_doubt] | add) == .counts.outcomes.in_doubt.purchases and .fault.in_doubt == .counts.outcomes.in_doubt.purchases' "$f"
    check "$s: only node 2's buyers lost their connection: nodes 1 and 3 have no in-doubt purchase" \
        jqe '[.nodes[0,2].in_doubt] == [0, 0]' "$f"
    check "$s: at most node 2's 10 connections failed over, each once" \
        jqe '.fault.failovers <= 10' "$f"
    echo "# $s, kill-node:2@50%: $took ms; $(jq -c '{wall: .time.wall_s, killed_at: .fault.at_s, failovers: .fault.failovers, in_doubt: .fault.in_doubt, in_doubt_present: .fault.in_doubt_present, ok: .counts.outcomes.ok.purchases, lost: .counts.outcomes.connection_lost.purchases, nodes: [.nodes[] | [.purchases, .ok, .in_doubt]]}' "$f")"
    nothing_left "$s"
done

# the text report says it too; node 1 (racesim's own connection, the audit's usual node) killed
# at 10%, after 2 of 12 purchases: its buyers (1 and 4) have at least 2 purchases left, so at
# least one of them fails over; the audit runs on node 2
TMPDIR=$TMP "$RACESIM" --cluster=3 --strategy=atomic --users=6 --rounds=2 --stock=100 \
    --fault=kill-node:1@10% --quiet >"$TMP/text.out" 2>"$TMP/err"
code=$?
check "text: exit 0 (got $code: $(head -c 300 "$TMP/err"))" [ "$code" = 0 ]
check "text: the fault line names node 1, killed after 2 of 12 purchases" \
    grep -q "^fault      node 1 killed (SIGKILL) after 2 of 12 purchases (10%)" "$TMP/text.out"
check "text: node 1's buyers failed over (1 or 2 connections)" \
    grep -qE "^fault .*; [12] connections? failed over to the survivors$" "$TMP/text.out"
check "text: node 1's line says it was killed and not audited" \
    grep -qE "^node +1: .* in doubt .*killed, not audited$" "$TMP/text.out"
check "text: nodes 2 and 3 were audited" [ "$(grep -cE "^ +[23]: .*invariants hold$" "$TMP/text.out")" = 2 ]
check "text: nodes_agree compares node 3 with node 2" \
    grep -qE "✓ nodes_agree +0  of the 2 surviving nodes, those whose tables differ from node 2's" "$TMP/text.out"
check "text: the invariant acked_kept holds" grep -qE "✓ acked_kept +0 " "$TMP/text.out"
nothing_left "text"

# the anomaly: a strategy that acknowledges an order it rolled back; acked_kept must catch it
TMPDIR=$TMP run_json "$TMP/ack.json" --cluster=3 --strategy="$(dirname "$0")/../strategies/ack-rollback.sql" \
    --users=6 --rounds=2 --stock=100 --fault=kill-node:2@50%
check "ack-rollback: exit 1, an invariant is violated (got $rc: $(head -c 300 "$TMP/ack.json.err"))" [ "$rc" = 1 ]
check "ack-rollback: acked_kept counts every acknowledged purchase missing (> 0)" \
    jqe '(.invariants[] | select(.name == "acked_kept") | .value) == .fault.acknowledged_ids and .fault.acknowledged_ids > 0' "$TMP/ack.json"
nothing_left "ack-rollback"
finish
