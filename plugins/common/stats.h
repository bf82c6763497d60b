/*
** Statistics shared by the scorer plugins: moments, the normal and
** Student t distributions, and confidence intervals for proportions.
**
** Internal to the plugins (linked into each scorer from libmjstats.la,
** never exported from a module). Every function is pure: no state, no
** allocation, no errors beyond returning NAN where a result is not
** defined, so callers decide what "no data" means.
**
** Sources and checks (see /work/shared/METHODS.md §0, §2):
**   - normal quantile: Wichura, AS241 PPND16 (Applied Statistics 37(3),
**     1988), full double precision;
**   - incomplete beta: Numerical Recipes' continued fraction, evaluated
**     with the modified Lentz method;
**   - t quantile: bisection on the t CDF, so it is exactly as accurate as
**     the CDF it inverts;
**   - Wilson, adjusted-Wald (Agresti-Coull) and Wald intervals as in
**     Sauro & Lewis (2005).
*/
#ifndef MJ_STATS_H
#define MJ_STATS_H

#include <stddef.h>
#include <stdint.h>

/* z(0.975): the two-sided 95% normal quantile (METHODS.md §0). */
#define MJ_STATS_Z95 1.959963984540054

/*
** Running mean and variance (Welford 1962): one pass, numerically stable,
** no stored values. Start from MJ_STATS_ACC_INIT or a zeroed struct.
*/
typedef struct mj_stats_acc {
  uint64_t n;
  double mean;
  double m2;   /* sum of squared deviations from the running mean */
} mj_stats_acc;

#define MJ_STATS_ACC_INIT {0, 0.0, 0.0}

void mj_stats_acc_add(mj_stats_acc *a, double x);
/* The mean; NAN when n == 0. */
double mj_stats_acc_mean(const mj_stats_acc *a);
/* Sample variance (n - 1 denominator); NAN when n < 2. */
double mj_stats_acc_var(const mj_stats_acc *a);
/* Sample standard deviation; NAN when n < 2. */
double mj_stats_acc_sd(const mj_stats_acc *a);

/* Standard normal CDF Phi(z), from erfc (accurate in both tails). */
double mj_stats_norm_cdf(double z);
/* Standard normal quantile Phi^-1(p); -INF/+INF at 0/1, NAN outside. */
double mj_stats_norm_quantile(double p);

/*
** Regularized incomplete beta I_x(a, b) for a, b > 0 and 0 <= x <= 1;
** NAN otherwise. The building block of the t, F and binomial tails.
*/
double mj_stats_beta_inc(double a, double b, double x);

/* Student t CDF P(T <= t) with df > 0 degrees of freedom (df may be
** fractional, as in Welch's test); NAN for df <= 0. */
double mj_stats_t_cdf(double t, double df);
/* Upper tail P(T > t), accurate where 1 - cdf would cancel. */
double mj_stats_t_sf(double t, double df);
/* Student t quantile: the t with P(T <= t) = p; -INF/+INF at 0/1. */
double mj_stats_t_quantile(double p, double df);

/* A confidence interval; both ends NAN when not defined. */
typedef struct mj_stats_ci {
  double low, high;
} mj_stats_ci;

/*
** Intervals for a proportion x/n with normal quantile z (z = 1.96 or
** MJ_STATS_Z95 for 95%). x and n are doubles so weighted or adjusted
** counts work too. NAN ends when n <= 0, x is outside [0, n] or z <= 0.
** Ends are clipped to [0, 1]: Wilson never needs it (only against
** rounding), Wald and adjusted-Wald overshoot at small n.
**   Wilson:        (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)
**   adjusted-Wald: ñ = n + z², p̃ = (x + z²/2)/ñ, p̃ ± z·sqrt(p̃(1-p̃)/ñ)
**   Wald:          p ± z·sqrt(p(1-p)/n)
*/
mj_stats_ci mj_stats_wilson(double x, double n, double z);
mj_stats_ci mj_stats_adjusted_wald(double x, double n, double z);
mj_stats_ci mj_stats_wald(double x, double n, double z);

/*
** The t interval for a mean, x̄ ± t(level, n-1)·s/√n, where level is the
** one-sided probability in [0.5, 1) (0.975 for a two-sided 95% interval).
** NAN ends when n < 2 (no s) or level is out of range; zero width when
** s == 0.
*/
mj_stats_ci mj_stats_mean_ci(const mj_stats_acc *a, double level);

#endif
