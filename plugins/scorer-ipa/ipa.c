/*
** Importance-performance analysis scorer: importance (stated or derived)
** and performance per attribute, and its quadrant (a matrix scorer).
**
** Questions it reads, by their tags (other columns are ignored):
**   ipa = "ATTR"                         the attribute a question is about
**   role = "performance" | "importance"  (no role: performance;
**                                        "perception", SERVQUAL's word,
**                                        is performance too, so one
**                                        question can serve both)
**   overall = "yes"                      the overall satisfaction question
**                                        that derived importance uses
**
** Method (doc/methods.md#ipa-and-derived-importance; Martilla & James
** 1977):
**   performance  mean rating of the attribute, t interval;
**   importance   stated: mean of its importance question, t interval;
**                derived: Pearson r of the attribute's performance with
**                the overall question, pairwise complete rows, Fisher-z
**                interval tanh(atanh r ± z/√(n-3));
**   importance_rw (derived only) Johnson's relative weight, rescaled to
**                % of R², from the pairwise correlations (as rwa does);
**                with r2, the R² of all attributes, subject NULL;
**   quadrant     label "Concentrate here" (high importance, low
**                performance), "Keep up the good work" (high, high),
**                "Low priority" (low, low), "Possible overkill" (low,
**                high); value = performance - importance for stated
**                importance (the iso-line gap), NAN for derived.
** "High" means at or above the crosshair (>=). Option crosshair places it:
**   "data"   (default) the grand means of the attribute means;
**   "median" the medians of the attribute means;
**   "scale"  the midpoint of each question's scale, (min + max)/2; derived
**            importance has no scale, so its crosshair stays the mean.
** The crosshair is recorded as crosshair_importance and
** crosshair_performance (label = the rule; value NAN when the scale
** midpoints of the attributes differ).
** Option importance: "stated", "derived", or "auto" (default: stated when
** every attribute has an importance question, else derived when there is
** an overall question). Mixing the two in one grid would compare a mean
** rating with a correlation, so it is never done.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mejora/plugin.h"
#include "scorer_level.h"
#include "stats.h"

#define NONE SIZE_MAX

enum { IMP_AUTO, IMP_STATED, IMP_DERIVED };
enum { CROSS_DATA, CROSS_MEDIAN, CROSS_SCALE };

static const char *const cross_name[] = {"data", "median", "scale"};

typedef struct ipa_inst {
  const mj_host_api *host;
  mj_ctx *ctx;
  double level;
  int importance; /* IMP_* */
  int crosshair;  /* CROSS_* */
} ipa_inst;

typedef struct ipa_attr {
  const char *name;
  size_t perf, imp; /* columns, NONE when absent */
  mj_stats_acc p, i;
  double imp_value, imp_low, imp_high;
  uint64_t imp_n;
  double rw; /* rescaled relative weight, NAN if none */
} ipa_attr;

typedef struct ipa_run {
  ipa_inst *in;
  const mj_matrix *m;
  ipa_attr *at;
  size_t n_at;
  size_t overall;
  uint64_t bad;
} ipa_run;

static const char *tag(const mj_column *c, const char *key)
{
  for (size_t i = 0; i < c->n_tags; i++)
    if (c->tags[i].key && strcmp(c->tags[i].key, key) == 0)
      return c->tags[i].value;
  return NULL;
}

static const mj_option ipa_options[] = {
    {"level", MJ_OPT_NUMBER, "0.95", 0,
     "two-sided confidence level of the intervals (0 < level < 1)"},
    {"importance", MJ_OPT_STRING, "auto", 0,
     "\"stated\" (importance questions), \"derived\" (correlation with the "
     "overall question) or \"auto\""},
    {"crosshair", MJ_OPT_STRING, "data", 0,
     "where the quadrants split: \"data\" (grand means), \"median\" or "
     "\"scale\" (scale midpoints)"},
    {NULL, 0, NULL, 0, NULL},
};

