/* pg_server.c — finds, initialises (cached), starts and stops the private PostgreSQL server. */
#include "pg_server.h"
#include "fsutil.h"
#include "proc.h"
#include "rundir.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define POLL_MS 10                  /* readiness / exit polling interval */
#define READY_TIMEOUT_MS 30000      /* give up on a server that is not ready after this */
#define FAST_STOP_MS 5000           /* SIGINT (fast shutdown) grace, then SIGQUIT (immediate) */
#define QUIT_STOP_MS 2000           /* SIGQUIT grace, then SIGKILL */
#define PG_PORT 5432                /* only names the socket file: each run has its own dir */
#define PG_SUPERUSER "racesim"
#define PG_DATABASE "postgres"
#define SOCKET_PATH_LIMIT 90        /* DIR/socket/.s.PGSQL.5432 within sun_path's 108 bytes */
#define SHM_DIR "/dev/shm"
#define SHM_MIN_FREE (1ULL << 30)   /* run on /dev/shm only when it has 1 GiB free */
#define TMPFS_MAGIC_NUMBER 0x01021994

#define INSTALL_HINT "install postgresql (apt-get install postgresql), set RACESIM_POSTGRES " \
                     "to the postgres binary or its bin directory, " \
                     "or point racesim at a server with --dsn"

/* Serialises pg_server_stop with itself and with the parts of pg_server_start that publish or
 * reap the child, so a signal-handling thread may stop a server another thread is starting. */
static pthread_mutex_t pg_lock = PTHREAD_MUTEX_INITIALIZER;

/* Who initdb and postgres run as: ourselves, or (as root) an unprivileged account. */
struct run_as {
    struct proc_account id;     /* drop when euid is 0: the child switches to id.uid/id.gid */
    char name[64];
};

/* ---- small helpers ---------------------------------------------------------------------- */

/* Writes a one-line message into err (truncating quietly) and returns status. */
static enum pg_server_status fail(enum pg_server_status status, char *err, size_t errlen,
                                  const char *f, ...) __attribute__((format(printf, 4, 5)));
static enum pg_server_status fail(enum pg_server_status status, char *err, size_t errlen,
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

/* ---- child processes -------------------------------------------------------------------- */

/* Describes a wait status; 126 is the child's "could not switch to the account". */
static void describe_status(int st, char *out, size_t n)
{
    proc_describe_status(st, out, n);
    if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 126)
        fs_fmt(out, n, "exit status 126: could not switch to the server's account");
}

/* Stops the postmaster pid, our child: SIGINT (fast shutdown: backends end, a checkpoint),
 * SIGQUIT (immediate) after FAST_STOP_MS, SIGKILL after QUIT_STOP_MS more; SIGKILL at once when
 * not graceful or when it is stopped and so cannot shut down. Always reaps it. A pid that
 * already exited or is no longer our child (so could be reused) is never signalled. */
static void terminate(pid_t pid, bool graceful)
{
    int st;
    if (waitpid(pid, &st, WNOHANG) != 0)
        return;
    if (graceful && !proc_is_stopped(pid)) {
        if (kill(pid, SIGINT) == 0 && proc_wait_exit(pid, FAST_STOP_MS, &st))
            return;
        if (kill(pid, SIGQUIT) == 0 && proc_wait_exit(pid, QUIT_STOP_MS, &st))
            return;
    }
    kill(pid, SIGKILL);
    proc_reap(pid);
}

/* The environment initdb and postgres get: a PATH and the C locale, nothing of ours (no PG*
 * variables, no HOME the server's account could not read). */
static char **server_env(void)
{
    static char path[4096] = "PATH=/usr/local/bin:/usr/bin:/bin";
    static char *env[] = { path, "LC_ALL=C", NULL };
    const char *p = getenv("PATH");
    if (p && *p)
        fs_fmt(path, sizeof path, "PATH=%s", p);
    return env;
}

/* ---- finding the server and its account ------------------------------------------------- */

