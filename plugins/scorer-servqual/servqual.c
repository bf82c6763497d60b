/*
** SERVQUAL scorer: expectation-perception gaps per item, per dimension
** and overall, weighted gaps and SERVPERF (a matrix scorer).
**
** Questions it reads, by their tags (other columns are ignored):
**   servqual = "T1"       the item id; every SERVQUAL question has one
**   role = "expectation" | "perception" | "importance"
**   dimension = "..."     the RATER dimension (tangibles, reliability,
**                         responsiveness, assurance, empathy); without the
**                         tag, the dimension of the requirement measured
**   reverse = "yes"       negatively worded item (1988 wording): x' =
**                         min + max - x before any gap is taken
** An item is one expectation and one perception question with the same
** servqual id. An importance question carries one respondent's points
** for one dimension (role = "importance" plus its dimension, with or
** without a servqual id, as the template asks it); without importance
** questions the requirement weights of a dimension's perception
** questions (their mean) weight every respondent; with neither, no
** weighted figure is emitted and a warning says why.
** Every expectation question (role = "expectation", servqual id or not)
** that measures a requirement also counts for that requirement's
** expectation: the mean over respondents of their mean expectation over
** its questions, t interval (subject "requirement:ID"). Gap 1 of the
** 5-gap model sets what staff believe customers expect against it.
**
** Method (doc/methods.md#servqual-and-servperf, Zeithaml, Parasuraman &
** Berry 1990):
**   g_ri = P_ri - E_ri, on rows with both answers (N/A drops the item for
**     that respondent only);
**   G_rd = mean of g_ri over the items of d the respondent answered;
**   gap (item i)      = mean over rows of g_ri, paired t interval;
**   gap (dimension d) = G_d = mean over respondents of G_rd, t interval;
**   gap (overall)     = (1/D)·Σ_d G_d, the mean of the dimension means
**     (not the mean of all item gaps);
**   gap_weighted (overall) = mean over respondents of WSQ_r = Σ_d w_rd·G_rd
**     with the respondent's own weights (the per-respondent variant, not
**     the aggregate-weight one), t interval;
**   gap_weighted (dimension d) = mean over those respondents of w_rd·G_rd,
**     d's share of the weighted score (they add up to it when every
**     respondent has every dimension);
**   servperf = the same steps on perceptions alone (Cronin & Taylor 1992):
**     per dimension and overall; servperf_weighted overall.
** Weights: w_rd = points_rd / Σ points over the dimensions the respondent
** has a score for, so 100-point allocations become the fractions of §3
** and a respondent missing a dimension has the others renormalised; a
** respondent with no usable points is left out of the weighted scores.
** The overall interval (and sd) comes from the per-respondent mean over
** dimensions, and only when every respondent has every dimension (the
** two means agree then); otherwise the overall figures have no interval.
** Intervals with s = 0 are left out (doc/methods.md#mean-scores: flag,
** do not show).
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mejora/plugin.h"
#include "scorer_level.h"
#include "stats.h"

#define NONE SIZE_MAX

typedef struct sq_inst {
  const mj_host_api *host;
  mj_ctx *ctx;
  double level; /* two-sided confidence level */
} sq_inst;

typedef struct sq_item {
  const char *id;
  const char *dim; /* NULL: item gap only */
  size_t e, p;     /* columns, NONE when absent */
  size_t d;        /* index into dims, NONE without dimension */
  mj_stats_acc gap;
} sq_item;

typedef struct sq_dim {
  const char *name;
  size_t imp;             /* importance column, NONE when absent */
  double req_w;           /* sum of the requirement weights of its items */
  size_t req_n;           /* how many were given */
  size_t n_items;         /* items with a perception question */
  double g_sum, p_sum, w; /* per-row scratch */
  size_t g_n, p_n;
  mj_stats_acc gap, perf, wgap;
} sq_dim;

/* What customers expect of one requirement: the expectation questions
** measuring it, whatever their item. */
typedef struct sq_req {
  const char *id;
  double sum; /* per-row scratch */
  size_t n;
  mj_stats_acc exp;
} sq_req;

