/*
** Reliability scorer: Cronbach's alpha and item statistics per dimension.
**
** Method (METHODS.md §6), on the scale* columns of one questionnaire:
**   - columns are grouped by their requirement's dimension; columns
**     without one form the group "all" (a dimension named "all" joins it);
**   - rows with any N/A or skipped cell in a group are left out of that
**     group (listwise deletion, psych's use = "complete.obs"), so n is
**     the rows used and can differ between groups;
**   - α = k/(k−1)·(1 − Σ s_i²/s_X²), X the row total of the k items, with
**     Feldt's interval [1 − (1−α)·F(1−a/2), 1 − (1−α)·F(a/2)] on
**     (n−1, (n−1)(k−1)) degrees of freedom (pingouin's);
**   - per item: the corrected item-total correlation corr(x_i, X − x_i)
**     (psych's r.drop) and α with the item left out.
**
** Figures:
**   alpha             subject "dimension:NAME", Feldt interval
**   item_total        subject "question:ID", no interval
**   alpha_if_deleted  subject "question:ID", no interval
**
** Edge cases are values, not errors: fewer than 2 items or 2 complete
** rows, or a zero variance of the total, give a NAN alpha; an item with
** zero variance has a NAN item_total; with 2 items alpha_if_deleted is
** NAN (one item has no alpha). A negative α or item_total is logged as a
** warning: usually a reverse-keyed item that was not recoded (x' = min +
** max − x) or an item off the construct. Recoding is the playbook's job.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mejora/plugin.h"
#include "stats.h"

typedef struct rel_inst {
  const mj_host_api *host;
  mj_ctx *ctx;
  double level; /* two-sided confidence level of the Feldt interval */
} rel_inst;

static int rel_create(const mj_host_api *host, mj_ctx *ctx,
                      const mj_config *cfg, void **inst, mj_error *err)
{
  double level = host->cfg_num(cfg, "level", 0.95);
  if (!(level > 0.0 && level < 1.0))
    return host->error(err, MJ_EINVAL,
                       "scorer reliability: option level = %g is not a "
                       "confidence level; give a number between 0 and 1, "
                       "e.g. 0.95",
                       level);
  rel_inst *in = host->alloc(sizeof *in);
  if (!in)
    return host->error(err, MJ_ENOMEM, "scorer reliability: out of memory");
  in->host = host;
  in->ctx = ctx;
  in->level = level;
  *inst = in;
  return MJ_OK;
}

static void rel_destroy(void *inst)
{
  rel_inst *in = inst;
  if (in)
    in->host->free(in);
}

static int is_scale(const mj_column *c)
{
  return c->qtype && strncmp(c->qtype, "scale", 5) == 0;
}

static const char *group_of(const mj_column *c)
{
  return c->dimension ? c->dimension : "all";
}

/* Emit one figure whose subject is prefix + name (built here: the sink
** borrows it for the call only). */
static int emit(const rel_inst *in, const mj_figure_sink *out,
                const char *metric, const char *prefix, const char *name,
                double value, mj_stats_ci ci, uint64_t n, mj_error *err)
{
  size_t len = strlen(prefix) + strlen(name) + 1;
  char *subject = in->host->alloc(len);
  if (!subject)
    return in->host->error(err, MJ_ENOMEM,
                           "scorer reliability: out of "
                           "memory");
  snprintf(subject, len, "%s%s", prefix, name);
  mj_figure f = {.metric = metric,
                 .value = value,
                 .ci_low = ci.low,
                 .ci_high = ci.high,
                 .n = n,
                 .subject = subject};
  int rc = out->emit(out->ud, &f, err);
  in->host->free(subject);
  return rc;
}

