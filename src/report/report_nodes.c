/* report_nodes.c — a cluster run in a report: purchases, errors and lost sales per node. */
#include "report_nodes.h"

#include "outcome.h"

/* Node n's purchases, successes and purchases ended by a server outcome. */
static void node_counts(const struct run_report *r, int n, unsigned long long *purchases,
                        unsigned long long *ok, unsigned long long *errors)
{
    *purchases = *ok = *errors = 0;
    for (int i = 0; i < OUTCOME_MAX; i++) {
        uint64_t c = r->result.node_outcomes[n][i];
        *purchases += c;
        if (i == OUTCOME_OK)
            *ok += c;
        else if (i < OUTCOME_BUILTIN_COUNT)
            *errors += c;
    }
}

void report_nodes_text(FILE *f, const struct run_report *r)
{
    for (int n = 0; n < r->nodes && n < RESULT_NODES_MAX; n++) {
        unsigned long long purchases, ok, errors;
        node_counts(r, n, &purchases, &ok, &errors);
        fprintf(f, "%s %d: %llu purchases · %llu ok · %llu errors · %llu lost sales\n",
                n == 0 ? "node      " : "          ", n + 1, purchases, ok, errors,
                (unsigned long long)r->node_lost_purchases[n]);
    }
}

cJSON *report_nodes_json(const struct run_report *r)
{
    if (r->nodes <= 0)
        return NULL;
    cJSON *a = cJSON_CreateArray();
    for (int n = 0; a && n < r->nodes && n < RESULT_NODES_MAX; n++) {
        unsigned long long purchases, ok, errors;
        node_counts(r, n, &purchases, &ok, &errors);
        cJSON *x = cJSON_CreateObject();
        if (!x)
            break;
        cJSON_AddNumberToObject(x, "node", n + 1);
        cJSON_AddNumberToObject(x, "purchases", (double)purchases);
        cJSON_AddNumberToObject(x, "ok", (double)ok);
        cJSON_AddNumberToObject(x, "errors", (double)errors);
        cJSON_AddNumberToObject(x, "lost_purchases", (double)r->node_lost_purchases[n]);
        cJSON_AddItemToArray(a, x);
    }
    return a;
}