static int ipa_create(const mj_host_api *host, mj_ctx *ctx,
                      const mj_config *cfg, void **inst, mj_error *err)
{
  double level;
  int rc = mj_scorer_level(host, cfg, ipa_options, "ipa", &level, err);
  if (rc != MJ_OK)
    return rc;
  const char *imp = host->cfg_str(cfg, "importance");
  const char *cross = host->cfg_str(cfg, "crosshair");
  int i = !imp || strcmp(imp, "auto") == 0 ? IMP_AUTO
          : strcmp(imp, "stated") == 0     ? IMP_STATED
          : strcmp(imp, "derived") == 0    ? IMP_DERIVED
                                           : -1;
  if (i < 0)
    return host->error(err, MJ_EINVAL,
                       "scorer ipa: option importance = \"%s\" is unknown; "
                       "use \"auto\", \"stated\" or \"derived\"",
                       imp);
  int c = !cross || strcmp(cross, "data") == 0 ? CROSS_DATA
          : strcmp(cross, "median") == 0       ? CROSS_MEDIAN
          : strcmp(cross, "scale") == 0        ? CROSS_SCALE
                                               : -1;
  if (c < 0)
    return host->error(err, MJ_EINVAL,
                       "scorer ipa: option crosshair = \"%s\" is unknown; "
                       "use \"data\", \"median\" or \"scale\"",
                       cross);
  ipa_inst *in = host->alloc(sizeof *in);
  if (!in)
    return host->error(err, MJ_ENOMEM, "scorer ipa: out of memory");
  in->host = host;
  in->ctx = ctx;
  in->level = level;
  in->importance = i;
  in->crosshair = c;
  *inst = in;
  return MJ_OK;
}

static void ipa_destroy(void *inst)
{
  ipa_inst *in = inst;
  if (in)
    in->host->free(in);
}

static int classify(ipa_run *r, mj_error *err)
{
  const mj_host_api *h = r->in->host;
  const mj_matrix *m = r->m;
  r->overall = NONE;
  for (size_t c = 0; c < m->n_cols; c++) {
    const mj_column *col = &m->cols[c];
    const char *ov = tag(col, "overall");
    if (ov && strcmp(ov, "yes") == 0) {
      if (r->overall != NONE)
        return h->error(err, MJ_EINVAL,
                        "scorer ipa: questions %s and %s are both tagged "
                        "overall = \"yes\"; keep one",
                        m->cols[r->overall].question, col->question);
      r->overall = c;
      continue;
    }
    const char *name = tag(col, "ipa");
    if (!name)
      continue;
    const char *role = tag(col, "role");
    int is_imp = role && strcmp(role, "importance") == 0;
    if (role && !is_imp && strcmp(role, "performance") != 0 &&
        strcmp(role, "perception") != 0)
      return h->error(err, MJ_EINVAL,
                      "scorer ipa: question %s (attribute %s) has role = "
                      "\"%s\"; tag it role = \"performance\" (or "
                      "\"perception\") or \"importance\"",
                      col->question, name, role);
    size_t i = 0;
    while (i < r->n_at && strcmp(r->at[i].name, name) != 0)
      i++;
    if (i == r->n_at) {
      ipa_attr *a = &r->at[r->n_at++];
      memset(a, 0, sizeof *a);
      a->name = name;
      a->perf = a->imp = NONE;
      a->rw = NAN;
    }
    size_t *slot = is_imp ? &r->at[i].imp : &r->at[i].perf;
    if (*slot != NONE)
      return h->error(err, MJ_EINVAL,
                      "scorer ipa: questions %s and %s both give the %s of "
                      "attribute %s; keep one",
                      m->cols[*slot].question, col->question,
                      is_imp ? "importance" : "performance", name);
    *slot = c;
  }
  for (size_t i = 0; i < r->n_at; i++)
    if (r->at[i].perf == NONE)
      return h->error(err, MJ_EINVAL,
                      "scorer ipa: attribute %s has an importance question "
                      "(%s) but no performance question; tag one ipa = "
                      "\"%s\" (role = \"performance\")",
                      r->at[i].name, m->cols[r->at[i].imp].question,
                      r->at[i].name);
  return MJ_OK;
}

