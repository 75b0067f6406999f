/* server.c — finds, initialises (cached), starts and stops the private MariaDB/MySQL server. */
#include "mariadb.h"
#include "fsutil.h"
#include "proc.h"
#include "rundir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define POLL_MS 20                  /* readiness / exit polling interval */
#define READY_TIMEOUT_MS 30000      /* give up on a server that is not ready after this */
#define STOP_TIMEOUT_MS 10000       /* SIGTERM grace period before SIGKILL */
#define STALE_INIT_S 3600           /* a cache tmp-* dir this old belongs to a dead process */
#define SOCKET_PATH_LIMIT 100      /* keep DIR/sock well below sun_path's 108 bytes */
#define INNODB_LOG_SIZE "--innodb-log-file-size=16M"

#define INSTALL_HINT "install mariadb-server (apt-get install mariadb-server), " \
                     "or point racesim at a server with --dsn=mysql://user@host:port/db"

/* Serialises server_stop with itself and with the parts of server_start that publish or reap
 * the child, so a signal-handling thread may stop a server another thread is starting. */
static pthread_mutex_t server_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- small helpers ---------------------------------------------------------------------- */

/* Writes a one-line message into err (truncating quietly) and returns status. */
static enum server_status fail(enum server_status status, char *err, size_t errlen,
                               const char *f, ...) __attribute__((format(printf, 4, 5)));
static enum server_status fail(enum server_status status, char *err, size_t errlen,
                               const char *f, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, f);
        vsnprintf(err, errlen, f, ap);
        va_end(ap);
    }
    return status;
}

/* Stops our child pid: SIGTERM, up to STOP_TIMEOUT_MS, then SIGKILL (at once when not
 * graceful, or when it is stopped and so cannot shut down); always reaps it. A pid that
 * already exited or is no longer our child (so could be reused) is never signalled. */
static void terminate(pid_t pid, bool graceful)
{
    int st;
    if (waitpid(pid, &st, WNOHANG) != 0)
        return;
    if (graceful && !proc_is_stopped(pid) && kill(pid, SIGTERM) == 0
        && proc_wait_exit(pid, STOP_TIMEOUT_MS, &st))
        return;
    kill(pid, SIGKILL);
    proc_reap(pid);
}

/* Stops the cluster nodes pids[0..n) together (SIGTERM to all, then SIGKILL to those still
 * running after STOP_TIMEOUT_MS), reaping each; clears the pids. */
static void terminate_nodes(pid_t *pids, unsigned n, bool graceful)
{
    int st;
    for (unsigned i = 0; i < n; i++)
        if (pids[i] > 0 && waitpid(pids[i], &st, WNOHANG) != 0)
            pids[i] = 0;
    for (unsigned i = 0; i < n; i++)
        if (pids[i] > 0)
            kill(pids[i], graceful && !proc_is_stopped(pids[i]) ? SIGTERM : SIGKILL);
    long long deadline = proc_now_ms() + STOP_TIMEOUT_MS;
    for (unsigned i = 0; i < n; i++) {
        if (pids[i] <= 0)
            continue;
        long left = (long)(deadline - proc_now_ms());
        if (!proc_wait_exit(pids[i], left > 0 ? left : 0, &st)) {
            kill(pids[i], SIGKILL);
            proc_reap(pids[i]);
        }
        pids[i] = 0;
    }
}

/* ---- finding the server ----------------------------------------------------------------- */

static enum server_status find_binary(char *out, size_t n, char *err, size_t errlen)
{
    const char *env = getenv("RACESIM_MYSQLD");
    if (env && *env) {
        if (!fs_is_executable(env))
            return fail(SERVER_NO_BINARY, err, errlen,
                        "RACESIM_MYSQLD=%s is not an executable file: " INSTALL_HINT, env);
        if (env[0] == '/' ? fs_fmt(out, n, "%s", env) != 0 : realpath(env, out) == NULL)
            return fail(SERVER_NO_BINARY, err, errlen, "RACESIM_MYSQLD=%s: %s",
                        env, strerror(errno));
        return SERVER_OK;
    }
    if (fs_find_in_path("mariadbd", out, n) || fs_find_in_path("mysqld", out, n))
        return SERVER_OK;
    static const char *const fixed[] = { "/usr/sbin/mariadbd", "/usr/sbin/mysqld",
                                         "/usr/libexec/mysqld" };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (fs_is_executable(fixed[i]) && fs_fmt(out, n, "%s", fixed[i]) == 0)
            return SERVER_OK;
    return fail(SERVER_NO_BINARY, err, errlen,
                "no MariaDB/MySQL server binary found: " INSTALL_HINT);
}

