/* lockwait.h — who is waiting for a lock right now, and on whom: read live from the server by
 * the driver (MariaDB: InnoDB's status and the process list), never from a cached table. */
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

/* Prepares monitor to read lock waits (MariaDB: asks InnoDB to list each transaction's locks,
 * so blockers can be named; ignored when not allowed), setting *raised when racesim turned a
 * server-wide setting on itself. Returns 0, or -1 when the server gives no live lock
 * information (no privilege for it, a storage engine without it). */
int lockwait_open(db_conn *monitor, bool *raised);

/* Gives the server back the setting lockwait_open found (raised: it was off). */
void lockwait_close(db_conn *monitor, bool raised);

/* Reads the waits now into w: row locks and, with other_locks, metadata, table and user locks
 * (ask for those only when a statement has run a while without a row-lock wait: costlier to
 * read). Returns 0, or -1 when the server did not answer. */
int lockwait_read(db_conn *monitor, struct lockwaits *w, bool other_locks);

/* Whether connection id is among the waiting ones; *blocker gets its blocker (0: not known). */
bool lockwait_find(const struct lockwaits *w, unsigned long id, unsigned long *blocker);

#endif
