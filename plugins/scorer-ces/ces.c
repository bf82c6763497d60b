/*
** Customer Effort Score scorer for CES 2.0 questions: those declared
** type = "ces" (1..7) and only those, plain ratings (no role tag). A
** "scale7" question is not an effort question, however wide its scale:
** SERVQUAL items and satisfaction ratings on 1..7 are scored elsewhere.
**
** Method (doc/methods.md#ces): CES 2.0 asks for agreement with
** "[Company] made it easy for me to handle my issue" on 1 = strongly
** disagree ... 7 = strongly agree, so higher is better. Never feed it CES
** 1.0 answers (1..5, lower is better): the two must not be averaged
** together.
**
** Figures:
**   mean  mean of the answers, t interval x̄ ± t(1 − a/2, n − 1)·s/√n,
**         with sd = s (n − 1) so cycles can be compared by Welch's test
**   easy  share in % of "agree" answers, the top `box` points of the
**         scale (5-7 on 1..7 with the default box = 3), Wilson interval
**
** Edge cases: no valid answer gives NAN values with n 0; one answer, or
** all answers equal, gives a mean without interval (NAN ends), as
** doc/methods.md#mean-scores asks to flag a zero-width interval rather
** than show it (sd is then 0, or 0 as "not given" for n < 2). Answers
** outside the question's scale are left out with a warning.
*/
#include <math.h>
#include <stdint.h>

#include "mejora/plugin.h"
#include "scorer_level.h"
#include "stats.h"

typedef struct ces_inst {
  const mj_host_api *host;
  mj_ctx *ctx;
  double level; /* two-sided confidence level, e.g. 0.95 */
  double z;     /* its normal quantile */
  int box;      /* top scale points counted as "easy" */
} ces_inst;

static const mj_option ces_options[] = {
    {"level", MJ_OPT_NUMBER, "0.95", 0,
     "two-sided confidence level of the intervals (0 < level < 1)"},
    {"box", MJ_OPT_INT, "3", 0,
     "top scale points counted as easy (3: agree, 5-7 on 1..7)"},
    {NULL, 0, NULL, 0, NULL},
};

static int ces_create(const mj_host_api *host, mj_ctx *ctx,
                      const mj_config *cfg, void **inst, mj_error *err)
{
  double level;
  int rc = mj_scorer_level(host, cfg, ces_options, "ces", &level, err);
  if (rc != MJ_OK)
    return rc;
  int64_t box = host->cfg_int(cfg, "box", 3);
  if (box < 1 || box > 6)
    return host->error(err, MJ_EINVAL,
                       "scorer ces: option box = %lld is out of range; give "
                       "1 to 6 scale points (3 counts 5-7 as easy)",
                       (long long)box);
  ces_inst *in = host->alloc(sizeof *in);
  if (!in)
    return host->error(err, MJ_ENOMEM, "scorer ces: out of memory");
  in->host = host;
  in->ctx = ctx;
  in->level = level;
  in->z = mj_stats_norm_quantile(0.5 + 0.5 * level);
  in->box = (int)box;
  *inst = in;
  return MJ_OK;
}

static void ces_destroy(void *inst)
{
  ces_inst *in = inst;
  if (in)
    in->host->free(in);
}

static int ces_run(void *inst, const mj_sample *s, const mj_figure_sink *out,
                   mj_error *err)
{
  ces_inst *in = inst;
  double lo = s->scale_min, hi = s->scale_max, easy_from = hi - in->box + 1;
  mj_stats_acc acc = MJ_STATS_ACC_INIT;
  double easy = 0.0;
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
    easy += v >= easy_from ? (double)c : 0.0;
  }
  if (bad)
    in->host->log(in->ctx, MJ_LOG_WARN,
                  "scorer ces: left out %zu answer(s) outside the scale "
                  "%d..%d",
                  bad, s->scale_min, s->scale_max);

  mj_stats_ci ci = mj_stats_mean_ci(&acc, 0.5 + 0.5 * in->level);
  double sd = acc.n >= 2 ? mj_stats_acc_sd(&acc) : 0.0;
  if (acc.n >= 2 && !(acc.m2 > 0.0)) {
    /* s = 0: a zero-width interval would claim certainty it lacks. */
    ci.low = ci.high = NAN;
    in->host->log(in->ctx, MJ_LOG_INFO,
                  "scorer ces: all %llu answers are equal; the mean has no "
                  "interval",
                  (unsigned long long)acc.n);
  }
  mj_figure mean = {.metric = "mean",
                    .value = mj_stats_acc_mean(&acc),
                    .ci_low = ci.low,
                    .ci_high = ci.high,
                    .n = acc.n,
                    .sd = sd};
  int rc = out->emit(out->ud, &mean, err);
  if (rc != MJ_OK)
    return rc;

  mj_figure share = {.metric = "easy",
                     .value = NAN,
                     .ci_low = NAN,
                     .ci_high = NAN,
                     .n = acc.n};
  if (acc.n > 0) {
    mj_stats_ci w = mj_stats_wilson(easy, (double)acc.n, in->z);
    share.value = 100.0 * easy / (double)acc.n;
    share.ci_low = 100.0 * w.low;
    share.ci_high = 100.0 * w.high;
  }
  return out->emit(out->ud, &share, err);
}

static const char *const ces_qtypes[] = {"ces", NULL};
static const char *const ces_roles[] = {"", NULL};
static const char *const ces_metrics[] = {"mean", "easy", NULL};

static const mj_scorer_ops ces_ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .qtypes = ces_qtypes,
    .metrics = ces_metrics,
    .create = ces_create,
    .destroy = ces_destroy,
    .score = ces_run,
    .score_matrix = NULL,
    .counts_suffice = 1, /* reads values only without counts */
    .roles = ces_roles,
};

static const mj_plugin_desc ces_desc = {
    MJ_PLUGIN_HEADER,
    .name = "ces",
    .version = "1.0.0",
    .description = "Customer Effort Score 2.0: mean with t interval and sd, "
                   "share of easy (agree) answers with Wilson interval",
    .license = "MIT",
    .kind = MJ_KIND_SCORER,
    .options = ces_options,
    .load = NULL,
    .unload = NULL,
    .ops = &ces_ops,
    .exports = NULL,
};

MJ_PLUGIN_DEFINE(ces, ces_desc)