/* The highest /usr/lib/postgresql/N/bin/postgres into out. */
static bool find_debian_binary(char *out, size_t n)
{
    const char *base = "/usr/lib/postgresql";
    DIR *d = opendir(base);
    char best[NAME_MAX + 1] = "";
    if (!d)
        return false;
    for (struct dirent *e; (e = readdir(d)) != NULL; ) {
        char path[PATH_MAX];
        if (e->d_name[0] >= '0' && e->d_name[0] <= '9' &&
            fs_fmt(path, sizeof path, "%s/%s/bin/postgres", base, e->d_name) == 0 &&
            fs_is_executable(path) && (!best[0] || strverscmp(e->d_name, best) > 0))
            fs_fmt(best, sizeof best, "%s", e->d_name);
    }
    closedir(d);
    return best[0] && fs_fmt(out, n, "%s/%s/bin/postgres", base, best) == 0;
}

static enum pg_server_status find_binary(char *out, size_t n, char *err, size_t errlen)
{
    const char *env = getenv("RACESIM_POSTGRES");
    char bindir[PATH_MAX];
    if (env && *env) {
        if (fs_is_dir(env) ? fs_fmt(bindir, sizeof bindir, "%s/postgres", env) != 0
                        : fs_fmt(bindir, sizeof bindir, "%s", env) != 0)
            return fail(PG_SERVER_NO_BINARY, err, errlen, "RACESIM_POSTGRES is too long");
        if (!fs_is_executable(bindir))
            return fail(PG_SERVER_NO_BINARY, err, errlen,
                        "RACESIM_POSTGRES=%s: %s is not an executable file: " INSTALL_HINT,
                        env, bindir);
        if (!realpath(bindir, out))
            return fail(PG_SERVER_NO_BINARY, err, errlen, "RACESIM_POSTGRES=%s: %s",
                        env, strerror(errno));
        return PG_SERVER_OK;
    }
    char pg_config[PATH_MAX];
    if (fs_find_in_path("pg_config", pg_config, sizeof pg_config)) {
        char *argv[] = { pg_config, "--bindir", NULL };
        if (proc_run_capture(pg_config, argv, bindir, sizeof bindir) == 0 && bindir[0] == '/' &&
            fs_fmt(out, n, "%s/postgres", bindir) == 0 && fs_is_executable(out))
            return PG_SERVER_OK;
    }
    if (find_debian_binary(out, n))
        return PG_SERVER_OK;
    return fail(PG_SERVER_NO_BINARY, err, errlen,
                "no PostgreSQL server binary (postgres) found: " INSTALL_HINT);
}

static enum pg_server_status read_version(struct pg_server *s, char *err, size_t errlen)
{
    char *argv[] = { s->binary, "--version", NULL };
    int st = proc_run_capture(s->binary, argv, s->version, sizeof s->version);
    if (st != 0 || !s->version[0]) {
        char how[96];
        describe_status(st, how, sizeof how);
        return fail(PG_SERVER_FAILED, err, errlen, "`%s --version` failed (%s)", s->binary, how);
    }
    return PG_SERVER_OK;
}

/* As root: the "postgres" account if it exists (made by Debian's postgresql package for this),
 * else nobody:nogroup; PostgreSQL will not run as root. Otherwise ourselves. */
static enum pg_server_status server_account(struct run_as *as, char *err, size_t errlen)
{
    char buf[4096];
    struct passwd pw, *found = NULL;
    memset(as, 0, sizeof *as);
    if (geteuid() != 0) {
        if (getpwuid_r(geteuid(), &pw, buf, sizeof buf, &found) != 0 || !found ||
            fs_fmt(as->name, sizeof as->name, "%s", pw.pw_name) != 0)
            fs_fmt(as->name, sizeof as->name, "uid %ld", (long)geteuid());
        as->id.uid = geteuid();
        as->id.gid = getegid();
        return PG_SERVER_OK;
    }
    as->id.drop = true;
    if (getpwnam_r("postgres", &pw, buf, sizeof buf, &found) == 0 && found && pw.pw_uid != 0) {
        as->id.uid = pw.pw_uid;
        as->id.gid = pw.pw_gid;
        fs_fmt(as->name, sizeof as->name, "postgres");
        return PG_SERVER_OK;
    }
    if (getpwnam_r("nobody", &pw, buf, sizeof buf, &found) != 0 || !found || pw.pw_uid == 0)
        return fail(PG_SERVER_FAILED, err, errlen, "PostgreSQL does not run as root and there is "
                    "no postgres or nobody account to run it as");
    struct group gr, *gfound = NULL;
    as->id.uid = pw.pw_uid;
    as->id.gid = getgrnam_r("nogroup", &gr, buf, sizeof buf, &gfound) == 0 && gfound
              ? gr.gr_gid : pw.pw_gid;
    fs_fmt(as->name, sizeof as->name, "nobody");
    return PG_SERVER_OK;
}

