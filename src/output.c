/* output.c — where a report goes: stdout, or a file written under a temp name and renamed into place. */
#include "output.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int output_check_new(const char *option, const char *path, bool force, char *err, size_t errlen)
{
    if (path && !force && access(path, F_OK) == 0) {
        snprintf(err, errlen, "%s=%s: the file exists; add --force to overwrite it", option, path);
        return 2;
    }
    return 0;
}

int output_open(struct output *out, const char *option, const char *path, char *err, size_t errlen)
{
    out->path = path;
    out->option = option;
    out->tmp[0] = '\0';
    if (!path) {
        out->f = stdout;
        return 0;
    }
    snprintf(out->tmp, sizeof out->tmp, "%s.tmp.%ld", path, (long)getpid());
    out->f = fopen(out->tmp, "w");
    if (!out->f) {
        snprintf(err, errlen, "%s=%s: %s", option, path, strerror(errno));
        return 2;
    }
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
    if (fclose(out->f) != 0 || !ok || rename(out->tmp, out->path) != 0) {
        snprintf(err, errlen, "%s=%s: cannot write: %s", out->option, out->path,
                 strerror(errno ? errno : EIO));
        unlink(out->tmp);
        return 2;
    }
    return 0;
}

int output_write_file(const char *option, const char *path, const char *text, char *err, size_t errlen)
{
    struct output out;
    if (output_open(&out, option, path, err, errlen))
        return 2;
    bool ok = fputs(text, out.f) >= 0;
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
