/* text.c — appending formatted text to a fixed buffer. */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void text_appendf(char *buf, size_t n, const char *fmt, ...)
{
    size_t k = strlen(buf);
    if (k + 1 >= n)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + k, n - k, fmt, ap);
    va_end(ap);
}
