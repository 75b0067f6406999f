/* server.c — finds, initialises (cached), starts and stops the private MariaDB/MySQL server. */
#include "mariadb.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <ftw.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define POLL_MS 20                  /* readiness / exit polling interval */
#define READY_TIMEOUT_MS 30000      /* give up on a server that is not ready after this */
#define STOP_TIMEOUT_MS 10000       /* SIGTERM grace period before SIGKILL */
#define VERSION_TIMEOUT_MS 10000    /* `binary --version` must answer within this */
#define STALE_INIT_S 3600           /* a cache tmp-* dir this old belongs to a dead process */
#define SOCKET_PATH_LIMIT 100
#define RUN_DIR_PREFIX "racesim-"           /* a run directory: racesim-XXXXXX (mkdtemp) */
#define RUN_LOCK "racesim.lock"             /* in it: flocked by its racesim, holds its PID */       /* keep DIR/sock well below sun_path's 108 bytes */
#define INNODB_LOG_SIZE "--innodb-log-file-size=16M"

#define INSTALL_HINT "install mariadb-server (apt-get install mariadb-server), " \
                     "or point racesim at a server with --dsn=mysql://user@host:port/db"

/* Serialises server_stop with itself and with the parts of server_start that publish or reap
 * the child, so a signal-handling thread may stop a server another thread is starting. */
static pthread_mutex_t server_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- small helpers ---------------------------------------------------------------------- */

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* printf into out; returns 0, or -1 (with ENAMETOOLONG) when it did not fit. */
static int fmt(char *out, size_t n, const char *f, ...) __attribute__((format(printf, 3, 4)));
static int fmt(char *out, size_t n, const char *f, ...)
{
    va_list ap;
    va_start(ap, f);
    int r = vsnprintf(out, n, f, ap);
    va_end(ap);
    if (r < 0 || (size_t)r >= n) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

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

static bool is_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Looks name up in each directory of $PATH; fills out and returns true when found. */
static bool find_in_path(const char *name, char *out, size_t n)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path; ; ) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        if (len > 0 && fmt(out, n, "%.*s/%s", (int)len, p, name) == 0 && is_executable(out))
            return true;
        if (!colon)
            return false;
        p = colon + 1;
    }
}

/* mkdir -p with mode for the directories it creates. Returns 0 or -1 with errno. */
static int mkdir_p(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    if (fmt(buf, sizeof buf, "%s", path) != 0)
        return -1;
    for (char *p = buf + 1; ; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, mode) != 0 && errno != EEXIST)
            return -1;
        *p = c;
        if (c == '\0')
            break;
    }
    return is_dir(path) ? 0 : (errno = ENOTDIR, -1);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    remove(path);
    return 0;   /* keep going: remove as much as possible */
}

/* Removes dir and everything under it, not following symlinks. Ignores errors. */
static void remove_tree(const char *dir)
{
    if (dir && *dir)
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void rtrim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
}

/* Ranks a log line for "what went wrong": an [ERROR] other than the final "Aborting" is best,
 * then anything saying ERROR or failed, then any non-empty line. */
static int line_rank(const char *line, size_t len)
{
    char buf[1024];
    size_t n = len < sizeof buf - 1 ? len : sizeof buf - 1;
    memcpy(buf, line, n);
    buf[n] = '\0';
    rtrim(buf);
    if (!buf[0])
        return 0;
    size_t bl = strlen(buf);
    bool aborting = bl >= 10 && strcmp(buf + bl - 10, "] Aborting") == 0;
    if (strstr(buf, "[ERROR]") && !aborting)
        return 3;
    if (strstr(buf, "ERROR") || strstr(buf, "failed") || strstr(buf, "rror:"))
        return 2;
    return 1;
}

/* Puts the most telling line of the last 16 KiB of a log into out ("" when none): the last
 * error line if there is one, else the last non-empty line. */
