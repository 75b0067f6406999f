/* cluster_preflight.c — a given Galera cluster's preflight: every node one of one primary, synced cluster. */
#include "mariadb.h"
#include "driver_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What a node says about itself: variables and status, by name. */
static const char *const node_facts[] = {
    "wsrep_on", "wsrep_sync_wait", "wsrep_retry_autocommit",
    "wsrep_cluster_status", "wsrep_cluster_state_uuid", "wsrep_cluster_size",
    "wsrep_local_state_comment", "wsrep_gcomm_uuid",
};
enum { ON, SYNC_WAIT, RETRY_AUTOCOMMIT, STATUS, STATE_UUID, SIZE, STATE, GCOMM_UUID, N_FACTS };

struct node {
    char value[N_FACTS][64];
};

static int on_fact(void *ctx, size_t n, char **row)
{
    struct node *node = ctx;
    if (n < 2 || !row[0] || !row[1])
        return 0;
    for (int i = 0; i < N_FACTS; i++)
        if (strcasecmp(row[0], node_facts[i]) == 0)
            snprintf(node->value[i], sizeof node->value[i], "%s", row[1]);
    return 0;
}

static int read_node(db_conn *c, struct node *node, struct db_error *e)
{
    memset(node, 0, sizeof *node);
    return mariadb_query(c, "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('wsrep_on', "
                         "'wsrep_sync_wait', 'wsrep_retry_autocommit')", on_fact, node, e) < 0 ||
           mariadb_query(c, "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_cluster_status', "
                         "'wsrep_cluster_state_uuid', 'wsrep_cluster_size', "
                         "'wsrep_local_state_comment', 'wsrep_gcomm_uuid')", on_fact, node, e) < 0
               ? -1 : 0;
}

/* wsrep_sync_wait and wsrep_retry_autocommit (node 1's), and what they mean for the run. */
static void describe_settings(const struct node *first, struct preflight *pf)
{
    char text[sizeof pf->warnings[0]];
    const char *sync = first->value[SYNC_WAIT][0] ? first->value[SYNC_WAIT] : "0";
    const char *retry = first->value[RETRY_AUTOCOMMIT][0] ? first->value[RETRY_AUTOCOMMIT] : "0";
    driver_preflight_add_var(pf, "wsrep_sync_wait", sync);
    driver_preflight_add_var(pf, "wsrep_retry_autocommit", retry);
    if (atoi(sync) == 0)
        snprintf(text, sizeof text, "wsrep_sync_wait=0: a buyer's read does not wait for what "
                 "other nodes committed, it may see rows a moment old (the audit waits: it sets 15)");
    else
        snprintf(text, sizeof text, "wsrep_sync_wait=%.8s: the statements it names (1 reads, 2 "
                 "updates and deletes, 4 inserts, 8 SHOW) first wait until the node has applied "
                 "all the cluster committed", sync);
    driver_preflight_warn(pf, text);
    if (atoi(retry) > 0)
        snprintf(text, sizeof text, "wsrep_retry_autocommit=%.8s: a node retries an autocommit "
                 "statement a conflict aborted (up to %.8s time%s) before it reports 1213: aborts "
                 "of autocommit statements (atomic's UPDATE) are hidden from the run", retry, retry,
                 atoi(retry) == 1 ? "" : "s");
    else
        snprintf(text, sizeof text, "wsrep_retry_autocommit=0: every abort reaches the buyer as "
                 "1213, those of autocommit statements too");
    driver_preflight_warn(pf, text);
}

int mariadb_preflight_cluster(db_conn *const *conns, const char *const *names, int n,
                              struct preflight *pf, char *err, size_t errlen)
{
    struct node nodes[SERVER_NODES_MAX];
    if (n > SERVER_NODES_MAX)
        n = SERVER_NODES_MAX;
    for (int i = 0; i < n; i++) {
        struct db_error e;
        if (read_node(conns[i], &nodes[i], &e)) {
            snprintf(err, errlen, "cannot read the Galera status of node %d (%s): %s", i + 1,
                     names[i], e.text);
            return -1;
        }
    }
    /* first what no list of one cluster may hold: a standalone server */
    for (int i = 0; i < n; i++)
        if (strcasecmp(nodes[i].value[ON], "ON") != 0 && strcmp(nodes[i].value[ON], "1") != 0) {
            snprintf(err, errlen, "node %d (%s) is a standalone server (wsrep_on=%s), not a "
                     "Galera node: a --dsn list names the nodes of one cluster", i + 1, names[i],
                     nodes[i].value[ON][0] ? nodes[i].value[ON] : "absent");
            return -1;
        }
    for (int i = 0; i < n; i++) {
        const struct node *node = &nodes[i];
        if (strcmp(node->value[STATUS], "Primary") != 0) {
            snprintf(err, errlen, "node %d (%s) is not in a primary component "
                     "(wsrep_cluster_status=%s): it takes no writes", i + 1, names[i],
                     node->value[STATUS][0] ? node->value[STATUS] : "absent");
            return -1;
        }
        if (strcmp(node->value[STATE_UUID], nodes[0].value[STATE_UUID]) != 0) {
            snprintf(err, errlen, "node %d (%s) is in another cluster than node 1 "
                     "(wsrep_cluster_state_uuid %s, node 1's %s): a --dsn list names the nodes "
                     "of one cluster", i + 1, names[i], node->value[STATE_UUID],
                     nodes[0].value[STATE_UUID]);
            return -1;
        }
        if (strcmp(node->value[STATE], "Synced") != 0) {
            snprintf(err, errlen, "node %d (%s) is not Synced (wsrep_local_state_comment=%s)",
                     i + 1, names[i], node->value[STATE][0] ? node->value[STATE] : "absent");
            return -1;
        }
        for (int k = 0; k < i; k++)
            if (node->value[GCOMM_UUID][0] &&
                strcmp(node->value[GCOMM_UUID], nodes[k].value[GCOMM_UUID]) == 0) {
                snprintf(err, errlen, "node %d (%s) is node %d (%s) again (the same "
                         "wsrep_gcomm_uuid): name each node once", i + 1, names[i], k + 1,
                         names[k]);
                return -1;
            }
    }
    long size = atol(nodes[0].value[SIZE]);
    if (size < n) {
        snprintf(err, errlen, "the cluster has %ld node%s (wsrep_cluster_size) but the list names "
                 "%d", size, size == 1 ? "" : "s", n);
        return -1;
    }
    describe_settings(&nodes[0], pf);
    return 0;
}
