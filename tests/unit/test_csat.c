/*
** The csat scorer through a mock host: Delighted's CSAT, the CSAT and
** CES 2.0 examples of doc/methods.md#csat and doc/methods.md#ces, edge
** cases and the Wilson exports.
*/
#include <math.h>
#include <string.h>

#include "mock_host.h"
#include "stats.h"
#include "tap.h"

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

static const mj_scorer_ops *ops;
/* Every sample is also scored from its counts: how many, how many agreed. */
static int twins, twins_agree;

static int make(const char *const *kv, void **inst, mj_error *err)
{
  mj_config *cfg = mock_config(NULL, kv);
  *inst = NULL;
  int rc = ops->create(mock_host(), NULL, cfg, inst, err);
  mock_config_free(cfg);
  return rc;
}

/* Score values on scale lo..hi with an instance made from kv. */
static void run(const char *const *kv, int lo, int hi, const double *v,
                size_t n, uint64_t excluded, figs *out)
{
  void *inst;
  mj_error err = {0};
  if (make(kv, &inst, &err) != MJ_OK)
    bail("create: %s", err.msg);
  mj_sample s = {.qtype = "scale", .scale_min = lo, .scale_max = hi,
                 .values = v, .n = n, .n_excluded = excluded};
  mj_figure_sink sink = {out, collect};
  out->n = 0;
  if (ops->score(inst, &s, &sink, &err) != MJ_OK)
    bail("score: %s", err.msg);
  int agree = mock_counts_agree(ops, inst, &s, 1e-12);
  twins += agree >= 0;
  twins_agree += agree == 1;
  ops->destroy(inst);
}

