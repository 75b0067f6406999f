/* compare_chart.c — compare's chart: goodput, units sold (lost sales stacked) and p99 per strategy,
 * the unsafe ones hatched below a line, the answer under the title. */
#include "compare_chart.h"

#include <math.h>
#include <string.h>

#include "text.h"

#define BLUE "#0072B2"
#define ORANGE "#E69F00"
#define RED "#C00000"
#define GREY "#999999"

struct plot {
    const struct answer *a;
    const struct answer_figures *fig;
    const char *title;
    double y[ANSWER_MAX];      /* each strategy's row: correct ones on top, unsafe ones below a gap */
    int order[ANSWER_MAX];     /* strategies by row */
    size_t n_correct;
    double separator;          /* the line between the two groups (NaN when one is empty) */
};

/* "93.7 ms", "1.90 s", "34.5 s" */
static const char *human_ms(double ms, char *buf, size_t n)
{
    if (!isfinite(ms) || ms < 0)
        snprintf(buf, n, "-");
    else if (ms >= 1000)
        snprintf(buf, n, ms >= 10000 ? "%.1f s" : "%.2f s", ms / 1000);
    else
        snprintf(buf, n, ms >= 100 ? "%.0f ms" : ms >= 10 ? "%.1f ms" : "%.2f ms", ms);
    return buf;
}

/* gnuplot double-quoted data string: no " inside (names are file names without quotes). */
static void datum(FILE *f, const char *s)
{
    fputs(" \"", f);
    for (; *s; s++)
        if (*s != '"' && *s != '\n')
            fputc(*s, f);
    fputc('"', f);
}

static int by_goodput(const struct answer_figures *fig, int i, int j)
{
    return fig[i].goodput < fig[j].goodput ? 1 : fig[i].goodput > fig[j].goodput ? -1 : i - j;
}

/* Rows: complete strategies then lossy ones, each by goodput, best first; then the unsafe ones. */
static void layout(struct plot *p)
{
    size_t k = 0;
    for (int c = ANSWER_COMPLETE; c <= ANSWER_UNSAFE; c++) {
        size_t from = k;
        for (size_t i = 0; i < p->a->n; i++)
            if ((int)p->a->cls[i] == c) {
                size_t j = k++;
                while (j > from && by_goodput(p->fig, (int)i, p->order[j - 1]) < 0) {
                    p->order[j] = p->order[j - 1];
                    j--;
                }
                p->order[j] = (int)i;
            }
        if (c == ANSWER_LOSSY)
            p->n_correct = k;
    }
    p->separator = p->n_correct > 0 && p->n_correct < p->a->n ? (double)p->n_correct - 0.5 + 0.35 : NAN;
    for (size_t r = 0; r < p->a->n; r++)
        p->y[p->order[r]] = (double)r + (r >= p->n_correct && p->n_correct > 0 ? 0.7 : 0);
}

static void block(FILE *f, const struct plot *p, enum answer_class c)
{
    const struct answer *a = p->a;
    fprintf(f, "$%s << EOD\n", answer_class_name(c));
    for (size_t r = 0; r < a->n; r++) {
        int i = p->order[r];
        if (a->cls[i] != c)
            continue;
        const struct answer_figures *fg = &p->fig[i];
        double sold = (double)fg->units_sold, unsold = (double)answer_unsold(fg);
        double in_stock = a->stock >= 0 && sold > (double)a->stock ? (double)a->stock : sold;
        char g[64], u[128], l[32];
        snprintf(g, sizeof g, fg->goodput >= 10 ? "%.0f/s" : "%.2g/s", fg->goodput);
        if (c == ANSWER_UNSAFE && a->stock >= 0 && sold > (double)a->stock)
            snprintf(u, sizeof u, "%.0f, oversold %.0f", sold, sold - (double)a->stock);
        else if (c == ANSWER_LOSSY)
            snprintf(u, sizeof u, "%.0f, then %llu sales lost", sold, (unsigned long long)fg->lost_purchases);
        else if (fg->units_left == 0)
            snprintf(u, sizeof u, "%.0f, sold out", sold);
        else
            snprintf(u, sizeof u, "%.0f", sold);
        fprintf(f, "%g %.6g %.6g %.6g %.6g %.6g", p->y[i], fg->goodput, in_stock, sold + unsold, sold,
                fg->p99_ms > 0 ? fg->p99_ms : NAN);
        datum(f, g);
        datum(f, u);
        datum(f, human_ms(fg->p99_ms, l, sizeof l));
        fputc('\n', f);
    }
    fputs("EOD\n", f);
}

static bool any(const struct plot *p, enum answer_class c)
{
    for (size_t i = 0; i < p->a->n; i++)
        if (p->a->cls[i] == c)
            return true;
    return false;
}