static enum server_status read_version(struct server *s, char *err, size_t errlen)
{
    char *argv[] = { s->binary, "--no-defaults", "--version", NULL };
    int st = proc_run_capture(s->binary, argv, s->version, sizeof s->version);
    if (st != 0 || !s->version[0]) {
        char how[64];
        proc_describe_status(st, how, sizeof how);
        return fail(SERVER_FAILED, err, errlen, "`%s --version` failed (%s)", s->binary, how);
    }
    return SERVER_OK;
}

static bool is_mariadb(const struct server *s)
{
    return strstr(s->version, "MariaDB") != NULL;
}

/* ---- the cached, initialised data directory --------------------------------------------- */

/* The version number from "mariadbd  Ver 10.11.6-MariaDB ..." (else the whole string), with
 * anything but [A-Za-z0-9._-] turned into '_': safe as part of a file name. */
static void cache_key(const char *version, char *out, size_t n)
{
    const char *v = strstr(version, "Ver ");
    v = v ? v + 4 : version;
    size_t len = strcspn(v, " \t");
    if (len > 100)
        len = 100;
    if (len >= n)
        len = n - 1;
    for (size_t i = 0; i < len; i++) {
        char c = v[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == '-';
        out[i] = ok ? c : '_';
    }
    out[len] = '\0';
}

/* Finds mariadb-install-db / mysql_install_db next to the binary (., ../bin, ../scripts) or in
 * PATH. */
static bool find_installer(const char *binary, char *out, size_t n)
{
    static const char *const names[] = { "mariadb-install-db", "mysql_install_db" };
    static const char *const rel[] = { "", "/../bin", "/../scripts" };
    char dir[PATH_MAX];
    if (fs_fmt(dir, sizeof dir, "%s", binary) != 0)
        return false;
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        for (size_t j = 0; slash && j < sizeof rel / sizeof rel[0]; j++)
            if (fs_fmt(out, n, "%s%s/%s", dir, rel[j], names[i]) == 0 && fs_is_executable(out))
                return true;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (fs_find_in_path(names[i], out, n))
            return true;
    return false;
}

/* The environment the server and its installer get: environ less MYSQLD_BOOTSTRAP and glibc's
 * malloc debugging knobs (test harnesses such as meson set MALLOC_PERTURB_ at random; with it
 * mariadb-install-db failed now and then on a busy machine), plus var when not NULL. Returns a
 * malloc'd array (strings borrowed; var must outlive it) or NULL. */
static char **server_env(const char *var)
{
    size_t count = 0;
    while (environ[count])
        count++;
    char **env = calloc(count + 2, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < count; i++)
        if (strncmp(environ[i], "MYSQLD_BOOTSTRAP=", 17) != 0
            && strncmp(environ[i], "MALLOC_PERTURB_=", 16) != 0
            && strncmp(environ[i], "MALLOC_CHECK_=", 14) != 0)
            env[k++] = environ[i];
    if (var)
        env[k] = (char *)var;
    return env;
}

/* Runs the initialiser into datadir with its output in log_path. Returns the wait status (0 on
 * success) or -1; tool gets the program that ran ("" when no installer was found). */
static int run_installer(const struct server *s, const char *datadir, const char *log_path,
                         char *tool, size_t n)
{
    char datadir_opt[PATH_MAX + 16], tmpdir_opt[PATH_MAX + 16], boot[PATH_MAX + 32];
    char *user = geteuid() == 0 ? "--user=root" : NULL;
    /* the bootstrap server's temp files go into datadir's parent, not /tmp: a server starting
     * deletes every #sql file in its tmpdir, those of another server using it included */
    const char *slash = strrchr(datadir, '/');
    int parent = slash && slash > datadir ? (int)(slash - datadir) : 1;
    if (fs_fmt(datadir_opt, sizeof datadir_opt, "--datadir=%s", datadir) != 0 ||
        fs_fmt(tmpdir_opt, sizeof tmpdir_opt, "--tmpdir=%.*s", parent, datadir) != 0 ||
        fs_fmt(boot, sizeof boot, "MYSQLD_BOOTSTRAP=%s", s->binary) != 0)
        return -1;
    if (!is_mariadb(s)) {   /* MySQL 5.7+: the server initialises itself */
        fs_fmt(tool, n, "%s --initialize-insecure", s->binary);
        char *argv[] = { (char *)s->binary, "--no-defaults", "--initialize-insecure",
                         datadir_opt, tmpdir_opt, INNODB_LOG_SIZE, user, NULL };
        char **env = server_env(NULL);
        int st = env ? proc_run_logged(NULL, s->binary, argv, env, log_path) : -1;
        free(env);
        return st;
    }
    if (!find_installer(s->binary, tool, n)) {
        tool[0] = '\0';
        errno = ENOENT;
        return -1;
    }
    char **env = server_env(boot);
    if (!env)
        return -1;
    char *argv[] = { tool, "--no-defaults", datadir_opt, tmpdir_opt,
                     "--auth-root-authentication-method=normal", "--skip-test-db", INNODB_LOG_SIZE,
                     user, NULL };
    int st = proc_run_logged(NULL, tool, argv, env, log_path);
    free(env);
    return st;
}

/* Initialises a fresh data directory in a temp dir under root and renames it to final. If
 * another process got there first, its copy wins and ours is removed. */
static enum server_status init_cache(const struct server *s, const char *root, const char *key,
                                     const char *final, char *err, size_t errlen)
{
    char tmp[PATH_MAX], data[PATH_MAX], log[PATH_MAX], kept[PATH_MAX], tool[PATH_MAX + 32];
    if (fs_fmt(tmp, sizeof tmp, "%s/tmp-XXXXXX", root) != 0 || !mkdtemp(tmp))
        return fail(SERVER_FAILED, err, errlen, "cannot create a directory in %s: %s",
                    root, strerror(errno));
    if (fs_fmt(data, sizeof data, "%s/data", tmp) != 0 ||
        fs_fmt(log, sizeof log, "%s/install.log", tmp) != 0 ||
        fs_fmt(kept, sizeof kept, "%s/install-%s.log", root, key) != 0) {
        rundir_remove(tmp);
        return fail(SERVER_FAILED, err, errlen, "cache path too long under %s", root);
    }
    int st = run_installer(s, data, log, tool, sizeof tool);
    if (st > 0) {             /* failed once on a loaded machine: a second try from scratch */
        rundir_remove(data);
        st = run_installer(s, data, log, tool, sizeof tool);
    }
    if (st != 0) {
        int saved = errno;
        char line[512], how[64];
        fs_log_last_line(log, line, sizeof line);
        proc_describe_status(st, how, sizeof how);
        bool have_log = rename(log, kept) == 0;
        rundir_remove(tmp);
        if (st < 0 && !tool[0])
            return fail(SERVER_FAILED, err, errlen, "no mariadb-install-db or mysql_install_db "
                        "next to %s or in PATH (both come with mariadb-server)", s->binary);
        if (st < 0)
            return fail(SERVER_FAILED, err, errlen, "cannot run %s: %s", tool, strerror(saved));
        return fail(SERVER_FAILED, err, errlen, "initialising a data directory with %s failed "
                    "(%s; log: %s): %s", tool, how, have_log ? kept : "lost", line);
    }
    if (rename(data, final) != 0 && errno != EEXIST && errno != ENOTEMPTY) {
        int saved = errno;
        rundir_remove(tmp);
        return fail(SERVER_FAILED, err, errlen, "cannot rename %s to %s: %s",
                    data, final, strerror(saved));
    }
    rundir_remove(tmp);   /* also our copy of data when another process won the rename */
    return SERVER_OK;
}

/* Removes tmp-* directories under root older than STALE_INIT_S: initialisations whose process
 * died (a live one takes seconds, so an old one is never still in use). Ignores errors. */
static void sweep_stale(const char *root)
{
    DIR *d = opendir(root);
    if (!d)
        return;
    time_t now = time(NULL);
    for (struct dirent *e; (e = readdir(d)) != NULL; ) {
        char path[PATH_MAX];
        struct stat st;
        if (strncmp(e->d_name, "tmp-", 4) == 0 &&
            fs_fmt(path, sizeof path, "%s/%s", root, e->d_name) == 0 &&
            lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && now - st.st_mtime > STALE_INIT_S)
            rundir_remove(path);
    }
    closedir(d);
}

/* Fills datadir with the cached, initialised data directory for this server version,
 * creating it first if needed. */
static enum server_status ensure_cache(const struct server *s, char *datadir, size_t n,
                                       char *err, size_t errlen)
{
    char root[PATH_MAX], key[128];
    if (fs_cache_root(root, sizeof root, err, errlen) != 0)
        return SERVER_FAILED;
    enum server_status r;
    sweep_stale(root);
    cache_key(s->version, key, sizeof key);
    if (fs_fmt(datadir, n, "%s/datadir-%s", root, key) != 0)
        return fail(SERVER_FAILED, err, errlen, "cache path too long under %s", root);
    if (fs_is_dir(datadir))
        return SERVER_OK;
    /* one initialiser at a time (two bootstraps at once were seen failing on a loaded
     * machine): the others wait, then find the cache ready */
    char lock[PATH_MAX];
    int fd = fs_fmt(lock, sizeof lock, "%s/init.lock", root) == 0
                 ? open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;
    if (fd >= 0)
        while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
            ;
    r = fs_is_dir(datadir) ? SERVER_OK : init_cache(s, root, key, datadir, err, errlen);
    if (fd >= 0)
        close(fd);                      /* releases the lock */
    return r;
}

/* ---- one run ---------------------------------------------------------------------------- */

/* mkdtemp racesim-XXXXXX in $TMPDIR (when short enough for the socket path) or /tmp, locked for
 * this process (*lock_fd), after removing what dead runs left there. */
static enum server_status make_run_dir(char *out, size_t n, int *lock_fd, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    const char *suffix = "/" RUNDIR_PREFIX "XXXXXX/sock";
    if (!tmp || tmp[0] != '/' || strlen(tmp) + strlen(suffix) >= SOCKET_PATH_LIMIT)
        tmp = "/tmp";
    rundir_sweep(tmp, NULL);
    int r = rundir_create(tmp, out, n, lock_fd);
    if (r == -1)
        return fail(SERVER_FAILED, err, errlen, "cannot create a directory in %s: %s",
                    tmp, strerror(errno));
    if (r != 0) {
        int saved = errno;
        fail(SERVER_FAILED, err, errlen, "cannot lock the directory %s: %s", out, strerror(saved));
        out[0] = '\0';
        return SERVER_FAILED;
    }
    return SERVER_OK;
}

/* cp -a --reflink=auto cached dir/data, with cp's complaints in dir/error.log. */
static enum server_status copy_data(const char *cached, const char *dir, char *err, size_t errlen)
{
    char cp[PATH_MAX], data[PATH_MAX], log[PATH_MAX];
    if (!fs_find_in_path("cp", cp, sizeof cp))
        fs_fmt(cp, sizeof cp, "/bin/cp");
    if (fs_fmt(data, sizeof data, "%s/data", dir) != 0 ||
        fs_fmt(log, sizeof log, "%s/error.log", dir) != 0)
        return fail(SERVER_FAILED, err, errlen, "path too long: %s", dir);
    char *argv[] = { cp, "-a", "--reflink=auto", (char *)cached, data, NULL };
    int st = proc_run_logged(NULL, cp, argv, environ, log);
    if (st < 0)
        return fail(SERVER_FAILED, err, errlen, "cannot run %s: %s", cp, strerror(errno));
    if (st != 0) {
        char line[512], how[64];
        fs_log_last_line(log, line, sizeof line);
        proc_describe_status(st, how, sizeof how);
        return fail(SERVER_FAILED, err, errlen, "copying %s failed (%s): %s", cached, how, line);
    }
    return SERVER_OK;
}

/* The server's command line; argv points into the other fields. */
struct server_args {
    char datadir[PATH_MAX + 16], socket[PATH_MAX + 16], pid[PATH_MAX + 16];
    char log[PATH_MAX + 16], tmpdir[PATH_MAX + 16], maxconn[48], maxstmt[48];
    char *argv[40];
};

/* The server's command line for a server in dir; with c, that of cluster node `node`. */
static int build_args(const struct server *s, const char *dir, unsigned max_conn,
                      const struct mariadb_cluster *c, unsigned node, struct server_args *a,
                      struct mariadb_cluster_args *ca)
{
    if (fs_fmt(a->datadir, sizeof a->datadir, "--datadir=%s/data", dir) != 0 ||
        fs_fmt(a->socket, sizeof a->socket, "--socket=%s/sock", dir) != 0 ||
        fs_fmt(a->pid, sizeof a->pid, "--pid-file=%s/pid", dir) != 0 ||
        fs_fmt(a->log, sizeof a->log, "--log-error=%s/error.log", dir) != 0 ||
        fs_fmt(a->tmpdir, sizeof a->tmpdir, "--tmpdir=%s", dir) != 0)
        return -1;
    fs_fmt(a->maxconn, sizeof a->maxconn, "--max-connections=%u", max_conn);
    /* room for 256 prepared statements per connection (the default, 16382, stops a
     * 6-statement strategy near 2,700 buyers); 4194304 is the most MySQL accepts */
    unsigned long long stmts = (unsigned long long)max_conn * 256;
    fs_fmt(a->maxstmt, sizeof a->maxstmt, "--max-prepared-stmt-count=%llu",
        stmts < 16382 ? 16382 : stmts > 4194304 ? 4194304 : stmts);
    char **v = a->argv;
    *v++ = (char *)s->binary;
    *v++ = "--no-defaults";            /* must come first: never read any my.cnf */
    *v++ = a->datadir; *v++ = a->socket; *v++ = a->pid; *v++ = a->log; *v++ = a->tmpdir;
    *v++ = "--skip-networking";
    if (max_conn > 0)
        *v++ = a->maxconn;
    *v++ = a->maxstmt;
    *v++ = "--innodb-buffer-pool-size=64M";
    *v++ = "--innodb-flush-log-at-trx-commit=2";
    *v++ = INNODB_LOG_SIZE;
    *v++ = "--loose-skip-log-bin";     /* loose-: ignored (with a warning) if not accepted */
    if (is_mariadb(s))
        *v++ = "--innodb-temp-data-file-path=ibtmp1:1M:autoextend";   /* no 12M write at start */
    else
        *v++ = "--loose-mysqlx=OFF";   /* MySQL 8: no X protocol port or /tmp/mysqlx.sock */
    if (geteuid() == 0)
        *v++ = "--user=root";
    if (c) {
        if (mariadb_cluster_args(c, node, ca) != 0)
            return -1;
        for (char **w = ca->argv; *w; w++)
            *v++ = *w;
    }
    *v = NULL;
    return 0;
}

/* Copies the cached data dir in and forks the server (output in dir/error.log), publishing its
 * pid in *pid, unless s was stopped meanwhile; with c, as cluster node `node` (its Galera state
 * written into the copy). Holds the lock throughout, so a concurrent stop waits for the copy
 * (tens of ms) instead of racing cp for the directory. */
static enum server_status copy_and_spawn(struct server *s, pid_t *pid, const char *cached,
                                         const char *dir, unsigned max_conn,
                                         const struct mariadb_cluster *c, unsigned node,
                                         char *err, size_t errlen)
{
    struct server_args a;
    struct mariadb_cluster_args ca;
    char log[PATH_MAX], data[PATH_MAX];
    if (build_args(s, dir, max_conn, c, node, &a, &ca) != 0 ||
        fs_fmt(log, sizeof log, "%s/error.log", dir) != 0 ||
        fs_fmt(data, sizeof data, "%s/data", dir) != 0)
        return fail(SERVER_FAILED, err, errlen, "path too long: %s", dir);
    pthread_mutex_lock(&server_lock);
    enum server_status r = s->dir[0] ? copy_data(cached, dir, err, errlen)
                                     : fail(SERVER_FAILED, err, errlen,
                                            "server stopped while starting");
    if (r == SERVER_OK && c && mariadb_cluster_write_state(c, node, data, err, errlen) != 0)
        r = SERVER_FAILED;
    int fd = r == SERVER_OK ? open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
    if (r == SERVER_OK && fd < 0)
        r = fail(SERVER_FAILED, err, errlen, "cannot open %s: %s", log, strerror(errno));
    char **env = r == SERVER_OK ? server_env(NULL) : NULL;
    if (r == SERVER_OK && (!env || (*pid = proc_spawn(NULL, s->binary, a.argv, env, fd)) < 0)) {
        *pid = 0;
        r = fail(SERVER_FAILED, err, errlen, "cannot fork: %s", strerror(errno));
    }
    free(env);
    pthread_mutex_unlock(&server_lock);
    if (fd >= 0)
        close(fd);
    return r;
}

/* Non-blocking connect to the unix socket at path: the fd, or -1 when nothing listens yet. */
static int probe_connect(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISSOCK(st.st_mode) ||
        fs_fmt(addr.sun_path, sizeof addr.sun_path, "%s", path) != 0)
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Advances the readiness probe: connects once the socket exists, then waits on that one
 * connection for the server's greeting (or error) packet. The socket accepts connect(2) as
 * soon as the server listens, well before it serves them or handles SIGTERM (MariaDB 10.11
 * can hang for good on a SIGTERM in that window), so only a greeting means ready. */
static bool probe_ready(const char *path, int *probe)
{
    if (*probe < 0 && (*probe = probe_connect(path)) < 0)
        return false;
    char buf[256];
    ssize_t got = recv(*probe, buf, sizeof buf, MSG_DONTWAIT);
    if (got >= 5)   /* 4-byte packet header plus at least a protocol version or 0xff */
        return true;
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        close(*probe);   /* closed on us: try a new connection next time */
        *probe = -1;
    }
    return false;
}

