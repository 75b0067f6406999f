/* node_audit.c — a cluster run's audit on every node: the scenario's invariants, and nodes_agree. */
#include "node_audit.h"

#include <stdio.h>

#include "workspace.h"

int node_digests_disagree(const uint64_t *digests, int n)
{
    int differ = 0;
    for (int i = 1; i < n; i++)
        differ += digests[i] != digests[0];
    return differ;
}

void node_digests_name(const uint64_t *digests, int n, char *out, size_t len)
{
    int differ = node_digests_disagree(digests, n);
    size_t used = 0;
    if (len)
        out[0] = '\0';
    for (int i = 1; i < n && differ > 0; i++) {
        if (digests[i] == digests[0])
            continue;
        int w = snprintf(out + used, len - used, "%s%d",
                         used == 0 ? (differ == 1 ? "node " : "nodes ") : ", ", i + 1);
        if (w < 0 || (size_t)w >= len - used)
            return;
        used += (size_t)w;
    }
}

/* Node n's invariants and digest, on a fresh connection that waits until the node applied all. */
static int audit_one(const struct db_target *t, int n, struct run_report *r, uint64_t *digest,
                     char *err, size_t errlen)
{
    struct db_error e;
    db_conn *c = db_connect(t, true, &e);
    if (!c || db_node_sync(c, &e)) {
        snprintf(err, errlen, "cannot audit node %d: %s", n + 1, e.text);
        db_close(c);
        return 3;
    }
    const struct scenario *sc = &r->scenario;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sc->n_invariants && i < SCENARIO_INVARIANTS_MAX; i++) {
        enum workspace_status ws = workspace_scalar(c, sc, &sc->invariants[i].stmt, &r->params,
                                                    &r->node_invariants[n][i], err, errlen);
        if (ws != WORKSPACE_OK)
            rc = ws == WORKSPACE_BAD_SCENARIO ? 2 : 3;
    }
    if (rc == 0 && workspace_digest(c, digest, err, errlen))
        rc = 3;
    db_close(c);
    return rc;
}

int node_audit(const struct db_target *targets, int nodes, int lost, struct run_report *r,
               char *err, size_t errlen)
{
    uint64_t digests[RESULT_NODES_MAX];
    int audited = 0;
    if (nodes > RESULT_NODES_MAX)
        nodes = RESULT_NODES_MAX;
    for (int n = 0; n < nodes; n++) {
        if (n == lost)
            continue;
        int rc = audit_one(&targets[n], n, r, &digests[n], err, errlen);
        if (rc)
            return rc;
        audited++;
    }
    r->nodes_audited = true;
    struct invariant_result *ir = &r->invariants[r->n_invariants++];
    snprintf(ir->name, sizeof ir->name, "nodes_agree");
    if (lost >= 0 && lost < nodes)   /* the lost node counts as agreeing with the reference */
        digests[lost] = digests[lost == 0 ? 1 : 0];
    char which[64];
    node_digests_name(digests, nodes, which, sizeof which);
    if (lost >= 0)
        snprintf(ir->description, sizeof ir->description, "of the %d surviving nodes, those whose "
                 "tables differ from node %d's%s%s", audited, lost == 0 ? 2 : 1,
                 which[0] ? ": " : "", which);
    else
        snprintf(ir->description, sizeof ir->description, "of %d nodes, those whose tables differ "
                 "from node 1's%s%s", nodes, which[0] ? ": " : "", which);
    ir->value = node_digests_disagree(digests, nodes);
    ir->holds = ir->value == 0;
    return 0;
}

/* Node n's abort counters (t its target), read once the node has applied every write the
 * cluster committed (so after setup, the buyers find its tables there). Returns 0, or 3 with
 * err. */
static int counters_one(const struct db_target *t, int n, uint64_t *bf_aborts,
                        uint64_t *cert_failures, char *err, size_t errlen)
{
    struct db_error e;
    db_conn *c = db_connect(t, false, &e);
    /* a read after the sync waits until the node applied every committed write: racesim set the
     * tables up on node 1, and the buyers on this node must find them */
    int rc = !c || db_node_sync(c, &e) || db_execute(c, "SELECT 1", &e) ||
             db_abort_counters(c, bf_aborts, cert_failures, &e) ? 3 : 0;
    if (rc)
        snprintf(err, errlen, "cannot read the abort counters of node %d: %s", n + 1, e.text);
    db_close(c);
    return rc;
}

int node_counters_read(const struct db_target *targets, int nodes, uint64_t *bf_aborts,
                       uint64_t *cert_failures, char *err, size_t errlen)
{
    for (int n = 0; n < nodes && n < RESULT_NODES_MAX; n++)
        if (counters_one(&targets[n], n, &bf_aborts[n], &cert_failures[n], err, errlen))
            return 3;
    return 0;
}

int node_counters_delta(const struct db_target *targets, int nodes, int lost,
                        const uint64_t *before_bf, const uint64_t *before_cert,
                        struct run_report *r, char *err, size_t errlen)
{
    uint64_t bf[RESULT_NODES_MAX] = {0}, cert[RESULT_NODES_MAX] = {0};
    for (int n = 0; n < nodes && n < RESULT_NODES_MAX; n++)
        if (n != lost && counters_one(&targets[n], n, &bf[n], &cert[n], err, errlen))
            return 3;
    for (int n = 0; n < nodes && n < RESULT_NODES_MAX; n++) {
        if (n == lost)
            continue;
        r->node_bf_aborts[n] = bf[n] >= before_bf[n] ? bf[n] - before_bf[n] : 0;
        r->node_cert_failures[n] = cert[n] >= before_cert[n] ? cert[n] - before_cert[n] : 0;
    }
    r->nodes_counted = true;
    return 0;
}
