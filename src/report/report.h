/* report.h — the run's report as text (with a terminal histogram), JSON or CSV. */
#ifndef RACESIM_REPORT_H
#define RACESIM_REPORT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>

#include "cli.h"
#include "result.h"

/* A run's headline figures: purchases/s, ok/s and purchase latency percentiles in ms. */
struct run_figures {
    double throughput, goodput;
    double p50_ms, p90_ms, p99_ms, p999_ms, max_ms;
};

/* Fills fig from r's counters and purchase latency histogram. */
void report_figures(const struct run_report *r, struct run_figures *fig);

/* The verdict of r in words, read off its trace ("" without one, or when r was cut short). */
void report_explanation(const struct run_report *r, char *out, size_t outlen);

/* The isolation level r ran at: the strategy's own @isolation, else --isolation, else
 * "server default". */
const char *report_isolation(const struct run_report *r);

/* r as the JSON object `racesim --format=json` prints (without the trace). Free with
 * cJSON_Delete; NULL when out of memory. */
cJSON *report_json(const struct run_report *r);

/* Checks that o's --threshold names are metrics or invariants of sc (or agreement). Returns 0,
 * or 2 with one line in err. */
int report_check_threshold_names(const struct options *o, const struct scenario *sc, char *err,
                                 size_t errlen);

/* Evaluates o's --threshold limits on r into out (at most max); *failed gets how many did
 * not pass. Returns how many results (0 without thresholds). */
size_t report_thresholds(const struct run_report *r, const struct options *o,
                         struct threshold_result *out, size_t max,
                         size_t *failed);

/* The CSV report's header line, and r's row under it (runs of one scenario share the header). */
void report_csv_header(FILE *f, const struct run_report *r);
void report_csv_row(FILE *f, const struct run_report *r);

/* Checks before a run that --out and --trace=FILE can be written (output_check: the folder exists
 * and is writable, the target is no folder or link, an existing file only with --force) and are
 * not the same file. Returns 0, or 2 with the reason in err. */
int report_check_out(const struct options *o, char *err, size_t errlen);

/* Writes r in o->format to o->out (a temp file renamed into place) or stdout. Returns 0, or 2
 * with the reason in err. */
int report_write(const struct run_report *r, const struct options *o, char *err, size_t errlen);

#endif
