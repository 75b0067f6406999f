/* proc.h — the private servers' child processes: spawned (as another account), waited for, captured. */
#ifndef RACESIM_PROC_H
#define RACESIM_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* An account a child switches to before exec (root only); NULL or drop false: ourselves. */
struct proc_account {
    bool drop;
    uid_t uid;
    gid_t gid;
};

/* Milliseconds on the monotonic clock (clock.h's). */
long long proc_now_ms(void);

/* Sleeps ms milliseconds (resuming after signals). */
void proc_sleep_ms(long ms);

/* Starts path with argv/envp, stdin from /dev/null, stdout and stderr to out_fd, as `as` (its
 * groups, gid and uid set before exec; exit status 126 when that failed). The child gets
 * SIGKILL when the calling thread dies (PR_SET_PDEATHSIG, set after the switch, which would
 * clear it), has default signal handling and no other fds. Returns the pid, or -1 with errno. */
pid_t proc_spawn(const struct proc_account *as, const char *path, char *const argv[],
                 char *const envp[], int out_fd);

/* Blocking waitpid that retries on EINTR. Returns the wait status, or -1. */
int proc_reap(pid_t pid);

/* Polls for pid's exit for up to ms milliseconds. True when it was reaped (status in *st) or
 * is not ours (*st = -1). */
bool proc_wait_exit(pid_t pid, long ms, int *st);

/* Whether pid is stopped (SIGSTOP, a debugger): its state in /proc/PID/stat is T or t. */
bool proc_is_stopped(pid_t pid);

/* Describes a wait status ("exit status 1", "killed by signal 9"; -1: "unknown status"). */
void proc_describe_status(int st, char *out, size_t n);

/* Runs argv as `as` to completion with its output appended to log_path. Returns the wait
 * status (0 on success), or -1 with errno when it could not be started. */
int proc_run_logged(const struct proc_account *as, const char *path, char *const argv[],
                    char *const envp[], const char *log_path);

/* Runs argv (as ourselves, our environment) and keeps the first line of its output, trimmed,
 * in out, within 10 s (a child still running then is killed). Returns the wait status (0 on
 * success) or -1. */
int proc_run_capture(const char *path, char *const argv[], char *out, size_t n);

#endif
