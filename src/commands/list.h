/* list.h — `racesim list`: every scenario with its parameters and strategies, one line each. */
#ifndef RACESIM_LIST_H
#define RACESIM_LIST_H

#include <stdio.h>

/* Prints the scenarios under dir (only `only` when non-NULL) to out. Returns 0, or 2 with the
 * reason in err (no such scenario, unreadable folder, a file that does not parse). */
int list_print(FILE *out, const char *dir, const char *only, char *err, size_t errlen);

#endif
