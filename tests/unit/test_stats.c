/*
** The scorers' statistics (core/shared/stats.c) against published
** values (doc/methods.md): R t.test on sleep, scipy and statsmodels
** examples, Sauro & Lewis adjusted-Wald intervals; the tests of change,
** sample sizes, allocation and reliability functions.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "tap.h"

#define PLAN (54 + 112 + 12)

/* The two groups of R's sleep data ($VECTORS/sleep.csv). */
static void read_sleep(mj_stats_acc g[2])
{
  const char *dir = getenv("VECTORS");
  if (!dir)
    bail("VECTORS is not set: point it at tests/vectors");
  char path[4096];
  snprintf(path, sizeof path, "%s/sleep.csv", dir);
  char *text = tap_slurp(path, NULL);
  if (!text)
    bail("cannot read %s", path);
  char *save = NULL;
  int rows = 0;
  for (char *ln = strtok_r(text, "\n", &save); ln;
       ln = strtok_r(NULL, "\n", &save)) {
    double extra;
    int group, id;
    if (sscanf(ln, "%lf,%d,%d", &extra, &group, &id) != 3)
      continue; /* the header */
    if (group < 1 || group > 2)
      bail("%s: group %d", path, group);
    mj_stats_acc_add(&g[group - 1], extra);
    rows++;
  }
  free(text);
  if (rows != 20)
    bail("%s: %d data rows, want 20", path, rows);
}

/* Two groups as counts per distinct value, ascending; returns how many
** values (c1 and c2 need n1 + n2 cells). */
static size_t to_counts(const double *x, size_t n1, const double *y,
                        size_t n2, double *c1, double *c2)
{
  double v[64];
  size_t k = 0;
  for (size_t i = 0; i < n1 + n2; i++) {
    double a = i < n1 ? x[i] : y[i - n1];
    size_t j = 0;
    while (j < k && v[j] < a)
      j++;
    if (j < k && v[j] == a)
      continue;
    memmove(v + j + 1, v + j, (k - j) * sizeof *v);
    v[j] = a;
    k++;
  }
  for (size_t j = 0; j < k; j++) {
    c1[j] = c2[j] = 0;
    for (size_t i = 0; i < n1; i++)
      c1[j] += x[i] == v[j];
    for (size_t i = 0; i < n2; i++)
      c2[j] += y[i] == v[j];
  }
  return k;
}

/* Delighted's CSAT counts (doc/methods.md#csat): 5→42, 4→32, 3→10, 2→9,
** 1→14. */
static void delighted(mj_stats_acc *a)
{
  static const int counts[] = {14, 9, 10, 32, 42};
  for (int v = 1; v <= 5; v++)
    for (int k = 0; k < counts[v - 1]; k++)
      mj_stats_acc_add(a, v);
}

