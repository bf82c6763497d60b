/*
** Statistics shared by the scorer plugins (see stats.h for the sources).
*/
#include "stats.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

void mj_stats_acc_add_n(mj_stats_acc *a, double x, uint64_t count)
{
  if (count == 0)
    return;
  /* Chan's merge of a group of count equal values (its m2 is 0). */
  double d = x - a->mean, n = (double)(a->n + count), c = (double)count;
  a->mean += d * c / n;
  a->m2 += d * d * (double)a->n * c / n;
  a->n += count;
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
  mj_stats_ci ci = ci_clip01(centre, half);
  /* At x = 0 (x = n) the end is exactly 0 (1); rounding left ~1e-17. */
  if (x == 0.0)
    ci.low = 0.0;
  if (x == n)
    ci.high = 1.0;
  return ci;
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

/* ---- key-driver analysis for the gap scorers ---- */

/*
** Cyclic Jacobi rotations (Golub & Van Loan §8.5): a (n x n, symmetric) is
** driven to diagonal form, its diagonal becomes the eigenvalues and q
** collects the eigenvectors as columns. Plenty accurate and robust for the
** small correlation matrices of key-driver analysis.
*/
static void jacobi_eigen(double *a, double *q, size_t n)
{
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++)
      q[i * n + j] = i == j;
  for (int sweep = 0; sweep < 100; sweep++) {
    double off = 0.0;
    for (size_t i = 0; i < n; i++)
      for (size_t j = i + 1; j < n; j++)
        off += a[i * n + j] * a[i * n + j];
    if (off < 1e-30)
      return;
    for (size_t p = 0; p < n; p++)
      for (size_t r = p + 1; r < n; r++) {
        double apr = a[p * n + r];
        if (apr == 0.0)
          continue;
        double theta = (a[r * n + r] - a[p * n + p]) / (2.0 * apr);
        double t = (theta >= 0.0 ? 1.0 : -1.0) /
                   (fabs(theta) + sqrt(theta * theta + 1.0));
        double c = 1.0 / sqrt(t * t + 1.0), s = t * c;
        for (size_t k = 0; k < n; k++) { /* columns p and r */
          double akp = a[k * n + p], akr = a[k * n + r];
          a[k * n + p] = c * akp - s * akr;
          a[k * n + r] = s * akp + c * akr;
        }
        for (size_t k = 0; k < n; k++) { /* rows p and r */
          double apk = a[p * n + k], ark = a[r * n + k];
          a[p * n + k] = c * apk - s * ark;
          a[r * n + k] = s * apk + c * ark;
        }
        for (size_t k = 0; k < n; k++) {
          double qkp = q[k * n + p], qkr = q[k * n + r];
          q[k * n + p] = c * qkp - s * qkr;
          q[k * n + r] = s * qkp + c * qkr;
        }
      }
  }
}

double mj_stats_relweights(const double *rxx, const double *rxy, size_t p,
                           double *raw)
{
  enum { M = MJ_STATS_RW_MAXP };
  double a[M * M], q[M * M], lam[M], y[M], beta[M], out[M];
  if (p == 0 || p > M)
    return NAN;
  for (size_t i = 0; i < p * p; i++)
    a[i] = rxx[i];
  jacobi_eigen(a, q, p);
  double top = 0.0;
  for (size_t k = 0; k < p; k++)
    top = fmax(top, lam[k] = a[k * p + k]);
  /* A (near-)zero eigenvalue: L has no inverse, the weights no meaning. */
  for (size_t k = 0; k < p; k++)
    if (!(lam[k] > 1e-10 * top))
      return NAN;
  /* β = Q·Λ^-½·Qᵀ·rxy, in two steps through y = Λ^-½·Qᵀ·rxy. */
  for (size_t k = 0; k < p; k++) {
    double s = 0.0;
    for (size_t i = 0; i < p; i++)
      s += q[i * p + k] * rxy[i];
    y[k] = s / sqrt(lam[k]);
  }
  for (size_t j = 0; j < p; j++) {
    double s = 0.0;
    for (size_t k = 0; k < p; k++)
      s += q[j * p + k] * y[k];
    beta[j] = s;
  }
  double r2 = 0.0;
  for (size_t j = 0; j < p; j++) {
    double e = 0.0;
    for (size_t k = 0; k < p; k++) {
      double l = 0.0; /* L_jk = Σ_m Q_jm·√λ_m·Q_km */
      for (size_t m = 0; m < p; m++)
        l += q[j * p + m] * sqrt(lam[m]) * q[k * p + m];
      e += l * l * beta[k] * beta[k];
    }
    r2 += out[j] = e;
  }
  for (size_t j = 0; j < p; j++)
    raw[j] = out[j];
  return r2;
}

