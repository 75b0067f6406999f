/* compare.c — `racesim compare`: every strategy on one server, same seed; one table, one chart. */
#include "compare.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "chart.h"
#include "config.h"
#include "output.h"
#include "report.h"
#include "summary.h"
#include "table.h"
#include "text.h"

#define WIDTH 100

enum { C_STRATEGY, C_CORRECT, C_OK, C_FAILED, C_RETRIES, C_DEADLOCKS, C_TPUT, C_GOOD, C_P50, C_P99,
       C_MAX, C_COLS };

static void fill_table(struct table *t, const struct batch *b)
{
    static const char *headers[C_COLS] = {"strategy", "correct?", "ok", "failed, by cause", "retries",
                                          "deadlk", "purch/s", "ok/s", "p50", "p99", "max"};
    table_init(t, C_COLS);
    t->gap = 1;
    for (int c = 0; c < C_COLS; c++)
        table_column(t, (size_t)c, headers[c], c <= C_CORRECT || c == C_FAILED ? TABLE_LEFT : TABLE_RIGHT);
    for (size_t i = 0; i < b->n; i++) {
        const struct run_report *r = &b->runs[i]->report;
        const struct engine_result *e = &r->result;
        struct run_figures fig;
        report_figures(r, &fig);
        char marks[64], a[24], p[24], m[24];
        summary_marks(r, marks, sizeof marks);
        size_t row = table_row(t);
        table_set(t, row, C_STRATEGY, "%s", r->strategy_name);
        table_set(t, row, C_CORRECT, "%s %s", r->exit_code == 0 ? "yes" : "NO ", marks);
        table_set(t, row, C_OK, "%llu", (unsigned long long)e->outcomes[OUTCOME_OK]);
        table_set(t, row, C_RETRIES, "%llu", (unsigned long long)e->retries);
        table_set(t, row, C_DEADLOCKS, "%llu", (unsigned long long)e->attempt_outcomes[OUTCOME_DEADLOCK]);
        table_set(t, row, C_TPUT, "%.0f", fig.throughput);
        table_set(t, row, C_GOOD, "%.0f", fig.goodput);
        table_set(t, row, C_P50, "%s", summary_ms(fig.p50_ms, a, sizeof a));
        table_set(t, row, C_P99, "%s", summary_ms(fig.p99_ms, p, sizeof p));
        table_set(t, row, C_MAX, "%s", summary_ms(fig.max_ms, m, sizeof m));
    }
    /* the failures column gets what the others leave of the width */
    int used = 0;
    for (size_t c = 0; c < C_COLS; c++)
        used += c == C_FAILED ? 0 : table_column_width(t, c) + t->gap;
    int budget = WIDTH - used;
    if (budget < 17)
        budget = 17;
    for (size_t i = 0; i < b->n && i < t->nrows; i++) {
        char failed[256];
        summary_failures(&b->runs[i]->report, budget, failed, sizeof failed);
        table_set(t, i, C_FAILED, "%s", failed);
    }
}

static void title(FILE *f, const struct options *o, const struct batch *b, bool md)
{
    const struct run_report *r = &b->runs[0]->report;
    fprintf(f, "%sracesim %s compare%s · %s · %d buyer%s × %d purchase%s · seed %llu%s\n", md ? "**" : "",
            RACESIM_VERSION, md ? "**" : "", r->scenario.name, o->users, o->users == 1 ? "" : "s",
            o->rounds, o->rounds == 1 ? "" : "s", (unsigned long long)o->seed, md ? "  " : "");
    if (md) {
        fprintf(f, "%s, %s  \n", r->server, r->preflight.version);
    } else {
        summary_header(f, r);
    }
    char params[1024];
    summary_params(r, params, sizeof params);
    fprintf(f, "%s%s%s\n", md ? "params " : "params     ", params, md ? "  " : "");
    if (o->isolation[0] || o->pool || o->think_time_us || o->lockstep)
        fprintf(f, "%spool=%d think-time=%.1fms isolation=%s%s%s\n", md ? "options " : "options    ", o->pool,
                (double)o->think_time_us / 1000, o->isolation[0] ? o->isolation : "(server's)",
                o->lockstep ? " lockstep" : "", md ? "  " : "");
}

/* One legend line: wrapped at the table's width as text, one Markdown line (hard break) as md. */
static void legend_line(FILE *f, const char *lead, const char *md_lead, const char *text, bool md)
{
    if (md)
        fprintf(f, "%s%s  \n", md_lead, text);
    else
        summary_wrapped(f, lead, text, WIDTH);
}

static void legend(FILE *f, const struct options *o, const struct batch *b, bool md)
{
    const struct run_report *r0 = &b->runs[0]->report;
    char text[2048] = "✓/✗ per invariant, checked by SQL after each run:";
    for (size_t i = 0; i < r0->n_invariants; i++)
        text_appendf(text, sizeof text, "%s %s", i ? "," : "", r0->invariants[i].name);
    fputc('\n', f);
    legend_line(f, "correct?   ", "correct?: ", text, md);
    text[0] = '\0';
    for (size_t i = 0; i < b->n; i++) {
        const struct run_report *r = &b->runs[i]->report;
        if (r->exit_code == 0)
            continue;
        char an[512];
        summary_anomalies(r, true, an, sizeof an);
        text_appendf(text, sizeof text, "%s%s: %s", text[0] ? "; " : "", r->strategy_name, an);
    }
    if (text[0])
        legend_line(f, "UNSAFE     ", "**unsafe**: ", text, md);
    snprintf(text, sizeof text, "one seed (%llu) for all: every strategy was asked for the same purchases; "
             "failed = turned away by a business rule or an error", (unsigned long long)o->seed);
    legend_line(f, "note       ", "note: ", text, md);
}