/* The tests of doc/methods.md#change-between-cycles and two-wave NPS. */
static void tests_of_change(const mj_stats_acc g[2])
{
  /* [PUB] statsmodels proportions_ztest([5, 12], [83, 99]). */
  mj_stats_test t = mj_stats_two_proportion(5, 83, 12, 99);
  is_rel(-1.4078304151258787, t.stat, 1e-12, "two_proportion z (statsmodels)");
  is_rel(0.15918129181156992, t.p, 1e-12, "two_proportion p (statsmodels)");
  ok(isnan(t.df) && t.z == t.stat, "two_proportion: z test, no df");
  is_rel(1.9819865, t.stat * t.stat, 5e-8, "z² is the uncorrected chi²");
  /* [SELF] Likert T2B 9/12 after vs 4/12 before. */
  t = mj_stats_two_proportion(9, 12, 4, 12);
  is_double(2.0483662, t.stat, 5e-8, "T2B after vs before z 2.0483662");
  is_double(0.0405241, t.p, 5e-8, "T2B after vs before p 0.0405241");
  ok(isnan(mj_stats_two_proportion(0, 10, 0, 12).p) &&
         isnan(mj_stats_two_proportion(10, 10, 12, 12).p),
     "two_proportion: all 0 or all 1 is not testable (NaN)");
  ok(isnan(mj_stats_two_proportion(0, 0, 3, 12).p) &&
         isnan(mj_stats_two_proportion(13, 12, 3, 12).p),
     "two_proportion: n = 0 or x > n is NaN");
  is_rel(1.0, mj_stats_two_proportion(1, 2, 2, 4).p, 1e-15,
         "two_proportion: n = 1 works (equal shares: p = 1)");

  /* [PUB] R t.test(extra ~ group, data = sleep), from summaries. */
  double tw = -1.8608134674868526, dfw = 17.776473516178495;
  t = mj_stats_welch_summary(mj_stats_acc_mean(&g[0]), mj_stats_acc_sd(&g[0]),
                             10, mj_stats_acc_mean(&g[1]),
                             mj_stats_acc_sd(&g[1]), 10);
  is_rel(tw, t.stat, 1e-12, "welch_summary t, sleep");
  is_rel(dfw, t.df, 1e-12, "welch_summary df, sleep");
  is_double(0.07939, t.p, 5e-6, "welch_summary p 0.07939 (R)");
  is_double(0.0793941, t.p, 5e-8, "welch_summary p full precision");
  /* [SELF] Likert before/after, from raw values. */
  static const double before[] = {3, 4, 2, 3, 3, 4, 5, 2, 3, 4, 3, 2};
  static const double after[] = {4, 4, 3, 5, 4, 5, 5, 3, 4, 4, 5, 3};
  t = mj_stats_welch(before, 12, after, 12);
  is_double(-2.586202, t.stat, 5e-7, "welch Likert t -2.586202");
  is_double(21.411207, t.df, 5e-7, "welch Likert df 21.411207");
  is_double(0.0170691, t.p, 5e-8, "welch Likert p 0.0170691");
  ok(isnan(mj_stats_welch(before, 1, after, 12).p) &&
         isnan(mj_stats_welch_summary(3, 1, 12, 4, 1, 0).p),
     "welch: a group with n < 2 is NaN");
  ok(isnan(mj_stats_welch_summary(3, 0, 12, 4, 0, 12).p),
     "welch: both sd 0 is NaN");
  t = mj_stats_welch_summary(3, 0, 12, 4, 1, 12);
  is_rel(-sqrt(12.0), t.stat, 1e-14, "welch: one sd 0 still tests");
  is_rel(11, t.df, 1e-14, "welch: one sd 0 gives df n2 - 1");

  /* Mann-Whitney. */
  double work[40];
  static const double males[] = {19, 22, 16, 29, 24};
  static const double females[] = {20, 11, 17, 12};
  t = mj_stats_mann_whitney(males, 5, females, 4, MJ_STATS_MWU_AUTO, work);
  is_double(17.0, t.stat, 0, "mwu U1 17 (scipy docstring)");
  is_rel(0.1111111111111111, t.p, 1e-14, "mwu auto = exact p 1/9 (scipy)");
  t = mj_stats_mann_whitney(females, 4, males, 5, MJ_STATS_MWU_EXACT, work);
  is_double(3.0, t.stat, 0, "mwu U1 3 with the groups swapped");
  is_rel(0.05555555555555555, t.p / 2, 1e-14, "mwu exact one-sided 1/18");
  t = mj_stats_mann_whitney(males, 5, females, 4, MJ_STATS_MWU_ASYMPTOTIC,
                            work);
  is_rel(0.11134688653314041, t.p, 1e-12, "mwu asymptotic cc (scipy)");
  t = mj_stats_mann_whitney(males, 5, females, 4, MJ_STATS_MWU_ASYMPTOTIC_NOCC,
                            work);
  is_rel(0.0864107329737, t.p, 1e-11, "mwu asymptotic no cc (scipy)");
  /* [PUB] R wilcox.test(extra ~ group, data = sleep): ties. */
  {
    static const double s1[] = {0.7, -1.6, -0.2, -1.2, -0.1,
                                3.4, 3.7,  0.8,  0.0,  2.0};
    static const double s2[] = {1.9, 0.8, 1.1, 0.1, -0.1,
                                4.4, 5.5, 1.6, 4.6, 3.4};
    t = mj_stats_mann_whitney(s1, 10, s2, 10, MJ_STATS_MWU_AUTO, work);
    is_double(25.5, t.stat, 0, "mwu sleep W 25.5 (R)");
    is_double(0.06933, t.p, 5e-6, "mwu sleep p 0.06933 (R)");
    is_double(0.0693276, t.p, 5e-8, "mwu sleep p 0.0693276");
    is_double(-1.8162791, -t.z, 5e-8, "mwu sleep |z| 1.8162791");
  }
  t = mj_stats_mann_whitney(before, 12, after, 12, MJ_STATS_MWU_AUTO, work);
  is_double(34, t.stat, 0, "mwu Likert U1 34");
  is_double(2.2615139, t.z, 5e-8, "mwu Likert z 2.2615139");
  is_double(0.0237275, t.p, 5e-8, "mwu Likert p 0.0237275 (cc)");
  t = mj_stats_mann_whitney(before, 12, after, 12, MJ_STATS_MWU_ASYMPTOTIC_NOCC,
                            work);
  is_double(0.0219248, t.p, 5e-8, "mwu Likert p 0.0219248 (no cc)");
  ok(isnan(
         mj_stats_mann_whitney(before, 12, after, 12, MJ_STATS_MWU_EXACT, work)
             .p),
     "mwu exact with ties is NaN");
  t = mj_stats_mann_whitney((const double[]){3, 3}, 2, (const double[]){3}, 1,
                            MJ_STATS_MWU_AUTO, work);
  ok(t.stat == 1.0 && isnan(t.p), "mwu all tied: U1 1, p NaN");
  ok(isnan(mj_stats_mann_whitney(before, 0, after, 12, MJ_STATS_MWU_AUTO, work)
               .stat),
     "mwu n = 0 is NaN");
  t = mj_stats_mann_whitney((const double[]){1}, 1, (const double[]){2}, 1,
                            MJ_STATS_MWU_AUTO, work);
  ok(t.stat == 0.0 && t.p == 1.0, "mwu n = 1 each: U1 0, exact p 1");

  /* Mann-Whitney from counts per category (as cycles store scales). */
  {
    /* [SELF] Likert before/after: values 1..5. */
    static const double cb[] = {0, 3, 5, 3, 1}, ca[] = {0, 0, 3, 5, 4};
    t = mj_stats_mann_whitney_counts(cb, ca, 5, MJ_STATS_MWU_AUTO);
    is_double(34, t.stat, 0, "mwu counts: Likert U1 34");
    is_double(2.2615139, t.z, 5e-8, "mwu counts: Likert z 2.2615139");
    is_double(0.0237275, t.p, 5e-8, "mwu counts: Likert p 0.0237275 (cc)");
    mj_stats_test v =
        mj_stats_mann_whitney(before, 12, after, 12, MJ_STATS_MWU_AUTO, work);
    is_rel(v.p, t.p, 1e-14, "mwu counts: same p as from the values");
    t = mj_stats_mann_whitney_counts(ca, cb, 5, MJ_STATS_MWU_AUTO);
    ok(t.stat == 110 && fabs(t.p - v.p) < 1e-15,
       "mwu counts: groups swapped give U2 110, same p");
    t = mj_stats_mann_whitney_counts(cb, ca, 5, MJ_STATS_MWU_ASYMPTOTIC_NOCC);
    is_double(0.0219248, t.p, 5e-8, "mwu counts: Likert p 0.0219248 (no cc)");
    /* A thousand times the answers: the counts form takes any n and
    ** agrees with the values form on the expanded data. */
    double big1[5], big2[5], *x = malloc(24000 * sizeof *x),
                           *w = malloc(24000 * sizeof *w);
    if (!x || !w)
      bail("out of memory");
    size_t n1 = 0, n2 = 12000;
    for (int j = 0; j < 5; j++) {
      big1[j] = 1000 * cb[j];
      big2[j] = 1000 * ca[j];
      for (int r = 0; r < 1000 * (int)cb[j]; r++)
        x[n1++] = j + 1;
      for (int r = 0; r < 1000 * (int)ca[j]; r++)
        x[n2++] = j + 1;
    }
    t = mj_stats_mann_whitney_counts(big1, big2, 5, MJ_STATS_MWU_AUTO);
    v = mj_stats_mann_whitney(x, 12000, x + 12000, 12000, MJ_STATS_MWU_AUTO, w);
    ok(n1 == 12000 && n2 == 24000 && t.stat == v.stat &&
           fabs(t.p - v.p) <= 1e-12 * v.p,
       "mwu counts: 12000 answers a group agree with the values form");
    free(x);
    free(w);
  }
  {
    /* [PUB] R sleep and scipy Shier data as one category per value. */
    static const double s1[] = {0.7, -1.6, -0.2, -1.2, -0.1,
                                3.4, 3.7,  0.8,  0.0,  2.0};
    static const double s2[] = {1.9, 0.8, 1.1, 0.1, -0.1,
                                4.4, 5.5, 1.6, 4.6, 3.4};
    double c1[20], c2[20];
    size_t k = to_counts(s1, 10, s2, 10, c1, c2);
    t = mj_stats_mann_whitney_counts(c1, c2, k, MJ_STATS_MWU_AUTO);
    is_double(25.5, t.stat, 0, "mwu counts: sleep W 25.5 (R)");
    is_double(0.0693276, t.p, 5e-8, "mwu counts: sleep p 0.0693276 (R)");
    k = to_counts(males, 5, females, 4, c1, c2);
    t = mj_stats_mann_whitney_counts(c1, c2, k, MJ_STATS_MWU_AUTO);
    is_rel(0.1111111111111111, t.p, 1e-14,
           "mwu counts: no ties, auto is exact 1/9 (scipy)");
    t = mj_stats_mann_whitney_counts(c1, c2, k, MJ_STATS_MWU_ASYMPTOTIC);
    is_rel(0.11134688653314041, t.p, 1e-12,
           "mwu counts: Shier asymptotic cc (scipy)");
    ok(isnan(mj_stats_mann_whitney_counts((const double[]){1, -1},
                                          (const double[]){1, 1}, 2,
                                          MJ_STATS_MWU_AUTO)
                 .stat) &&
           isnan(mj_stats_mann_whitney_counts((const double[]){1, 0.5},
                                              (const double[]){1, 1}, 2,
                                              MJ_STATS_MWU_AUTO)
                     .stat) &&
           isnan(mj_stats_mann_whitney_counts((const double[]){0, 0},
                                              (const double[]){1, 1}, 2,
                                              MJ_STATS_MWU_AUTO)
                     .stat),
       "mwu counts: a negative or fractional count, or an empty group, is "
       "NaN");
  }

  /* χ². */
  mj_stats_chi2 c =
      mj_stats_chi2_test((const double[]){10, 10, 20, 20, 20, 20}, 2, 3);
  is_rel(2.7777777777777777, c.test.stat, 1e-14, "chi2 (scipy docstring)");
  is_rel(0.24935220877729619, c.test.p, 1e-12, "chi2 p (scipy)");
  is_double(2, c.test.df, 0, "chi2 df 2");
  is_rel(2.7688587616781319, c.g, 1e-14, "G-test (scipy)");
  is_rel(0.25046668010954165, c.g_p, 1e-12, "G-test p (scipy)");
  ok(!c.warn && c.min_expected == 12, "chi2: min E 12, no warning");
  c = mj_stats_chi2_test((const double[]){762, 327, 468, 484, 239, 477}, 2, 3);
  is_double(30.07, c.test.stat, 5e-3, "chi2 Agresti 30.07 (R)");
  is_double(30.070149, c.test.stat, 5e-7, "chi2 Agresti 30.070149");
  is_double(2.954e-07, c.test.p, 5e-11, "chi2 Agresti p 2.954e-07 (R)");
  is_double(2.95359e-07, c.test.p, 5e-13, "chi2 Agresti p 2.95359e-07");
  c = mj_stats_chi2_test((const double[]){0, 3, 5, 3, 1, 0, 0, 3, 5, 4}, 2, 5);
  is_double(5.8, c.test.stat, 1e-12, "chi2 Likert 5.8 (empty column dropped)");
  is_double(3, c.test.df, 0, "chi2 Likert df 3");
  is_double(0.1217566, c.test.p, 5e-8, "chi2 Likert p 0.1217566");
  ok(c.warn && c.min_expected == 1.5 && c.n_cells == 8,
     "chi2 Likert: min E 1.5, Cochran warning");
  ok(isnan(mj_stats_chi2_test((const double[]){1, 2, 3}, 1, 3).test.p) &&
         isnan(
             mj_stats_chi2_test((const double[]){1, 0, 2, 0}, 2, 2).test.stat),
     "chi2: fewer than 2 rows or columns is NaN");
  ok(isnan(mj_stats_chi2_test((const double[]){1, -2, 3, 4}, 2, 2).test.p),
     "chi2: a negative count is NaN");
  is_rel(0.05, mj_stats_chi2_sf(3.841458820694124, 1), 1e-13,
         "chi2_sf(3.8415, 1) = 0.05");
  is_rel(exp(-7.5), mj_stats_gamma_q(1, 7.5), 1e-14, "Q(1, x) = e^-x");
  is_rel(1 - exp(-0.25), mj_stats_gamma_p(1, 0.25), 1e-14,
         "P(1, x) = 1 - e^-x");

  /* [SELF] NPS A (20/30/50) vs B (30/42/48). */
  t = mj_stats_nps_diff(0.5, 0.2, 100, 0.4, 0.25, 120);
  is_double(1.409264, t.stat, 5e-7, "nps_diff Wald z 1.409264");
  is_double(0.158757, t.p, 5e-7, "nps_diff Wald p 0.158757");
  t = mj_stats_nps_diff_adjusted(50, 20, 100, 48, 30, 120);
  is_double(1.381976, t.stat, 5e-7, "nps_diff adjusted z 1.381976");
  is_double(0.166979, t.p, 5e-7, "nps_diff adjusted p 0.166979");
  ok(isnan(mj_stats_nps_diff(1, 0, 5, 1, 0, 9).p),
     "nps_diff: all promoters in both waves is NaN");
  ok(isnan(mj_stats_nps_diff(0.5, 0.2, 0, 0.4, 0.25, 120).p) &&
         isnan(mj_stats_nps_diff(0.7, 0.5, 10, 0.4, 0.25, 120).p),
     "nps_diff: n = 0 or P + D > 1 is NaN");
  mj_stats_ci ci = mj_stats_nps_wald(0.5, 0.2, 100, MJ_STATS_Z95);
  ok(fabs(ci.low - 0.146922) <= 5e-7 && fabs(ci.high - 0.453078) <= 5e-7,
     "nps_wald A [0.146922, 0.453078]");
  ci = mj_stats_nps_wald(0.4, 0.25, 120, MJ_STATS_Z95);
  ok(fabs(ci.low - 0.008269) <= 5e-7 && fabs(ci.high - 0.291731) <= 5e-7,
     "nps_wald B [0.008269, 0.291731]");
  ci = mj_stats_nps_wald(9.0 / 11, 2.0 / 11, 11, MJ_STATS_Z95);
  ok(fabs(ci.low - 0.1805) <= 5e-5 && ci.high == 1.0,
     "nps_wald 9/2 of 11: [0.1805, 1.092] clipped to 1");
  ci = mj_stats_nps_wald(1, 0, 1, MJ_STATS_Z95);
  ok(ci.low == 1 && ci.high == 1, "nps_wald n = 1: zero width");
}

