/* output.h — where a report goes: stdout, or a file written under a temp name and renamed into place. */
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
    char tmp[4096];
};

/* Refuses (2, with the reason in err) an existing file at path unless force; NULL path is fine. */
int output_check_new(const char *option, const char *path, bool force, char *err, size_t errlen);

/* Opens path's temp file (or takes stdout when path is NULL). Returns 0, or 2 with the reason. */
int output_open(struct output *out, const char *option, const char *path, char *err, size_t errlen);

/* Finishes: flushes stdout, or closes the temp file and renames it into place. ok false (the
 * writer failed) drops the temp file. Returns 0, or 2 with the reason in err. */
int output_close(struct output *out, bool ok, char *err, size_t errlen);

/* Prints j (indented) and a newline to f, then deletes j. Returns 0, or -1 when j is NULL (out
 * of memory while building it) or the write fails. */
int output_json(FILE *f, cJSON *j);

/* Writes text as path atomically (temp file, then rename). Returns 0, or 2 with the reason. */
int output_write_file(const char *option, const char *path, const char *text, char *err, size_t errlen);

#endif
