/* fsutil.h — file helpers of the private servers: paths, programs in PATH, the cache, log lines. */
#ifndef RACESIM_FSUTIL_H
#define RACESIM_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* printf into out; returns 0, or -1 (with ENAMETOOLONG) when it did not fit. */
int fs_fmt(char *out, size_t n, const char *f, ...) __attribute__((format(printf, 3, 4)));

/* Whether path is a regular file we may execute. */
bool fs_is_executable(const char *path);

/* Whether path is a directory (following symlinks). */
bool fs_is_dir(const char *path);

/* Looks name up in each directory of $PATH; fills out and returns true when found. */
bool fs_find_in_path(const char *name, char *out, size_t n);

/* mkdir -p with mode for the directories it creates. Returns 0 or -1 with errno. */
int fs_mkdir_p(const char *path, mode_t mode);

/* Removes trailing newlines, carriage returns, spaces and tabs. */
void fs_rtrim(char *s);

/* racesim's cache directory, created (0700): $XDG_CACHE_HOME/racesim, else ~/.cache/racesim
 * (HOME, else the passwd entry). Returns 0, or -1 with a one-line reason in err. */
int fs_cache_root(char *out, size_t n, char *err, size_t errlen);

/* Puts the most telling line of the last 16 KiB of a log into out ("" when none): the last
 * "[ERROR]" line (other than MariaDB's final "Aborting"), else the last saying ERROR, FATAL,
 * PANIC or failed, else the last non-empty line. */
void fs_log_last_line(const char *path, char *out, size_t n);

#endif
