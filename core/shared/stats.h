/*
** Statistics shared by the scorer plugins: moments, the normal and
** Student t distributions, and confidence intervals for proportions.
**
** Internal to the plugins (linked into each scorer from libmjstats.la,
** never exported from a module). Every function is pure: no state, no
** allocation, no errors beyond returning NAN where a result is not
** defined, so callers decide what "no data" means.
**
** The exceptions take caller-owned scratch or output arrays (Mann-Whitney,
** stratified allocation, Cronbach's alpha): the caller sizes them, so no
** function here allocates.
**
** Sources and checks (doc/methods.md#distributions and the sections
** of each measure):
**   - normal quantile: Wichura, AS241 PPND16 (Applied Statistics 37(3),
**     1988), full double precision;
**   - incomplete beta: Numerical Recipes' continued fraction, evaluated
**     with the modified Lentz method;
**   - t quantile: bisection on the t CDF, so it is exactly as accurate as
**     the CDF it inverts;
**   - Wilson, adjusted-Wald (Agresti-Coull) and Wald intervals as in
**     Sauro & Lewis (2005);
**   - incomplete gamma: Numerical Recipes' series and continued fraction
**     (gser/gcf), for the chi-square tail;
**   - the tests of doc/methods.md#change-between-cycles in the forms of
**     R and scipy/statsmodels (checked against them in
**     tests/unit/test_stats.c and, on random
**     data, tests/cross/scipy.sh).
*/
#ifndef MJ_STATS_H
#define MJ_STATS_H

#include <stddef.h>
#include <stdint.h>

/* z(0.975): the two-sided 95% normal quantile
** (doc/methods.md#conventions). */
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
/* count values equal to x at once (the same as count calls, in O(1)). */
void mj_stats_acc_add_n(mj_stats_acc *a, double x, uint64_t count);
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

/* ---------------------------------------------------------------------
** Distributions beyond t.
*/

/*
** Regularized incomplete gamma P(a, x) and its complement Q(a, x) for
** a > 0, x >= 0; NAN otherwise. Q is computed directly, so small tails
** keep their precision.
*/
double mj_stats_gamma_p(double a, double x);
double mj_stats_gamma_q(double a, double x);
/* Chi-square upper tail P(X > x) with df > 0; NAN for df <= 0. */
double mj_stats_chi2_sf(double x, double df);
/* F CDF P(F <= x) with d1, d2 > 0, and its quantile (bisection). */
double mj_stats_f_cdf(double x, double d1, double d2);
double mj_stats_f_quantile(double p, double d1, double d2);

/* ---------------------------------------------------------------------
** Tests of change (doc/methods.md#change-between-cycles and
** doc/methods.md#nps). All p-values are two-sided.
** Group 1 comes first in every statistic (x̄₁ − x̄₂, p̂₁ − p̂₂, U₁), as in
** R and scipy. Where the test is not defined every field is NAN.
*/
typedef struct mj_stats_test {
  double stat; /* z, t, U₁ or χ² */
  double df;   /* degrees of freedom; NAN for z tests and U */
  double p;    /* two-sided p-value */
  double z;    /* the normal deviate behind p (z tests, Mann-Whitney),
               ** else NAN */
} mj_stats_test;

/*
** Two-proportion z-test, pooled (statsmodels proportions_ztest):
**   p̂ = (x₁ + x₂)/(n₁ + n₂),  z = (p̂₁ − p̂₂)/sqrt(p̂(1 − p̂)(1/n₁ + 1/n₂)).
** z² is the uncorrected 2×2 Pearson χ². NAN when an n <= 0, an x is
** outside [0, n], or p̂ is 0 or 1 (no difference testable).
*/
mj_stats_test mj_stats_two_proportion(double x1, double n1, double x2,
                                      double n2);

