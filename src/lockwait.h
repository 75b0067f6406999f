/* lockwait.h — who is waiting for a lock right now, and on whom: read live from the server
 * (SHOW ENGINE INNODB STATUS and the process list), never from a cached table. */
#ifndef RACESIM_LOCKWAIT_H
#define RACESIM_LOCKWAIT_H

#include <stdbool.h>

#include "db.h"

#define LOCKWAIT_MAX 64

struct lockwaits {
    unsigned long waiting[LOCKWAIT_MAX];   /* server connection ids that wait for a lock */
    unsigned long blocker[LOCKWAIT_MAX];   /* ...the connection holding it (0: not known) */
    int n;
};

/* Prepares monitor to read lock waits: asks InnoDB to list each transaction's locks in its
 * status (so blockers can be named; ignored when not allowed), setting *raised when racesim
 * turned that server-wide setting on itself. Returns 0, or -1 when the server gives no live
 * lock information (no PROCESS privilege, not InnoDB). */
int lockwait_open(db_conn *monitor, bool *raised);

/* Gives the server back the setting lockwait_open found (raised: it was off). */
void lockwait_close(db_conn *monitor, bool raised);

/* Reads the waits now into w: row locks from InnoDB's status and, with other_locks, metadata,
 * table and user locks from the process list (ask for those only when a statement has run a
 * while without an InnoDB wait). Returns 0, or -1 when the server did not answer. */
int lockwait_read(db_conn *monitor, struct lockwaits *w, bool other_locks);

/* Parses the text of SHOW ENGINE INNODB STATUS into w (appends): exposed for tests. */
void lockwait_parse_innodb(const char *status, struct lockwaits *w);

/* Whether connection id is among the waiting ones; *blocker gets its blocker (0: not known). */
bool lockwait_find(const struct lockwaits *w, unsigned long id, unsigned long *blocker);

#endif
