/* lockstep.c — the conductor of --lockstep and --schedule: one buyer's statement at a time, in
 * round-robin or in a given order; a statement the server shows waiting for a lock is left
 * pending while the others go on, and completes (in the trace) at the step that released it. */
#include "lockstep.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "lockwait.h"

#define POLL_US 1000              /* how often the conductor looks at a running statement */
#define MONITOR_AFTER_US 300      /* a statement running this long is looked up in the waits */
#define SAFETY_US 60000000        /* a statement neither done nor waiting this long: an error */
#define OTHER_LOCKS_AFTER_US 20000 /* ...this long without a row-lock wait: look at other locks */
#define READ_GIVE_UP_US 2000000   /* the waits unreadable this long in a row: the timeout decides */

enum buyer_state {
    OUTSIDE,     /* between steps or attempts, on its way to a gate: the conductor waits for it */
    GATE,        /* waiting for its turn */
    RUNNING,     /* running its statement (let run, or resumed after a lock wait) */
    BETWEEN,     /* its statement returned; client-side work until its next gate */
    BLOCKED,     /* running, but the server shows it waiting for a lock */
    FINISHED,
};

struct seat {
    enum buyer_state state;
    unsigned long connection;
    int64_t started_us;        /* when its statement was let run or resumed */
    int blocked_round, blocker;
    int64_t blocked_at_us;
    bool other_lock;           /* blocked on a lock the process list shows (metadata, user) */
};

struct lockstep {
    pthread_mutex_t lock;
    pthread_cond_t changed;    /* a buyer changed state: the conductor looks */
    pthread_cond_t go;         /* a buyer was let run: gated buyers look */
    struct seat *seats;        /* [1..n] */
    int n;
    int round;                 /* steps let run so far */
    int chosen;                /* the buyer let run at this step */
    int last;                  /* round-robin: the buyer that went last */
    db_conn *monitor;
    bool live;                 /* the server shows its lock waits (else: block_timeout) */
    int64_t failing_since_us;  /* the first of the failed reads in a row (0: the last one worked) */
    char lost_waits[200];      /* why the waits stopped being read mid-run ("": they did not) */
    bool raised_output_locks;  /* lockwait_open turned a server setting on: give it back */
    int64_t block_timeout_us;
    const int *schedule;       /* the order asked for (NULL: round-robin) */
    int schedule_len, next;
    struct schedule_log *log;  /* NULL: not kept */
    lockstep_probe_fn probe;   /* reads the watched value after each step (NULL: none) */
    void *probe_ctx;
    lockstep_settle_fn catch_up;   /* a cluster: every node applies each step (NULL: none) */
    void *catch_up_ctx;
    int64_t *states;           /* [round]: what probe read after that step */
    bool *known;
    int n_states, cap_states;
    int fail_status;           /* 0, or 2 (a schedule that cannot be followed) or 3 */
    char fail[256];
};

struct lockstep *lockstep_new(int n, db_conn *monitor, int64_t block_timeout_us,
                              const int *schedule, int schedule_len, struct schedule_log *log)
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
    ls->last = n;
    ls->monitor = monitor;
    ls->live = monitor && lockwait_open(monitor, &ls->raised_output_locks) == 0;
    ls->block_timeout_us = block_timeout_us;
    ls->schedule = schedule;
    ls->schedule_len = schedule ? schedule_len : 0;
    ls->log = log;
    if (log)
        memset(log, 0, sizeof *log);
    return ls;
}

void lockstep_free(struct lockstep *ls)
{
    if (!ls)
        return;
    lockwait_close(ls->monitor, ls->raised_output_locks);
    pthread_mutex_destroy(&ls->lock);
    pthread_cond_destroy(&ls->changed);
    pthread_cond_destroy(&ls->go);
    free(ls->seats);
    free(ls->states);
    free(ls->known);
    free(ls);
}

void lockstep_watch(struct lockstep *ls, lockstep_probe_fn probe, void *ctx)
{
    ls->probe = probe;
    ls->probe_ctx = ctx;
}

