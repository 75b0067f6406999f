/* cluster_audit.c — what the audit of a Galera node asks it: wait until applied, table checksums, abort counters. */
#include "mariadb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mariadb_node_sync(db_conn *c, struct db_error *err)
{
    /* 15: reads, updates/deletes and inserts wait until the node has applied every write the
     * cluster committed before them */
    return mariadb_query(c, "SET SESSION wsrep_sync_wait = 15", NULL, NULL, err) < 0 ? -1 : 0;
}

struct checksum_row {
    unsigned long long sum;
    bool found;
};

static int on_checksum(void *ctx, size_t n, char **row)
{
    struct checksum_row *r = ctx;
    if (n >= 2 && row[1]) {
        r->sum = strtoull(row[1], NULL, 10);
        r->found = true;
    }
    return 0;
}

int mariadb_table_checksum(db_conn *c, const char *table, uint64_t *sum, struct db_error *err)
{
    char sql[200], name[80];
    mariadb_quote_ident(table, name, sizeof name);
    snprintf(sql, sizeof sql, "CHECKSUM TABLE %s", name);
    struct checksum_row r = {0, false};
    if (mariadb_query(c, sql, on_checksum, &r, err) < 0)
        return -1;
    *sum = r.found ? r.sum : 0;
    return 0;
}

struct counters_row {
    uint64_t bf_aborts, cert_failures;
};

static int on_counter(void *ctx, size_t n, char **row)
{
    struct counters_row *r = ctx;
    if (n < 2 || !row[0] || !row[1])
        return 0;
    if (strcmp(row[0], "wsrep_local_bf_aborts") == 0)
        r->bf_aborts = strtoull(row[1], NULL, 10);
    else if (strcmp(row[0], "wsrep_local_cert_failures") == 0)
        r->cert_failures = strtoull(row[1], NULL, 10);
    return 0;
}

int mariadb_abort_counters(db_conn *c, uint64_t *bf_aborts, uint64_t *cert_failures,
                           struct db_error *err)
{
    struct counters_row r = {0, 0};
    if (mariadb_query(c, "SHOW GLOBAL STATUS WHERE Variable_name IN "
                      "('wsrep_local_bf_aborts', 'wsrep_local_cert_failures')",
                      on_counter, &r, err) < 0)
        return -1;
    *bf_aborts = r.bf_aborts;
    *cert_failures = r.cert_failures;
    return 0;
}

static int on_position(void *ctx, size_t n, char **row)
{
    uint64_t *position = ctx;
    if (n >= 2 && row[1])
        *position = strtoull(row[1], NULL, 10);
    return 0;
}

int mariadb_node_applied(db_conn *c, uint64_t *position, struct db_error *err)
{
    *position = 0;
    /* the seqno of the last write set this node committed, in the cluster's total order */
    return mariadb_query(c, "SHOW GLOBAL STATUS LIKE 'wsrep_last_committed'", on_position,
                         position, err) < 0 ? -1 : 0;
}
