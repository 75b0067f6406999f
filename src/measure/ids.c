/* ids.c — purchase ids as lists: kept per buyer, joined, and checked against the database's. */
#include "ids.h"

#include <stdlib.h>

int id_list_add(struct id_list *l, int64_t id)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        int64_t *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = id;
    return 0;
}

int id_list_join(struct id_list *into, const struct id_list *from)
{
    for (size_t i = 0; i < from->n; i++)
        if (id_list_add(into, from->v[i]))
            return -1;
    return 0;
}

static int by_value(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

void id_list_sort(struct id_list *l)
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, by_value);
}

bool id_list_has(const struct id_list *l, int64_t id)
{
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->v[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->n && l->v[lo] == id;
}

size_t id_list_missing(const struct id_list *want, const struct id_list *have)
{
    size_t missing = 0;
    for (size_t i = 0; i < want->n; i++)
        missing += !id_list_has(have, want->v[i]);
    return missing;
}

void id_list_free(struct id_list *l)
{
    free(l->v);
    *l = (struct id_list){0};
}
