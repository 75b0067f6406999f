/* fsutil.c — file helpers of the private servers: paths, programs in PATH, the cache, log lines. */
#include "fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* See fsutil.h. */
int fs_fmt(char *out, size_t n, const char *f, ...)
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

/* See fsutil.h. */
bool fs_is_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* See fsutil.h. */
bool fs_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* See fsutil.h. */
bool fs_find_in_path(const char *name, char *out, size_t n)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/local/bin:/usr/bin:/bin";
    for (const char *p = path; ; ) {
        const char *colon = strchr(p, ':');
        size_t len = colon ? (size_t)(colon - p) : strlen(p);
        if (len > 0 && fs_fmt(out, n, "%.*s/%s", (int)len, p, name) == 0 && fs_is_executable(out))
            return true;
        if (!colon)
            return false;
        p = colon + 1;
    }
}

/* See fsutil.h. */
int fs_mkdir_p(const char *path, mode_t mode)
{
    char buf[PATH_MAX];
    if (fs_fmt(buf, sizeof buf, "%s", path) != 0)
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
    return fs_is_dir(path) ? 0 : (errno = ENOTDIR, -1);
}

/* See fsutil.h. */
void fs_rtrim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
}

/* See fsutil.h. */
int fs_cache_root(char *out, size_t n, char *err, size_t errlen)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    char pwbuf[4096];
    struct passwd pw, *found = NULL;
    int r;
    if (xdg && xdg[0] == '/')
        r = fs_fmt(out, n, "%s/racesim", xdg);
    else if (home && home[0] == '/')
        r = fs_fmt(out, n, "%s/.cache/racesim", home);
    else if (getpwuid_r(geteuid(), &pw, pwbuf, sizeof pwbuf, &found) == 0 && found)
        r = fs_fmt(out, n, "%s/.cache/racesim", pw.pw_dir);
    else {
        if (err && errlen)
            snprintf(err, errlen, "cannot find a cache directory: set XDG_CACHE_HOME or HOME");
        return -1;
    }
    if (r != 0 || fs_mkdir_p(out, 0700) != 0) {
        if (err && errlen)
            snprintf(err, errlen, "cannot create cache directory %s: %s", out, strerror(errno));
        return -1;
    }
    return 0;
}

/* Ranks a log line for "what went wrong": an [ERROR] other than the final "Aborting" is best,
 * then anything saying ERROR, FATAL, PANIC or failed, then any non-empty line. */
static int line_rank(const char *line, size_t len)
{
    char buf[1024];
    size_t n = len < sizeof buf - 1 ? len : sizeof buf - 1;
    memcpy(buf, line, n);
    buf[n] = '\0';
    fs_rtrim(buf);
    if (!buf[0])
        return 0;
    size_t bl = strlen(buf);
    bool aborting = bl >= 10 && strcmp(buf + bl - 10, "] Aborting") == 0;
    if (strstr(buf, "[ERROR]") && !aborting)
        return 3;
    if (strstr(buf, "ERROR") || strstr(buf, "FATAL") || strstr(buf, "PANIC") ||
        strstr(buf, "failed") || strstr(buf, "rror:"))
        return 2;
    return 1;
}

/* See fsutil.h. */
void fs_log_last_line(const char *path, char *out, size_t n)
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
        fs_fmt(out, n, "%.*s", (int)best_len, best);
        fs_rtrim(out);
    }
}
