/* ack_audit.h — after a fault: is every purchase the database acknowledged still there? */
#ifndef RACESIM_ACK_AUDIT_H
#define RACESIM_ACK_AUDIT_H

#include <stddef.h>

#include "db.h"
#include "ids.h"
#include "result.h"

/* The verdict from the ids alone: *ir becomes the invariant acked_kept (its value: the
 * acknowledged ids missing from present, which must be sorted); *doubt_present: how many of
 * the in-doubt ids present holds (they may be there or not). Never fails. */
void ack_verdict(const struct id_list *acked, const struct id_list *doubt,
                 const struct id_list *present, struct invariant_result *ir,
                 int64_t *doubt_present);

/* On c, a node that survived (it first applies every write the cluster committed): reads the
 * scenario's @acknowledged ids, appends acked_kept to r->invariants and sets
 * r->doubt_present. Returns 0; 2 when the scenario's query is refused, 3 when the node fails
 * (err says which). */
int ack_audit(db_conn *c, struct run_report *r, char *err, size_t errlen);

#endif
