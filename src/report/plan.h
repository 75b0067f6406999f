/* plan.h — --dry-run: what a command would run, one line a run, printed instead of running. */
#ifndef RACESIM_PLAN_H
#define RACESIM_PLAN_H

#include <stdio.h>

#include "cli.h"
#include "result.h"

#define PLAN_DRY_RUN (-1)    /* a command's status after a dry run: printed, nothing run */

/* Prints one line for a prepared run r with options ro: "would run: stock/atomic · 500 buyers
 * × 1 purchase · seed 1 · stock=5000 qty=1..30 ...". */
void plan_run(FILE *f, const struct options *ro, const struct run_report *r);

/* Prints the closing line of a dry run of command with n runs (0: explore's every
 * interleaving): on which server, and that nothing was started. */
void plan_end(FILE *f, const char *command, const struct options *o, size_t n);

#endif
