/* spelling.h — how far apart two names are, to suggest the one meant ("did you mean ...?"). */
#ifndef RACESIM_SPELLING_H
#define RACESIM_SPELLING_H

#include <stdbool.h>

/* The number of single-letter edits (insert, delete, replace, swap two neighbours) that turn a
 * into b. Names longer than 63 bytes count as far from everything (returns 64). */
int spelling_distance(const char *a, const char *b);

/* Whether typed is a likely typo of known: different, and at most 1 edit away (2 when known has
 * 6 letters or more). */
bool spelling_close(const char *typed, const char *known);

#endif
