/*
** CSAT scorer for rating scales: top-2-box, bottom-2-box and the mean.
**
** Method (doc/methods.md#csat): CSAT% = 100 · (answers in the top box)
** / n, where the top box is the `box` highest points of the question's
** scale (4-5 on 1..5, 6-7 on 1..7 with the default box = 2); bottom box
** alike. Shares carry Wilson intervals (good at small n and near 0 or
** 100%); the mean carries the t interval x̄ ± t(1 − α/2, n − 1)·s/√n.
**
** Questions it reads: rating scales ("scale2" .. "scale11") whose role
** is a rating of the service received (no role tag, role = "perception"
** or "performance"); never a Kano pair, an expectation or an importance
** (plugin.h, mj_question_role), nor a "ces" question. A requirement's
** figures pool its questions' ratings.
**
** Figures:
**   t2b   top-box share in %, Wilson interval
**   b2b   bottom-box share in %, Wilson interval
**   mean  mean rating on the question's scale, t interval
** With no valid answer every value is NAN with n 0. With one answer, or
** all answers equal, the mean has no interval (NAN ends):
** doc/methods.md#mean-scores asks to flag a zero-width interval rather
** than show it. A scale too short for two disjoint boxes gives NAN shares
** and a warning.
*/
#include <math.h>
#include <stdint.h>

#include "mejora/plugin.h"
#include "scorer_level.h"
#include "stats.h"

typedef struct csat_inst {
  const mj_host_api *host;
  mj_ctx *ctx;
  double level; /* two-sided confidence level, e.g. 0.95 */
  double z;     /* its normal quantile */
  int box;      /* scale points in the top (and bottom) box */
} csat_inst;

/* Wilson interval ends for x of n as fractions, for playbooks. */
static double wilson_low(double x, double n, double z)
{
  return mj_stats_wilson(x, n, z).low;
}

static double wilson_high(double x, double n, double z)
{
  return mj_stats_wilson(x, n, z).high;
}

static const mj_option csat_options[] = {
    {"level", MJ_OPT_NUMBER, "0.95", 0,
     "two-sided confidence level of the intervals (0 < level < 1)"},
    {"box", MJ_OPT_INT, "2", 0,
     "scale points in the top and bottom boxes (2: top-2-box)"},
    {NULL, 0, NULL, 0, NULL},
};

static int csat_create(const mj_host_api *host, mj_ctx *ctx,
                       const mj_config *cfg, void **inst, mj_error *err)
{
  double level;
  int rc = mj_scorer_level(host, cfg, csat_options, "csat", &level, err);
  if (rc != MJ_OK)
    return rc;
  int64_t box = host->cfg_int(cfg, "box", 2);
  if (box < 1 || box > 5)
    return host->error(err, MJ_EINVAL,
                       "scorer csat: option box = %lld is out of range; give "
                       "1 to 5 scale points (2 is top-2-box)",
                       (long long)box);
  csat_inst *in = host->alloc(sizeof *in);
  if (!in)
    return host->error(err, MJ_ENOMEM, "scorer csat: out of memory");
  in->host = host;
  in->ctx = ctx;
  in->level = level;
  in->z = mj_stats_norm_quantile(0.5 + 0.5 * level);
  in->box = (int)box;
  *inst = in;
  return MJ_OK;
}

