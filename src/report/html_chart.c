/* html_chart.c — a line chart as inline SVG (sweep's goodput, lost sales and p99 per strategy
 * across buyer counts), and sweep's page around it. */
#include "html_chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "html_parts.h"

#define W 1240
#define PANEL_W 400
#define PLOT_X 70       /* the plot's left edge inside its panel (y labels before it) */
#define PLOT_W 310
#define PLOT_Y 50
#define PLOT_H 250

static const char sweep_css[] =
    "#chart svg { width: 100%; height: auto; max-height: 70vh; }\n"
    "#chart text { font-size: 17px; fill: var(--ink); font-family: inherit; }\n"
    "#chart .title { font-weight: bold; font-size: 20px; }\n"
    "#chart .axis { stroke: var(--ink); stroke-width: 2; }\n"
    "#chart .grid { stroke: #ccc; stroke-width: 1; }\n"
    "#chart polyline { fill: none; stroke-width: 4; }\n"
    "#chart .unsafe polyline { stroke-dasharray: 10 6; }\n"
    "#chart .unsafe text { fill: var(--bad); font-weight: bold; }\n"
    ".tables { display: flex; flex-wrap: wrap; gap: 0.5rem 2rem; }\n"
    ".tables table { border-collapse: collapse; font-size: 0.95rem; }\n"
    ".tables th, .tables td { padding: 0.1rem 0.5rem; border-bottom: 2px solid #bbb; }\n"
    ".tables .num { text-align: right; }\n"
    ".tables h2 { font-size: 1.05rem; margin: 0.4rem 0 0.1rem; }\n";

/* "12", "1.5k", "0.25": a tick label. */
static void tick(double v, bool ms, char *buf, size_t n)
{
    if (ms && v >= 1000)
        snprintf(buf, n, "%g s", v / 1000);
    else if (v >= 10000)
        snprintf(buf, n, "%gk", v / 1000);
    else
        snprintf(buf, n, "%g%s", v, ms ? " ms" : "");
}

/* A round step for about 4 ticks up to max. */
static double step_for(double max)
{
    double raw = max / 4, mag = pow(10, floor(log10(raw)));
    double r = raw / mag;
    return (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
}

struct scale {
    double x_lo, x_hi, y_lo, y_hi;
    bool logy;
};

static double sx(const struct scale *s, double x)
{
    if (s->x_hi <= s->x_lo)
        return PLOT_W / 2.0;
    return (log(x) - log(s->x_lo)) / (log(s->x_hi) - log(s->x_lo)) * PLOT_W;
}

static double sy(const struct scale *s, double y)
{
    double f = s->logy ? (log(y) - log(s->y_lo)) / (log(s->y_hi) - log(s->y_lo)) : (y - s->y_lo) / (s->y_hi - s->y_lo);
    return PLOT_Y + PLOT_H - f * PLOT_H;
}

static bool drawable(const struct scale *s, double y)
{
    return isfinite(y) && (!s->logy || y > 0);
}

static void panel(FILE *f, const struct chart *c, size_t k)
{
    const struct chart_panel *p = &c->panel[k];
    struct scale s = {INFINITY, 0, p->logy ? INFINITY : 0, 0, p->logy};
    for (size_t i = 0; i < c->n_series; i++)
        for (size_t j = 0; j < c->series[i].n; j++) {
            double x = c->series[i].x[j], y = c->series[i].y[k][j];
            s.x_lo = x > 0 && x < s.x_lo ? x : s.x_lo;
            s.x_hi = x > s.x_hi ? x : s.x_hi;
            if (drawable(&s, y)) {
                s.y_hi = y > s.y_hi ? y : s.y_hi;
                s.y_lo = p->logy && y < s.y_lo ? y : s.y_lo;
            }
        }
    if (!(s.y_hi > 0))
        s.y_hi = 1;
    if (p->logy) {
        s.y_lo = isfinite(s.y_lo) ? pow(10, floor(log10(s.y_lo))) : 1;
        s.y_hi = pow(10, ceil(log10(s.y_hi)));
        if (s.y_hi <= s.y_lo)
            s.y_hi = s.y_lo * 10;
    } else {
        s.y_hi = ceil(s.y_hi / step_for(s.y_hi)) * step_for(s.y_hi);
    }
    fprintf(f, "<g class=\"panel\" transform=\"translate(%zu,0)\">\n<text class=\"title\" x=\"%d\" y=\"24\">",
            k * PANEL_W, PLOT_X - 60);
    html_escape(f, p->title);
    fputs("</text>\n", f);
    char b[32];
    if (p->logy) {
        for (double v = s.y_lo; v <= s.y_hi * 1.001; v *= 10) {
            tick(v, p->ms, b, sizeof b);
            fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    PLOT_X, sy(&s, v), PLOT_X + PLOT_W, sy(&s, v), PLOT_X - 10, sy(&s, v) + 6, b);
        }
    } else {
        double st = step_for(s.y_hi);
        for (double v = 0; v <= s.y_hi * 1.001; v += st) {
            tick(v, p->ms, b, sizeof b);
            fprintf(f, "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                    "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    PLOT_X, sy(&s, v), PLOT_X + PLOT_W, sy(&s, v), PLOT_X - 10, sy(&s, v) + 6, b);
        }
    }
    fprintf(f, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
            "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
            PLOT_X, PLOT_Y, PLOT_X, PLOT_Y + PLOT_H, PLOT_X, PLOT_Y + PLOT_H, PLOT_X + PLOT_W, PLOT_Y + PLOT_H);
    if (c->n_series)        /* the x ticks: the first series' buyer counts */
        for (size_t j = 0; j < c->series[0].n; j++)
            fprintf(f, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%g</text>\n",
                    PLOT_X + sx(&s, c->series[0].x[j]), PLOT_Y + PLOT_H + 22, c->series[0].x[j]);
    fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">", PLOT_X + PLOT_W / 2, PLOT_Y + PLOT_H + 46);
    html_escape(f, c->xlabel);
    fputs("</text>\n", f);
    for (size_t i = 0; i < c->n_series; i++) {
        const struct chart_series *cs = &c->series[i];
        const char *col = chart_colour(cs->colour);
        fprintf(f, "<g class=\"series%s\" data-strategy=\"", cs->unsafe ? " unsafe" : "");
        html_escape(f, cs->name);
        fprintf(f, "\" style=\"stroke: %s; fill: %s\"><polyline points=\"", col, col);
        for (size_t j = 0; j < cs->n; j++)
            if (drawable(&s, cs->y[k][j]))
                fprintf(f, "%.1f,%.1f ", PLOT_X + sx(&s, cs->x[j]), sy(&s, cs->y[k][j]));
        fputs("\"/>\n", f);
        for (size_t j = 0; j < cs->n; j++) {
            if (!drawable(&s, cs->y[k][j]))
                continue;
            double x = PLOT_X + sx(&s, cs->x[j]), y = sy(&s, cs->y[k][j]);
            if (cs->unsafe)       /* a cross where an invariant was violated */
                fprintf(f, "<path class=\"point\" d=\"M%.1f %.1fl12 12m0 -12l-12 12\" style=\"stroke-width: 4\"/>\n",
                        x - 6, y - 6);
            else
                fprintf(f, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"6\"/>\n", x, y);
        }
        fputs("</g>\n", f);
    }
    fputs("</g>\n", f);
}

