/* stats.h — small-sample statistics for repeated runs: median and spread, Mann–Whitney U, a
 * Hodges–Lehmann interval of a ratio. Pure: no I/O, no allocation visible to the caller. */
#ifndef RACESIM_STATS_H
#define RACESIM_STATS_H

#include <stddef.h>

#define STATS_SAMPLES_MAX 256    /* more samples than this are ignored past the first */

/* Median and spread of n samples. */
struct stats_summary {
    size_t n;
    double median, min, max;
    double ci_low, ci_high;      /* a distribution-free interval of the median (order statistics) */
    double ci_level;             /* its exact coverage: 0.95 or more when n >= 6; fewer samples
                                    give min..max, whose coverage is 1 - 2^(1-n) (0 when n < 2) */
};

/* Summarises x[0..n) (n may be 0: everything 0). */
void stats_summarize(const double *x, size_t n, struct stats_summary *s);

/* The median of x[0..n) (0 when n is 0); x is not changed. */
double stats_median(const double *x, size_t n);

/* Which way the Mann–Whitney test looks: b differs from a, or b tends to be smaller / larger. */
enum stats_alternative { STATS_TWO_SIDED, STATS_B_LESS, STATS_B_GREATER };

/* The p-value of the Mann–Whitney U (Wilcoxon rank-sum) test of samples a and b under alt.
 * Exact (over every split of the pooled ranks, midranks for ties) when na + nb <= 40; above
 * that, the normal approximation with a tie correction and a continuity correction. Returns 1
 * when either side is empty or every value is equal. */
double stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
                          enum stats_alternative alt);

/* The ratio b/a as a Hodges–Lehmann estimate: the median of every pairwise b_j / a_i, and an
 * interval of about 95% from the order statistics of those ratios (the normal approximation of
 * U's critical value; min..max of the ratios when the samples are too few). Samples must be > 0;
 * returns -1 when one is not (or a side is empty), else 0 with *est, *lo, *hi. */
int stats_ratio_interval(const double *a, size_t na, const double *b, size_t nb, double *est,
                         double *lo, double *hi);

#endif
