/* report_nodes.c — a cluster run in a report: purchases, errors, lost sales, aborts and audit per node. */
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

/* Node n's audit in a few words: "invariants hold", or the ones that do not with their value. */
static void node_verdict(const struct run_report *r, int n, char *out, size_t len)
{
    size_t used = (size_t)snprintf(out, len, " · invariants");
    bool all_hold = true;
    for (size_t i = 0; i < r->scenario.n_invariants && i < SCENARIO_INVARIANTS_MAX; i++) {
        int64_t v = r->node_invariants[n][i];
        if (v == 0 || used >= len)
            continue;
        used += (size_t)snprintf(out + used, len - used, "%s %s %lld", all_hold ? ":" : ",",
                                 r->scenario.invariants[i].name, (long long)v);
        all_hold = false;
    }
    if (all_hold)
        snprintf(out, len, " · invariants hold");
}

void report_nodes_text(FILE *f, const struct run_report *r)
{
    for (int n = 0; n < r->nodes && n < RESULT_NODES_MAX; n++) {
        unsigned long long purchases, ok, errors;
        char verdict[256] = "", doubt[48] = "";
        bool killed = n + 1 == r->result.fault_node;
        node_counts(r, n, &purchases, &ok, &errors);
        if (r->nodes_audited)
            node_verdict(r, n, verdict, sizeof verdict);
        if (killed)
            snprintf(verdict, sizeof verdict, " · killed, not audited");
        if (r->fault_percent)
            snprintf(doubt, sizeof doubt, " · %llu in doubt",
                     (unsigned long long)r->result.node_outcomes[n][OUTCOME_IN_DOUBT]);
        fprintf(f, "%s %d: %llu purchases · %llu ok · %llu errors%s · %llu lost sales%s\n",
                n == 0 ? "node      " : "          ", n + 1, purchases, ok, errors, doubt,
                (unsigned long long)r->node_lost_purchases[n], verdict);
        if (r->nodes_counted && !killed)
            fprintf(f, "             deadlocks %llu at a statement, %llu at COMMIT · aborts %llu "
                    "brute-force, %llu certification\n",
                    (unsigned long long)r->result.node_deadlocks_at_statement[n],
                    (unsigned long long)r->result.node_deadlocks_at_commit[n],
                    (unsigned long long)r->node_bf_aborts[n],
                    (unsigned long long)r->node_cert_failures[n]);
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
        cJSON_AddNumberToObject(x, "in_doubt", (double)r->result.node_outcomes[n][OUTCOME_IN_DOUBT]);
        bool killed = n + 1 == r->result.fault_node;
        if (killed)
            cJSON_AddBoolToObject(x, "killed", true);
        cJSON_AddNumberToObject(x, "deadlocks_at_statement",
                                (double)r->result.node_deadlocks_at_statement[n]);
        cJSON_AddNumberToObject(x, "deadlocks_at_commit",
                                (double)r->result.node_deadlocks_at_commit[n]);
        if (r->nodes_counted && !killed) {
            cJSON_AddNumberToObject(x, "bf_aborts", (double)r->node_bf_aborts[n]);
            cJSON_AddNumberToObject(x, "cert_failures", (double)r->node_cert_failures[n]);
        }
        cJSON *inv = r->nodes_audited && !killed ? cJSON_AddObjectToObject(x, "invariants") : NULL;
        for (size_t i = 0; inv && i < r->scenario.n_invariants && i < SCENARIO_INVARIANTS_MAX; i++)
            cJSON_AddNumberToObject(inv, r->scenario.invariants[i].name,
                                    (double)r->node_invariants[n][i]);
        cJSON_AddItemToArray(a, x);
    }
    return a;
}
