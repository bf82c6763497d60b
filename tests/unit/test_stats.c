/*
** The scorers' statistics (plugins/common/stats.c) against published
** values (METHODS.md §2 and §7): R t.test on sleep, scipy and statsmodels
** examples, Sauro & Lewis adjusted-Wald intervals.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "tap.h"

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

/* Delighted's CSAT counts (METHODS §2): 5→42, 4→32, 3→10, 2→9, 1→14. */
static void delighted(mj_stats_acc *a)
{
  static const int counts[] = {14, 9, 10, 32, 42};
  for (int v = 1; v <= 5; v++)
    for (int k = 0; k < counts[v - 1]; k++)
      mj_stats_acc_add(a, v);
}

int main(void)
{
  plan(54);

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

  return tap_done();
}