/* One readiness check under the lock of the server *pid on socket: 1 ready, 0 not yet, -1
 * failed (err filled). */
static int check_ready(struct server *s, pid_t *pid, const char *socket, const char *log,
                       int *probe, char *err, size_t errlen)
{
    char line[512], how[64];
    int st;
    if (*pid == 0 || !s->dir[0]) {
        fail(SERVER_FAILED, err, errlen, "server stopped while starting");
        return -1;
    }
    pid_t r = waitpid(*pid, &st, WNOHANG);
    if (r == 0)
        return probe_ready(socket, probe) ? 1 : 0;
    *pid = 0;
    fs_log_last_line(log, line, sizeof line);
    proc_describe_status(r < 0 ? -1 : st, how, sizeof how);
    fail(SERVER_FAILED, err, errlen, "%s exited while starting (%s): %s", s->binary, how, line);
    return -1;
}

/* Polls every POLL_MS until the server *pid (in dir, on socket) greets a client, exits, or
 * READY_TIMEOUT_MS. */
static enum server_status wait_ready(struct server *s, pid_t *pid, const char *socket,
                                     const char *dir, char *err, size_t errlen)
{
    char log[PATH_MAX], line[512];
    int probe = -1, r = 0;
    if (fs_fmt(log, sizeof log, "%s/error.log", dir) != 0)
        return fail(SERVER_FAILED, err, errlen, "path too long: %s", dir);
    for (long long deadline = proc_now_ms() + READY_TIMEOUT_MS; r == 0 && proc_now_ms() < deadline; ) {
        pthread_mutex_lock(&server_lock);
        r = check_ready(s, pid, socket, log, &probe, err, errlen);
        pthread_mutex_unlock(&server_lock);
        if (r == 0)
            proc_sleep_ms(POLL_MS);
    }
    if (probe >= 0)
        close(probe);
    if (r != 0)
        return r > 0 ? SERVER_OK : SERVER_FAILED;
    fs_log_last_line(log, line, sizeof line);
    return fail(SERVER_FAILED, err, errlen, "server not ready on %s after %d s: %s",
                socket, READY_TIMEOUT_MS / 1000, line);
}