/* ---- the cached template data directory ------------------------------------------------- */

/* The version number from "postgres (PostgreSQL) 15.5 (Debian ...)" (else the whole string),
 * with anything but [A-Za-z0-9._-] turned into '_': safe as part of a file name. */
static void cache_key(const char *version, char *out, size_t n)
{
    const char *v = strstr(version, ") ");
    v = v ? v + 2 : version;
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

/* cp -a from/. into the existing directory to, with cp's complaints in log. */
static enum pg_server_status copy_tree(const char *from, const char *to, const char *log,
                                       char *err, size_t errlen)
{
    char cp[PATH_MAX], src[PATH_MAX];
    if (!fs_find_in_path("cp", cp, sizeof cp))
        fs_fmt(cp, sizeof cp, "/bin/cp");
    if (fs_fmt(src, sizeof src, "%s/.", from) != 0)
        return fail(PG_SERVER_FAILED, err, errlen, "path too long: %s", from);
    char *argv[] = { cp, "-a", src, (char *)to, NULL };
    int st = proc_run_logged(NULL, cp, argv, environ, log);
    if (st < 0)
        return fail(PG_SERVER_FAILED, err, errlen, "cannot run %s: %s", cp, strerror(errno));
    if (st != 0) {
        char line[512], how[96];
        fs_log_last_line(log, line, sizeof line);
        describe_status(st, how, sizeof how);
        return fail(PG_SERVER_FAILED, err, errlen, "copying %s failed (%s): %s", from, how, line);
    }
    return PG_SERVER_OK;
}

/* Runs initdb (next to the postgres binary) as `as` into data, logging to log. The template:
 * superuser PG_SUPERUSER with trust authentication (only the run's private socket reaches
 * it), no fsync (a throwaway server), 1 MiB WAL segments (a smaller copy per run). */
static enum pg_server_status run_initdb(const struct pg_server *s, const struct run_as *as,
                                        const char *data, const char *log,
                                        char *err, size_t errlen)
{
    char initdb[PATH_MAX], dopt[PATH_MAX + 8];
    if (fs_fmt(initdb, sizeof initdb, "%s", s->binary) != 0 || !strrchr(initdb, '/') ||
        fs_fmt(strrchr(initdb, '/') + 1, sizeof initdb - (size_t)(strrchr(initdb, '/') + 1 - initdb),
            "initdb") != 0 || !fs_is_executable(initdb))
        return fail(PG_SERVER_FAILED, err, errlen, "no initdb next to %s (it comes with "
                    "postgresql)", s->binary);
    if (fs_fmt(dopt, sizeof dopt, "--pgdata=%s", data) != 0)
        return fail(PG_SERVER_FAILED, err, errlen, "path too long: %s", data);
    char *argv[] = { initdb, dopt, "--username=" PG_SUPERUSER, "--auth=trust", "--no-sync",
                     "--no-instructions", "--encoding=UTF8", "--locale=C", "--wal-segsize=1",
                     NULL };
    int st = proc_run_logged(&as->id, initdb, argv, server_env(), log);
    if (st != 0) {
        char line[512], how[96];
        int saved = errno;
        fs_log_last_line(log, line, sizeof line);
        describe_status(st, how, sizeof how);
        if (st < 0)
            return fail(PG_SERVER_FAILED, err, errlen, "cannot run %s: %s", initdb,
                        strerror(saved));
        return fail(PG_SERVER_FAILED, err, errlen, "initdb failed (%s; as %s): %s", how,
                    as->name, line);
    }
    return PG_SERVER_OK;
}

/* Saves the freshly initialised data as the template: copied into root/tmp-XXXXXX, then
 * renamed to template (a tmp-* left by a dead process is swept by server.c's cache sweep). */
static enum pg_server_status save_template(const char *data, const char *root,
                                           const char *template, char *err, size_t errlen)
{
    char tmp[PATH_MAX], log[PATH_MAX];
    if (fs_fmt(tmp, sizeof tmp, "%s/tmp-XXXXXX", root) != 0 || !mkdtemp(tmp))
        return fail(PG_SERVER_FAILED, err, errlen, "cannot create a directory in %s: %s",
                    root, strerror(errno));
    enum pg_server_status r = fs_fmt(log, sizeof log, "%s.log", tmp) == 0
                              ? copy_tree(data, tmp, log, err, errlen)
                              : fail(PG_SERVER_FAILED, err, errlen, "path too long: %s", tmp);
    if (r == PG_SERVER_OK && rename(tmp, template) != 0 && errno != EEXIST && errno != ENOTEMPTY)
        r = fail(PG_SERVER_FAILED, err, errlen, "cannot rename %s to %s: %s", tmp, template,
                 strerror(errno));
    unlink(log);
    rundir_remove(tmp);
    return r;
}

static int chown_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw);
static uid_t chown_uid;
static gid_t chown_gid;
static int chown_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return lchown(path, chown_uid, chown_gid) == 0 ? 0 : -1;
}

