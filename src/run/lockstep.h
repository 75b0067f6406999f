/* lockstep.h — buyers advance one statement at a time, in round-robin (--lockstep) or in a given
 * order (--schedule); a buyer blocked on a lock is seen as blocked (from the server's live lock
 * waits, or after a timeout where the server shows none) and the others go on. */
#ifndef RACESIM_LOCKSTEP_H
#define RACESIM_LOCKSTEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "schedule.h"

struct lockstep;

/* Creates the conductor for n buyers. monitor is a connection (used by the conductor's thread
 * only) to read lock waits, or NULL to rely on the timeout alone; block_timeout_us is how long
 * a statement may run before it counts as blocked when the server does not show its waits.
 * schedule[0..schedule_len) is the order of the first steps (NULL: round-robin throughout;
 * after its end: round-robin); log, if not NULL, receives the order taken. Returns NULL on out
 * of memory. */
struct lockstep *lockstep_new(int n, db_conn *monitor, int64_t block_timeout_us,
                              const int *schedule, int schedule_len, struct schedule_log *log);

/* Whether the server shows its lock waits live (so the order of steps is the same every run). */
bool lockstep_live(const struct lockstep *ls);

/* After the conductor: NULL, or why the server's lock waits stopped being read mid-run (reads
 * that failed for seconds in a row; one failed read is tried again): from then on the block
 * timeout decided, so the order of steps may differ from run to run. */
const char *lockstep_lost_waits(const struct lockstep *ls);

/* Frees it (not the monitor connection). */
void lockstep_free(struct lockstep *ls);

/* Buyer b (1-based) says which server connection it uses. */
void lockstep_register(struct lockstep *ls, int b, unsigned long connection_id);

/* Buyer b waits here before each statement until the conductor lets it run it. */
void lockstep_gate(struct lockstep *ls, int b);

/* What happened to buyer b's statement while it ran. */
struct lockstep_step {
    int round;                 /* the step (of all buyers) at which the statement returned */
    int sub;                   /* 0: it was that step's own statement; else b, resumed by it */
    bool blocked;              /* it was seen blocked */
    int blocked_round;         /* ... at that step */
    int blocker;               /* ... by that buyer (0: not known) */
    int64_t blocked_at_us;     /* ... from then (engine clock) */
};

/* Buyer b's statement returned: it rejoins the rounds at its next gate. Fills what it saw. */
void lockstep_done(struct lockstep *ls, int b, struct lockstep_step *out);

/* Buyer b left its script: between attempts (backoff true while it sleeps a retry's backoff,
 * which the rounds do not wait for), or finished for good (finished true). */
void lockstep_leave(struct lockstep *ls, int b, bool backoff, bool finished);

/* Buyer b (back from a backoff sleep) is about to start an attempt: the rounds wait for it. */
void lockstep_return(struct lockstep *ls, int b);

/* Reads the watched value on the monitor connection: returns 0 with *value, or -1 (then it is
 * not asked again). */
typedef int (*lockstep_probe_fn)(void *ctx, db_conn *monitor, int64_t *value);

/* Before lockstep_conduct: after every step, once no statement runs, the conductor calls probe
 * on its monitor connection and keeps the value for that step (and once before the first). */
void lockstep_watch(struct lockstep *ls, lockstep_probe_fn probe, void *ctx);

/* Makes the cluster catch up after a step (every node applies what any committed): returns 0,
 * or -1 with one line in msg (the run then fails, exit 3). */
typedef int (*lockstep_settle_fn)(void *ctx, char *msg, size_t msglen);

/* Before lockstep_conduct: after every step, once no statement runs (and once before the
 * first), the conductor calls catch_up before it picks the next buyer. */
void lockstep_catch_up(struct lockstep *ls, lockstep_settle_fn catch_up, void *ctx);

/* After the conductor: the values probe read, values[r] after step r (values[0]: before the
 * first), known[r] false where it was not read. Returns how many (0: none). */
int lockstep_states(const struct lockstep *ls, const int64_t **values, const bool **known);

/* The conductor: lets one statement run at a time until every buyer has finished. Run it in
 * its own thread once the buyers have met at the start barrier. Returns the steps run. */
int lockstep_conduct(struct lockstep *ls);

/* After the conductor: 0, or 2 (the schedule named a buyer who had finished or was blocked) or
 * 3 (a statement neither returned nor waited) with one line in msg. */
int lockstep_failure(const struct lockstep *ls, char *msg, size_t msglen);

#endif
