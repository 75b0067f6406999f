/* spelling.h — how far apart two names are, to suggest the one meant ("did you mean ...?"). */
#ifndef RACESIM_SPELLING_H
#define RACESIM_SPELLING_H

#include <stdbool.h>
#include <stddef.h>

/* The number of single-letter edits (insert, delete, replace, swap two neighbours) that turn a
 * into b. Names longer than 63 bytes count as far from everything (returns 64). */
int spelling_distance(const char *a, const char *b);

/* Whether typed is a likely typo of known: different, and at most 1 edit away (2 when known has
 * 6 letters or more). */
bool spelling_close(const char *typed, const char *known);

/* The closest of the names considered so far to a typed one (a likely typo only). */
struct spelling_best {
    const char *typed;
    char best[64];          /* "" while no name considered is close */
    int distance;
};

/* Starts looking for the name closest to typed. */
void spelling_begin(struct spelling_best *b, const char *typed);

/* Considers known: it becomes b->best when it is close to the typed name and closer than the
 * best so far (the first wins a tie). */
void spelling_consider(struct spelling_best *b, const char *known);

/* Considers each entry of folder dir: the names of the files ending in suffix (without it), or
 * with suffix NULL the folders. A folder that cannot be read adds nothing. */
void spelling_consider_folder(struct spelling_best *b, const char *dir, const char *suffix);

#endif
