/* report_md.h — one run's report as Markdown (--format=md), for a pull request or a wiki. */
#ifndef RACESIM_REPORT_MD_H
#define RACESIM_REPORT_MD_H

#include <stdio.h>

#include "run.h"

/* Writes r as Markdown: a title, the server and its durability, the outcomes, the figures and
 * the invariants as tables, and the verdict. Returns 0, or -1 when a table ran out of memory. */
int report_write_md(FILE *f, const struct run_report *r);

#endif
