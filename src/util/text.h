/* text.h — appending formatted text to a fixed buffer, truncating safely; trimming. */
#ifndef RACESIM_TEXT_H
#define RACESIM_TEXT_H

#include <stddef.h>

/* Appends printf output to the string in buf (n bytes in all); truncates, always terminated. */
__attribute__((format(printf, 3, 4)))
void text_appendf(char *buf, size_t n, const char *fmt, ...);

/* Cuts white space off both ends of s in place; returns its first non-space character. */
char *text_trim(char *s);

#endif