/* ---------------------------------------------------------------------
** Incomplete gamma (Numerical Recipes §6.2, gser and gcf): the series
** below x < a + 1, the continued fraction (modified Lentz) above it.
*/
#define GAMMA_MAXIT 100000
#define GAMMA_EPS (4 * DBL_EPSILON)

static double gamma_series(double a, double x)
{
  double ap = a, del = 1.0 / a, sum = del;
  for (int i = 0; i < GAMMA_MAXIT; i++) {
    ap += 1.0;
    del *= x / ap;
    sum += del;
    if (fabs(del) < fabs(sum) * GAMMA_EPS)
      return sum * exp(-x + a * log(x) - lgamma(a));
  }
  return NAN;
}

static double gamma_cf(double a, double x)
{
  double b = x + 1.0 - a, c = 1.0 / BETA_TINY, d = 1.0 / lentz_guard(b);
  double h = d;
  for (int i = 1; i <= GAMMA_MAXIT; i++) {
    double an = -i * (i - a);
    b += 2.0;
    d = 1.0 / lentz_guard(an * d + b);
    c = lentz_guard(b + an / c);
    double del = d * c;
    h *= del;
    if (fabs(del - 1.0) < GAMMA_EPS)
      return exp(-x + a * log(x) - lgamma(a)) * h;
  }
  return NAN;
}

double mj_stats_gamma_p(double a, double x)
{
  if (!(a > 0.0 && x >= 0.0))
    return NAN;
  if (x == 0.0)
    return 0.0;
  if (isinf(x))
    return 1.0;
  return x < a + 1.0 ? gamma_series(a, x) : 1.0 - gamma_cf(a, x);
}

double mj_stats_gamma_q(double a, double x)
{
  if (!(a > 0.0 && x >= 0.0))
    return NAN;
  if (x == 0.0)
    return 1.0;
  if (isinf(x))
    return 0.0;
  return x < a + 1.0 ? 1.0 - gamma_series(a, x) : gamma_cf(a, x);
}

double mj_stats_chi2_sf(double x, double df)
{
  if (isnan(x) || !(df > 0.0))
    return NAN;
  return x <= 0.0 ? 1.0 : mj_stats_gamma_q(0.5 * df, 0.5 * x);
}

/* P(F <= x) = I_y(d1/2, d2/2) with y = d1·x/(d1·x + d2). */
double mj_stats_f_cdf(double x, double d1, double d2)
{
  if (isnan(x) || !(d1 > 0.0 && d2 > 0.0))
    return NAN;
  if (x <= 0.0)
    return 0.0;
  if (isinf(x))
    return 1.0;
  double u = d1 * x, s = u + d2;
  return beta_inc2(0.5 * d1, 0.5 * d2, u / s, d2 / s);
}

