/* compare.c — `racesim compare`: every strategy on one server, same seed; one table, one chart. */
#include "compare.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "batch.h"
#include "chart.h"
#include "compare_chart.h"
#include "config.h"
#include "html_compare.h"
#include "meta.h"
#include "output.h"
#include "repeat.h"
#include "report.h"
#include "summary.h"
#include "table.h"
#include "text.h"

#define WIDTH 100

enum { C_STRATEGY, C_CORRECT, C_GOOD, C_P99, C_SOLD, C_LOST, C_OK, C_FAILED, C_RETRIES, C_P50, C_TPUT,
       C_COLS };

static void fill_table(struct table *t, const struct batch *b)
{
    static const char *headers[C_COLS] = {"strategy", "correct?", "ok/s", "p99", "sold", "lost", "ok",
                                          "failed, by cause", "retries", "p50", "purch/s"};
    table_init(t, C_COLS);
    t->gap = 1;
    for (int c = 0; c < C_COLS; c++)
        table_column(t, (size_t)c, headers[c], c <= C_CORRECT || c == C_FAILED ? TABLE_LEFT : TABLE_RIGHT);
    for (size_t i = 0; i < b->n; i++) {
        const struct run_report *r = &b->runs[i]->report;
        const struct engine_result *e = &r->result;
        struct run_figures fig;
        report_figures(r, &fig);
        char marks[64], a[24], p[24];
        summary_marks(r, marks, sizeof marks);
        size_t row = table_row(t);
        table_set(t, row, C_STRATEGY, "%s", r->strategy_name);
        table_set(t, row, C_CORRECT, "%s %s", r->exit_code == 0 ? "yes" : "NO ", marks);
        bool turns = r->settings.lockstep;  /* statements waited for their turns: no speed */
        if (turns)
            table_set(t, row, C_GOOD, "—");
        else
            table_set(t, row, C_GOOD, fig.goodput >= 10 ? "%.0f" : "%.2g", fig.goodput);
        table_set(t, row, C_P99, "%s", turns ? "—" : summary_ms(fig.p99_ms, p, sizeof p));
        table_set(t, row, C_SOLD, "%llu", (unsigned long long)e->outcome_units[OUTCOME_OK]);
        if (r->remaining < 0)
            table_set(t, row, C_LOST, "-");
        else
            table_set(t, row, C_LOST, "%llu", (unsigned long long)r->lost_purchases);
        table_set(t, row, C_OK, "%llu", (unsigned long long)e->outcomes[OUTCOME_OK]);
        table_set(t, row, C_RETRIES, "%llu", (unsigned long long)e->retries);
        table_set(t, row, C_P50, "%s", turns ? "—" : summary_ms(fig.p50_ms, a, sizeof a));
        if (turns)
            table_set(t, row, C_TPUT, "—");
        else
            table_set(t, row, C_TPUT, "%.0f", fig.throughput);
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
    char seeds[80];
    if (o->repeat > 1)
        snprintf(seeds, sizeof seeds, "%d repeats, seeds %llu..%llu", o->repeat, (unsigned long long)o->seed,
                 (unsigned long long)(o->seed + (uint64_t)o->repeat - 1));
    else
        snprintf(seeds, sizeof seeds, "seed %llu", (unsigned long long)o->seed);
    fprintf(f, "%sracesim %s %s%s · %s · %d buyer%s × %d purchase%s · %s%s\n", md ? "**" : "",
            RACESIM_VERSION, cli_command_name(o->command), md ? "**" : "", r->scenario.name, o->users,
            o->users == 1 ? "" : "s", o->rounds, o->rounds == 1 ? "" : "s", seeds, md ? "  " : "");
    if (md) {
        fprintf(f, "%s, %s  \n", r->server, r->server_facts.version);
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
    legend_line(f, "columns    ", "columns: ",
                "ok/s = purchases that succeeded per second; sold = units they bought; lost = purchases "
                "turned away by an error or a retry give-up while units were left (lost sales); failed = "
                "turned away by a business rule or an error; purch/s counts every purchase, refusals too", md);
    if (r0->settings.lockstep)
        legend_line(f, "lockstep   ", "lockstep: ",
                    "ok/s, p99, p50 and purch/s are —: one statement at a time, in turn, so no latency "
                    "or throughput", md);
    snprintf(text, sizeof text, "one seed (%llu) for all: every strategy was asked for the same purchases%s",
             (unsigned long long)o->seed, o->repeat > 1 ? "; the table shows the first repeat" : "");
    legend_line(f, "note       ", "note: ", text, md);
}

/* The runs of the first repeat (seed o->seed): one per strategy, as the table shows them. */
static struct batch first_repeat(const struct batch *b, const struct options *o)
{
    struct batch first = *b;
    if (o->repeat > 1)
        first.n = b->n / (size_t)o->repeat;
    return first;
}

/* The answer's figures, one per strategy (at most ANSWER_MAX), and the answer over them: the
 * first repeat's counts, and with repeats the median goodput and p99 of all of them. */
static void decide_all(const struct batch *all, const struct batch *b, struct answer_figures *fig,
                       struct answer *a)
{
    size_t n = b->n < ANSWER_MAX ? b->n : ANSWER_MAX;
    for (size_t i = 0; i < n; i++) {
        answer_figures_of(&b->runs[i]->report, &fig[i]);
        if (all->n > b->n) {
            struct repeat_stat st;
            repeat_summarize(all, b->n, i, &st);
            fig[i].goodput = st.goodput.median;
            fig[i].p99_ms = st.p99_ms.median;
        }
    }
    answer_decide(fig, n, a);
}

static void decide(const struct batch *b, struct answer_figures *fig, struct answer *a)
{
    decide_all(b, b, fig, a);
}

/* o's --threshold limits on every strategy's runs (repeats together); *failed gets how many did
 * not pass. Returns how many results are in th (a static array, up to o's thresholds x
 * strategies). */
#define RESULTS_MAX (THRESHOLDS_MAX * CLI_LIST_MAX)
static size_t thresholds_of(const struct options *o, const struct batch *b, struct threshold_result **th,
                            size_t *failed)
{
    static struct threshold_result results[RESULTS_MAX];
    *th = results;
    *failed = 0;
    if (o->n_thresholds == 0)
        return 0;
    cJSON *j = batch_json(b, o);
    size_t n = threshold_evaluate(o->thresholds, o->n_thresholds, cJSON_GetObjectItemCaseSensitive(j, "runs"),
                                  results, RESULTS_MAX, failed);
    cJSON_Delete(j);
    return n;
}

static int write_text(FILE *f, const struct options *o, const struct batch *all, bool md)
{
    struct batch first = first_repeat(all, o);
    const struct batch *b = &first;
    struct table t;
    fill_table(&t, b);
    title(f, o, b, md);
    fputc('\n', f);
    int rc = md ? table_print_md(f, &t) : table_print(f, &t, WIDTH);
    legend(f, o, b, md);
    table_free(&t);
    if (o->repeat > 1)
        repeat_write_text(f, all, b->n, md, WIDTH);
    struct answer_figures fig[ANSWER_MAX];
    struct answer a;
    decide_all(all, b, fig, &a);
    answer_write(f, &a, fig, md, WIDTH);
    struct threshold_result *th;
    size_t failed, n_th = thresholds_of(o, all, &th, &failed);
    threshold_write_text(f, th, n_th, md);
    return rc;
}

/* One report CSV line from write (header or row), without its newline, then compare's own columns. */
static void csv_line(FILE *f, void (*write)(FILE *, const struct run_report *), const struct run_report *r,
                     const struct answer_figures *fig, const struct answer *a, size_t i)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m) {
        write(m, r);
        fclose(m);
    }
    while (buf && len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
        buf[--len] = '\0';
    fputs(buf ? buf : "", f);
    free(buf);
    if (!fig)
        fputs(",served,units_sold,units_left,lost_purchases,lost_units,class\n", f);
    else
        fprintf(f, ",%llu,%llu,%lld,%llu,%llu,%s\n", (unsigned long long)fig->served,
                (unsigned long long)fig->units_sold, (long long)fig->units_left,
                (unsigned long long)fig->lost_purchases, (unsigned long long)fig->lost_units,
                answer_class_name(a->cls[i]));
}

/* Every run's row (repeats too); the answer's class is that of the strategy's first repeat. */
static void write_csv(FILE *f, const struct options *o, const struct batch *all)
{
    struct batch first = first_repeat(all, o);
    struct answer_figures fig[ANSWER_MAX];
    struct answer a;
    decide(&first, fig, &a);
    csv_line(f, report_csv_header, &all->runs[0]->report, NULL, &a, 0);
    for (size_t i = 0; i < all->n && a.n; i++) {
        struct answer_figures mine;
        answer_figures_of(&all->runs[i]->report, &mine);
        if (i % first.n < a.n)
            csv_line(f, report_csv_row, &all->runs[i]->report, &mine, &a, i % first.n);
    }
}

/* run --repeat: 1 when an invariant was violated in any run; else 5 when a --threshold failed;
 * else 0. */
static int exit_code(const struct options *o, const struct batch *b)
{
    for (size_t i = 0; o->command == COMMAND_RUN && i < b->n; i++)
        if (b->runs[i]->report.exit_code)
            return 1;
    struct threshold_result *th;
    size_t failed;
    thresholds_of(o, b, &th, &failed);
    return failed ? 5 : 0;
}

static int write_json(FILE *f, const struct options *o, const struct batch *b)
{
    cJSON *j = batch_json(b, o);
    struct batch first = first_repeat(b, o);
    cJSON_AddNumberToObject(j, "users", o->users);
    cJSON_AddNumberToObject(j, "repeat", o->repeat);
    if (o->repeat > 1)
        cJSON_AddItemToObject(j, "repeats", repeat_json(b, first.n));
    struct answer_figures fig[ANSWER_MAX];
    struct answer a;
    decide_all(b, &first, fig, &a);
    cJSON_AddItemToObject(j, "answer", answer_json(&a, fig));
    if (o->chart)
        cJSON_AddStringToObject(j, "chart", o->chart);
    struct threshold_result *th;
    size_t failed, n_th = thresholds_of(o, b, &th, &failed);
    if (n_th)
        cJSON_AddItemToObject(j, "thresholds", threshold_json(th, n_th));
    cJSON_AddNumberToObject(j, "exit_code", exit_code(o, b));
    meta_stamp(j);
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
        write_csv(out.f, o, b);
    else
        rc = write_text(out.f, o, b, o->format == FORMAT_MD);
    return output_close(&out, rc == 0, err, errlen);
}

static int draw(const struct options *o, const struct batch *b, char *err, size_t errlen)
{
    char csv[PATH_MAX + 8];
    chart_csv_path(o->chart, csv, sizeof csv);
    struct output out;
    if (output_open(&out, "--chart", csv, o->force, err, errlen))
        return 2;
    write_csv(out.f, o, b);
    if (output_close(&out, true, err, errlen))
        return 2;
    const struct run_report *r0 = &b->runs[0]->report;
    char title[512];
    snprintf(title, sizeof title, "racesim compare · %s · %d buyers × %d · seed %llu · %.60s", r0->scenario.name,
             o->users, o->rounds, (unsigned long long)o->seed, r0->server_facts.version);
    struct answer_figures fig[ANSWER_MAX];
    struct answer a;
    struct batch first = first_repeat(b, o);
    decide(&first, fig, &a);
    enum chart_status st = compare_chart_draw(o->chart, o->force, title, &a, fig, err, errlen);
    if (st == CHART_NO_GNUPLOT) {
        fprintf(stderr, "racesim: %s\n", err);    /* a warning: the table and the CSV are there */
        return 0;
    }
    return st == CHART_DRAWN ? 0 : 2;
}

/* compare --html: the table, the answer and the chart as one web page. */
static int write_html(const struct options *o, const struct batch *b, char *err, size_t errlen)
{
    struct batch first = first_repeat(b, o);
    struct answer_figures fig[ANSWER_MAX];
    struct answer a;
    decide(&first, fig, &a);
    struct table t;
    fill_table(&t, &first);
    const struct run_report *r0 = &first.runs[0]->report;
    char title[256], sub[512];
    snprintf(title, sizeof title, "racesim compare · %s", r0->scenario.name);
    snprintf(sub, sizeof sub, "%d buyer%s × %d round%s · seed %llu%s · %s", o->users, o->users == 1 ? "" : "s",
             o->rounds, o->rounds == 1 ? "" : "s", (unsigned long long)o->seed,
             o->repeat > 1 ? " (the first of the repeats)" : "", r0->engine);
    int rc = t.failed ? 2 : html_compare_write_file(o->html, o->force, title, sub, &t, &a, fig, err, errlen);
    if (t.failed)
        snprintf(err, errlen, "--html=%s: out of memory", o->html);
    table_free(&t);
    return rc;
}

/* run --repeat: the one strategy as a set of one. */
static int one_strategy(const struct options *o, struct strategy_set *set, char *err, size_t errlen)
{
    static struct options so;      /* large; one command per process */
    cli_copy(&so, o);
    snprintf(so.strategies_text, sizeof so.strategies_text, "%s", o->strategy);
    so.strategies[0] = so.strategies_text;
    so.n_strategies = 1;
    return strategy_set_load(&so, set, err, errlen);
}

int compare_main(const struct options *o, char *err, size_t errlen)
{
    struct strategy_set set;
    struct batch b;
    batch_init(&b, cli_command_name(o->command));
    int rc = o->command == COMMAND_RUN ? one_strategy(o, &set, err, errlen)
                                       : strategy_set_load(o, &set, err, errlen);
    if (rc == 0)
        rc = output_check("--out", o->out, o->force, err, errlen);
    if (rc == 0 && o->chart)
        rc = chart_check_paths(o->chart, o->out, o->force, err, errlen);
    if (rc == 0 && o->html)
        rc = output_check("--html", o->html, o->force, err, errlen);
    /* repeat after repeat, every strategy in each: slow drift of the machine hits all alike */
    for (int k = 0; k < o->repeat; k++)
        for (size_t i = 0; rc == 0 && i < set.n; i++) {
            struct options ro;
            cli_copy(&ro, o);
            ro.strategy = set.given[i];
            ro.seed = o->seed + (uint64_t)k;
            size_t index;
            rc = batch_add(&b, &ro, &index, err, errlen);
            if (rc == 0 && index == 0)
                rc = report_check_threshold_names(o, &b.runs[0]->report.scenario, err, errlen);
        }
    if (rc == 0)
        rc = batch_execute(&b, o, err, errlen);
    if (rc == 0)
        rc = write_report(o, &b, err, errlen);
    if (rc == 0 && o->chart)
        rc = draw(o, &b, err, errlen);
    if (rc == 0 && o->html)
        rc = write_html(o, &b, err, errlen);
    if (rc == 0)
        rc = exit_code(o, &b);
    if (rc == 5) {
        struct threshold_result *th;
        size_t failed, n_th = thresholds_of(o, &b, &th, &failed);
        thresholds_failed_message(th, n_th, err, errlen);
    }
    batch_free(&b);
    strategy_set_free(&set);
    return rc;
}
