/*
** The ces scorer through a mock host: the CES 2.0 example of
** doc/methods.md#ces (values from scipy and statsmodels), options and
** edge cases; and the sd that the csat scorer now gives its mean (for
** Welch between cycles).
*/
#include <math.h>
#include <string.h>

#include "mock_host.h"
#include "stats.h"
#include "tap.h"

const mj_plugin_desc *mj_plugin_ces_entry(void);
const mj_plugin_desc *mj_plugin_csat_entry(void);

#define MAXF 8

typedef struct figs {
  mj_figure f[MAXF];
  size_t n;
} figs;

static int collect(void *ud, const mj_figure *f, mj_error *err)
{
  (void)err;
  figs *x = ud;
  if (x->n == MAXF)
    bail("too many figures");
  x->f[x->n++] = *f;
  return MJ_OK;
}

static const mj_figure *fig(const figs *x, const char *metric)
{
  for (size_t i = 0; i < x->n; i++)
    if (strcmp(x->f[i].metric, metric) == 0)
      return &x->f[i];
  bail("no figure %s", metric);
}

/* Score values on 1..7 with the scorer ops and options kv. */
/* Every sample is also scored from its counts: how many, how many agreed. */
static int twins, twins_agree;

static int run(const mj_scorer_ops *ops, const char *const *kv, const double *v,
               size_t n, figs *out, mj_error *err)
{
  mj_config *cfg = mock_config(NULL, kv);
  void *inst = NULL;
  int rc = ops->create(mock_host(), NULL, cfg, &inst, err);
  mock_config_free(cfg);
  if (rc != MJ_OK)
    return rc;
  mj_sample s = {.qtype = "scale7", .scale_min = 1, .scale_max = 7,
                 .values = v, .n = n, .n_excluded = 0};
  mj_figure_sink sink = {out, collect};
  out->n = 0;
  rc = ops->score(inst, &s, &sink, err);
  int agree = mock_counts_agree(ops, inst, &s, 1e-12);
  twins += agree >= 0;
  twins_agree += agree == 1;
  ops->destroy(inst);
  return rc;
}

static size_t from_counts(double *v, const int *counts, int k)
{
  size_t n = 0;
  for (int s = 1; s <= k; s++)
    for (int i = 0; i < counts[s - 1]; i++)
      v[n++] = s;
  return n;
}

