/* summary.h — one run in a few words, for the tables of compare, sweep and matrix. */
#ifndef RACESIM_SUMMARY_H
#define RACESIM_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "result.h"

/* A latency for a narrow column: "0.43ms", "12.1ms", "115ms", "2.29s", "28.2s". */
const char *summary_ms(double ms, char *buf, size_t n);

/* The failed purchases by cause, most first: "181 out_of_stock, 3 deadlock"; when that is wider
 * than budget columns, the causes that do not fit are summed up as "+N". "0" when none failed. */
void summary_failures(const struct run_report *r, int budget, char *buf, size_t n);

/* One ✓ or ✗ per invariant, in the scenario's order: "✓✓✗✓". */
void summary_marks(const struct run_report *r, char *buf, size_t n);

/* The violated invariants: "lost_update" (with_values: "lost_update 12"), joined by ", ";
 * "" when every invariant holds. */
void summary_anomalies(const struct run_report *r, bool with_values, char *buf, size_t n);

/* The server error seen most often, and whether the strategy retries the outcome it maps to.
 * Returns false when there was none. */
bool summary_dominant_error(const struct run_report *r, struct error_id *id, uint64_t *count, bool *retried);

/* A run as a matrix cell: "✓", "✗ lost_update", "✓ (CODE ×1, retried)". */
void summary_cell(const struct run_report *r, char *buf, size_t n);

/* The scenario's parameters as resolved: "stock=5000 products=1 qty=1..30 ...". */
void summary_params(const struct run_report *r, char *buf, size_t n);

/* Prints lead then text, wrapped at width columns under a hanging indent (the lead's width). */
void summary_wrapped(FILE *f, const char *lead, const char *text, int width);

/* The lines under a command's title: server, version, and the invariants' names in order. */
void summary_header(FILE *f, const struct run_report *r);

#endif
