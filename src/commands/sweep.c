/* sweep.c — `racesim sweep`: strategies across buyer counts; goodput, lost sales and p99 against users. */
#include "sweep.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "chart.h"
#include "html_chart.h"
#include "config.h"
#include "meta.h"
#include "output.h"
#include "report.h"
#include "summary.h"
#include "table.h"
#include "text.h"

#define WIDTH 100

/* One strategy at one buyer count, over its repeats. */
struct point {
    size_t strategy, users;             /* indexes into the set and o->users_list */
    size_t runs[100];                   /* batch indexes of its repeats */
    size_t n;
    double tput[3], p99[3], good[3];    /* median, min, max */
    double lost[3], sold[3];            /* lost sales (purchases) and units sold: median, min, max */
    double served[3];                   /* buyers served (purchases that succeeded): median, min, max */
    bool unsafe;                        /* an invariant was violated in some repeat */
    char anomalies[256];
};

struct sweep {
    const struct options *o;
    struct strategy_set set;
    struct batch b;
    struct point *points;               /* strategy-major: points[s * n_users + u] */
    size_t n_points;
};

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* median, min, max of v[0..n-1] (n >= 1; v is sorted in place) */
static void stats(double *v, size_t n, double out[3])
{
    qsort(v, n, sizeof *v, by_double);
    out[0] = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    out[1] = v[0];
    out[2] = v[n - 1];
}

/* Whether the ';'-separated list holds item. */
static bool has_item(const char *list, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = list; *p; p += strcspn(p, ";"), p += *p == ';')
        if (strncmp(p, item, n) == 0 && (p[n] == ';' || !p[n]))
            return true;
    return false;
}

static void aggregate(struct sweep *w)
{
    for (size_t p = 0; p < w->n_points; p++) {
        struct point *pt = &w->points[p];
        double t[100], l[100], g[100], lo[100], so[100], se[100];
        for (size_t k = 0; k < pt->n; k++) {
            const struct run_report *r = &w->b.runs[pt->runs[k]]->report;
            struct run_figures fig;
            report_figures(r, &fig);
            t[k] = fig.throughput;
            l[k] = fig.p99_ms;
            g[k] = fig.goodput;
            lo[k] = (double)r->lost_purchases;
            so[k] = (double)r->result.outcome_units[OUTCOME_OK];
            se[k] = (double)r->result.outcomes[OUTCOME_OK];
            if (r->exit_code != 0) {
                pt->unsafe = true;
                char an[256];
                summary_anomalies(r, false, an, sizeof an);
                char *save = NULL;
                for (char *name = strtok_r(an, ", ", &save); name; name = strtok_r(NULL, ", ", &save))
                    if (!has_item(pt->anomalies, name))
                        text_appendf(pt->anomalies, sizeof pt->anomalies, "%s%s",
                                     pt->anomalies[0] ? ";" : "", name);
            }
        }
        stats(t, pt->n, pt->tput);
        stats(l, pt->n, pt->p99);
        stats(g, pt->n, pt->good);
        stats(lo, pt->n, pt->lost);
        stats(so, pt->n, pt->sold);
        stats(se, pt->n, pt->served);
    }
}

static bool strategy_unsafe(const struct sweep *w, size_t s)
{
    for (size_t u = 0; u < w->o->n_users; u++)
        if (w->points[s * w->o->n_users + u].unsafe)
            return true;
    return false;
}

enum metric { M_GOODPUT, M_LOST, M_P99 };

static void cell(const struct sweep *w, const struct point *pt, const double v[3], bool latency,
                 char *buf, size_t n)
{
    char a[24], b[24], c[24];
    if (latency)
        snprintf(buf, n, "%s", summary_ms(v[0], a, sizeof a));
    else
        snprintf(buf, n, "%.0f", v[0]);
    if (w->o->repeat > 1) {
        if (latency)
            text_appendf(buf, n, " (%s–%s)", summary_ms(v[1], b, sizeof b), summary_ms(v[2], c, sizeof c));
        else
            text_appendf(buf, n, " (%.0f–%.0f)", v[1], v[2]);
    }
    if (pt->unsafe)
        text_appendf(buf, n, " ✗");
}

