/*
** Statistics shared by the scorer plugins (see stats.h for the sources).
*/
#include "stats.h"

#include <float.h>
#include <math.h>

#define SQRT1_2 0.70710678118654752440

/*
** The continued fraction converges in O(sqrt(max(a, b))) terms; this
** bound covers a and b up to about 1e7 with room to spare. Not converging
** within it gives NAN rather than a wrong number.
*/
#define BETA_MAXIT 20000
#define BETA_EPS (4 * DBL_EPSILON)
#define BETA_TINY 1e-300

void mj_stats_acc_add(mj_stats_acc *a, double x)
{
  double d = x - a->mean;
  a->n++;
  a->mean += d / (double)a->n;
  /* d and (x - new mean) share a sign, so m2 never goes negative. */
  a->m2 += d * (x - a->mean);
}

double mj_stats_acc_mean(const mj_stats_acc *a)
{
  return a->n > 0 ? a->mean : NAN;
}

double mj_stats_acc_var(const mj_stats_acc *a)
{
  return a->n > 1 ? a->m2 / (double)(a->n - 1) : NAN;
}

double mj_stats_acc_sd(const mj_stats_acc *a)
{
  return sqrt(mj_stats_acc_var(a));
}

double mj_stats_norm_cdf(double z)
{
  return 0.5 * erfc(-z * SQRT1_2);
}

/*
** Wichura's AS241 (PPND16): rational approximations in three regions of
** p, relative error about 1e-16. Coefficients as published (and as in R's
** qnorm.c and CPython's statistics module).
*/
double mj_stats_norm_quantile(double p)
{
  if (isnan(p) || p < 0.0 || p > 1.0)
    return NAN;
  if (p == 0.0)
    return -INFINITY;
  if (p == 1.0)
    return INFINITY;
  double q = p - 0.5, r, x;
  if (fabs(q) <= 0.425) {
    r = 0.180625 - q * q;
    return q *
           (((((((2509.0809287301226727 * r + 33430.575583588128105) * r +
                 67265.770927008700853) * r + 45921.953931549871457) * r +
               13731.693765509461125) * r + 1971.5909503065514427) * r +
             133.14166789178437745) * r + 3.387132872796366608) /
           (((((((5226.495278852545925 * r + 28729.085735721942674) * r +
                 39307.89580009271061) * r + 21213.794301586595867) * r +
               5394.1960214247511077) * r + 687.1870074920579083) * r +
             42.313330701600911252) * r + 1.0);
  }
  r = sqrt(-log(q < 0.0 ? p : 1.0 - p));
  if (r <= 5.0) {
    r -= 1.6;
    x = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r +
              0.24178072517745061177) * r + 1.27045825245236838258) * r +
            3.64784832476320460504) * r + 5.7694972214606914055) * r +
          4.6303378461565452959) * r + 1.42343711074968357734) /
        (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r +
              0.0151986665636164571966) * r + 0.14810397642748007459) * r +
            0.68976733498510000455) * r + 1.6763848301838038494) * r +
          2.05319162663775882187) * r + 1.0);
  } else {
    r -= 5.0;
    x = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
              0.0012426609473880784386) * r + 0.026532189526576123093) * r +
            0.29656057182850489123) * r + 1.7848265399172913358) * r +
          5.4637849111641143699) * r + 6.6579046435011037772) /
        (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r +
              1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
            0.0148753612908506148525) * r + 0.13692988092273580531) * r +
          0.59983220655588793769) * r + 1.0);
  }
  return q < 0.0 ? -x : x;
}

static double lentz_guard(double v)
{
  return fabs(v) < BETA_TINY ? BETA_TINY : v;
}

/*
** The continued fraction for I_x(a, b) (Numerical Recipes §6.4, betacf),
** evaluated by the modified Lentz method.
*/
static double beta_cf(double a, double b, double x)
{
  double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0, d = 1.0 / lentz_guard(1.0 - qab * x / qap), h = d;
  for (int m = 1; m <= BETA_MAXIT; m++) {
    double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 / lentz_guard(1.0 + aa * d);
    c = lentz_guard(1.0 + aa / c);
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 / lentz_guard(1.0 + aa * d);
    c = lentz_guard(1.0 + aa / c);
    double del = d * c;
    h *= del;
    if (fabs(del - 1.0) < BETA_EPS)
      return h;
  }
  return NAN;
}

