/* cluster.c — what makes N private mariadbd a Galera cluster: ports, saved state, wsrep options, sync. */
#include "mariadb.h"
#include "fsutil.h"
#include "proc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define GALERA_PROVIDER "/usr/lib/galera/libgalera_smm.so"
#define SYNC_POLL_MS 50

/* A free TCP port on 127.0.0.1 (bound, read, closed), not one of taken[0..n). 0 on failure. */
static unsigned free_port(const unsigned *taken, size_t n)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return 0;
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
        socklen_t len = sizeof a;
        unsigned port = 0;
        if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
            getsockname(fd, (struct sockaddr *)&a, &len) == 0)
            port = ntohs(a.sin_port);
        close(fd);
        bool clash = false;
        for (size_t i = 0; i < n; i++)
            clash |= taken[i] == port;
        if (port && !clash)
            return port;
    }
    return 0;
}

/* A random UUID in Galera's text form, from /dev/urandom. */
static int random_uuid(char out[37])
{
    unsigned char b[16];
    FILE *f = fopen("/dev/urandom", "rb");
    size_t got = f ? fread(b, 1, sizeof b, f) : 0;
    if (f)
        fclose(f);
    if (got != sizeof b)
        return -1;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
             b[13], b[14], b[15]);
    return 0;
}

bool mariadb_cluster_available(void)
{
    return access(GALERA_PROVIDER, R_OK) == 0;
}

int mariadb_cluster_plan(struct mariadb_cluster *c, unsigned nodes, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    if (!mariadb_cluster_available()) {
        snprintf(err, errlen, "no Galera provider at " GALERA_PROVIDER ": install galera-4 "
                 "(apt-get install galera-4)");
        return -1;
    }
    c->nodes = nodes;
    unsigned taken[2 * SERVER_NODES_MAX];
    size_t n = 0;
    for (unsigned i = 0; i < nodes; i++) {
        c->gcomm_port[i] = free_port(taken, n);
        taken[n++] = c->gcomm_port[i];
        c->ist_port[i] = free_port(taken, n);
        taken[n++] = c->ist_port[i];
        if (!c->gcomm_port[i] || !c->ist_port[i]) {
            snprintf(err, errlen, "no free TCP port on 127.0.0.1 for a cluster node: %s",
                     strerror(errno));
            return -1;
        }
    }
    if (random_uuid(c->state_uuid) != 0) {
        snprintf(err, errlen, "cannot read /dev/urandom: %s", strerror(errno));
        return -1;
    }
    for (unsigned i = 0; i < nodes; i++)
        if (random_uuid(c->node_uuid[i]) != 0) {
            snprintf(err, errlen, "cannot read /dev/urandom: %s", strerror(errno));
            return -1;
        }
    return 0;
}

/* Writes text into path (created, truncated). Returns 0 or -1 with errno. */
static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int r = fputs(text, f) < 0 ? -1 : 0;
    return fclose(f) != 0 ? -1 : r;
}

/* Every node starts from the same copy of the template and the same saved state (grastate.dat),
 * and remembers the same primary view of all N members (gvwstate.dat, as after a clean stop of
 * the whole cluster): when all N have met, Galera restores that primary component by itself
 * and, their states being equal, no node needs a state transfer (no rsync, no SST script). */
int mariadb_cluster_write_state(const struct mariadb_cluster *c, unsigned node,
                                const char *datadir, char *err, size_t errlen)
{
    char path[PATH_MAX], text[2048];
    int len = snprintf(text, sizeof text, "# GALERA saved state\nversion: 2.1\nuuid:    %s\n"
                       "seqno:   0\nsafe_to_bootstrap: 0\n", c->state_uuid);
    if (fs_fmt(path, sizeof path, "%s/grastate.dat", datadir) != 0 || len <= 0 ||
        write_file(path, text) != 0)
        goto failed;
    len = snprintf(text, sizeof text, "my_uuid: %s\n#vwbeg\nview_id: 3 %s 1\nbootstrap: 0\n",
                   c->node_uuid[node], c->node_uuid[0]);
    for (unsigned i = 0; i < c->nodes && len > 0 && (size_t)len < sizeof text; i++)
        len += snprintf(text + len, sizeof text - (size_t)len, "member: %s 0\n", c->node_uuid[i]);
    if (len <= 0 || (size_t)len >= sizeof text - 8)
        goto failed;
    strcat(text, "#vwend\n");
    if (fs_fmt(path, sizeof path, "%s/gvwstate.dat", datadir) != 0 || write_file(path, text) != 0)
        goto failed;
    return 0;
failed:
    snprintf(err, errlen, "cannot write the Galera state into %s: %s", datadir, strerror(errno));
    return -1;
}

