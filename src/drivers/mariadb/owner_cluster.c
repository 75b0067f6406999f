/* owner_cluster.c — one racesim run at a time per database across a Galera cluster: a lock row
 * whose write certifies on every node (GET_LOCK, owner.c, holds on one node only). */
#include "mariadb.h"
#include "owner.h"
#include "driver_util.h"
#include "proc.h"
#include "workspace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CLAIM_POLL_MS 200

/* The run a lock row names. */
struct holder {
    bool found;
    char node_uuid[64], node_name[80], connection_id[32], pid[32], host[256], started[32];
};

static int on_holder(void *ctx, size_t n, char **row)
{
    struct holder *h = ctx;
    if (n < 6)
        return 0;
    h->found = true;
    char *fields[] = {h->node_uuid, h->node_name, h->connection_id, h->pid, h->host, h->started};
    size_t sizes[] = {sizeof h->node_uuid, sizeof h->node_name, sizeof h->connection_id,
                      sizeof h->pid, sizeof h->host, sizeof h->started};
    for (size_t i = 0; i < 6; i++)
        snprintf(fields[i], sizes[i], "%s", row[i] ? row[i] : "");
    return 0;
}

static int status_value(db_conn *c, const char *sql, char *out, size_t outlen)
{
    struct first_value v;
    struct db_error e;
    if (driver_query_first(c, sql, &v, &e) || !v.found)
        return -1;
    size_t n = strlen(v.text);
    if (n >= outlen)
        return -1;
    memcpy(out, v.text, n + 1);
    return 0;
}

/* The node c is on: its wsrep_gcomm_uuid (changes when the node restarts). */
static int node_uuid(db_conn *c, char *out, size_t outlen)
{
    return status_value(c, "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                        "WHERE VARIABLE_NAME = 'WSREP_GCOMM_UUID'", out, outlen);
}

/* Whether the holder's connection still holds the node-local lock on the node c is on:
 * 1 yes, 0 no, -1 cannot tell. */
static int holds_there(db_conn *c, const char *lock, const struct holder *h)
{
    char sql[160], id[64];
    snprintf(sql, sizeof sql, "SELECT IFNULL(IS_USED_LOCK('%s'), 0)", lock);
    if (status_value(c, sql, id, sizeof id))
        return -1;
    return strcmp(id, h->connection_id) == 0;
}

/* Whether the holder's node is a member of the cluster now (mysql.wsrep_cluster_members, when
 * the user may read it): 1 yes, 0 no (its node left, or restarted with another id), -1 unknown. */
static int member_now(db_conn *c, const struct holder *h)
{
    char sql[256], count[32];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM mysql.wsrep_cluster_members WHERE node_uuid = "
             "'%.60s'", h->node_uuid);
    if (status_value(c, sql, count, sizeof count))
        return -1;
    return atoi(count) > 0;
}

/* Whether the run h names still runs: asked on its node when it is c's or one of nodes (its
 * node-local lock held by its connection), else whether its node is still a member. 1 alive
 * (or cannot tell), 0 gone. */
static int holder_alive(db_conn *c, const char *my_uuid, const struct db_target *nodes,
                        int n_nodes, const char *lock, const struct holder *h)
{
    if (strcmp(h->node_uuid, my_uuid) == 0)
        return holds_there(c, lock, h) != 0;
    for (int i = 0; i < n_nodes; i++) {
        struct db_target t = nodes[i];
        t.connect_timeout_s = 5;
        t.io_timeout_s = 15;
        struct db_error e;
        char uuid[64];
        db_conn *other = mariadb_open(&t, false, &e);
        int alive = -1;
        if (other && node_uuid(other, uuid, sizeof uuid) == 0 && strcmp(uuid, h->node_uuid) == 0)
            alive = holds_there(other, lock, h);
        if (other)
            mariadb_close(other);
        if (alive >= 0)
            return alive;
    }
    return member_now(c, h) != 0;
}

static void describe(const char *database, const char *lock, const struct holder *h, int wait_s,
                     char *err, size_t errlen)
{
    snprintf(err, errlen, "database `%s` is in use by another racesim run (racesim pid %s on host "
             "%.100s since %s, server connection %s on cluster node %.60s %.40s; lock %s, held "
             "across the cluster in %s); waited %d s: let it finish, or give this run another "
             "--database", database, h->pid, h->host, h->started, h->connection_id, h->node_name,
             h->node_uuid, lock, OWNER_LOCK_TABLE, wait_s);
}

/* One attempt: reads the lock row (waiting until the node applied every committed write), and
 * writes this run into it unless a live run holds it. 0 claimed, 1 held (h says by whom), -1
 * with e (a deadlock: another run wrote it at the same moment). */