/* Bisection down to adjacent doubles, as for t: F has no symmetry to
** exploit, so the bracket grows from [0, 1] by doubling. */
double mj_stats_f_quantile(double p, double d1, double d2)
{
  if (isnan(p) || p < 0.0 || p > 1.0 || !(d1 > 0.0 && d2 > 0.0))
    return NAN;
  if (p == 0.0)
    return 0.0;
  if (p == 1.0)
    return INFINITY;
  double lo = 0.0, hi = 1.0;
  while (mj_stats_f_cdf(hi, d1, d2) < p) {
    lo = hi;
    hi *= 2.0;
    if (isinf(hi))
      return INFINITY;
  }
  for (;;) {
    double mid = lo + 0.5 * (hi - lo);
    if (mid <= lo || mid >= hi)
      break;
    if (mj_stats_f_cdf(mid, d1, d2) < p)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

/* ---------------------------------------------------------------------
** Tests of change.
*/
static mj_stats_test test_nan(void)
{
  mj_stats_test t = {NAN, NAN, NAN, NAN};
  return t;
}

/* A z test: stat = z, p = 2·Φ(−|z|) (erfc keeps small p exact). */
static mj_stats_test z_test(double z)
{
  mj_stats_test t = {z, NAN, erfc(fabs(z) * SQRT1_2), z};
  return t;
}

static int count_ok(double x, double n)
{
  return n > 0.0 && isfinite(n) && x >= 0.0 && x <= n;
}

mj_stats_test mj_stats_two_proportion(double x1, double n1, double x2,
                                      double n2)
{
  if (!count_ok(x1, n1) || !count_ok(x2, n2))
    return test_nan();
  double pp = (x1 + x2) / (n1 + n2);
  double var = pp * (1.0 - pp) * (1.0 / n1 + 1.0 / n2);
  if (!(var > 0.0))
    return test_nan();
  return z_test((x1 / n1 - x2 / n2) / sqrt(var));
}

mj_stats_test mj_stats_welch_summary(double m1, double sd1, double n1,
                                     double m2, double sd2, double n2)
{
  if (!(n1 >= 2.0 && n2 >= 2.0 && sd1 >= 0.0 && sd2 >= 0.0) || !isfinite(n1) ||
      !isfinite(n2) || !isfinite(sd1) || !isfinite(sd2) || !isfinite(m1) ||
      !isfinite(m2))
    return test_nan();
  double v1 = sd1 * sd1 / n1, v2 = sd2 * sd2 / n2, v = v1 + v2;
  if (!(v > 0.0))
    return test_nan();
  mj_stats_test t;
  t.stat = (m1 - m2) / sqrt(v);
  t.df = v * v / (v1 * v1 / (n1 - 1.0) + v2 * v2 / (n2 - 1.0));
  t.p = 2.0 * mj_stats_t_sf(fabs(t.stat), t.df);
  t.z = NAN;
  return t;
}

mj_stats_test mj_stats_welch(const double *x, size_t n1, const double *y,
                             size_t n2)
{
  mj_stats_acc a = MJ_STATS_ACC_INIT, b = MJ_STATS_ACC_INIT;
  for (size_t i = 0; i < n1; i++)
    mj_stats_acc_add(&a, x[i]);
  for (size_t i = 0; i < n2; i++)
    mj_stats_acc_add(&b, y[i]);
  return mj_stats_welch_summary(mj_stats_acc_mean(&a), mj_stats_acc_sd(&a),
                                (double)n1, mj_stats_acc_mean(&b),
                                mj_stats_acc_sd(&b), (double)n2);
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/*
** Rank of v among the sorted pooled values s[0..n): the mid-rank of its
** tie block, found by binary search (1-based ranks).
*/
static double mid_rank(const double *s, size_t n, double v)
{
  size_t lo = 0, hi = n;
  while (lo < hi) { /* first index with s[i] >= v */
    size_t mid = lo + (hi - lo) / 2;
    if (s[mid] < v)
      lo = mid + 1;
    else
      hi = mid;
  }
  size_t first = lo;
  hi = n;
  while (lo < hi) { /* first index with s[i] > v */
    size_t mid = lo + (hi - lo) / 2;
    if (s[mid] <= v)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0.5 * (double)(first + 1 + lo);
}

/*
** P(U >= u) under H0 for sizes m, n without ties: the coefficients of the
** Gaussian binomial [m+n choose m]_q = Π_{i=1..m} (1 − q^{n+i})/(1 − q^i)
** count the arrangements with each U (Harding 1984). Coefficients stay
** below C(m+n, m), exact in doubles while that is below 2^53.
*/
static double mwu_exact_sf(size_t m, size_t n, double u)
{
  double c[MJ_STATS_MWU_EXACT_MAX + 1];
  size_t top = m * n;
  if (m > n) { /* the same distribution; fewer passes with m small */
    size_t t = m;
    m = n;
    n = t;
  }
  c[0] = 1.0;
  for (size_t j = 1; j <= top; j++)
    c[j] = 0.0;
  for (size_t i = 1; i <= m; i++) {
    size_t k = n + i;
    for (size_t j = top; j >= k; j--) /* × (1 − q^k) */
      c[j] -= c[j - k];
    for (size_t j = i; j <= top; j++) /* ÷ (1 − q^i) */
      c[j] += c[j - i];
  }
  double total = 0.0, tail = 0.0;
  for (size_t j = 0; j <= top; j++) {
    total += c[j];
    if ((double)j >= u)
      tail += c[j];
  }
  return tail / total;
}

/* U₁, Σ(t³ − t) and the sizes to the test of the chosen method (shared
** by the values and the counts forms). */
static mj_stats_test mwu_finish(double u1, double ties, size_t n1, size_t n2,
                                mj_stats_mwu_method method)
{
  double fn1 = (double)n1, fn2 = (double)n2, fn = fn1 + fn2;
  double u2 = fn1 * fn2 - u1;
  double umax = fmax(u1, u2);
  mj_stats_test t = {u1, NAN, NAN, NAN};

  int small = (n1 <= 8 || n2 <= 8) && n1 * n2 <= MJ_STATS_MWU_EXACT_MAX &&
              n1 <= MJ_STATS_MWU_EXACT_MAX && n2 <= MJ_STATS_MWU_EXACT_MAX;
  if (method == MJ_STATS_MWU_EXACT ||
      (method == MJ_STATS_MWU_AUTO && small && ties == 0.0)) {
    if (ties != 0.0 || n1 * n2 > MJ_STATS_MWU_EXACT_MAX ||
        n1 > MJ_STATS_MWU_EXACT_MAX || n2 > MJ_STATS_MWU_EXACT_MAX)
      return t; /* exact asked for but not available: p stays NAN */
    t.p = fmin(1.0, 2.0 * mwu_exact_sf(n1, n2, umax));
    return t;
  }
  double s2 = fn1 * fn2 / 12.0 * ((fn + 1.0) - ties / (fn * (fn - 1.0)));
  if (!(s2 > 0.0))
    return t; /* all values tied */
  double num = umax - fn1 * fn2 / 2.0;
  if (method != MJ_STATS_MWU_ASYMPTOTIC_NOCC)
    num -= 0.5;
  t.z = num / sqrt(s2);
  /* scipy: p = 2·sf(z), capped at 1 (z < 0 happens when U₁ = U₂). */
  t.p = fmin(1.0, erfc(t.z * SQRT1_2));
  return t;
}

mj_stats_test mj_stats_mann_whitney(const double *x, size_t n1, const double *y,
                                    size_t n2, mj_stats_mwu_method method,
                                    double *work)
{
  if (n1 == 0 || n2 == 0 || !work)
    return test_nan();
  size_t n = n1 + n2;
  for (size_t i = 0; i < n1; i++)
    if (isnan(work[i] = x[i]))
      return test_nan();
  for (size_t i = 0; i < n2; i++)
    if (isnan(work[n1 + i] = y[i]))
      return test_nan();
  qsort(work, n, sizeof *work, cmp_double);

  double r1 = 0.0;
  for (size_t i = 0; i < n1; i++)
    r1 += mid_rank(work, n, x[i]);
  /* Σ(t³ − t) over tie blocks of the sorted pooled values. */
  double ties = 0.0;
  for (size_t i = 0, j; i < n; i = j) {
    for (j = i + 1; j < n && work[j] == work[i]; j++)
      ;
    double t = (double)(j - i);
    ties += t * t * t - t;
  }
  return mwu_finish(r1 - (double)n1 * ((double)n1 + 1.0) / 2.0, ties, n1, n2,
                    method);
}

mj_stats_test mj_stats_mann_whitney_counts(const double *c1, const double *c2,
                                           size_t k,
                                           mj_stats_mwu_method method)
{
  double n1 = 0.0, n2 = 0.0;
  for (size_t j = 0; j < k; j++) {
    if (!(c1[j] >= 0.0) || !(c2[j] >= 0.0) || !isfinite(c1[j]) ||
        !isfinite(c2[j]) || c1[j] != floor(c1[j]) || c2[j] != floor(c2[j]))
      return test_nan();
    n1 += c1[j];
    n2 += c2[j];
  }
  /* Beyond 2^53 answers the counts are no longer whole in a double. */
  if (n1 == 0.0 || n2 == 0.0 || n1 + n2 > 9007199254740992.0)
    return test_nan();
  double r1 = 0.0, ties = 0.0, below = 0.0;
  for (size_t j = 0; j < k; j++) {
    double t = c1[j] + c2[j];
    r1 += c1[j] * (below + (t + 1.0) / 2.0);
    ties += t * t * t - t;
    below += t;
  }
  return mwu_finish(r1 - n1 * (n1 + 1.0) / 2.0, ties, (size_t)n1, (size_t)n2,
                    method);
}

/* The sum of len cells from start, step apart: a row (step 1) or a
** column (step c) of a row-major table. */
static double line_sum(const double *obs, size_t start, size_t step, size_t len)
{
  double s = 0.0;
  for (size_t i = 0; i < len; i++)
    s += obs[start + i * step];
  return s;
}

mj_stats_chi2 mj_stats_chi2_test(const double *obs, size_t r, size_t c)
{
  mj_stats_chi2 res = {test_nan(), NAN, NAN, NAN, 0, 0, 0};
  size_t rk = 0, ck = 0;
  double total = 0.0;
  for (size_t i = 0; i < r * c; i++) {
    if (!(obs[i] >= 0.0) || !isfinite(obs[i]))
      return res;
    total += obs[i];
  }
  for (size_t i = 0; i < r; i++)
    rk += line_sum(obs, i * c, 1, c) > 0.0;
  for (size_t j = 0; j < c; j++)
    ck += line_sum(obs, j, c, r) > 0.0;
  if (rk < 2 || ck < 2)
    return res;
  double x2 = 0.0, g = 0.0, emin = INFINITY;
  size_t small = 0, tiny = 0;
  for (size_t i = 0; i < r; i++) {
    double ri = line_sum(obs, i * c, 1, c);
    if (ri == 0.0)
      continue;
    for (size_t j = 0; j < c; j++) {
      double cj = line_sum(obs, j, c, r);
      if (cj == 0.0)
        continue;
      double o = obs[i * c + j], e = ri * cj / total;
      x2 += (o - e) * (o - e) / e;
      if (o > 0.0)
        g += o * log(o / e); /* 0·ln 0 = 0 */
      emin = fmin(emin, e);
      small += e < 5.0;
      tiny += e < 1.0;
    }
  }
  double df = (double)(rk - 1) * (double)(ck - 1);
  res.test.stat = x2;
  res.test.df = df;
  res.test.p = mj_stats_chi2_sf(x2, df);
  res.g = 2.0 * g;
  res.g_p = mj_stats_chi2_sf(res.g, df);
  res.min_expected = emin;
  res.n_small = small;
  res.n_cells = rk * ck;
  res.warn = tiny > 0 || 5 * small > res.n_cells;
  return res;
}

static int shares_ok(double p, double d, double n)
{
  return n > 0.0 && isfinite(n) && p >= 0.0 && d >= 0.0 && p <= 1.0 &&
         d <= 1.0 && p + d <= 1.0 + 1e-12;
}

/* σ² = P + D − (P − D)², never below 0 despite rounding. */
static double nps_var(double p, double d)
{
  return fmax(0.0, p + d - (p - d) * (p - d));
}

mj_stats_test mj_stats_nps_diff(double p1, double d1, double n1, double p2,
                                double d2, double n2)
{
  if (!shares_ok(p1, d1, n1) || !shares_ok(p2, d2, n2))
    return test_nan();
  double v = nps_var(p1, d1) / n1 + nps_var(p2, d2) / n2;
  if (!(v > 0.0))
    return test_nan();
  return z_test(((p1 - d1) - (p2 - d2)) / sqrt(v));
}

mj_stats_test mj_stats_nps_diff_adjusted(double prom1, double det1, double n1,
                                         double prom2, double det2, double n2)
{
  if (!count_ok(prom1 + det1, n1) || !count_ok(prom2 + det2, n2) ||
      prom1 < 0.0 || det1 < 0.0 || prom2 < 0.0 || det2 < 0.0)
    return test_nan();
  double a1 = n1 + 3.0, a2 = n2 + 3.0;
  return mj_stats_nps_diff((prom1 + 0.75) / a1, (det1 + 0.75) / a1, a1,
                           (prom2 + 0.75) / a2, (det2 + 0.75) / a2, a2);
}

mj_stats_ci mj_stats_nps_wald(double p, double d, double n, double z)
{
  if (!shares_ok(p, d, n) || !(z > 0.0) || !isfinite(z))
    return ci_nan();
  double nps = p - d, half = z * sqrt(nps_var(p, d) / n);
  mj_stats_ci ci = {fmax(-1.0, nps - half), fmin(1.0, nps + half)};
  return ci;
}

/* ---------------------------------------------------------------------
** Sample size and allocation.
*/
double mj_stats_n0_proportion(double p, double e, double z)
{
  if (!(p >= 0.0 && p <= 1.0 && e > 0.0 && z > 0.0))
    return NAN;
  return z * z * p * (1.0 - p) / (e * e);
}

double mj_stats_n0_mean(double s, double e, double z)
{
  if (!(s >= 0.0 && e > 0.0 && z > 0.0))
    return NAN;
  double r = z * s / e;
  return r * r;
}

double mj_stats_fpc_apply(double n0, double N, mj_stats_fpc variant)
{
  if (!(n0 >= 0.0 && N > 0.0))
    return NAN;
  if (isinf(N))
    return n0;
  return variant == MJ_STATS_FPC_A ? n0 / (1.0 + (n0 - 1.0) / N)
                                   : n0 / (1.0 + n0 / N);
}

double mj_stats_ceil(double n)
{
  if (!isfinite(n))
    return n;
  double f = floor(n);
  /* 8 ulps: noise from z² and divisions, never a real fraction. */
  return n - f <= 8.0 * DBL_EPSILON * fmax(1.0, fabs(n)) ? f : f + 1.0;
}

/*
** One pass of bounded allocation: spread what the fixed strata leave over
** the free ones (alloc[h] < 0 marks free), then fix every stratum that
** fell out of bounds. Returns 1 when something was fixed (go again).
*/
static int allocate_pass(double n, const double *Nh, const double *Sh, size_t H,
                         double min_each, double *exact, double *alloc)
{
  double left = n, wsum = 0.0;
  for (size_t h = 0; h < H; h++) {
    if (alloc[h] >= 0.0)
      left -= exact[h];
    else
      wsum += Nh[h] * (Sh ? Sh[h] : 1.0);
  }
  for (size_t h = 0; h < H; h++)
    if (alloc[h] < 0.0)
      exact[h] = wsum > 0.0 ? left * Nh[h] * (Sh ? Sh[h] : 1.0) / wsum : 0.0;
  int fixed = 0;
  for (size_t h = 0; h < H; h++) {
    double lo = fmin(min_each, Nh[h]);
    if (alloc[h] >= 0.0)
      continue;
    if (exact[h] > Nh[h] || exact[h] < lo) {
      exact[h] = exact[h] > Nh[h] ? Nh[h] : lo;
      alloc[h] = 1.0;
      fixed = 1;
    }
  }
  return fixed;
}

int mj_stats_allocate(double n, const double *Nh, const double *Sh, size_t H,
                      double min_each, double *exact, double *alloc)
{
  if (H == 0 || !(n >= 0.0) || !isfinite(n) || !(min_each >= 0.0))
    return -1;
  double total = 0.0, mins = 0.0, wsum = 0.0;
  for (size_t h = 0; h < H; h++) {
    if (!(Nh[h] >= 0.0) || !isfinite(Nh[h]) ||
        (Sh && (!(Sh[h] >= 0.0) || !isfinite(Sh[h]))))
      return -1;
    total += Nh[h];
    mins += fmin(min_each, Nh[h]);
    wsum += Nh[h] * (Sh ? Sh[h] : 1.0);
  }
  if (n > total || n < mins || !(wsum > 0.0))
    return -1;
  /* alloc doubles as the "fixed" mark until the rounding below. */
  for (size_t h = 0; h < H; h++)
    alloc[h] = -1.0;
  /* Each pass fixes at least one stratum, so H passes suffice. */
  for (size_t pass = 0; pass <= H; pass++)
    if (!allocate_pass(n, Nh, Sh, H, min_each, exact, alloc))
      break;
  /* Largest remainder: floors, then one more to the largest fractions. */
  double given = 0.0;
  for (size_t h = 0; h < H; h++) {
    alloc[h] = floor(exact[h] + 1e-9);
    given += alloc[h];
  }
  for (double k = n - given; k > 0.5; k -= 1.0) {
    size_t best = H;
    double bestr = -1.0;
    for (size_t h = 0; h < H; h++) {
      double rem = exact[h] - alloc[h];
      if (alloc[h] + 1.0 <= Nh[h] && rem > bestr) {
        best = h;
        bestr = rem;
      }
    }
    if (best == H)
      return -1; /* cannot happen with n <= Σ N_h */
    alloc[best] += 1.0;
  }
  return 0;
}

double mj_stats_stratified_p(const double *Nh, const double *nh,
                             const double *ph, size_t H, double *se)
{
  double N = 0.0, p = 0.0, var = 0.0;
  if (se)
    *se = NAN;
  for (size_t h = 0; h < H; h++)
    N += Nh[h];
  if (!(N > 0.0))
    return NAN;
  for (size_t h = 0; h < H; h++) {
    if (!(nh[h] >= 2.0 && nh[h] <= Nh[h] && ph[h] >= 0.0 && ph[h] <= 1.0))
      return NAN;
    double w = Nh[h] / N;
    p += w * ph[h];
    var +=
        w * w * (1.0 - nh[h] / Nh[h]) * ph[h] * (1.0 - ph[h]) / (nh[h] - 1.0);
  }
  if (se)
    *se = sqrt(var);
  return p;
}

/* ---------------------------------------------------------------------
** Reliability.
*/
static size_t col_at(const size_t *cols, size_t i)
{
  return cols ? cols[i] : i;
}

static int row_complete(const double *row, const size_t *cols, size_t k)
{
  for (size_t i = 0; i < k; i++)
    if (isnan(row[col_at(cols, i)]))
      return 0;
  return 1;
}

static double row_total(const double *row, const size_t *cols, size_t k)
{
  double s = 0.0;
  for (size_t i = 0; i < k; i++)
    s += row[col_at(cols, i)];
  return s;
}

/*
** α from k, Σ s_i² and s_X²; NAN when undefined (k < 2 or s_X² = 0).
*/
static double alpha_of(double k, double sum_var, double var_total)
{
  if (k < 2.0 || !(var_total > 0.0))
    return NAN;
  return k / (k - 1.0) * (1.0 - sum_var / var_total);
}

void mj_stats_cronbach_init(mj_stats_cronbach_acc *a, size_t k, double *work)
{
  a->k = k;
  a->n = 0;
  a->mean_x = a->m2_x = 0.0;
  a->mean = work;
  a->m2 = work + k;
  a->cx = work + 2 * k;
  memset(work, 0, 3 * k * sizeof *work);
}

void mj_stats_cronbach_add(mj_stats_cronbach_acc *a, const double *row,
                           const size_t *cols)
{
  size_t k = a->k;
  if (!row_complete(row, cols, k))
    return;
  double x_total = row_total(row, cols, k);
  double inv = 1.0 / (double)++a->n;
  double dx = x_total - a->mean_x;
  a->mean_x += dx * inv;
  double rx = x_total - a->mean_x; /* against the new mean */
  a->m2_x += dx * rx;
  for (size_t i = 0; i < k; i++) {
    double v = row[col_at(cols, i)];
    double d = v - a->mean[i];
    a->mean[i] += d * inv;
    a->m2[i] += d * (v - a->mean[i]);
    a->cx[i] += d * rx;
  }
}

double mj_stats_cronbach_result(const mj_stats_cronbach_acc *a,
                                double *item_total, double *alpha_drop)
{
  size_t k = a->k;
  for (size_t i = 0; i < k; i++) {
    if (item_total)
      item_total[i] = NAN;
    if (alpha_drop)
      alpha_drop[i] = NAN;
  }
  if (k < 2 || a->n < 2)
    return NAN;
  double nm1 = (double)(a->n - 1), var_x = a->m2_x / nm1, fk = (double)k;
  double sum_var = 0.0;
  for (size_t i = 0; i < k; i++)
    sum_var += a->m2[i] / nm1;
  if (!(var_x > 0.0))
    return NAN;
  for (size_t i = 0; i < k; i++) {
    double var_i = a->m2[i] / nm1, cov = a->cx[i] / nm1;
    /* The rest R = X − x_i: var(R) = s_X² − 2cov(x_i, X) + s_i². */
    double var_rest = var_x - 2.0 * cov + var_i;
    double cov_rest = cov - var_i;
    if (item_total && var_i > 0.0 && var_rest > 0.0)
      item_total[i] = cov_rest / sqrt(var_i * var_rest);
    if (alpha_drop && k >= 3)
      alpha_drop[i] = alpha_of(fk - 1.0, sum_var - var_i, var_rest);
  }
  return alpha_of(fk, sum_var, var_x);
}

double mj_stats_cronbach(const double *x, size_t n_rows, size_t ld,
                         const size_t *cols, size_t k, size_t *n_used,
                         double *item_total, double *alpha_drop)
{
  double *work = malloc((3 * k + 1) * sizeof *work);
  if (!work) {
    if (n_used)
      *n_used = 0;
    return NAN;
  }
  mj_stats_cronbach_acc a;
  mj_stats_cronbach_init(&a, k, work);
  for (size_t r = 0; r < n_rows && k > 0; r++)
    mj_stats_cronbach_add(&a, x + r * ld, cols);
  if (n_used)
    *n_used = (size_t)a.n;
  double alpha = mj_stats_cronbach_result(&a, item_total, alpha_drop);
  free(work);
  return alpha;
}

mj_stats_ci mj_stats_feldt(double alpha, double n, double k, double level)
{
  if (isnan(alpha) || !(n >= 2.0 && k >= 2.0 && level > 0.0 && level < 1.0))
    return ci_nan();
  double d1 = n - 1.0, d2 = d1 * (k - 1.0), a = 1.0 - level;
  double f_hi = mj_stats_f_quantile(1.0 - a / 2.0, d1, d2);
  double f_lo = mj_stats_f_quantile(a / 2.0, d1, d2);
  mj_stats_ci ci = {1.0 - (1.0 - alpha) * f_hi, 1.0 - (1.0 - alpha) * f_lo};
  return ci;
}
