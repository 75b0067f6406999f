/* report.h — the run's report as text (with a terminal histogram), JSON or CSV. */
#ifndef RACESIM_REPORT_H
#define RACESIM_REPORT_H

#include <stddef.h>

#include "run.h"

/* Checks before a run that --out can be written: refuses an existing file without --force.
 * Returns 0, or 2 with the reason in err. */
int report_check_out(const struct options *o, char *err, size_t errlen);

/* Writes r in o->format to o->out (a temp file renamed into place) or stdout. Returns 0, or 2
 * with the reason in err. */
int report_write(const struct run_report *r, const struct options *o, char *err, size_t errlen);

#endif