/*
** Welch's t-test (R t.test, var.equal = FALSE) from summaries: means,
** sample standard deviations (n − 1) and sizes, so stored figures of two
** cycles can be compared. NAN when an n < 2, an sd is negative or not
** finite, or both sds are 0 (t undefined).
**   t = (x̄₁ − x̄₂)/sqrt(s₁²/n₁ + s₂²/n₂)
**   df = (s₁²/n₁ + s₂²/n₂)² / [(s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)]
*/
mj_stats_test mj_stats_welch_summary(double m1, double sd1, double n1,
                                     double m2, double sd2, double n2);
/* The same from raw values (two-pass moments via mj_stats_acc). */
mj_stats_test mj_stats_welch(const double *x, size_t n1, const double *y,
                             size_t n2);

typedef enum mj_stats_mwu_method {
  /* scipy's "auto": exact when either n <= 8 and there are no ties
  ** (and n₁n₂ <= MJ_STATS_MWU_EXACT_MAX), else asymptotic. */
  MJ_STATS_MWU_AUTO = 0,
  /* Normal approximation, tie-corrected, with continuity correction. */
  MJ_STATS_MWU_ASYMPTOTIC = 1,
  /* The same without the continuity correction. */
  MJ_STATS_MWU_ASYMPTOTIC_NOCC = 2,
  /* Exact null distribution; NAN p with ties or n₁n₂ too large. */
  MJ_STATS_MWU_EXACT = 3
} mj_stats_mwu_method;

/* Largest n₁·n₂ for the exact distribution (a stack array of this size). */
#define MJ_STATS_MWU_EXACT_MAX 4096

/*
** Mann-Whitney U (scipy mannwhitneyu, R wilcox.test): stat = U₁ (R's W),
** the statistic of the first sample, with mid-ranks for ties.
** Asymptotic: σ = sqrt(n₁n₂/12·((n+1) − Σ(t³−t)/(n(n−1)))),
** z = (max(U₁, U₂) − n₁n₂/2 − 0.5)/σ, p = 2(1 − Φ(z)) capped at 1.
** Exact: p = 2·P(U >= max(U₁, U₂)) capped at 1, from the Gaussian
** binomial coefficients (Harding 1984). work must hold n₁ + n₂ doubles
** (the pooled values, sorted in place); x and y are not changed. NAN when
** an n is 0, a value is NaN, or all values are tied (σ = 0).
*/
mj_stats_test mj_stats_mann_whitney(const double *x, size_t n1, const double *y,
                                    size_t n2, mj_stats_mwu_method method,
                                    double *work);

/*
** The same from counts per ordered category (a Likert scale's answers per
** value, as a cycle stores them): c1[j] and c2[j] answers of group 1 and 2
** fell in category j, categories in ascending order, k of them. Ties are
** whole categories: a category's answers share the mid-rank
** cum + (t + 1)/2 with t = c1[j] + c2[j], so U₁ = Σ c1[j]·rank_j −
** n₁(n₁+1)/2, and Σ(t³ − t) runs over the categories. Gives what
** mj_stats_mann_whitney gives on the expanded values, with no allocation,
** for any n. Exact p only when no category holds two answers. NAN when a
** count is negative, not finite or not whole, or a group is empty.
*/
mj_stats_test mj_stats_mann_whitney_counts(const double *c1, const double *c2,
                                           size_t k,
                                           mj_stats_mwu_method method);

/*
** Pearson's χ² test of an r × c table of counts (row-major, r·c cells):
** E_ij = R_i·C_j/N, χ² = Σ(O − E)²/E, df = (r'−1)(c'−1), where rows and
** columns with a zero total are dropped first (r', c' the rest). Also
** the G-test G = 2ΣO·ln(O/E) and Cochran's rule: warn when more than 20%
** of the kept cells have E < 5 or any has E < 1. NAN statistics when
** fewer than two rows or columns remain or a count is negative or NaN.
*/
typedef struct mj_stats_chi2 {
  mj_stats_test test;  /* stat = χ², df, p */
  double g, g_p;       /* G-test statistic and p-value (same df) */
  double min_expected; /* smallest E of the kept cells */
  size_t n_small;      /* kept cells with E < 5 */
  size_t n_cells;      /* kept cells, r'·c' */
  int warn;            /* 1 when Cochran's rule is broken */
} mj_stats_chi2;

