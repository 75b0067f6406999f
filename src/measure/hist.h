/* hist.h — latency histogram: log-linear (HDR-style) buckets, fixed memory, mergeable. */
#ifndef RACESIM_HIST_H
#define RACESIM_HIST_H

#include <stdint.h>
#include <stddef.h>

/*
 * Values are microseconds, tracked from 1 us to 100 s with at least 2 significant digits
 * (relative error of a reported value <= 1/128). Larger values land in the top bucket but the
 * exact max is kept. No allocation, no locks: one histogram per thread, merged at the end.
 */
#define HIST_SUB_BUCKET_BITS 8                     /* 256 sub-buckets: 2 significant digits */
#define HIST_SUB_BUCKETS (1u << HIST_SUB_BUCKET_BITS)
#define HIST_HIGHEST_US 100000000ull               /* 100 s */
#define HIST_BUCKETS 20                            /* 256 << 19 > 1e8 */
#define HIST_COUNTS ((HIST_BUCKETS + 1) * (HIST_SUB_BUCKETS / 2))

struct hist {
    uint64_t total;            /* samples recorded */
    uint64_t min, max;         /* exact extremes (min is UINT64_MAX when empty) */
    uint64_t sum;              /* for the mean */
    uint32_t counts[HIST_COUNTS];
};

/* Empties h. Never fails. */
void hist_init(struct hist *h);

/* Records one sample of value_us microseconds. O(1), no allocation; not thread-safe
 * (one histogram per thread). Values above HIST_HIGHEST_US count in the top bucket. */
void hist_record(struct hist *h, uint64_t value_us);

/* Adds every sample of from into into. Never fails. */
void hist_merge(struct hist *into, const struct hist *from);

/* Returns the value at percentile p (0..100): the highest value equivalent to the bucket that
 * holds the ceil(p/100 * total)-th sample, clamped to [min, max]. 0 when empty. */
uint64_t hist_percentile(const struct hist *h, double p);

/* Mean of the recorded samples (exact, from the sum); 0 when empty. */
double hist_mean(const struct hist *h);

/* Coarse view for drawing: fills up to n bars covering [min, max] on a log scale; bar i counts
 * the samples with value in [bars[i].lo, bars[i].hi]. Returns the number of bars filled
 * (0 when empty). */
struct hist_bar {
    uint64_t lo, hi, count;
};
size_t hist_bars(const struct hist *h, struct hist_bar *bars, size_t n);

#endif