/* Starts cluster node `node` of c in dir/nK and waits for its greeting: its pid and socket
 * published in s. */
static enum server_status start_node(struct server *s, const struct mariadb_cluster *c,
                                     unsigned node, const char *cached, const char *dir,
                                     unsigned max_conn, char *err, size_t errlen)
{
    char node_dir[PATH_MAX];
    if (fs_fmt(node_dir, sizeof node_dir, "%s/n%u", dir, node + 1) != 0 ||
        fs_fmt(s->node_socket[node], sizeof s->node_socket[node], "%s/sock", node_dir) != 0)
        return fail(SERVER_FAILED, err, errlen, "path too long: %s", dir);
    if (mkdir(node_dir, 0700) != 0)
        return fail(SERVER_FAILED, err, errlen, "cannot create %s: %s", node_dir, strerror(errno));
    return copy_and_spawn(s, &s->node_pid[node], cached, node_dir, max_conn, c, node, err, errlen);
}

/* Starts a private Galera cluster of o->nodes nodes in dir (node K in dir/nK), all at once,
 * and waits until each greets a client and all say Synced in one primary component. */
static enum server_status start_cluster(struct server *s, const char *cached, const char *dir,
                                        const struct server_options *o, char *err, size_t errlen)
{
    struct mariadb_cluster c;
    if (mariadb_cluster_plan(&c, o->nodes, err, errlen) != 0)
        return SERVER_FAILED;
    pthread_mutex_lock(&server_lock);
    s->nodes = o->nodes;
    pthread_mutex_unlock(&server_lock);
    enum server_status r = SERVER_OK;
    for (unsigned i = 0; i < c.nodes && r == SERVER_OK; i++)
        r = start_node(s, &c, i, cached, dir, o->max_connections, err, errlen);
    for (unsigned i = 0; i < c.nodes && r == SERVER_OK; i++) {
        char node_dir[PATH_MAX];
        fs_fmt(node_dir, sizeof node_dir, "%s/n%u", dir, i + 1);
        r = wait_ready(s, &s->node_pid[i], s->node_socket[i], node_dir, err, errlen);
    }
    const char *sockets[SERVER_NODES_MAX];
    for (unsigned i = 0; i < c.nodes; i++)
        sockets[i] = s->node_socket[i];
    if (r == SERVER_OK &&
        mariadb_cluster_wait_synced(sockets, c.nodes, proc_now_ms() + READY_TIMEOUT_MS,
                                    err, errlen) != 0)
        r = SERVER_FAILED;
    pthread_mutex_lock(&server_lock);
    s->pid = s->node_pid[0];
    fs_fmt(s->socket, sizeof s->socket, "%s", s->node_socket[0]);
    s->ready = r == SERVER_OK;
    pthread_mutex_unlock(&server_lock);
    return r;
}

