/* errmsg.c — one-line error messages into a caller's buffer. */
#include "errmsg.h"

#include <stdio.h>

int errorf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

int verrorf_at(char *err, size_t errlen, const char *path, int line, const char *fmt, va_list ap)
{
    int n = snprintf(err, errlen, "%s:%d: ", path, line);
    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    return -1;
}
