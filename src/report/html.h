/* html.h — one run as a self-contained web page (--html): for a projector in a classroom. */
#ifndef RACESIM_HTML_H
#define RACESIM_HTML_H

#include <stdio.h>

#include "result.h"

#define HTML_LANES_MAX 8           /* buyers drawn as lanes; the others only counted */

/* Writes r as one HTML page to f: no request leaves it (inline CSS and script, a
 * Content-Security-Policy that forbids any fetch). The verdict, the explanation and the
 * invariants are written as HTML; the lanes, the watched row and the latency histogram are
 * drawn by the page's script from the trace's events (trace_json_array) and the JSON report,
 * embedded as data. Returns 0, or -1 when out of memory or the write failed. */
int report_write_html(FILE *f, const struct run_report *r);

#endif
