/* fixture.h — temporary .sql files for parser tests: one mkdtemp folder, removed at the end. */
#ifndef RACESIM_TEST_FIXTURE_H
#define RACESIM_TEST_FIXTURE_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fixture_dir[1024];
static int fixture_count;

/* Creates the temporary folder; exits if it cannot. */
__attribute__((unused))
static void fixture_init(const char *tag)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(fixture_dir, sizeof fixture_dir, "%s/racesim-%s-XXXXXX", tmp && *tmp ? tmp : "/tmp", tag);
    if (!mkdtemp(fixture_dir)) {
        perror("mkdtemp");
        exit(99);
    }
}

/* Writes len bytes of data to a new file in the folder; its path goes to path (PATH_MAX). */
__attribute__((unused))
static void fixture_write_n(const char *data, size_t len, char *path)
{
    snprintf(path, PATH_MAX, "%s/f%03d.sql", fixture_dir, ++fixture_count);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) != 0) {
        perror(path);
        exit(99);
    }
}

/* Writes text to a new file in the folder; its path goes to path (PATH_MAX). */
__attribute__((unused))
static void fixture_write(const char *text, char *path)
{
    fixture_write_n(text, strlen(text), path);
}

/* Removes every file in the folder and the folder. */
__attribute__((unused))
static void fixture_cleanup(void)
{
    DIR *d = opendir(fixture_dir);
    if (d) {
        struct dirent *e;
        char path[PATH_MAX + 256];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", fixture_dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    if (rmdir(fixture_dir) != 0)
        perror(fixture_dir);
}

/* Returns 1 if err is "path:line: " followed by text containing want (want may be NULL). */
__attribute__((unused))
static int error_at(const char *err, const char *path, int line, const char *want)
{
    char prefix[PATH_MAX + 32];
    snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
    if (strncmp(err, prefix, strlen(prefix)) != 0)
        return 0;
    if (strchr(err, '\n'))
        return 0;
    return want == NULL || strstr(err + strlen(prefix), want) != NULL;
}

#endif