/* Where panel k of 3 sits, and the rows as guides without labels. */
static void frame(FILE *f, const struct plot *p, int k)
{
    static const double left[] = {0.14, 0.43, 0.77}, right[] = {0.39, 0.72, 0.97};
    fprintf(f, "set lmargin at screen %.2f\nset rmargin at screen %.2f\n"
            "set tmargin at screen 0.80\nset bmargin at screen 0.16\n", left[k], right[k]);
    double top = p->a->n ? p->y[p->order[p->a->n - 1]] : 0;
    fprintf(f, "set yrange [%g:-0.6]\nset ytics (", top + 0.6);
    for (size_t r = 0; r < p->a->n; r++)
        fprintf(f, "%s\"\" %g", r ? ", " : "", p->y[p->order[r]]);
    fputs(") scale 0\nset grid ytics lc rgb '#e4e4e4' lw 1\nunset arrow\n", f);
    if (!isnan(p->separator))
        fprintf(f, "set arrow from graph 0, first %g to graph 1, first %g nohead dt 2 lw 1.5 lc rgb '%s'\n",
                p->separator, p->separator, RED);
}

/* The strategies' names left of the first panel, the unsafe ones in red with a ✗. */
static void names(FILE *f, const struct plot *p)
{
    for (size_t r = 0; r < p->a->n; r++) {
        int i = p->order[r];
        bool unsafe = p->a->cls[i] == ANSWER_UNSAFE;
        char t[96];
        snprintf(t, sizeof t, "%s%s", p->fig[i].name, unsafe ? " ✗" : "");
        fputs("set label ", f);
        chart_quoted(f, t);
        fprintf(f, " at graph -0.03, first %g right tc rgb '%s'%s\n", p->y[i], unsafe ? RED : "#000000",
                (int)i == p->a->best ? " font ',12'" : "");
    }
    if (!isnan(p->separator)) {
        fputs("set label 'below the line: an invariant was violated' at graph 0.01, first ", f);
        fprintf(f, "%g left tc rgb '%s' font ',9'\n", p->separator + 0.27, RED);
    }
}

/* One horizontal bar per row of class c from column lo to column hi (0 for the axis). */
static void bars(FILE *f, bool *first, const char *cls, const char *lo, const char *hi, const char *style)
{
    fprintf(f, "%s $%s using (%s):1:(%s):(%s):($1-0.3):($1+0.3) with boxxyerror %s notitle",
            *first ? "plot" : ",", cls, lo, lo, hi, style);
    *first = false;
}

static void labels(FILE *f, const char *cls, const char *x, int col, const char *colour, double offset)
{
    fprintf(f, ", $%s using (%s):1:%d with labels left offset %g,0 tc rgb '%s' notitle", cls, x, col, offset,
            colour);
}

static double max_of(const struct plot *p, double (*get)(const struct answer *, const struct answer_figures *))
{
    double m = 0;
    for (size_t i = 0; i < p->a->n; i++) {
        double v = get(p->a, &p->fig[i]);
        m = isfinite(v) && v > m ? v : m;
    }
    return m;
}

static double get_goodput(const struct answer *a, const struct answer_figures *f)
{
    (void)a;
    return f->goodput;
}

static double get_units(const struct answer *a, const struct answer_figures *f)
{
    double v = (double)f->units_sold + (double)answer_unsold(f);
    return a->stock > v ? (double)a->stock : v;
}

static double get_p99(const struct answer *a, const struct answer_figures *f)
{
    (void)a;
    return f->p99_ms;
}

static void panel_goodput(FILE *f, const struct plot *p)
{
    fputs("set title 'Goodput: purchases that succeeded, per second'\nunset logscale x\n", f);
    fprintf(f, "set xrange [0:%.6g]\nset xtics auto nomirror\nset xlabel 'ok/s (higher is better)'\n",
            fmax(max_of(p, get_goodput) * 1.3, 1));
    names(f, p);
    bool first = true;
    static const char *solid = "fs solid 0.85 noborder lc rgb '" BLUE "'";
    static const char *hatched = "fs pattern 4 border lc rgb '" GREY "' lc rgb '" GREY "'";
    if (any(p, ANSWER_COMPLETE))
        bars(f, &first, "complete", "0", "$2", solid);
    if (any(p, ANSWER_LOSSY))
        bars(f, &first, "lossy", "0", "$2", solid);
    if (any(p, ANSWER_UNSAFE))
        bars(f, &first, "unsafe", "0", "$2", hatched);
    for (int c = ANSWER_COMPLETE; c <= ANSWER_UNSAFE; c++)
        if (any(p, (enum answer_class)c))
            labels(f, answer_class_name((enum answer_class)c), "$2", 7, c == ANSWER_UNSAFE ? RED : "#000000", 0.6);
    fputs("\nunset label\n", f);
}