static void log_last_line(const char *path, char *out, size_t n)
{
    char buf[16384];
    out[0] = '\0';
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    off_t from = fstat(fd, &st) == 0 && st.st_size > (off_t)sizeof buf - 1
                 ? st.st_size - (off_t)(sizeof buf - 1) : 0;
    ssize_t got = pread(fd, buf, sizeof buf - 1, from);
    close(fd);
    if (got <= 0)
        return;
    buf[got] = '\0';
    const char *best = NULL;
    size_t best_len = 0;
    int best_rank = 0;
    for (char *line = buf; *line; ) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        int rank = line_rank(line, len);
        if (rank > 0 && rank >= best_rank) {
            best = line, best_len = len, best_rank = rank;
        }
        line += len + (nl ? 1 : 0);
    }
    if (best) {
        fmt(out, n, "%.*s", (int)best_len, best);
        rtrim(out);
    }
}

/* ---- child processes -------------------------------------------------------------------- */

/* In the forked child: die with the parent thread, clean signal state, wire up stdio, exec.
 * Only async-signal-safe calls here (the parent may be multithreaded). */
static void child_exec(pid_t parent, const char *path, char *const argv[], char *const envp[],
                       int in_fd, int out_fd)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    const int sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        signal(sigs[i], SIG_DFL);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
        _exit(127);
#ifdef SYS_close_range
    syscall(SYS_close_range, 3u, ~0u, 0u);
#endif
    execve(path, argv, envp);
    _exit(127);
}

/* Starts path with argv/envp, stdin from /dev/null, stdout and stderr to out_fd. The child gets
 * SIGKILL when the calling thread dies. Returns the pid, or -1 with errno. */
static pid_t spawn(const char *path, char *const argv[], char *const envp[], int out_fd)
{
    int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in_fd < 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0)
        child_exec(parent, path, argv, envp, in_fd, out_fd);
    int saved = errno;
    close(in_fd);
    errno = saved;
    return pid;
}

/* Blocking waitpid that retries on EINTR. Returns the wait status, or -1. */
static int reap(pid_t pid)
{
    int st;
    pid_t r;
    while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR) {
    }
    return r == pid ? st : -1;
}

/* Polls for pid's exit for up to ms milliseconds. True when it was reaped (status in *st) or
 * is not ours (*st = -1). */
static bool wait_exit(pid_t pid, long ms, int *st)
{
    long long deadline = now_ms() + ms;
    for (;;) {
        pid_t r = waitpid(pid, st, WNOHANG);
        if (r < 0 && errno != EINTR)
            *st = -1;
        if (r == pid || (r < 0 && errno != EINTR))
            return true;
        if (now_ms() >= deadline)
            return false;
        sleep_ms(POLL_MS);
    }
}

/* Whether pid is stopped (SIGSTOP, a debugger): its state in /proc/PID/stat is T or t. */
static bool is_stopped(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');   /* the command name may hold spaces */
    return p && (p[1] == ' ') && (p[2] == 'T' || p[2] == 't');
}

/* Stops our child pid: SIGTERM, up to STOP_TIMEOUT_MS, then SIGKILL (at once when not
 * graceful, or when it is stopped and so cannot shut down); always reaps it. A pid that
 * already exited or is no longer our child (so could be reused) is never signalled. */
static void terminate(pid_t pid, bool graceful)
{
    int st;
    if (waitpid(pid, &st, WNOHANG) != 0)
        return;
    if (graceful && !is_stopped(pid) && kill(pid, SIGTERM) == 0
        && wait_exit(pid, STOP_TIMEOUT_MS, &st))
        return;
    kill(pid, SIGKILL);
    reap(pid);
}

