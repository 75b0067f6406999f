/* interrupt.h — Ctrl-C and SIGTERM: stop the private server, remove its files, exit. */
#ifndef RACESIM_INTERRUPT_H
#define RACESIM_INTERRUPT_H

#include "server.h"

/* Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (and so in every thread it starts
 * later) and starts a thread that waits for them. On one it kills *s (server_kill is
 * thread-safe; a zeroed or stopped server is fine), prints one line and exits with 128 + the
 * signal. Call before any other thread starts. Returns 0, or -1 if the thread cannot start. */
int interrupt_install(struct server *s);

/* Returns at once unless a signal has arrived; then never returns (the signal thread exits
 * the process with 128 + the signal). Call before reporting an error and exiting, so an error
 * the signal caused (a server stopped while starting) never wins over the signal's exit code. */
void interrupt_yield(void);

#endif
