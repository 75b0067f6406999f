/* test_lockstep.c — unit tests for the lockstep conductor against a fake driver's lock waits:
 * a failed read of the waits is tried again (the blocker is still named from the waits), and
 * only reads that keep failing hand the decision to the block timeout, said once. */
#include "lockstep.h"
#include "lockwait.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

/* The fake server: one lock, held by buyer 1 or 2 (0: free); buyer 2 may wait for it. */
static pthread_mutex_t fake_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fake_freed = PTHREAD_COND_INITIALIZER;
static int holder;
static bool waiting;            /* buyer 2 waits for buyer 1's lock */
static int reads, failed_reads;
static int fail_mode;           /* 0: reads work; 1: two reads of every three fail; 2: all fail */

#define CONNECTION(b) (100ul + (unsigned long)(b))

/* The driver's lock-wait ops (lockwait.h), as the fake server answers them. */
int lockwait_open(db_conn *monitor, bool *raised)
{
    (void)monitor;
    *raised = false;
    return 0;
}

void lockwait_close(db_conn *monitor, bool raised)
{
    (void)monitor;
    (void)raised;
}

int lockwait_read(db_conn *monitor, struct lockwaits *w, bool other_locks)
{
    (void)monitor;
    (void)other_locks;
    pthread_mutex_lock(&fake_mu);
    int n = ++reads;
    bool fail = fail_mode == 2 || (fail_mode == 1 && n % 3 != 0);
    w->n = 0;
    if (!fail && waiting) {
        w->waiting[0] = CONNECTION(2);
        w->blocker[0] = CONNECTION(1);
        w->n = 1;
    }
    failed_reads += fail;
    pthread_mutex_unlock(&fake_mu);
    return fail ? -1 : 0;
}

/* A statement of the fake server: buyer b takes the lock (waiting while the other holds it),
 * or frees it. */
static void take(int b)
{
    pthread_mutex_lock(&fake_mu);
    while (holder && holder != b) {
        waiting = true;
        pthread_cond_wait(&fake_freed, &fake_mu);
    }
    waiting = false;
    holder = b;
    pthread_mutex_unlock(&fake_mu);
}

static void release(void)
{
    pthread_mutex_lock(&fake_mu);
    holder = 0;
    pthread_cond_broadcast(&fake_freed);
    pthread_mutex_unlock(&fake_mu);
}

struct buyer {
    struct lockstep *ls;
    int b;
    struct lockstep_step took;   /* what the conductor saw of its "take" statement */
};

static void *buyer_main(void *arg)
{
    struct buyer *by = arg;
    struct lockstep_step committed;
    lockstep_register(by->ls, by->b, CONNECTION(by->b));
    lockstep_gate(by->ls, by->b);
    take(by->b);
    lockstep_done(by->ls, by->b, &by->took);
    lockstep_gate(by->ls, by->b);
    release();
    lockstep_done(by->ls, by->b, &committed);
    lockstep_leave(by->ls, by->b, false, true);
    return NULL;
}

static void *conductor_main(void *arg)
{
    lockstep_conduct(arg);
    return NULL;
}

/* Round-robin of two buyers: buyer 1 takes the lock (step 1), buyer 2 waits for it (step 2),
 * buyer 1 frees it (step 3), which lets buyer 2's statement return. Fills buyer 2's step. */
static struct lockstep *run_two(int mode, struct lockstep_step *b2)
{
    holder = 0;
    waiting = false;
    reads = failed_reads = 0;
    fail_mode = mode;
    static int monitor_stand_in;
    struct lockstep *ls = lockstep_new(2, (db_conn *)&monitor_stand_in, 50000, NULL, 0, NULL);
    struct buyer buyers[2] = {{ls, 1, {0}}, {ls, 2, {0}}};
    pthread_t t[3];
    for (int i = 0; i < 2; i++)
        pthread_create(&t[i], NULL, buyer_main, &buyers[i]);
    pthread_create(&t[2], NULL, conductor_main, ls);
    for (int i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    *b2 = buyers[1].took;
    return ls;
}

int main(void)
{
    struct lockstep_step s;
    struct lockstep *ls = run_two(0, &s);
    check(s.blocked && s.blocked_round == 2 && s.blocker == 1 && s.round == 3,
          "reads work: buyer 2 blocked at step 2 by buyer 1, returns at step 3 (blocked %d "
          "at %d by %d, returned at %d)", s.blocked, s.blocked_round, s.blocker, s.round);
    check(lockstep_live(ls) && !lockstep_lost_waits(ls), "reads work: the waits stay live");
    lockstep_free(ls);

    ls = run_two(1, &s);
    check(failed_reads > 0, "two reads in three fail (%d of %d failed)", failed_reads, reads);
    check(s.blocked && s.blocked_round == 2 && s.blocker == 1 && s.round == 3,
          "failed reads are read again: buyer 2 still seen blocked by buyer 1 from the waits, "
          "not by the timeout (blocked %d at %d by %d, returned at %d)", s.blocked,
          s.blocked_round, s.blocker, s.round);
    check(lockstep_live(ls) && !lockstep_lost_waits(ls),
          "failed reads do not end live detection: %s", lockstep_lost_waits(ls) ? "ended" : "live");
    lockstep_free(ls);

    ls = run_two(2, &s);
    const char *lost = lockstep_lost_waits(ls);
    check(!lockstep_live(ls) && lost && strstr(lost, "could not be read") && strstr(lost, "50 ms"),
          "reads that keep failing end live detection, said once: %s", lost ? lost : "(nothing)");
    check(s.blocked && s.blocker == 0 && s.round == 3,
          "...then the timeout finds buyer 2 blocked (blocked %d by %d, returned at %d)",
          s.blocked, s.blocker, s.round);
    lockstep_free(ls);
    return check_summary();
}