static void describe_status(int st, char *out, size_t n)
{
    if (st < 0)
        fmt(out, n, "unknown status");
    else if (WIFEXITED(st))
        fmt(out, n, "exit status %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        fmt(out, n, "killed by signal %d", WTERMSIG(st));
    else
        fmt(out, n, "status %d", st);
}

/* Runs argv to completion with its output appended to log_path. Returns the wait status (0 on
 * success), or -1 with errno when it could not be started. */
static int run_logged(const char *path, char *const argv[], char *const envp[],
                      const char *log_path)
{
    int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    pid_t pid = spawn(path, argv, envp, fd);
    int saved = errno;
    close(fd);
    if (pid < 0) {
        errno = saved;
        return -1;
    }
    return reap(pid);
}

/* Reads what fd says until EOF or the deadline; keeps the first n-1 bytes. */
static void read_until_eof(int fd, char *out, size_t n, long long deadline)
{
    size_t used = 0;
    char scratch[512];
    for (;;) {
        int left = (int)(deadline - now_ms());
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (left <= 0 || (poll(&pfd, 1, left) < 0 && errno != EINTR))
            break;
        if (!(pfd.revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        char *dst = used < n - 1 ? out + used : scratch;
        size_t room = used < n - 1 ? n - 1 - used : sizeof scratch;
        ssize_t got = read(fd, dst, room);
        if (got == 0 || (got < 0 && errno != EINTR))
            break;
        if (got > 0 && dst != scratch)
            used += (size_t)got;
    }
    out[used] = '\0';
}

/* Runs argv and captures its output (first line kept, trimmed) within VERSION_TIMEOUT_MS;
 * a child still running then is killed. Returns the wait status (0 on success) or -1. */
static int run_capture(const char *path, char *const argv[], char *out, size_t n)
{
    int p[2];
    out[0] = '\0';
    if (pipe2(p, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = spawn(path, argv, environ, p[1]);
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return -1;
    }
    read_until_eof(p[0], out, n, now_ms() + VERSION_TIMEOUT_MS);
    close(p[0]);
    int st;
    if (!wait_exit(pid, POLL_MS * 5, &st)) {
        kill(pid, SIGKILL);
        reap(pid);
        return -1;
    }
    out[strcspn(out, "\n")] = '\0';
    rtrim(out);
    return st;
}

/* ---- finding the server ----------------------------------------------------------------- */

static enum server_status find_binary(char *out, size_t n, char *err, size_t errlen)
{
    const char *env = getenv("RACESIM_MYSQLD");
    if (env && *env) {
        if (!is_executable(env))
            return fail(SERVER_NO_BINARY, err, errlen,
                        "RACESIM_MYSQLD=%s is not an executable file: " INSTALL_HINT, env);
        if (env[0] == '/' ? fmt(out, n, "%s", env) != 0 : realpath(env, out) == NULL)
            return fail(SERVER_NO_BINARY, err, errlen, "RACESIM_MYSQLD=%s: %s",
                        env, strerror(errno));
        return SERVER_OK;
    }
    if (find_in_path("mariadbd", out, n) || find_in_path("mysqld", out, n))
        return SERVER_OK;
    static const char *const fixed[] = { "/usr/sbin/mariadbd", "/usr/sbin/mysqld",
                                         "/usr/libexec/mysqld" };
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (is_executable(fixed[i]) && fmt(out, n, "%s", fixed[i]) == 0)
            return SERVER_OK;
    return fail(SERVER_NO_BINARY, err, errlen,
                "no MariaDB/MySQL server binary found: " INSTALL_HINT);
}

static enum server_status read_version(struct server *s, char *err, size_t errlen)
{
    char *argv[] = { s->binary, "--no-defaults", "--version", NULL };
    int st = run_capture(s->binary, argv, s->version, sizeof s->version);
    if (st != 0 || !s->version[0]) {
        char how[64];
        describe_status(st, how, sizeof how);
        return fail(SERVER_FAILED, err, errlen, "`%s --version` failed (%s)", s->binary, how);
    }
    return SERVER_OK;
}

static bool is_mariadb(const struct server *s)
{
    return strstr(s->version, "MariaDB") != NULL;
}

/* ---- the cached, initialised data directory --------------------------------------------- */

/* $XDG_CACHE_HOME/racesim, else ~/.cache/racesim (HOME, else the passwd entry); created. */
static enum server_status cache_root(char *out, size_t n, char *err, size_t errlen)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char pwbuf[4096];
    struct passwd pw, *found = NULL;
    int r;
    if (xdg && xdg[0] == '/')
        r = fmt(out, n, "%s/racesim", xdg);
    else if (home && home[0] == '/')
        r = fmt(out, n, "%s/.cache/racesim", home);
    else if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof pwbuf, &found) == 0 && found)
        r = fmt(out, n, "%s/.cache/racesim", pw.pw_dir);
    else
        return fail(SERVER_FAILED, err, errlen,
                    "cannot find a cache directory: set XDG_CACHE_HOME or HOME");
    if (r != 0 || mkdir_p(out, 0700) != 0)
        return fail(SERVER_FAILED, err, errlen, "cannot create cache directory %s: %s",
                    out, strerror(errno));
    return SERVER_OK;
}

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
    if (fmt(dir, sizeof dir, "%s", binary) != 0)
        return false;
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        for (size_t j = 0; slash && j < sizeof rel / sizeof rel[0]; j++)
            if (fmt(out, n, "%s%s/%s", dir, rel[j], names[i]) == 0 && is_executable(out))
                return true;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (find_in_path(names[i], out, n))
            return true;
    return false;
}

