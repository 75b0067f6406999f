/* test_stats.c — unit tests for stats.c on crafted samples: equal, shifted, one sample, ties. */
#include "stats.h"

#include "check.h"

#include <math.h>

static int near(double x, double want, double tol)
{
    return fabs(x - want) <= tol;
}

static void summaries(void)
{
    struct stats_summary s;
    double five[] = {14, 10, 12, 11, 13};
    stats_summarize(five, 5, &s);
    check(s.n == 5 && s.median == 12 && s.min == 10 && s.max == 14, "summary of 5: median 12, 10..14");
    check(s.ci_low == 10 && s.ci_high == 14 && near(s.ci_level, 0.9375, 1e-9),
          "5 samples: the interval is min..max, coverage 93.75%% (%.4f)", s.ci_level);
    double ten[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    stats_summarize(ten, 10, &s);
    check(s.median == 5.5 && s.ci_low == 2 && s.ci_high == 9 && s.ci_level >= 0.95,
          "10 samples: median 5.5, 95%% interval x(2)..x(9) = %g..%g (coverage %.4f)", s.ci_low,
          s.ci_high, s.ci_level);
    double one[] = {42};
    stats_summarize(one, 1, &s);
    check(s.n == 1 && s.median == 42 && s.ci_low == 42 && s.ci_high == 42 && s.ci_level == 0,
          "one sample: median 42, no coverage");
    stats_summarize(one, 0, &s);
    check(s.n == 0 && s.median == 0, "no sample: zeros");
    check(stats_median(ten, 4) == 2.5 && ten[0] == 1, "stats_median leaves its input alone");
}

static void mann_whitney(void)
{
    double a[] = {10, 11, 12, 13, 14}, b[] = {5, 6, 7, 8, 9};
    double p = stats_mann_whitney(a, 5, b, 5, STATS_B_LESS);
    check(near(p, 1.0 / 252, 1e-12), "shifted 5+5, one-sided: p = 1/252 (%.6f)", p);
    p = stats_mann_whitney(a, 5, b, 5, STATS_TWO_SIDED);
    check(near(p, 2.0 / 252, 1e-12), "shifted 5+5, two-sided: p = 0.008 (%.6f)", p);
    p = stats_mann_whitney(a, 5, b, 5, STATS_B_GREATER);
    check(near(p, 1.0, 1e-12), "shifted 5+5, the other side: p = 1 (%.6f)", p);
    double same[] = {7, 7, 7, 7, 7};
    p = stats_mann_whitney(same, 5, same, 5, STATS_TWO_SIDED);
    check(p == 1, "equal samples: p = 1 (%.3f)", p);
    double mixed1[] = {1, 3, 5, 7, 9}, mixed2[] = {2, 4, 6, 8, 10};
    p = stats_mann_whitney(mixed1, 5, mixed2, 5, STATS_TWO_SIDED);
    check(p > 0.5, "interleaved samples: not significant (p = %.3f)", p);
    double x[] = {3}, y[] = {1};
    p = stats_mann_whitney(x, 1, y, 1, STATS_B_LESS);
    check(p >= 0.5, "one sample each: never significant (p = %.2f)", p);
    p = stats_mann_whitney(x, 0, y, 1, STATS_TWO_SIDED);
    check(p == 1, "an empty side: p = 1");
    double small2[] = {10, 11}, small2b[] = {1, 2};
    p = stats_mann_whitney(small2, 2, small2b, 2, STATS_B_LESS);
    check(near(p, 1.0 / 6, 1e-12), "2+2 fully shifted: p = 1/6 at best (%.4f)", p);
    /* ties: midranks; exact values by enumeration of every split */
    double t1[] = {1, 1, 2}, t2[] = {2, 3, 3};
    p = stats_mann_whitney(t1, 3, t2, 3, STATS_B_GREATER);
    check(near(p, 0.1, 1e-12), "ties 3+3, one-sided: p = 0.1 (%.6f)", p);
    p = stats_mann_whitney(t1, 3, t2, 3, STATS_TWO_SIDED);
    check(near(p, 0.2, 1e-12), "ties 3+3, two-sided: p = 0.2 (%.6f)", p);
    double t3[] = {1, 2, 2, 3, 3}, t4[] = {2, 3, 3, 4, 4};
    p = stats_mann_whitney(t3, 5, t4, 5, STATS_B_GREATER);
    check(near(p, 2.0 / 21, 1e-12), "ties 5+5, one-sided: p = 2/21 (%.6f)", p);
    /* above 40 pooled samples: the normal approximation */
    double big_a[30], big_b[30];
    for (int i = 0; i < 30; i++) {
        big_a[i] = 100 + i;
        big_b[i] = 100 + i;
    }
    p = stats_mann_whitney(big_a, 30, big_b, 30, STATS_TWO_SIDED);
    check(p > 0.9, "30+30 identical samples: p near 1 (%.4f)", p);
    for (int i = 0; i < 30; i++)
        big_b[i] = 50 + i;          /* 20 of 30 below every a: U = 20*30 + 10*10/2... clearly less */
    p = stats_mann_whitney(big_a, 30, big_b, 30, STATS_B_LESS);
    check(p < 1e-6, "30+30 shifted down by 50: p < 1e-6 (%.3g)", p);
    for (int i = 0; i < 30; i++)
        big_b[i] = (double)(100 + i / 3 * 3);      /* groups of three ties */
    p = stats_mann_whitney(big_a, 30, big_b, 30, STATS_TWO_SIDED);
    check(p > 0.3 && p <= 1, "30+30 with ties, nearly the same: not significant (p = %.3f)", p);
}

static void ratios(void)
{
    double a[] = {100, 100, 100, 100, 100}, b[] = {65, 65, 65, 65, 65};
    double est, lo, hi;
    check(stats_ratio_interval(a, 5, b, 5, &est, &lo, &hi) == 0 && near(est, 0.65, 1e-12)
              && near(lo, 0.65, 1e-12) && near(hi, 0.65, 1e-12),
          "constant samples: ratio 0.65 [0.65, 0.65]");
    double c[] = {90, 95, 100, 105, 110}, d[] = {60, 62, 65, 68, 70};
    int rc = stats_ratio_interval(c, 5, d, 5, &est, &lo, &hi);
    check(rc == 0 && est > 0.6 && est < 0.7 && lo < est
              && hi > est && lo >= 60.0 / 110 && hi <= 70.0 / 90,
          "spread samples: ratio %.4f in [%.4f, %.4f], inside the extreme ratios", est, lo, hi);
    double one_a[] = {200}, one_b[] = {100};
    check(stats_ratio_interval(one_a, 1, one_b, 1, &est, &lo, &hi) == 0 && near(est, 0.5, 1e-12) && near(lo, 0.5, 1e-12) && near(hi, 0.5, 1e-12),
          "one sample each: the ratio, no spread");
    double zero[] = {0};
    check(stats_ratio_interval(zero, 1, one_b, 1, &est, &lo, &hi) == -1, "a zero sample: refused");
    check(stats_ratio_interval(a, 0, b, 5, &est, &lo, &hi) == -1, "an empty side: refused");
}

int main(void)
{
    summaries();
    mann_whitney();
    ratios();
    return check_summary();
}