/* Creates the run directory and publishes it (and the socket path) in s. server_lock is held
 * from before the mkdtemp to the publication, so a signal's server_kill in between waits and
 * then removes the directory (it never sees a directory that exists but is not in s). */
static enum server_status publish_run_dir(struct server *s, char *dir, size_t n,
                                          char *err, size_t errlen)
{
    int lock_fd;
    pthread_mutex_lock(&server_lock);
    enum server_status r = make_run_dir(dir, n, &lock_fd, err, errlen);
    if (r != SERVER_OK) {
        pthread_mutex_unlock(&server_lock);
        return r;
    }
    s->dir_lock = lock_fd;
    s->has_dir_lock = true;
    fs_fmt(s->dir, sizeof s->dir, "%s", dir);
    fs_fmt(s->socket, sizeof s->socket, "%s/sock", dir);
    pthread_mutex_unlock(&server_lock);
    return SERVER_OK;
}

/* ---- public API ------------------------------------------------------------------------- */

/* See server.h. The run directory is made and published first, so a concurrent server_stop
 * at any later point clears s->dir, which makes this start fail and clean up. */
enum server_status mariadb_server_start(struct server *s, const struct server_options *o,
                                char *err, size_t errlen)
{
    char cached[PATH_MAX], dir[PATH_MAX];
    pthread_mutex_lock(&server_lock);
    memset(s, 0, sizeof *s);
    pthread_mutex_unlock(&server_lock);
    if (err && errlen)
        err[0] = '\0';
    enum server_status r = publish_run_dir(s, dir, sizeof dir, err, errlen);
    if (r == SERVER_OK)
        r = find_binary(s->binary, sizeof s->binary, err, errlen);
    if (r == SERVER_OK)
        r = read_version(s, err, errlen);
    if (r == SERVER_OK)
        r = ensure_cache(s, cached, sizeof cached, err, errlen);
    if (r == SERVER_OK && o && o->nodes >= 2)
        r = start_cluster(s, cached, dir, o, err, errlen);
    else {
        if (r == SERVER_OK)
            r = copy_and_spawn(s, &s->pid, cached, dir, o ? o->max_connections : 0, NULL, 0,
                               err, errlen);
        if (r == SERVER_OK)
            r = wait_ready(s, &s->pid, s->socket, dir, err, errlen);
        pthread_mutex_lock(&server_lock);
        s->ready = r == SERVER_OK;
        pthread_mutex_unlock(&server_lock);
    }
    if (r != SERVER_OK)
        mariadb_server_stop(s);
    return r;
}

