/*
** Simple customer satisfaction index scorer: a 0-100 index as the
** weighted mean of requirement scores (a matrix scorer).
**
** Questions it reads: every rating-scale question ("scale*") that
** measures a requirement with a weight (`requirement { weight = ... }`).
** Tags: csi = "no" leaves a question out; csi = "yes" takes in a question
** of another numeric type (e.g. "nps"), which must still measure a
** weighted requirement. Questions tagged role = "expectation" or
** "importance" (SERVQUAL, IPA) are not satisfaction ratings and are left
** out unless tagged csi = "yes".
**
** Method (doc/methods.md#csi, simple attribute-based CSI):
**   score_100 (requirement k) = S_k = mean over all answers of the
**     questions measuring k of 100·(x - min)/(max - min), each answer
**     rescaled from its own question's scale (so 1..5 and 1..7 questions
**     can measure one requirement), t interval;
**   csi = Σ_k w_k·S_k / Σ_k w_k over the requirements with answers.
** This is the "attribute means over respondents" form, not a mean of
** per-respondent indices; the two differ when ratings are missing, and
** this one uses every answer. A requirement nobody rated drops out and the
** other weights are renormalised (logged). The index is zero-based,
** 100·(CSI - min)/(max - min); the ratio variant CSI/max·100 is a
** different number and is not produced. doc/methods.md#csi gives no
** interval for the index, so it has none (NAN ends).
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mejora/plugin.h"
#include "scorer_level.h"
#include "stats.h"

typedef struct csi_inst {
  const mj_host_api *host;
  mj_ctx *ctx;
  double level;
} csi_inst;

typedef struct csi_req {
  const char *id;
  double weight;
  mj_stats_acc s; /* rescaled answers */
} csi_req;

static const char *tag(const mj_column *c, const char *key)
{
  for (size_t i = 0; i < c->n_tags; i++)
    if (c->tags[i].key && strcmp(c->tags[i].key, key) == 0)
      return c->tags[i].value;
  return NULL;
}

static const mj_option csi_options[] = {
    {"level", MJ_OPT_NUMBER, "0.95", 0,
     "two-sided confidence level of the requirement intervals"},
    {NULL, 0, NULL, 0, NULL},
};

static int csi_create(const mj_host_api *host, mj_ctx *ctx,
                      const mj_config *cfg, void **inst, mj_error *err)
{
  double level;
  int rc = mj_scorer_level(host, cfg, csi_options, "csi", &level, err);
  if (rc != MJ_OK)
    return rc;
  csi_inst *in = host->alloc(sizeof *in);
  if (!in)
    return host->error(err, MJ_ENOMEM, "scorer csi: out of memory");
  in->host = host;
  in->ctx = ctx;
  in->level = level;
  *inst = in;
  return MJ_OK;
}

static void csi_destroy(void *inst)
{
  csi_inst *in = inst;
  if (in)
    in->host->free(in);
}

/* The requirement column col counts for (*out indexes reqs), SIZE_MAX
** for none. */
static int classify(const csi_inst *in, const mj_column *col, csi_req *reqs,
                    size_t *n_reqs, size_t *out, mj_error *err)
{
  const mj_host_api *h = in->host;
  const char *t = tag(col, "csi");
  int yes = t && strcmp(t, "yes") == 0;
  if (t && !yes && strcmp(t, "no") != 0)
    return h->error(err, MJ_EINVAL,
                    "scorer csi: question %s has csi = \"%s\"; use "
                    "\"yes\" or \"no\"",
                    col->question, t);
  int scale = col->qtype && strncmp(col->qtype, "scale", 5) == 0;
  const char *role = tag(col, "role");
  int rating = !role || (strcmp(role, "expectation") != 0 &&
                         strcmp(role, "importance") != 0);
  *out = SIZE_MAX;
  if ((t && !yes) || (!yes && (!scale || !rating)))
    return MJ_OK;
  if (!col->requirement || !isfinite(col->weight)) {
    if (yes)
      return h->error(err, MJ_EINVAL,
                      "scorer csi: question %s is tagged csi = \"yes\" but "
                      "measures no requirement with a weight; set measures "
                      "= \"...\" and the requirement's weight",
                      col->question);
    return MJ_OK;
  }
  if (col->weight < 0.0)
    return h->error(err, MJ_EINVAL,
                    "scorer csi: requirement %s has weight %g; weights must "
                    "be zero or more",
                    col->requirement, col->weight);
  if (!(col->scale_max > col->scale_min))
    return h->error(err, MJ_EINVAL,
                    "scorer csi: question %s has the empty scale %d..%d",
                    col->question, col->scale_min, col->scale_max);
  size_t i = 0;
  while (i < *n_reqs && strcmp(reqs[i].id, col->requirement) != 0)
    i++;
  if (i == *n_reqs) {
    reqs[i] = (csi_req){.id = col->requirement, .weight = col->weight};
    ++*n_reqs;
  }
  *out = i;
  return MJ_OK;
}