void lockstep_catch_up(struct lockstep *ls, lockstep_settle_fn catch_up, void *ctx)
{
    ls->catch_up = catch_up;
    ls->catch_up_ctx = ctx;
}

static void set_failure(struct lockstep *ls, int status, const char *msg);

/* The step has settled: the cluster catches up, with ls->lock dropped; a failure ends the
 * catching up and fails the run. */
static void catch_up(struct lockstep *ls)
{
    if (!ls->catch_up)
        return;
    char msg[200];
    pthread_mutex_unlock(&ls->lock);
    int rc = ls->catch_up(ls->catch_up_ctx, msg, sizeof msg);
    pthread_mutex_lock(&ls->lock);
    if (rc) {
        ls->catch_up = NULL;
        set_failure(ls, 3, msg);
    }
}

int lockstep_states(const struct lockstep *ls, const int64_t **values, const bool **known)
{
    *values = ls->states;
    *known = ls->known;
    return ls->n_states;
}

/* The step has settled (nothing runs): reads the watched value for ls->round, with ls->lock
 * dropped like read_waits. A failed read or no memory ends the probing. */
static void probe_state(struct lockstep *ls)
{
    if (!ls->probe || !ls->monitor)
        return;
    int r = ls->round;
    if (r >= ls->cap_states) {
        int cap = ls->cap_states ? ls->cap_states * 2 : 64;
        while (cap <= r)
            cap *= 2;
        int64_t *v = realloc(ls->states, (size_t)cap * sizeof *v);
        if (v)
            ls->states = v;
        bool *k = v ? realloc(ls->known, (size_t)cap * sizeof *k) : NULL;
        if (!k) {
            ls->probe = NULL;
            return;
        }
        ls->known = k;
        for (int i = ls->cap_states; i < cap; i++)
            ls->known[i] = false;
        ls->cap_states = cap;
    }
    int64_t value = 0;
    pthread_mutex_unlock(&ls->lock);
    int rc = ls->probe(ls->probe_ctx, ls->monitor, &value);
    pthread_mutex_lock(&ls->lock);
    if (rc) {
        ls->probe = NULL;
        return;
    }
    ls->states[r] = value;
    ls->known[r] = true;
    if (r + 1 > ls->n_states)
        ls->n_states = r + 1;
}

bool lockstep_live(const struct lockstep *ls)
{
    return ls->live;
}

const char *lockstep_lost_waits(const struct lockstep *ls)
{
    return ls->lost_waits[0] ? ls->lost_waits : NULL;
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
    *out = (struct lockstep_step){.round = ls->round, .sub = b == ls->chosen ? 0 : b,
                                  .blocked = s->blocked_round != 0,
                                  .blocked_round = s->blocked_round, .blocker = s->blocker,
                                  .blocked_at_us = s->blocked_at_us};
    s->blocker = 0;
    s->blocked_round = 0;
    s->other_lock = false;
    set_state(ls, b, BETWEEN);
    pthread_mutex_unlock(&ls->lock);
}

void lockstep_leave(struct lockstep *ls, int b, bool backoff, bool finished)
{
    (void)backoff;                 /* a backoff is waited for like any client-side work */
    pthread_mutex_lock(&ls->lock);
    set_state(ls, b, finished ? FINISHED : OUTSIDE);
    pthread_mutex_unlock(&ls->lock);
}

void lockstep_return(struct lockstep *ls, int b)
{
    pthread_mutex_lock(&ls->lock);
    set_state(ls, b, OUTSIDE);
    pthread_mutex_unlock(&ls->lock);
}

