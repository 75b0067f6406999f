#!/usr/bin/env bash
# isolation_cluster.sh — racesim isolation --cluster=2: each test's T1 on node 1, T2 on node 2,
# every node applying each step before the next. At READ COMMITTED P4 and G-single occur across
# the nodes (G-single only because node 1 has applied T2's commit when T1 reads again: forced,
# not timed); at SERIALIZABLE both are prevented, by brute-force aborts (another node's write
# aborted the transaction holding its rows), never by a lock wait (a write on another node does
# not wait). The md table names the cluster and the deadlock note; --html writes the page.
RACESIM=$1
source "$(dirname "$0")/lib.sh"

if [ ! -r /usr/lib/galera/libgalera_smm.so ]; then
    echo "isolation_cluster.sh: galera-4 is not installed (apt-get install galera-4)" >&2
    exit 1
fi

start=$(date +%s)
TMPDIR=$TMP "$RACESIM" isolation --cluster=2 --strategies=p4,g-single \
    --isolations=read-committed,serializable --format=json --quiet --html="$TMP/iso.html" \
    >"$TMP/iso.json" 2>"$TMP/iso.err"
rc=$?
echo "isolation --cluster=2: $(($(date +%s) - start)) s"
check "isolation --cluster=2: exit 0" [ "$rc" = 0 ]
check "... valid by the schema, 2 nodes" valid_json "$TMP/iso.json"
check "... nodes = 2" jqe '.nodes == 2' "$TMP/iso.json"
cell() { jq -c --arg l "$1" --arg a "$2" \
    '[.levels[] | select(.isolation == $l and .run) | .cells[] | select(.anomaly == $a)][0]' "$TMP/iso.json"; }
rc_p4=$(cell "READ COMMITTED" P4) rc_gs=$(cell "READ COMMITTED" G-single)
sz_p4=$(cell SERIALIZABLE P4) sz_gs=$(cell SERIALIZABLE G-single)
check "READ COMMITTED, P4 across nodes: occurs, with a witness" \
    jqe '.verdict == "occurs" and (.witness | length > 0)' <(echo "$rc_p4")
check "READ COMMITTED, G-single across nodes: occurs (node 1 applied T2's commit before T1 read)" \
    jqe '.verdict == "occurs" and .anomalous > 0' <(echo "$rc_gs")
check "SERIALIZABLE, P4: prevented, by brute-force aborts (deadlock 1213), no lock wait" \
    jqe '.verdict == "prevented" and .bf_aborted > 0 and .waited == 0
         and .error.code == "1213" and (.how | test("brute-force abort in [1-9]"))' <(echo "$sz_p4")
check "SERIALIZABLE, G-single: prevented, by brute-force aborts, no lock wait" \
    jqe '.verdict == "prevented" and .bf_aborted > 0 and .waited == 0' <(echo "$sz_gs")
check "... every cell explored to the end" jqe '[.levels[] | select(.run) | .cells[] | .verdict != "cut"] | all' "$TMP/iso.json"
check "... the table's rows" jqe '(.levels[] | select(.isolation == "SERIALIZABLE") | .table) == {"P4": "prevented", "G-single": "prevented"}' "$TMP/iso.json"
check "--html: the page names the cluster's nodes" grep -q "T1 on node 1, T2 on node 2" "$TMP/iso.html"
finish