/* Sample size, allocation, the stratified estimator
** (doc/methods.md#sample-size-and-allocation). */
static void sample_sizes(void)
{
  double n0 = mj_stats_n0_proportion(0.5, 0.05, 1.96);
  is_rel(384.16, n0, 1e-12, "n0 0.5/0.05 = 384.16");
  is_double(385, mj_stats_ceil(n0), 0, "ceiling 385");
  is_double(277.7408, mj_stats_fpc_apply(n0, 1000, MJ_STATS_FPC_A), 5e-5,
            "FPC (a) N 1000: 277.7408");
  is_double(277.5402, mj_stats_fpc_apply(n0, 1000, MJ_STATS_FPC_B), 5e-5,
            "FPC (b) N 1000: 277.5402");
  is_double(222.6135, mj_stats_fpc_apply(n0, 528, MJ_STATS_FPC_A), 5e-5,
            "FPC (a) N 528: 222.6135");
  is_double(222.3694, mj_stats_fpc_apply(n0, 528, MJ_STATS_FPC_B), 5e-5,
            "FPC (b) N 528: 222.3694");
  is_double(223, mj_stats_ceil(mj_stats_fpc_apply(n0, 528, MJ_STATS_FPC_A)), 0,
            "N 528: ceiling 223");
  is_double(79.5099, mj_stats_fpc_apply(n0, 100, MJ_STATS_FPC_A), 5e-5,
            "FPC (a) N 100: 79.5099");
  is_double(79.3457, mj_stats_fpc_apply(n0, 100, MJ_STATS_FPC_B), 5e-5,
            "FPC (b) N 100: 79.3457");
  is_double(222.3, mj_stats_fpc_apply(384, 528, MJ_STATS_FPC_B), 5e-2,
            "gist: 384 / (1 + 384/528) = 222.3 (published 222)");
  is_double(n0, mj_stats_fpc_apply(n0, INFINITY, MJ_STATS_FPC_A), 0,
            "FPC with N infinite is n0");
  is_double(1068, mj_stats_ceil(mj_stats_n0_proportion(0.5, 0.03, 1.96)), 0,
            "0.5/0.03: 1067.111 -> 1068");
  is_double(322.694, mj_stats_n0_proportion(0.3, 0.05, 1.96), 5e-4,
            "0.3/0.05: 322.694");
  n0 = mj_stats_n0_proportion(0.5, 0.05, MJ_STATS_Z95);
  ok(fabs(n0 - 384.1459) <= 5e-5 && mj_stats_ceil(n0) == 385,
     "exact z: 384.1459 -> 385");
  is_double(553.19, mj_stats_n0_mean(1.2, 0.1, 1.96), 5e-3,
            "mean s 1.2, e 0.1: 553.19");
  is_double(554, mj_stats_ceil(mj_stats_n0_mean(1.2, 0.1, 1.96)), 0,
            "mean: ceiling 554");
  is_double(1537, mj_stats_ceil(mj_stats_n0_mean(1, 0.05, 1.96)), 0,
            "NPS worst case e 0.05: 1537");
  is_double(1025, mj_stats_ceil(mj_stats_n0_mean(sqrt(2.0 / 3), 0.05, 1.96)), 0,
            "NPS sigma² 2/3, e 0.05: 1025");
  is_double(257, mj_stats_ceil(mj_stats_n0_mean(sqrt(2.0 / 3), 0.1, 1.96)), 0,
            "NPS sigma² 2/3, e 0.10: 257");
  is_double(384, mj_stats_ceil(384.00000000000006), 0,
            "ceil forgives rounding noise");
  ok(isnan(mj_stats_n0_proportion(0.5, 0, 1.96)) &&
         isnan(mj_stats_fpc_apply(100, 0, MJ_STATS_FPC_A)),
     "e = 0 or N = 0 is NaN");

  /* samplingbook stratasamp inputs. */
  static const double Nh[] = {5234, 2586, 649, 157};
  static const double Sh[] = {251, 1165, 8035, 24725};
  double ex[4], al[4];
  is_int(0, mj_stats_allocate(500, Nh, NULL, 4, 2, ex, al), "proportional ok");
  ok(fabs(ex[0] - 303.3851) <= 5e-5 && fabs(ex[1] - 149.8957) <= 5e-5 &&
         fabs(ex[2] - 37.6188) <= 5e-5 && fabs(ex[3] - 9.1004) <= 5e-5,
     "proportional exact 303.3851 149.8957 37.6188 9.1004");
  ok(al[0] == 303 && al[1] == 150 && al[2] == 38 && al[3] == 9,
     "proportional largest remainder 303 150 38 9");
  is_int(0, mj_stats_allocate(500, Nh, Sh, 4, 2, ex, al), "Neyman ok");
  ok(fabs(ex[0] - 48.9361) <= 5e-5 && fabs(ex[1] - 112.2215) <= 5e-5 &&
         fabs(ex[2] - 194.2460) <= 5e-5 && fabs(ex[3] - 144.5964) <= 5e-5,
     "Neyman exact 48.9361 112.2215 194.2460 144.5964");
  ok(al[0] == 49 && al[1] == 112 && al[2] == 194 && al[3] == 145,
     "Neyman largest remainder 49 112 194 145");
  /* sampleone help inputs. */
  static const double Nk[] = {1540, 770, 385}, sg[] = {2.6, 3, 3.3};
  mj_stats_allocate(261, Nk, sg, 3, 2, ex, al);
  ok(fabs(ex[0] - 137.7868) <= 5e-5 && fabs(ex[1] - 79.4924) <= 5e-5 &&
         fabs(ex[2] - 43.7208) <= 5e-5,
     "sampleone Neyman 137.7868 79.4924 43.7208");
  mj_stats_allocate(120, Nk, NULL, 3, 2, ex, al);
  ok(fabs(ex[0] - 68.5714) <= 5e-5 && fabs(ex[1] - 34.2857) <= 5e-5 &&
         fabs(ex[2] - 17.1429) <= 5e-5 && al[0] + al[1] + al[2] == 120,
     "sampleone proportional 68.5714 34.2857 17.1429, sum 120");
  /* Bounds: a stratum capped at N_h, one raised to 2. */
  mj_stats_allocate(10, (const double[]){3, 100}, (const double[]){100, 1}, 2,
                    2, ex, al);
  ok(ex[0] == 3 && ex[1] == 7 && al[0] == 3 && al[1] == 7,
     "Neyman capped at N_h = 3, excess to the other stratum");
  mj_stats_allocate(10, (const double[]){1000, 5}, NULL, 2, 2, ex, al);
  ok(al[0] == 8 && al[1] == 2, "n_h >= 2 enforced (8, 2)");
  ok(mj_stats_allocate(200, (const double[]){100, 50}, NULL, 2, 2, ex, al) ==
             -1 &&
         mj_stats_allocate(3, (const double[]){100, 50}, NULL, 2, 2, ex, al) ==
             -1,
     "allocate: n > N or n below the minimums is refused");

  double se;
  double p = mj_stats_stratified_p((const double[]){600, 300, 100},
                                   (const double[]){60, 30, 10},
                                   (const double[]){0.8, 0.6, 0.3}, 3, &se);
  is_double(0.69, p, 1e-12, "stratified p 0.69");
  is_double(0.0419403, se, 5e-8, "stratified SE 0.0419403");
  ok(isnan(mj_stats_stratified_p((const double[]){600}, (const double[]){1},
                                 (const double[]){0.5}, 1, &se)) &&
         isnan(se),
     "stratified: n_h = 1 is NaN");
}