mj_stats_chi2 mj_stats_chi2_test(const double *obs, size_t r, size_t c);

/*
** Two independent NPS values, Wald z-test (doc/methods.md#nps), from
** promoter and detractor shares (fractions) and sizes: NPS = P − D,
** σ² = P + D − (P − D)², z = (NPS₁ − NPS₂)/sqrt(σ₁²/n₁ + σ₂²/n₂).
** stat = z. NAN when an n <= 0, a share is outside [0, 1], P + D > 1, or
** both σ² are 0. Not for panels (the same customers in both waves).
*/
mj_stats_test mj_stats_nps_diff(double p1, double d1, double n1, double p2,
                                double d2, double n2);
/*
** The adjusted-Wald version (Rocks 2016; NPS::nps_test_): counts of
** promoters, detractors and n per group, each given 0.75 promoters, 1.5
** passives and 0.75 detractors first (n + 3).
*/
mj_stats_test mj_stats_nps_diff_adjusted(double prom1, double det1, double n1,
                                         double prom2, double det2, double n2);
/*
** Wald interval of an NPS on the −1..1 scale, NPS ± z·sqrt(σ²/n), clipped
** to [−1, 1]; zero width when σ² = 0 (to be flagged: doc/methods.md#nps).
** NAN ends under the same conditions as mj_stats_nps_diff.
*/
mj_stats_ci mj_stats_nps_wald(double p, double d, double n, double z);

/* ---------------------------------------------------------------------
** Sample size and stratified allocation
** (doc/methods.md#sample-size-and-allocation). Sizes are doubles; round
** with mj_stats_ceil.
*/

/* n₀ = z²·p(1−p)/e² (p = 0.5 when unknown); NAN unless 0 <= p <= 1,
** e > 0, z > 0. */
double mj_stats_n0_proportion(double p, double e, double z);
/* n₀ = (z·s/e)² for a mean (and for an NPS with s = σ on −1..1). */
double mj_stats_n0_mean(double s, double e, double z);

typedef enum mj_stats_fpc {
  MJ_STATS_FPC_A = 0, /* n = n₀/(1 + (n₀ − 1)/N) */
  MJ_STATS_FPC_B = 1  /* n = n₀/(1 + n₀/N)  (Bartlett et al. 2001) */
} mj_stats_fpc;

/*
** The finite-population correction of n₀ for a population of N; n₀
** unchanged when N is infinite. NAN when N <= 0 or n₀ < 0. Apply it when
** n₀/N > 5% (doc/methods.md#sample-size-and-allocation); the caller
** decides.
*/
double mj_stats_fpc_apply(double n0, double N, mj_stats_fpc variant);
/* Round a size up, forgiving floating-point noise of a few ulps above an
** integer (384.00000000000006 is 384). */
double mj_stats_ceil(double n);

/*
** Allocate a sample of n over H strata of sizes Nh: proportional
** (Sh == NULL: n_h = n·N_h/N) or Neyman (n_h = n·N_h·S_h/Σ N_i·S_i).
** Each n_h is kept within [min_h, N_h] with min_h = min(min_each, N_h):
** strata that hit a bound are fixed there and the rest of n is spread
** again over the others, until none is out of bounds. exact receives the
** bounded real allocation, alloc the integers by largest remainder (ties
** to the lower index; Σ alloc = n). Returns 0, or -1 when n > Σ N_h,
** n < Σ min_h, H == 0, or an N_h, S_h or n is negative or not finite (or
** every weight is 0). doc/methods.md#sample-size-and-allocation asks for
** min_each = 2.
*/
int mj_stats_allocate(double n, const double *Nh, const double *Sh, size_t H,
                      double min_each, double *exact, double *alloc);

