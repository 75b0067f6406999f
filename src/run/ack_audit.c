/* ack_audit.c — after a fault: is every purchase the database acknowledged still there? */
#include "ack_audit.h"

#include <stdio.h>
#include <stdlib.h>

void ack_verdict(const struct id_list *acked, const struct id_list *doubt,
                 const struct id_list *present, struct invariant_result *ir,
                 int64_t *doubt_present)
{
    snprintf(ir->name, sizeof ir->name, "acked_kept");
    snprintf(ir->description, sizeof ir->description, "acknowledged purchases (COMMIT ok: %zu) "
             "that the surviving nodes lack", acked->n);
    ir->value = (int64_t)id_list_missing(acked, present);
    ir->holds = ir->value == 0;
    *doubt_present = (int64_t)(doubt->n - id_list_missing(doubt, present));
}

/* db_row_fn: one id per row (NULL rows are skipped). */
static int add_row(void *ctx, size_t n, char **values)
{
    if (n < 1 || !values[0])
        return 0;
    return id_list_add(ctx, strtoll(values[0], NULL, 10)) ? 1 : 0;
}

int ack_audit(db_conn *c, struct run_report *r, char *err, size_t errlen)
{
    const struct scenario *sc = &r->scenario;
    struct id_list present = {0};
    struct db_error e;
    if (r->nodes && db_node_sync(c, &e)) {
        snprintf(err, errlen, "cannot check the acknowledged purchases: %s", e.text);
        return 3;
    }
    int q = db_query(c, sc->acknowledged.sql, add_row, &present, &e);
    if (q != 0) {
        if (q > 0)
            snprintf(err, errlen, "out of memory for the purchases' ids");
        else
            snprintf(err, errlen, "%s:%d: %s", sc->path, sc->acknowledged.line, e.text);
        id_list_free(&present);
        return q < 0 && !e.client ? 2 : 3;
    }
    id_list_sort(&present);
    ack_verdict(&r->result.acked_ids, &r->result.doubt_ids, &present,
                &r->invariants[r->n_invariants++], &r->doubt_present);
    id_list_free(&present);
    return 0;
}
