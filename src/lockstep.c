/* lockstep.c — the conductor of --lockstep: rounds of one statement per buyer; blocked buyers
 * are found in the server's lock-wait tables (or by a timeout) so the others can go on. */
#include "lockstep.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#define POLL_US 2000          /* how often the conductor looks at running statements */
#define MONITOR_AFTER_US 1000 /* a statement running this long is looked up in the lock waits */

enum buyer_state {
    OUTSIDE,     /* between steps or attempts, on its way to a gate: the round waits for it */
    GATE,        /* waiting for the next round */
    RUNNING,     /* running its statement in the current round */
    BETWEEN,     /* its statement returned; client-side work until its next gate */
    BLOCKED,     /* running, but waiting for a lock: the rounds go on without it */
    BACKOFF,     /* sleeping before a retry: the rounds do not wait for it */
    FINISHED,
};

struct seat {
    enum buyer_state state;
    unsigned long connection;
    int64_t started_us;        /* when its current statement was let run */
    int blocked_round, blocker;
    int64_t blocked_at_us;
};

struct lockstep {
    pthread_mutex_t lock;
    pthread_cond_t changed;    /* a buyer changed state: the conductor looks */
    pthread_cond_t go;         /* a round opened: gated buyers look */
    struct seat *seats;        /* [1..n] */
    int n;
    int round;
    db_conn *monitor;
    int monitor_query;         /* 0 MariaDB tables, 1 MySQL 8 tables, 2 none work */
    int64_t block_timeout_us;
};

struct lockstep *lockstep_new(int n, db_conn *monitor, int64_t block_timeout_us)
{
    struct lockstep *ls = calloc(1, sizeof *ls);
    if (!ls || !(ls->seats = calloc((size_t)n + 1, sizeof *ls->seats))) {
        free(ls);
        return NULL;
    }
    pthread_mutex_init(&ls->lock, NULL);
    pthread_cond_init(&ls->changed, NULL);
    pthread_cond_init(&ls->go, NULL);
    ls->n = n;
    ls->monitor = monitor;
    ls->monitor_query = monitor ? 0 : 2;
    ls->block_timeout_us = block_timeout_us;
    return ls;
}

void lockstep_free(struct lockstep *ls)
{
    if (!ls)
        return;
    pthread_mutex_destroy(&ls->lock);
    pthread_cond_destroy(&ls->changed);
    pthread_cond_destroy(&ls->go);
    free(ls->seats);
    free(ls);
}

static void set_state(struct lockstep *ls, int b, enum buyer_state st)
{
    ls->seats[b].state = st;
    pthread_cond_signal(&ls->changed);
}

void lockstep_register(struct lockstep *ls, int b, unsigned long connection_id)
{
    pthread_mutex_lock(&ls->lock);
    ls->seats[b].connection = connection_id;
    pthread_mutex_unlock(&ls->lock);
}

void lockstep_gate(struct lockstep *ls, int b)
{
    pthread_mutex_lock(&ls->lock);
    set_state(ls, b, GATE);
    while (ls->seats[b].state == GATE)
        pthread_cond_wait(&ls->go, &ls->lock);
    pthread_mutex_unlock(&ls->lock);
}

void lockstep_done(struct lockstep *ls, int b, struct lockstep_step *out)
{
    pthread_mutex_lock(&ls->lock);
    struct seat *s = &ls->seats[b];
    *out = (struct lockstep_step){.round = ls->round, .blocked = s->state == BLOCKED,
                                  .blocked_round = s->blocked_round, .blocker = s->blocker,
                                  .blocked_at_us = s->blocked_at_us};
    s->blocker = 0;
    set_state(ls, b, BETWEEN);
    pthread_mutex_unlock(&ls->lock);
}

void lockstep_leave(struct lockstep *ls, int b, bool backoff, bool finished)
{
    pthread_mutex_lock(&ls->lock);
    set_state(ls, b, finished ? FINISHED : backoff ? BACKOFF : OUTSIDE);
    pthread_mutex_unlock(&ls->lock);
}

void lockstep_return(struct lockstep *ls, int b)
{
    pthread_mutex_lock(&ls->lock);
    set_state(ls, b, OUTSIDE);
    pthread_mutex_unlock(&ls->lock);
}

/* Lock waits from the server: pairs (waiting connection, blocking connection). */
struct waits {
    unsigned long waiting[64], blocking[64];
    int n;
};

static int on_wait(void *ctx, size_t n, char **row)
{
    struct waits *w = ctx;
    if (n >= 2 && row[0] && row[1] && w->n < 64) {
        w->waiting[w->n] = strtoul(row[0], NULL, 10);
        w->blocking[w->n++] = strtoul(row[1], NULL, 10);
    }
    return 0;
}

