/* html_chart.h — a line chart (struct chart, as gnuplot draws it for sweep) as inline SVG, and
 * sweep's page around it. */
#ifndef RACESIM_HTML_CHART_H
#define RACESIM_HTML_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "chart.h"
#include "table.h"

/* Writes c as one <svg>: a panel per c->panel side by side, x on a log scale, each series a
 * polyline (dashed when unsafe) with a point per x, a legend below. */
void html_chart_svg(FILE *f, const struct chart *c);

/* Writes sweep's page to path (--html=FILE) as output.h writes a report: title and sub as the
 * heading, the chart c, then the n tables t, each under its caption. Returns 0, or 2 with one
 * line in err. */
int html_sweep_write_file(const char *path, bool force, const char *title, const char *sub,
                          const struct chart *c, const struct table *t, const char *const *caption,
                          size_t n, char *err, size_t errlen);

#endif
