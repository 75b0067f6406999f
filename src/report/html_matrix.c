/* html_matrix.c — matrix as one self-contained web page: the grid of strategies by isolation
 * levels as inline SVG, each cell coloured by its verdict, and the table under it. */
#include "html_matrix.h"

#include <stdio.h>

#include "config.h"
#include "html_parts.h"

#define W 1240
#define NAME_W 220
#define CELL_H 84
#define TOP 64

static const char matrix_css[] =
    "#grid svg { width: 100%; height: auto; max-height: 75vh; }\n"
    "#grid text { font-size: 20px; fill: var(--ink); font-family: inherit; }\n"
    "#grid .head { font-weight: bold; font-size: 21px; }\n"
    "#grid .name { font-weight: bold; font-size: 22px; }\n"
    "#grid .cell.correct rect { fill: var(--ok-bg); stroke: var(--ok); }\n"
    "#grid .cell.correct .l1 { fill: var(--ok); }\n"
    "#grid .cell.anomaly rect { fill: var(--bad); stroke: var(--bad); }\n"
    "#grid .cell.anomaly text { fill: #fff; }\n"
    "#grid .cell.not-run rect { fill: #eee; stroke: #999; }\n"
    "#grid rect { stroke-width: 3; }\n"
    "#grid .l1 { font-weight: bold; font-size: 24px; }\n"
    "#grid .l2 { font-size: 16px; }\n"
    "#table { border-collapse: collapse; font-size: 0.9rem; margin-top: 0.5rem; }\n"
    "#table th, #table td { padding: 0.1rem 0.5rem; border-bottom: 2px solid #bbb; text-align: left; }\n";

static const char *verdict_class(enum grid_verdict v)
{
    return v == GRID_CORRECT ? "correct" : v == GRID_ANOMALY ? "anomaly" : "not-run";
}

static void write_grid(FILE *f, const struct grid *g)
{
    double cw = g->n_cols ? (double)(W - NAME_W) / (double)g->n_cols : W - NAME_W;
    int h = TOP + CELL_H * (int)g->n_rows + 4;
    fprintf(f, "<div id=\"grid\"><svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"each strategy at each "
            "isolation level: every interleaving of 2 buyers\">\n", W, h);
    for (size_t c = 0; c < g->n_cols; c++) {
        fprintf(f, "<text class=\"head\" x=\"%.1f\" y=\"40\" text-anchor=\"middle\">", NAME_W + cw * ((double)c + 0.5));
        html_escape(f, g->cols[c]);
        fputs("</text>\n", f);
    }
    for (size_t r = 0; r < g->n_rows; r++) {
        fprintf(f, "<text class=\"name\" x=\"10\" y=\"%d\">", TOP + CELL_H * (int)r + CELL_H / 2 + 8);
        html_escape(f, g->rows[r]);
        fputs("</text>\n", f);
    }
    for (size_t i = 0; i < g->n_cells; i++) {
        const struct grid_cell *c = &g->cells[i];
        double x = NAME_W + cw * (double)c->col;
        int y = TOP + CELL_H * (int)c->row;
        fprintf(f, "<g class=\"cell %s\" data-row=\"%zu\" data-col=\"%zu\"><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
                "height=\"%d\" rx=\"6\"/><text class=\"l1\" x=\"%.1f\" y=\"%d\">", verdict_class(c->verdict), c->row,
                c->col, x + 3, y + 3, cw - 6, CELL_H - 6, x + 12, y + 36);
        html_escape(f, c->line1);
        fprintf(f, "</text><text class=\"l2\" x=\"%.1f\" y=\"%d\">", x + 12, y + 64);
        html_escape(f, c->line2);
        fputs("</text></g>\n", f);
    }
    fputs("</svg></div>\n", f);
}

struct matrix_page {
    const char *title, *sub;
    const struct grid *g;
    const struct table *t;
};

static int write_page(FILE *f, const void *data)
{
    const struct matrix_page *p = data;
    html_head(f, p->title, matrix_css);
    html_header(f, p->title, p->sub);
    write_grid(f, p->g);
    html_table(f, p->t, "table", NULL);
    fputs("</main>\n", f);
    html_close(f, "racesim " RACESIM_VERSION " matrix · green: every invariant held in every schedule; red: "
               "some schedule broke one");
    return ferror(f) ? -1 : 0;
}

int html_matrix_write_file(const char *path, bool force, const char *title, const char *sub,
                           const struct grid *g, const struct table *t, char *err, size_t errlen)
{
    struct matrix_page p = {title, sub, g, t};
    return html_write_file(path, force, write_page, &p, err, errlen);
}
