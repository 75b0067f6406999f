/* rendezvous.h — a reusable barrier whose head count can shrink (a thread that never started
 * will not come). The engine meets twice on it: everyone connected, then go. */
#ifndef RACESIM_RENDEZVOUS_H
#define RACESIM_RENDEZVOUS_H

#include <pthread.h>

struct rendezvous {
    pthread_mutex_t lock;
    pthread_cond_t all_here;
    int expected, arrived;
    unsigned phase;
};

/* Prepares r for `expected` threads. Never fails. */
void rendezvous_init(struct rendezvous *r, int expected);

/* Waits until `expected` threads have arrived in this phase, then all go on; r is then ready
 * for the next phase. */
void rendezvous_arrive(struct rendezvous *r);

/* Lowers (or sets) the head count; releases the waiters if they are now enough. */
void rendezvous_expect(struct rendezvous *r, int expected);

/* Releases r's resources (no thread may be waiting). */
void rendezvous_destroy(struct rendezvous *r);

#endif