/* Stated or derived, per the option and the questions there are. */
static int choose(ipa_run *r, int *derived, mj_error *err)
{
  const mj_host_api *h = r->in->host;
  const ipa_attr *missing = NULL;
  for (size_t i = 0; i < r->n_at && !missing; i++)
    if (r->at[i].imp == NONE)
      missing = &r->at[i];
  int want = r->in->importance;
  if (want == IMP_AUTO)
    want = !missing             ? IMP_STATED
           : r->overall != NONE ? IMP_DERIVED
                                : IMP_STATED;
  if (want == IMP_STATED && missing)
    return h->error(err, MJ_EINVAL,
                    "scorer ipa: attribute %s has no importance question "
                    "(role = \"importance\")%s; add one, or tag an overall "
                    "question overall = \"yes\" to derive importance",
                    missing->name,
                    r->in->importance == IMP_AUTO
                        ? " and no question is tagged overall = \"yes\""
                        : "");
  if (want == IMP_DERIVED && r->overall == NONE)
    return h->error(err, MJ_EINVAL,
                    "scorer ipa: derived importance needs an overall "
                    "satisfaction question; tag one overall = \"yes\"");
  *derived = want == IMP_DERIVED;
  return MJ_OK;
}

/* A valid cell on its scale, or NAN (out of scale counts as bad). */
static double cell(ipa_run *r, size_t row, size_t c)
{
  const mj_matrix *m = r->m;
  size_t k = row * m->n_cols + c;
  double v = m->values[k];
  if (m->state[k] != MJ_ANSWER_VALUE || isnan(v))
    return NAN;
  if (v < m->cols[c].scale_min || v > m->cols[c].scale_max) {
    r->bad++;
    return NAN;
  }
  return v;
}

/* Pearson r of columns a and b over the rows having both; *n rows. */
static double pearson(ipa_run *r, size_t a, size_t b, uint64_t *n)
{
  mj_stats_acc xa = MJ_STATS_ACC_INIT, xb = MJ_STATS_ACC_INIT;
  double cxy = 0.0;
  for (size_t row = 0; row < r->m->n_rows; row++) {
    double x = cell(r, row, a), y = cell(r, row, b);
    if (isnan(x) || isnan(y))
      continue;
    /* Welford's co-moment update, alongside the two variances. */
    double dx = x - xa.mean;
    mj_stats_acc_add(&xa, x);
    mj_stats_acc_add(&xb, y);
    cxy += dx * (y - xb.mean);
  }
  *n = xa.n;
  if (xa.n < 2 || !(xa.m2 > 0.0) || !(xb.m2 > 0.0))
    return NAN;
  return cxy / sqrt(xa.m2 * xb.m2);
}

static void derive(ipa_run *r)
{
  double z = mj_stats_norm_quantile(0.5 + 0.5 * r->in->level);
  for (size_t i = 0; i < r->n_at; i++) {
    ipa_attr *a = &r->at[i];
    a->imp_value = pearson(r, a->perf, r->overall, &a->imp_n);
    a->imp_low = a->imp_high = NAN;
    if (a->imp_n > 3 && fabs(a->imp_value) < 1.0) {
      double f = atanh(a->imp_value), se = 1.0 / sqrt((double)a->imp_n - 3);
      a->imp_low = tanh(f - z * se);
      a->imp_high = tanh(f + z * se);
    }
  }
}

