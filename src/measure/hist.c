/* hist.c — latency histogram with HdrHistogram-style log-linear buckets (fixed memory). */
#include "hist.h"

#include <float.h>
#include <math.h>
#include <string.h>

/*
 * Layout (as in HdrHistogram_c, unit magnitude 0): bucket b holds values whose highest set bit is
 * bit b + 7 (bucket 0 also holds everything below 256). Within a bucket the value is cut into
 * sub-bucket v >> b, which lies in [128, 256) (or [0, 256) for bucket 0), so each slot is 2^b wide
 * and starts at >= 128 * 2^b: relative error < 1/128. Slot index = b * 128 + sub-bucket.
 * The very last slot is open-ended: it also holds every value at or above HIST_TRACKABLE.
 */
#define HALF_BITS (HIST_SUB_BUCKET_BITS - 1)
#define HALF_COUNT (HIST_SUB_BUCKETS / 2)
#define SUB_MASK ((uint64_t)HIST_SUB_BUCKETS - 1)
#define HIST_TRACKABLE ((uint64_t)HIST_SUB_BUCKETS << (HIST_BUCKETS - 1))
#define LAST_SLOT (HIST_COUNTS - 1)

_Static_assert(HIST_TRACKABLE > HIST_HIGHEST_US, "HIST_BUCKETS too small for HIST_HIGHEST_US");
_Static_assert(HIST_COUNTS == ((HIST_BUCKETS - 1) << HALF_BITS) + HIST_SUB_BUCKETS,
               "HIST_COUNTS does not match the bucket layout");

/* Position of the highest set bit of v (v != 0). */
static unsigned high_bit(uint64_t v)
{
    return 63u - (unsigned)__builtin_clzll(v);
}

/* Counts slot holding value v. */
static size_t slot_of(uint64_t v)
{
    if (v >= HIST_TRACKABLE)
        return LAST_SLOT;
    unsigned b = high_bit(v | SUB_MASK) - HALF_BITS;
    return ((size_t)b << HALF_BITS) + (size_t)(v >> b);
}

/* Bucket (power-of-two scale) of slot i. */
static unsigned slot_bucket(size_t i)
{
    return i < HIST_SUB_BUCKETS ? 0 : (unsigned)(i >> HALF_BITS) - 1;
}

/* Lowest value that lands in slot i. */
static uint64_t slot_lowest(size_t i)
{
    unsigned b = slot_bucket(i);
    return (uint64_t)(i - ((size_t)b << HALF_BITS)) << b;
}

/* Highest value that lands in slot i (unbounded for the open-ended last slot). */
static uint64_t slot_highest(size_t i)
{
    if (i == LAST_SLOT)
        return UINT64_MAX;
    return slot_lowest(i) + (((uint64_t)1 << slot_bucket(i)) - 1);
}

static uint64_t clamp_u64(uint64_t v, uint64_t lo, uint64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* a + b, stuck at UINT32_MAX instead of wrapping. */
static uint32_t sat_add32(uint32_t a, uint32_t b)
{
    return b > UINT32_MAX - a ? UINT32_MAX : a + b;
}

void hist_init(struct hist *h)
{
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

void hist_record(struct hist *h, uint64_t value_us)
{
    size_t i = slot_of(value_us);
    h->counts[i] = sat_add32(h->counts[i], 1);
    h->total++;
    h->sum += value_us;
    if (value_us < h->min)
        h->min = value_us;
    if (value_us > h->max)
        h->max = value_us;
}

void hist_merge(struct hist *into, const struct hist *from)
{
    if (from->total == 0)
        return;
    for (size_t i = 0; i < HIST_COUNTS; i++)
        into->counts[i] = sat_add32(into->counts[i], from->counts[i]);
    into->total += from->total;
    into->sum += from->sum;
    if (from->min < into->min)
        into->min = from->min;
    if (from->max > into->max)
        into->max = from->max;
}

/* 1-based rank of the sample at percentile p: ceil(p/100 * total), in [1, total]. The small
 * downward nudge keeps exact products (99.9% of 1000 = 999) from rounding up to the next rank. */
static uint64_t rank_at(double p, uint64_t total)
{
    double x = p / 100.0 * (double)total;
    double r = ceil(x - x * 8 * DBL_EPSILON);
    if (r < 1)
        return 1;
    if (r >= (double)total)
        return total;
    return (uint64_t)r;
}

uint64_t hist_percentile(const struct hist *h, double p)
{
    if (h->total == 0)
        return 0;
    if (!(p > 0))
        return h->min;
    if (p >= 100)
        return h->max;
    uint64_t want = rank_at(p, h->total), seen = 0;
    size_t last = slot_of(h->max);
    for (size_t i = slot_of(h->min); i <= last; i++) {
        seen += h->counts[i];
        if (seen >= want)
            return clamp_u64(slot_highest(i), h->min, h->max);
    }
    return h->max; /* only reachable if a count saturated */
}

double hist_mean(const struct hist *h)
{
    return h->total ? (double)h->sum / (double)h->total : 0.0;
}

/* First slot of bar k of n: slot of the k-th log-spaced edge between lo and hi. */
static size_t bar_start(uint64_t lo, uint64_t hi, size_t k, size_t n)
{
    double a = (double)(lo ? lo : 1), ratio = (double)hi / a;
    double edge = a * pow(ratio, (double)k / (double)n);
    if (!(edge < (double)hi)) /* also catches rounding past hi */
        return slot_of(hi);
    return slot_of(edge < a ? lo : (uint64_t)edge);
}

/* Sum of counts in slots [first, last]. */
static uint64_t slot_sum(const struct hist *h, size_t first, size_t last)
{
    uint64_t s = 0;
    for (size_t i = first; i <= last; i++)
        s += h->counts[i];
    return s;
}

size_t hist_bars(const struct hist *h, struct hist_bar *bars, size_t n)
{
    if (h->total == 0 || n == 0)
        return 0;
    size_t first = slot_of(h->min), last = slot_of(h->max), filled = 0;
    size_t start = first;
    for (size_t k = 1; k <= n; k++) {
        size_t next = k == n ? last + 1 : bar_start(h->min, h->max, k, n);
        if (next <= start)
            continue; /* edge fell in the same slot as the previous one: merge */
        if (next > last + 1)
            next = last + 1;
        bars[filled].lo = clamp_u64(slot_lowest(start), h->min, h->max);
        bars[filled].hi = clamp_u64(slot_highest(next - 1), h->min, h->max);
        bars[filled].count = slot_sum(h, start, next - 1);
        filled++;
        start = next;
        if (start > last)
            break;
    }
    return filled;
}
