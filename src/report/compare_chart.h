/* compare_chart.h — compare's chart: goodput, units sold (lost sales stacked) and p99 per strategy,
 * the unsafe ones hatched below a line, the answer under the title. */
#ifndef RACESIM_COMPARE_CHART_H
#define RACESIM_COMPARE_CHART_H

#include <stddef.h>

#include "answer.h"
#include "chart.h"

/* Draws the answer a over fig (a->n strategies) into path (.png or .svg) with gnuplot, titled
 * title; an existing file at path is replaced only with force. Returns as chart_draw: CHART_NO_GNUPLOT and CHART_FAILED leave one line in err. */
enum chart_status compare_chart_draw(const char *path, bool force, const char *title,
                                     const struct answer *a, const struct answer_figures *fig,
                                     char *err, size_t errlen);

#endif
