/* test_hist.c — unit tests for the latency histogram against a sorted-array oracle. */
#include "hist.h"

#include "check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* splitmix64: small fixed-seed PRNG, so runs are reproducible. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform double in [0, 1). */
static double rng_unit(void)
{
    return (double)(rng_next() >> 11) * 0x1.0p-53;
}

/* Uniform integer in [lo, hi]. */
static uint64_t rng_range(uint64_t lo, uint64_t hi)
{
    return lo + rng_next() % (hi - lo + 1);
}

/* Log-uniform integer in [lo, hi] (lo >= 1). */
static uint64_t rng_log(uint64_t lo, uint64_t hi)
{
    double v = exp(log((double)lo) + rng_unit() * (log((double)hi) - log((double)lo)));
    uint64_t u = (uint64_t)v;
    return u < lo ? lo : u > hi ? hi : u;
}

enum dist { UNIFORM, LOG_UNIFORM, CONSTANT, MIXED_OVER, ALL_OVER };
static const char *const dist_name[] = {
    "uniform 1..1e6", "log-uniform 1..1e8", "constant 4242", "mixed 10% over 100 s",
    "all over 100 s"};

static uint64_t draw(enum dist d)
{
    switch (d) {
    case UNIFORM: return rng_range(1, 1000000);
    case LOG_UNIFORM: return rng_log(1, 100000000);
    case CONSTANT: return 4242;
    case MIXED_OVER:
        return rng_next() % 10 == 0 ? rng_range(100000001, 10000000000ull) : rng_log(1, 1000000);
    case ALL_OVER: return rng_range(200000000, 10000000000ull);
    }
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Fills v[0..n) from distribution d. */
static void fill(uint64_t *v, size_t n, enum dist d)
{
    for (size_t i = 0; i < n; i++)
        v[i] = draw(d);
}

/* Oracle: value at percentile milli/1000 % of sorted s[0..n), rank ceil(p/100 * n) in [1, n]. */
static uint64_t oracle(const uint64_t *s, size_t n, unsigned milli)
{
    uint64_t rank = ((uint64_t)milli * n + 99999) / 100000;
    if (rank < 1)
        rank = 1;
    return s[rank - 1];
}

/* Within the 2-significant-digit promise: |got - want| <= want/128, +1 us for tiny values. */
static int close_enough(uint64_t got, uint64_t want)
{
    return fabs((double)got - (double)want) <= (double)want / 128.0 + 1.0;
}

static void check_empty(void)
{
    struct hist h;
    struct hist_bar bars[4];
    hist_init(&h);
    check(h.total == 0, "empty: count is 0");
    check(hist_percentile(&h, 50) == 0 && hist_percentile(&h, 0) == 0 &&
              hist_percentile(&h, 100) == 0, "empty: percentiles are 0");
    check(hist_mean(&h) == 0.0, "empty: mean is 0");
    check(hist_bars(&h, bars, 4) == 0, "empty: no bars");
}

static void check_single(uint64_t v)
{
    static const double ps[] = {0, 1, 50, 90, 99, 99.9, 100};
    struct hist h;
    struct hist_bar bars[8];
    hist_init(&h);
    hist_record(&h, v);
    int all = 1;
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++)
        all &= hist_percentile(&h, ps[i]) == v;
    check(h.total == 1 && h.min == v && h.max == v, "single %llu: count 1, min = max = value",
          (unsigned long long)v);
    check(all, "single %llu: every percentile is the value", (unsigned long long)v);
    check(hist_mean(&h) == (double)v, "single %llu: mean is the value", (unsigned long long)v);
    size_t nb = hist_bars(&h, bars, 8);
    check(nb == 1 && bars[0].lo == v && bars[0].hi == v && bars[0].count == 1,
          "single %llu: one bar [v, v] with count 1", (unsigned long long)v);
}

/* Checks one percentile against the oracle; values beyond 100 s only need to be in range. */
static void check_one_percentile(const struct hist *h, const uint64_t *s, size_t n,
                                 unsigned milli, const char *name)
{
    uint64_t want = oracle(s, n, milli), got = hist_percentile(h, milli / 1000.0);
    if (want <= HIST_HIGHEST_US)
        check(close_enough(got, want), "%s: p%g = %llu, oracle %llu", name, milli / 1000.0,
              (unsigned long long)got, (unsigned long long)want);
    else
        check(got > HIST_HIGHEST_US && got <= h->max,
              "%s: p%g = %llu in (100 s, max], oracle %llu (beyond tracked range)", name,
              milli / 1000.0, (unsigned long long)got, (unsigned long long)want);
}