/* Reliability functions; the datasets are in test_reliability. */
static void reliability(void)
{
  /* Two identical items: α = 2·(1 − 2v/4v) = 1. */
  static const double same[] = {1, 1, 2, 2, 4, 4, 5, 5};
  double it[3], dr[3];
  size_t used;
  is_rel(1.0, mj_stats_cronbach(same, 4, 2, NULL, 2, &used, it, dr), 1e-14,
         "alpha of two equal items is 1");
  ok(used == 4 && it[0] == 1.0 && isnan(dr[0]),
     "two items: r.drop 1, alpha if deleted NaN (one item left)");
  static const double miss[] = {1, 2, 0, NAN, 7, 0, 3, 4, 0, 5, 5, 0};
  double a = mj_stats_cronbach(miss, 4, 3, (const size_t[]){0, 1}, 2, &used,
                               NULL, NULL);
  ok(used == 3 && a == mj_stats_cronbach((const double[]){1, 2, 3, 4, 5, 5}, 3,
                                         2, NULL, 2, NULL, NULL, NULL),
     "listwise: rows with a NaN in the selected columns are left out");
  ok(isnan(mj_stats_cronbach(same, 4, 2, NULL, 1, &used, it, NULL)) &&
         isnan(it[0]),
     "k < 2: NaN");
  ok(isnan(mj_stats_cronbach(same, 1, 2, NULL, 2, &used, NULL, NULL)) &&
         used == 1,
     "n < 2: NaN");
  ok(isnan(mj_stats_cronbach((const double[]){3, 3, 3, 3}, 2, 2, NULL, 2, &used,
                             NULL, NULL)),
     "zero total variance: NaN");
  /* [PUB] pingouin Feldt interval for alpha 0.5917188485995826. */
  mj_stats_ci ci = mj_stats_feldt(0.5917188485995826, 15, 10, 0.95);
  ok(fabs(ci.low - 0.195) <= 5e-4 && fabs(ci.high - 0.840) <= 5e-4,
     "Feldt CI [0.195, 0.840] (pingouin)");
  is_rel(0.75, mj_stats_f_cdf(3, 2, 2), 1e-14, "F(2,2) CDF x/(1+x)");
  is_rel(3, mj_stats_f_quantile(0.75, 2, 2), 1e-14, "F(2,2) quantile");
}