static int try_claim(db_conn *c, const char *db, const char *lock, const char *my_uuid,
                     const struct db_target *nodes, int n_nodes, struct holder *h,
                     struct db_error *e)
{
    char sql[768], host[128];
    memset(h, 0, sizeof *h);
    snprintf(sql, sizeof sql, "SELECT node_uuid, node_name, connection_id, pid, host, started "
             "FROM `%s`." OWNER_LOCK_TABLE " WHERE id = 1 FOR UPDATE", db);
    if (mariadb_query(c, "SET SESSION wsrep_sync_wait = 1", NULL, NULL, e) < 0 ||
        mariadb_query(c, "START TRANSACTION", NULL, NULL, e) < 0 ||
        mariadb_query(c, sql, on_holder, h, e) < 0)
        return -1;
    if (h->found && holder_alive(c, my_uuid, nodes, n_nodes, lock, h)) {
        mariadb_query(c, "ROLLBACK", NULL, NULL, e);
        return 1;
    }
    driver_host_name(host, sizeof host);
    snprintf(sql, sizeof sql, "REPLACE INTO `%s`." OWNER_LOCK_TABLE " (id, node_uuid, node_name, "
             "connection_id, pid, host, started) VALUES (1, '%s', @@wsrep_node_name, "
             "CONNECTION_ID(), %ld, '%s', NOW())", db, my_uuid, (long)getpid(), host);
    if (mariadb_query(c, sql, NULL, NULL, e) < 0 || mariadb_query(c, "COMMIT", NULL, NULL, e) < 0)
        return -1;
    return 0;
}

int mariadb_owner_claim_cluster(db_conn *c, const struct db_target *nodes, int n_nodes,
                                const char *database, int wait_s, char *err, size_t errlen)
{
    char on[16], my_uuid[64], lock[72], sql[640];
    struct db_error e;
    if (status_value(c, "SELECT @@wsrep_on", on, sizeof on) || strcmp(on, "1") != 0)
        return 2;                   /* not a cluster node: GET_LOCK holds server-wide */
    if (node_uuid(c, my_uuid, sizeof my_uuid)) {
        snprintf(err, errlen, "cannot lock database `%s` across the cluster: this node shows no "
                 "wsrep_gcomm_uuid", database);
        return -1;
    }
    snprintf(lock, sizeof lock, "racesim:%.56s", database);
    /* database is an identifier ([A-Za-z0-9_$]): safe to quote. Tables of others and no marker:
     * not racesim's database, left alone (workspace_claim refuses it) */
    char count[32];
    snprintf(sql, sizeof sql, "SELECT SUM(table_name NOT IN ('" WORKSPACE_MARKER "', '"
             OWNER_TABLE "', '" OWNER_LOCK_TABLE "')) > 0 AND SUM(table_name = '"
             WORKSPACE_MARKER "') = 0 FROM information_schema.TABLES WHERE table_schema = '%s'",
             database);
    if (status_value(c, sql, count, sizeof count) == 0 && strcmp(count, "1") == 0)
        return 2;
    snprintf(sql, sizeof sql, "CREATE DATABASE IF NOT EXISTS `%s`", database);
    if (mariadb_query(c, sql, NULL, NULL, &e) < 0) {
        snprintf(err, errlen, "cannot lock database `%s` across the cluster: %s", database, e.text);
        return -1;
    }
    snprintf(sql, sizeof sql, "CREATE TABLE IF NOT EXISTS `%s`." OWNER_LOCK_TABLE " (id TINYINT "
             "PRIMARY KEY, node_uuid VARCHAR(64) NOT NULL, node_name VARCHAR(80) NOT NULL, "
             "connection_id BIGINT NOT NULL, pid BIGINT NOT NULL, host VARCHAR(255) NOT NULL, "
             "started DATETIME NOT NULL) COMMENT='created by racesim: the run that holds this "
             "database across the cluster (a write every node certifies)'", database);
    if (mariadb_query(c, sql, NULL, NULL, &e) < 0) {
        snprintf(err, errlen, "cannot lock database `%s` across the cluster: %s", database, e.text);
        return -1;
    }
    long long deadline = proc_now_ms() + (long long)wait_s * 1000;
    struct holder h;
    int rc;
    for (;;) {
        rc = try_claim(c, database, lock, my_uuid, nodes, n_nodes, &h, &e);
        if (rc < 0)
            mariadb_query(c, "ROLLBACK", NULL, NULL, &(struct db_error){0});
        if (rc == 0 || (rc < 0 && e.outcome != OUTCOME_DEADLOCK) || proc_now_ms() >= deadline)
            break;
        proc_sleep_ms(CLAIM_POLL_MS);
    }
    mariadb_query(c, "SET SESSION wsrep_sync_wait = DEFAULT", NULL, NULL, &(struct db_error){0});
    if (rc == 0)
        return 0;
    if (rc > 0) {
        describe(database, lock, &h, wait_s, err, errlen);
        return 1;
    }
    if (e.outcome == OUTCOME_DEADLOCK) {
        snprintf(err, errlen, "database `%s` is in use by another racesim run (it claimed the "
                 "database on another cluster node at the same moment: %s; lock %s); waited %d s: "
                 "let it finish, or give this run another --database", database, e.text, lock,
                 wait_s);
        return 1;
    }
    snprintf(err, errlen, "cannot lock database `%s` across the cluster: %s", database, e.text);
    return -1;
}

void mariadb_owner_release(db_conn *c, const char *database)
{
    char sql[320];
    struct db_error e;
    snprintf(sql, sizeof sql, "DELETE FROM `%s`." OWNER_LOCK_TABLE " WHERE id = 1 AND "
             "connection_id = CONNECTION_ID() AND node_uuid = (SELECT VARIABLE_VALUE FROM "
             "information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_GCOMM_UUID')",
             database);
    if (c)
        mariadb_query(c, sql, NULL, NULL, &e);     /* no table, or no cluster: nothing held */
}
