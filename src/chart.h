/* chart.h — charts drawn by gnuplot: a generated script, gnuplot run as a child process. */
#ifndef RACESIM_CHART_H
#define RACESIM_CHART_H

#include <stdbool.h>
#include <stddef.h>

#define CHART_POINTS_MAX 64
#define CHART_SERIES_MAX 64

/* One strategy: its points in both panels (median y, and the lo..hi range drawn as error bars
 * when lo < hi). */
struct chart_series {
    char name[64];
    int colour;                  /* fixed per strategy (chart.c's palette, wrapping) */
    bool unsafe;                 /* an invariant was violated: drawn dashed, named "(unsafe)" */
    size_t n;
    double x[CHART_POINTS_MAX];
    double y[2][CHART_POINTS_MAX], lo[2][CHART_POINTS_MAX], hi[2][CHART_POINTS_MAX];
};

struct chart_panel {
    char title[128];
    char ylabel[64];
};

enum chart_kind {
    CHART_BARS,                  /* one bar per series (its first point) per panel */
    CHART_LINES,                 /* one line per series over x, log x axis */
};

struct chart {
    enum chart_kind kind;
    char title[256];
    char xlabel[64];             /* CHART_LINES */
    struct chart_panel panel[2];
    struct chart_series series[CHART_SERIES_MAX];
    size_t n_series;
};

enum chart_status { CHART_DRAWN = 0, CHART_NO_GNUPLOT = 1, CHART_FAILED = 2 };

/* Draws c into path (.svg or .png) with the gnuplot found in PATH: gnuplot writes into a private
 * temp folder, then the chart is put at path like any report (output.h; an existing file is
 * replaced only with force, a device or FIFO written into). CHART_NO_GNUPLOT and CHART_FAILED
 * leave one line in err. */
enum chart_status chart_draw(const struct chart *c, const char *path, bool force, char *err,
                             size_t errlen);

/* path with its extension replaced by .csv: where the chart's data goes. */
void chart_csv_path(const char *path, char *out, size_t outlen);

/* Before any run: refuses (2, one line in err) a chart or chart data file that cannot be written
 * (output_check: no such folder, a folder, a link, an existing file without force), and a report
 * (--out=out) that would land on the chart's data. */
int chart_check_paths(const char *path, const char *out, bool force, char *err, size_t errlen);

#endif
