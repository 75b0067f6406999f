/* html_compare.h — compare as one self-contained web page (--html): the table, the answer in
 * words and the chart as inline SVG drawn by racesim. */
#ifndef RACESIM_HTML_COMPARE_H
#define RACESIM_HTML_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "answer.h"
#include "table.h"

/* Writes compare's page to path (--html=FILE) the way output.h writes a report (a temp file
 * renamed into place, an existing file replaced only with force): title and sub as the heading,
 * the answer a over fig in words, the table t (row i is fig[i]) and a chart per strategy of
 * goodput, units sold (oversold and lost sales marked) and p99, the unsafe ones marked.
 * Returns 0, or 2 with one line in err. */
int html_compare_write_file(const char *path, bool force, const char *title, const char *sub,
                            const struct table *t, const struct answer *a,
                            const struct answer_figures *fig, char *err, size_t errlen);

#endif
