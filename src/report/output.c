/* output.c — where a report goes: stdout, a file written under a fresh temp name then renamed into
 * place, or straight into a device or FIFO. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "OPTION=" then the message in err; returns 2. */
__attribute__((format(printf, 4, 5)))
static int fail(char *err, size_t errlen, const char *option, const char *fmt, ...)
{
    int n = snprintf(err, errlen, "%s=", option);
    va_list ap;
    va_start(ap, fmt);
    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return 2;
}

/* The folder path is in ("." for a bare name), in dir (PATH_MAX). Returns -1 if too long. */
static int folder_of(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');
    int len = !slash ? snprintf(dir, n, ".")
              : slash == path ? snprintf(dir, n, "/")
                              : snprintf(dir, n, "%.*s", (int)(slash - path), path);
    return len < 0 || (size_t)len >= n ? -1 : 0;
}

static bool written_into(mode_t mode)
{
    return S_ISCHR(mode) || S_ISFIFO(mode);
}

/* The folder a new file goes into must exist, be a folder, and be writable. */
static int check_folder(const char *option, const char *path, char *err, size_t errlen)
{
    char dir[4096];
    struct stat st;
    if (folder_of(path, dir, sizeof dir))
        return fail(err, errlen, option, "%s: the name is too long", path);
    if (stat(dir, &st) != 0)
        return fail(err, errlen, option, "%s: the folder %s %s", path, dir,
                    errno == ENOENT ? "does not exist" : strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return fail(err, errlen, option, "%s: %s is not a folder", path, dir);
    if (access(dir, W_OK | X_OK) != 0)
        return fail(err, errlen, option, "%s: cannot write into the folder %s: %s", path, dir,
                    strerror(errno));
    return 0;
}

int output_check(const char *option, const char *path, bool force, char *err, size_t errlen)
{
    if (!path)
        return 0;
    struct stat st;
    size_t n = strlen(path);
    if (n == 0)
        return fail(err, errlen, option, ": needs a file name");
    if (path[n - 1] == '/')
        return fail(err, errlen, option, "%s: names a folder, not a file", path);
    if (lstat(path, &st) != 0) {
        if (errno != ENOENT)
            return fail(err, errlen, option, "%s: %s", path, strerror(errno));
        return check_folder(option, path, err, errlen);
    }
    if (S_ISDIR(st.st_mode))
        return fail(err, errlen, option, "%s: is a folder; give a file name", path);
    if (S_ISLNK(st.st_mode))
        return fail(err, errlen, option, "%s: is a symbolic link; racesim does not write through "
                    "links: name the file itself", path);
    if (written_into(st.st_mode)) {
        if (access(path, W_OK) != 0)
            return fail(err, errlen, option, "%s: %s", path, strerror(errno));
        return 0;
    }
    if (!S_ISREG(st.st_mode))
        return fail(err, errlen, option, "%s: is not a regular file, a character device or a FIFO",
                    path);
    if (!force)
        return fail(err, errlen, option, "%s: the file exists; add --force to overwrite it", path);
    return check_folder(option, path, err, errlen);
}

/* A character device or FIFO at path, opened for writing into (no O_CREAT, no O_TRUNC, no
 * link followed): its fd, -1 when path is something else (or missing), -2 on an error. A FIFO
 * nobody reads yet is waited for, after one line on stderr saying so. */
static int open_through(const char *option, const char *path)
{
    const int flags = O_WRONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC;
    struct stat st;
    if (lstat(path, &st) != 0 || !written_into(st.st_mode))
        return -1;
    int fd = open(path, flags | O_NONBLOCK);
    if (fd < 0 && errno == ENXIO) {                  /* a FIFO without a reader */
        fprintf(stderr, "racesim: %s=%s: waiting for a reader of the FIFO\n", option, path);
        fd = open(path, flags);
    } else if (fd >= 0 && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -2;
    }
    if (fd < 0)
        return -2;
    if (fstat(fd, &st) != 0 || !written_into(st.st_mode)) {   /* swapped meanwhile */
        close(fd);
        errno = EAGAIN;
        return -2;
    }
    return fd;
}

int output_open(struct output *out, const char *option, const char *path, bool force,
                char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->path = path;
    out->option = option;
    out->force = force;
    if (!path) {
        out->f = stdout;
        return 0;
    }
    int fd = open_through(option, path);
    if (fd == -2)
        return fail(err, errlen, option, "%s: %s", path, strerror(errno));
    out->through = fd >= 0;
    if (!out->through) {
        int n = snprintf(out->tmp, sizeof out->tmp, "%s.racesim-XXXXXX", path);
        if (n < 0 || (size_t)n >= sizeof out->tmp)
            return fail(err, errlen, option, "%s: the name is too long", path);
        fd = mkostemp(out->tmp, O_CLOEXEC);           /* 0600, O_EXCL, a fresh name */
        if (fd < 0) {
            out->tmp[0] = '\0';
            return fail(err, errlen, option, "%s: cannot create a file beside it: %s", path,
                        strerror(errno));
        }
        mode_t mask = umask(0);
        umask(mask);
        if (fchmod(fd, 0666 & ~mask) != 0) {
            int saved = errno;
            close(fd);
            unlink(out->tmp);
            return fail(err, errlen, option, "%s: %s", path, strerror(saved));
        }
    }
    out->f = fdopen(fd, "w");
    if (!out->f) {
        int saved = errno;
        close(fd);
        if (out->tmp[0])
            unlink(out->tmp);
        return fail(err, errlen, option, "%s: %s", path, strerror(saved));
    }
    return 0;
}

/* Puts the finished temp file at path: over a regular file or a link (the link itself) only
 * with force; never over anything else. Returns 0, or -1 with errno. */
static int put_in_place(const struct output *out)
{
    struct stat st;
    if (lstat(out->path, &st) == 0) {
        if (!out->force) {
            errno = EEXIST;
            return -1;
        }
        if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode)) {
            errno = S_ISDIR(st.st_mode) ? EISDIR : EEXIST;
            return -1;
        }
        return rename(out->tmp, out->path);
    }
    if (out->force)
        return rename(out->tmp, out->path);
    if (renameat2(AT_FDCWD, out->tmp, AT_FDCWD, out->path, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    if (link(out->tmp, out->path) != 0)            /* a file system without RENAME_NOREPLACE */
        return -1;
    unlink(out->tmp);
    return 0;
}

int output_close(struct output *out, bool ok, char *err, size_t errlen)
{
    errno = 0;
    if (!out->path) {
        if (fflush(stdout) != 0 || ferror(stdout) || !ok) {
            snprintf(err, errlen, "cannot write the report: %s", strerror(errno ? errno : EIO));
            return 2;
        }
        return 0;
    }
    ok = ok && !ferror(out->f);
    bool closed = fclose(out->f) == 0;
    out->f = NULL;
    if (!ok || !closed) {
        int saved = errno ? errno : EIO;
        if (out->tmp[0])
            unlink(out->tmp);
        return fail(err, errlen, out->option, "%s: cannot write: %s", out->path, strerror(saved));
    }
    if (out->through || put_in_place(out) == 0)
        return 0;
    int saved = errno;
    if (saved == EEXIST && !out->force)
        return fail(err, errlen, out->option, "%s: the file appeared during the run and is kept; "
                    "the report is in %s", out->path, out->tmp);
    return fail(err, errlen, out->option, "%s: cannot put the report there (%s); it is in %s",
                out->path, strerror(saved), out->tmp);
}

int output_write(const char *option, const char *path, bool force, const void *data, size_t len,
                 char *err, size_t errlen)
{
    struct output out;
    if (output_open(&out, option, path, force, err, errlen))
        return 2;
    bool ok = fwrite(data, 1, len, out.f) == len;
    return output_close(&out, ok, err, errlen);
}

int output_json(FILE *f, cJSON *j)
{
    char *s = j ? cJSON_Print(j) : NULL;
    int rc = s && fprintf(f, "%s\n", s) > 0 ? 0 : -1;
    free(s);
    cJSON_Delete(j);
    return rc;
}
