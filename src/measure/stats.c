/* stats.c — small-sample statistics for repeated runs: median and spread, Mann–Whitney U, a
 * Hodges–Lehmann interval of a ratio. */
#include "stats.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define EXACT_MAX 40             /* pooled samples up to which the U test is exact */

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Copies at most STATS_SAMPLES_MAX of x into out, sorted; returns how many. */
static size_t sorted_copy(const double *x, size_t n, double *out)
{
    if (n > STATS_SAMPLES_MAX)
        n = STATS_SAMPLES_MAX;
    if (n)
        memcpy(out, x, n * sizeof *x);
    qsort(out, n, sizeof *out, by_value);
    return n;
}

static double median_sorted(const double *v, size_t n)
{
    if (n == 0)
        return 0;
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double stats_median(const double *x, size_t n)
{
    double v[STATS_SAMPLES_MAX];
    n = sorted_copy(x, n, v);
    return median_sorted(v, n);
}

/* P(Binomial(n, 1/2) <= k). */
static double binom_half_cdf(size_t n, size_t k)
{
    double p = 0, c = 1;         /* c = C(n, i) */
    for (size_t i = 0; i <= k && i <= n; i++) {
        p += c;
        c = c * (double)(n - i) / (double)(i + 1);
    }
    return p * pow(0.5, (double)n);
}

void stats_summarize(const double *x, size_t n, struct stats_summary *s)
{
    double v[STATS_SAMPLES_MAX];
    memset(s, 0, sizeof *s);
    n = sorted_copy(x, n, v);
    s->n = n;
    if (n == 0)
        return;
    s->median = median_sorted(v, n);
    s->min = v[0];
    s->max = v[n - 1];
    /* the widest k with P(Bin(n, 1/2) <= k - 1) <= 2.5%: [x_(k), x_(n+1-k)] covers the median
     * with probability 1 - 2 P(Bin <= k - 1) */
    size_t k = 1;
    while (k + 1 <= (n + 1) / 2 && binom_half_cdf(n, k) <= 0.025)
        k++;
    s->ci_low = v[k - 1];
    s->ci_high = v[n - k];
    s->ci_level = n < 2 ? 0 : 1 - 2 * binom_half_cdf(n, k - 1);
}

/* Pooled midranks, doubled so that they are whole: rank2[i] for value i of a then b. Returns
 * the tie term sum(t^3 - t) over groups of equal values. */
static double midranks2(const double *a, size_t na, const double *b, size_t nb, long *rank2)
{
    size_t n = na + nb;
    size_t *idx = malloc(n * sizeof *idx);
    double *val = malloc(n * sizeof *val);
    double ties = 0;
    if (!idx || !val) {
        free(idx);
        free(val);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        val[i] = i < na ? a[i] : b[i - na];
        idx[i] = i;
    }
    for (size_t i = 1; i < n; i++)       /* insertion sort of indexes by value */
        for (size_t k = i; k > 0 && val[idx[k - 1]] > val[idx[k]]; k--) {
            size_t t = idx[k];
            idx[k] = idx[k - 1];
            idx[k - 1] = t;
        }
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && val[idx[j + 1]] == val[idx[i]])
            j++;
        long r2 = (long)(i + 1 + j + 1);     /* 2 x the mean of ranks i+1 .. j+1 */
        for (size_t k = i; k <= j; k++)
            rank2[idx[k]] = r2;
        double t = (double)(j - i + 1);
        ties += t * t * t - t;
        i = j + 1;
    }
    free(idx);
    free(val);
    return ties;
}

/* Exact: over every choice of nb of the n pooled ranks, how many give b's doubled rank sum at
 * or beyond w2 (alt's direction). */
