/* sq_busy.c — racesim's busy handler: a buyer that meets a locked database waits for another
 * connection to end its transaction (up to busy_timeout), and is seen waiting meanwhile, so
 * --lockstep and --schedule count it as blocked. */
#include "sqlite.h"

#include <pthread.h>
#include <sqlite3.h>
#include <time.h>

#define POLL_MS 10                 /* retry at least this often: another process may hold it */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t released;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static unsigned long generation;   /* transactions ended in this process */
static struct sq_waiter *waiters;

static void init(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&released, &a);
    pthread_condattr_destroy(&a);
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* SQLite calls this when a lock is busy; count is 0 on the statement's first meeting. Returns
 * 1 to try again, 0 to give up (the statement fails with SQLITE_BUSY). */
static int on_busy(void *arg, int count)
{
    struct sq_waiter *w = arg;
    pthread_mutex_lock(&lock);
    long long now = now_ms();
    if (count == 0)
        w->since_ms = now;
    w->tried_gen = w->retry_gen;   /* the try that just failed began at this count */
    w->waiting = true;
    if (*w->cut || now - w->since_ms >= w->timeout_ms) {
        w->timed_out = !*w->cut;
        w->waiting = false;
        pthread_mutex_unlock(&lock);
        return 0;
    }
    long long until = now + POLL_MS;
    if (until > w->since_ms + w->timeout_ms)
        until = w->since_ms + w->timeout_ms;
    while (generation == w->tried_gen && !*w->cut && now < until) {
        struct timespec t = {.tv_sec = until / 1000, .tv_nsec = (until % 1000) * 1000000};
        pthread_cond_timedwait(&released, &lock, &t);
        now = now_ms();
    }
    w->retry_gen = generation;
    pthread_mutex_unlock(&lock);
    return 1;
}

void sq_busy_install(void *db, struct sq_waiter *w)
{
    pthread_once(&once, init);
    pthread_mutex_lock(&lock);
    w->prev = NULL;
    w->next = waiters;
    if (waiters)
        waiters->prev = w;
    waiters = w;
    pthread_mutex_unlock(&lock);
    sqlite3_busy_handler(db, on_busy, w);
}

void sq_busy_start(struct sq_waiter *w)
{
    pthread_mutex_lock(&lock);
    w->retry_gen = generation;
    w->timed_out = false;
    pthread_mutex_unlock(&lock);
}

void sq_busy_done(struct sq_waiter *w, bool ended)
{
    pthread_mutex_lock(&lock);
    w->waiting = false;
    if (ended) {
        generation++;
        pthread_cond_broadcast(&released);
    }
    pthread_mutex_unlock(&lock);
}

void sq_busy_forget(struct sq_waiter *w)
{
    pthread_mutex_lock(&lock);
    if (w->prev)
        w->prev->next = w->next;
    else if (waiters == w)
        waiters = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->prev = w->next = NULL;
    generation++;
    pthread_cond_broadcast(&released);
    pthread_mutex_unlock(&lock);
}

int sq_lockwait_open(db_conn *monitor, bool *raised)
{
    (void)monitor;
    *raised = false;
    return 0;
}

void sq_lockwait_close(db_conn *monitor, bool raised)
{
    (void)monitor;
    (void)raised;
}

/* A waiter counts while it sleeps in the handler with no transaction ended since its last
 * failed try: once one ends it is retrying, and either goes on or is seen waiting again. The
 * holder is not known (SQLite does not say who holds its lock). */
int sq_lockwait_read(db_conn *monitor, struct lockwaits *w, bool other_locks)
{
    (void)monitor;
    (void)other_locks;
    pthread_once(&once, init);
    w->n = 0;
    pthread_mutex_lock(&lock);
    for (struct sq_waiter *x = waiters; x && w->n < LOCKWAIT_MAX; x = x->next)
        if (x->waiting && x->tried_gen == generation) {
            w->waiting[w->n] = x->id;
            w->blocker[w->n++] = 0;
        }
    pthread_mutex_unlock(&lock);
    return 0;
}