int mariadb_cluster_args(const struct mariadb_cluster *c, unsigned node,
                         struct mariadb_cluster_args *a)
{
    int len = snprintf(a->address, sizeof a->address, "--wsrep-cluster-address=gcomm://");
    for (unsigned i = 0; i < c->nodes && len > 0 && (size_t)len < sizeof a->address; i++)
        len += snprintf(a->address + len, sizeof a->address - (size_t)len, "%s127.0.0.1:%u",
                        i ? "," : "", c->gcomm_port[i]);
    if (len <= 0 || (size_t)len >= sizeof a->address)
        return -1;
    snprintf(a->node_address, sizeof a->node_address, "--wsrep-node-address=127.0.0.1:%u",
             c->gcomm_port[node]);
    snprintf(a->node_name, sizeof a->node_name, "--wsrep-node-name=node%u", node + 1);
    snprintf(a->provider_options, sizeof a->provider_options,
             "--wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:%u;"
             "ist.recv_addr=127.0.0.1:%u;gcache.size=32M;pc.recovery=true",
             c->gcomm_port[node], c->ist_port[node]);
    size_t k = 0;
    a->argv[k++] = "--wsrep-on=ON";
    a->argv[k++] = "--wsrep-provider=" GALERA_PROVIDER;
    a->argv[k++] = a->address;
    a->argv[k++] = a->node_address;
    a->argv[k++] = a->node_name;
    a->argv[k++] = a->provider_options;
    a->argv[k++] = "--wsrep-cluster-name=racesim";
    a->argv[k++] = "--wsrep-sst-method=skip";   /* never needed: equal states (write_state) */
    a->argv[k++] = "--binlog-format=ROW";
    a->argv[k++] = "--innodb-autoinc-lock-mode=2";
    a->argv[k] = NULL;
    return 0;
}

/* The value of one status variable, from a SHOW STATUS row. */
struct status_value {
    char value[128];
};

static int status_row(void *ctx, size_t n, char **values)
{
    struct status_value *v = ctx;
    if (n >= 2 && values[1])
        snprintf(v->value, sizeof v->value, "%s", values[1]);
    return 0;
}

/* Reads SHOW STATUS LIKE name on conn into out (""). Returns 0 or -1. */
static int read_status(db_conn *conn, const char *name, char *out, size_t n)
{
    char sql[128];
    struct status_value v = {""};
    struct db_error e;
    snprintf(sql, sizeof sql, "SHOW STATUS LIKE '%s'", name);
    int r = mariadb_query(conn, sql, status_row, &v, &e);
    snprintf(out, n, "%s", v.value);
    return r;
}

int mariadb_cluster_wait_synced(const char *const *sockets, unsigned nodes, long long deadline_ms,
                                char *err, size_t errlen)
{
    char size[128] = "", state[128] = "";
    for (unsigned i = 0; i < nodes; i++) {
        for (;;) {
            struct db_target t = {.connect_timeout_s = 5, .io_timeout_s = 5};
            struct db_error e;
            snprintf(t.user, sizeof t.user, "root");
            snprintf(t.socket, sizeof t.socket, "%s", sockets[i]);
            db_conn *conn = mariadb_open(&t, false, &e);
            bool done = conn && read_status(conn, "wsrep_cluster_size", size, sizeof size) == 0 &&
                        read_status(conn, "wsrep_local_state_comment", state, sizeof state) == 0 &&
                        strtoul(size, NULL, 10) == nodes && strcmp(state, "Synced") == 0;
            if (conn)
                mariadb_close(conn);
            if (done)
                break;
            if (proc_now_ms() >= deadline_ms) {
                snprintf(err, errlen, "cluster node %u not synced in time (wsrep_cluster_size %s, "
                         "state %s)", i + 1, size[0] ? size : "?", state[0] ? state : "?");
                return -1;
            }
            proc_sleep_ms(SYNC_POLL_MS);
        }
    }
    return 0;
}
