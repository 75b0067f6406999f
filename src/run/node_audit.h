/* node_audit.h — a cluster run's audit on every node: the scenario's invariants, and nodes_agree. */
#ifndef RACESIM_NODE_AUDIT_H
#define RACESIM_NODE_AUDIT_H

#include <stdint.h>
#include <stddef.h>

#include "db.h"
#include "result.h"

/* How many of the n nodes' digests differ from node 1's (digests[0]); 0 when n < 2. */
int node_digests_disagree(const uint64_t *digests, int n);

/* On each of the nodes (targets[0..nodes)), once it has applied every committed write: runs the
 * scenario's invariants into r->node_invariants (r->nodes_audited), and appends the invariant
 * nodes_agree (the tables racesim made have the same digest on every node) to r->invariants.
 * Returns 0, 2 (a bad scenario query) or 3 (a node cannot be reached), with err. */
int node_audit(const struct db_target *targets, int nodes, struct run_report *r, char *err,
               size_t errlen);

#endif