/*
** The stratified proportion p̂_st = Σ W_h·p̂_h (W_h = N_h/N) and its
** standard error sqrt(Σ W_h²·(1 − n_h/N_h)·p̂_h(1−p̂_h)/(n_h − 1)).
** NAN when an n_h < 2, n_h > N_h or N is 0.
*/
double mj_stats_stratified_p(const double *Nh, const double *nh,
                             const double *ph, size_t H, double *se);

/* ---------------------------------------------------------------------
** Reliability (doc/methods.md#reliability).
*/

/*
** Cronbach's α of k items: α = k/(k−1)·(1 − Σ s_i²/s_X²), X the row
** total. x is row-major with n_rows rows of ld values; cols lists the k
** item columns (NULL: columns 0..k−1). Rows with a NaN in any item are
** left out (listwise deletion); *n_used (may be NULL) gets the rows used.
** Per item (arrays of k, each may be NULL):
**   item_total[i]  corrected item-total r = corr(x_i, X − x_i)
**                  (psych's r.drop);
**   alpha_drop[i]  α of the other k − 1 items.
** NAN (not an error) when k < 2, fewer than 2 rows are used, or s_X² = 0;
** per item, when a variance involved is 0 or k − 1 < 2; also when the
** 3·k doubles of work space cannot be had. Costs O(n·k) time, one pass.
*/
double mj_stats_cronbach(const double *x, size_t n_rows, size_t ld,
                         const size_t *cols, size_t k, size_t *n_used,
                         double *item_total, double *alpha_drop);

/*
** The same in one pass over rows that arrive in pieces: per item its mean,
** Σ(x_i − x̄_i)² and Σ(x_i − x̄_i)(X − X̄), updated row by row (Welford's
** co-moments, stable where raw sums of squares cancel). The caller gives
** 3·k doubles of work space that live as long as the accumulator.
*/
typedef struct mj_stats_cronbach_acc {
  size_t k;
  uint64_t n;
  double mean_x, m2_x; /* the row total X */
  double *mean, *m2, *cx;
} mj_stats_cronbach_acc;

void mj_stats_cronbach_init(mj_stats_cronbach_acc *a, size_t k, double *work);
/* One row (ld values; cols as above); left out when an item is NaN. */
void mj_stats_cronbach_add(mj_stats_cronbach_acc *a, const double *row,
                           const size_t *cols);
/* α and the per-item figures of the rows added so far, as above. */
double mj_stats_cronbach_result(const mj_stats_cronbach_acc *a,
                                double *item_total, double *alpha_drop);

/*
** Feldt's interval for α from n rows and k items (as in pingouin):
** [1 − (1−α)·F(1 − a/2), 1 − (1−α)·F(a/2)], F quantiles with
** (n−1, (n−1)(k−1)) degrees of freedom, a = 1 − level.
*/
mj_stats_ci mj_stats_feldt(double alpha, double n, double k, double level);

/* ---- key-driver analysis for the gap scorers ---- */

/* Largest predictor count mj_stats_relweights accepts (stack buffers). */
#define MJ_STATS_RW_MAXP 32

/*
** Johnson's relative weights (Johnson 2000;
** doc/methods.md#ipa-and-derived-importance) from the p x p
** predictor correlation matrix rxx (row-major) and the predictor-outcome
** correlations rxy: with rxx = Q·Λ·Qᵀ and L = Q·Λ^½·Qᵀ, β = L⁻¹·rxy and
** raw[j] = Σ_k L_jk²·β_k². Returns R² (the sum of raw), or NAN when p is 0
** or above MJ_STATS_RW_MAXP or rxx is not positive definite (a constant or
** collinear predictor), in which case raw is left untouched.
*/
double mj_stats_relweights(const double *rxx, const double *rxy, size_t p,
                           double *raw);

#endif