/* environ plus MYSQLD_BOOTSTRAP=binary (so mariadb-install-db bootstraps with our binary).
 * Returns a malloc'd array (strings borrowed; var must outlive it) or NULL. */
static char **installer_env(const char *var)
{
    size_t count = 0;
    while (environ[count])
        count++;
    char **env = calloc(count + 2, sizeof *env);
    if (!env)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < count; i++)
        if (strncmp(environ[i], "MYSQLD_BOOTSTRAP=", 17) != 0)
            env[k++] = environ[i];
    env[k] = (char *)var;
    return env;
}

/* Runs the initialiser into datadir with its output in log_path. Returns the wait status (0 on
 * success) or -1; tool gets the program that ran ("" when no installer was found). */
static int run_installer(const struct server *s, const char *datadir, const char *log_path,
                         char *tool, size_t n)
{
    char datadir_opt[PATH_MAX + 16], boot[PATH_MAX + 32];
    char *user = geteuid() == 0 ? "--user=root" : NULL;
    if (fmt(datadir_opt, sizeof datadir_opt, "--datadir=%s", datadir) != 0 ||
        fmt(boot, sizeof boot, "MYSQLD_BOOTSTRAP=%s", s->binary) != 0)
        return -1;
    if (!is_mariadb(s)) {   /* MySQL 5.7+: the server initialises itself */
        fmt(tool, n, "%s --initialize-insecure", s->binary);
        char *argv[] = { (char *)s->binary, "--no-defaults", "--initialize-insecure",
                         datadir_opt, INNODB_LOG_SIZE, user, NULL };
        return run_logged(s->binary, argv, environ, log_path);
    }
    if (!find_installer(s->binary, tool, n)) {
        tool[0] = '\0';
        errno = ENOENT;
        return -1;
    }
    char **env = installer_env(boot);
    if (!env)
        return -1;
    char *argv[] = { tool, "--no-defaults", datadir_opt, "--auth-root-authentication-method=normal",
                     "--skip-test-db", INNODB_LOG_SIZE, user, NULL };
    int st = run_logged(tool, argv, env, log_path);
    free(env);
    return st;
}

/* Initialises a fresh data directory in a temp dir under root and renames it to final. If
 * another process got there first, its copy wins and ours is removed. */
