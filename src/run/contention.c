/* contention.c — `jitter contention`: the shared slot, the window, and when a sleeper wakes. */
#include "contention.h"

#define SLOT_FLOOR_NS 100000    /* 100 µs: a slot of 0 could never grow */

void contention_init(struct contention *c, const struct retry_policy *rp)
{
    int64_t s = rp->backoff_min_us * 1000;
    atomic_init(&c->in_progress, 0);
    atomic_init(&c->slot_ns, s > SLOT_FLOOR_NS ? s : SLOT_FLOOR_NS);
    c->max_ns = rp->backoff_max_us * 1000;
}

void contention_purchase(struct contention *c, bool starts)
{
    atomic_fetch_add(&c->in_progress, starts ? 1 : -1);
}

void contention_attempt(struct contention *c, bool retried)
{
    int64_t n = atomic_load(&c->in_progress), old = atomic_load(&c->slot_ns), slot;
    if (n < 1)
        n = 1;
    do {
        slot = retried ? old + old / n : old * n / (n + CONTENTION_RETRIES_PER_FINISH);
        if (retried && slot > c->max_ns / n)
            slot = old > c->max_ns / n ? old : c->max_ns / n;
        if (slot < SLOT_FLOOR_NS)
            slot = SLOT_FLOOR_NS;
    } while (!atomic_compare_exchange_weak(&c->slot_ns, &old, slot));
}

int64_t contention_window_us(const struct contention *c, const struct retry_policy *rp)
{
    int64_t n = atomic_load(&c->in_progress);
    int64_t w = atomic_load(&c->slot_ns) / 1000 * (n > 1 ? n : 1);
    if (w > rp->backoff_max_us)
        w = rp->backoff_max_us;
    return w > rp->backoff_min_us ? w : rp->backoff_min_us;
}

int64_t contention_wake_us(const struct contention *c, const struct retry_policy *rp,
                           int64_t from_us, double u)
{
    int64_t w = contention_window_us(c, rp);
    return from_us + rp->backoff_min_us + (int64_t)(u * (double)(w - rp->backoff_min_us));
}
