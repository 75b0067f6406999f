/* test_ack_audit.c — unit tests for acked_kept: acknowledged ids against the database's. */
#include "ack_audit.h"

#include "check.h"

/* A list of the n ids in v (a copy). */
static struct id_list list_of(const int64_t *v, size_t n)
{
    struct id_list l = {0};
    for (size_t i = 0; i < n; i++)
        id_list_add(&l, v[i]);
    return l;
}

int main(void)
{
    int64_t acked_v[] = {7, 3, 12}, doubt_v[] = {20, 21}, rows_v[] = {12, 1, 3, 21, 7};
    struct id_list acked = list_of(acked_v, 3), doubt = list_of(doubt_v, 2);
    struct id_list rows = list_of(rows_v, 5);
    id_list_sort(&rows);
    struct invariant_result ir = {0};
    int64_t doubt_present = -1;
    ack_verdict(&acked, &doubt, &rows, &ir, &doubt_present);
    check(ir.holds && ir.value == 0, "every acknowledged id is a row: acked_kept holds (%lld)",
          (long long)ir.value);
    check(doubt_present == 1, "of 2 in doubt, 1 is there (21) and 1 is not (20): %lld",
          (long long)doubt_present);

    int64_t lost_v[] = {12, 1, 21, 7};          /* the row of acknowledged purchase 3 is gone */
    struct id_list lost = list_of(lost_v, 4);
    id_list_sort(&lost);
    ack_verdict(&acked, &doubt, &lost, &ir, &doubt_present);
    check(!ir.holds && ir.value == 1, "an acknowledged row missing: acked_kept fails by 1 (%lld)",
          (long long)ir.value);
    check(ir.name[0] && ir.description[0], "it says what it checks: %s: %s", ir.name,
          ir.description);

    struct id_list none = {0};
    ack_verdict(&acked, &none, &none, &ir, &doubt_present);
    check(ir.value == 3 && doubt_present == 0, "an empty table: all 3 acknowledged missing");
    ack_verdict(&none, &doubt, &rows, &ir, &doubt_present);
    check(ir.holds, "nothing acknowledged: nothing can be missing");

    int64_t twice_v[] = {7, 7};                 /* an id acknowledged twice counts twice */
    struct id_list twice = list_of(twice_v, 2);
    int64_t other_v[] = {8};
    struct id_list other = list_of(other_v, 1);
    ack_verdict(&twice, &none, &other, &ir, &doubt_present);
    check(ir.value == 2, "each acknowledgement counts: 2 missing");
    check(id_list_has(&rows, 21) && !id_list_has(&rows, 20) && !id_list_has(&none, 1),
          "id_list_has finds what a sorted list holds, and only that");
    id_list_free(&acked);
    id_list_free(&doubt);
    id_list_free(&rows);
    id_list_free(&lost);
    id_list_free(&twice);
    id_list_free(&other);
    check(acked.n == 0 && acked.v == NULL, "id_list_free empties the list");
    return check_summary();
}