/* See server.h. */
void mariadb_server_snapshot(struct server *s, struct server *copy)
{
    pthread_mutex_lock(&server_lock);
    *copy = *s;
    pthread_mutex_unlock(&server_lock);
}

/* Stops s, gracefully when asked and it is ready. Holds server_lock throughout, so concurrent
 * calls run one after the other. */
static void stop(struct server *s, bool graceful)
{
    pthread_mutex_lock(&server_lock);
    if (s->nodes)   /* a throwaway cluster: a graceful leave of each node only costs seconds */
        terminate_nodes(s->node_pid, s->nodes, false);
    else if (s->pid > 0)
        terminate(s->pid, graceful && s->ready);
    s->pid = 0;
    s->ready = false;
    rundir_remove(s->dir);
    if (s->has_dir_lock)
        close(s->dir_lock);             /* after the removal: until then the directory is ours */
    s->has_dir_lock = false;
    s->dir[0] = '\0';
    s->socket[0] = '\0';
    pthread_mutex_unlock(&server_lock);
}

/* See server.h. */
void mariadb_server_stop(struct server *s)
{
    stop(s, true);
}

/* See server.h. */
void mariadb_server_kill(struct server *s)
{
    stop(s, false);
}

/* See server.h. */
int mariadb_server_exited(struct server *s)
{
    pthread_mutex_lock(&server_lock);
    int st = 0, r = 0;
    for (unsigned i = 0; i < s->nodes && !r; i++)
        if (s->node_pid[i] > 0 && waitpid(s->node_pid[i], &st, WNOHANG) == s->node_pid[i]) {
            s->node_pid[i] = 0;
            r = st ? st : -1;
        }
    if (!s->nodes && s->pid > 0 && waitpid(s->pid, &st, WNOHANG) == s->pid) {
        s->pid = 0;
        s->ready = false;
        r = st ? st : -1;
    }
    pthread_mutex_unlock(&server_lock);
    return r;
}

/* See server.h. */
int mariadb_server_kill_node(struct server *s, unsigned node, char *err, size_t errlen)
{
    pthread_mutex_lock(&server_lock);
    unsigned nodes = s->nodes;
    pid_t pid = node < nodes ? s->node_pid[node] : 0;
    if (pid > 0) {
        kill(pid, SIGKILL);
        proc_reap(pid);
        s->node_pid[node] = 0;
    }
    pthread_mutex_unlock(&server_lock);
    if (pid > 0)
        return 0;
    if (node >= nodes)
        snprintf(err, errlen, "no cluster node %u to kill (%u nodes)", node + 1, nodes);
    else
        snprintf(err, errlen, "cluster node %u is not running", node + 1);
    return -1;
}