static enum server_status init_cache(const struct server *s, const char *root, const char *key,
                                     const char *final, char *err, size_t errlen)
{
    char tmp[PATH_MAX], data[PATH_MAX], log[PATH_MAX], kept[PATH_MAX], tool[PATH_MAX + 32];
    if (fmt(tmp, sizeof tmp, "%s/tmp-XXXXXX", root) != 0 || !mkdtemp(tmp))
        return fail(SERVER_FAILED, err, errlen, "cannot create a directory in %s: %s",
                    root, strerror(errno));
    if (fmt(data, sizeof data, "%s/data", tmp) != 0 ||
        fmt(log, sizeof log, "%s/install.log", tmp) != 0 ||
        fmt(kept, sizeof kept, "%s/install-%s.log", root, key) != 0) {
        remove_tree(tmp);
        return fail(SERVER_FAILED, err, errlen, "cache path too long under %s", root);
    }
    int st = run_installer(s, data, log, tool, sizeof tool);
    if (st != 0) {
        int saved = errno;
        char line[512], how[64];
        log_last_line(log, line, sizeof line);
        describe_status(st, how, sizeof how);
        bool have_log = rename(log, kept) == 0;
        remove_tree(tmp);
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
        remove_tree(tmp);
        return fail(SERVER_FAILED, err, errlen, "cannot rename %s to %s: %s",
                    data, final, strerror(saved));
    }
    remove_tree(tmp);   /* also our copy of data when another process won the rename */
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
            fmt(path, sizeof path, "%s/%s", root, e->d_name) == 0 &&
            lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && now - st.st_mtime > STALE_INIT_S)
            remove_tree(path);
    }
    closedir(d);
}

/* Fills datadir with the cached, initialised data directory for this server version,
 * creating it first if needed. */
static enum server_status ensure_cache(const struct server *s, char *datadir, size_t n,
                                       char *err, size_t errlen)
{
    char root[PATH_MAX], key[128];
    enum server_status r = cache_root(root, sizeof root, err, errlen);
    if (r != SERVER_OK)
        return r;
    sweep_stale(root);
    cache_key(s->version, key, sizeof key);
    if (fmt(datadir, n, "%s/datadir-%s", root, key) != 0)
        return fail(SERVER_FAILED, err, errlen, "cache path too long under %s", root);
    if (is_dir(datadir))
        return SERVER_OK;
    /* one initialiser at a time (two bootstraps at once were seen failing on a loaded
     * machine): the others wait, then find the cache ready */
    char lock[PATH_MAX];
    int fd = fmt(lock, sizeof lock, "%s/init.lock", root) == 0
                 ? open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600) : -1;
    if (fd >= 0)
        while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
            ;
    r = is_dir(datadir) ? SERVER_OK : init_cache(s, root, key, datadir, err, errlen);
    if (fd >= 0)
        close(fd);                      /* releases the lock */
    return r;
}

/* ---- one run ---------------------------------------------------------------------------- */

