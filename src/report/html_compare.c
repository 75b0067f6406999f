/* html_compare.c — compare as one self-contained web page: the answer in words, the table, and
 * goodput, units sold and p99 per strategy as inline SVG. */
#include "html_compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "html_parts.h"

#define W 1240
#define ROW 66
#define TOP 64

static const char compare_css[] =
    "#answer { font-size: 1.25rem; margin: 0.5rem 0; }\n"
    "#answer p { margin: 0.15rem 0; }\n"
    "#answer .headline { font-size: 1.5rem; font-weight: bold; }\n"
    "#table { border-collapse: collapse; font-size: 0.95rem; margin: 0.5rem 0; }\n"
    "#table th, #table td { padding: 0.1rem 0.5rem; border-bottom: 2px solid #bbb; }\n"
    "#table th { text-align: left; }\n"
    "#table .num { text-align: right; }\n"
    "#table tr.unsafe { color: var(--bad); font-weight: bold; background: var(--bad-bg); }\n"
    "#table tr.lossy { color: var(--wait); }\n"
    "#chart svg { width: 100%; height: auto; }\n"
    "#chart text { font-size: 19px; fill: var(--ink); font-family: inherit; }\n"
    "#chart .title { font-weight: bold; font-size: 21px; }\n"
    "#chart .name { font-weight: bold; font-size: 22px; }\n"
    "#chart .bar { fill: var(--read); }\n"
    "#chart .unsafe .bar, #chart .bar.oversold { fill: var(--bad); }\n"
    "#chart .bar.lost { fill: #e69f00; }\n"
    "#chart .unsafe text { fill: var(--bad); font-weight: bold; }\n"
    "#chart .mark { font-size: 18px; paint-order: stroke; stroke: #fff; stroke-width: 6px; }\n"
    "#chart .stock { stroke: var(--ink); stroke-width: 3; stroke-dasharray: 8 5; }\n"
    "#chart .axis { stroke: var(--ink); stroke-width: 2; }\n";

/* Panels: where each starts and how wide its bars may grow (the rest of the width: labels). */
static const int panel_x[3] = {250, 590, 960}, panel_w[3] = {160, 170, 170};

static void human_ms(double ms, char *buf, size_t n)
{
    if (!isfinite(ms) || ms <= 0)
        snprintf(buf, n, "-");
    else if (ms >= 1000)
        snprintf(buf, n, "%.2f s", ms / 1000);
    else
        snprintf(buf, n, ms >= 100 ? "%.0f ms" : ms >= 10 ? "%.1f ms" : "%.2f ms", ms);
}

/* Rows: complete strategies, then lossy ones, then unsafe ones, each by goodput, best first. */
static void order_rows(const struct answer *a, const struct answer_figures *fig, int *order)
{
    size_t k = 0;
    for (int c = ANSWER_COMPLETE; c <= ANSWER_UNSAFE; c++) {
        size_t from = k;
        for (size_t i = 0; i < a->n; i++) {
            if ((int)a->cls[i] != c)
                continue;
            size_t j = k++;
            while (j > from && fig[order[j - 1]].goodput < fig[i].goodput) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = (int)i;
        }
    }
}

static double bar(double v, double max, int k)
{
    return max > 0 && v > 0 ? v / max * panel_w[k] : 0;
}

/* One strategy's row of the chart at height y. */
static void chart_row(FILE *f, const struct answer *a, const struct answer_figures *fg, enum answer_class c,
                      double y, const double *max)
{
    fprintf(f, "<g class=\"strategy %s\" data-strategy=\"", answer_class_name(c));
    html_escape(f, fg->name);
    fprintf(f, "\">\n<text class=\"name\" x=\"10\" y=\"%.0f\">%s ", y + 22, c == ANSWER_UNSAFE ? "✗" : "✓");
    html_escape(f, fg->name);
    fprintf(f, "</text>\n<text class=\"mark\" x=\"%d\" y=\"%.0f\">", c == ANSWER_UNSAFE ? panel_x[0] : 10,
            c == ANSWER_UNSAFE ? y + 58 : y + 44);
    if (c == ANSWER_UNSAFE) {
        fputs("✗ ANOMALY: ", f);
        html_escape(f, fg->anomalies);
    } else {
        fputs(c == ANSWER_LOSSY ? "correct, lost sales" : "correct", f);
    }
    fputs("</text>\n", f);
    double w = bar(fg->goodput, max[0], 0);
    fprintf(f, "<rect class=\"bar goodput\" x=\"%d\" y=\"%.0f\" width=\"%.1f\" height=\"30\"/>"
            "<text x=\"%.0f\" y=\"%.0f\">%.*f/s</text>\n", panel_x[0], y + 6, w, panel_x[0] + w + 6, y + 28,
            fg->goodput >= 10 ? 0 : 2, fg->goodput);
    double sold = (double)fg->units_sold, unsold = (double)answer_unsold(fg);
    double in_stock = a->stock >= 0 && sold > (double)a->stock ? (double)a->stock : sold;
    double w1 = bar(in_stock, max[1], 1), w2 = bar(sold - in_stock, max[1], 1), w3 = bar(unsold, max[1], 1);
    fprintf(f, "<rect class=\"bar units\" x=\"%d\" y=\"%.0f\" width=\"%.1f\" height=\"30\"/>", panel_x[1], y + 6, w1);
    if (w2 > 0)
        fprintf(f, "<rect class=\"bar oversold\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"30\"/>",
                panel_x[1] + w1, y + 6, w2);
    if (w3 > 0)
        fprintf(f, "<rect class=\"bar lost\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"30\"/>",
                panel_x[1] + w1 + w2, y + 6, w3);
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">%.0f", panel_x[1] + w1 + w2 + w3 + 6, y + 28, sold);
    if (sold > in_stock)
        fprintf(f, ", oversold %.0f", sold - in_stock);
    else if (unsold > 0)
        fprintf(f, ", %llu sales lost", (unsigned long long)fg->lost_purchases);
    fputs("</text>\n", f);
    char ms[32];
    human_ms(fg->p99_ms, ms, sizeof ms);
    w = bar(fg->p99_ms, max[2], 2);
    fprintf(f, "<rect class=\"bar p99\" x=\"%d\" y=\"%.0f\" width=\"%.1f\" height=\"30\"/>"
            "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n</g>\n", panel_x[2], y + 6, w, panel_x[2] + w + 6, y + 28, ms);
}

