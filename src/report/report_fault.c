/* report_fault.c — a --fault run in a report: which node was killed, when, and what was kept. */
#include "report_fault.h"

#include "outcome.h"

/* The purchases of the run: users x rounds (what --fault's share is of). */
static unsigned long long planned(const struct run_report *r)
{
    return (unsigned long long)r->settings.users * (unsigned long long)r->settings.rounds;
}

void report_fault_text(FILE *f, const struct run_report *r)
{
    const struct engine_result *e = &r->result;
    if (!r->fault_percent)
        return;
    if (!e->fault_node) {
        fprintf(f, "fault      kill-node:%d@%d%% never struck: the run ended after %llu of %llu "
                "purchases\n", r->fault_planned_node, r->fault_percent,
                (unsigned long long)e->purchases, planned(r));
        return;
    }
    fprintf(f, "fault      node %d killed (SIGKILL) after %llu of %llu purchases (%d%%), %.2f s into "
            "the run; %llu connection%s failed over to the survivors\n", e->fault_node,
            (unsigned long long)e->fault_after, planned(r), r->fault_percent,
            (double)e->fault_at_us / 1e6, (unsigned long long)e->failovers,
            e->failovers == 1 ? "" : "s");
    unsigned long long doubt = e->outcomes[OUTCOME_IN_DOUBT];
    fprintf(f, "           %llu purchase%s in doubt (COMMIT sent, no answer)", doubt,
            doubt == 1 ? "" : "s");
    if (e->ids_kept && r->doubt_present >= 0)
        fprintf(f, ": %lld of them on the survivors, %lld not", (long long)r->doubt_present,
                (long long)e->doubt_ids.n - (long long)r->doubt_present);
    fputc('\n', f);
}

cJSON *report_fault_json(const struct run_report *r)
{
    const struct engine_result *e = &r->result;
    cJSON *x = r->fault_percent ? cJSON_CreateObject() : NULL;
    if (!x)
        return NULL;
    cJSON_AddStringToObject(x, "kind", "kill-node");
    cJSON_AddNumberToObject(x, "node", r->fault_planned_node);
    cJSON_AddNumberToObject(x, "percent", r->fault_percent);
    cJSON_AddBoolToObject(x, "killed", e->fault_node != 0);
    if (e->fault_node) {
        cJSON_AddNumberToObject(x, "after_purchases", (double)e->fault_after);
        cJSON_AddNumberToObject(x, "at_s", (double)e->fault_at_us / 1e6);
    }
    cJSON_AddNumberToObject(x, "failovers", (double)e->failovers);
    cJSON_AddNumberToObject(x, "in_doubt", (double)e->outcomes[OUTCOME_IN_DOUBT]);
    if (e->ids_kept) {
        cJSON_AddNumberToObject(x, "acknowledged_ids", (double)e->acked_ids.n);
        cJSON_AddNumberToObject(x, "in_doubt_ids", (double)e->doubt_ids.n);
        if (r->doubt_present >= 0)
            cJSON_AddNumberToObject(x, "in_doubt_present", (double)r->doubt_present);
    }
    return x;
}
