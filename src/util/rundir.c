/* rundir.c — run directories of private servers: created and locked per run, swept when dead. */
#include "rundir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

/* snprintf that reports truncation: 0, or -1 with ENAMETOOLONG. */
static int path_join(char *out, size_t n, const char *a, const char *b)
{
    int r = snprintf(out, n, "%s/%s", a, b);
    if (r < 0 || (size_t)r >= n) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    remove(path);
    return 0;   /* keep going: remove as much as possible */
}

/* See rundir.h. */
void rundir_remove(const char *dir)
{
    if (dir && *dir)
        nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

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
    if (strncmp(name, RUNDIR_PREFIX, strlen(RUNDIR_PREFIX)) != 0)
        return false;
    const char *x = name + strlen(RUNDIR_PREFIX);
    size_t n = 0;
    for (; x[n]; n++)
        if (!((x[n] >= 'a' && x[n] <= 'z') || (x[n] >= 'A' && x[n] <= 'Z') || (x[n] >= '0' && x[n] <= '9')))
            return false;
    return n == 6;
}

/* Whether the server whose pid file is in dir still runs with its data there (its racesim died
 * but it did not: then its files stay). Its command line names DIR/data (MariaDB's
 * --datadir=DIR/data, PostgreSQL's -D DIR/data). */
static bool server_still_runs(const char *dir)
{
    char path[PATH_MAX], data[PATH_MAX], cmdline[4096];
    long pid = 0;
    FILE *f = path_join(path, sizeof path, dir, RUNDIR_PID) == 0 ? fopen(path, "re") : NULL;
    if (!f)
        return false;
    bool read = fscanf(f, "%ld", &pid) == 1 && pid > 0;
    fclose(f);
    if (!read || snprintf(path, sizeof path, "/proc/%ld/cmdline", pid) >= (int)sizeof path)
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
    return path_join(data, sizeof data, dir, "data") == 0 && strstr(cmdline, data) != NULL;
}

/* See rundir.h. */
void rundir_sweep(const char *tmp, void (*release)(const char *dir))
{
    DIR *d = opendir(tmp);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL; ) {
        char dir[PATH_MAX], lock[PATH_MAX], owner[32] = "";
        struct stat st;
        if (!is_run_dir_name(e->d_name) || path_join(dir, sizeof dir, tmp, e->d_name) != 0 ||
            path_join(lock, sizeof lock, dir, RUNDIR_LOCK) != 0 || lstat(dir, &st) != 0 ||
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
            owner[strcspn(owner, "\r\n \t")] = '\0';
            if (release)
                release(dir);
            unlink(lock);
            rundir_remove(dir);
            fprintf(stderr, "racesim: removed %s left by a run that died (pid %s)\n", dir,
                    owner[0] ? owner : "unknown");
        }
        close(fd);
    }
    closedir(d);
}

/* Locks the new run directory dir for this process: dir/lock.new is made (O_EXCL), flocked,
 * given our PID, then renamed to dir/RUNDIR_LOCK, so a lock file that exists is held for as
 * long as its racesim lives. Returns the fd to keep open until the directory is removed, or -1. */
static int lock_run_dir(const char *dir)
{
    char fresh[PATH_MAX], lock[PATH_MAX], pid[32];
    if (path_join(fresh, sizeof fresh, dir, "lock.new") != 0 ||
        path_join(lock, sizeof lock, dir, RUNDIR_LOCK) != 0)
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

/* See rundir.h. */
int rundir_create(const char *tmp, char *out, size_t n, int *lock_fd)
{
    if (path_join(out, n, tmp, RUNDIR_PREFIX "XXXXXX") != 0 || !mkdtemp(out)) {
        out[0] = '\0';
        return -1;
    }
    *lock_fd = lock_run_dir(out);
    if (*lock_fd < 0) {
        int saved = errno;
        rundir_remove(out);
        errno = saved;
        return -2;
    }
    return 0;
}
