/* engine.c — buyers as threads: connect, meet at a barrier, purchase with retries, count. */
#include "engine.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "arrivals.h"
#include "clock.h"
#include "contention.h"
#include "interval.h"
#include "rendezvous.h"
#include "interp.h"
#include "catch_up.h"
#include "lockstep.h"
#include "watch.h"
#include "workspace.h"
#include "rng.h"

#define BUYER_STACK (256 * 1024)
#define CONNECT_TRIES 6
#define RECONNECT_BUDGET_US 2000000   /* a reconnect tries again only within this */

enum var_source { VAR_COLUMN, VAR_PARAM, VAR_USER, VAR_ROUND, VAR_USERS, VAR_ROUNDS };

struct var_binding {
    enum var_source source;
    int param;                 /* VAR_PARAM: index into params */
};

/* One pooled or private connection with its prepared script. */
struct slot {
    db_conn *conn;
    struct interp interp;
    int node;                  /* a cluster: the node (0-based) it connects to */
};

struct pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    struct slot *slots;
    bool *busy;
    int n;
};

struct engine;

struct buyer {
    struct engine *e;
    int id;                    /* 1-based: the :user of its purchases */
    pthread_t thread;
    struct rng workload;       /* parameters: the same for a seed whatever the scheduling */
    struct rng jitter;         /* backoff: its use depends on retries, so a stream apart */
    struct slot own;           /* without a pool */
    struct vars vars;
    int64_t *draw;
    struct list_value lists[PARAMS_LISTS_MAX];   /* the purchase's lists (a cart) */
    struct engine_result r;    /* this buyer's share; merged at the end */
    struct engine_result *warm;   /* --warmup: its purchases before the figures start */
    struct interval_tally *tally; /* --report-interval: the current interval's share */
    _Atomic uint64_t done;     /* purchases finished, read by the progress line */
    int64_t connect_us;        /* how long its connection and prepares took */
    int64_t end_us;
    struct watch watch;        /* --trace and --lockstep */
};

struct engine {
    const struct engine_config *cfg;
    struct var_binding *bindings;
    bool *bound;
    struct pool pool;
    struct rendezvous meet;    /* twice: every buyer has connected; then the purchases start */
    atomic_bool abort;
    struct lockstep *lockstep; /* NULL without --lockstep */
    db_conn *monitor;          /* lockstep: reads the server's lock waits */
    struct catch_up catch_up;  /* lockstep on a cluster: every node applies each step */
    pthread_t conductor;
    pthread_mutex_t conns_lock;  /* publishing or dropping a slot's connection; cutting them */
    bool cut;                  /* the deadline passed: every connection was cut, open no more */
    atomic_bool gone;          /* a buyer could not reconnect: no one else tries */
    atomic_bool timed_out;     /* --timeout passed */
    atomic_int finished;       /* buyers whose thread is done */
    pthread_mutex_t fail_lock;
    enum engine_status fail_status;
    char fail[512];
    int64_t start_us;
    int rounds;                /* lockstep rounds run (written by the conductor before its exit) */
    bool open;                 /* --rate: buyers serve arrivals */
    struct arrivals arrivals;
    int64_t end_us;            /* --time: no purchase starts after this (0: none) */
    atomic_uint_fast64_t dropped;   /* --time with --rate: arrivals taken but not started in time */
    uint64_t backlog_end;      /* --rate without --time: the backlog when the last arrival was due */
    bool backlog_seen;
    struct interval_log intervals;
    struct contention contention;   /* `jitter contention`: what the buyers share */
    atomic_uint_fast64_t finished_purchases;   /* --fault: counts up to cfg->fault_after */
    atomic_uint nodes_down;    /* bit n: node n was killed (set before the kill) */
    int64_t fault_at_us;       /* when it was killed, after the start (0: not yet) */
};