/* The table of one metric: a row per strategy, a column per buyer count. */
static void fill_metric(struct table *t, const struct sweep *w, enum metric m)
{
    const struct options *o = w->o;
    table_init(t, o->n_users + 1);
    table_column(t, 0, "strategy", TABLE_LEFT);
    for (size_t u = 0; u < o->n_users; u++) {
        char h[48];
        snprintf(h, sizeof h, "%d buyer%s", o->users_list[u], o->users_list[u] == 1 ? "" : "s");
        table_column(t, u + 1, h, TABLE_RIGHT);
    }
    for (size_t s = 0; s < w->set.n; s++) {
        size_t row = table_row(t);
        table_set(t, row, 0, "%s", w->set.name[s]);
        for (size_t u = 0; u < o->n_users; u++) {
            const struct point *pt = &w->points[s * o->n_users + u];
            char buf[96];
            cell(w, pt, m == M_P99 ? pt->p99 : m == M_LOST ? pt->lost : pt->good, m == M_P99, buf, sizeof buf);
            table_set(t, row, u + 1, "%s", buf);
        }
    }
}

static int print_metric(FILE *f, const struct sweep *w, enum metric m, bool md)
{
    struct table t;
    fill_metric(&t, w, m);
    int rc = md ? table_print_md(f, &t) : table_print(f, &t, WIDTH);
    table_free(&t);
    return rc;
}

/* The seeds the repeats used: "seed 1", "seeds 1, 2, 3". */
static void seeds_named(const struct options *o, char *buf, size_t n)
{
    snprintf(buf, n, "seed%s ", o->repeat > 1 ? "s" : "");
    for (int k = 0; k < o->repeat; k++)
        text_appendf(buf, n, "%s%llu", k ? ", " : "", (unsigned long long)(o->seed + (uint64_t)k));
}

static int write_text(FILE *f, const struct sweep *w, bool md)
{
    const struct options *o = w->o;
    const struct run_report *r0 = &w->b.runs[0]->report;
    char users[512] = "";
    for (size_t u = 0; u < o->n_users; u++)
        text_appendf(users, sizeof users, "%s%d", u ? ", " : "", o->users_list[u]);
    char seeds[512], title[1024];
    seeds_named(o, seeds, sizeof seeds);
    snprintf(title, sizeof title, "%s · %s buyers · %d run%s per point · %s", r0->scenario.name, users,
             o->repeat, o->repeat == 1 ? "" : "s", seeds);
    if (md)
        fprintf(f, "**racesim %s sweep** · %s  \n", RACESIM_VERSION, title);
    else
        summary_wrapped(f, "racesim " RACESIM_VERSION " sweep · ", title, WIDTH);
    if (md)
        fprintf(f, "%s, %s  \n", r0->server, r0->server_facts.version);
    else
        summary_header(f, r0);
    const char *spread = o->repeat > 1 ? ", median (min–max)" : "";
    bool turns = r0->settings.lockstep;   /* statements waited for their turns: no speed to tell */
    int rc = 0;
    if (turns)
        fputs("\ngoodput and p99 latency: —; lockstep: one statement at a time, in turn, so no latency "
              "or throughput\n", f);
    else {
        fprintf(f, "\n%sgoodput, purchases that succeeded per second%s%s\n\n", md ? "### " : "", spread,
                md ? "" : ":");
        rc |= print_metric(f, w, M_GOODPUT, md);
    }
    fprintf(f, "\n%slost sales: purchases turned away by errors while units were left%s%s\n\n",
            md ? "### " : "", spread, md ? "" : ":");
    rc |= print_metric(f, w, M_LOST, md);
    if (!turns) {
        fprintf(f, "\n%sp99 purchase latency%s%s\n\n", md ? "### " : "", spread, md ? "" : ":");
        rc |= print_metric(f, w, M_P99, md);
    }
    char line[2048] = "";
    for (size_t st = 0; st < w->set.n; st++) {
        char at[512] = "", anomalies[256] = "";
        for (size_t u = 0; u < o->n_users; u++) {
            const struct point *pt = &w->points[st * o->n_users + u];
            if (!pt->unsafe)
                continue;
            text_appendf(at, sizeof at, "%s%d", at[0] ? ", " : "", o->users_list[u]);
            char copy[256], *save = NULL;
            snprintf(copy, sizeof copy, "%s", pt->anomalies);
            for (char *name = strtok_r(copy, ";", &save); name; name = strtok_r(NULL, ";", &save))
                if (!has_item(anomalies, name))
                    text_appendf(anomalies, sizeof anomalies, "%s%s", anomalies[0] ? ";" : "", name);
        }
        if (at[0]) {
            text_appendf(line, sizeof line, "%s%s at %s buyers (", line[0] ? "; " : "", w->set.name[st], at);
            for (const char *c = anomalies; *c; c++) {
                if (*c == ';')
                    text_appendf(line, sizeof line, ", ");
                else
                    text_appendf(line, sizeof line, "%c", *c);
            }
            text_appendf(line, sizeof line, ")");
        }
    }
    if (line[0]) {
        fputc('\n', f);
        if (md)
            fprintf(f, "✗ **unsafe**, an invariant was violated: %s  \n", line);
        else
            summary_wrapped(f, "UNSAFE     ", line, WIDTH);
    }
    return rc;
}