static const char *const wait_queries[2] = {
    /* MariaDB (and MySQL 5.7): information_schema */
    "SELECT r.trx_mysql_thread_id, b.trx_mysql_thread_id "
    "FROM information_schema.INNODB_LOCK_WAITS w "
    "JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id "
    "JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id",
    /* MySQL 8: performance_schema */
    "SELECT r.PROCESSLIST_ID, b.PROCESSLIST_ID FROM performance_schema.data_lock_waits w "
    "JOIN performance_schema.threads r ON r.THREAD_ID = w.REQUESTING_THREAD_ID "
    "JOIN performance_schema.threads b ON b.THREAD_ID = w.BLOCKING_THREAD_ID",
};

/* Reads the lock waits (without holding ls->lock). Returns 0, or -1 if no query works here. */
static int read_waits(struct lockstep *ls, struct waits *w)
{
    while (ls->monitor_query < 2) {
        struct db_error e;
        w->n = 0;
        if (db_query(ls->monitor, wait_queries[ls->monitor_query], on_wait, w, &e) >= 0)
            return 0;
        ls->monitor_query++;
    }
    return -1;
}

static int buyer_of(const struct lockstep *ls, unsigned long connection)
{
    for (int b = 1; b <= ls->n; b++)
        if (ls->seats[b].connection == connection)
            return b;
    return 0;
}

static void mark_blocked(struct lockstep *ls, int b, int blocker, int64_t now)
{
    struct seat *s = &ls->seats[b];
    s->blocked_round = ls->round;
    s->blocker = blocker;
    s->blocked_at_us = now;
    set_state(ls, b, BLOCKED);
}

/* Looks at buyers running for a while: those the server shows waiting, or running past the
 * timeout, are blocked. Called with ls->lock held; drops it around the query. */
static void find_blocked(struct lockstep *ls)
{
    int64_t now = clock_now_us();
    bool look = false;
    for (int b = 1; b <= ls->n; b++)
        if (ls->seats[b].state == RUNNING && now - ls->seats[b].started_us >= MONITOR_AFTER_US)
            look = true;
    if (!look)
        return;
    struct waits w = {0};
    pthread_mutex_unlock(&ls->lock);
    int rc = read_waits(ls, &w);
    pthread_mutex_lock(&ls->lock);
    now = clock_now_us();
    for (int i = 0; rc == 0 && i < w.n; i++) {
        int b = buyer_of(ls, w.waiting[i]);
        if (b && ls->seats[b].state == RUNNING)
            mark_blocked(ls, b, buyer_of(ls, w.blocking[i]), now);
    }
    for (int b = 1; b <= ls->n; b++)
        if (ls->seats[b].state == RUNNING && now - ls->seats[b].started_us >= ls->block_timeout_us)
            mark_blocked(ls, b, 0, now);
}

static void timed_wait(struct lockstep *ls, int64_t us)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += (long)(us % 1000000) * 1000;
    ts.tv_sec += us / 1000000 + ts.tv_nsec / 1000000000;
    ts.tv_nsec %= 1000000000;
    int rc;
    do
        rc = pthread_cond_timedwait(&ls->changed, &ls->lock, &ts);
    while (rc == EINTR);
}

static int count(const struct lockstep *ls, enum buyer_state st)
{
    int k = 0;
    for (int b = 1; b <= ls->n; b++)
        k += ls->seats[b].state == st;
    return k;
}

int lockstep_conduct(struct lockstep *ls)
{
    pthread_mutex_lock(&ls->lock);
    for (;;) {
        /* the round closes when every buyer in it is at a gate again, blocked, or gone */
        while (count(ls, RUNNING) + count(ls, BETWEEN) + count(ls, OUTSIDE) > 0) {
            timed_wait(ls, POLL_US);
            find_blocked(ls);
        }
        if (count(ls, FINISHED) == ls->n)
            break;
        if (count(ls, GATE) == 0) {      /* only blocked or backing-off buyers: wait for one */
            timed_wait(ls, POLL_US);
            continue;
        }
        ls->round++;
        int64_t now = clock_now_us();
        for (int b = 1; b <= ls->n; b++)
            if (ls->seats[b].state == GATE) {
                ls->seats[b].state = RUNNING;
                ls->seats[b].started_us = now;
            }
        pthread_cond_broadcast(&ls->go);
    }
    int rounds = ls->round;
    pthread_mutex_unlock(&ls->lock);
    return rounds;
}