static void panel_units(FILE *f, const struct plot *p)
{
    const struct answer *a = p->a;
    if (a->stock >= 0)
        fprintf(f, "set title 'Units sold of the %lld in stock; lost sales stacked'\n", (long long)a->stock);
    else
        fputs("set title 'Units sold; lost sales stacked'\n", f);
    fprintf(f, "set xrange [0:%.6g]\nset xtics auto nomirror\nset xlabel 'units'\n",
            fmax(max_of(p, get_units) * 1.55, 1));
    if (a->stock >= 0)
        fprintf(f, "set arrow from %lld, graph 0 to %lld, graph 1 nohead dt 3 lw 1.5 lc rgb '#000000'\n"
                "set label 'stock' at %lld, graph 1 left offset 0.4,-0.7\n", (long long)a->stock,
                (long long)a->stock, (long long)a->stock);
    bool first = true;
    if (any(p, ANSWER_COMPLETE))
        bars(f, &first, "complete", "0", "$3", "fs solid 0.85 noborder lc rgb '" BLUE "'");
    if (any(p, ANSWER_LOSSY)) {
        bars(f, &first, "lossy", "0", "$3", "fs solid 0.85 noborder lc rgb '" BLUE "'");
        bars(f, &first, "lossy", "$3", "$4", "fs solid 0.55 noborder lc rgb '" ORANGE "'");
    }
    if (any(p, ANSWER_UNSAFE)) {
        bars(f, &first, "unsafe", "0", "$3", "fs pattern 4 border lc rgb '" GREY "' lc rgb '" GREY "'");
        bars(f, &first, "unsafe", "$3", "$5", "fs solid 0.85 noborder lc rgb '" RED "'");
    }
    for (int c = ANSWER_COMPLETE; c <= ANSWER_UNSAFE; c++)
        if (any(p, (enum answer_class)c))
            labels(f, answer_class_name((enum answer_class)c), c == ANSWER_LOSSY ? "$4" : "$5", 8,
                   c == ANSWER_UNSAFE ? RED : c == ANSWER_LOSSY ? "#9a6a00" : "#000000", 0.6);
    fputs("\nunset label\n", f);
}

static void panel_p99(FILE *f, const struct plot *p)
{
    double hi = max_of(p, get_p99), lo = hi;
    for (size_t i = 0; i < p->a->n; i++)
        if (p->fig[i].p99_ms > 0 && p->fig[i].p99_ms < lo)
            lo = p->fig[i].p99_ms;
    if (!(lo > 0))
        lo = hi = 1;
    fputs("set title 'p99 purchase latency (lower is better)'\nset logscale x\n", f);
    fprintf(f, "set xrange [%.6g:%.6g]\nset xlabel 'log scale'\n", lo / 2.5, hi * 12);
    chart_ms_tics(f, "x");
    bool first = true;
    for (int c = ANSWER_COMPLETE; c <= ANSWER_UNSAFE; c++) {
        if (!any(p, (enum answer_class)c))
            continue;
        const char *colour = c == ANSWER_UNSAFE ? GREY : BLUE;
        fprintf(f, "%s $%s using 6:1 with points pt %d ps 1.8 lc rgb '%s' notitle", first ? "plot" : ",",
                answer_class_name((enum answer_class)c), c == ANSWER_UNSAFE ? 6 : 7, colour);
        labels(f, answer_class_name((enum answer_class)c), "$6", 9, c == ANSWER_UNSAFE ? RED : "#000000", 1.3);
        first = false;
    }
    fputc('\n', f);
}

static void body(FILE *f, const void *data)
{
    const struct plot *p = data;
    for (int c = ANSWER_COMPLETE; c <= ANSWER_UNSAFE; c++)
        block(f, p, (enum answer_class)c);
    char headline[1024];
    answer_headline(p->a, p->fig, headline, sizeof headline);
    fputs("set multiplot\nset label ", f);
    chart_quoted(f, p->title);
    fputs(" at screen 0.5, screen 0.965 center font ',14'\nset label ", f);
    chart_quoted(f, headline);
    fprintf(f, " at screen 0.5, screen 0.915 center font ',12' tc rgb '%s'\n", p->a->best >= 0 ? BLUE : RED);
    fputs("set label 'blue: kept every invariant  ·  orange: sales lost while units were left  ·  red: sold "
          "beyond the stock  ·  hatched grey, below the red line: an invariant was violated' "
          "at screen 0.5, screen 0.03 center font ',10' tc rgb '#444444'\n", f);
    fputs("set border 3\nset key off\nset grid xtics lc rgb '#e4e4e4'\n", f);
    frame(f, p, 0);
    panel_goodput(f, p);
    frame(f, p, 1);
    panel_units(f, p);
    frame(f, p, 2);
    panel_p99(f, p);
    fputs("unset multiplot\n", f);
}

enum chart_status compare_chart_draw(const char *path, bool force, const char *title,
                                     const struct answer *a, const struct answer_figures *fig,
                                     char *err, size_t errlen)
{
    struct plot p = {.a = a, .fig = fig, .title = title};
    layout(&p);
    int height = 300 + 44 * (int)a->n;
    return chart_render(path, force, body, &p, 1500, height < 560 ? 560 : height, err, errlen);
}
