/* server.h — the private throwaway server racesim starts when no --dsn is given (the driver's). */
#ifndef RACESIM_SERVER_H
#define RACESIM_SERVER_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

enum server_status {
    SERVER_OK = 0,
    SERVER_NO_BINARY,      /* no server binary found: message names the package and --dsn */
    SERVER_FAILED,         /* found, but could not initialise or start: message says why */
};

#define SERVER_NODES_MAX 8          /* the most nodes a private cluster may have */

struct server_options {
    unsigned max_connections;   /* the server's max_connections (caller passes >= users + 10) */
    unsigned nodes;             /* 0 or 1: one server; 2..SERVER_NODES_MAX: a private cluster */
};

struct server {
    pid_t pid;                  /* 0 when not running */
    char dir[PATH_MAX];         /* private temp directory (data dir + socket), "" when none */
    char socket[PATH_MAX];      /* unix socket to connect to */
    char binary[PATH_MAX];      /* the server binary used */
    char version[128];          /* what `binary --version` printed, trimmed */
    char user[64];              /* the account to connect as; "": root */
    bool ready;                 /* greeted a client; until then server_stop SIGKILLs at once */
    bool has_dir_lock;          /* dir_lock is open: */
    int dir_lock;               /* the flock on dir's lock file, held until dir is removed, so a
                                   later run can tell this directory from one a dead run left */
    unsigned nodes;             /* a private cluster: its nodes (pid, socket: node 1's); else 0 */
    pid_t node_pid[SERVER_NODES_MAX];          /* 0: not running (stopped or lost) */
    char node_socket[SERVER_NODES_MAX][108];   /* each node's unix socket */
};

/* Starts the selected driver's private server (MariaDB: finds mariadbd or mysqld,
 * RACESIM_MYSQLD overrides), initialises a
 * data directory once into a cache ($XDG_CACHE_HOME/racesim or ~/.cache/racesim), copies it into
 * a fresh temp directory, starts the server there on a unix socket with --skip-networking, and
 * waits until it greets a client on the socket. The server dies with this process
 * (PR_SET_PDEATHSIG), more exactly with the calling thread: call it from a thread that outlives
 * the server (main).
 * The process must not reap children it did not start (no SIGCHLD SIG_IGN, no wait(-1)).
 * Returns SERVER_OK, or another status with a one-line reason in err; on failure nothing it
 * created is left behind (except the cache, and an installer log there if initialising failed). */
enum server_status server_start(struct server *s, const struct server_options *o,
                                char *err, size_t errlen);

/* Stops the server (SIGTERM, then SIGKILL after 10 s; SIGKILL at once if it never became
 * ready, as a server still starting may ignore SIGTERM, or if it is stopped (SIGSTOP)), reaps it and removes its temp
 * directory. Safe to call twice, on a zeroed struct and after a failed server_start. Thread-safe:
 * any thread may call it, even while another is still inside server_start for s (that start then
 * fails). Not async-signal-safe (locks a mutex, waits): call it from a signal-handling thread
 * (sigwait), never from a signal handler. */
void server_stop(struct server *s);

/* Like server_stop, but SIGKILL at once: for an interrupt, when nothing of the run is kept. */
void server_kill(struct server *s);

/* Whether the running server s has exited by itself (killed, crashed): reaps it and returns its
 * wait status (-1 for an exit status of 0), or 0 while it runs (or when s has none). The
 * temp directory stays for server_stop to remove. Thread-safe like server_stop. */
int server_exited(struct server *s);

/* Kills node `node` (0-based) of the running private cluster s at once (SIGKILL, no shutdown:
 * a crash, as a fault to survive) and reaps it; the others go on, and its directory stays for
 * server_stop to remove. Thread-safe like server_stop. Returns 0, or -1 with a one-line reason
 * in err (s is no cluster, no such node, the node is not running, or the engine has none). */
int server_kill_node(struct server *s, unsigned node, char *err, size_t errlen);

/* Copies *s into *copy under the lock server_stop takes, so a thread can read the server's
 * fields while another may stop it. Never fails. */
void server_snapshot(struct server *s, struct server *copy);

#endif
