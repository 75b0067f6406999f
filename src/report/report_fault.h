/* report_fault.h — a --fault run in a report: which node was killed, when, and what was kept. */
#ifndef RACESIM_REPORT_FAULT_H
#define RACESIM_REPORT_FAULT_H

#include <stdio.h>

#include <cjson/cJSON.h>

#include "result.h"

/* Writes the fault's lines (nothing when r ran without --fault). */
void report_fault_text(FILE *f, const struct run_report *r);

/* The "fault" object of the JSON report; NULL without --fault, or out of memory. */
cJSON *report_fault_json(const struct run_report *r);

#endif
