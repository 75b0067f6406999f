/* report_md.c — one run's report as Markdown (--format=md), for a pull request or a wiki. */
#include "report_md.h"

#include <string.h>

#include "config.h"
#include "report.h"
#include "summary.h"
#include "table.h"

static int outcomes(FILE *f, const struct run_report *r)
{
    const struct engine_result *e = &r->result;
    bool units = r->scenario.units[0] != '\0';
    struct table t;
    table_init(&t, units ? 3 : 2);
    table_column(&t, 0, "outcome", TABLE_LEFT);
    table_column(&t, 1, "purchases", TABLE_RIGHT);
    if (units)
        table_column(&t, 2, "units", TABLE_RIGHT);
    for (size_t i = 0; i < r->script.n_outcomes; i++) {
        if (e->outcomes[i] == 0 && i != OUTCOME_OK)
            continue;
        size_t row = table_row(&t);
        table_set(&t, row, 0, "%s", r->script.outcomes[i]);
        table_set(&t, row, 1, "%llu", (unsigned long long)e->outcomes[i]);
        if (units)
            table_set(&t, row, 2, "%llu", (unsigned long long)e->outcome_units[i]);
    }
    int rc = table_print_md(f, &t);
    table_free(&t);
    fprintf(f, "\nattempts %llu (retries %llu)", (unsigned long long)e->attempts,
            (unsigned long long)e->retries);
    for (size_t i = 0; i < e->n_errors; i++)
        fprintf(f, "%s ERROR %s ×%llu", i ? "," : "; errors:", e->errors[i].id.code,
                (unsigned long long)e->errors[i].count);
    if (r->lost_purchases)
        fprintf(f, "; lost sales %llu purchases (%llu units)", (unsigned long long)r->lost_purchases,
                (unsigned long long)r->lost_units);
    fputs("\n\n", f);
    return rc;
}

static int figures(FILE *f, const struct run_report *r)
{
    struct run_figures fig;
    report_figures(r, &fig);
    static const char *headers[] = {"purch/s", "ok/s", "p50", "p90", "p99", "p99.9", "max", "wall"};
    struct table t;
    table_init(&t, 8);
    for (size_t c = 0; c < 8; c++)
        table_column(&t, c, headers[c], TABLE_RIGHT);
    size_t row = table_row(&t);
    char buf[24];
    table_set(&t, row, 0, "%.0f", fig.throughput);
    table_set(&t, row, 1, "%.0f", fig.goodput);
    double ms[] = {fig.p50_ms, fig.p90_ms, fig.p99_ms, fig.p999_ms, fig.max_ms};
    for (size_t c = 0; c < 5; c++)
        table_set(&t, row, 2 + c, "%s", summary_ms(ms[c], buf, sizeof buf));
    table_set(&t, row, 7, "%.3f s", (double)r->result.wall_us / 1e6);
    int rc = table_print_md(f, &t);
    table_free(&t);
    fputc('\n', f);
    return rc;
}

static int invariants(FILE *f, const struct run_report *r)
{
    if (r->not_checked[0]) {
        fprintf(f, "**verdict: not checked** — %s: the figures above are what the buyers saw\n", r->not_checked);
        return 0;
    }
    struct table t;
    table_init(&t, 3);
    table_column(&t, 0, "invariant (checked by SQL after the run)", TABLE_LEFT);
    table_column(&t, 1, "value", TABLE_RIGHT);
    table_column(&t, 2, "meaning", TABLE_LEFT);
    for (size_t i = 0; i < r->n_invariants; i++) {
        size_t row = table_row(&t);
        table_set(&t, row, 0, "%s %s", r->invariants[i].holds ? "✓" : "✗", r->invariants[i].name);
        table_set(&t, row, 1, "%lld", (long long)r->invariants[i].value);
        table_set(&t, row, 2, "%s", r->invariants[i].description);
    }
    int rc = table_print_md(f, &t);
    table_free(&t);
    char anomalies[512];
    summary_anomalies(r, true, anomalies, sizeof anomalies);
    if (anomalies[0])
        fprintf(f, "\n**verdict: ANOMALY** — %s\n", anomalies);
    else
        fputs("\n**verdict: correct** — every invariant holds\n", f);
    return rc;
}

int report_write_md(FILE *f, const struct run_report *r)
{
    const struct run_settings *o = &r->settings;
    fprintf(f, "**racesim %s · %s/%s · %d buyer%s × %d purchase%s · seed %llu**  \n", RACESIM_VERSION,
            r->scenario.name, r->strategy_name, o->users, o->users == 1 ? "" : "s", o->rounds,
            o->rounds == 1 ? "" : "s", (unsigned long long)o->seed);
    fprintf(f, "%s, %s  \n", r->server, r->server_facts.version);
    char text[1024];
    if (r->server_facts.durability_note[0])
        fprintf(f, "durability: %s  \n", r->server_facts.durability_note);
    summary_params(r, text, sizeof text);
    fprintf(f, "params: %s  \n", text);
    size_t len = strcspn(r->script.description, "\n");
    fprintf(f, "strategy: %.*s\n\n", (int)len, r->script.description);
    int rc = outcomes(f, r);
    if (r->settings.lockstep)     /* turns, not speed: as in the text report */
        fprintf(f, "wall %.3f s; lockstep: one statement at a time, in turn, so no latency or "
                "throughput\n\n", (double)r->result.wall_us / 1e6);
    else
        rc |= figures(f, r);
    rc |= invariants(f, r);
    return rc ? -1 : 0;
}
