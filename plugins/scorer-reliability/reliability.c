/*
** Reliability scorer: Cronbach's alpha and item statistics per dimension.
**
** Method (doc/methods.md#reliability), on the scale* columns of one
** questionnaire whose role is a rating (no role tag, "perception" or
** "performance"):
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
#include "scorer_level.h"
#include "stats.h"

typedef struct rel_inst {
  const mj_host_api *host;
  mj_ctx *ctx;
  double level; /* two-sided confidence level of the Feldt interval */
} rel_inst;

static const mj_option rel_options[] = {
    {"level", MJ_OPT_NUMBER, "0.95", 0,
     "two-sided confidence level of alpha's Feldt interval (0 < level < 1)"},
    {NULL, 0, NULL, 0, NULL},
};

static int rel_create(const mj_host_api *host, mj_ctx *ctx,
                      const mj_config *cfg, void **inst, mj_error *err)
{
  double level;
  int rc = mj_scorer_level(host, cfg, rel_options, "reliability", &level, err);
  if (rc != MJ_OK)
    return rc;
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

/* An item of a scale: a rating-scale column whose role is a rating
** (plugin.h, mj_question_role), not a Kano pair, an expectation or an
** importance, which measure something else and would only pull alpha
** down with a "reverse-keyed?" warning. */
static int is_scale(const mj_column *c)
{
  return c->qtype && strncmp(c->qtype, "scale", 5) == 0 &&
         mj_role_is_rating(mj_question_role(c->tags, c->n_tags));
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

/* The groups of one questionnaire's columns and an accumulator each,
** fed chunk by chunk (stream_rows) so no table of all rows is needed. */
typedef struct group {
  const char *name;
  size_t *idx; /* its k columns */
  size_t k;
  mj_stats_cronbach_acc acc;
} group;

typedef struct rel_state {
  const mj_column *cols;
  group *g;
  size_t n_groups;
  void *mem; /* one block: groups, then column indices, then work space */
} rel_state;

static int rel_open(void *inst, const mj_column *cols, size_t nc,
                    void **state, mj_error *err)
{
  rel_inst *in = inst;
  *state = NULL;
  /* At most one group per column, each with its columns and 3 doubles of
  ** work per column. */
  size_t bytes = sizeof(rel_state) + nc * sizeof(group) +
                 nc * sizeof(size_t) + 3 * nc * sizeof(double) + 1;
  void *mem = in->host->alloc(bytes);
  if (!mem)
    return in->host->error(err, MJ_ENOMEM, "scorer reliability: out of "
                                           "memory");
  rel_state *st = mem;
  st->cols = cols;
  st->g = (group *)(void *)(st + 1);
  st->n_groups = 0;
  st->mem = mem;
  double *work = (double *)(void *)(st->g + nc);
  size_t *idx = (size_t *)(void *)(work + 3 * nc);
  for (size_t c = 0; c < nc; c++) {
    const mj_column *col = &cols[c];
    if (!is_scale(col))
      continue;
    const char *name = group_of(col);
    /* Groups in order of first appearance: skip one already made. */
    int seen = 0;
    for (size_t e = 0; e < c && !seen; e++)
      seen = is_scale(&cols[e]) && strcmp(group_of(&cols[e]), name) == 0;
    if (seen)
      continue;
    group *g = &st->g[st->n_groups++];
    g->name = name;
    g->idx = idx;
    g->k = 0;
    for (size_t e = c; e < nc; e++)
      if (is_scale(&cols[e]) && strcmp(group_of(&cols[e]), name) == 0)
        g->idx[g->k++] = e;
    mj_stats_cronbach_init(&g->acc, g->k, work);
    idx += g->k;
    work += 3 * g->k;
  }
  *state = st;
  return MJ_OK;
}

static int rel_rows(void *inst, void *state, const mj_matrix *m,
                    mj_error *err)
{
  (void)inst;
  (void)err;
  rel_state *st = state;
  for (size_t r = 0; r < m->n_rows; r++) {
    const double *row = m->values + r * m->n_cols;
    for (size_t i = 0; i < st->n_groups; i++)
      mj_stats_cronbach_add(&st->g[i].acc, row, st->g[i].idx);
  }
  return MJ_OK;
}

/* Emit the figures of one group. */
static int score_group(const rel_inst *in, const rel_state *st,
                       const group *g, double *item_total, double *alpha_drop,
                       const mj_figure_sink *out, mj_error *err)
{
  size_t used = (size_t)g->acc.n, k = g->k;
  double a = mj_stats_cronbach_result(&g->acc, item_total, alpha_drop);
  mj_stats_ci ci = mj_stats_feldt(a, (double)used, (double)k, in->level);
  if (isnan(a))
    in->host->log(in->ctx, MJ_LOG_INFO,
                  "scorer reliability: dimension %s: no alpha (%zu item(s), "
                  "%zu complete row(s), or no variance in the totals)",
                  g->name, k, used);
  else if (a < 0.0)
    in->host->log(in->ctx, MJ_LOG_WARN,
                  "scorer reliability: dimension %s: alpha %.3f is negative; "
                  "recode reverse-keyed items (x' = min + max - x)",
                  g->name, a);
  int rc = emit(in, out, "alpha", "dimension:", g->name, a, ci, used, err);
  mj_stats_ci none = {NAN, NAN};
  for (size_t i = 0; i < k && rc == MJ_OK; i++) {
    const char *q = st->cols[g->idx[i]].question;
    if (item_total[i] < 0.0)
      in->host->log(in->ctx, MJ_LOG_WARN,
                    "scorer reliability: question %s correlates negatively "
                    "(%.3f) with the rest of dimension %s: reverse-keyed or "
                    "off the construct?",
                    q, item_total[i], g->name);
    rc = emit(in, out, "item_total", "question:", q, item_total[i], none, used,
              err);
    if (rc == MJ_OK)
      rc = emit(in, out, "alpha_if_deleted", "question:", q, alpha_drop[i],
                none, used, err);
  }
  return rc;
}

static int rel_close(void *inst, void *state, const mj_figure_sink *out,
                     mj_error *err)
{
  rel_inst *in = inst;
  rel_state *st = state;
  int rc = MJ_OK;
  if (!st)
    return MJ_OK;
  size_t kmax = 0;
  for (size_t i = 0; i < st->n_groups; i++)
    kmax = st->g[i].k > kmax ? st->g[i].k : kmax;
  double *res = out ? in->host->alloc(2 * kmax * sizeof *res + 1) : NULL;
  if (out && !res)
    rc = in->host->error(err, MJ_ENOMEM, "scorer reliability: out of "
                                         "memory");
  for (size_t i = 0; out && rc == MJ_OK && i < st->n_groups; i++)
    rc = score_group(in, st, &st->g[i], res, res + kmax, out, err);
  in->host->free(res);
  in->host->free(st->mem);
  return rc;
}

/* The whole table at once: the same three steps. */
static int rel_matrix(void *inst, const mj_matrix *m, const mj_figure_sink *out,
                      mj_error *err)
{
  if (m->n_cols == 0)
    return MJ_OK;
  void *st;
  int rc = rel_open(inst, m->cols, m->n_cols, &st, err);
  if (rc != MJ_OK)
    return rc;
  rc = rel_rows(inst, st, m, err);
  int closed = rel_close(inst, st, rc == MJ_OK ? out : NULL, err);
  return rc != MJ_OK ? rc : closed;
}

static const char *const rel_qtypes[] = {"scale*", NULL};
static const char *const rel_roles[] = {"", "perception", "performance",
                                        NULL};
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
    .stream_open = rel_open,
    .stream_rows = rel_rows,
    .stream_close = rel_close,
    .roles = rel_roles,
    .stream_any_thread = 1, /* rel_open and rel_rows only count */
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