/* Score the group of the columns in idx[0..k). */
static int score_group(const rel_inst *in, const mj_matrix *m,
                       const char *group, const size_t *idx, size_t k,
                       double *item_total, double *alpha_drop,
                       const mj_figure_sink *out, mj_error *err)
{
  size_t used = 0;
  double a = mj_stats_cronbach(m->values, m->n_rows, m->n_cols, idx, k, &used,
                               item_total, alpha_drop);
  mj_stats_ci ci = mj_stats_feldt(a, (double)used, (double)k, in->level);
  if (isnan(a))
    in->host->log(in->ctx, MJ_LOG_INFO,
                  "scorer reliability: dimension %s: no alpha (%zu item(s), "
                  "%zu complete row(s), or no variance in the totals)",
                  group, k, used);
  else if (a < 0.0)
    in->host->log(in->ctx, MJ_LOG_WARN,
                  "scorer reliability: dimension %s: alpha %.3f is negative; "
                  "recode reverse-keyed items (x' = min + max - x)",
                  group, a);
  int rc = emit(in, out, "alpha", "dimension:", group, a, ci, used, err);
  mj_stats_ci none = {NAN, NAN};
  for (size_t i = 0; i < k && rc == MJ_OK; i++) {
    const char *q = m->cols[idx[i]].question;
    if (item_total[i] < 0.0)
      in->host->log(in->ctx, MJ_LOG_WARN,
                    "scorer reliability: question %s correlates negatively "
                    "(%.3f) with the rest of dimension %s: reverse-keyed or "
                    "off the construct?",
                    q, item_total[i], group);
    rc = emit(in, out, "item_total", "question:", q, item_total[i], none, used,
              err);
    if (rc == MJ_OK)
      rc = emit(in, out, "alpha_if_deleted", "question:", q, alpha_drop[i],
                none, used, err);
  }
  return rc;
}

static int rel_matrix(void *inst, const mj_matrix *m, const mj_figure_sink *out,
                      mj_error *err)
{
  rel_inst *in = inst;
  if (m->n_cols == 0)
    return MJ_OK;
  /* One block: column indices, then two per-item result arrays. */
  size_t nc = m->n_cols;
  void *mem = in->host->alloc(nc * (sizeof(size_t) + 2 * sizeof(double)));
  if (!mem)
    return in->host->error(err, MJ_ENOMEM,
                           "scorer reliability: out of "
                           "memory");
  double *item_total = mem, *alpha_drop = item_total + nc;
  size_t *idx = (size_t *)(void *)(alpha_drop + nc);
  int rc = MJ_OK;
  for (size_t c = 0; c < nc && rc == MJ_OK; c++) {
    const mj_column *col = &m->cols[c];
    if (!is_scale(col))
      continue;
    const char *g = group_of(col);
    /* Groups in order of first appearance: skip one already scored. */
    int seen = 0;
    for (size_t e = 0; e < c && !seen; e++)
      seen = is_scale(&m->cols[e]) && strcmp(group_of(&m->cols[e]), g) == 0;
    if (seen)
      continue;
    size_t k = 0;
    for (size_t e = c; e < nc; e++)
      if (is_scale(&m->cols[e]) && strcmp(group_of(&m->cols[e]), g) == 0)
        idx[k++] = e;
    rc = score_group(in, m, g, idx, k, item_total, alpha_drop, out, err);
  }
  in->host->free(mem);
  return rc;
}

static const char *const rel_qtypes[] = {"scale*", NULL};
static const char *const rel_metrics[] = {"alpha", "item_total",
                                          "alpha_if_deleted", NULL};

static const mj_scorer_ops rel_ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .qtypes = rel_qtypes,
    .metrics = rel_metrics,
    .create = rel_create,
    .destroy = rel_destroy,
    .score = NULL,
    .score_matrix = rel_matrix,
};

static const mj_option rel_options[] = {
    {"level", MJ_OPT_NUMBER, "0.95", 0,
     "two-sided confidence level of alpha's Feldt interval (0 < level < 1)"},
    {NULL, 0, NULL, 0, NULL},
};

static const mj_plugin_desc rel_desc = {
    MJ_PLUGIN_HEADER,
    .name = "reliability",
    .version = "1.0.0",
    .description = "Cronbach's alpha per dimension with Feldt interval, "
                   "corrected item-total correlation and alpha if deleted",
    .license = "MIT",
    .kind = MJ_KIND_SCORER,
    .options = rel_options,
    .load = NULL,
    .unload = NULL,
    .ops = &rel_ops,
    .exports = NULL,
};

MJ_PLUGIN_DEFINE(reliability, rel_desc)
