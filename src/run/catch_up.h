/* catch_up.h — a cluster in lockstep: after each step, every node applies what any node has
 * committed, so that no verdict depends on when a write reaches the other nodes. */
#ifndef RACESIM_CATCH_UP_H
#define RACESIM_CATCH_UP_H

#include <stddef.h>

#include "db.h"
#include "server.h"

struct catch_up {
    db_conn *node[SERVER_NODES_MAX];   /* one connection per node */
    int n;
};

/* Connects to each of the n nodes of targets. Returns 0, or -1 with one line in err (then
 * nothing is left open). */
int catch_up_open(struct catch_up *c, const struct db_target *targets, int n, char *err,
                  size_t errlen);

/* A lockstep_settle_fn (ctx: a struct catch_up): reads how far each node has got in the
 * cluster's order of writes and waits until every node has got as far as the furthest one.
 * Returns 0, or -1 with one line in msg (a node did not answer, or did not catch up within
 * CATCH_UP_LIMIT_S). */
int catch_up_wait(void *ctx, char *msg, size_t msglen);

/* Closes the connections (c may be unopened: zeroed). */
void catch_up_close(struct catch_up *c);

#endif