/* Relative weights of all attributes; R² or NAN. */
static double relweights(ipa_run *r)
{
  size_t p = r->n_at;
  if (p > MJ_STATS_RW_MAXP)
    return NAN;
  double rxx[MJ_STATS_RW_MAXP * MJ_STATS_RW_MAXP], rxy[MJ_STATS_RW_MAXP];
  double raw[MJ_STATS_RW_MAXP];
  uint64_t n;
  for (size_t j = 0; j < p; j++) {
    rxy[j] = r->at[j].imp_value;
    rxx[j * p + j] = 1.0;
    for (size_t k = j + 1; k < p; k++)
      rxx[j * p + k] = rxx[k * p + j] =
          pearson(r, r->at[j].perf, r->at[k].perf, &n);
  }
  for (size_t j = 0; j < p * p; j++)
    if (isnan(rxx[j]) || (j < p && isnan(rxy[j])))
      return NAN;
  double r2 = mj_stats_relweights(rxx, rxy, p, raw);
  if (isnan(r2) || !(r2 > 0.0))
    return NAN;
  for (size_t j = 0; j < p; j++)
    r->at[j].rw = 100.0 * raw[j] / r2;
  return r2;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Mean or median of the defined values v[0..n). */
static double centre(double *v, size_t n, int median)
{
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (!isnan(v[i]))
      v[k++] = v[i];
  if (!k)
    return NAN;
  if (median) {
    qsort(v, k, sizeof *v, cmp_double);
    return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
  }
  double s = 0.0;
  for (size_t i = 0; i < k; i++)
    s += v[i];
  return s / (double)k;
}

static double midpoint(const mj_column *c)
{
  return 0.5 * (c->scale_min + c->scale_max);
}

static int emit(const mj_figure_sink *out, const char *metric,
                const char *subject, const char *label, double value, double lo,
                double hi, uint64_t n, double sd, mj_error *err)
{
  mj_figure f = {.metric = metric,
                 .value = value,
                 .ci_low = lo,
                 .ci_high = hi,
                 .n = n,
                 .subject = subject,
                 .label = label,
                 .sd = isnan(sd) ? 0.0 : sd};
  return out->emit(out->ud, &f, err);
}

static int emit_mean(const ipa_inst *in, const mj_figure_sink *out,
                     const char *metric, const char *subject,
                     const mj_stats_acc *a, mj_error *err)
{
  mj_stats_ci ci = mj_stats_mean_ci(a, 0.5 + 0.5 * in->level);
  if (!(a->m2 > 0.0))
    ci.low = ci.high = NAN; /* s = 0: not shown, doc/methods.md#mean-scores */
  return emit(out, metric, subject, NULL, mj_stats_acc_mean(a), ci.low, ci.high,
              a->n, mj_stats_acc_sd(a), err);
}

static const char *quadrant(double imp, double perf, double ci, double cp)
{
  if (isnan(imp) || isnan(perf) || isnan(ci) || isnan(cp))
    return NULL;
  if (imp >= ci)
    return perf >= cp ? "Keep up the good work" : "Concentrate here";
  return perf >= cp ? "Possible overkill" : "Low priority";
}

static int score(ipa_run *r, int derived, double *iv, double *pv,
                 const mj_figure_sink *out, mj_error *err)
{
  const ipa_inst *in = r->in;
  const mj_matrix *m = r->m;
  for (size_t i = 0; i < r->n_at; i++) {
    ipa_attr *a = &r->at[i];
    for (size_t row = 0; row < m->n_rows; row++) {
      double p = cell(r, row, a->perf);
      if (!isnan(p))
        mj_stats_acc_add(&a->p, p);
      double v = a->imp == NONE || derived ? NAN : cell(r, row, a->imp);
      if (!isnan(v))
        mj_stats_acc_add(&a->i, v);
    }
  }
  double r2 = NAN;
  if (derived) {
    derive(r);
    r2 = relweights(r);
    if (isnan(r2) && r->n_at)
      in->host->log(in->ctx, MJ_LOG_WARN,
                    "scorer ipa: no relative weights: an attribute or the "
                    "overall question is constant, or attributes are "
                    "collinear (or more than %d)",
                    MJ_STATS_RW_MAXP);
  }
  /* The crosshair, from copies (centre() reorders what it is given). */
  double mid_i = NAN, mid_p = NAN;
  int same_i = 1, same_p = 1;
  for (size_t i = 0; i < r->n_at; i++) {
    ipa_attr *a = &r->at[i];
    iv[i] = derived ? a->imp_value : mj_stats_acc_mean(&a->i);
    pv[i] = mj_stats_acc_mean(&a->p);
    double mp = midpoint(&m->cols[a->perf]);
    same_p &= i == 0 || mp == mid_p;
    mid_p = mp;
    if (!derived) {
      double mi = midpoint(&m->cols[a->imp]);
      same_i &= i == 0 || mi == mid_i;
      mid_i = mi;
    }
  }
  int median = in->crosshair == CROSS_MEDIAN;
  int by_scale = in->crosshair == CROSS_SCALE;
  double ci = by_scale && !derived ? (same_i ? mid_i : NAN)
                                   : centre(iv, r->n_at, median);
  double cp = by_scale ? (same_p ? mid_p : NAN) : centre(pv, r->n_at, median);

  char subject[512];
  int rc;
  for (size_t i = 0; i < r->n_at; i++) {
    ipa_attr *a = &r->at[i];
    snprintf(subject, sizeof subject, "attribute:%s", a->name);
    double imp = derived ? a->imp_value : mj_stats_acc_mean(&a->i);
    double perf = mj_stats_acc_mean(&a->p);
    double qi = ci, qp = cp;
    if (by_scale) { /* each question's own midpoint */
      qp = midpoint(&m->cols[a->perf]);
      if (!derived)
        qi = midpoint(&m->cols[a->imp]);
    }
    const char *q = quadrant(imp, perf, qi, qp);
    if ((rc = emit_mean(in, out, "performance", subject, &a->p, err)) != MJ_OK)
      return rc;
    if (derived) {
      if ((rc = emit(out, "importance", subject, NULL, a->imp_value, a->imp_low,
                     a->imp_high, a->imp_n, 0.0, err)) != MJ_OK ||
          (rc = emit(out, "importance_rw", subject, NULL, a->rw, NAN, NAN,
                     a->imp_n, 0.0, err)) != MJ_OK)
        return rc;
    } else if ((rc = emit_mean(in, out, "importance", subject, &a->i, err)) !=
               MJ_OK)
      return rc;
    if ((rc =
             emit(out, "quadrant", subject, q, q && !derived ? perf - imp : NAN,
                  NAN, NAN, a->p.n, 0.0, err)) != MJ_OK)
      return rc;
  }
  const char *rule = cross_name[in->crosshair];
  if ((rc = emit(out, "crosshair_importance", NULL,
                 derived && by_scale ? "data" : rule, ci, NAN, NAN, m->n_rows,
                 0.0, err)) != MJ_OK ||
      (rc = emit(out, "crosshair_performance", NULL, rule, cp, NAN, NAN,
                 m->n_rows, 0.0, err)) != MJ_OK)
    return rc;
  if (derived && (rc = emit(out, "r2", NULL, NULL, r2, NAN, NAN, m->n_rows, 0.0,
                            err)) != MJ_OK)
    return rc;
  return MJ_OK;
}

static int ipa_matrix(void *inst, const mj_matrix *m, const mj_figure_sink *out,
                      mj_error *err)
{
  ipa_inst *in = inst;
  const mj_host_api *h = in->host;
  if (m->n_cols == 0)
    return MJ_OK;
  ipa_run r = {.in = in, .m = m};
  r.at = h->alloc(m->n_cols * sizeof *r.at);
  double *iv = h->alloc(2 * m->n_cols * sizeof *iv);
  int rc = MJ_OK, derived = 0;
  if (!r.at || !iv)
    rc = h->error(err, MJ_ENOMEM, "scorer ipa: out of memory");
  else if ((rc = classify(&r, err)) == MJ_OK && r.n_at > 0 &&
           (rc = choose(&r, &derived, err)) == MJ_OK)
    rc = score(&r, derived, iv, iv + m->n_cols, out, err);
  if (r.bad)
    h->log(in->ctx, MJ_LOG_WARN,
           "scorer ipa: left out %llu answer(s) outside their scale",
           (unsigned long long)r.bad);
  h->free(r.at);
  h->free(iv);
  return rc;
}

static const char *const ipa_metrics[] = {"performance",
                                          "importance",
                                          "importance_rw",
                                          "quadrant",
                                          "crosshair_importance",
                                          "crosshair_performance",
                                          "r2",
                                          NULL};

static const mj_scorer_ops ipa_ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .qtypes = NULL,
    .metrics = ipa_metrics,
    .create = ipa_create,
    .destroy = ipa_destroy,
    .score = NULL,
    .score_matrix = ipa_matrix,
};

static const mj_plugin_desc ipa_desc = {
    MJ_PLUGIN_HEADER,
    "ipa",
    "1.0.0",
    "Importance-performance analysis: importance (stated or derived, with "
    "relative weights), performance and quadrant per attribute tagged ipa",
    "MIT",
    MJ_KIND_SCORER,
    ipa_options,
    NULL,
    NULL,
    &ipa_ops,
    NULL,
};

MJ_PLUGIN_DEFINE(ipa, ipa_desc)
