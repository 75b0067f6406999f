/* columns.h — how many terminal columns UTF-8 text takes (wcwidth: ⏳ takes two). */
#ifndef RACESIM_COLUMNS_H
#define RACESIM_COLUMNS_H

#include <stddef.h>

/* The columns the character at s (at most len bytes of UTF-8) takes, as wcwidth says in a UTF-8
 * locale (a control or invalid byte: 1); *bytes gets its length in bytes (at least 1). */
int columns_char(const char *s, size_t len, size_t *bytes);

/* The columns of the first len bytes of s. */
int columns_of(const char *s, size_t len);

#endif
