/* test_server.c — starts, checks and stops real private servers (needs mariadbd or mysqld). */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int passed, failed;
static char real_binary[PATH_MAX];   /* the server binary server_start found */

static void check(bool ok, const char *what)
{
    printf("%s - %s\n", ok ? "ok" : "FAIL", what);
    fflush(stdout);
    if (ok)
        passed++;
    else
        failed++;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static bool connectable(const char *path)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof a.sun_path)
        return false;
    strcpy(a.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
    if (fd >= 0)
        close(fd);
    return ok;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool gone(pid_t pid)
{
    return kill(pid, 0) != 0 && errno == ESRCH;
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

static enum server_status start(struct server *s, unsigned max_conn, char *err, size_t n)
{
    struct server_options o = { .max_connections = max_conn };
    enum server_status r = server_start(s, &o, err, n);
    if (r != SERVER_OK)
        printf("# server_start: %s\n", err);
    return r;
}

static void *stop_thread(void *arg)
{
    server_stop(arg);
    return NULL;
}

/* Start, inspect, stop from another thread, stop again. */
static void test_lifecycle(void)
{
    struct server s = {0};
    char err[1024];
    double t0 = now_ms();
    enum server_status r = start(&s, 50, err, sizeof err);
    printf("# first start: %.0f ms (includes initialising the cache if it was empty)\n",
           now_ms() - t0);
    check(r == SERVER_OK, "server_start returns SERVER_OK");
    if (r != SERVER_OK)
        return;
    pid_t pid = s.pid;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", s.dir);
    printf("# %s: %s in %s\n", s.binary, s.version, s.dir);
    snprintf(real_binary, sizeof real_binary, "%s", s.binary);
    check(pid > 0 && kill(pid, 0) == 0, "server pid is alive");
    check(connectable(s.socket), "socket accepts connections");
    check(strlen(s.socket) < 100, "socket path shorter than 100 chars");
    check(s.version[0] != '\0', "version is non-empty");
    check(is_dir(dir), "private dir exists");
    pthread_t t;
    pthread_create(&t, NULL, stop_thread, &s);
    pthread_join(t, NULL);
    check(gone(pid), "pid gone after server_stop from another thread (ESRCH)");
    check(!is_dir(dir), "private dir removed");
    check(s.pid == 0 && s.dir[0] == '\0', "struct reset after stop");
    server_stop(&s);
    check(s.pid == 0, "second server_stop is harmless");
}

static void test_cached_start(void)
{
    struct server s = {0};
    char err[1024];
    double t0 = now_ms();
    enum server_status r = start(&s, 50, err, sizeof err);
    double ms = now_ms() - t0;
    printf("# cached start: %.0f ms\n", ms);
    check(r == SERVER_OK && connectable(s.socket), "cached start works");
    check(ms < 10000, "cached start under 10 s (target well under 2 s; a loose bound so a "
          "loaded machine does not fail the test)");
    server_stop(&s);
}

static void test_bad_binaries(void)
{
    struct server s = {0};
    char err[1024];
    setenv("RACESIM_MYSQLD", "/nonexistent", 1);
    enum server_status r = server_start(&s, NULL, err, sizeof err);
    printf("# %s\n", err);
    check(r == SERVER_NO_BINARY, "RACESIM_MYSQLD=/nonexistent gives SERVER_NO_BINARY");
    check(strstr(err, "mariadb-server") && strstr(err, "--dsn"),
          "message mentions mariadb-server and --dsn");
    check(strstr(err, "/nonexistent") != NULL, "message names the RACESIM_MYSQLD value");
    setenv("RACESIM_MYSQLD", "/bin/false", 1);
    r = server_start(&s, NULL, err, sizeof err);
    printf("# %s\n", err);
    check(r == SERVER_FAILED && err[0],
          "RACESIM_MYSQLD=/bin/false gives SERVER_FAILED with a reason");
    check(s.pid == 0 && s.dir[0] == '\0', "failed start leaves nothing running");
    unsetenv("RACESIM_MYSQLD");
}

static bool dir_empty(const char *dir)
{
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", dir);
    return system(cmd) == 0;
}

/* A server that exits while starting: SERVER_FAILED quoting its error log, nothing left. */
static void test_start_failure(void)
{
    char tmp[] = "/tmp/racesim-test-fail-XXXXXX", script[PATH_MAX], err[1024];
    if (!real_binary[0] || !mkdtemp(tmp)) {
        check(false, "setup for the failing-server test");
        return;
    }
    snprintf(script, sizeof script, "%s/mariadbd", tmp);
    FILE *f = fopen(script, "w");
    if (!f) {
        check(false, "write the failing-server wrapper");
        return;
    }
    fprintf(f, "#!/bin/sh\ncase \" $* \" in *\" --version \"*) exec '%s' \"$@\";; esac\n"
               "exec '%s' \"$@\" --no-such-option-for-racesim\n", real_binary, real_binary);
    fclose(f);
    chmod(script, 0755);
    const char *old_tmp = getenv("TMPDIR");
    char *saved = old_tmp ? strdup(old_tmp) : NULL;
    char runs[PATH_MAX];
    snprintf(runs, sizeof runs, "%s/runs", tmp);
    mkdir(runs, 0700);
    setenv("TMPDIR", runs, 1);
    setenv("RACESIM_MYSQLD", script, 1);
    struct server s = {0};
    enum server_status r = server_start(&s, NULL, err, sizeof err);
    printf("# %s\n", err);
    check(r == SERVER_FAILED, "a server that exits while starting gives SERVER_FAILED");
    check(strstr(err, "no-such-option-for-racesim") != NULL, "message quotes the error log");
    check(s.pid == 0 && s.dir[0] == '\0' && dir_empty(runs), "its temp dir is removed");
    unsetenv("RACESIM_MYSQLD");
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);
    rm_tree(tmp);
}

struct racer {
    struct server s;
    enum server_status status;
    bool connectable;
    char err[1024];
    pthread_barrier_t *barrier;
};

/* Starts a server, waits until the other racer has too, checks, stops: the server dies with
 * the thread that started it, so it must not outlive this function. */
static void *racer_main(void *arg)
{
    struct racer *r = arg;
    struct server_options o = { .max_connections = 20 };
    r->status = server_start(&r->s, &o, r->err, sizeof r->err);
    pthread_barrier_wait(r->barrier);
    r->connectable = r->status == SERVER_OK && connectable(r->s.socket);
    pthread_barrier_wait(r->barrier);
    server_stop(&r->s);
    return NULL;
}

static int count_entries(const char *dir, const char *prefix)
{
    char cmd[PATH_MAX + 64];
    snprintf(cmd, sizeof cmd, "ls -1 '%s' | grep -c '^%s'", dir, prefix);
    FILE *f = popen(cmd, "r");
    int n = -1;
    if (f) {
        if (fscanf(f, "%d", &n) != 1)
            n = -1;
        pclose(f);
    }
    return n;
}

/* Two concurrent starts on an empty cache: both initialise, one copy wins, both run. */
static void test_concurrent_init(void)
{
    char cache[] = "/tmp/racesim-test-cache-XXXXXX", root[PATH_MAX];
    if (!mkdtemp(cache)) {
        check(false, "mkdtemp for a fresh cache");
        return;
    }
    snprintf(root, sizeof root, "%s/racesim/tmp-stale/data", cache);   /* a dead init's */
    char mk[PATH_MAX + 16];
    snprintf(mk, sizeof mk, "mkdir -p '%s'", root);
    bool staged = system(mk) == 0;
    *strrchr(root, '/') = '\0';
    time_t two_hours_ago = time(NULL) - 7200;
    struct timespec old_times[2] = { { .tv_sec = two_hours_ago }, { .tv_sec = two_hours_ago } };
    staged = staged && utimensat(AT_FDCWD, root, old_times, 0) == 0;
    const char *old = getenv("XDG_CACHE_HOME");
    char *saved = old ? strdup(old) : NULL;
    setenv("XDG_CACHE_HOME", cache, 1);
    pthread_barrier_t b;
    pthread_barrier_init(&b, NULL, 2);
    struct racer r[2] = { { .barrier = &b }, { .barrier = &b } };
    pthread_t t[2];
    double t0 = now_ms();
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, racer_main, &r[i]);
    for (int i = 0; i < 2; i++)
        pthread_join(t[i], NULL);
    printf("# two concurrent starts on an empty cache: %.0f ms\n", now_ms() - t0);
    for (int i = 0; i < 2; i++)
        if (r[i].status != SERVER_OK)
            printf("# racer %d: %s\n", i, r[i].err);
    check(r[0].status == SERVER_OK && r[1].status == SERVER_OK, "both concurrent starts succeed");
    check(r[0].connectable && r[1].connectable, "both servers accept connections at once");
    snprintf(root, sizeof root, "%s/racesim", cache);
    check(count_entries(root, "datadir-") == 1, "exactly one cached datadir");
    check(staged && count_entries(root, "tmp-") == 0,
          "no temporary init dirs left in the cache (a 2-hour-old one was swept)");
    pthread_barrier_destroy(&b);
    if (saved)
        setenv("XDG_CACHE_HOME", saved, 1);
    else
        unsetenv("XDG_CACHE_HOME");
    free(saved);
    rm_tree(cache);
    check(!is_dir(cache), "temporary cache removed");
}