static void write_csv(FILE *f, const struct sweep *w)
{
    fputs("scenario,strategy,users,runs,verdict,anomalies,throughput,throughput_min,throughput_max,"
          "p99_ms,p99_min_ms,p99_max_ms,goodput,goodput_min,goodput_max,lost_purchases,lost_purchases_min,"
          "lost_purchases_max,units_sold,units_sold_min,units_sold_max,served,served_min,served_max\n", f);
    for (size_t p = 0; p < w->n_points; p++) {
        const struct point *pt = &w->points[p];
        fprintf(f, "%s,%s,%d,%zu,%s,%s,%.1f,%.1f,%.1f,%.3f,%.3f,%.3f,%.1f,%.1f,%.1f,%g,%g,%g,%g,%g,%g,%g,%g,%g\n",
                w->o->scenario, w->set.name[pt->strategy], w->o->users_list[pt->users], pt->n,
                pt->unsafe ? "anomaly" : "correct", pt->anomalies, pt->tput[0], pt->tput[1], pt->tput[2],
                pt->p99[0], pt->p99[1], pt->p99[2], pt->good[0], pt->good[1], pt->good[2], pt->lost[0],
                pt->lost[1], pt->lost[2], pt->sold[0], pt->sold[1], pt->sold[2], pt->served[0], pt->served[1],
                pt->served[2]);
    }
}

static cJSON *stats_json(const double v[3])
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "median", v[0]);
    cJSON_AddNumberToObject(o, "min", v[1]);
    cJSON_AddNumberToObject(o, "max", v[2]);
    return o;
}

static int write_json(FILE *f, const struct sweep *w)
{
    const struct options *o = w->o;
    cJSON *j = batch_json(&w->b, o);
    cJSON *users = cJSON_AddArrayToObject(j, "users");
    for (size_t u = 0; u < o->n_users; u++)
        cJSON_AddItemToArray(users, cJSON_CreateNumber(o->users_list[u]));
    cJSON_AddNumberToObject(j, "repeat", o->repeat);
    cJSON *points = cJSON_AddArrayToObject(j, "points");
    for (size_t p = 0; p < w->n_points; p++) {
        const struct point *pt = &w->points[p];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "strategy", w->set.name[pt->strategy]);
        cJSON_AddNumberToObject(x, "users", o->users_list[pt->users]);
        cJSON_AddNumberToObject(x, "runs", (double)pt->n);
        cJSON_AddStringToObject(x, "verdict", pt->unsafe ? "anomaly" : "correct");
        cJSON_AddItemToObject(x, "throughput", stats_json(pt->tput));
        cJSON_AddItemToObject(x, "goodput", stats_json(pt->good));
        cJSON_AddItemToObject(x, "p99_ms", stats_json(pt->p99));
        cJSON_AddItemToObject(x, "lost_purchases", stats_json(pt->lost));
        cJSON_AddItemToObject(x, "units_sold", stats_json(pt->sold));
        cJSON_AddItemToObject(x, "served", stats_json(pt->served));
        cJSON_AddItemToArray(points, x);
    }
    if (o->chart)
        cJSON_AddStringToObject(j, "chart", o->chart);
    cJSON_AddNumberToObject(j, "exit_code", 0);
    meta_stamp(j);
    return output_json(f, j);
}

