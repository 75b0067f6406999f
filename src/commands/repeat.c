/* repeat.c — a command's repeated runs of each strategy (--repeat=N): median, min–max and an
 * interval of throughput, goodput and p99, as text, Markdown and JSON. */
#include "repeat.h"

#include <stdbool.h>
#include <string.h>

#include "report.h"
#include "summary.h"
#include "table.h"

/* The figures of strategy s's runs that ended, in repeat order; returns how many. */
static size_t samples(const struct batch *b, size_t strategies, size_t s, double *tput, double *good,
                      double *p99)
{
    size_t n = 0;
    for (size_t i = s; i < b->n && n < STATS_SAMPLES_MAX; i += strategies) {
        if (!b->runs[i]->done)
            continue;
        struct run_figures fig;
        report_figures(&b->runs[i]->report, &fig);
        tput[n] = fig.throughput;
        good[n] = fig.goodput;
        p99[n] = fig.p99_ms;
        n++;
    }
    return n;
}

void repeat_summarize(const struct batch *b, size_t strategies, size_t s, struct repeat_stat *out)
{
    double t[STATS_SAMPLES_MAX], g[STATS_SAMPLES_MAX], p[STATS_SAMPLES_MAX];
    size_t n = samples(b, strategies, s, t, g, p);
    stats_summarize(t, n, &out->throughput);
    stats_summarize(g, n, &out->goodput);
    stats_summarize(p, n, &out->p99_ms);
}

/* Whether the interval is narrower than min–max (6 runs or more). */
static bool narrower(const struct stats_summary *s)
{
    return s->ci_low != s->min || s->ci_high != s->max;
}

/* "3679 [3500–3800] (3400–3900)": the median, its interval when narrower, then min–max. */
static void cell_rate(struct table *t, size_t row, size_t col, const struct stats_summary *s)
{
    if (narrower(s))
        table_set(t, row, col, "%.0f [%.0f–%.0f] (%.0f–%.0f)", s->median, s->ci_low, s->ci_high, s->min, s->max);
    else
        table_set(t, row, col, "%.0f (%.0f–%.0f)", s->median, s->min, s->max);
}

static void cell_ms(struct table *t, size_t row, size_t col, const struct stats_summary *s)
{
    char m[24], lo[24], hi[24], mn[24], mx[24];
    summary_ms(s->median, m, sizeof m);
    summary_ms(s->min, mn, sizeof mn);
    summary_ms(s->max, mx, sizeof mx);
    if (narrower(s))
        table_set(t, row, col, "%s [%s–%s] (%s–%s)", m, summary_ms(s->ci_low, lo, sizeof lo),
                  summary_ms(s->ci_high, hi, sizeof hi), mn, mx);
    else
        table_set(t, row, col, "%s (%s–%s)", m, mn, mx);
}

void repeat_write_text(FILE *f, const struct batch *b, size_t strategies, bool md, int width)
{
    if (strategies == 0 || b->n == 0)
        return;
    struct table t;
    table_init(&t, 5);
    t.gap = 2;
    static const char *headers[] = {"strategy", "runs", "purch/s", "ok/s", "p99"};
    for (size_t c = 0; c < 5; c++)
        table_column(&t, c, headers[c], c == 0 ? TABLE_LEFT : TABLE_RIGHT);
    double level = 1;
    size_t least = (size_t)-1;
    for (size_t s = 0; s < strategies && s < b->n; s++) {
        struct repeat_stat st;
        repeat_summarize(b, strategies, s, &st);
        size_t row = table_row(&t);
        table_set(&t, row, 0, "%s", b->runs[s]->report.strategy_name);
        table_set(&t, row, 1, "%zu", st.throughput.n);
        cell_rate(&t, row, 2, &st.throughput);
        cell_rate(&t, row, 3, &st.goodput);
        cell_ms(&t, row, 4, &st.p99_ms);
        if (st.throughput.ci_level < level)
            level = st.throughput.ci_level;
        if (st.throughput.n < least)
            least = st.throughput.n;
    }
    const char *br = md ? "  " : "";     /* a Markdown hard break */
    fprintf(f, "\nrepeats    median [95%% interval of the median] (min–max) of each strategy's runs,%s\n"
            "           interleaved across strategies (a1 b1 a2 b2 ...); the answer below uses the medians%s\n",
            br, br);
    if (least < 6)
        fprintf(f, "           with %zu runs the interval is min–max: it holds the median with %.1f%%%s\n",
                least, 100 * level, br);
    fputc('\n', f);
    if (md)
        table_print_md(f, &t);
    else
        table_print(f, &t, width);
    table_free(&t);
}

static cJSON *json_stat(const struct stats_summary *s, const double *x)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "median", s->median);
    cJSON_AddNumberToObject(o, "min", s->min);
    cJSON_AddNumberToObject(o, "max", s->max);
    cJSON_AddNumberToObject(o, "ci_low", s->ci_low);
    cJSON_AddNumberToObject(o, "ci_high", s->ci_high);
    cJSON_AddNumberToObject(o, "ci_level", s->ci_level);
    cJSON *arr = cJSON_AddArrayToObject(o, "samples");
    for (size_t i = 0; arr && i < s->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber(x[i]));
    return o;
}

cJSON *repeat_json(const struct batch *b, size_t strategies)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t s = 0; arr && s < strategies && s < b->n; s++) {
        double t[STATS_SAMPLES_MAX], g[STATS_SAMPLES_MAX], p[STATS_SAMPLES_MAX];
        size_t n = samples(b, strategies, s, t, g, p);
        struct repeat_stat st;
        repeat_summarize(b, strategies, s, &st);
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "strategy", b->runs[s]->report.strategy_name);
        cJSON_AddNumberToObject(x, "n", (double)n);
        cJSON_AddItemToObject(x, "throughput", json_stat(&st.throughput, t));
        cJSON_AddItemToObject(x, "goodput", json_stat(&st.goodput, g));
        cJSON_AddItemToObject(x, "p99_ms", json_stat(&st.p99_ms, p));
        cJSON_AddItemToArray(arr, x);
    }
    return arr;
}