/* A child process starts a server and exits without stopping it: the server must die too.
 * We are a subreaper, so the orphaned server becomes our child and we can reap it. */
static void test_dies_with_parent(void)
{
    int p[2];
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0 || pipe(p) != 0) {
        check(false, "subreaper and pipe");
        return;
    }
    pid_t child = fork();
    if (child == 0) {
        struct server s = {0};
        char err[1024];
        close(p[0]);
        if (server_start(&s, NULL, err, sizeof err) != SERVER_OK)
            s.pid = 0;
        if (write(p[1], &s, sizeof s) != (ssize_t)sizeof s)
            _exit(2);
        _exit(0);   /* no server_stop: simulate racesim crashing */
    }
    close(p[1]);
    struct server s = {0};
    size_t got = 0;
    for (ssize_t n; got < sizeof s && (n = read(p[0], (char *)&s + got, sizeof s - got)) > 0; )
        got += (size_t)n;
    close(p[0]);
    waitpid(child, NULL, 0);
    check(got == sizeof s && s.pid > 0, "child started a server");
    if (s.pid <= 0)
        return;
    int st = 0;
    pid_t r = 0;
    for (int i = 0; i < 500 && (r = waitpid(s.pid, &st, WNOHANG)) == 0; i++)
        usleep(20000);
    check(r == s.pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
          "server killed (SIGKILL) when the process that started it died");
    if (r == 0) {   /* still running: it is our descendant, stop it */
        kill(s.pid, SIGKILL);
        waitpid(s.pid, NULL, 0);
    }
    rm_tree(s.dir);   /* a crashed racesim leaves its temp dir behind */
    prctl(PR_SET_CHILD_SUBREAPER, 0);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    test_bad_binaries();
    test_lifecycle();
    test_cached_start();
    test_start_failure();
    test_concurrent_init();
    test_dies_with_parent();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
