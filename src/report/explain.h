/* explain.h — the verdict in words, read off the trace: who read what, who waited, who wrote. */
#ifndef RACESIM_EXPLAIN_H
#define RACESIM_EXPLAIN_H

#include <stddef.h>

#include "result.h"
#include "trace.h"

/* Writes one or two sentences into out explaining r's verdict from its trace: for an anomaly,
 * which buyers read the same value and all went through; for a correct run, what stopped the
 * race (a lock wait, a deadlock and its retry, a failed check). "" when there is no trace. */
void explain_verdict(const struct run_report *r, char *out, size_t outlen);

#endif
