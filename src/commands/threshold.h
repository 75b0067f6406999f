/* threshold.h — absolute limits on a result, k6-style (--threshold='p99<200ms'): parsed, then
 * evaluated on run reports as JSON. Pure: no I/O but the FILE a caller hands in. */
#ifndef RACESIM_THRESHOLD_H
#define RACESIM_THRESHOLD_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define THRESHOLDS_MAX 16

enum threshold_op { THRESHOLD_LT, THRESHOLD_LE, THRESHOLD_GT, THRESHOLD_GE, THRESHOLD_EQ, THRESHOLD_NE };

/* What a metric measures, which says its unit. */
enum threshold_kind {
    THRESHOLD_LATENCY,           /* purchase latency percentile, in ms (200ms, 0.2s, 500us) */
    THRESHOLD_RATE,              /* per second (500, 500/s) */
    THRESHOLD_COUNT,             /* purchases (lost_sales, retries) */
    THRESHOLD_INVARIANT          /* any other name: an invariant of the scenario, its value */
};

struct threshold {
    char text[96];               /* as given: "p99<200ms" */
    char metric[48];             /* "p99", "goodput", "oversell" */
    enum threshold_kind kind;
    enum threshold_op op;
    double limit;                /* in the metric's unit: ms, per second, a count */
};

/* Parses "METRIC OP NUMBER[UNIT]" (OP one of < <= > >= == !=; metrics p50 p90 p99 p999 max
 * mean (latency: ms, s or us, ms when bare), throughput goodput (per second, "/s" allowed),
 * lost_sales retries (counts), or an invariant's name (a count)). Returns 0 with *t, or 2 with
 * one line in err naming the threshold and what is wrong. An invariant's name is checked
 * against the scenario later (threshold_check_names). */
int threshold_parse(const char *text, struct threshold *t, char *err, size_t errlen);

/* Whether value satisfies t. */
bool threshold_holds(const struct threshold *t, double value);

/* Checks that every invariant-kind threshold names one of names[0..n). Returns 0, or 2 with one
 * line in err listing the metrics and the invariants there are. */
int threshold_check_names(const struct threshold *t, size_t nt, const char *const *names, size_t n,
                          char *err, size_t errlen);

/* The invariant names found in the run reports of runs (a JSON array), at most max, into names
 * (pointers into runs). Returns how many. */
size_t threshold_invariant_names(const cJSON *runs, const char **names, size_t max);

/* One threshold on one group of runs (a strategy at a buyer count, its repeats). */
struct threshold_result {
    const struct threshold *t;
    char group[160];             /* "atomic/50" */
    double value;                /* latency and rates: the median of the repeats; counts and
                                    invariants: the worst (largest) */
    size_t n;                    /* runs it is over */
    bool known;                  /* false: an invariant that was not checked (server lost) */
    bool passed;                 /* known and holds */
};

/* Evaluates every threshold on every group of the run reports in runs (a JSON array of report
 * objects; runs grouped by scenario, strategy, buyers, isolation). Returns how many results
 * were written to out (at most max); *failed gets how many did not pass. */
size_t threshold_evaluate(const struct threshold *t, size_t nt, const cJSON *runs,
                          struct threshold_result *out, size_t max, size_t *failed);

/* Writes the results as text: a header line, then "  ✓ p99<200ms  atomic/50: p99 4.21 ms"
 * per result (md: a Markdown list). Nothing when n is 0. */
void threshold_write_text(FILE *f, const struct threshold_result *r, size_t n, bool md);

/* The results as a JSON array [{"threshold", "metric", "group", "value", "runs", "passed"}]. */
cJSON *threshold_json(const struct threshold_result *r, size_t n);

/* err gets "2 thresholds failed: p99<200ms (atomic/50) ..." , or "" when every one passed. */
void thresholds_failed_message(const struct threshold_result *r, size_t n, char *err, size_t errlen);

#endif