/* Hands the copied data to the server's account when the template belongs to another one (an
 * account that changed since it was cached). Called under pg_lock. Returns 0 or -1. */
static int own_data(const char *data, const struct run_as *as)
{
    struct stat st;
    if (!as->id.drop || (stat(data, &st) == 0 && st.st_uid == as->id.uid && st.st_gid == as->id.gid))
        return 0;
    chown_uid = as->id.uid;
    chown_gid = as->id.gid;
    return nftw(data, chown_entry, 16, FTW_PHYS);
}

/* Fills dir/data: a copy of the cached template for this version; when there is none yet,
 * initdb runs there (one process at a time, flock on the cache's postgres-init.lock: the
 * others wait, then copy) and the result is saved as the template. */
static enum pg_server_status prepare_data(const struct pg_server *s, const struct run_as *as,
                                          const char *dir, char *err, size_t errlen)
{
    char root[PATH_MAX], key[128], template[PATH_MAX], data[PATH_MAX], log[PATH_MAX];
    char lock[PATH_MAX];
    if (fs_cache_root(root, sizeof root, err, errlen) != 0)
        return PG_SERVER_FAILED;
    enum pg_server_status r;
    cache_key(s->version, key, sizeof key);
    if (fs_fmt(template, sizeof template, "%s/postgres-%s", root, key) != 0 ||
        fs_fmt(lock, sizeof lock, "%s/postgres-init.lock", root) != 0 ||
        fs_fmt(data, sizeof data, "%s/data", dir) != 0 ||
        fs_fmt(log, sizeof log, "%s/postgres.log", dir) != 0)
        return fail(PG_SERVER_FAILED, err, errlen, "path too long under %s or %s", root, dir);
    int fd = -1;
    if (!fs_is_dir(template)) {
        fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0)
            while (flock(fd, LOCK_EX) != 0 && errno == EINTR) {
            }
    }
    if (fs_is_dir(template)) {
        r = copy_tree(template, data, log, err, errlen);
        if (r == PG_SERVER_OK && own_data(data, as) != 0)
            r = fail(PG_SERVER_FAILED, err, errlen, "cannot hand %s to %s: %s", data, as->name,
                     strerror(errno));
    } else {
        r = run_initdb(s, as, data, log, err, errlen);
        if (r == PG_SERVER_OK)
            r = save_template(data, root, template, err, errlen);
    }
    if (fd >= 0)
        close(fd);                      /* releases the lock */
    return r;
}

/* ---- one run ---------------------------------------------------------------------------- */

/* Where run directories go: o->run_parent when given, else /dev/shm when it is a tmpfs with
 * room (copying the template there takes a tenth of the time it takes on a disk), else $TMPDIR
 * (when short enough for the socket path) or /tmp. */
static const char *run_base(const struct pg_server_options *o)
{
    if (o && o->run_parent && o->run_parent[0])
        return o->run_parent;
    struct statfs fs;
    struct statvfs vfs;
    if (statfs(SHM_DIR, &fs) == 0 && (unsigned long)fs.f_type == TMPFS_MAGIC_NUMBER &&
        statvfs(SHM_DIR, &vfs) == 0 &&
        (unsigned long long)vfs.f_bavail * vfs.f_frsize >= SHM_MIN_FREE &&
        access(SHM_DIR, W_OK | X_OK) == 0)
        return SHM_DIR;
    const char *tmp = getenv("TMPDIR");
    const char *suffix = "/" RUNDIR_PREFIX "XXXXXX/socket/.s.PGSQL.5432";
    if (!tmp || tmp[0] != '/' || strlen(tmp) + strlen(suffix) >= SOCKET_PATH_LIMIT)
        tmp = "/tmp";
    return tmp;
}

