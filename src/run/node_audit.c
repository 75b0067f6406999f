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

int node_audit(const struct db_target *targets, int nodes, struct run_report *r, char *err,
               size_t errlen)
{
    uint64_t digests[RESULT_NODES_MAX];
    if (nodes > RESULT_NODES_MAX)
        nodes = RESULT_NODES_MAX;
    for (int n = 0; n < nodes; n++) {
        int rc = audit_one(&targets[n], n, r, &digests[n], err, errlen);
        if (rc)
            return rc;
    }
    r->nodes_audited = true;
    struct invariant_result *ir = &r->invariants[r->n_invariants++];
    snprintf(ir->name, sizeof ir->name, "nodes_agree");
    snprintf(ir->description, sizeof ir->description, "of %d nodes, those whose tables differ "
             "from node 1's", nodes);
    ir->value = node_digests_disagree(digests, nodes);
    ir->holds = ir->value == 0;
    return 0;
}

int node_counters_read(const struct db_target *targets, int nodes, uint64_t *bf_aborts,
                       uint64_t *cert_failures, char *err, size_t errlen)
{
    for (int n = 0; n < nodes && n < RESULT_NODES_MAX; n++) {
        struct db_error e;
        db_conn *c = db_connect(&targets[n], false, &e);
        /* a read after the sync waits until the node applied every committed write: racesim
         * set the tables up on node 1, and the buyers on this node must find them */
        if (!c || db_node_sync(c, &e) || db_execute(c, "SELECT 1", &e) ||
            db_abort_counters(c, &bf_aborts[n], &cert_failures[n], &e)) {
            snprintf(err, errlen, "cannot read the abort counters of node %d: %s", n + 1, e.text);
            db_close(c);
            return 3;
        }
        db_close(c);
    }
    return 0;
}

int node_counters_delta(const struct db_target *targets, int nodes, const uint64_t *before_bf,
                        const uint64_t *before_cert, struct run_report *r, char *err,
                        size_t errlen)
{
    uint64_t bf[RESULT_NODES_MAX] = {0}, cert[RESULT_NODES_MAX] = {0};
    if (node_counters_read(targets, nodes, bf, cert, err, errlen))
        return 3;
    for (int n = 0; n < nodes && n < RESULT_NODES_MAX; n++) {
        r->node_bf_aborts[n] = bf[n] >= before_bf[n] ? bf[n] - before_bf[n] : 0;
        r->node_cert_failures[n] = cert[n] >= before_cert[n] ? cert[n] - before_cert[n] : 0;
    }
    r->nodes_counted = true;
    return 0;
}