typedef struct sq_run {
  sq_inst *in;
  const mj_matrix *m;
  size_t *col_req; /* per column: its sq_req when an expectation, or NONE */
  sq_req *reqs;
  size_t n_reqs;
  sq_item *items;
  size_t n_items;
  sq_dim *dims;
  size_t n_dims;
  int weighted; /* some dimension has importance points or weights */
  uint64_t bad; /* answers outside their scale */
} sq_run;

static const char *tag(const mj_column *c, const char *key)
{
  for (size_t i = 0; i < c->n_tags; i++)
    if (c->tags[i].key && strcmp(c->tags[i].key, key) == 0)
      return c->tags[i].value;
  return NULL;
}

static const mj_option sq_options[] = {
    {"level", MJ_OPT_NUMBER, "0.95", 0,
     "two-sided confidence level of the intervals (0 < level < 1)"},
    {NULL, 0, NULL, 0, NULL},
};

static int sq_create(const mj_host_api *host, mj_ctx *ctx, const mj_config *cfg,
                     void **inst, mj_error *err)
{
  double level;
  int rc = mj_scorer_level(host, cfg, sq_options, "servqual", &level, err);
  if (rc != MJ_OK)
    return rc;
  sq_inst *in = host->alloc(sizeof *in);
  if (!in)
    return host->error(err, MJ_ENOMEM, "scorer servqual: out of memory");
  in->host = host;
  in->ctx = ctx;
  in->level = level;
  *inst = in;
  return MJ_OK;
}

static void sq_destroy(void *inst)
{
  sq_inst *in = inst;
  if (in)
    in->host->free(in);
}

static size_t dim_index(sq_run *r, const char *name)
{
  for (size_t i = 0; i < r->n_dims; i++)
    if (strcmp(r->dims[i].name, name) == 0)
      return i;
  sq_dim *d = &r->dims[r->n_dims];
  memset(d, 0, sizeof *d);
  d->name = name;
  d->imp = NONE;
  return r->n_dims++;
}

static sq_item *item_for(sq_run *r, const char *id)
{
  for (size_t i = 0; i < r->n_items; i++)
    if (strcmp(r->items[i].id, id) == 0)
      return &r->items[i];
  sq_item *it = &r->items[r->n_items++];
  memset(it, 0, sizeof *it);
  it->id = id;
  it->e = it->p = it->d = NONE;
  return it;
}

/* The dimension a column names: its tag, else its requirement's. */
static const char *dim_of(const mj_column *col)
{
  const char *dim = tag(col, "dimension");
  return dim ? dim : col->dimension;
}

/* Whether an item of the questionnaire is in dimension dim. */
static int has_items_in(const sq_run *r, const char *dim)
{
  for (size_t i = 0; i < r->n_items; i++)
    if (r->items[i].dim && strcmp(r->items[i].dim, dim) == 0)
      return 1;
  return 0;
}

/* Make column c the importance of its dimension, one per dimension. */
static int set_importance(sq_run *r, size_t c, const char *dim, mj_error *err)
{
  const mj_host_api *h = r->in->host;
  sq_dim *d = &r->dims[dim_index(r, dim)];
  if (d->imp != NONE)
    return h->error(err, MJ_EINVAL,
                    "scorer servqual: questions %s and %s both give the "
                    "importance of dimension %s; keep one",
                    r->m->cols[d->imp].question, r->m->cols[c].question,
                    dim);
  d->imp = c;
  return MJ_OK;
}

