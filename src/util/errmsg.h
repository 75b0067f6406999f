/* errmsg.h — one-line error messages written into a caller's buffer, optionally "path:line: ". */
#ifndef RACESIM_ERRMSG_H
#define RACESIM_ERRMSG_H

#include <stdarg.h>
#include <stddef.h>

/* Formats the message into err (truncated to errlen). Returns -1, so callers can
 * `return errorf(...)`. */
__attribute__((format(printf, 3, 4)))
int errorf(char *err, size_t errlen, const char *fmt, ...);

/* The same, prefixed with "path:line: ". Returns -1. */
__attribute__((format(printf, 5, 0)))
int verrorf_at(char *err, size_t errlen, const char *path, int line, const char *fmt, va_list ap);

#endif