/* Frees the System V shared memory segment a killed postmaster of the run directory dir left
 * (a clean shutdown frees it and removes the pid file): its key and id are on the 7th line of
 * dir/data/postmaster.pid; the segment is removed only if its key matches. Ignores errors. */
static void release_shared_memory(const char *dir)
{
    char path[PATH_MAX], line[256];
    unsigned long key = 0, id = 0;
    FILE *f = fs_fmt(path, sizeof path, "%s/data/postmaster.pid", dir) == 0 ? fopen(path, "re") : NULL;
    if (!f)
        return;
    bool found = false;
    for (int i = 1; !found && fgets(line, sizeof line, f); i++)
        found = i == 7 && sscanf(line, "%lu %lu", &key, &id) == 2;
    fclose(f);
    struct shmid_ds ds;
    if (found && key != 0 && shmctl((int)id, IPC_STAT, &ds) == 0 &&
        (unsigned long)ds.shm_perm.__key == key)
        shmctl((int)id, IPC_RMID, NULL);
}

/* Makes a subdirectory of the run dir for the server's account (mode 0700). */
static int make_owned_dir(const char *path, const struct run_as *as)
{
    if (mkdir(path, 0700) != 0)
        return -1;
    return as->id.drop ? chown(path, as->id.uid, as->id.gid) : 0;
}

/* Creates the run directory (data/ and socket/ in it owned by the server's account; the run
 * directory itself traversable by it) and publishes it in s. */
static enum pg_server_status publish_run_dir(struct pg_server *s, const struct run_as *as,
                                             const struct pg_server_options *o,
                                             char *dir, size_t n, char *err, size_t errlen)
{
    const char *base = run_base(o);
    char data[PATH_MAX], sock[PATH_MAX];
    int lock_fd;
    if (strlen(base) + strlen("/" RUNDIR_PREFIX "XXXXXX/socket/.s.PGSQL.5432") >= SOCKET_PATH_LIMIT)
        return fail(PG_SERVER_FAILED, err, errlen, "%s is too long a path for a unix socket "
                    "under it", base);
    rundir_sweep(base, release_shared_memory);
    pthread_mutex_lock(&pg_lock);   /* to the publication: a signal's stop sees the directory */
    int r = rundir_create(base, dir, n, &lock_fd);
    if (r != 0) {
        int saved = errno;
        pthread_mutex_unlock(&pg_lock);
        fail(PG_SERVER_FAILED, err, errlen, r == -1 ? "cannot create a directory in %s: %s"
             : "cannot lock a directory in %s: %s", base, strerror(saved));
        dir[0] = '\0';
        return PG_SERVER_FAILED;
    }
    s->dir_lock = lock_fd;
    s->has_dir_lock = true;
    fs_fmt(s->dir, sizeof s->dir, "%s", dir);
    pthread_mutex_unlock(&pg_lock);
    if (fs_fmt(data, sizeof data, "%s/data", dir) != 0 ||
        fs_fmt(sock, sizeof sock, "%s/socket", dir) != 0)
        return fail(PG_SERVER_FAILED, err, errlen, "path too long: %s", dir);
    if ((as->id.drop && chmod(dir, 0711) != 0) || make_owned_dir(data, as) != 0 ||
        make_owned_dir(sock, as) != 0)
        return fail(PG_SERVER_FAILED, err, errlen, "cannot prepare %s for %s: %s", dir,
                    as->name, strerror(errno));
    pthread_mutex_lock(&pg_lock);
    fs_fmt(s->socket_dir, sizeof s->socket_dir, "%s", sock);
    pthread_mutex_unlock(&pg_lock);
    return PG_SERVER_OK;
}

/* The server's command line; argv points into the other fields. */
struct pg_args {
    char data[PATH_MAX], sock[PATH_MAX], port[16], maxconn[48];
    char *argv[40];
};

/* No durability: fsync, synchronous commit and full-page writes are off, as the data is thrown
 * away with the run (a crash loses nothing that matters). deadlock_timeout is 100 ms. TCP is off (listen_addresses empty);
 * the socket in the run's own directory is the only way in. */