/* Sort the tagged columns into items and dimensions. */
static int classify(sq_run *r, mj_error *err)
{
  const mj_host_api *h = r->in->host;
  for (size_t c = 0; c < r->m->n_cols; c++) {
    const mj_column *col = &r->m->cols[c];
    const char *id = tag(col, "servqual");
    if (!id)
      continue;
    const char *role = tag(col, "role");
    const char *dim = dim_of(col);
    if (role && strcmp(role, "importance") == 0) {
      if (!dim)
        return h->error(err, MJ_EINVAL,
                        "scorer servqual: importance question %s has no "
                        "dimension; add tags = { dimension = \"...\" } or "
                        "let it measure a requirement with a dimension",
                        col->question);
      int rc = set_importance(r, c, dim, err);
      if (rc != MJ_OK)
        return rc;
      continue;
    }
    int is_e = role && strcmp(role, "expectation") == 0;
    int is_p = role && strcmp(role, "perception") == 0;
    if (!is_e && !is_p)
      return h->error(err, MJ_EINVAL,
                      "scorer servqual: question %s (item %s) has role = "
                      "\"%s\"; tag it role = \"expectation\", "
                      "\"perception\" or \"importance\"",
                      col->question, id, role ? role : "");
    sq_item *it = item_for(r, id);
    size_t *slot = is_e ? &it->e : &it->p;
    if (*slot != NONE)
      return h->error(err, MJ_EINVAL,
                      "scorer servqual: questions %s and %s are both the "
                      "%s of item %s; give each a different servqual id",
                      r->m->cols[*slot].question, col->question, role, id);
    *slot = c;
    if (dim && it->dim && strcmp(dim, it->dim) != 0)
      return h->error(err, MJ_EINVAL,
                      "scorer servqual: item %s is in dimension %s on one "
                      "question and %s on question %s; make them agree",
                      id, it->dim, dim, col->question);
    if (dim)
      it->dim = dim;
  }
  /* Expectations by the requirement they measure, for gap 1 of the
  ** 5-gap model (what staff believe customers expect against this). */
  for (size_t c = 0; c < r->m->n_cols; c++) {
    const mj_column *col = &r->m->cols[c];
    const char *role = tag(col, "role");
    r->col_req[c] = NONE;
    if (!role || strcmp(role, "expectation") != 0 || !col->requirement)
      continue;
    size_t k;
    for (k = 0; k < r->n_reqs; k++)
      if (strcmp(r->reqs[k].id, col->requirement) == 0)
        break;
    if (k == r->n_reqs) {
      memset(&r->reqs[k], 0, sizeof r->reqs[k]);
      r->reqs[k].id = col->requirement;
      r->n_reqs++;
    }
    r->col_req[c] = k;
  }
  /* An importance question needs no servqual id (the template gives it
  ** none): role = "importance" and a dimension the items use make it the
  ** weight of that dimension. One of another dimension, or tagged for
  ** IPA (an attribute's stated importance), is another scorer's. */
  for (size_t c = 0; c < r->m->n_cols; c++) {
    const mj_column *col = &r->m->cols[c];
    const char *role = tag(col, "role");
    const char *dim = dim_of(col);
    if (tag(col, "servqual") || tag(col, "ipa") || !role ||
        strcmp(role, "importance") != 0 || !dim || !has_items_in(r, dim))
      continue;
    int rc = set_importance(r, c, dim, err);
    if (rc != MJ_OK)
      return rc;
  }
  for (size_t i = 0; i < r->n_items; i++) {
    sq_item *it = &r->items[i];
    if (it->p == NONE) {
      h->log(r->in->ctx, MJ_LOG_WARN,
             "scorer servqual: item %s has no perception question (role = "
             "\"perception\"); it is left out",
             it->id);
      continue;
    }
    if (it->e == NONE)
      h->log(r->in->ctx, MJ_LOG_WARN,
             "scorer servqual: item %s has no expectation question; it "
             "counts for SERVPERF only",
             it->id);
    if (!it->dim) {
      h->log(r->in->ctx, MJ_LOG_WARN,
             "scorer servqual: item %s has no dimension; it gets an item "
             "gap but no part in dimension or overall scores",
             it->id);
      continue;
    }
    it->d = dim_index(r, it->dim);
    sq_dim *d = &r->dims[it->d];
    d->n_items++;
    double w = r->m->cols[it->p].weight;
    if (isfinite(w) && w >= 0.0) {
      d->req_w += w;
      d->req_n++;
    }
  }
  for (size_t d = 0; d < r->n_dims; d++)
    r->weighted |= r->dims[d].n_items && (r->dims[d].imp != NONE ||
                                          r->dims[d].req_n > 0);
  if (r->n_items && !r->weighted)
    h->log(r->in->ctx, MJ_LOG_WARN,
           "scorer servqual: no importance question (role = \"importance\" "
           "with a dimension) and no requirement weight: no weighted gaps; "
           "ask for the 100 points (the template's weights = true) or give "
           "the requirements weights");
  return MJ_OK;
}