void html_chart_svg(FILE *f, const struct chart *c)
{
    size_t np = c->n_panels ? c->n_panels : 2;
    int legend_y = PLOT_Y + PLOT_H + 80, h = legend_y + 10 + 28 * (int)((c->n_series + 3) / 4);
    fprintf(f, "<div id=\"chart\"><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", W, h);
    for (size_t k = 0; k < np; k++) {
        fputs(k ? ", " : "", f);
        html_escape(f, c->panel[k].title);
    }
    fputs(" per strategy\">\n", f);
    for (size_t k = 0; k < np; k++)
        panel(f, c, k);
    for (size_t i = 0; i < c->n_series; i++) {
        const struct chart_series *cs = &c->series[i];
        int x = 20 + (int)(i % 4) * 300, y = legend_y + 28 * (int)(i / 4);
        fprintf(f, "<g class=\"legend%s\" style=\"stroke: %s\"><polyline points=\"%d,%d %d,%d\"/>"
                "<text x=\"%d\" y=\"%d\" style=\"stroke: none\">%s", cs->unsafe ? " unsafe" : "", chart_colour(cs->colour),
                x, y - 6, x + 40, y - 6, x + 48, y, cs->unsafe ? "✗ " : "");
        html_escape(f, cs->name);
        fprintf(f, "%s</text></g>\n", cs->unsafe ? " (unsafe)" : "");
    }
    fputs("</svg></div>\n", f);
}

struct sweep_page {
    const char *title, *sub;
    const struct chart *c;
    const struct table *t;
    const char *const *caption;
    size_t n;
};

static int write_page(FILE *f, const void *data)
{
    const struct sweep_page *p = data;
    const char *title = p->title, *sub = p->sub;
    const struct chart *c = p->c;
    const struct table *t = p->t;
    const char *const *caption = p->caption;
    size_t n = p->n;
    html_head(f, title, sweep_css);
    fputs("<header>\n<h1>", f);
    html_escape(f, title);
    fputs("</h1>\n<p class=\"sub\">", f);
    html_escape(f, sub);
    fputs("</p>\n</header>\n<main>\n", f);
    html_chart_svg(f, c);
    fputs("<div class=\"tables\">\n", f);
    for (size_t i = 0; i < n; i++) {
        char id[32];
        snprintf(id, sizeof id, "table%zu", i + 1);
        fputs("<div><h2>", f);
        html_escape(f, caption[i]);
        fputs("</h2>\n", f);
        html_table(f, &t[i], id, NULL);
        fputs("</div>\n", f);
    }
    fputs("</div>\n</main>\n", f);
    html_close(f, "racesim " RACESIM_VERSION " sweep · the chart drawn by racesim");
    return ferror(f) ? -1 : 0;
}

int html_sweep_write_file(const char *path, bool force, const char *title, const char *sub,
                          const struct chart *c, const struct table *t, const char *const *caption,
                          size_t n, char *err, size_t errlen)
{
    struct sweep_page p = {title, sub, c, t, caption, n};
    return html_write_file(path, force, write_page, &p, err, errlen);
}