static int emit(const mj_figure_sink *out, const char *metric,
                const char *subject, double value, mj_stats_ci ci, uint64_t n,
                double sd, mj_error *err)
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

static int csi_matrix(void *inst, const mj_matrix *m, const mj_figure_sink *out,
                      mj_error *err)
{
  csi_inst *in = inst;
  const mj_host_api *h = in->host;
  if (m->n_cols == 0)
    return MJ_OK;
  csi_req *reqs = h->alloc(m->n_cols * sizeof *reqs);
  size_t *req_of = h->alloc(m->n_cols * sizeof *req_of);
  size_t n_reqs = 0;
  int rc = MJ_OK;
  if (!reqs || !req_of) {
    rc = h->error(err, MJ_ENOMEM, "scorer csi: out of memory");
    goto done;
  }
  for (size_t c = 0; c < m->n_cols && rc == MJ_OK; c++)
    rc = classify(in, &m->cols[c], reqs, &n_reqs, &req_of[c], err);
  if (rc != MJ_OK || n_reqs == 0)
    goto done;

  uint64_t rows = 0, bad = 0;
  for (size_t r = 0; r < m->n_rows; r++) {
    int used = 0;
    for (size_t c = 0; c < m->n_cols; c++) {
      size_t k = r * m->n_cols + c;
      const mj_column *col = &m->cols[c];
      if (req_of[c] == SIZE_MAX || m->state[k] != MJ_ANSWER_VALUE ||
          isnan(m->values[k]))
        continue;
      double v = m->values[k];
      if (v < col->scale_min || v > col->scale_max) {
        bad++;
        continue;
      }
      mj_stats_acc_add(&reqs[req_of[c]].s,
                       100.0 * (v - col->scale_min) /
                           (col->scale_max - col->scale_min));
      used = 1;
    }
    rows += used;
  }
  if (bad)
    h->log(in->ctx, MJ_LOG_WARN,
           "scorer csi: left out %llu answer(s) outside their scale",
           (unsigned long long)bad);

  char subject[512];
  double sum = 0.0, wsum = 0.0;
  for (size_t i = 0; i < n_reqs && rc == MJ_OK; i++) {
    const csi_req *q = &reqs[i];
    mj_stats_ci ci = mj_stats_mean_ci(&q->s, 0.5 + 0.5 * in->level);
    if (!(q->s.m2 > 0.0))
      ci.low = ci.high = NAN; /* s = 0: not shown, doc/methods.md#mean-scores */
    snprintf(subject, sizeof subject, "requirement:%s", q->id);
    rc = emit(out, "score_100", subject, mj_stats_acc_mean(&q->s), ci, q->s.n,
              mj_stats_acc_sd(&q->s), err);
    if (q->s.n) {
      sum += q->weight * q->s.mean;
      wsum += q->weight;
    } else if (m->n_rows)
      h->log(in->ctx, MJ_LOG_WARN,
             "scorer csi: requirement %s has no answers; the index is "
             "taken over the other requirements, weights renormalised",
             q->id);
  }
  if (rc == MJ_OK) {
    mj_stats_ci none = {NAN, NAN};
    rc = emit(out, "csi", NULL, wsum > 0.0 ? sum / wsum : NAN, none, rows, 0.0,
              err);
  }
done:
  h->free(reqs);
  h->free(req_of);
  return rc;
}

static const char *const csi_metrics[] = {"csi", "score_100", NULL};

static const mj_scorer_ops csi_ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .qtypes = NULL,
    .metrics = csi_metrics,
    .create = csi_create,
    .destroy = csi_destroy,
    .score = NULL,
    .score_matrix = csi_matrix,
};

static const mj_plugin_desc csi_desc = {
    MJ_PLUGIN_HEADER,
    "csi",
    "1.0.0",
    "Customer satisfaction index 0-100: requirement weights times their "
    "rescaled mean ratings",
    "MIT",
    MJ_KIND_SCORER,
    csi_options,
    NULL,
    NULL,
    &csi_ops,
    NULL,
};

MJ_PLUGIN_DEFINE(csi, csi_desc)