static void check_distribution(enum dist d, size_t n)
{
    static const unsigned millis[] = {50000, 90000, 99000, 99900, 100000};
    uint64_t *v = malloc(n * sizeof *v);
    struct hist h;
    uint64_t sum = 0;
    hist_init(&h);
    fill(v, n, d);
    for (size_t i = 0; i < n; i++) {
        hist_record(&h, v[i]);
        sum += v[i];
    }
    qsort(v, n, sizeof *v, cmp_u64);
    const char *name = dist_name[d];
    check(h.total == n, "%s: count %llu", name, (unsigned long long)h.total);
    check(h.min == v[0] && h.max == v[n - 1], "%s: min %llu, max %llu exact", name,
          (unsigned long long)h.min, (unsigned long long)h.max);
    check(hist_mean(&h) == (double)sum / (double)n, "%s: mean exact", name);
    for (size_t i = 0; i < sizeof millis / sizeof millis[0]; i++)
        check_one_percentile(&h, v, n, millis[i], name);
    check(hist_percentile(&h, 100) == v[n - 1], "%s: p100 is exactly max", name);
    free(v);
}

/* Compares every field, every count, and percentiles 0..100 in steps of 0.1. */
static int hist_equal(const struct hist *a, const struct hist *b)
{
    if (a->total != b->total || a->min != b->min || a->max != b->max || a->sum != b->sum)
        return 0;
    for (size_t i = 0; i < HIST_COUNTS; i++)
        if (a->counts[i] != b->counts[i])
            return 0;
    for (int m = 0; m <= 1000; m++)
        if (hist_percentile(a, m / 10.0) != hist_percentile(b, m / 10.0))
            return 0;
    return 1;
}

static void check_merge(void)
{
    static struct hist a, b, all, empty, copy;
    hist_init(&a);
    hist_init(&b);
    hist_init(&all);
    hist_init(&empty);
    for (int i = 0; i < 50000; i++) {
        uint64_t x = draw(LOG_UNIFORM), y = draw(i % 2 ? UNIFORM : MIXED_OVER);
        hist_record(&a, x);
        hist_record(&b, y);
        hist_record(&all, x);
        hist_record(&all, y);
    }
    copy = a;
    hist_merge(&copy, &empty);
    check(hist_equal(&copy, &a), "merge: merging an empty histogram changes nothing");
    copy = empty;
    hist_merge(&copy, &a);
    check(hist_equal(&copy, &a), "merge: merging into an empty histogram copies it");
    hist_merge(&a, &b);
    check(a.total == all.total && a.total == 100000, "merge: total %llu",
          (unsigned long long)a.total);
    check(hist_equal(&a, &all),
          "merge: equals recording all samples into one (fields, counts, percentiles)");
}

/* Samples of sorted s[0..n) within [lo, hi]. */
static size_t count_in(const uint64_t *s, size_t n, uint64_t lo, uint64_t hi)
{
    size_t a = 0, b = n, c;
    while (a < b) /* first index with s >= lo */
        c = a + (b - a) / 2, s[c] < lo ? (a = c + 1) : (b = c);
    size_t first = a;
    b = n;
    while (a < b) /* first index with s > hi */
        c = a + (b - a) / 2, s[c] <= hi ? (a = c + 1) : (b = c);
    return a - first;
}

/* Bars: in order, non-overlapping, span [min, max], and each count matches the oracle. */
static void check_bars_case(enum dist d, size_t n, size_t nbars)
{
    uint64_t *v = malloc(n * sizeof *v);
    struct hist_bar *bars = malloc(nbars * sizeof *bars);
    struct hist h;
    hist_init(&h);
    fill(v, n, d);
    for (size_t i = 0; i < n; i++)
        hist_record(&h, v[i]);
    qsort(v, n, sizeof *v, cmp_u64);
    size_t nb = hist_bars(&h, bars, nbars);
    uint64_t total = 0, covered = 0;
    int ordered = nb >= 1 && nb <= nbars, exact = 1;
    for (size_t i = 0; i < nb; i++) {
        total += bars[i].count;
        size_t in = count_in(v, n, bars[i].lo, bars[i].hi);
        covered += in;
        exact &= in == bars[i].count;
        ordered &= bars[i].lo <= bars[i].hi && (i == 0 || bars[i - 1].hi < bars[i].lo);
    }
    ordered &= nb >= 1 && bars[0].lo == v[0] && bars[nb - 1].hi == v[n - 1];
    check(total == n && covered == n && exact,
          "bars %s, %zu asked, %zu filled: every sample in exactly one bar, counts match",
          dist_name[d], nbars, nb);
    check(ordered, "bars %s, %zu asked: increasing, non-overlapping, span [min, max]",
          dist_name[d], nbars);
    free(bars);
    free(v);
}

static void check_bars(void)
{
    static const size_t asks[] = {1, 2, 10, 40, 5000};
    for (enum dist d = UNIFORM; d <= ALL_OVER; d++)
        for (size_t i = 0; i < sizeof asks / sizeof asks[0]; i++)
            check_bars_case(d, 20000, asks[i]);
}

int main(void)
{
    check_empty();
    check_single(12345);
    check_single(0);
    check_single(HIST_HIGHEST_US * 3);
    for (enum dist d = UNIFORM; d <= ALL_OVER; d++)
        check_distribution(d, 200000);
    check_distribution(LOG_UNIFORM, 1000); /* small n: rank rounding at p99.9 */
    check_distribution(UNIFORM, 7);
    check_merge();
    check_bars();
    return check_summary();
}
