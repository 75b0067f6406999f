/* output.h — where a report goes: stdout, a file written under a fresh temp name then renamed into
 * place, or straight into a device or FIFO. */
#ifndef RACESIM_OUTPUT_H
#define RACESIM_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

struct output {
    FILE *f;
    const char *path;          /* NULL: stdout */
    const char *option;        /* how the user named it, for messages: "--out" */
    bool force;                /* an existing file may be replaced */
    bool through;              /* path is a character device or a FIFO: written into, no rename */
    char tmp[4096];            /* the temp file beside path ("" when none) */
};

/* Before any run: checks that a report can go to path, so that a bad path costs no run. Refuses
 * (2, one line in err naming option): a directory that does not exist, is not a directory or is
 * not writable; a target that is a directory, a symbolic link (never followed), a block device
 * or a socket; an existing regular file unless force. A character device or a FIFO (/dev/null,
 * a named pipe) is fine: it is written into, not replaced. NULL path (stdout) is fine. */
int output_check(const char *option, const char *path, bool force, char *err, size_t errlen);

/* Opens the destination: stdout when path is NULL; a character device or FIFO at path, for
 * writing through; else a new temp file beside path (mkstemp: a fresh name, O_EXCL, so nothing
 * planted there is followed). Returns 0, or 2 with the reason in err. */
int output_open(struct output *out, const char *option, const char *path, bool force,
                char *err, size_t errlen);

/* Finishes: flushes stdout, or closes a device or FIFO, or closes the temp file and renames it
 * to path (replacing a regular file or a link itself only when force; never anything else).
 * ok false (the writer failed) drops the temp file. When the temp file is written but cannot be
 * put in place, it is kept and err names it. Returns 0, or 2 with the reason in err. */
int output_close(struct output *out, bool ok, char *err, size_t errlen);

/* Prints j (indented) and a newline to f, then deletes j. Returns 0, or -1 when j is NULL (out
 * of memory while building it) or the write fails. */
int output_json(FILE *f, cJSON *j);

/* Writes len bytes of data to path the way output_open/output_close do. Returns 0, or 2 with
 * the reason in err. */
int output_write(const char *option, const char *path, bool force, const void *data, size_t len,
                 char *err, size_t errlen);

#endif
