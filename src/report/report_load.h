/* report_load.h — the load model in a report: open-loop rate and backlog, time, warmup, intervals. */
#ifndef RACESIM_REPORT_LOAD_H
#define RACESIM_REPORT_LOAD_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "result.h"

/* Whether r ran with any of --rate, --time, --warmup, --report-interval. */
bool report_load_used(const struct run_report *r);

/* The purchases per second achieved (over the measured wall time). */
double report_load_achieved(const struct run_report *r);

/* What the buyers were asked to do, for a title: "× 3 purchases", "for 10 s", "serving 40
 * arrivals at 200/s", "serving 200/s for 10 s". Never fails (truncates to n). */
void report_load_work(const struct run_report *r, char *out, size_t n);

/* Writes the load lines of the text report (nothing when report_load_used is false). */
void report_load_text(FILE *f, const struct run_report *r);

/* With --rate, the CSV's load columns after the others: the header's names (",rate_asked,
 * rate_achieved,backlog_end,intended_p50_ms,intended_p99_ms,service_p50_ms,service_p99_ms") and
 * a run's values; nothing without --rate. Never fail. */
void report_load_csv_header(FILE *f, const struct run_report *r);
void report_load_csv_row(FILE *f, const struct run_report *r);

/* The "load" object of the JSON report: the rate asked and achieved, the backlog at the end,
 * the time and warmup, the intervals. NULL when report_load_used is false or out of memory. */
cJSON *report_load_json(const struct run_report *r);

#endif