/* A cell as a number on its scale (reversed when tagged), or NAN; one
** outside its scale is counted in r->bad when count_bad is set. */
static double cell_of(sq_run *r, size_t row, size_t c, int count_bad)
{
  const mj_matrix *m = r->m;
  size_t k = row * m->n_cols + c;
  if (m->state[k] != MJ_ANSWER_VALUE || isnan(m->values[k]))
    return NAN;
  const mj_column *col = &m->cols[c];
  double v = m->values[k];
  if (v < col->scale_min || v > col->scale_max) {
    r->bad += count_bad;
    return NAN;
  }
  const char *rev = tag(col, "reverse");
  if (rev && strcmp(rev, "yes") == 0)
    v = col->scale_min + col->scale_max - v;
  return v;
}

static double cell(sq_run *r, size_t row, size_t c)
{
  return cell_of(r, row, c, 1);
}

/* A respondent's mean expectation of each requirement, into its mean. */
static void score_expectations(sq_run *r, size_t row)
{
  for (size_t k = 0; k < r->n_reqs; k++) {
    r->reqs[k].sum = 0.0;
    r->reqs[k].n = 0;
  }
  for (size_t c = 0; r->n_reqs && c < r->m->n_cols; c++) {
    if (r->col_req[c] == NONE)
      continue;
    /* An item's expectation was counted out of scale already. */
    double v = cell_of(r, row, c, 0);
    if (!isnan(v)) {
      r->reqs[r->col_req[c]].sum += v;
      r->reqs[r->col_req[c]].n++;
    }
  }
  for (size_t k = 0; k < r->n_reqs; k++)
    if (r->reqs[k].n)
      mj_stats_acc_add(&r->reqs[k].exp,
                       r->reqs[k].sum / (double)r->reqs[k].n);
}

/* A respondent's weight for dimension d, NAN when there is none. */
static double weight(sq_run *r, size_t row, const sq_dim *d)
{
  if (d->imp != NONE) {
    const mj_matrix *m = r->m;
    size_t k = row * m->n_cols + d->imp;
    double v = m->values[k];
    return m->state[k] == MJ_ANSWER_VALUE && v >= 0.0 ? v : NAN;
  }
  return d->req_n ? d->req_w / (double)d->req_n : NAN;
}

typedef struct sq_totals {
  mj_stats_acc any_gap, any_perf;   /* respondents with some score */
  mj_stats_acc full_gap, full_perf; /* with every dimension: mean */
  mj_stats_acc wgap, wperf;
} sq_totals;

static void score_row(sq_run *r, size_t row, sq_totals *t)
{
  for (size_t d = 0; d < r->n_dims; d++) {
    sq_dim *dm = &r->dims[d];
    dm->g_sum = dm->p_sum = 0.0;
    dm->g_n = dm->p_n = 0;
  }
  for (size_t i = 0; i < r->n_items; i++) {
    sq_item *it = &r->items[i];
    if (it->p == NONE)
      continue;
    double p = cell(r, row, it->p);
    double e = it->e == NONE ? NAN : cell(r, row, it->e);
    sq_dim *dm = it->d == NONE ? NULL : &r->dims[it->d];
    if (!isnan(p) && dm) {
      dm->p_sum += p;
      dm->p_n++;
    }
    if (!isnan(p) && !isnan(e)) {
      mj_stats_acc_add(&it->gap, p - e);
      if (dm) {
        dm->g_sum += p - e;
        dm->g_n++;
      }
    }
  }
  double gsum = 0, psum = 0, wg = 0, wp = 0, wgs = 0, wps = 0;
  size_t gn = 0, pn = 0, used = 0;
  for (size_t d = 0; d < r->n_dims; d++) {
    sq_dim *dm = &r->dims[d];
    if (!dm->n_items)
      continue;
    used++;
    dm->w = weight(r, row, dm);
    if (dm->g_n) {
      double g = dm->g_sum / (double)dm->g_n;
      mj_stats_acc_add(&dm->gap, g);
      gsum += g;
      gn++;
      if (!isnan(dm->w)) {
        wg += dm->w;
        wgs += dm->w * g;
      }
    }
    if (dm->p_n) {
      double p = dm->p_sum / (double)dm->p_n;
      mj_stats_acc_add(&dm->perf, p);
      psum += p;
      pn++;
      if (!isnan(dm->w)) {
        wp += dm->w;
        wps += dm->w * p;
      }
    }
  }
  if (gn) {
    mj_stats_acc_add(&t->any_gap, 0.0);
    if (gn == used)
      mj_stats_acc_add(&t->full_gap, gsum / (double)gn);
  }
  if (pn) {
    mj_stats_acc_add(&t->any_perf, 0.0);
    if (pn == used)
      mj_stats_acc_add(&t->full_perf, psum / (double)pn);
  }
  if (wg > 0.0) {
    mj_stats_acc_add(&t->wgap, wgs / wg);
    for (size_t d = 0; d < r->n_dims; d++) {
      sq_dim *dm = &r->dims[d];
      if (dm->n_items && dm->g_n && !isnan(dm->w))
        mj_stats_acc_add(&dm->wgap, dm->w / wg * dm->g_sum / (double)dm->g_n);
    }
  }
  if (wp > 0.0)
    mj_stats_acc_add(&t->wperf, wps / wp);
}