static double exact_p(const long *rank2, size_t n, size_t nb, long w2, enum stats_alternative alt)
{
    long max = 0;
    for (size_t i = 0; i < n; i++)
        max += rank2[i];
    size_t width = (size_t)max + 1;
    double *ways = calloc((nb + 1) * width, sizeof *ways);
    if (!ways)
        return 1;
    ways[0] = 1;
    for (size_t i = 0; i < n; i++)
        for (size_t k = (i + 1 < nb ? i + 1 : nb); k >= 1; k--)
            for (long s = max; s >= rank2[i]; s--)
                ways[k * width + (size_t)s] += ways[(k - 1) * width + (size_t)(s - rank2[i])];
    double total = 0, tail = 0;
    long mean2 = (long)(nb * (n + 1));    /* 2 x E[W] */
    long dev = labs(w2 - mean2);
    for (long s = 0; s <= max; s++) {
        double c = ways[nb * width + (size_t)s];
        total += c;
        bool in = alt == STATS_B_LESS ? s <= w2 : alt == STATS_B_GREATER ? s >= w2 : labs(s - mean2) >= dev;
        if (in)
            tail += c;
    }
    free(ways);
    return total > 0 ? tail / total : 1;
}

double stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
                          enum stats_alternative alt)
{
    if (na == 0 || nb == 0)
        return 1;
    if (na > STATS_SAMPLES_MAX)
        na = STATS_SAMPLES_MAX;
    if (nb > STATS_SAMPLES_MAX)
        nb = STATS_SAMPLES_MAX;
    size_t n = na + nb;
    long *rank2 = malloc(n * sizeof *rank2);
    if (!rank2)
        return 1;
    double ties = midranks2(a, na, b, nb, rank2);
    long w2 = 0;
    for (size_t i = na; i < n; i++)
        w2 += rank2[i];
    double p;
    if (ties < 0 || ties == (double)n * n * n - (double)n) {
        p = 1;                           /* out of memory, or every value equal */
    } else if (n <= EXACT_MAX) {
        p = exact_p(rank2, n, nb, w2, alt);
    } else {
        double u = (double)w2 / 2 - (double)nb * (double)(nb + 1) / 2;    /* U of b */
        double mean = (double)na * (double)nb / 2;
        double var = (double)na * (double)nb / 12
                     * ((double)(n + 1) - ties / ((double)n * (double)(n - 1)));
        double d = u - mean;
        double z;
        if (alt == STATS_B_LESS)
            z = (d + 0.5) / sqrt(var);
        else if (alt == STATS_B_GREATER)
            z = (d - 0.5) / sqrt(var);
        else
            z = (fabs(d) - 0.5 > 0 ? fabs(d) - 0.5 : 0) / sqrt(var);
        p = alt == STATS_B_LESS ? 0.5 * erfc(-z / sqrt(2)) : alt == STATS_B_GREATER
            ? 0.5 * erfc(z / sqrt(2)) : erfc(z / sqrt(2));
    }
    free(rank2);
    return p > 1 ? 1 : p;
}

int stats_ratio_interval(const double *a, size_t na, const double *b, size_t nb, double *est,
                         double *lo, double *hi)
{
    if (na == 0 || nb == 0)
        return -1;
    if (na > STATS_SAMPLES_MAX)
        na = STATS_SAMPLES_MAX;
    if (nb > STATS_SAMPLES_MAX)
        nb = STATS_SAMPLES_MAX;
    size_t k = na * nb;
    double *d = malloc(k * sizeof *d);
    if (!d)
        return -1;
    size_t m = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++) {
            if (!(a[i] > 0) || !(b[j] > 0)) {
                free(d);
                return -1;
            }
            d[m++] = log(b[j]) - log(a[i]);
        }
    qsort(d, k, sizeof *d, by_value);
    *est = exp(median_sorted(d, k));
    /* C = K/2 - 1.96 sqrt(na nb (na + nb + 1) / 12): the interval is [d_(C), d_(K+1-C)] */
    double c = floor((double)k / 2 - 1.96 * sqrt((double)na * (double)nb * (double)(na + nb + 1) / 12));
    size_t ci = c >= 1 ? (size_t)c : 1;
    *lo = exp(d[ci - 1]);
    *hi = exp(d[k - ci]);
    free(d);
    return 0;
}
