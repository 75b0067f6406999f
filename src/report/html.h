/* html.h — one run as a self-contained web page (--html): for a projector in a classroom. */
#ifndef RACESIM_HTML_H
#define RACESIM_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "result.h"

#define HTML_LANES_MAX 8           /* buyers drawn as lanes; the others only counted */

/* Writes r as one HTML page to f: no request leaves it (inline CSS and script, a
 * Content-Security-Policy that forbids any fetch). The verdict, the explanation and the
 * invariants are written as HTML; the lanes, the watched row and the latency histogram are
 * drawn by the page's script from the trace's events (trace_json_array) and the JSON report,
 * embedded as data. Returns 0, or -1 when out of memory or the write failed. */
int report_write_html(FILE *f, const struct run_report *r);

/* Writes r's page to path (--html=FILE) the way output.h writes a report: a temp file renamed
 * into place, an existing file replaced only when force. Returns 0, or 2 with one line in err. */
int report_write_html_file(const struct run_report *r, const char *path, bool force, char *err,
                           size_t errlen);

#endif