static int build_args(const struct pg_server *s, const char *dir, unsigned max_conn,
                      struct pg_args *a)
{
    if (fs_fmt(a->data, sizeof a->data, "%s/data", dir) != 0 ||
        fs_fmt(a->sock, sizeof a->sock, "%s/socket", dir) != 0)
        return -1;
    fs_fmt(a->port, sizeof a->port, "%d", PG_PORT);
    fs_fmt(a->maxconn, sizeof a->maxconn, "max_connections=%u", max_conn ? max_conn : 100);
    char **v = a->argv;
    *v++ = (char *)s->binary;
    *v++ = "-D"; *v++ = a->data;
    *v++ = "-k"; *v++ = a->sock;
    *v++ = "-p"; *v++ = a->port;
    *v++ = "-c"; *v++ = "listen_addresses=";
    *v++ = "-c"; *v++ = a->maxconn;
    *v++ = "-c"; *v++ = "max_prepared_transactions=0";
    *v++ = "-c"; *v++ = "shared_buffers=64MB";
    *v++ = "-c"; *v++ = "fsync=off";
    *v++ = "-c"; *v++ = "synchronous_commit=off";
    *v++ = "-c"; *v++ = "full_page_writes=off";
    *v++ = "-c"; *v++ = "unix_socket_permissions=0700";
    *v++ = "-c"; *v++ = "logging_collector=off";
    /* a deadlock is looked for after 100 ms of waiting, not 1 s: crossing transfers and
     * unsorted carts deadlock by design, and each would otherwise stall a buyer for a second */
    *v++ = "-c"; *v++ = "deadlock_timeout=100ms";
    /* dynamic shared memory as files in data/pg_dynshmem, not in /dev/shm: a killed server's
     * segments go with its run directory */
    *v++ = "-c"; *v++ = "dynamic_shared_memory_type=mmap";
    *v = NULL;
    return 0;
}

/* Fills the data directory and forks the server (output in dir/postgres.log), publishing its
 * pid in s (and in dir/pid, for the sweep) unless s was stopped meanwhile. Holds the lock
 * throughout, so a concurrent stop waits for the copy instead of racing it for the directory. */
static enum pg_server_status fill_and_spawn(struct pg_server *s, const struct run_as *as,
                                            const char *dir, unsigned max_conn,
                                            char *err, size_t errlen)
{
    struct pg_args a;
    char log[PATH_MAX], pidfile[PATH_MAX];
    if (build_args(s, dir, max_conn, &a) != 0 || fs_fmt(log, sizeof log, "%s/postgres.log", dir) != 0 ||
        fs_fmt(pidfile, sizeof pidfile, "%s/" RUNDIR_PID, dir) != 0)
        return fail(PG_SERVER_FAILED, err, errlen, "path too long: %s", dir);
    pthread_mutex_lock(&pg_lock);
    enum pg_server_status r = s->dir[0] ? prepare_data(s, as, dir, err, errlen)
                                        : fail(PG_SERVER_FAILED, err, errlen,
                                               "server stopped while starting");
    int fd = r == PG_SERVER_OK ? open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
    if (r == PG_SERVER_OK && fd < 0)
        r = fail(PG_SERVER_FAILED, err, errlen, "cannot open %s: %s", log, strerror(errno));
    if (r == PG_SERVER_OK && (s->pid = proc_spawn(&as->id, s->binary, a.argv, server_env(), fd)) < 0) {
        s->pid = 0;
        r = fail(PG_SERVER_FAILED, err, errlen, "cannot fork: %s", strerror(errno));
    }
    if (r == PG_SERVER_OK) {
        FILE *f = fopen(pidfile, "we");
        if (f) {
            fprintf(f, "%ld\n", (long)s->pid);
            fclose(f);
        }
    }
    pthread_mutex_unlock(&pg_lock);
    if (fd >= 0)
        close(fd);
    return r;
}

/* ---- readiness: a client's startup on the socket ---------------------------------------- */

/* One connection's startup exchange, advanced a little at each poll. */
struct probe {
    int fd;                     /* -1: none yet */
    size_t len;                 /* bytes of the server's answer in buf */
    char buf[4096];
};

