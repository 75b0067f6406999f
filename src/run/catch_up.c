/* catch_up.c — a cluster in lockstep: after each step, every node applies what any node has
 * committed, so that no verdict depends on when a write reaches the other nodes. */
#include "catch_up.h"

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "clock.h"

#define CATCH_UP_LIMIT_S 30       /* a node this far behind is not coming */
#define CATCH_UP_POLL_US 1000

int catch_up_open(struct catch_up *c, const struct db_target *targets, int n, char *err,
                  size_t errlen)
{
    *c = (struct catch_up){0};
    for (int i = 0; i < n && i < SERVER_NODES_MAX; i++) {
        struct db_error e;
        c->node[i] = db_connect(&targets[i], false, &e);
        if (!c->node[i]) {
            snprintf(err, errlen, "cluster node %d: cannot connect: %s", i + 1, e.text);
            catch_up_close(c);
            return -1;
        }
        c->n = i + 1;
    }
    return 0;
}

static int position(struct catch_up *c, int i, uint64_t *at, char *msg, size_t msglen)
{
    struct db_error e;
    if (db_node_applied(c->node[i], at, &e) == 0)
        return 0;
    snprintf(msg, msglen, "cluster node %d: cannot read how far it has applied: %s", i + 1,
             e.text);
    return -1;
}

int catch_up_wait(void *ctx, char *msg, size_t msglen)
{
    struct catch_up *c = ctx;
    uint64_t at[SERVER_NODES_MAX], furthest = 0;
    for (int i = 0; i < c->n; i++) {
        if (position(c, i, &at[i], msg, msglen))
            return -1;
        if (at[i] > furthest)
            furthest = at[i];
    }
    int64_t give_up = clock_now_us() + (int64_t)CATCH_UP_LIMIT_S * 1000000;
    for (int i = 0; i < c->n; i++)
        while (at[i] < furthest) {
            if (clock_now_us() > give_up) {
                snprintf(msg, msglen, "cluster node %d has not applied the cluster's writes "
                         "in %d s (at %llu of %llu)", i + 1, CATCH_UP_LIMIT_S,
                         (unsigned long long)at[i], (unsigned long long)furthest);
                return -1;
            }
            nanosleep(&(struct timespec){0, CATCH_UP_POLL_US * 1000L}, NULL);
            if (position(c, i, &at[i], msg, msglen))
                return -1;
        }
    return 0;
}

void catch_up_close(struct catch_up *c)
{
    for (int i = 0; i < c->n; i++) {
        db_close(c->node[i]);
        c->node[i] = NULL;
    }
    c->n = 0;
}