int main(void)
{
  plan(35);
  const mj_plugin_desc *d = mj_plugin_ces_entry();
  const mj_scorer_ops *ops = mock_ops(d, MJ_KIND_SCORER);
  is_string("ces", d->name, "plugin name");
  ok(!strcmp(ops->qtypes[0], "ces") && !ops->qtypes[1],
     "scores type = \"ces\" questions only, not every scale7");
  ok(ops->roles && !strcmp(ops->roles[0], "") && !ops->roles[1],
     "and only plain ratings: no SERVQUAL item, no Kano pair");
  ok(!strcmp(ops->metrics[0], "mean") && !strcmp(ops->metrics[1], "easy") &&
         !ops->metrics[2],
     "metrics mean, easy");

  double v[128];
  figs x;
  mj_error err = {0};
  const mj_figure *f;

  /* [SELF] CES 2.0 example: 1:2, 2:3, 3:5, 4:10, 5:20, 6:35, 7:25. */
  size_t n = from_counts(v, (const int[]){2, 3, 5, 10, 20, 35, 25}, 7);
  is_int(MJ_OK, run(ops, NULL, v, n, &x, &err), "scores the example");
  is_int(2, (long long)x.n, "two figures");
  f = fig(&x, "mean");
  is_double(5.48, f->value, 1e-12, "mean 5.48");
  is_int(100, (long long)f->n, "n 100");
  is_rel(1.4247452368402531, f->sd, 1e-12, "sd (numpy ddof=1)");
  is_rel(5.197299634948032, f->ci_low, 1e-10, "mean CI low (scipy t)");
  is_rel(5.762700365051969, f->ci_high, 1e-10, "mean CI high (scipy t)");
  f = fig(&x, "easy");
  is_double(80, f->value, 1e-12, "easy (agree 5-7) 80%%");
  is_rel(71.11708344068411, f->ci_low, 1e-10,
         "easy Wilson low (statsmodels proportion_confint)");
  is_rel(86.66330666689676, f->ci_high, 1e-10, "easy Wilson high");
  is_int(100, (long long)f->n, "easy n 100");
  ok(f->sd == 0, "a share carries no sd");

  /* Options. */
  is_int(MJ_OK,
         run(ops, (const char *const[]){"box", "2", NULL}, v, n, &x, &err),
         "box 2");
  is_double(60, fig(&x, "easy")->value, 1e-12, "box 2: 6-7 is 60%%");
  is_int(MJ_OK,
         run(ops, (const char *const[]){"level", "0.9", NULL}, v, n, &x, &err),
         "level 0.9");
  {
    double h = mj_stats_t_quantile(0.95, 99) * 1.4247452368402531 / 10;
    is_double(5.48 - h, fig(&x, "mean")->ci_low, 1e-10,
              "level 0.9: t(0.95, 99)");
  }
  is_int(MJ_EINVAL,
         run(ops, (const char *const[]){"box", "7", NULL}, v, n, &x, &err),
         "box 7 is refused");
  contains(err.msg, "1 to 6", "the message gives the range");
  is_int(MJ_EINVAL,
         run(ops, (const char *const[]){"level", "1", NULL}, v, n, &x, &err),
         "level 1 is refused");

  /* Edge cases. */
  is_int(MJ_OK, run(ops, NULL, NULL, 0, &x, &err), "no answers");
  ok(isnan(fig(&x, "mean")->value) && isnan(fig(&x, "easy")->value) &&
         fig(&x, "easy")->n == 0 && fig(&x, "mean")->sd == 0,
     "n = 0: NaN values, n 0, sd 0");
  is_int(MJ_OK, run(ops, NULL, (const double[]){6}, 1, &x, &err), "one");
  f = fig(&x, "mean");
  ok(f->value == 6 && isnan(f->ci_low) && f->sd == 0,
     "n = 1: mean, no interval, sd 0");
  is_double(100, fig(&x, "easy")->value, 0, "n = 1: easy 100%%");
  mock_log_clear();
  run(ops, NULL, (const double[]){5, 5, 5}, 3, &x, &err);
  f = fig(&x, "mean");
  ok(f->value == 5 && isnan(f->ci_low) && isnan(f->ci_high) && f->sd == 0,
     "all equal: no zero-width interval, sd 0");
  contains(mock_log_text(), "all 3 answers are equal", "and it says so");
  mock_log_clear();
  run(ops, NULL, (const double[]){1, 7, 9, 7, 0}, 5, &x, &err);
  f = fig(&x, "mean");
  ok(f->n == 3 && f->value == 5 && fabs(f->sd - 3.4641016151377544) < 1e-12,
     "answers outside 1..7 are left out");
  contains(mock_log_text(), "left out 2 answer(s) outside the scale 1..7",
           "and counted in a warning");

  /* csat now gives its mean an sd: [SELF] Delighted s = 1.396332. */
  const mj_scorer_ops *csat = mock_ops(mj_plugin_csat_entry(), MJ_KIND_SCORER);
  n = from_counts(v, (const int[]){14, 9, 10, 32, 42}, 5);
  {
    mj_config *cfg = mock_config(NULL, NULL);
    void *inst = NULL;
    if (csat->create(mock_host(), NULL, cfg, &inst, &err) != MJ_OK)
      bail("csat create: %s", err.msg);
    mock_config_free(cfg);
    mj_sample s = {.qtype = "scale5", .scale_min = 1, .scale_max = 5,
                   .values = v, .n = n, .n_excluded = 0};
    mj_figure_sink sink = {&x, collect};
    x.n = 0;
    csat->score(inst, &s, &sink, &err);
    csat->destroy(inst);
  }
  is_double(1.396332, fig(&x, "mean")->sd, 5e-7, "csat mean sd 1.396332");
  ok(fig(&x, "t2b")->sd == 0, "csat shares carry no sd");
  ok(twins >= 3 && twins_agree == twins,
     "each of the %d countable samples scores the same from its counts "
     "(%d agree)",
     twins, twins_agree);
  return tap_done();
}