static int buyer_of(const struct lockstep *ls, unsigned long connection)
{
    for (int b = 1; connection && b <= ls->n; b++)
        if (ls->seats[b].connection == connection)
            return b;
    return 0;
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

static void set_failure(struct lockstep *ls, int status, const char *msg)
{
    if (!ls->fail_status) {
        ls->fail_status = status;
        snprintf(ls->fail, sizeof ls->fail, "%s", msg);
    }
}

/* Reads the waits with ls->lock dropped. Returns 0, or -1: a failed read is tried again at the
 * next look, and only reads failing for READ_GIVE_UP_US in a row end live detection (the block
 * timeout decides from then on; lockstep_lost_waits says so). */
static int read_waits(struct lockstep *ls, struct lockwaits *w, bool other_locks)
{
    pthread_mutex_unlock(&ls->lock);
    int rc = lockwait_read(ls->monitor, w, other_locks);
    pthread_mutex_lock(&ls->lock);
    if (rc == 0) {
        ls->failing_since_us = 0;
        return 0;
    }
    int64_t now = clock_now_us();
    if (!ls->failing_since_us) {
        ls->failing_since_us = now;
    } else if (now - ls->failing_since_us >= READ_GIVE_UP_US) {
        ls->live = false;
        snprintf(ls->lost_waits, sizeof ls->lost_waits, "the server's lock waits could not be "
                 "read for %d s from step %d on; a statement running %lld ms counted as blocked",
                 READ_GIVE_UP_US / 1000000, ls->round, (long long)(ls->block_timeout_us / 1000));
    }
    return -1;
}

/* Waits a poll, then reads the waits again (settle: a blocked statement may not be resumed
 * before the server says whether it still waits). Returns 0, or -1 once live detection ended. */
static int read_waits_retrying(struct lockstep *ls, struct lockwaits *w, bool other_locks)
{
    while (read_waits(ls, w, other_locks)) {
        if (!ls->live)
            return -1;
        timed_wait(ls, POLL_US);
    }
    return 0;
}

static void mark_blocked(struct lockstep *ls, int b, int blocker)
{
    struct seat *s = &ls->seats[b];
    if (!s->blocked_round) {       /* resumed and waiting again: still the first wait */
        s->blocked_round = ls->round;
        s->blocked_at_us = clock_now_us();
        if (ls->log)
            ls->log->waits++;
    }
    s->blocker = blocker;
    set_state(ls, b, BLOCKED);
}

/* Running statements: each either returns (its buyer moves on) or shows up waiting for a lock.
 * Looks them up in the waits; without live waits, one running past block_timeout is blocked. */
static void watch_running(struct lockstep *ls)
{
    int64_t now = clock_now_us();
    bool look = false, other_locks = false;
    for (int b = 1; b <= ls->n; b++)
        if (ls->seats[b].state == RUNNING) {
            look |= now - ls->seats[b].started_us >= MONITOR_AFTER_US;
            other_locks |= now - ls->seats[b].started_us >= OTHER_LOCKS_AFTER_US;
        }
    if (!look)
        return;
    struct lockwaits w = {0};
    bool read = ls->live && read_waits(ls, &w, other_locks) == 0;
    now = clock_now_us();
    for (int b = 1; b <= ls->n; b++) {
        struct seat *s = &ls->seats[b];
        unsigned long blocker;
        if (s->state != RUNNING)
            continue;
        if (read && lockwait_find(&w, s->connection, &blocker)) {
            mark_blocked(ls, b, buyer_of(ls, blocker));
            s->other_lock = blocker == 0 && other_locks;
        } else if (!ls->live && now - s->started_us >= ls->block_timeout_us) {
            mark_blocked(ls, b, 0);
        } else if (now - s->started_us >= SAFETY_US) {
            char msg[200];
            snprintf(msg, sizeof msg, "buyer %d's statement ran %d s without returning or "
                     "waiting for a lock the server shows", b, SAFETY_US / 1000000);
            set_failure(ls, 3, msg);
            mark_blocked(ls, b, 0);
        }
    }
}

static bool any(const struct lockstep *ls, enum buyer_state a, enum buyer_state b, enum buyer_state c)
{
    for (int i = 1; i <= ls->n; i++)
        if (ls->seats[i].state == a || ls->seats[i].state == b || ls->seats[i].state == c)
            return true;
    return false;
}

/* Waits until every buyer is at its gate, finished, or waiting for a lock the server still
 * shows: a blocked statement whose lock was granted (or that was chosen as a deadlock victim)
 * is resumed and waited for, so what completes at a step is the same every run. */
static void settle(struct lockstep *ls)
{
    for (;;) {
        while (any(ls, RUNNING, BETWEEN, OUTSIDE)) {
            timed_wait(ls, POLL_US);
            watch_running(ls);
        }
        if (!ls->live || !any(ls, BLOCKED, BLOCKED, BLOCKED))
            return;
        bool other_locks = false;
        for (int b = 1; b <= ls->n; b++)
            other_locks |= ls->seats[b].state == BLOCKED && ls->seats[b].other_lock;
        struct lockwaits w = {0};
        if (read_waits_retrying(ls, &w, other_locks))
            return;
        bool resumed = false;
        for (int b = 1; b <= ls->n; b++) {
            struct seat *s = &ls->seats[b];
            if (s->state == BLOCKED && !lockwait_find(&w, s->connection, NULL)) {
                s->started_us = clock_now_us();
                set_state(ls, b, RUNNING);
                resumed = true;
            }
        }
        if (!resumed && !any(ls, RUNNING, BETWEEN, OUTSIDE))
            return;                /* (one granted while the waits were read: wait for it) */
    }
}

static int next_round_robin(const struct lockstep *ls)
{
    for (int k = 1; k <= ls->n; k++) {
        int b = (ls->last + k - 1) % ls->n + 1;
        if (ls->seats[b].state == GATE)
            return b;
    }
    return 0;
}

/* The buyer that goes next: the schedule's, else round-robin. A schedule naming a buyer who
 * cannot go is a failure; the run then goes on round-robin so that it ends. */
static int pick(struct lockstep *ls)
{
    if (ls->fail_status || ls->next >= ls->schedule_len)
        return next_round_robin(ls);
    int b = ls->schedule[ls->next];
    const struct seat *s = &ls->seats[b];
    if (s->state == GATE) {
        ls->next++;
        return b;
    }
    char msg[200];
    if (s->state == FINISHED)
        snprintf(msg, sizeof msg, "--schedule: step %d names buyer %d, who has finished",
                 ls->next + 1, b);
    else if (s->blocker)
        snprintf(msg, sizeof msg, "--schedule: step %d names buyer %d, who is waiting for "
                 "buyer %d's lock", ls->next + 1, b, s->blocker);
    else
        snprintf(msg, sizeof msg, "--schedule: step %d names buyer %d, who is waiting for a lock",
                 ls->next + 1, b);
    set_failure(ls, 2, msg);
    return next_round_robin(ls);
}

static void log_step(struct lockstep *ls, int b)
{
    struct schedule_log *log = ls->log;
    if (!log)
        return;
    if (log->n == SCHEDULE_MAX) {
        log->overflow = true;
        return;
    }
    unsigned runnable = 0;
    for (int i = 1; i <= ls->n && i <= 32; i++)
        if (ls->seats[i].state == GATE)
            runnable |= 1u << (i - 1);
    log->chosen[log->n] = b;
    log->runnable[log->n++] = runnable;
}

int lockstep_conduct(struct lockstep *ls)
{
    pthread_mutex_lock(&ls->lock);
    for (;;) {
        settle(ls);
        catch_up(ls);
        probe_state(ls);
        bool all_done = true;
        for (int b = 1; b <= ls->n; b++)
            all_done = all_done && ls->seats[b].state == FINISHED;
        if (all_done)
            break;
        int b = pick(ls);
        if (!b) {                 /* only buyers waiting for locks: one will be let go */
            timed_wait(ls, POLL_US * 10);
            continue;
        }
        log_step(ls, b);
        ls->round++;
        ls->chosen = ls->last = b;
        ls->seats[b].started_us = clock_now_us();
        ls->seats[b].state = RUNNING;
        pthread_cond_broadcast(&ls->go);
    }
    int rounds = ls->round;
    pthread_mutex_unlock(&ls->lock);
    return rounds;
}

int lockstep_failure(const struct lockstep *ls, char *msg, size_t msglen)
{
    if (ls->fail_status)
        snprintf(msg, msglen, "%s", ls->fail);
    return ls->fail_status;
}