static void csat_destroy(void *inst)
{
  csat_inst *in = inst;
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

static int emit_share(const csat_inst *in, const mj_figure_sink *out,
                      const char *metric, double x, uint64_t n, int boxes_ok,
                      mj_error *err)
{
  if (!boxes_ok || n == 0)
    return emit(out, metric, NAN, NAN, NAN, n, err);
  mj_stats_ci ci = mj_stats_wilson(x, (double)n, in->z);
  return emit(out, metric, 100.0 * x / (double)n, 100.0 * ci.low,
              100.0 * ci.high, n, err);
}

static int csat_run(void *inst, const mj_sample *s, const mj_figure_sink *out,
                    mj_error *err)
{
  csat_inst *in = inst;
  double lo = s->scale_min, hi = s->scale_max;
  /* Boxes must not overlap: a 1..3 scale has no top-2 and bottom-2 box. */
  int boxes_ok = hi - lo + 1.0 >= 2.0 * in->box;
  double top_from = hi - in->box + 1.0, bottom_to = lo + in->box - 1.0;
  mj_stats_acc acc = MJ_STATS_ACC_INIT;
  double top = 0.0, bottom = 0.0;
  size_t bad = 0;
  /* Counted answers are summed per scale point, exactly and at once. */
  size_t n_in = s->counts ? s->counts_span : s->n;
  for (size_t i = 0; i < n_in; i++) {
    double v = s->counts ? s->counts_lo + (double)i : s->values[i];
    uint64_t c = s->counts ? s->counts[i] : 1;
    if (c == 0)
      continue;
    if (!(v >= lo && v <= hi)) {
      bad += c;
      continue;
    }
    mj_stats_acc_add_n(&acc, v, c);
    top += v >= top_from ? (double)c : 0.0;
    bottom += v <= bottom_to ? (double)c : 0.0;
  }
  if (bad)
    in->host->log(in->ctx, MJ_LOG_WARN,
                  "scorer csat: left out %zu answer(s) outside the scale "
                  "%d..%d",
                  bad, s->scale_min, s->scale_max);
  if (!boxes_ok)
    in->host->log(in->ctx, MJ_LOG_WARN,
                  "scorer csat: scale %d..%d is too short for top-%d and "
                  "bottom-%d boxes; set option box lower",
                  s->scale_min, s->scale_max, in->box, in->box);

  mj_stats_ci ci = mj_stats_mean_ci(&acc, 0.5 + 0.5 * in->level);
  if (acc.n >= 2 && !(acc.m2 > 0.0)) {
    /* s = 0: a zero-width interval would claim certainty it lacks. */
    ci.low = ci.high = NAN;
    in->host->log(in->ctx, MJ_LOG_INFO,
                  "scorer csat: all %llu answers are equal; the mean has no "
                  "interval",
                  (unsigned long long)acc.n);
  }
  int rc;
  if ((rc = emit_share(in, out, "t2b", top, acc.n, boxes_ok, err)) != MJ_OK ||
      (rc = emit_share(in, out, "b2b", bottom, acc.n, boxes_ok, err)) != MJ_OK)
    return rc;
  /* sd (n - 1) lets the next cycle test the change (Welch); 0 for n < 2. */
  mj_figure mean = {.metric = "mean",
                    .value = mj_stats_acc_mean(&acc),
                    .ci_low = ci.low,
                    .ci_high = ci.high,
                    .n = acc.n,
                    .sd = acc.n >= 2 ? mj_stats_acc_sd(&acc) : 0.0};
  return out->emit(out->ud, &mean, err);
}

static const char *const csat_qtypes[] = {"scale*", NULL};
static const char *const csat_roles[] = {"", "perception", "performance",
                                         NULL};
static const char *const csat_metrics[] = {"t2b", "b2b", "mean", NULL};

static const mj_scorer_ops csat_ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .qtypes = csat_qtypes,
    .metrics = csat_metrics,
    .create = csat_create,
    .destroy = csat_destroy,
    .score = csat_run,
    .counts_suffice = 1, /* reads values only without counts */
    .roles = csat_roles,
};

static const mj_export csat_exports[] = {
    MJ_EXPORT(wilson_low, double, (double x, double n, double z)),
    MJ_EXPORT(wilson_high, double, (double x, double n, double z)),
    {NULL, NULL, NULL, 0},
};

static const mj_plugin_desc csat_desc = {
    MJ_PLUGIN_HEADER,
    "csat",
    "1.0.0",
    "CSAT top-2-box and bottom-2-box with Wilson intervals, mean with t "
    "interval",
    "MIT",
    MJ_KIND_SCORER,
    csat_options,
    NULL,
    NULL,
    &csat_ops,
    csat_exports,
};

MJ_PLUGIN_DEFINE(csat, csat_desc)
