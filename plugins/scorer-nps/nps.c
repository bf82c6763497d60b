/*
** Net Promoter Score scorer: NPS in points with an adjusted-Wald interval.
**
** Method (doc/methods.md#nps): answers 0..10, promoters 9-10, passives
** 7-8, detractors 0-6; NPS = 100·(P − D). The interval is the adjusted
** Wald of Rocks (2016) as in the R package NPS: add 0.75 detractors, 1.5
** passives and 0.75 promoters, recompute NPS and SE, NPS_adj ±
** z·SE_adj, clipped to [−100, 100]. It stays informative when every
** answer falls in one category, where the plain Wald interval has zero
** width. It is centred on the adjusted NPS, not on the NPS: with few
** answers the NPS can lie outside it (one detractor: −100 with [−98.5,
** 48.5] around −25), and reports flag such a figure (value_outside_ci)
** rather than move it.
**
** Figures, all on the points/percent scale:
**   nps         NPS, with the adjusted-Wald interval
**   nps_se      the plain SE of the NPS, 100·sqrt((P + D − (P − D)²)/n)
**   promoters   share of promoters in %, Wilson interval
**   passives    share of passives in %, Wilson interval
**   detractors  share of detractors in %, Wilson interval
** With no valid answer every figure has value NAN and n 0 ("no data",
** never 0).
*/
#include <math.h>
#include <stdint.h>

#include "mejora/plugin.h"
#include "scorer_level.h"
#include "stats.h"

typedef struct nps_inst {
  const mj_host_api *host;
  mj_ctx *ctx;
  double level; /* two-sided confidence level, e.g. 0.95 */
  double z;     /* its normal quantile */
} nps_inst;

/* The NPS in points from category counts; NAN when there is none. */
static double nps_score(double promoters, double passives, double detractors)
{
  double n = promoters + passives + detractors;
  if (!(promoters >= 0.0 && passives >= 0.0 && detractors >= 0.0 && n > 0.0))
    return NAN;
  return 100.0 * (promoters - detractors) / n;
}

/* Per-respondent variance of the −1/0/+1 code: P + D − (P − D)². */
static double code_var(double pro, double pas, double det)
{
  double n = pro + pas + det, p = pro / n, d = det / n;
  double v = p + d - (p - d) * (p - d);
  return v > 0.0 ? v : 0.0; /* rounding can leave −1e-17 */
}

static const mj_option nps_options[] = {
    {"level", MJ_OPT_NUMBER, "0.95", 0,
     "two-sided confidence level of the intervals (0 < level < 1)"},
    {NULL, 0, NULL, 0, NULL},
};

static int nps_create(const mj_host_api *host, mj_ctx *ctx,
                      const mj_config *cfg, void **inst, mj_error *err)
{
  double level;
  int rc = mj_scorer_level(host, cfg, nps_options, "nps", &level, err);
  if (rc != MJ_OK)
    return rc;
  nps_inst *in = host->alloc(sizeof *in);
  if (!in)
    return host->error(err, MJ_ENOMEM, "scorer nps: out of memory");
  in->host = host;
  in->ctx = ctx;
  in->level = level;
  in->z = mj_stats_norm_quantile(0.5 + 0.5 * level);
  *inst = in;
  return MJ_OK;
}

static void nps_destroy(void *inst)
{
  nps_inst *in = inst;
  if (in)
    in->host->free(in);
}

static int emit(const mj_figure_sink *out, const char *metric, double value,
                double lo, double hi, uint64_t n, mj_error *err)
{
  mj_figure f = {.metric = metric, .value = value, .ci_low = lo,
                 .ci_high = hi, .n = n};
  return out->emit(out->ud, &f, err);
}

/* A category share in % with its Wilson interval. */
static int emit_share(const nps_inst *in, const mj_figure_sink *out,
                      const char *metric, double x, double n, mj_error *err)
{
  mj_stats_ci ci = mj_stats_wilson(x, n, in->z);
  return emit(out, metric, n > 0.0 ? 100.0 * x / n : NAN, 100.0 * ci.low,
              100.0 * ci.high, (uint64_t)n, err);
}

static int nps_run(void *inst, const mj_sample *s, const mj_figure_sink *out,
                   mj_error *err)
{
  nps_inst *in = inst;
  double pro = 0.0, pas = 0.0, det = 0.0;
  size_t bad = 0;
  /* Counted answers are binned per scale point, at once. */
  size_t n_in = s->counts ? s->counts_span : s->n;
  for (size_t i = 0; i < n_in; i++) {
    double v = s->counts ? s->counts_lo + (double)i : s->values[i];
    double c = s->counts ? (double)s->counts[i] : 1.0;
    /* The host validates answers; anything else here is left out and said
    ** out loud rather than silently binned. */
    if (!(v >= 0.0 && v <= 10.0) || v != floor(v))
      bad += (size_t)c;
    else if (v >= 9.0)
      pro += c;
    else if (v >= 7.0)
      pas += c;
    else
      det += c;
  }
  if (bad)
    in->host->log(in->ctx, MJ_LOG_WARN,
                  "scorer nps: left out %zu answer(s) that are not integers "
                  "0..10",
                  bad);
  double n = pro + pas + det;
  uint64_t un = (uint64_t)n;
  int rc;

  double score = nps_score(pro, pas, det), se = NAN;
  mj_stats_ci ci = {NAN, NAN};
  if (n > 0.0) {
    se = 100.0 * sqrt(code_var(pro, pas, det) / n);
    double apro = pro + 0.75, apas = pas + 1.5, adet = det + 0.75;
    double an = n + 3.0;
    double centre = nps_score(apro, apas, adet);
    double half = in->z * 100.0 * sqrt(code_var(apro, apas, adet) / an);
    ci.low = fmax(-100.0, centre - half);
    ci.high = fmin(100.0, centre + half);
  }
  if ((rc = emit(out, "nps", score, ci.low, ci.high, un, err)) != MJ_OK ||
      (rc = emit(out, "nps_se", se, NAN, NAN, un, err)) != MJ_OK ||
      (rc = emit_share(in, out, "promoters", pro, n, err)) != MJ_OK ||
      (rc = emit_share(in, out, "passives", pas, n, err)) != MJ_OK ||
      (rc = emit_share(in, out, "detractors", det, n, err)) != MJ_OK)
    return rc;
  return MJ_OK;
}

static const char *const nps_qtypes[] = {"nps", NULL};
static const char *const nps_roles[] = {"", NULL};
static const char *const nps_metrics[] = {"nps",      "nps_se",     "promoters",
                                          "passives", "detractors", NULL};

static const mj_scorer_ops nps_ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .qtypes = nps_qtypes,
    .metrics = nps_metrics,
    .create = nps_create,
    .destroy = nps_destroy,
    .score = nps_run,
    .counts_suffice = 1, /* reads values only without counts */
    .roles = nps_roles,
};

static const mj_export nps_exports[] = {
    MJ_EXPORT(nps_score, double,
              (double promoters, double passives, double detractors)),
    {NULL, NULL, NULL, 0},
};

static const mj_plugin_desc nps_desc = {
    MJ_PLUGIN_HEADER,
    "nps",
    "1.0.0",
    "Net Promoter Score with adjusted-Wald interval and category shares",
    "MIT",
    MJ_KIND_SCORER,
    nps_options,
    NULL,
    NULL,
    &nps_ops,
    nps_exports,
};

MJ_PLUGIN_DEFINE(nps, nps_desc)