static void sleep_us(int64_t us)
{
    struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (long)(us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

#define SLEEP_SLICE_US 20000

/* Sleeps us, or less when the run is aborted meanwhile (checked every SLEEP_SLICE_US). */
static void sleep_unless_aborted(struct engine *e, int64_t us)
{
    for (int64_t end = clock_now_us() + us, left = us; left > 0 && !atomic_load(&e->abort);
         left = end - clock_now_us())
        sleep_us(left < SLEEP_SLICE_US ? left : SLEEP_SLICE_US);
}

/* Records the first failure; the others are consequences. */
static void engine_fail(struct engine *e, enum engine_status st, const char *msg)
{
    pthread_mutex_lock(&e->fail_lock);
    if (!e->fail_status) {
        e->fail_status = st;
        snprintf(e->fail, sizeof e->fail, "%s", msg);
    }
    pthread_mutex_unlock(&e->fail_lock);
    atomic_store(&e->abort, true);
}

static struct var_binding bind_var(const char *name, const struct params *p)
{
    if (strcmp(name, "user") == 0)
        return (struct var_binding){VAR_USER, -1};
    if (strcmp(name, "round") == 0)
        return (struct var_binding){VAR_ROUND, -1};
    if (strcmp(name, "users") == 0)
        return (struct var_binding){VAR_USERS, -1};
    if (strcmp(name, "rounds") == 0)
        return (struct var_binding){VAR_ROUNDS, -1};
    int i = scenario_param(p->sc, name);
    if (i >= 0 && p->v[i].kind != PARAM_DIST)
        return (struct var_binding){VAR_PARAM, i};
    return (struct var_binding){VAR_COLUMN, -1};
}

void engine_bound_vars(const struct script *s, const struct params *p, bool *bound)
{
    for (size_t i = 0; i < s->vars.n; i++)
        bound[i] = bind_var(s->vars.v[i], p).source != VAR_COLUMN;
}

/* Takes sl's connection out of reach of a cut, then closes it. */
static void slot_drop(struct engine *e, struct slot *sl)
{
    pthread_mutex_lock(&e->conns_lock);
    db_conn *c = sl->conn;
    sl->conn = NULL;
    pthread_mutex_unlock(&e->conns_lock);
    db_close(c);
}

/* Connects and prepares one slot; retries connection errors a few times (a unix socket's
 * backlog refuses at once when hundreds connect together), but starts no try after budget_us
 * (0: no budget) since the first: a stalled server makes each try last the connect timeout. */
static enum engine_status slot_open(struct engine *e, struct slot *sl, int64_t budget_us,
                                    char *err, size_t errlen)
{
    struct db_error de = {0};
    db_conn *c = NULL;
    int64_t t0 = clock_now_us();
    for (int t = 0; t < CONNECT_TRIES && !c && (!budget_us || clock_now_us() - t0 < budget_us);
         t++) {
        if (t)
            sleep_unless_aborted(e, 20000 << t);
        c = db_connect(e->cfg->node_targets ? &e->cfg->node_targets[sl->node] : e->cfg->target,
                       true, &de);
        if (!c && !db_error_is_lost(&de))
            break;
    }
    pthread_mutex_lock(&e->conns_lock);     /* publish it, so a deadline can cut it */
    if (c && e->cut) {
        db_close(c);
        c = NULL;
        db_error_make(&de, OUTCOME_CONNECTION_LOST, "the run's --timeout passed");
    }
    sl->conn = c;
    pthread_mutex_unlock(&e->conns_lock);
    if (!sl->conn) {
        snprintf(err, errlen, "cannot connect (error %s): %s", de.code, de.text);
        return ENGINE_DB_ERROR;
    }
    enum interp_status st = interp_prepare(&sl->interp, e->cfg->script, sl->conn,
                                           e->cfg->isolation, e->bound, e->cfg->params, err, errlen);
    if (st == INTERP_OK)
        return ENGINE_OK;
    slot_drop(e, sl);
    return st == INTERP_BAD_SCRIPT ? ENGINE_BAD_SCRIPT : ENGINE_DB_ERROR;
}

static void slot_close(struct engine *e, struct slot *sl)
{
    if (sl->conn) {
        interp_release(&sl->interp);
        slot_drop(e, sl);
    }
}

static struct slot *slot_acquire(struct buyer *b)
{
    struct pool *p = &b->e->pool;
    if (p->n == 0)
        return &b->own;
    pthread_mutex_lock(&p->lock);
    int i;
    for (;;) {
        for (i = 0; i < p->n && p->busy[i]; i++)
            ;
        if (i < p->n)
            break;
        pthread_cond_wait(&p->freed, &p->lock);
    }
    p->busy[i] = true;
    pthread_mutex_unlock(&p->lock);
    return &p->slots[i];
}

static void slot_release(struct buyer *b, struct slot *sl)
{
    struct pool *p = &b->e->pool;
    if (p->n == 0)
        return;
    pthread_mutex_lock(&p->lock);
    p->busy[sl - p->slots] = false;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

static void window_sleep(void *ctx)
{
    struct buyer *b = ctx;
    if (b->e->cfg->think_time_us > 0 && !b->e->lockstep)   /* a schedule decides who goes */
        sleep_unless_aborted(b->e, b->e->cfg->think_time_us);
}

static void before_step(void *ctx, int step)
{
    watch_before(&((struct buyer *)ctx)->watch, step);
}

static void after_step(void *ctx, const struct step_event *ev)
{
    watch_after(&((struct buyer *)ctx)->watch, ev);
}

/* Fills the vars the engine supplies for purchase `round`. */
/* Binds the vars the engine supplies, before every attempt: a SELECT column sharing a
 * parameter's name overwrites it during an attempt, and a retry must start from the draw. */
static void bind_vars(struct buyer *b, int round)
{
    const struct engine_config *cfg = b->e->cfg;
    for (size_t i = 0; i < cfg->script->vars.n; i++) {
        const struct var_binding *vb = &b->e->bindings[i];
        int64_t v = 0;
        switch (vb->source) {
        case VAR_COLUMN: continue;
        case VAR_PARAM: v = b->draw[vb->param]; break;
        case VAR_USER: v = b->id; break;
        case VAR_ROUND: v = round; break;
        case VAR_USERS: v = cfg->users; break;
        case VAR_ROUNDS: v = cfg->rounds; break;
        }
        b->vars.value[i] = v;
        b->vars.null[i] = false;
    }
}

static void count_error(struct engine_result *r, const struct error_id *id, const char *text)
{
    for (size_t i = 0; i < r->n_errors; i++)
        if (error_id_same(&r->errors[i].id, id)) {
            r->errors[i].count++;
            return;
        }
    if (r->n_errors == ENGINE_ERRORS_MAX) {
        r->errors_other++;
        return;
    }
    struct error_count *ec = &r->errors[r->n_errors++];
    ec->id = *id;
    ec->count = 1;
    snprintf(ec->text, sizeof ec->text, "%.159s", text);
}

/* The sleep before retry number `retry` (0-based) of a purchase, by the strategy's jitter;
 * *prev is the previous sleep (decorrelated jitter grows from it); *share: the fraction of the
 * window drawn (`jitter contention`, whose sleep follows the window: contention_sleep). */
static int64_t backoff_us(struct buyer *b, int retry, int64_t *prev, double *share)
{
    const struct retry_policy *rp = &b->e->cfg->script->retry;
    if (rp->backoff_max_us <= 0)
        return 0;
    if (rp->jitter == JITTER_CONTENTION) {
        int64_t now = clock_now_us();
        *share = rng_unit(&b->jitter);
        return *prev = contention_wake_us(&b->e->contention, rp, now, *share) - now;
    }
    int64_t lo = rp->backoff_min_us, cap = lo << (retry < 20 ? retry : 20);
    if (cap > rp->backoff_max_us || cap <= 0)
        cap = rp->backoff_max_us;
    int64_t sleep;
    if (rp->jitter == JITTER_DECORRELATED) {
        int64_t hi = (*prev > lo ? *prev : lo) * 3;
        sleep = rng_range(&b->jitter, lo, hi > lo ? hi : lo);
        if (sleep > rp->backoff_max_us)
            sleep = rp->backoff_max_us;
    } else {
        sleep = rng_range(&b->jitter, rp->jitter == JITTER_FULL ? 0 : lo, cap);
    }
    *prev = sleep;
    return sleep;
}

/* `jitter contention`: sleeps from now until the wake time of fraction share of the window,
 * asked again at every slice so that the sleep shortens as purchases finish; less when the
 * run is aborted. */
static void contention_sleep(struct engine *e, double share)
{
    const struct retry_policy *rp = &e->cfg->script->retry;
    int64_t from = clock_now_us();
    for (int64_t left = contention_wake_us(&e->contention, rp, from, share) - from;
         left > 0 && !atomic_load(&e->abort);
         left = contention_wake_us(&e->contention, rp, from, share) - clock_now_us())
        sleep_us(left < SLEEP_SLICE_US ? left : SLEEP_SLICE_US);
}

/* A failover: the live node a connection of a killed node moves to, picked by `pick` among
 * the live nodes of 1..spread (of all nodes when none of those lives); -1 when none does. */
static int failover_node(struct engine *e, int pick)
{
    unsigned down = atomic_load(&e->nodes_down);
    for (int pass = 0; pass < 2; pass++) {
        int within = pass == 0 ? e->cfg->spread : e->cfg->nodes, live = 0;
        for (int n = 0; n < within; n++)
            live += !((down >> n) & 1u);
        for (int n = 0, k = live ? pick % live : -1; k >= 0 && n < within; n++)
            if (!((down >> n) & 1u) && k-- == 0)
                return n;
    }
    return -1;
}

/* Reopens a lost connection (on a live node when its own was killed: r counts the failover);
 * false when the server is gone. Bounded: CONNECT_TRIES connects
 * within RECONNECT_BUDGET_US (about 1.3 s when refused; one connect timeout when stalled),
 * none once the run is aborted or another buyer found the server gone (which ends the run). */
static bool reconnect(struct buyer *b, struct slot *sl, struct engine_result *r)
{
    struct engine *e = b->e;
    char err[256];
    slot_close(e, sl);
    if (atomic_load(&e->abort) || atomic_load(&e->gone))
        return false;
    if (e->cfg->node_targets && ((atomic_load(&e->nodes_down) >> sl->node) & 1u)) {
        int pick = sl == &b->own ? b->id - 1 : (int)(sl - e->pool.slots);
        int to = failover_node(e, pick);
        if (to >= 0) {
            sl->node = to;
            r->failovers++;
        }
    }
    if (slot_open(e, sl, RECONNECT_BUDGET_US, err, sizeof err) == ENGINE_OK)
        return true;
    if (!atomic_exchange(&e->gone, true))
        atomic_store(&e->abort, true);   /* the others finish the purchase they are in */
    return false;
}

/* Counts the @expect misses of attempt at by buyer; keeps what the first miss of each read. */
static void note_expects(struct engine_result *r, const struct attempt *at, int buyer)
{
    for (int k = 0; k < SCRIPT_EXPECTS_MAX; k++) {
        if (!(at->expect_missed & (1u << k)))
            continue;
        if (r->expect_missed[k]++ == 0) {
            r->expect_actual[k] = at->expect_actual[k];
            r->expect_null[k] = at->expect_null[k];
            r->expect_step[k] = at->expect_step[k];
            r->expect_buyer[k] = buyer;
        }
    }
}

/* One purchase of buyer b; intended_us: when the schedule meant it to start (0: closed loop,
 * now). Counted in b->r, or in b->warm when meant to start inside the warmup. */
/* The units the purchase just made asked for: the @units parameter's draw, or the sum of a list's
 * field over the purchase's lines (a cart's qty); 1 when the scenario counts no units. */
static uint64_t purchase_units(const struct buyer *b)
{
    const struct engine_config *cfg = b->e->cfg;
    int up = cfg->units_param;
    if (up < 0)
        return 1;
    if (cfg->units_field < 0)
        return (uint64_t)b->draw[up];
    const struct list_value *l = &b->lists[cfg->params->v[up].list];
    uint64_t sum = 0;
    for (int i = 0; i < l->n; i++)
        sum += (uint64_t)l->item[i][cfg->units_field];
    return sum;
}

/* cfg->keep_ids: the id an acknowledged purchase or one in doubt inserted (into the buyer's own
 * lists, warmup or not: the database has them all). */
static void keep_id(struct buyer *b, const struct attempt *at)
{
    if (!b->e->cfg->keep_ids || !at->insert_id)
        return;
    struct id_list *l = at->outcome == OUTCOME_OK ? &b->r.acked_ids
                      : at->outcome == OUTCOME_IN_DOUBT ? &b->r.doubt_ids : NULL;
    if (l && id_list_add(l, at->insert_id))
        engine_fail(b->e, ENGINE_DB_ERROR, "out of memory for the purchases' ids");
}

/* --fault: the purchase that brings the finished count to cfg->fault_after kills the node,
 * once; a connection that is lost on it then fails over (reconnect). */
static void fault_check(struct engine *e)
{
    const struct engine_config *cfg = e->cfg;
    if (!cfg->fault_after || atomic_fetch_add(&e->finished_purchases, 1) + 1 != cfg->fault_after)
        return;
    int node = cfg->fault_node - 1;
    atomic_fetch_or(&e->nodes_down, 1u << node);
    char err[256], msg[320];
    if (cfg->fault_kill(cfg->fault_ctx, node, err, sizeof err) != 0) {
        snprintf(msg, sizeof msg, "--fault: cannot kill node %d: %s", node + 1, err);
        engine_fail(e, ENGINE_DB_ERROR, msg);
        return;
    }
    int64_t at = clock_now_us() - e->start_us;
    e->fault_at_us = at > 0 ? at : 1;
}

static void purchase(struct buyer *b, int round, int64_t intended_us)
{
    const struct script *s = b->e->cfg->script;
    int64_t meant = intended_us ? intended_us : clock_now_us();
    bool warm = b->warm && meant < b->e->start_us + b->e->cfg->warmup_us;
    struct engine_result *r = warm ? b->warm : &b->r;
    bool watched = b->e->cfg->trace || b->e->lockstep;
    struct interp_hooks hooks = {.window = window_sleep, .ctx = b,
                                 .before = watched ? before_step : NULL,
                                 .after = watched ? after_step : NULL};
    struct lockstep *ls = b->e->lockstep;
    struct attempt at;
    params_draw(b->e->cfg->params, &b->workload, b->id, round, b->draw, b->lists);
    struct slot *sl = slot_acquire(b);
    bool contended = s->retry.jitter == JITTER_CONTENTION;
    if (contended)
        contention_purchase(&b->e->contention, true);
    int64_t t0 = clock_now_us();
    int tries = 0, node = 0;
    int64_t slept = 0;
    double share = 0;
    b->watch.purchase = round;
    for (;;) {
        node = sl->node < RESULT_NODES_MAX ? sl->node : 0;   /* the node this attempt runs on */
        bind_vars(b, round);
        b->watch.attempt = tries + 1;
        b->watch.interp = &sl->interp;
        sl->interp.role = script_role_of(s, b->id);
        int64_t ta = clock_now_us();
        if (sl->conn)
            interp_run(&sl->interp, &b->vars, &hooks, &at);
        else
            at = (struct attempt){.outcome = OUTCOME_CONNECTION_LOST, .step = -1};
        hist_record(&r->attempt_latency, (uint64_t)(clock_now_us() - ta));
        tries++;
        r->attempt_outcomes[at.outcome]++;
        if (at.outcome == OUTCOME_DEADLOCK && at.step >= 0) {
            if (s->steps[at.step].stmt.kind == SQL_COMMIT)
                r->node_deadlocks_at_commit[node]++;
            else
                r->node_deadlocks_at_statement[node]++;
        }
        note_expects(r, &at, b->id);
        if (at.error.code[0] && !at.own_error) {   /* a @signal: the strategy's answer */
            struct error_id id = db_error_id(&at.error);
            count_error(r, &id, at.error.text);
        }
        bool within = s->retry.budget_us ? clock_now_us() - t0 < s->retry.budget_us
                                         : tries <= s->retry.max;
        bool retried = (s->retry.outcomes & (1u << at.outcome)) != 0, retry = retried && within;
        if (contended)
            contention_attempt(&b->e->contention, retried);
        if (sl->interp.broken && !reconnect(b, sl, &b->r))
            retry = false;
        if (atomic_load(&b->e->abort))
            retry = false;
        int64_t backoff = retry ? backoff_us(b, tries - 1, &slept, &share) : 0;
        watch_attempt_end(&b->watch, at.outcome, retry ? tries : 0, backoff);
        if (!retry)
            break;
        r->retries++;
        if (ls)
            lockstep_leave(ls, b->id, backoff > 0, false);   /* the rounds go on while it sleeps */
        if (!ls && contended)      /* under lockstep the schedule says when it goes again */
            contention_sleep(b->e, share);
        else if (!ls)
            sleep_unless_aborted(b->e, backoff);
        if (ls)
            lockstep_return(ls, b->id);
    }
    if (ls)
        lockstep_leave(ls, b->id, false, false);
    int64_t t1 = clock_now_us();
    hist_record(&r->purchase_latency, (uint64_t)(t1 - t0));
    if (intended_us)
        hist_record(&r->intended_latency, (uint64_t)(t1 - intended_us));
    if (b->tally)
        interval_tally_add(b->tally, at.outcome, (uint64_t)(tries - 1),
                           (uint64_t)(t1 - (intended_us ? intended_us : t0)));
    if (contended)
        contention_purchase(&b->e->contention, false);
    slot_release(b, sl);
    keep_id(b, &at);
    r->outcomes[at.outcome]++;
    uint64_t units = purchase_units(b);
    r->outcome_units[at.outcome] += units;
    r->node_outcomes[node][at.outcome]++;
    r->node_outcome_units[node][at.outcome] += units;
    r->attempts += (uint64_t)tries;
    r->attempts_per_purchase[tries < ENGINE_ATTEMPT_BUCKETS ? tries - 1 : ENGINE_ATTEMPT_BUCKETS - 1]++;
    r->purchases++;
}

/* --rate: takes the next arrival, waits for its time if early, purchases; until the schedule
 * (or --time) ends. An arrival taken after the time is up is not served (counted dropped). */
static void serve_arrivals(struct buyer *b)
{
    struct engine *e = b->e;
    int64_t at;
    for (int round = 1; !atomic_load(&e->abort) && arrivals_take(&e->arrivals, &at); round++) {
        int64_t intended = e->start_us + at, wait = intended - clock_now_us();
        if (wait > 0)
            sleep_unless_aborted(e, wait);
        if (atomic_load(&e->abort))
            break;
        if (e->end_us && clock_now_us() >= e->end_us) {
            atomic_fetch_add(&e->dropped, 1);
            continue;          /* the others due by then are counted from the schedule */
        }
        purchase(b, round, intended);
        atomic_store_explicit(&b->done, b->done + 1, memory_order_relaxed);
        fault_check(e);
    }
}

static void *buyer_main(void *arg)
{
    struct buyer *b = arg;
    struct engine *e = b->e;
    db_thread_start();
    if (e->pool.n == 0) {
        char err[400], msg[512];
        int64_t t0 = clock_now_us();
        b->own.node = e->cfg->spread > 0 ? (b->id - 1) % e->cfg->spread : 0;
        enum engine_status st = slot_open(e, &b->own, 0, err, sizeof err);
        b->connect_us = clock_now_us() - t0;
        if (st != ENGINE_OK) {
            snprintf(msg, sizeof msg, "buyer %d: %s", b->id, err);
            engine_fail(e, st, st == ENGINE_BAD_SCRIPT ? err : msg);
        }
    }
    /* the monitor reads node 1's lock waits: a connection elsewhere is not looked up there
     * (another node's ids may be the same numbers) */
    if (e->lockstep && b->own.conn)
        lockstep_register(e->lockstep, b->id, b->own.node == 0 ? db_connection_id(b->own.conn) : 0);
    rendezvous_arrive(&e->meet);          /* connected */
    rendezvous_arrive(&e->meet);          /* start: main set start_us between the two */
    b->watch.start_us = e->start_us;
    if (e->open)
        serve_arrivals(b);
    for (int round = 1; !e->open && !atomic_load(&e->abort)
                        && (e->end_us ? clock_now_us() < e->end_us : round <= e->cfg->rounds);
         round++) {
        purchase(b, round, 0);
        atomic_store_explicit(&b->done, b->done + 1, memory_order_relaxed);
        fault_check(e);
    }
    if (e->lockstep)
        lockstep_leave(e->lockstep, b->id, false, true);
    b->end_us = clock_now_us();
    slot_close(e, &b->own);
    atomic_fetch_add(&e->finished, 1);
    db_thread_stop();
    return NULL;
}

static enum engine_status pool_open(struct engine *e, char *err, size_t errlen)
{
    struct pool *p = &e->pool;
    int n = e->cfg->pool;
    p->slots = calloc((size_t)n, sizeof *p->slots);
    p->busy = calloc((size_t)n, sizeof *p->busy);
    if (!p->slots || !p->busy) {
        snprintf(err, errlen, "out of memory");
        return ENGINE_DB_ERROR;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    p->n = n;
    for (int i = 0; i < n; i++) {
        p->slots[i].node = e->cfg->spread > 0 ? i % e->cfg->spread : 0;
        enum engine_status st = slot_open(e, &p->slots[i], 0, err, errlen);
        if (st != ENGINE_OK)
            return st;
    }
    return ENGINE_OK;
}

static void pool_close(struct engine *e, struct pool *p)
{
    for (int i = 0; i < p->n; i++)
        slot_close(e, &p->slots[i]);
    if (p->n) {
        pthread_mutex_destroy(&p->lock);
        pthread_cond_destroy(&p->freed);
    }
    free(p->slots);
    free(p->busy);
}

static int buyer_alloc(struct engine *e, struct buyer *b, int id)
{
    const struct engine_config *cfg = e->cfg;
    size_t nv = cfg->script->vars.n + 1;
    b->e = e;
    b->id = id;
    rng_seed(&b->workload, cfg->seed, (uint64_t)id * 2);
    rng_seed(&b->jitter, cfg->seed, (uint64_t)id * 2 + 1);
    hist_init(&b->r.attempt_latency);
    hist_init(&b->r.purchase_latency);
    hist_init(&b->r.intended_latency);
    if (cfg->warmup_us > 0) {
        b->warm = calloc(1, sizeof *b->warm);
        if (!b->warm)
            return -1;
        hist_init(&b->warm->attempt_latency);
        hist_init(&b->warm->purchase_latency);
        hist_init(&b->warm->intended_latency);
    }
    if (cfg->interval_us > 0) {
        b->tally = malloc(sizeof *b->tally);
        if (!b->tally)
            return -1;
        interval_tally_init(b->tally);
    }
    b->vars.value = calloc(nv, sizeof *b->vars.value);
    b->vars.null = calloc(nv, sizeof *b->vars.null);
    b->vars.lists = b->lists;
    b->draw = calloc(cfg->params->n + 1, sizeof *b->draw);
    b->watch.buyer = id;
    b->watch.lockstep = e->lockstep;
    b->watch.tracing = cfg->trace;
    return b->vars.value && b->vars.null && b->draw ? 0 : -1;
}

static void buyer_free(struct buyer *b)
{
    free(b->vars.value);
    free(b->vars.null);
    free(b->draw);
    free(b->warm);
    id_list_free(&b->r.acked_ids);
    id_list_free(&b->r.doubt_ids);
    if (b->tally)
        interval_tally_destroy(b->tally);
    free(b->tally);
    trace_log_free(&b->watch.log);
}

static void merge_errors(struct engine_result *into, const struct engine_result *from)
{
    for (size_t i = 0; i < from->n_errors; i++) {
        const struct error_id *id = &from->errors[i].id;
        count_error(into, id, from->errors[i].text);
        for (size_t k = 0; k < into->n_errors; k++)
            if (error_id_same(&into->errors[k].id, id))
                into->errors[k].count += from->errors[i].count - 1;
    }
    into->errors_other += from->errors_other;
}

static void merge(struct engine_result *into, const struct engine_result *from)
{
    hist_merge(&into->attempt_latency, &from->attempt_latency);
    hist_merge(&into->purchase_latency, &from->purchase_latency);
    hist_merge(&into->intended_latency, &from->intended_latency);
    for (int i = 0; i < OUTCOME_MAX; i++) {
        into->outcomes[i] += from->outcomes[i];
        into->outcome_units[i] += from->outcome_units[i];
        into->attempt_outcomes[i] += from->attempt_outcomes[i];
        for (int n = 0; n < RESULT_NODES_MAX; n++) {
            into->node_outcomes[n][i] += from->node_outcomes[n][i];
            into->node_outcome_units[n][i] += from->node_outcome_units[n][i];
        }
    }
    for (int n = 0; n < RESULT_NODES_MAX; n++) {
        into->node_deadlocks_at_statement[n] += from->node_deadlocks_at_statement[n];
        into->node_deadlocks_at_commit[n] += from->node_deadlocks_at_commit[n];
    }
    for (int i = 0; i < ENGINE_ATTEMPT_BUCKETS; i++)
        into->attempts_per_purchase[i] += from->attempts_per_purchase[i];
    into->purchases += from->purchases;
    into->attempts += from->attempts;
    into->retries += from->retries;
    into->failovers += from->failovers;
    for (int k = 0; k < SCRIPT_EXPECTS_MAX; k++) {
        if (from->expect_missed[k] && !into->expect_missed[k]) {
            into->expect_actual[k] = from->expect_actual[k];
            into->expect_null[k] = from->expect_null[k];
            into->expect_step[k] = from->expect_step[k];
            into->expect_buyer[k] = from->expect_buyer[k];
        }
        into->expect_missed[k] += from->expect_missed[k];
    }
    merge_errors(into, from);
}

static void progress(struct engine *e, struct buyer *buyers, bool final)
{
    uint64_t done = 0, total = (uint64_t)e->cfg->users * (uint64_t)e->cfg->rounds;
    for (int i = 0; i < e->cfg->users; i++)
        done += atomic_load_explicit(&buyers[i].done, memory_order_relaxed);
    if (final) {
        fputs("\r\033[K", stderr);
        return;
    }
    fprintf(stderr, "\r\033[Kracesim: %llu/%llu purchases, %.1f s", (unsigned long long)done,
            (unsigned long long)total, (double)(clock_now_us() - e->start_us) / 1e6);
}

/* The deadline passed: aborts the run and cuts every connection, so that buyers blocked on a
 * stalled server return at once; connections opened later are refused (slot_open). */
static void cut_all(struct engine *e, struct buyer *buyers, int started)
{
    atomic_store(&e->timed_out, true);
    atomic_store(&e->abort, true);
    pthread_mutex_lock(&e->conns_lock);
    e->cut = true;
    for (int i = 0; i < started; i++)
        db_cut(buyers[i].own.conn);
    for (int i = 0; i < e->pool.n; i++)
        db_cut(e->pool.slots[i].conn);
    db_cut(e->monitor);
    pthread_mutex_unlock(&e->conns_lock);
}

/* --report-interval: sums the buyers' tallies of the interval [from, now], prints its line on
 * stderr and keeps it. */
static void interval_end(struct engine *e, struct buyer *buyers, int started, int64_t from,
                         int64_t now)
{
    static struct interval_counts sum;   /* large; only the main thread reports */
    memset(&sum, 0, sizeof sum);
    hist_init(&sum.latency);
    for (int i = 0; i < started; i++)
        interval_tally_take(buyers[i].tally, &sum);
    uint64_t backlog = e->open ? arrivals_backlog(&e->arrivals, now - e->start_us, NULL) : 0;
    struct interval_row row = interval_row_make(&sum, (double)(now - e->start_us) / 1e6,
                                                (double)(now - from) / 1e6, backlog, e->open,
                                                now <= e->start_us + e->cfg->warmup_us);
    interval_print(stderr, &row, e->open);
    interval_log_add(&e->intervals, &row);
}

#define WAIT_SLICE_US 20000
#define PROGRESS_EVERY_US 250000

/* Waits for every buyer, drawing the progress line while they run and cutting the run short
 * at cfg->timeout_us after the start. */
static void wait_buyers(struct engine *e, struct buyer *buyers, int started)
{
    int64_t deadline = e->cfg->timeout_us > 0 ? e->start_us + e->cfg->timeout_us : 0;
    int64_t next_draw = 0, interval_from = e->start_us;
    while (atomic_load(&e->finished) < started) {
        int64_t now = clock_now_us();
        if (deadline && now >= deadline && !atomic_load(&e->timed_out))
            cut_all(e, buyers, started);
        if (e->open && !e->end_us && !e->backlog_seen) {
            bool all_due;
            uint64_t n = arrivals_backlog(&e->arrivals, now - e->start_us, &all_due);
            if (all_due) {
                e->backlog_end = n;
                e->backlog_seen = true;
            }
        }
        if (e->cfg->interval_us > 0 && now >= interval_from + e->cfg->interval_us) {
            interval_end(e, buyers, started, interval_from, now);
            interval_from = now;
        }
        if (e->cfg->progress && now >= next_draw) {
            progress(e, buyers, false);
            next_draw = now + PROGRESS_EVERY_US;
        }
        sleep_us(WAIT_SLICE_US);
    }
    if (e->cfg->progress)
        progress(e, buyers, true);
    for (int i = 0; i < started; i++)
        pthread_join(buyers[i].thread, NULL);
    int64_t now = clock_now_us();
    if (e->cfg->interval_us > 0 && now > interval_from)
        interval_end(e, buyers, started, interval_from, now);   /* the last, shorter one */
}

/* CPU seconds (user + system) used so far by this process (pid 0) or by process pid (from
 * /proc); -1 when pid is negative or unreadable. */
static double process_cpu_seconds(int pid)
{
    if (pid == 0) {
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
               + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    }
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = pid > 0 ? fopen(path, "r") : NULL;
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');       /* the command name may hold spaces: skip past it */
    unsigned long long ut, st;
    if (!p || sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* The lockstep conductor's thread: rounds until every buyer has finished. */
static void *conduct(void *arg)
{
    struct engine *e = arg;
    db_thread_start();
    e->rounds = lockstep_conduct(e->lockstep);
    db_thread_stop();
    return NULL;
}

static int start_buyers(struct engine *e, struct buyer *buyers, char *err, size_t errlen)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, BUYER_STACK);
    int started = 0;
    for (; started < e->cfg->users; started++) {
        int rc = pthread_create(&buyers[started].thread, &attr, buyer_main, &buyers[started]);
        if (rc) {
            snprintf(err, errlen, "cannot start buyer %d: %s", started + 1, strerror(rc));
            break;
        }
    }
    pthread_attr_destroy(&attr);
    return started;
}

static void collect(struct engine *e, struct buyer *buyers, struct engine_result *res)
{
    int64_t from = e->start_us + e->cfg->warmup_us, last = from;
    for (int i = 0; i < e->cfg->users; i++) {
        merge(res, &buyers[i].r);
        if (buyers[i].warm) {
            res->warmup_purchases += buyers[i].warm->purchases;
            res->warmup_ok += buyers[i].warm->outcomes[OUTCOME_OK];
        }
        if (e->pool.n == 0)
            hist_record(&res->connect_latency, (uint64_t)buyers[i].connect_us);
        if (buyers[i].end_us > last)
            last = buyers[i].end_us;
        if (id_list_join(&res->acked_ids, &buyers[i].r.acked_ids)
            || id_list_join(&res->doubt_ids, &buyers[i].r.doubt_ids))
            engine_fail(e, ENGINE_DB_ERROR, "out of memory for the purchases' ids");
    }
    res->ids_kept = e->cfg->keep_ids;
    if (e->fault_at_us) {
        res->fault_node = e->cfg->fault_node;
        res->fault_after = e->cfg->fault_after;
        res->fault_at_us = e->fault_at_us;
    }
    res->wall_us = last - from;
    res->open_loop = e->open;
    if (e->open && e->end_us)      /* due by the end and never started */
        e->backlog_end = arrivals_backlog(&e->arrivals, e->end_us - e->start_us, NULL)
                         + atomic_load(&e->dropped);
    res->backlog_end = e->backlog_end;
    res->intervals = e->intervals;
    e->intervals = (struct interval_log){0};
    res->lockstep_rounds = e->rounds;
    res->timed_out = atomic_load(&e->timed_out);
    res->server_lost = atomic_load(&e->gone);
    if (!e->cfg->trace)
        return;
    size_t n = e->cfg->users > 0 ? (size_t)e->cfg->users : 0;
    struct trace_log *logs = calloc(n + 1, sizeof *logs);
    for (size_t i = 0; logs && i < n; i++)
        logs[i] = buyers[i].watch.log;
    if (logs)
        trace_merge(&res->trace, logs, e->cfg->users, e->lockstep != NULL);
    free(logs);
    const struct scenario *sc = e->cfg->params->sc;
    const int64_t *values;
    const bool *known;
    int n_states = e->lockstep && sc->has_watch ? lockstep_states(e->lockstep, &values, &known) : 0;
    if (n_states > 0)
        trace_attach_states(&res->trace, sc->watch_name, sc->watch_op, sc->watch_bound, values, known,
                            n_states);
}

/* lockstep_probe_fn: the scenario's @watch query on the conductor's connection. */
static int probe_watch(void *ctx, db_conn *monitor, int64_t *value)
{
    const struct engine *e = ctx;
    char err[256];
    return workspace_scalar(monitor, e->cfg->params->sc, &e->cfg->params->sc->watch, e->cfg->params,
                            value, err, sizeof err) == WORKSPACE_OK ? 0 : -1;
}

static enum engine_status run_buyers(struct engine *e, struct buyer *buyers,
                                     struct engine_result *res, char *err, size_t errlen)
{
    int users = e->cfg->users;
    int64_t t_connect = clock_now_us();
    rendezvous_init(&e->meet, users + 1);
    int started = start_buyers(e, buyers, err, errlen);
    if (started < users) {
        engine_fail(e, ENGINE_DB_ERROR, err);   /* the started ones stop after the barrier */
        rendezvous_expect(&e->meet, started + 1);
    }
    rendezvous_arrive(&e->meet);            /* every buyer connected */
    e->start_us = clock_now_us();
    if (e->cfg->duration_us > 0)
        e->end_us = e->start_us + e->cfg->warmup_us + e->cfg->duration_us;
    res->connect_wall_us = e->start_us - t_connect;
    bool conducting = e->lockstep && !atomic_load(&e->abort)
                      && pthread_create(&e->conductor, NULL, conduct, e) == 0;
    if (e->lockstep && !conducting && !atomic_load(&e->abort))
        engine_fail(e, ENGINE_DB_ERROR, "cannot start the lockstep conductor");
    rendezvous_arrive(&e->meet);            /* go */
    double self0 = process_cpu_seconds(0), observed0 = process_cpu_seconds(e->cfg->observe_pid);
    wait_buyers(e, buyers, started);
    res->self_cpu_s = process_cpu_seconds(0) - self0;
    double observed1 = observed0 >= 0 ? process_cpu_seconds(e->cfg->observe_pid) : -1;
    res->observed_cpu_s = observed1 >= 0 ? observed1 - observed0 : -1;   /* -1: it was killed */
    if (conducting) {
        pthread_join(e->conductor, NULL);
        char msg[256];
        int st = lockstep_failure(e->lockstep, msg, sizeof msg);
        if (st)
            engine_fail(e, st == 2 ? ENGINE_BAD_SCRIPT : ENGINE_DB_ERROR, msg);
        const char *lost = lockstep_lost_waits(e->lockstep);
        if (lost)
            fprintf(stderr, "racesim: warning: lockstep: %s\n", lost);
    }
    rendezvous_destroy(&e->meet);
    collect(e, buyers, res);
    if (e->fail_status) {
        snprintf(err, errlen, "%s", e->fail);
        return e->fail_status;
    }
    return ENGINE_OK;
}

/* --lockstep: a monitor connection for the lock waits, and the conductor's state. */
static enum engine_status lockstep_open(struct engine *e, char *err, size_t errlen)
{
    struct db_error de;
    e->monitor = db_connect(e->cfg->target, true, &de);
    if (!e->monitor) {
        snprintf(err, errlen, "lockstep monitor: cannot connect: %s", de.text);
        return ENGINE_DB_ERROR;
    }
    e->lockstep = lockstep_new(e->cfg->users, e->monitor, e->cfg->block_timeout_us,
                               e->cfg->schedule, e->cfg->schedule_len, e->cfg->schedule_log);
    if (!e->lockstep) {
        snprintf(err, errlen, "out of memory");
        return ENGINE_DB_ERROR;
    }
    if (e->cfg->trace && e->cfg->params->sc->has_watch)   /* the watched row, after each step */
        lockstep_watch(e->lockstep, probe_watch, e);
    if (e->cfg->node_targets && e->cfg->spread > 1) {
        if (catch_up_open(&e->catch_up, e->cfg->node_targets, e->cfg->spread, err, errlen))
            return ENGINE_DB_ERROR;
        lockstep_catch_up(e->lockstep, catch_up_wait, &e->catch_up);
    }
    return ENGINE_OK;
}

enum engine_status engine_run(const struct engine_config *cfg, struct engine_result *res,
                              char *err, size_t errlen)
{
    struct engine e = {.cfg = cfg};
    err[0] = '\0';
    memset(res, 0, sizeof *res);
    hist_init(&res->attempt_latency);
    hist_init(&res->purchase_latency);
    hist_init(&res->connect_latency);
    hist_init(&res->intended_latency);
    e.open = cfg->rate > 0;
    contention_init(&e.contention, &cfg->script->retry);
    if (e.open)
        arrivals_init(&e.arrivals, cfg->rate, cfg->poisson, cfg->seed,
                      cfg->duration_us > 0 ? 0 : (uint64_t)cfg->users * (uint64_t)cfg->rounds,
                      cfg->duration_us > 0 ? cfg->warmup_us + cfg->duration_us : 0);
    pthread_mutex_init(&e.fail_lock, NULL);
    pthread_mutex_init(&e.conns_lock, NULL);
    size_t nv = cfg->script->vars.n + 1;
    e.bindings = calloc(nv, sizeof *e.bindings);
    e.bound = calloc(nv, sizeof *e.bound);
    struct buyer *buyers = calloc((size_t)cfg->users, sizeof *buyers);
    enum engine_status st = e.bindings && e.bound && buyers ? ENGINE_OK : ENGINE_DB_ERROR;
    for (size_t i = 0; st == ENGINE_OK && i < cfg->script->vars.n; i++) {
        e.bindings[i] = bind_var(cfg->script->vars.v[i], cfg->params);
        e.bound[i] = e.bindings[i].source != VAR_COLUMN;
    }
    if (st == ENGINE_OK && cfg->lockstep)
        st = lockstep_open(&e, err, errlen);
    for (int i = 0; st == ENGINE_OK && i < cfg->users; i++)
        if (buyer_alloc(&e, &buyers[i], i + 1)) {
            snprintf(err, errlen, "out of memory for %d buyers", cfg->users);
            st = ENGINE_DB_ERROR;
        }
    if (st != ENGINE_OK && !err[0])
        snprintf(err, errlen, "out of memory for %d buyers", cfg->users);
    if (st == ENGINE_OK && cfg->pool > 0)
        st = pool_open(&e, err, errlen);
    if (st == ENGINE_OK)
        st = run_buyers(&e, buyers, res, err, errlen);
    pool_close(&e, &e.pool);
    lockstep_free(e.lockstep);
    db_close(e.monitor);
    catch_up_close(&e.catch_up);
    for (int i = 0; buyers && i < cfg->users; i++)
        buyer_free(&buyers[i]);
    free(buyers);
    free(e.bindings);
    free(e.bound);
    pthread_mutex_destroy(&e.fail_lock);
    pthread_mutex_destroy(&e.conns_lock);
    if (e.open)
        arrivals_destroy(&e.arrivals);
    interval_log_free(&e.intervals);
    return st;
}
