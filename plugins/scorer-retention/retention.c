/*
** Scorer "retention": retention and churn of the customer base over the
** cycle's period (doc/methods.md#retention), per segment.
**
**   S = customers at the start of the period (since < from, and not gone
**       by then: until == 0 or until >= from)
**   N = customers acquired during it (from <= since < to)
**   E = customers at its end (since < to, and until == 0 or until >= to)
**   retention % = 100 (E - N) / S,  churn % = 100 - retention,
**   acquisition % = 100 N / S.
** Customers acquired and lost within the period count in N but not in E,
** which lowers retention (a known bias; cohort retention avoids it).
** A customer with no `since` date is taken as one since before the
** period. S = 0 leaves every rate undefined (NaN, n = 0).
** The interval of retention is Wilson's for the share of the S starting
** customers still there, (S - lost)/S, where lost = S - (E - N) is
** clamped to 0..S.
*/
#include <math.h>

#include "mejora/plugin.h"
#include "scorer_level.h"
#include "stats.h"

typedef struct retention {
  const mj_host_api *host;
  double z;
} retention;

static const mj_option options[] = {
    {"level", MJ_OPT_NUMBER, "0.95", 0, "confidence level of the interval"},
    {NULL, 0, NULL, 0, NULL},
};

static int r_create(const mj_host_api *host, mj_ctx *ctx, const mj_config *cfg,
                    void **inst, mj_error *err)
{
  (void)ctx;
  double level;
  int rc = mj_scorer_level(host, cfg, options, "retention", &level, err);
  if (rc != MJ_OK)
    return rc;
  retention *r = host->alloc(sizeof *r);
  if (!r)
    return host->error(err, MJ_ENOMEM, "scorer retention: out of memory");
  r->host = host;
  r->z = mj_stats_norm_quantile(0.5 + 0.5 * level);
  *inst = r;
  return MJ_OK;
}

static void r_destroy(void *inst)
{
  retention *r = inst;
  r->host->free(r);
}

static int active_at(const mj_customer_span *c, int64_t t)
{
  return c->since < t && (c->until == 0 || c->until >= t);
}

static int emit(const mj_figure_sink *out, const char *metric, double v,
                double lo, double hi, uint64_t n, mj_error *err)
{
  mj_figure f = {.metric = metric, .value = v, .ci_low = lo, .ci_high = hi,
                 .n = n};
  return out->emit(out->ud, &f, err);
}

static int r_score(void *inst, const mj_customer_set *set,
                   const mj_figure_sink *out, mj_error *err)
{
  retention *r = inst;
  double S = 0, N = 0, E = 0;
  for (size_t i = 0; i < set->n; i++) {
    const mj_customer_span *c = &set->customers[i];
    S += active_at(c, set->period_from);
    N += c->since >= set->period_from && c->since < set->period_to;
    E += active_at(c, set->period_to);
  }
  uint64_t n = (uint64_t)S;
  if (S == 0) {
    int rc = emit(out, "retention", NAN, NAN, NAN, 0, err);
    if (rc == MJ_OK)
      rc = emit(out, "churn", NAN, NAN, NAN, 0, err);
    return rc == MJ_OK ? emit(out, "acquisition", NAN, NAN, NAN, 0, err) : rc;
  }
  double kept = E - N;
  kept = kept < 0 ? 0 : kept > S ? S : kept;
  mj_stats_ci ci = mj_stats_wilson(kept, S, r->z);
  int rc = emit(out, "retention", 100.0 * (E - N) / S, 100.0 * ci.low,
                100.0 * ci.high, n, err);
  if (rc == MJ_OK)
    rc = emit(out, "churn", 100.0 - 100.0 * (E - N) / S, 100.0 - 100.0 * ci.high,
              100.0 - 100.0 * ci.low, n, err);
  if (rc == MJ_OK)
    rc = emit(out, "acquisition", 100.0 * N / S, NAN, NAN, n, err);
  if (rc == MJ_OK)
    rc = emit(out, "customers_start", S, NAN, NAN, n, err);
  if (rc == MJ_OK)
    rc = emit(out, "customers_end", E, NAN, NAN, n, err);
  return rc;
}

static const char *const metrics[] = {"retention",       "churn",
                                      "acquisition",     "customers_start",
                                      "customers_end",   NULL};

static const mj_scorer_ops ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .metrics = metrics,
    .create = r_create,
    .destroy = r_destroy,
    .score_customers = r_score,
};

static const mj_plugin_desc desc = {
    MJ_PLUGIN_HEADER,
    "retention",
    "1.0.0",
    "retention, churn and acquisition of the customer base per period",
    "MIT",
    MJ_KIND_SCORER,
    options,
    NULL,
    NULL,
    &ops,
    NULL,
};

MJ_PLUGIN_DEFINE(retention, desc)
