/* lockwait_find.c — the engine-neutral part of lockwait.h: a connection looked up in the waits
 * a driver read (apart from dispatch.c, so that a test can run the conductor on fake waits). */
#include "lockwait.h"

bool lockwait_find(const struct lockwaits *w, unsigned long id, unsigned long *blocker)
{
    for (int i = 0; i < w->n; i++)
        if (w->waiting[i] == id) {
            if (blocker)
                *blocker = w->blocker[i];
            return true;
        }
    return false;
}
