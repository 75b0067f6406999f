/* watch.h — what the teaching modes see of one buyer: the lockstep gate around each statement and
 * the trace of what each step did. */
#ifndef RACESIM_WATCH_H
#define RACESIM_WATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "interp.h"
#include "lockstep.h"
#include "trace.h"

struct watch {
    int buyer;
    struct lockstep *lockstep;     /* NULL without --lockstep */
    bool tracing;
    int64_t start_us;              /* the run's start (the barrier) */
    const struct interp *interp;   /* the connection's prepared script (for column names) */
    int purchase, attempt;
    int round;                     /* the lockstep step at which its last statement returned */
    int sub;                       /* ...0: its own step; else resumed at another's step */
    int64_t step_started_us;
    struct trace_log log;
};

/* The interp hooks: before each SQL step and @window (the lockstep gate), after every step
 * (lockstep done, trace event). ctx is a struct watch. */
void watch_before(void *ctx, int step);
void watch_after(void *ctx, const struct step_event *ev);

/* Records the end of an attempt: its outcome, and the retry (0: none) that follows after
 * backoff_us. */
void watch_attempt_end(struct watch *w, int outcome, int retry, int64_t backoff_us);

#endif