static int write_report(const struct sweep *w, char *err, size_t errlen)
{
    struct output out;
    if (output_open(&out, "--out", w->o->out, w->o->force, err, errlen))
        return 2;
    int rc = 0;
    if (w->o->format == FORMAT_JSON)
        rc = write_json(out.f, w);
    else if (w->o->format == FORMAT_CSV)
        write_csv(out.f, w);
    else
        rc = write_text(out.f, w, w->o->format == FORMAT_MD);
    return output_close(&out, rc == 0, err, errlen);
}

/* The chart's three panels: goodput, lost sales and p99 per strategy across buyer counts. */
static void fill_chart(struct chart *c, const struct sweep *w)
{
    const struct options *o = w->o;
    const struct run_report *r0 = &w->b.runs[0]->report;
    c->n_panels = 3;
    char seeds[512];
    seeds_named(o, seeds, sizeof seeds);
    snprintf(c->title, sizeof c->title, "racesim sweep · %s · %s · %.100s · %.60s", r0->scenario.name,
             o->repeat > 1 ? "median and min–max of the runs" : "one run per point", seeds, r0->server_facts.version);
    snprintf(c->xlabel, sizeof c->xlabel, "buyers (log scale)");
    snprintf(c->panel[0].title, sizeof c->panel[0].title, "Goodput (higher is better)");
    snprintf(c->panel[0].ylabel, sizeof c->panel[0].ylabel, "purchases that succeeded per second");
    snprintf(c->panel[1].title, sizeof c->panel[1].title, "Lost sales (lower is better)");
    snprintf(c->panel[1].ylabel, sizeof c->panel[1].ylabel, "purchases turned away while units were left");
    snprintf(c->panel[2].title, sizeof c->panel[2].title, "p99 purchase latency (lower is better)");
    snprintf(c->panel[2].ylabel, sizeof c->panel[2].ylabel, "log scale");
    c->panel[2].logy = c->panel[2].ms = true;
    for (size_t s = 0; s < w->set.n && s < CHART_SERIES_MAX; s++) {
        struct chart_series *cs = &c->series[c->n_series++];
        snprintf(cs->name, sizeof cs->name, "%s", w->set.name[s]);
        cs->colour = w->set.colour[s];
        cs->unsafe = strategy_unsafe(w, s);
        for (size_t u = 0; u < o->n_users && u < CHART_POINTS_MAX; u++) {
            const struct point *pt = &w->points[s * o->n_users + u];
            cs->x[cs->n] = o->users_list[u];
            cs->y[0][cs->n] = pt->good[0];
            cs->lo[0][cs->n] = pt->good[1];
            cs->hi[0][cs->n] = pt->good[2];
            cs->y[1][cs->n] = pt->lost[0];
            cs->lo[1][cs->n] = pt->lost[1];
            cs->hi[1][cs->n] = pt->lost[2];
            cs->y[2][cs->n] = pt->p99[0];
            cs->lo[2][cs->n] = pt->p99[1];
            cs->hi[2][cs->n] = pt->p99[2];
            cs->n++;
        }
    }
}

static int draw(const struct sweep *w, char *err, size_t errlen)
{
    const struct options *o = w->o;
    char csv[PATH_MAX + 8];
    chart_csv_path(o->chart, csv, sizeof csv);
    struct output out;
    if (output_open(&out, "--chart", csv, w->o->force, err, errlen))
        return 2;
    write_csv(out.f, w);
    if (output_close(&out, true, err, errlen))
        return 2;
    struct chart *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return 2;
    }
    fill_chart(c, w);
    enum chart_status st = chart_draw(c, o->chart, o->force, err, errlen);
    free(c);
    if (st == CHART_NO_GNUPLOT) {
        fprintf(stderr, "racesim: %s\n", err);    /* a warning: the table and the CSV are there */
        return 0;
    }
    return st == CHART_DRAWN ? 0 : 2;
}

