/* test_pg_server.c — starts, checks and stops real private PostgreSQL servers (needs postgres). */
#include "drivers/postgres/pg_server.h"
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static uid_t owner_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_uid : (uid_t)-1;
}

static bool gone(pid_t pid)
{
    return kill(pid, 0) != 0 && errno == ESRCH;
}

/* Waits up to 10 s for pid to be gone (a process we do not reap: another's child). */
static bool gone_soon(pid_t pid)
{
    for (int i = 0; i < 1000 && !gone(pid); i++)
        usleep(10000);
    return gone(pid);
}

static int rm_entry(const char *p, const struct stat *st, int f, struct FTW *w)
{
    (void)st; (void)f; (void)w;
    remove(p);
    return 0;
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static bool connectable(const struct pg_server *s)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/.s.PGSQL.%d", s->socket_dir, s->port);
    if (strlen(path) >= sizeof a.sun_path)
        return false;
    memcpy(a.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

/* Runs psql (next to s's postgres) with -c sql; its first output line into out. True when it
 * exited 0. */
static bool psql(const struct pg_server *s, const char *sql, char *out, size_t n)
{
    char bin[PATH_MAX], port[16];
    snprintf(bin, sizeof bin, "%s", s->binary);
    strcpy(strrchr(bin, '/') + 1, "psql");
    snprintf(port, sizeof port, "%d", s->port);
    int p[2];
    out[0] = '\0';
    if (pipe(p) != 0)
        return false;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(p[1], 1);
        close(p[0]);
        close(p[1]);
        execl(bin, bin, "-X", "-A", "-t", "-h", s->socket_dir, "-p", port, "-U", s->user,
              "-d", s->database, "-c", sql, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    size_t used = 0;
    ssize_t got;
    while (used < n - 1 && (got = read(p[0], out + used, n - 1 - used)) > 0)
        used += (size_t)got;
    out[used] = '\0';
    out[strcspn(out, "\n")] = '\0';
    close(p[0]);
    int st;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* Whether any process's command line names dir (the postmaster or a backend left over). */
static bool process_in(const char *dir)
{
    DIR *d = opendir("/proc");
    bool found = false;
    for (struct dirent *e; d && !found && (e = readdir(d)) != NULL; ) {
        char path[300], buf[4096];
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        int fd = open(path, O_RDONLY);
        ssize_t got = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
        if (fd >= 0)
            close(fd);
        for (ssize_t i = 0; i < got; i++)
            if (buf[i] == '\0')
                buf[i] = ' ';
        buf[got > 0 ? got : 0] = '\0';
        found = strstr(buf, dir) != NULL;
    }
    if (d)
        closedir(d);
    return found;
}

/* The System V segment (key, id) named on line 7 of dir/data/postmaster.pid; false if none. */
static bool shm_of(const char *dir, unsigned long *key, unsigned long *id)
{
    char path[PATH_MAX + 32], line[256];
    snprintf(path, sizeof path, "%s/data/postmaster.pid", dir);
    FILE *f = fopen(path, "r");
    bool found = false;
    for (int i = 1; f && !found && fgets(line, sizeof line, f); i++)
        found = i == 7 && sscanf(line, "%lu %lu", key, id) == 2 && *key != 0;
    if (f)
        fclose(f);
    return found;
}

static bool shm_exists(unsigned long key, unsigned long id)
{
    struct shmid_ds ds;
    return shmctl((int)id, IPC_STAT, &ds) == 0 && (unsigned long)ds.shm_perm.__key == key;
}

static const char *run_parent;   /* NULL: the server's own choice (/dev/shm or TMPDIR) */

static enum pg_server_status start(struct pg_server *s, unsigned max_conn, char *err, size_t n)
{
    struct pg_server_options o = { .max_connections = max_conn, .run_parent = run_parent };
    enum pg_server_status r = pg_server_start(s, &o, err, n);
    if (r != PG_SERVER_OK)
        printf("# pg_server_start: %s\n", err);
    return r;
}

/* Start, connect, query, the account that runs it, stop: no process and no directory left. */
static char binary[PATH_MAX];   /* the postgres binary the first start found */

static void test_lifecycle(void)
{
    struct pg_server s;
    char err[512], out[256], dir[PATH_MAX];
    if (!check(start(&s, 37, err, sizeof err) == PG_SERVER_OK, "server starts"))
        return;
    printf("# %s (%s) as %s in %s\n", s.binary, s.version, s.os_user, s.dir);
    check(s.pid > 0 && s.ready, "it has a pid and is ready");
    check(strstr(s.version, "PostgreSQL") != NULL, "version from postgres --version: %s", s.version);
    check(connectable(&s), "its unix socket accepts a connection");
    check(psql(&s, "select 1", out, sizeof out) && strcmp(out, "1") == 0,
          "psql runs select 1 (got '%s')", out);
    check(psql(&s, "show max_connections", out, sizeof out) && strcmp(out, "37") == 0,
          "max_connections is what was asked (got '%s')", out);
    check(psql(&s, "show fsync", out, sizeof out) && strcmp(out, "off") == 0,
          "fsync is off (got '%s')", out);
    check(psql(&s, "show dynamic_shared_memory_type", out, sizeof out) && strcmp(out, "mmap") == 0,
          "dynamic shared memory lives in the run directory (got '%s')", out);
    check(psql(&s, "show listen_addresses", out, sizeof out) && strcmp(out, "") == 0,
          "no TCP: listen_addresses is empty (got '%s')", out);
    char data[PATH_MAX + 8], proc[64];
    snprintf(data, sizeof data, "%s/data", s.dir);
    snprintf(proc, sizeof proc, "/proc/%d", (int)s.pid);
    struct passwd *pw = getpwnam(s.os_user);
    uid_t expect = geteuid() == 0 ? (pw ? pw->pw_uid : (uid_t)-2) : geteuid();
    if (geteuid() == 0)
        check(expect != 0 && expect != (uid_t)-2, "as root, it runs as an unprivileged account (%s)",
              s.os_user);
    check(owner_of(proc) == expect, "the postmaster runs as %s", s.os_user);
    check(owner_of(data) == expect && owner_of(s.socket_dir) == expect,
          "its data and socket directories belong to %s", s.os_user);
    if (geteuid() == 0) {
        struct stat st;
        check(stat(s.dir, &st) == 0 && st.st_uid == 0 && (st.st_mode & 07777) == 0711,
              "as root, the run directory stays root's, mode 0711 (passable, not readable)");
    }
    pid_t pid = s.pid;
    snprintf(dir, sizeof dir, "%s", s.dir);
    snprintf(binary, sizeof binary, "%s", s.binary);
    pg_server_stop(&s);
    check(gone(pid), "stop: the postmaster is gone");
    check(!process_in(dir), "stop: no process of that server is left");
    check(!is_dir(dir), "stop: its run directory is removed");
    pg_server_stop(&s);
    check(s.pid == 0 && s.dir[0] == '\0', "a second stop is harmless");
}

/* A stopped (SIGSTOP) server is killed at once on stop. */
static void test_stopped_server(void)
{
    struct pg_server s;
    char err[512], dir[PATH_MAX];
    if (!check(start(&s, 20, err, sizeof err) == PG_SERVER_OK, "server starts (to be SIGSTOPped)"))
        return;
    pid_t pid = s.pid;
    snprintf(dir, sizeof dir, "%s", s.dir);
    unsigned long key = 0, id = 0;
    check(shm_of(dir, &key, &id) && shm_exists(key, id), "it holds a System V segment");
    kill(pid, SIGSTOP);
    pg_server_stop(&s);
    check(gone(pid) && !is_dir(dir), "a SIGSTOPped server is stopped and its directory removed");
    check(!shm_exists(key, id), "the killed server's System V segment is freed");
}

/* No binary: a clear message naming the package and --dsn. */
static void test_no_binary(void)
{
    struct pg_server s;
    char err[512];
    setenv("RACESIM_POSTGRES", "/nonexistent/postgres", 1);
    enum pg_server_status r = pg_server_start(&s, NULL, err, sizeof err);
    unsetenv("RACESIM_POSTGRES");
    check(r == PG_SERVER_NO_BINARY && strstr(err, "postgresql") && strstr(err, "--dsn"),
          "no binary: the message names postgresql and --dsn (%s)", err);
    check(s.dir[0] == '\0' && s.pid == 0, "no binary: nothing is left");
}

/* RACESIM_POSTGRES may name the bin directory; the run directory may go where asked (on disk). */
static void test_bin_dir_and_run_parent(const char *binary)
{
    char bindir[PATH_MAX], err[512], out[64];
    snprintf(bindir, sizeof bindir, "%s", binary);
    *strrchr(bindir, '/') = '\0';
    setenv("RACESIM_POSTGRES", bindir, 1);
    struct pg_server s;
    struct pg_server_options o = { .max_connections = 20, .run_parent = "/tmp" };
    enum pg_server_status r = pg_server_start(&s, &o, err, sizeof err);
    unsetenv("RACESIM_POSTGRES");
    if (!check(r == PG_SERVER_OK, "RACESIM_POSTGRES=%s (a bin directory) starts: %s", bindir, err))
        return;
    check(strcmp(s.binary, binary) == 0, "it uses %s", s.binary);
    check(strncmp(s.dir, "/tmp/racesim-", 13) == 0, "the run directory is where asked: %s", s.dir);
    check(psql(&s, "select 1", out, sizeof out) && strcmp(out, "1") == 0, "psql runs select 1 there");
    pg_server_stop(&s);
}

/* Two processes start at once while the cache is cold: both work, one template is made. */
static void test_concurrent_cold_cache(void)
{
    char cache[] = "/tmp/racesim-pgcache-XXXXXX";
    if (!check(mkdtemp(cache) != NULL, "a fresh cache directory"))
        return;
    const char *old = getenv("XDG_CACHE_HOME");
    char saved[PATH_MAX] = "";
    if (old)
        snprintf(saved, sizeof saved, "%s", old);
    setenv("XDG_CACHE_HOME", cache, 1);
    pid_t kids[2];
    for (int i = 0; i < 2; i++) {
        kids[i] = fork();
        if (kids[i] == 0) {
            struct pg_server s;
            char err[512], out[64];
            int ok = start(&s, 20, err, sizeof err) == PG_SERVER_OK &&
                     psql(&s, "select 1", out, sizeof out) && strcmp(out, "1") == 0;
            pg_server_stop(&s);
            _exit(ok ? 0 : 1);
        }
    }
    for (int i = 0; i < 2; i++) {
        int st;
        check(waitpid(kids[i], &st, 0) == kids[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "cold cache: start %d of 2 at once works", i + 1);
    }
    int templates = 0;
    DIR *d = opendir(cache);
    char sub[PATH_MAX];
    snprintf(sub, sizeof sub, "%s/racesim", cache);
    if (d)
        closedir(d);
    d = opendir(sub);
    for (struct dirent *e; d && (e = readdir(d)) != NULL; )
        templates += strncmp(e->d_name, "postgres-", 9) == 0 && !strstr(e->d_name, ".lock");
    if (d)
        closedir(d);
    check(templates == 1, "one template in the cache (%d)", templates);
    rm_tree(cache);
    if (saved[0])
        setenv("XDG_CACHE_HOME", saved, 1);
    else
        unsetenv("XDG_CACHE_HOME");
}

/* The server dies with the process that started it; the next start removes its directory. */
static void test_dies_with_parent(void)
{
    /* a folder of the test's own: another racesim on this machine sweeps /dev/shm and TMPDIR and
     * would rightly remove the dead run's directory before this test looks at it */
    static char parent[] = "/tmp/racesim-test-parent-XXXXXX";
    if (!mkdtemp(parent) || chmod(parent, 0711) != 0)
        return;
    run_parent = parent;
    int p[2];
    if (pipe(p) != 0)
        return;
    pid_t child = fork();
    if (child == 0) {
        struct pg_server s;
        char err[512];
        close(p[0]);
        if (start(&s, 20, err, sizeof err) == PG_SERVER_OK) {
            char line[PATH_MAX + 32];
            int n = snprintf(line, sizeof line, "%d %s\n", (int)s.pid, s.dir);
            if (write(p[1], line, (size_t)n) != n)
                _exit(1);
        }
        _exit(0);                       /* no stop: as if killed */
    }
    close(p[1]);
    char line[PATH_MAX + 32] = "";
    ssize_t got = read(p[0], line, sizeof line - 1);
    close(p[0]);
    line[got > 0 ? got : 0] = '\0';
    waitpid(child, NULL, 0);
    int pid = 0;
    char dir[PATH_MAX] = "";
    if (!check(sscanf(line, "%d %4095s", &pid, dir) == 2, "a child started a server (%s)", dir))
        return;
    check(gone_soon(pid), "the server died with the process that started it");
    check(is_dir(dir), "its run directory stays behind");
    unsigned long key = 0, id = 0;
    check(shm_of(dir, &key, &id) && shm_exists(key, id), "and its System V segment");
    struct pg_server s;
    char err[512];
    if (check(start(&s, 20, err, sizeof err) == PG_SERVER_OK, "the next start works"))
        pg_server_stop(&s);
    check(!is_dir(dir), "the next start removed the dead run's directory");
    check(!shm_exists(key, id), "and freed its System V segment");
    run_parent = NULL;
    rmdir(parent);
}

struct racer { struct pg_server s; enum pg_server_status r; char err[512]; };

static void *racer_main(void *arg)
{
    struct racer *x = arg;
    x->r = start(&x->s, 20, x->err, sizeof x->err);
    return NULL;
}

/* A stop from another thread while the start runs: the start fails or is stopped; nothing left. */
static void test_stop_during_start(void)
{
    static struct racer x;
    pthread_t t;
    if (pthread_create(&t, NULL, racer_main, &x) != 0)
        return;
    char dir[PATH_MAX] = "";
    pid_t pid = 0;
    for (int i = 0; i < 2000; i++) {     /* until the start published something */
        struct pg_server copy;
        pg_server_snapshot(&x.s, &copy);
        if (copy.pid > 0) {
            snprintf(dir, sizeof dir, "%s", copy.dir);
            pid = copy.pid;
            break;
        }
        usleep(1000);
    }
    pg_server_stop(&x.s);
    pthread_join(t, NULL);
    pg_server_stop(&x.s);
    check(pid == 0 || gone(pid), "stop during start: no server left");
    check(!dir[0] || !is_dir(dir), "stop during start: no directory left");
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_no_binary();
    test_concurrent_cold_cache();
    test_lifecycle();
    if (binary[0])
        test_bin_dir_and_run_parent(binary);
    test_stopped_server();
    test_dies_with_parent();
    test_stop_during_start();
    return check_summary();
}