/*
** I_x(a, b) with y = 1 - x passed separately, so callers that know 1 - x
** exactly (the t tail: t²/(df + t²)) do not lose it to cancellation.
*/
static double beta_inc2(double a, double b, double x, double y)
{
  if (!(a > 0.0 && b > 0.0 && x >= 0.0 && x <= 1.0))
    return NAN;
  if (x == 0.0 || y == 0.0)
    return x == 0.0 ? 0.0 : 1.0;
  double front = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
                     b * log(y));
  /* The fraction converges fast only below the mean; use the symmetry
  ** I_x(a, b) = 1 - I_y(b, a) above it. */
  if (x < (a + 1.0) / (a + b + 2.0))
    return front * beta_cf(a, b, x) / a;
  return 1.0 - front * beta_cf(b, a, y) / b;
}

double mj_stats_beta_inc(double a, double b, double x)
{
  return beta_inc2(a, b, x, 1.0 - x);
}

/*
** P(T > t) = I_x(df/2, 1/2) / 2 for t >= 0, x = df/(df + t²): the
** two-sided tail halved. Infinite df is the normal distribution.
*/
double mj_stats_t_sf(double t, double df)
{
  if (isnan(t) || isnan(df) || df <= 0.0)
    return NAN;
  if (isinf(df))
    return 0.5 * erfc(t * SQRT1_2);
  double t2 = t * t, half;
  if (isinf(t2))
    half = 0.0;
  else
    half = 0.5 * beta_inc2(0.5 * df, 0.5, df / (df + t2), t2 / (df + t2));
  return t >= 0.0 ? half : 1.0 - half;
}

double mj_stats_t_cdf(double t, double df)
{
  return mj_stats_t_sf(-t, df);
}

/*
** Bisection on the upper tail until the bracket is two adjacent doubles:
** about 60 CDF evaluations, and exactly as accurate as the CDF. Working
** on the smaller tail keeps p near 1 free of cancellation.
*/
double mj_stats_t_quantile(double p, double df)
{
  if (isnan(p) || isnan(df) || p < 0.0 || p > 1.0 || df <= 0.0)
    return NAN;
  if (p == 0.0 || p == 1.0)
    return p == 0.0 ? -INFINITY : INFINITY;
  if (p == 0.5)
    return 0.0;
  if (isinf(df))
    return mj_stats_norm_quantile(p);
  double tail = p < 0.5 ? p : 1.0 - p;
  double lo = 0.0, hi = fmax(1.0, -mj_stats_norm_quantile(tail));
  while (mj_stats_t_sf(hi, df) > tail) {
    lo = hi;
    hi *= 2.0;
    if (isinf(hi))
      return p < 0.5 ? -INFINITY : INFINITY;
  }
  for (;;) {
    double mid = lo + 0.5 * (hi - lo);
    if (mid <= lo || mid >= hi)
      break;
    if (mj_stats_t_sf(mid, df) > tail)
      lo = mid;
    else
      hi = mid;
  }
  double t = 0.5 * (lo + hi);
  return p < 0.5 ? -t : t;
}

static mj_stats_ci ci_nan(void)
{
  mj_stats_ci ci = {NAN, NAN};
  return ci;
}

static mj_stats_ci ci_clip01(double centre, double half)
{
  mj_stats_ci ci = {fmax(0.0, centre - half), fmin(1.0, centre + half)};
  return ci;
}

static int proportion_ok(double x, double n, double z)
{
  return n > 0.0 && x >= 0.0 && x <= n && z > 0.0 && isfinite(n) &&
         isfinite(z);
}

mj_stats_ci mj_stats_wilson(double x, double n, double z)
{
  if (!proportion_ok(x, n, z))
    return ci_nan();
  double p = x / n, z2 = z * z, den = 1.0 + z2 / n;
  double centre = (p + z2 / (2.0 * n)) / den;
  double half = z * sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / den;
  return ci_clip01(centre, half);
}

mj_stats_ci mj_stats_adjusted_wald(double x, double n, double z)
{
  if (!proportion_ok(x, n, z))
    return ci_nan();
  double z2 = z * z, na = n + z2, pa = (x + 0.5 * z2) / na;
  return ci_clip01(pa, z * sqrt(pa * (1.0 - pa) / na));
}

mj_stats_ci mj_stats_wald(double x, double n, double z)
{
  if (!proportion_ok(x, n, z))
    return ci_nan();
  double p = x / n;
  return ci_clip01(p, z * sqrt(p * (1.0 - p) / n));
}

mj_stats_ci mj_stats_mean_ci(const mj_stats_acc *a, double level)
{
  if (a->n < 2 || !(level >= 0.5 && level < 1.0))
    return ci_nan();
  double n = (double)a->n;
  double half =
      mj_stats_t_quantile(level, n - 1.0) * mj_stats_acc_sd(a) / sqrt(n);
  mj_stats_ci ci = {a->mean - half, a->mean + half};
  return ci;
}
