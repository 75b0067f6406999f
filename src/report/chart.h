/* chart.h — charts drawn by gnuplot: a generated script, gnuplot run as a child process; line charts. */
#ifndef RACESIM_CHART_H
#define RACESIM_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CHART_POINTS_MAX 64
#define CHART_SERIES_MAX 64
#define CHART_PANELS_MAX 3

/* One strategy: its points in each panel (median y, and the lo..hi range drawn as error bars
 * when lo < hi). */
struct chart_series {
    char name[64];
    int colour;                  /* fixed per strategy (chart.c's palette, wrapping) */
    bool unsafe;                 /* an invariant was violated: dashed, crosses, named "✗ unsafe" */
    size_t n;
    double x[CHART_POINTS_MAX];
    double y[CHART_PANELS_MAX][CHART_POINTS_MAX], lo[CHART_PANELS_MAX][CHART_POINTS_MAX],
        hi[CHART_PANELS_MAX][CHART_POINTS_MAX];
};

struct chart_panel {
    char title[128];
    char ylabel[64];
    bool logy;                   /* log y axis (0 is then missing); else linear from 0 */
    bool ms;                     /* y is milliseconds: tics in human units ("10 ms", "1 s") on a log axis */
};

struct chart {
    char title[512];
    char xlabel[64];
    struct chart_panel panel[CHART_PANELS_MAX];
    size_t n_panels;             /* 2 when 0 */
    struct chart_series series[CHART_SERIES_MAX];
    size_t n_series;
};

/* The colour a series of this colour number is drawn in ("#0072B2"): the same in gnuplot and SVG. */
const char *chart_colour(int colour);

enum chart_status { CHART_DRAWN = 0, CHART_NO_GNUPLOT = 1, CHART_FAILED = 2 };

/* Draws c into path (.svg or .png) with the gnuplot found in PATH: gnuplot writes into a private
 * temp folder, then the chart is put at path like any report (output.h; an existing file is
 * replaced only with force, a device or FIFO written into). CHART_NO_GNUPLOT and CHART_FAILED
 * leave one line in err. */
enum chart_status chart_draw(const struct chart *c, const char *path, bool force, char *err,
                             size_t errlen);

/* Writes the gnuplot commands of a chart after its terminal and output are set. */
typedef void chart_body_fn(FILE *f, const void *data);

/* Draws what fn(f, data) writes into path (.svg or .png, width x height pixels), as chart_draw. */
enum chart_status chart_render(const char *path, bool force, chart_body_fn *fn, const void *data,
                               int width, int height, char *err, size_t errlen);

/* s as a gnuplot single-quoted string: '' stands for ' and nothing else is special. */
void chart_quoted(FILE *f, const char *s);

/* gnuplot's tics for a log axis ("x" or "y") in milliseconds, named in human units: "1 ms", "1 s". */
void chart_ms_tics(FILE *f, const char *axis);

/* path with its extension replaced by .csv: where the chart's data goes. */
void chart_csv_path(const char *path, char *out, size_t outlen);

/* Before any run: refuses (2, one line in err) a chart or chart data file that cannot be written
 * (output_check: no such folder, a folder, a link, an existing file without force), and a report
 * (--out=out) that would land on the chart's data. */
int chart_check_paths(const char *path, const char *out, bool force, char *err, size_t errlen);

#endif
