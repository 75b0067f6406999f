/* interrupt.h — Ctrl-C and SIGTERM: stop the private server, remove its files, exit. */
#ifndef RACESIM_INTERRUPT_H
#define RACESIM_INTERRUPT_H

#include "server.h"

/* Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (and so in every thread it starts
 * later) and starts a thread that waits for them. On one it stops *s if running (under a lock
 * shared with interrupt_stop_server), prints one line and exits with 128 + the signal.
 * Call before any other thread starts. Returns 0, or -1 if the thread cannot start. */
int interrupt_install(struct server *s);

/* Stops the server under the same lock, so a signal arriving meanwhile cannot race it. */
void interrupt_stop_server(struct server *s);

#endif
