/* ids.h — purchase ids as lists: kept per buyer, joined, and checked against the database's. */
#ifndef RACESIM_IDS_H
#define RACESIM_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A growable list of ids (zeroed: empty). */
struct id_list {
    int64_t *v;
    size_t n, cap;
};

/* Appends id. Returns 0, or -1 when out of memory (the list is unchanged). */
int id_list_add(struct id_list *l, int64_t id);

/* Appends every id of from to into. Returns 0, or -1 when out of memory. */
int id_list_join(struct id_list *into, const struct id_list *from);

/* Sorts l ascending (for id_list_has). */
void id_list_sort(struct id_list *l);

/* Whether the sorted list l holds id. */
bool id_list_has(const struct id_list *l, int64_t id);

/* How many ids of want the sorted list have lacks (a repeated id counts each time). */
size_t id_list_missing(const struct id_list *want, const struct id_list *have);

/* Frees l's ids and empties it. */
void id_list_free(struct id_list *l);

#endif