/* sweep --html: the chart as SVG and the three tables as one web page. */
static int write_html(const struct sweep *w, char *err, size_t errlen)
{
    const struct options *o = w->o;
    struct chart *c = calloc(1, sizeof *c);
    if (!c) {
        snprintf(err, errlen, "out of memory");
        return 2;
    }
    fill_chart(c, w);
    static const char *const captions[3] = {"goodput (ok/s)", "lost sales", "p99"};
    static const enum metric metrics[3] = {M_GOODPUT, M_LOST, M_P99};
    struct table t[3];
    bool failed = false;
    for (int i = 0; i < 3; i++) {
        fill_metric(&t[i], w, metrics[i]);
        failed |= t[i].failed;
    }
    const struct run_report *r0 = &w->b.runs[0]->report;
    char title[256], sub[640], seeds[512];
    seeds_named(o, seeds, sizeof seeds);
    snprintf(title, sizeof title, "racesim sweep · %s", r0->scenario.name);
    snprintf(sub, sizeof sub, "%s · %.300s · %s%s", o->repeat > 1 ? "median of the runs" : "one run per point",
             seeds, r0->engine, o->lockstep ? " · lockstep" : "");
    int rc = failed ? 2 : html_sweep_write_file(o->html, o->force, title, sub, c, t, captions, 3, err, errlen);
    if (failed)
        snprintf(err, errlen, "--html=%s: out of memory", o->html);
    for (int i = 0; i < 3; i++)
        table_free(&t[i]);
    free(c);
    return rc;
}

/* Every run, prepared: for each buyer count, each repeat, each strategy (so that slow drift of
 * the machine spreads over all strategies alike). */
static int prepare(struct sweep *w, char *err, size_t errlen)
{
    const struct options *o = w->o;
    w->n_points = w->set.n * o->n_users;
    w->points = calloc(w->n_points, sizeof *w->points);
    if (!w->points) {
        snprintf(err, errlen, "out of memory");
        return 2;
    }
    for (size_t u = 0; u < o->n_users; u++)
        for (int k = 0; k < o->repeat; k++)
            for (size_t s = 0; s < w->set.n; s++) {
                struct options ro;
                cli_copy(&ro, o);
                ro.strategy = w->set.given[s];
                ro.users = o->users_list[u];
                ro.seed = o->seed + (uint64_t)k;
                struct point *pt = &w->points[s * o->n_users + u];
                pt->strategy = s;
                pt->users = u;
                int rc = batch_add(&w->b, &ro, &pt->runs[pt->n++], err, errlen);
                if (rc)
                    return rc;
            }
    return 0;
}

int sweep_main(const struct options *o, char *err, size_t errlen)
{
    struct sweep w = {.o = o};
    batch_init(&w.b, "sweep");
    int rc = strategy_set_load(o, &w.set, err, errlen);
    if (rc == 0)
        rc = output_check("--out", o->out, o->force, err, errlen);
    if (rc == 0 && o->chart)
        rc = chart_check_paths(o->chart, o->out, o->force, err, errlen);
    if (rc == 0 && o->html)
        rc = output_check("--html", o->html, o->force, err, errlen);
    if (rc == 0)
        rc = prepare(&w, err, errlen);
    if (rc == 0)
        rc = batch_execute(&w.b, o, err, errlen);
    if (rc == 0) {
        aggregate(&w);
        rc = write_report(&w, err, errlen);
    }
    if (rc == 0 && o->chart)
        rc = draw(&w, err, errlen);
    if (rc == 0 && o->html)
        rc = write_html(&w, err, errlen);
    free(w.points);
    batch_free(&w.b);
    strategy_set_free(&w.set);
    return rc;
}