/* Answers from counts of 1, 2, ... */
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
  plan(62);
  const mj_plugin_desc *d = mj_plugin_csat_entry();
  ops = mock_ops(d, MJ_KIND_SCORER);
  is_string("csat", d->name, "plugin name");
  is_string("scale*", ops->qtypes[0], "scores every scale");
  ok(!strcmp(ops->metrics[0], "t2b") && !strcmp(ops->metrics[1], "b2b") &&
         !strcmp(ops->metrics[2], "mean") && !ops->metrics[3],
     "metrics t2b, b2b, mean");

  double v[200];
  figs x;
  const mj_figure *f;

  /* [PUB] Delighted: 5→42, 4→32, 3→10, 2→9, 1→14: CSAT 69.16. */
  size_t n = from_counts(v, (const int[]){14, 9, 10, 32, 42}, 5);
  run(NULL, 1, 5, v, n, 0, &x);
  f = fig(&x, "t2b");
  is_double(69.16, f->value, 0.005, "Delighted CSAT 69.16");
  is_rel(7400.0 / 107, f->value, 1e-12, "exactly 74 of 107");
  is_int(107, (long long)f->n, "n 107");
  is_rel(2300.0 / 107, fig(&x, "b2b")->value, 1e-12, "bottom box 23 of 107");
  f = fig(&x, "mean");
  is_double(3.738318, f->value, 5e-7, "Delighted mean 3.738318");
  is_double(3.470690, f->ci_low, 5e-7, "Delighted mean CI low");
  is_double(4.005946, f->ci_high, 5e-7, "Delighted mean CI high");

  /* [SELF] CSAT example: 1:5, 2:10, 3:20, 4:40, 5:25, 7 N/A excluded. */
  n = from_counts(v, (const int[]){5, 10, 20, 40, 25}, 5);
  run(NULL, 1, 5, v, n, 7, &x);
  f = fig(&x, "t2b");
  is_double(65, f->value, 1e-12, "T2B 65%%");
  is_double(55.2544, f->ci_low, 5e-5, "T2B Wilson low 55.2544");
  is_double(73.6358, f->ci_high, 5e-5, "T2B Wilson high 73.6358");
  is_int(100, (long long)f->n, "n excludes the N/A answers");
  f = fig(&x, "b2b");
  is_double(15, f->value, 1e-12, "B2B 15%%");
  mj_stats_ci w = mj_stats_wilson(15, 100, MJ_STATS_Z95);
  ok(fabs(f->ci_low - 100 * w.low) < 1e-12 &&
         fabs(f->ci_high - 100 * w.high) < 1e-12,
     "B2B has the Wilson interval");
  f = fig(&x, "mean");
  is_double(3.70, f->value, 1e-12, "mean 3.70");
  is_double(3.480637, f->ci_low, 5e-7, "mean CI low 3.480637");
  is_double(3.919363, f->ci_high, 5e-7, "mean CI high 3.919363");

  /* Option level: t(0.995, 99) instead of t(0.975, 99). */
  run((const char *const[]){"level", "0.99", NULL}, 1, 5, v, n, 7, &x);
  {
    double half = mj_stats_t_quantile(0.995, 99) * 1.1055416 / 10;
    is_double(3.70 - half, fig(&x, "mean")->ci_low, 1e-6, "level 0.99 low");
    is_double(3.70 + half, fig(&x, "mean")->ci_high, 1e-6, "level 0.99 high");
    w = mj_stats_wilson(65, 100, mj_stats_norm_quantile(0.995));
    is_double(100 * w.low, fig(&x, "t2b")->ci_low, 1e-12,
              "level 0.99 Wilson uses z(0.995)");
  }

  /* [SELF] CES 2.0 example on 1..7: 2,3,5,10,20,35,25. */
  n = from_counts(v, (const int[]){2, 3, 5, 10, 20, 35, 25}, 7);
  run(NULL, 1, 7, v, n, 0, &x);
  is_double(60, fig(&x, "t2b")->value, 1e-12, "1..7: top-2-box is 6-7");
  is_double(5, fig(&x, "b2b")->value, 1e-12, "1..7: bottom-2-box is 1-2");
  is_double(5.48, fig(&x, "mean")->value, 1e-12, "CES 2.0 mean 5.48");
  run((const char *const[]){"box", "3", NULL}, 1, 7, v, n, 0, &x);
  is_double(80, fig(&x, "t2b")->value, 1e-12, "box 3: agree (5-7) 80%%");
  is_double(10, fig(&x, "b2b")->value, 1e-12, "box 3: disagree (1-3) 10%%");

  /* A 0..10 scale: the boxes follow scale_min. */
  run(NULL, 0, 10, (const double[]){0, 1, 2, 9, 10}, 5, 0, &x);
  is_double(40, fig(&x, "t2b")->value, 1e-12, "0..10: top box 9-10");
  is_double(40, fig(&x, "b2b")->value, 1e-12, "0..10: bottom box 0-1");

  /* n = 0: no data. */
  run(NULL, 1, 5, NULL, 0, 4, &x);
  is_int(3, (long long)x.n, "n 0: every metric emitted");
  {
    int all_nan = 1;
    for (size_t i = 0; i < x.n; i++)
      all_nan &= isnan(x.f[i].value) && isnan(x.f[i].ci_low) &&
                 isnan(x.f[i].ci_high) && x.f[i].n == 0;
    ok(all_nan, "n 0: values and bounds NaN, n 0");
  }

  /* n = 1: shares with Wilson, a mean without interval. */
  run(NULL, 1, 5, (const double[]){5}, 1, 0, &x);
  f = fig(&x, "t2b");
  is_double(100, f->value, 0, "n 1: t2b 100%%");
  w = mj_stats_wilson(1, 1, MJ_STATS_Z95);
  is_double(100 * w.low, f->ci_low, 1e-12, "n 1: Wilson low");
  is_double(100, f->ci_high, 1e-12, "n 1: Wilson high 100");
  f = fig(&x, "mean");
  is_double(5, f->value, 0, "n 1: mean 5");
  ok(isnan(f->ci_low) && isnan(f->ci_high), "n 1: mean has no interval");

  /* All equal: no zero-width interval, and it is said. */
  mock_log_clear();
  run(NULL, 1, 5, (const double[]){4, 4, 4}, 3, 0, &x);
  f = fig(&x, "mean");
  is_double(4, f->value, 0, "all equal: mean 4");
  ok(isnan(f->ci_low) && isnan(f->ci_high), "all equal: no interval");
  contains(mock_log_text(), "all 3 answers are equal", "all equal: logged");

  /* A scale too short for two disjoint boxes. */
  mock_log_clear();
  run(NULL, 1, 3, (const double[]){1, 2, 3}, 3, 0, &x);
  ok(isnan(fig(&x, "t2b")->value) && isnan(fig(&x, "b2b")->value),
     "1..3: no top-2 / bottom-2 box");
  is_double(2, fig(&x, "mean")->value, 1e-12, "1..3: mean still given");
  contains(mock_log_text(), "too short for top-2", "1..3: warned");

  /* Out-of-scale answers are left out with a warning. */
  mock_log_clear();
  run(NULL, 1, 5, (const double[]){5, 6, 0, NAN, 1}, 5, 0, &x);
  is_int(2, (long long)fig(&x, "mean")->n, "out of scale left out");
  is_double(50, fig(&x, "t2b")->value, 1e-12, "t2b of the valid two");
  contains(mock_log_text(), "left out 3 answer(s) outside the scale 1..5",
           "and logged");

  /* Bad options. */
  {
    void *inst;
    mj_error err = {0};
    is_int(MJ_EINVAL,
           make((const char *const[]){"level", "0", NULL}, &inst, &err),
           "level 0 refused");
    contains(err.msg, "option level", "message names the option");
    ok(inst == NULL, "no instance");
    memset(&err, 0, sizeof err);
    is_int(MJ_EINVAL,
           make((const char *const[]){"box", "0", NULL}, &inst, &err),
           "box 0 refused");
    contains(err.msg, "option box = 0", "message names the value");
  }
  ops->destroy(NULL);
  ok(1, "destroy(NULL) is harmless");
  ok(!strcmp(d->options[0].name, "level") &&
         !strcmp(d->options[1].name, "box") && !d->options[2].name,
     "options level and box declared");

  /* The exports. */
  typedef double (*wfn)(double, double, double);
  wfn lo = (wfn)mock_export(d, "wilson_low");
  wfn hi = (wfn)mock_export(d, "wilson_high");
  ok(lo && hi, "wilson_low and wilson_high exported");
  is_string("double(double x, double n, double z)", d->exports[0].sig,
            "wilson_low signature");
  is_string("wilson_high", d->exports[1].name, "second export");
  is_double(0.375535, lo(4, 5, 1.959964), 5e-7, "wilson_low(4, 5)");
  is_double(0.963776, hi(4, 5, 1.959964), 5e-7, "wilson_high(4, 5)");
  is_double(0.396778, lo(7, 10, 1.959964), 5e-7, "wilson_low(7, 10)");
  is_double(0.892209, hi(7, 10, 1.959964), 5e-7, "wilson_high(7, 10)");
  ok(isnan(lo(0, 0, 1.96)) && isnan(hi(0, 0, 1.96)), "n 0 gives NaN");
  ok(mock_export(d, "wilson") == NULL, "no such export");

  ok(twins >= 5 && twins_agree == twins,
     "each of the %d countable samples scores the same from its counts "
     "(%d agree)",
     twins, twins_agree);
  return tap_done();
}