static int emit_figure(const mj_figure_sink *out, const char *metric,
                       const char *subject, double value, mj_stats_ci ci,
                       uint64_t n, double sd, mj_error *err)
{
  mj_figure f = {.metric = metric,
                 .value = value,
                 .ci_low = ci.low,
                 .ci_high = ci.high,
                 .n = n,
                 .subject = subject,
                 .sd = isnan(sd) ? 0.0 : sd};
  return out->emit(out->ud, &f, err);
}

/* A mean with its t interval (none when s = 0) and sd. */
static int emit_mean(const sq_inst *in, const mj_figure_sink *out,
                     const char *metric, const char *subject,
                     const mj_stats_acc *a, mj_error *err)
{
  mj_stats_ci ci = mj_stats_mean_ci(a, 0.5 + 0.5 * in->level);
  if (!(a->m2 > 0.0))
    ci.low = ci.high = NAN;
  return emit_figure(out, metric, subject, mj_stats_acc_mean(a), ci, a->n,
                     mj_stats_acc_sd(a), err);
}

/* The mean of dimension means; its interval from the per-respondent
** means when every respondent had every dimension. */
static int emit_overall(const sq_inst *in, const mj_figure_sink *out,
                        const char *metric, double sum, size_t k,
                        const mj_stats_acc *any, const mj_stats_acc *full,
                        mj_error *err)
{
  if (full->n == any->n && any->n > 0)
    return emit_mean(in, out, metric, NULL, full, err);
  mj_stats_ci none = {NAN, NAN};
  return emit_figure(out, metric, NULL, k ? sum / (double)k : NAN, none, any->n,
                     0.0, err);
}