static void write_chart(FILE *f, const struct answer *a, const struct answer_figures *fig)
{
    int order[ANSWER_MAX];
    order_rows(a, fig, order);
    double max[3] = {0, a->stock > 0 ? (double)a->stock : 0, 0};
    for (size_t i = 0; i < a->n; i++) {
        double units = (double)(fig[i].units_sold + answer_unsold(&fig[i]));
        max[0] = fig[i].goodput > max[0] ? fig[i].goodput : max[0];
        max[1] = units > max[1] ? units : max[1];
        max[2] = fig[i].p99_ms > max[2] ? fig[i].p99_ms : max[2];
    }
    int h = TOP + ROW * (int)a->n + 10;
    fprintf(f, "<div id=\"chart\"><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"goodput, units sold "
            "and p99 per strategy\">\n", W, h);
    static const char *titles[3] = {"goodput (ok/s)", "units sold", "p99 latency"};
    for (int k = 0; k < 3; k++)
        fprintf(f, "<text class=\"title\" x=\"%d\" y=\"30\">%s</text>"
                "<line class=\"axis\" x1=\"%d\" y1=\"42\" x2=\"%d\" y2=\"%d\"/>\n", panel_x[k], titles[k],
                panel_x[k], panel_x[k], h - 6);
    for (size_t r = 0; r < a->n; r++)
        chart_row(f, a, &fig[order[r]], a->cls[order[r]], TOP - 14 + ROW * (double)r, max);
    if (a->stock > 0) {
        double x = panel_x[1] + bar((double)a->stock, max[1], 1);
        fprintf(f, "<line class=\"stock\" x1=\"%.1f\" y1=\"42\" x2=\"%.1f\" y2=\"%d\"/>"
                "<text class=\"mark\" x=\"%.1f\" y=\"%d\">stock %lld</text>\n", x, x, h - 6, x + 4, 56,
                (long long)a->stock);
    }
    fputs("</svg></div>\n", f);
}

/* The answer in words: answer_write's lines, the first as the headline. */
static int write_answer(FILE *f, const struct answer *a, const struct answer_figures *fig)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return -1;
    answer_write(m, a, fig, false, 10000);
    if (fclose(m) != 0) {
        free(text);
        return -1;
    }
    fputs("<section id=\"answer\">\n", f);
    bool first = true;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        fprintf(f, "<p%s>", first ? " class=\"headline\"" : "");
        char *gap = strstr(line, "  ");        /* "answer     atomic: ...": the label in bold */
        if (gap == line) {                    /* a further item under the label above */
            line += strspn(line, " ");
        } else if (gap) {
            *gap = '\0';
            fputs("<b>", f);
            html_escape(f, line);
            fputs(":</b> ", f);
            line = gap + strspn(gap + 1, " ") + 1;
        }
        html_escape(f, line);
        fputs("</p>\n", f);
        first = false;
    }
    fputs("</section>\n", f);
    free(text);
    return 0;
}

struct compare_page {
    const char *title, *sub;
    const struct table *t;
    const struct answer *a;
    const struct answer_figures *fig;
};

static int write_page(FILE *f, const void *data)
{
    const struct compare_page *p = data;
    const char *title = p->title, *sub = p->sub;
    const struct table *t = p->t;
    const struct answer *a = p->a;
    const struct answer_figures *fig = p->fig;
    html_head(f, title, compare_css);
    fputs("<header>\n<h1>", f);
    html_escape(f, title);
    fputs("</h1>\n<p class=\"sub\">", f);
    html_escape(f, sub);
    fputs("</p>\n</header>\n<main>\n", f);
    if (write_answer(f, a, fig))
        return -1;
    write_chart(f, a, fig);
    const char *cls[ANSWER_MAX];
    for (size_t i = 0; i < a->n; i++)
        cls[i] = answer_class_name(a->cls[i]);
    html_table(f, t, "table", t->nrows <= a->n ? cls : NULL);
    fputs("</main>\n", f);
    html_close(f, "racesim " RACESIM_VERSION " compare · the chart drawn by racesim");
    return ferror(f) ? -1 : 0;
}

int html_compare_write_file(const char *path, bool force, const char *title, const char *sub,
                            const struct table *t, const struct answer *a,
                            const struct answer_figures *fig, char *err, size_t errlen)
{
    struct compare_page p = {title, sub, t, a, fig};
    return html_write_file(path, force, write_page, &p, err, errlen);
}
