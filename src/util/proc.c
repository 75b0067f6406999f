/* proc.c — the private servers' child processes: spawned (as another account), waited for, captured. */
#include "proc.h"
#include "clock.h"
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define POLL_MS 10
#define CAPTURE_TIMEOUT_MS 10000

/* See proc.h. */
long long proc_now_ms(void)
{
    return clock_now_us() / 1000;
}

/* See proc.h. */
void proc_sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* In the forked child: switch account, die with the parent thread, clean signal state, wire
 * up stdio, exec. Only async-signal-safe calls here (the parent may be multithreaded). */
static void child_exec(pid_t parent, const struct proc_account *as, const char *path,
                       char *const argv[], char *const envp[], int in_fd, int out_fd)
{
    if (as && as->drop && (setgroups(1, &as->gid) != 0 || setgid(as->gid) != 0 ||
                           setuid(as->uid) != 0 || getuid() != as->uid || geteuid() != as->uid))
        _exit(126);
    /* after the switch: a change of credentials clears the parent-death signal */
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

/* See proc.h. */
pid_t proc_spawn(const struct proc_account *as, const char *path, char *const argv[],
                 char *const envp[], int out_fd)
{
    int in_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (in_fd < 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0)
        child_exec(parent, as, path, argv, envp, in_fd, out_fd);
    int saved = errno;
    close(in_fd);
    errno = saved;
    return pid;
}

/* See proc.h. */
int proc_reap(pid_t pid)
{
    int st;
    pid_t r;
    while ((r = waitpid(pid, &st, 0)) < 0 && errno == EINTR) {
    }
    return r == pid ? st : -1;
}

/* See proc.h. */
bool proc_wait_exit(pid_t pid, long ms, int *st)
{
    long long deadline = proc_now_ms() + ms;
    for (;;) {
        pid_t r = waitpid(pid, st, WNOHANG);
        if (r < 0 && errno != EINTR)
            *st = -1;
        if (r == pid || (r < 0 && errno != EINTR))
            return true;
        if (proc_now_ms() >= deadline)
            return false;
        proc_sleep_ms(POLL_MS);
    }
}

/* See proc.h. */
bool proc_is_stopped(pid_t pid)
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

/* See proc.h. */
void proc_describe_status(int st, char *out, size_t n)
{
    if (st < 0)
        fs_fmt(out, n, "unknown status");
    else if (WIFEXITED(st))
        fs_fmt(out, n, "exit status %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        fs_fmt(out, n, "killed by signal %d", WTERMSIG(st));
    else
        fs_fmt(out, n, "status %d", st);
}

/* See proc.h. */
int proc_run_logged(const struct proc_account *as, const char *path, char *const argv[],
                    char *const envp[], const char *log_path)
{
    int fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    pid_t pid = proc_spawn(as, path, argv, envp, fd);
    int saved = errno;
    close(fd);
    if (pid < 0) {
        errno = saved;
        return -1;
    }
    return proc_reap(pid);
}

/* Reads what fd says until EOF or the deadline; keeps the first n-1 bytes. */
static void read_until_eof(int fd, char *out, size_t n, long long deadline)
{
    size_t used = 0;
    char scratch[512];
    for (;;) {
        int left = (int)(deadline - proc_now_ms());
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

/* See proc.h. */
int proc_run_capture(const char *path, char *const argv[], char *out, size_t n)
{
    int p[2];
    out[0] = '\0';
    if (pipe2(p, O_CLOEXEC) != 0)
        return -1;
    pid_t pid = proc_spawn(NULL, path, argv, environ, p[1]);
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        return -1;
    }
    long long deadline = proc_now_ms() + CAPTURE_TIMEOUT_MS;
    read_until_eof(p[0], out, n, deadline);
    close(p[0]);
    int st;
    /* its output ended: it is exiting, which may take a while on a loaded machine (a loaded
     * CI box once took over 100 ms), so wait for it up to the same deadline */
    long long left = deadline - proc_now_ms();
    if (!proc_wait_exit(pid, left > POLL_MS * 10 ? (long)left : POLL_MS * 10, &st)) {
        kill(pid, SIGKILL);
        proc_reap(pid);
        return -1;
    }
    out[strcspn(out, "\n")] = '\0';
    fs_rtrim(out);
    return st;
}
