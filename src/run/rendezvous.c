/* rendezvous.c — a reusable barrier whose head count can shrink. */
#include "rendezvous.h"

void rendezvous_init(struct rendezvous *r, int expected)
{
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->all_here, NULL);
    r->expected = expected;
    r->arrived = 0;
    r->phase = 0;
}

/* Releases the waiters when the last one is in. Called with r->lock held. */
static void rendezvous_check(struct rendezvous *r)
{
    if (r->arrived >= r->expected) {
        r->arrived = 0;
        r->phase++;
        pthread_cond_broadcast(&r->all_here);
    }
}

/* Waits until `expected` threads have arrived (in this phase). */
void rendezvous_arrive(struct rendezvous *r)
{
    pthread_mutex_lock(&r->lock);
    unsigned phase = r->phase;
    r->arrived++;
    rendezvous_check(r);
    while (phase == r->phase)
        pthread_cond_wait(&r->all_here, &r->lock);
    pthread_mutex_unlock(&r->lock);
}

/* Lowers the head count (threads that never started will not come). */
void rendezvous_expect(struct rendezvous *r, int expected)
{
    pthread_mutex_lock(&r->lock);
    r->expected = expected;
    if (r->arrived > 0)
        rendezvous_check(r);
    pthread_mutex_unlock(&r->lock);
}

void rendezvous_destroy(struct rendezvous *r)
{
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->all_here);
}