int main(void)
{
  plan(PLAN);

  /* Normal distribution. */
  is_rel(MJ_STATS_Z95, mj_stats_norm_quantile(0.975), 1e-15, "z(0.975)");
  is_rel(-MJ_STATS_Z95, mj_stats_norm_quantile(0.025), 1e-15, "z(0.025)");
  is_double(0.0, mj_stats_norm_quantile(0.5), 0.0, "z(0.5) = 0");
  ok(isinf(mj_stats_norm_quantile(0.0)) && mj_stats_norm_quantile(0.0) < 0,
     "z(0) = -inf");
  ok(isnan(mj_stats_norm_quantile(1.5)), "z(1.5) is NaN");
  is_rel(1e-10, mj_stats_norm_cdf(mj_stats_norm_quantile(1e-10)), 1e-12,
         "Phi(z(1e-10)) round trip in the far tail");
  /* statsmodels proportions_ztest([5, 12], [83, 99]), pooled. */
  double p1 = 5.0 / 83, p2 = 12.0 / 99, pp = 17.0 / 182;
  double z = (p1 - p2) / sqrt(pp * (1 - pp) * (1.0 / 83 + 1.0 / 99));
  is_rel(-1.4078304151258787, z, 1e-12, "two-proportion z (statsmodels)");
  is_rel(0.15918129181156992, 2 * mj_stats_norm_cdf(z), 1e-12,
         "two-proportion p (statsmodels)");
  z = (p1 - 0.05) / sqrt(p1 * (1 - p1) / 83);
  is_rel(0.694965098115, 2 * (1 - mj_stats_norm_cdf(fabs(z))), 1e-11,
         "one-sample p 5/83 vs 0.05 (statsmodels)");

  /* Incomplete beta: closed forms. */
  is_double(0.5, mj_stats_beta_inc(2, 2, 0.5), 1e-15, "I_0.5(2,2) = 0.5");
  is_double(0.3, mj_stats_beta_inc(1, 1, 0.3), 1e-15, "I_x(1,1) = x");
  is_double(0.064, mj_stats_beta_inc(3, 1, 0.4), 1e-15, "I_x(3,1) = x^3");
  is_double(1 - pow(0.6, 4), mj_stats_beta_inc(1, 4, 0.4), 1e-15,
            "I_x(1,4) = 1 - (1-x)^4");
  ok(isnan(mj_stats_beta_inc(0, 1, 0.5)), "I_x(0, b) is NaN");
  ok(isnan(mj_stats_beta_inc(1, 1, 1.5)), "I_1.5 is NaN");

  /* Student t against R and scipy. */
  double tw = -1.8608134674868526, dfw = 17.776473516178495;
  is_double(0.07939, 2 * mj_stats_t_cdf(tw, dfw), 5e-6,
            "Welch p, sleep (R t.test, printed 0.07939)");
  is_double(0.0793941, 2 * mj_stats_t_cdf(tw, dfw), 5e-8,
            "Welch p, sleep (full precision)");
  is_double(0.0791867, 2 * mj_stats_t_cdf(tw, 18), 5e-8,
            "Student pooled p, sleep");
  is_rel(0.030068441095757924, mj_stats_t_cdf(-2.239334696520584, 7), 1e-10,
         "ttest_ind less, df 7 (scipy)");
  is_rel(mj_stats_t_sf(1.3, 4.5), mj_stats_t_cdf(-1.3, 4.5), 1e-15,
         "t symmetric");
  is_double(1.9842170, mj_stats_t_quantile(0.975, 99), 5e-8, "t(0.975, 99)");
  is_rel(12.706204736174707, mj_stats_t_quantile(0.975, 1), 1e-12,
         "t(0.975, 1) = tan(0.475 pi)");
  is_rel(0.3, mj_stats_t_cdf(mj_stats_t_quantile(0.3, 2.5), 2.5), 1e-12,
         "t quantile inverts the CDF");
  ok(isnan(mj_stats_t_cdf(1, 0)), "t with df 0 is NaN");
  is_rel(MJ_STATS_Z95, mj_stats_t_quantile(0.975, INFINITY), 1e-15,
         "t with infinite df is normal");

  /* Moments and the mean interval on R's sleep data. */
  mj_stats_acc g[2] = {MJ_STATS_ACC_INIT, MJ_STATS_ACC_INIT};
  read_sleep(g);
  is_double(0.75, mj_stats_acc_mean(&g[0]), 1e-12, "sleep group 1 mean");
  is_double(2.33, mj_stats_acc_mean(&g[1]), 1e-12, "sleep group 2 mean");
  is_double(1.7890097, mj_stats_acc_sd(&g[0]), 5e-8, "sleep group 1 s");
  mj_stats_ci ci = mj_stats_mean_ci(&g[0], 0.975);
  is_double(-0.529780, ci.low, 5e-7, "sleep group 1 mean CI low");
  is_double(2.029780, ci.high, 5e-7, "sleep group 1 mean CI high");
  {
    /* Welch's interval rebuilt from the moments: R t.test. */
    double v1 = mj_stats_acc_var(&g[0]) / 10, v2 = mj_stats_acc_var(&g[1]) / 10;
    double se = sqrt(v1 + v2);
    double df = (v1 + v2) * (v1 + v2) / (v1 * v1 / 9 + v2 * v2 / 9);
    double d = mj_stats_acc_mean(&g[0]) - mj_stats_acc_mean(&g[1]);
    double t = mj_stats_t_quantile(0.975, df);
    is_rel(dfw, df, 1e-12, "Welch df, sleep");
    is_rel(tw, d / se, 1e-12, "Welch t, sleep");
    is_double(-3.3654832, d - t * se, 5e-8, "Welch CI low (R t.test)");
    is_double(0.2054832, d + t * se, 5e-8, "Welch CI high (R t.test)");
  }
  mj_stats_acc a = MJ_STATS_ACC_INIT;
  delighted(&a);
  is_int(107, (long long)a.n, "Delighted n");
  is_double(3.738318, mj_stats_acc_mean(&a), 5e-7, "Delighted mean");
  is_double(1.396332, mj_stats_acc_sd(&a), 5e-7, "Delighted s");
  ci = mj_stats_mean_ci(&a, 0.975);
  is_double(3.470690, ci.low, 5e-7, "Delighted mean CI low");
  is_double(4.005946, ci.high, 5e-7, "Delighted mean CI high");

  /* Edge cases of the moments. */
  mj_stats_acc e = MJ_STATS_ACC_INIT;
  ok(isnan(mj_stats_acc_mean(&e)), "mean of nothing is NaN");
  mj_stats_acc_add(&e, 4);
  ok(isnan(mj_stats_acc_var(&e)) && isnan(mj_stats_mean_ci(&e, 0.975).low),
     "n = 1: no variance, no interval");
  mj_stats_acc_add(&e, 4);
  ci = mj_stats_mean_ci(&e, 0.975);
  ok(ci.low == 4 && ci.high == 4, "all equal: zero-width interval");

  /* Proportion intervals. */
  ci = mj_stats_wilson(4, 5, 1.959964);
  is_double(0.375535, ci.low, 5e-7, "Wilson 4/5 low");
  is_double(0.963776, ci.high, 5e-7, "Wilson 4/5 high");
  ci = mj_stats_wilson(7, 10, 1.959964);
  ok(fabs(ci.low - 0.396778) <= 5e-7 && fabs(ci.high - 0.892209) <= 5e-7,
     "Wilson 7/10 [0.396778, 0.892209]");
  ci = mj_stats_wilson(65, 100, MJ_STATS_Z95);
  ok(fabs(ci.low - 0.552544) <= 5e-7 && fabs(ci.high - 0.736358) <= 5e-7,
     "Wilson 65/100 [0.552544, 0.736358]");
  ci = mj_stats_adjusted_wald(4, 5, 1.96);
  ok(fabs(ci.low - 0.3596) <= 5e-5 && fabs(ci.high - 0.9797) <= 5e-5,
     "adjusted Wald 4/5 [0.3596, 0.9797] (Sauro & Lewis)");
  ci = mj_stats_adjusted_wald(7, 10, 1.96);
  ok(fabs(ci.low - 0.3923) <= 5e-5 && fabs(ci.high - 0.8967) <= 5e-5,
     "adjusted Wald 7/10 [0.3923, 0.8967]");
  ci = mj_stats_adjusted_wald(3, 10, 1.96);
  ok(fabs(ci.low - 0.1033) <= 5e-5 && fabs(ci.high - 0.6077) <= 5e-5,
     "adjusted Wald 3/10 [0.1033, 0.6077]");
  ci = mj_stats_wald(65, 100, MJ_STATS_Z95);
  ok(fabs(ci.low - 0.556516) <= 5e-7 && fabs(ci.high - 0.743484) <= 5e-7,
     "Wald 65/100 [0.556516, 0.743484]");
  ci = mj_stats_wald(1, 2, MJ_STATS_Z95);
  ok(ci.low == 0.0 && ci.high == 1.0, "Wald 1/2 clipped to [0, 1]");
  ci = mj_stats_wilson(0, 0, MJ_STATS_Z95);
  ok(isnan(ci.low) && isnan(ci.high), "Wilson with n = 0 is NaN");
  ci = mj_stats_wilson(6, 5, MJ_STATS_Z95);
  ok(isnan(ci.low), "Wilson with x > n is NaN");
  ci = mj_stats_wilson(5, 5, MJ_STATS_Z95);
  ok(ci.high == 1.0 && ci.low > 0.5 && ci.low < 1.0,
     "Wilson 5/5 stays inside (0.5, 1]");
  ci = mj_stats_wilson(0, 12, MJ_STATS_Z95);
  ok(ci.low == 0.0 && fabs(ci.high - 0.24249400665524096) < 1e-15,
     "Wilson 0/12: low exactly 0 (statsmodels [0, 0.242494])");

  tests_of_change(g);
  sample_sizes();
  reliability();
  return tap_done();
}
