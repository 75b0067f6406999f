/* test_contention.c — unit tests for contention.c: the shared slot, the window, the wake time. */
#include "contention.h"

#include "check.h"

int main(void)
{
    struct retry_policy rp = {.backoff_min_us = 0, .backoff_max_us = 2000000,
                              .jitter = JITTER_CONTENTION};
    struct contention c;
    contention_init(&c, &rp);
    check(atomic_load(&c.slot_ns) == 100000, "MIN 0: the slot starts at 100 us (%lld ns)",
          (long long)atomic_load(&c.slot_ns));
    check(contention_window_us(&c, &rp) == 100, "no purchase in progress: one slot (%lld us)",
          (long long)contention_window_us(&c, &rp));
    for (int i = 0; i < 500; i++)
        contention_purchase(&c, true);
    check(contention_window_us(&c, &rp) == 50000, "500 in progress: 500 slots, 50 ms (%lld us)",
          (long long)contention_window_us(&c, &rp));
    int64_t before = atomic_load(&c.slot_ns);
    contention_attempt(&c, true);
    check(atomic_load(&c.slot_ns) == before + before / 500, "a retried attempt: the slot grows by 1/500");
    for (int i = 0; i < 10; i++)
        contention_attempt(&c, true);
    before = atomic_load(&c.slot_ns);
    contention_attempt(&c, false);
    check(atomic_load(&c.slot_ns) == before * 500 / (500 + CONTENTION_RETRIES_PER_FINISH),
          "another outcome: it shrinks by 500/(500 + %d)", CONTENTION_RETRIES_PER_FINISH);
    for (int i = 0; i < 500; i++)
        contention_attempt(&c, true);
    int64_t grown = atomic_load(&c.slot_ns);
    check(grown > 2 * before && grown < 3 * before,
          "500 conflicts among 500 buyers: about e times the slot, not 2^500 (%lld -> %lld ns)",
          (long long)before, (long long)grown);
    for (int i = 0; i < 100000; i++)
        contention_attempt(&c, true);
    check(atomic_load(&c.slot_ns) == 4000000,
          "a burst of conflicts: the slot stops at MAX / 500, 4 ms (%lld ns)",
          (long long)atomic_load(&c.slot_ns));
    for (int i = 0; i < 100000; i++)
        contention_attempt(&c, false);
    check(atomic_load(&c.slot_ns) == 100000, "finishes shrink it to 100 us at the least");
    int64_t wake = contention_wake_us(&c, &rp, 1000, 0.5);
    check(wake == 1000 + 25000, "half the window of 50 ms from 1000 us: 26000 (%lld)", (long long)wake);
    for (int i = 0; i < 400; i++)
        contention_purchase(&c, false);
    check(contention_wake_us(&c, &rp, 1000, 0.5) == 1000 + 5000,
          "400 purchases finish: the same sleeper wakes at 6000 us, sooner");
    struct retry_policy floor = {.backoff_min_us = 3000, .backoff_max_us = 4000};
    contention_init(&c, &floor);
    check(atomic_load(&c.slot_ns) == 3000000, "MIN 3 ms: the slot starts at MIN");
    check(contention_window_us(&c, &floor) == 3000, "one slot, within [MIN, MAX]");
    for (int i = 0; i < 100; i++)
        contention_purchase(&c, true);
    check(contention_window_us(&c, &floor) == 4000, "100 slots: MAX, 4 ms");
    check(contention_wake_us(&c, &floor, 0, 0) == 3000 && contention_wake_us(&c, &floor, 0, 1) == 4000,
          "a share 0 wakes after MIN, a share 1 after the window");
    return check_summary();
}
