/*
** A matrix scorer for the tests: it reports what the host handed it, so
** the cycle's table building (rows per response, cells per question, N/A
** apart from skipped, tags and requirement data per column, one call per
** segment) can be checked from the outside.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mejora/plugin.h"

typedef struct tally {
  const mj_host_api *host;
  char subject[64][80]; /* subject strings live until the next call */
} tally;

static int t_create(const mj_host_api *host, mj_ctx *ctx, const mj_config *cfg,
                    void **inst, mj_error *err)
{
  (void)ctx;
  (void)cfg;
  tally *t = host->alloc(sizeof *t);
  if (!t)
    return host->error(err, MJ_ENOMEM, "tally: out of memory");
  t->host = host;
  *inst = t;
  return MJ_OK;
}

static void t_destroy(void *inst)
{
  tally *t = inst;
  t->host->free(t);
}

static const char *tag(const mj_column *c, const char *key)
{
  for (size_t i = 0; i < c->n_tags; i++)
    if (strcmp(c->tags[i].key, key) == 0)
      return c->tags[i].value;
  return NULL;
}

/* rows: responses; per column: "values" (sum of the values, n = count),
** "na" (n = N/A cells), with the column's role tag as the label and its
** requirement's target as the interval's low end. */
static int t_score(void *inst, const mj_matrix *m, const mj_figure_sink *out,
                   mj_error *err)
{
  tally *t = inst;
  mj_figure rows = {.metric = "rows", .value = (double)m->n_rows,
                    .ci_low = NAN, .ci_high = NAN, .n = m->n_rows};
  int rc = out->emit(out->ud, &rows, err);
  for (size_t c = 0; rc == MJ_OK && c < m->n_cols && c < 64; c++) {
    double sum = 0;
    uint64_t n = 0, na = 0;
    for (size_t r = 0; r < m->n_rows; r++) {
      double v = m->values[r * m->n_cols + c];
      if (!isnan(v)) {
        sum += v;
        n++;
      }
      na += m->state[r * m->n_cols + c] == MJ_ANSWER_NA;
    }
    snprintf(t->subject[c], sizeof t->subject[c], "question:%s",
             m->cols[c].question);
    mj_figure f = {.metric = "values", .value = sum,
                   .ci_low = m->cols[c].target, .ci_high = m->cols[c].weight,
                   .n = n, .subject = t->subject[c],
                   .label = tag(&m->cols[c], "role")};
    mj_figure g = {.metric = "na", .value = (double)na, .ci_low = NAN,
                   .ci_high = NAN, .n = na, .subject = t->subject[c]};
    rc = out->emit(out->ud, &f, err);
    if (rc == MJ_OK)
      rc = out->emit(out->ud, &g, err);
  }
  return rc;
}

static const char *const metrics[] = {"rows", "values", "na", NULL};

static const mj_scorer_ops ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .metrics = metrics,
    .create = t_create,
    .destroy = t_destroy,
    .score_matrix = t_score,
};

static const mj_plugin_desc desc = {
    MJ_PLUGIN_HEADER, "tally", "1.0.0", "test: what a matrix scorer is given",
    "MIT", MJ_KIND_SCORER, NULL, NULL, NULL, &ops, NULL,
};

MJ_PLUGIN_DEFINE(tally, desc)