static int write_text(FILE *f, const struct options *o, const struct batch *b, bool md)
{
    struct table t;
    fill_table(&t, b);
    title(f, o, b, md);
    fputc('\n', f);
    int rc = md ? table_print_md(f, &t) : table_print(f, &t, WIDTH);
    legend(f, o, b, md);
    table_free(&t);
    return rc;
}

static void write_csv(FILE *f, const struct batch *b)
{
    report_csv_header(f, &b->runs[0]->report);
    for (size_t i = 0; i < b->n; i++)
        report_csv_row(f, &b->runs[i]->report);
}

static int write_json(FILE *f, const struct options *o, const struct batch *b)
{
    cJSON *j = batch_json(b, o);
    cJSON_AddNumberToObject(j, "users", o->users);
    if (o->chart)
        cJSON_AddStringToObject(j, "chart", o->chart);
    cJSON_AddNumberToObject(j, "exit_code", 0);
    return output_json(f, j);
}

static int write_report(const struct options *o, const struct batch *b, char *err, size_t errlen)
{
    struct output out;
    if (output_open(&out, "--out", o->out, o->force, err, errlen))
        return 2;
    int rc = 0;
    if (o->format == FORMAT_JSON)
        rc = write_json(out.f, o, b);
    else if (o->format == FORMAT_CSV)
        write_csv(out.f, b);
    else
        rc = write_text(out.f, o, b, o->format == FORMAT_MD);
    return output_close(&out, rc == 0, err, errlen);
}

static int draw(const struct options *o, const struct batch *b, const struct strategy_set *set,
                char *err, size_t errlen)
{
    char csv[PATH_MAX + 8];
    chart_csv_path(o->chart, csv, sizeof csv);
    struct output out;
    if (output_open(&out, "--chart", csv, o->force, err, errlen))
        return 2;
    write_csv(out.f, b);
    if (output_close(&out, true, err, errlen))
        return 2;
    struct chart *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return 2;
    }
    const struct run_report *r0 = &b->runs[0]->report;
    c->kind = CHART_BARS;
    snprintf(c->title, sizeof c->title, "racesim compare · %s · %d buyers · seed %llu · %.60s",
             r0->scenario.name, o->users, (unsigned long long)o->seed, r0->preflight.version);
    snprintf(c->panel[0].title, sizeof c->panel[0].title, "Throughput (higher is better)");
    snprintf(c->panel[0].ylabel, sizeof c->panel[0].ylabel, "purchases/s (log scale)");
    snprintf(c->panel[1].title, sizeof c->panel[1].title, "p99 purchase latency (lower is better)");
    snprintf(c->panel[1].ylabel, sizeof c->panel[1].ylabel, "ms (log scale)");
    for (size_t i = 0; i < b->n && i < CHART_SERIES_MAX; i++) {
        const struct run_report *r = &b->runs[i]->report;
        struct chart_series *s = &c->series[c->n_series++];
        struct run_figures fig;
        report_figures(r, &fig);
        snprintf(s->name, sizeof s->name, "%s", r->strategy_name);
        s->colour = set->colour[i];
        s->unsafe = r->exit_code != 0;
        s->n = 1;
        s->y[0][0] = s->lo[0][0] = s->hi[0][0] = fig.throughput;
        s->y[1][0] = s->lo[1][0] = s->hi[1][0] = fig.p99_ms;
    }
    enum chart_status st = chart_draw(c, o->chart, o->force, err, errlen);
    free(c);
    if (st == CHART_NO_GNUPLOT) {
        fprintf(stderr, "racesim: %s\n", err);    /* a warning: the table and the CSV are there */
        return 0;
    }
    return st == CHART_DRAWN ? 0 : 2;
}

int compare_main(const struct options *o, char *err, size_t errlen)
{
    struct strategy_set set;
    struct batch b;
    batch_init(&b, "compare");
    int rc = strategy_set_load(o, &set, err, errlen);
    if (rc == 0)
        rc = output_check("--out", o->out, o->force, err, errlen);
    if (rc == 0 && o->chart)
        rc = chart_check_paths(o->chart, o->out, o->force, err, errlen);
    for (size_t i = 0; rc == 0 && i < set.n; i++) {
        struct options ro;
        cli_copy(&ro, o);
        ro.strategy = set.given[i];
        size_t index;
        rc = batch_add(&b, &ro, &index, err, errlen);
    }
    if (rc == 0)
        rc = batch_execute(&b, o, err, errlen);
    if (rc == 0)
        rc = write_report(o, &b, err, errlen);
    if (rc == 0 && o->chart)
        rc = draw(o, &b, &set, err, errlen);
    batch_free(&b);
    strategy_set_free(&set);
    return rc;
}