static int emit_all(sq_run *r, const sq_totals *t, const mj_figure_sink *out,
                    mj_error *err)
{
  char subject[512];
  int rc;
  for (size_t k = 0; k < r->n_reqs; k++) {
    snprintf(subject, sizeof subject, "requirement:%s", r->reqs[k].id);
    if ((rc = emit_mean(r->in, out, "expectation", subject, &r->reqs[k].exp,
                        err)) != MJ_OK)
      return rc;
  }
  for (size_t i = 0; i < r->n_items; i++) {
    const sq_item *it = &r->items[i];
    if (it->p == NONE || it->e == NONE)
      continue;
    snprintf(subject, sizeof subject, "item:%s", it->id);
    if ((rc = emit_mean(r->in, out, "gap", subject, &it->gap, err)) != MJ_OK)
      return rc;
  }
  double gsum = 0.0, psum = 0.0;
  size_t gk = 0, pk = 0, used = 0;
  for (size_t d = 0; d < r->n_dims; d++) {
    const sq_dim *dm = &r->dims[d];
    if (!dm->n_items)
      continue;
    used++;
    snprintf(subject, sizeof subject, "dimension:%s", dm->name);
    if ((rc = emit_mean(r->in, out, "gap", subject, &dm->gap, err)) != MJ_OK ||
        (r->weighted && (rc = emit_mean(r->in, out, "gap_weighted", subject,
                                        &dm->wgap, err)) != MJ_OK) ||
        (rc = emit_mean(r->in, out, "servperf", subject, &dm->perf, err)) !=
            MJ_OK)
      return rc;
    if (dm->gap.n) {
      gsum += dm->gap.mean;
      gk++;
    }
    if (dm->perf.n) {
      psum += dm->perf.mean;
      pk++;
    }
  }
  if (!used)
    return MJ_OK; /* no dimension: nothing to put together */
  if ((rc = emit_overall(r->in, out, "gap", gsum, gk, &t->any_gap, &t->full_gap,
                         err)) != MJ_OK ||
      (rc = emit_overall(r->in, out, "servperf", psum, pk, &t->any_perf,
                         &t->full_perf, err)) != MJ_OK)
    return rc;
  if (!r->weighted)
    return MJ_OK; /* no weights: said so in classify() */
  if (t->wgap.n == 0 && t->wperf.n == 0)
    r->in->host->log(r->in->ctx, MJ_LOG_WARN,
                     "scorer servqual: no respondent gave usable importance "
                     "points; the weighted gaps have n = 0");
  if ((rc = emit_mean(r->in, out, "gap_weighted", NULL, &t->wgap, err)) !=
          MJ_OK ||
      (rc = emit_mean(r->in, out, "servperf_weighted", NULL, &t->wperf, err)) !=
          MJ_OK)
    return rc;
  return MJ_OK;
}

static int sq_matrix(void *inst, const mj_matrix *m, const mj_figure_sink *out,
                     mj_error *err)
{
  sq_inst *in = inst;
  const mj_host_api *h = in->host;
  if (m->n_cols == 0)
    return MJ_OK;
  sq_run r = {.in = in, .m = m};
  r.items = h->alloc(m->n_cols * sizeof *r.items);
  r.dims = h->alloc(m->n_cols * sizeof *r.dims);
  r.reqs = h->alloc(m->n_cols * sizeof *r.reqs);
  r.col_req = h->alloc(m->n_cols * sizeof *r.col_req);
  int rc = MJ_OK;
  if (!r.items || !r.dims || !r.reqs || !r.col_req) {
    rc = h->error(err, MJ_ENOMEM, "scorer servqual: out of memory");
    goto done;
  }
  if ((rc = classify(&r, err)) != MJ_OK || (r.n_items == 0 && r.n_reqs == 0))
    goto done;
  sq_totals t = {0};
  for (size_t row = 0; row < m->n_rows; row++) {
    score_row(&r, row, &t);
    score_expectations(&r, row);
  }
  if (r.bad)
    h->log(in->ctx, MJ_LOG_WARN,
           "scorer servqual: left out %llu answer(s) outside their scale",
           (unsigned long long)r.bad);
  rc = emit_all(&r, &t, out, err);
done:
  h->free(r.items);
  h->free(r.dims);
  h->free(r.reqs);
  h->free(r.col_req);
  return rc;
}

static const char *const sq_metrics[] = {"gap",         "gap_weighted",
                                         "servperf",    "servperf_weighted",
                                         "expectation", NULL};

static const mj_scorer_ops sq_ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .qtypes = NULL,
    .metrics = sq_metrics,
    .create = sq_create,
    .destroy = sq_destroy,
    .score = NULL,
    .score_matrix = sq_matrix,
};

static const mj_plugin_desc sq_desc = {
    MJ_PLUGIN_HEADER,
    "servqual",
    "1.0.0",
    "SERVQUAL gaps (P - E) per item, dimension and overall, weighted gaps "
    "and SERVPERF, from questions tagged servqual and role",
    "MIT",
    MJ_KIND_SCORER,
    sq_options,
    NULL,
    NULL,
    &sq_ops,
    NULL,
};

MJ_PLUGIN_DEFINE(servqual, sq_desc)
