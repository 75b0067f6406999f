/* rundir.h — a private server's run directory: made and flock-ed per run, swept when its run died. */
#ifndef RACESIM_RUNDIR_H
#define RACESIM_RUNDIR_H

#include <stdbool.h>
#include <stddef.h>

#define RUNDIR_PREFIX "racesim-"    /* a run directory: racesim-XXXXXX (mkdtemp) */
#define RUNDIR_LOCK "racesim.lock"  /* in it: flocked by its racesim, holds its PID */
#define RUNDIR_PID "pid"            /* in it: the PID of the server running there, if any */

/* Removes the run directories under tmp that a racesim which died left behind (kill -9: its
 * server dies with it, its directory stays), and says so on stderr. Only ours: the name
 * racesim-XXXXXX, owned by this user, holding a lock file that nobody holds (its owner's flock
 * went with its process, so a reused PID cannot fool this), and no server still running there
 * (the process named in DIR/pid whose command line names DIR/data). release, when not NULL,
 * is called with each such directory before it is removed (to free what the dead server held
 * outside it). Ignores errors. */
void rundir_sweep(const char *tmp, void (*release)(const char *dir));

/* Makes a fresh run directory tmp/racesim-XXXXXX (mode 0700) into out and locks it for this
 * process: *lock_fd is to be kept open until the directory is removed. Returns 0; or -1 with
 * errno and out = "" when the directory could not be made, -2 with errno (nothing left behind)
 * when it could not be locked. */
int rundir_create(const char *tmp, char *out, size_t n, int *lock_fd);

/* Removes dir and everything under it, not following symlinks. Ignores errors. */
void rundir_remove(const char *dir);

#endif
