/* report_nodes.h — a cluster run in a report: purchases, errors and lost sales per node. */
#ifndef RACESIM_REPORT_NODES_H
#define RACESIM_REPORT_NODES_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "result.h"

/* Writes one line per node of a cluster run (nothing when r ran on one server). */
void report_nodes_text(FILE *f, const struct run_report *r);

/* The "nodes" array of the JSON report: per node its purchases, ok, errors (purchases ended by
 * a server outcome) and lost sales. NULL when r ran on one server, or out of memory. */
cJSON *report_nodes_json(const struct run_report *r);

#endif
