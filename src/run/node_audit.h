/* node_audit.h — a cluster run's audit on every node: the scenario's invariants, and nodes_agree. */
#ifndef RACESIM_NODE_AUDIT_H
#define RACESIM_NODE_AUDIT_H

#include <stdint.h>
#include <stddef.h>

#include "db.h"
#include "result.h"

/* How many of the n nodes' digests differ from node 1's (digests[0]); 0 when n < 2. */
int node_digests_disagree(const uint64_t *digests, int n);

/* Writes into out (len bytes, always terminated; cut short if too small) the nodes whose digests
 * differ from node 1's, as the report names them: "node 2", "nodes 2, 3", or "" when all agree. */
void node_digests_name(const uint64_t *digests, int n, char *out, size_t len);

/* On each of the nodes (targets[0..nodes)) but `lost` (0-based, a node a fault killed; -1:
 * none), once it has applied every committed write: runs the
 * scenario's invariants into r->node_invariants (r->nodes_audited), and appends the invariant
 * nodes_agree (the tables racesim made have the same digest on every node audited) to
 * r->invariants. Returns 0, 2 (a bad scenario query) or 3 (a node cannot be reached), with err. */
int node_audit(const struct db_target *targets, int nodes, int lost, struct run_report *r,
               char *err, size_t errlen);

/* Reads each node's running counts of brute-force aborts and certification failures into
 * bf_aborts[n] and cert_failures[n], once the node has applied every write the cluster
 * committed (so the buyers that start next find the setup's tables on every node). Returns 0,
 * or 3 with err (a node cannot be reached). */
int node_counters_read(const struct db_target *targets, int nodes, uint64_t *bf_aborts,
                       uint64_t *cert_failures, char *err, size_t errlen);

/* After the run: r->node_bf_aborts and r->node_cert_failures become what each node's counters
 * rose by since `before_*` (r->nodes_counted); node `lost` (-1: none) is not read and stays 0.
 * Returns 0, or 3 with err. */
int node_counters_delta(const struct db_target *targets, int nodes, int lost,
                        const uint64_t *before_bf,
                        const uint64_t *before_cert, struct run_report *r, char *err,
                        size_t errlen);

#endif
