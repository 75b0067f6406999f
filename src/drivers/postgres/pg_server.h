/* pg_server.h — the private throwaway PostgreSQL server racesim starts when no --dsn is given. */
#ifndef RACESIM_PG_SERVER_H
#define RACESIM_PG_SERVER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum pg_server_status {
    PG_SERVER_OK = 0,
    PG_SERVER_NO_BINARY,   /* no postgres found: message names the postgresql package and --dsn */
    PG_SERVER_FAILED,      /* found, but could not initialise or start: message says why */
};

struct pg_server_options {
    unsigned max_connections;   /* the server's max_connections, 3 of them kept for superusers
                                   (caller passes >= users + 10); 0: 100 */
    const char *run_parent;     /* where the run directory goes; NULL or "": /dev/shm when it
                                   is a tmpfs with 1 GiB free, else $TMPDIR or /tmp */
};

struct pg_server {
    pid_t pid;                  /* the postmaster; 0 when not running */
    char dir[PATH_MAX];         /* private run directory (data/, socket/), "" when none */
    char socket_dir[PATH_MAX];  /* the unix socket's directory (libpq's host=) */
    int port;                   /* names the socket: socket_dir/.s.PGSQL.<port>; no TCP */
    char user[64];              /* the superuser to connect as (trust on the socket) */
    char database[64];          /* a database that exists: "postgres" */
    char binary[PATH_MAX];      /* the postgres binary used */
    char version[128];          /* what `postgres --version` printed, trimmed */
    char os_user[64];           /* the account the server runs as (not root: see pg_server_start) */
    bool ready;                 /* completed a client's startup; until then stop SIGKILLs at once */
    bool has_dir_lock;          /* dir_lock is open: */
    int dir_lock;               /* the flock on dir's lock file, held until dir is removed */
};

/* Starts a private PostgreSQL server: finds postgres (RACESIM_POSTGRES, the binary or its bin
 * directory, overrides; else `pg_config --bindir`; else the highest /usr/lib/postgresql/N/bin),
 * initialises a template data directory once into a cache ($XDG_CACHE_HOME/racesim or
 * ~/.cache/racesim, postgres-<version>; flock-ed, so concurrent racesims initialise it once),
 * copies it into a fresh run directory (o->run_parent, or /dev/shm when it is a roomy tmpfs,
 * else $TMPDIR or /tmp) and starts postgres there on a unix socket only, without durability (fsync off: the
 * server is thrown away), then waits until a client's startup completes on the socket.
 * PostgreSQL refuses to run as root: when the effective uid is 0 the server (and initdb) run as
 * the "postgres" account if it exists, else nobody:nogroup, and own the data and socket
 * directories. The server dies with the calling thread (PR_SET_PDEATHSIG): call it from a
 * thread that outlives the server (main). The process must not reap children it did not start.
 * Returns PG_SERVER_OK, or another status with a one-line reason in err; on failure nothing it
 * created is left behind (except the cache). */
enum pg_server_status pg_server_start(struct pg_server *s, const struct pg_server_options *o,
                                      char *err, size_t errlen);

/* Stops the server (SIGINT, PostgreSQL's fast shutdown; SIGQUIT after 5 s, SIGKILL 2 s later;
 * SIGKILL at once if it never became ready or is stopped (SIGSTOP)), reaps it and removes its
 * run directory. Safe to call twice, on a zeroed struct and after a failed start. Thread-safe:
 * any thread may call it, even while another is inside pg_server_start for s (which then
 * fails). Not async-signal-safe: call it from a signal-handling thread, never a handler. */
void pg_server_stop(struct pg_server *s);

/* Like pg_server_stop, but SIGKILL at once: for an interrupt, when nothing of the run is kept. */
void pg_server_kill(struct pg_server *s);

/* Whether the running server has exited by itself: reaps it and returns its wait status (-1
 * for an exit status of 0), or 0 while it runs (or when s has none). Thread-safe. */
int pg_server_exited(struct pg_server *s);

/* Copies *s into *copy under the lock pg_server_stop takes. Never fails. */
void pg_server_snapshot(struct pg_server *s, struct pg_server *copy);

#endif