/* Reads up to n bytes from fd (to its end). Returns the count, or -1. */
static ssize_t read_all(int fd, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* A run directory is "racesim-" and mkdtemp's six letters or digits. */
static bool is_run_dir_name(const char *name)
{
    if (strncmp(name, RUN_DIR_PREFIX, strlen(RUN_DIR_PREFIX)) != 0)
        return false;
    const char *x = name + strlen(RUN_DIR_PREFIX);
    size_t n = 0;
    for (; x[n]; n++)
        if (!((x[n] >= 'a' && x[n] <= 'z') || (x[n] >= 'A' && x[n] <= 'Z') || (x[n] >= '0' && x[n] <= '9')))
            return false;
    return n == 6;
}

/* Whether the server whose pid file is in dir still runs with its data there (its racesim died
 * but it did not: then its files stay). */
static bool server_still_runs(const char *dir)
{
    char path[PATH_MAX], data[PATH_MAX + 16], cmdline[4096];
    long pid = 0;
    FILE *f = fmt(path, sizeof path, "%s/pid", dir) == 0 ? fopen(path, "r") : NULL;
    if (!f)
        return false;
    bool read = fscanf(f, "%ld", &pid) == 1 && pid > 0;
    fclose(f);
    if (!read || fmt(path, sizeof path, "/proc/%ld/cmdline", pid) != 0)
        return false;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t got = read_all(fd, cmdline, sizeof cmdline - 1);
    close(fd);
    if (got <= 0)
        return false;
    for (ssize_t i = 0; i < got; i++)        /* its arguments, NUL-separated: one string */
        if (cmdline[i] == '\0')
            cmdline[i] = ' ';
    cmdline[got] = '\0';
    return fmt(data, sizeof data, "--datadir=%s/data", dir) == 0 && strstr(cmdline, data) != NULL;
}

/* Removes the run directories under tmp that a racesim which died left behind (kill -9: its
 * server dies with it, its directory stays), and says so on stderr. Only ours: the name
 * racesim-XXXXXX, owned by this user, holding a lock file that nobody holds (its owner's flock
 * went with its process, so a reused PID cannot fool this), and no server still running there.
 * Ignores errors. */
static void sweep_dead_runs(const char *tmp)
{
    DIR *d = opendir(tmp);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL; ) {
        char dir[PATH_MAX], lock[PATH_MAX], owner[32] = "";
        struct stat st;
        if (!is_run_dir_name(e->d_name) || fmt(dir, sizeof dir, "%s/%s", tmp, e->d_name) != 0 ||
            fmt(lock, sizeof lock, "%s/" RUN_LOCK, dir) != 0 || lstat(dir, &st) != 0 ||
            !S_ISDIR(st.st_mode) || st.st_uid != geteuid())
            continue;
        int fd = open(lock, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            continue;                          /* not ours, or still being made */
        bool dead = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
                    flock(fd, LOCK_EX | LOCK_NB) == 0;
        /* held now: a sweeper that got here first has unlinked it (nlink 0), or it is ours */
        if (dead && fstat(fd, &st) == 0 && st.st_nlink > 0 && !server_still_runs(dir)) {
            ssize_t got = read_all(fd, owner, sizeof owner - 1);
            owner[got > 0 ? got : 0] = '\0';
            rtrim(owner);
            unlink(lock);
            remove_tree(dir);
            fprintf(stderr, "racesim: removed %s left by a run that died (pid %s)\n", dir,
                    owner[0] ? owner : "unknown");
        }
        close(fd);
    }
    closedir(d);
}

/* Locks the new run directory dir for this process: dir/lock.new is made (O_EXCL), flocked,
 * given our PID, then renamed to dir/RUN_LOCK, so a lock file that exists is held for as long
 * as its racesim lives. Returns the fd to keep open until the directory is removed, or -1. */
static int lock_run_dir(const char *dir)
{
    char fresh[PATH_MAX], lock[PATH_MAX], pid[32];
    if (fmt(fresh, sizeof fresh, "%s/lock.new", dir) != 0 ||
        fmt(lock, sizeof lock, "%s/" RUN_LOCK, dir) != 0)
        return -1;
    int fd = open(fresh, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (flock(fd, LOCK_EX | LOCK_NB) != 0 || write(fd, pid, (size_t)n) != n ||
        rename(fresh, lock) != 0) {
        int saved = errno;
        close(fd);
        unlink(fresh);
        errno = saved;
        return -1;
    }
    return fd;
}

/* mkdtemp racesim-XXXXXX in $TMPDIR (when short enough for the socket path) or /tmp, locked for
 * this process (*lock_fd), after removing what dead runs left there. */
static enum server_status make_run_dir(char *out, size_t n, int *lock_fd, char *err, size_t errlen)
{
    const char *tmp = getenv("TMPDIR");
    const char *suffix = "/" RUN_DIR_PREFIX "XXXXXX/sock";
    if (!tmp || tmp[0] != '/' || strlen(tmp) + strlen(suffix) >= SOCKET_PATH_LIMIT)
        tmp = "/tmp";
    sweep_dead_runs(tmp);
    if (fmt(out, n, "%s/" RUN_DIR_PREFIX "XXXXXX", tmp) != 0 || !mkdtemp(out)) {
        int saved = errno;
        out[0] = '\0';
        return fail(SERVER_FAILED, err, errlen, "cannot create a directory in %s: %s",
                    tmp, strerror(saved));
    }
    *lock_fd = lock_run_dir(out);
    if (*lock_fd < 0) {
        int saved = errno;
        remove_tree(out);
        out[0] = '\0';
        return fail(SERVER_FAILED, err, errlen, "cannot lock the directory %s: %s",
                    out, strerror(saved));
    }
    return SERVER_OK;
}

/* cp -a --reflink=auto cached dir/data, with cp's complaints in dir/error.log. */
static enum server_status copy_data(const char *cached, const char *dir, char *err, size_t errlen)
{
    char cp[PATH_MAX], data[PATH_MAX], log[PATH_MAX];
    if (!find_in_path("cp", cp, sizeof cp))
        fmt(cp, sizeof cp, "/bin/cp");
    if (fmt(data, sizeof data, "%s/data", dir) != 0 ||
        fmt(log, sizeof log, "%s/error.log", dir) != 0)
        return fail(SERVER_FAILED, err, errlen, "path too long: %s", dir);
    char *argv[] = { cp, "-a", "--reflink=auto", (char *)cached, data, NULL };
    int st = run_logged(cp, argv, environ, log);
    if (st < 0)
        return fail(SERVER_FAILED, err, errlen, "cannot run %s: %s", cp, strerror(errno));
    if (st != 0) {
        char line[512], how[64];
        log_last_line(log, line, sizeof line);
        describe_status(st, how, sizeof how);
        return fail(SERVER_FAILED, err, errlen, "copying %s failed (%s): %s", cached, how, line);
    }
    return SERVER_OK;
}

/* The server's command line; argv points into the other fields. */
struct server_args {
    char datadir[PATH_MAX + 16], socket[PATH_MAX + 16], pid[PATH_MAX + 16];
    char log[PATH_MAX + 16], tmpdir[PATH_MAX + 16], maxconn[48], maxstmt[48];
    char *argv[24];
};

static int build_args(const struct server *s, const char *dir, unsigned max_conn,
                      struct server_args *a)
{
    if (fmt(a->datadir, sizeof a->datadir, "--datadir=%s/data", dir) != 0 ||
        fmt(a->socket, sizeof a->socket, "--socket=%s/sock", dir) != 0 ||
        fmt(a->pid, sizeof a->pid, "--pid-file=%s/pid", dir) != 0 ||
        fmt(a->log, sizeof a->log, "--log-error=%s/error.log", dir) != 0 ||
        fmt(a->tmpdir, sizeof a->tmpdir, "--tmpdir=%s", dir) != 0)
        return -1;
    fmt(a->maxconn, sizeof a->maxconn, "--max-connections=%u", max_conn);
    /* room for 256 prepared statements per connection (the default, 16382, stops a
     * 6-statement strategy near 2,700 buyers); 4194304 is the most MySQL accepts */
    unsigned long long stmts = (unsigned long long)max_conn * 256;
    fmt(a->maxstmt, sizeof a->maxstmt, "--max-prepared-stmt-count=%llu",
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
    *v = NULL;
    return 0;
}

/* Copies the cached data dir in and forks the server (output in dir/error.log), publishing its
 * pid in s, unless s was stopped meanwhile. Holds the lock throughout, so a concurrent stop
 * waits for the copy (tens of ms) instead of racing cp for the directory. */
static enum server_status copy_and_spawn(struct server *s, const char *cached, const char *dir,
                                         unsigned max_conn, char *err, size_t errlen)
{
    struct server_args a;
    char log[PATH_MAX];
    if (build_args(s, dir, max_conn, &a) != 0 || fmt(log, sizeof log, "%s/error.log", dir) != 0)
        return fail(SERVER_FAILED, err, errlen, "path too long: %s", dir);
    pthread_mutex_lock(&server_lock);
    enum server_status r = s->dir[0] ? copy_data(cached, dir, err, errlen)
                                     : fail(SERVER_FAILED, err, errlen,
                                            "server stopped while starting");
    int fd = r == SERVER_OK ? open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : -1;
    if (r == SERVER_OK && fd < 0)
        r = fail(SERVER_FAILED, err, errlen, "cannot open %s: %s", log, strerror(errno));
    if (r == SERVER_OK && (s->pid = spawn(s->binary, a.argv, environ, fd)) < 0) {
        s->pid = 0;
        r = fail(SERVER_FAILED, err, errlen, "cannot fork: %s", strerror(errno));
    }
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
        fmt(addr.sun_path, sizeof addr.sun_path, "%s", path) != 0)
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

/* One readiness check under the lock: 1 ready, 0 not yet, -1 failed (err filled). */
static int check_ready(struct server *s, const char *log, int *probe, char *err, size_t errlen)
{
    char line[512], how[64];
    int st;
    if (s->pid == 0) {
        fail(SERVER_FAILED, err, errlen, "server stopped while starting");
        return -1;
    }
    pid_t r = waitpid(s->pid, &st, WNOHANG);
    if (r == 0) {
        s->ready = probe_ready(s->socket, probe);
        return s->ready ? 1 : 0;
    }
    s->pid = 0;
    log_last_line(log, line, sizeof line);
    describe_status(r < 0 ? -1 : st, how, sizeof how);
    fail(SERVER_FAILED, err, errlen, "%s exited while starting (%s): %s", s->binary, how, line);
    return -1;
}

/* Polls every POLL_MS until the server greets a client, exits, or READY_TIMEOUT_MS. */
static enum server_status wait_ready(struct server *s, const char *dir, char *err, size_t errlen)
{
    char log[PATH_MAX], line[512];
    int probe = -1, r = 0;
    if (fmt(log, sizeof log, "%s/error.log", dir) != 0)
        return fail(SERVER_FAILED, err, errlen, "path too long: %s", dir);
    for (long long deadline = now_ms() + READY_TIMEOUT_MS; r == 0 && now_ms() < deadline; ) {
        pthread_mutex_lock(&server_lock);
        r = check_ready(s, log, &probe, err, errlen);
        pthread_mutex_unlock(&server_lock);
        if (r == 0)
            sleep_ms(POLL_MS);
    }
    if (probe >= 0)
        close(probe);
    if (r != 0)
        return r > 0 ? SERVER_OK : SERVER_FAILED;
    log_last_line(log, line, sizeof line);
    return fail(SERVER_FAILED, err, errlen, "server not ready on %s/sock after %d s: %s",
                dir, READY_TIMEOUT_MS / 1000, line);
}

/* Creates the run directory and publishes it (and the socket path) in s. */
static enum server_status publish_run_dir(struct server *s, char *dir, size_t n,
                                          char *err, size_t errlen)
{
    int lock_fd;
    enum server_status r = make_run_dir(dir, n, &lock_fd, err, errlen);
    if (r != SERVER_OK)
        return r;
    pthread_mutex_lock(&server_lock);
    s->dir_lock = lock_fd;
    s->has_dir_lock = true;
    fmt(s->dir, sizeof s->dir, "%s", dir);
    fmt(s->socket, sizeof s->socket, "%s/sock", dir);
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
    if (r == SERVER_OK)
        r = copy_and_spawn(s, cached, dir, o ? o->max_connections : 0, err, errlen);
    if (r == SERVER_OK)
        r = wait_ready(s, dir, err, errlen);
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
    if (s->pid > 0)
        terminate(s->pid, graceful && s->ready);
    s->pid = 0;
    s->ready = false;
    remove_tree(s->dir);
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
    if (s->pid > 0 && waitpid(s->pid, &st, WNOHANG) == s->pid) {
        s->pid = 0;
        s->ready = false;
        r = st ? st : -1;
    }
    pthread_mutex_unlock(&server_lock);
    return r;
}