/* Connects to the socket and sends a StartupMessage (protocol 3.0) for the superuser. */
static int probe_connect(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISSOCK(st.st_mode) ||
        fs_fmt(addr.sun_path, sizeof addr.sun_path, "%s", path) != 0)
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0)
        return -1;
    static const char params[] = "user\0" PG_SUPERUSER "\0database\0" PG_DATABASE "\0";
    char msg[128];
    uint32_t len = htonl((uint32_t)(8 + sizeof params)), version = htonl(196608);
    memcpy(msg, &len, 4);
    memcpy(msg + 4, &version, 4);
    memcpy(msg + 8, params, sizeof params);   /* sizeof counts the final NUL: the list's end */
    size_t total = 8 + sizeof params;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        send(fd, msg, total, MSG_NOSIGNAL) != (ssize_t)total) {
        close(fd);
        return -1;
    }
    return fd;
}

static void probe_reset(struct probe *p)
{
    if (p->fd >= 0)
        close(p->fd);
    p->fd = -1;
    p->len = 0;
}

/* Advances the probe: 1 when the server said ReadyForQuery, 0 not yet (an ErrorResponse such
 * as "the database system is starting up" starts over on a new connection), -1 when it asks
 * for a password (the template is not ours). */
static int probe_ready(const char *path, struct probe *p)
{
    if (p->fd < 0 && (p->fd = probe_connect(path)) < 0)
        return 0;
    ssize_t got = recv(p->fd, p->buf + p->len, sizeof p->buf - p->len, MSG_DONTWAIT);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        probe_reset(p);
        return 0;
    }
    if (got > 0)
        p->len += (size_t)got;
    while (p->len >= 5) {
        uint32_t mlen;
        memcpy(&mlen, p->buf + 1, 4);
        mlen = ntohl(mlen);
        char type = p->buf[0];
        if (type == 'Z') {
            static const char terminate_msg[] = { 'X', 0, 0, 0, 4 };
            send(p->fd, terminate_msg, sizeof terminate_msg, MSG_NOSIGNAL | MSG_DONTWAIT);
            probe_reset(p);
            return 1;
        }
        if (type == 'E' || mlen < 4 || mlen + 1 > sizeof p->buf) {
            probe_reset(p);
            return 0;
        }
        if (p->len < mlen + 1)
            return 0;                     /* the rest of this message is still to come */
        if (type == 'R' && mlen >= 8) {
            uint32_t code;
            memcpy(&code, p->buf + 5, 4);
            if (ntohl(code) != 0) {
                probe_reset(p);
                return -1;
            }
        }
        memmove(p->buf, p->buf + mlen + 1, p->len - (mlen + 1));
        p->len -= mlen + 1;
    }
    return 0;
}

/* One readiness check under the lock: 1 ready, 0 not yet, -1 failed (err filled). */
static int check_ready(struct pg_server *s, const char *log, const char *path, struct probe *p,
                       char *err, size_t errlen)
{
    char line[512], how[96];
    int st;
    if (s->pid == 0) {
        fail(PG_SERVER_FAILED, err, errlen, "server stopped while starting");
        return -1;
    }
    pid_t r = waitpid(s->pid, &st, WNOHANG);
    if (r == 0) {
        int ready = probe_ready(path, p);
        if (ready < 0)
            fail(PG_SERVER_FAILED, err, errlen, "%s asks for a password on %s: the cached "
                 "template is not racesim's", s->binary, path);
        s->ready = ready > 0;
        return ready;
    }
    s->pid = 0;
    fs_log_last_line(log, line, sizeof line);
    describe_status(r < 0 ? -1 : st, how, sizeof how);
    fail(PG_SERVER_FAILED, err, errlen, "%s exited while starting (%s): %s", s->binary, how, line);
    return -1;
}

/* Polls every POLL_MS until a startup completes, the server exits, or READY_TIMEOUT_MS. */
static enum pg_server_status wait_ready(struct pg_server *s, const char *dir,
                                        char *err, size_t errlen)
{
    char log[PATH_MAX], path[PATH_MAX], line[512];
    struct probe p = { .fd = -1 };
    int r = 0;
    if (fs_fmt(log, sizeof log, "%s/postgres.log", dir) != 0 ||
        fs_fmt(path, sizeof path, "%s/socket/.s.PGSQL.%d", dir, PG_PORT) != 0)
        return fail(PG_SERVER_FAILED, err, errlen, "path too long: %s", dir);
    for (long long deadline = proc_now_ms() + READY_TIMEOUT_MS; r == 0 && proc_now_ms() < deadline; ) {
        pthread_mutex_lock(&pg_lock);
        r = check_ready(s, log, path, &p, err, errlen);
        pthread_mutex_unlock(&pg_lock);
        if (r == 0)
            proc_sleep_ms(POLL_MS);
    }
    probe_reset(&p);
    if (r != 0)
        return r > 0 ? PG_SERVER_OK : PG_SERVER_FAILED;
    fs_log_last_line(log, line, sizeof line);
    return fail(PG_SERVER_FAILED, err, errlen, "server not ready on %s after %d s: %s",
                path, READY_TIMEOUT_MS / 1000, line);
}

/* ---- public API ------------------------------------------------------------------------- */

/* See pg_server.h. The run directory is made and published first, so a concurrent stop at any
 * later point clears s->dir, which makes this start fail and clean up. */
enum pg_server_status pg_server_start(struct pg_server *s, const struct pg_server_options *o,
                                      char *err, size_t errlen)
{
    char dir[PATH_MAX];
    struct run_as as;
    struct pg_server found = { .pid = 0 };  /* filled unlocked, then published under pg_lock */
    pthread_mutex_lock(&pg_lock);
    memset(s, 0, sizeof *s);
    pthread_mutex_unlock(&pg_lock);
    if (err && errlen)
        err[0] = '\0';
    enum pg_server_status r = find_binary(found.binary, sizeof found.binary, err, errlen);
    if (r == PG_SERVER_OK)
        r = read_version(&found, err, errlen);
    if (r == PG_SERVER_OK)
        r = server_account(&as, err, errlen);
    if (r == PG_SERVER_OK) {
        pthread_mutex_lock(&pg_lock);
        fs_fmt(s->binary, sizeof s->binary, "%s", found.binary);
        fs_fmt(s->version, sizeof s->version, "%s", found.version);
        s->port = PG_PORT;
        fs_fmt(s->user, sizeof s->user, PG_SUPERUSER);
        fs_fmt(s->database, sizeof s->database, PG_DATABASE);
        fs_fmt(s->os_user, sizeof s->os_user, "%s", as.name);
        pthread_mutex_unlock(&pg_lock);
        r = publish_run_dir(s, &as, o, dir, sizeof dir, err, errlen);
    }
    if (r == PG_SERVER_OK)
        r = fill_and_spawn(s, &as, dir, o ? o->max_connections : 0, err, errlen);
    if (r == PG_SERVER_OK)
        r = wait_ready(s, dir, err, errlen);
    if (r != PG_SERVER_OK)
        pg_server_stop(s);
    return r;
}

/* See pg_server.h. */
void pg_server_snapshot(struct pg_server *s, struct pg_server *copy)
{
    pthread_mutex_lock(&pg_lock);
    *copy = *s;
    pthread_mutex_unlock(&pg_lock);
}

/* Stops s, gracefully when asked and it is ready. Holds pg_lock throughout, so concurrent
 * calls run one after the other. */
static void stop(struct pg_server *s, bool graceful)
{
    pthread_mutex_lock(&pg_lock);
    if (s->pid > 0)
        terminate(s->pid, graceful && s->ready);
    s->pid = 0;
    s->ready = false;
    if (s->dir[0])
        release_shared_memory(s->dir);
    rundir_remove(s->dir);
    if (s->has_dir_lock)
        close(s->dir_lock);             /* after the removal: until then the directory is ours */
    s->has_dir_lock = false;
    s->dir[0] = '\0';
    s->socket_dir[0] = '\0';
    pthread_mutex_unlock(&pg_lock);
}

/* See pg_server.h. */
void pg_server_stop(struct pg_server *s)
{
    stop(s, true);
}

/* See pg_server.h. */
void pg_server_kill(struct pg_server *s)
{
    stop(s, false);
}

/* See pg_server.h. */
int pg_server_exited(struct pg_server *s)
{
    pthread_mutex_lock(&pg_lock);
    int st = 0, r = 0;
    if (s->pid > 0 && waitpid(s->pid, &st, WNOHANG) == s->pid) {
        s->pid = 0;
        s->ready = false;
        r = st ? st : -1;
    }
    pthread_mutex_unlock(&pg_lock);
    return r;
}
