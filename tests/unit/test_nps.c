/*
** The nps scorer through a mock host: brendan-r/NPS test vectors, the
** adjusted-Wald intervals of doc/methods.md#nps, edge cases and the
** export.
*/
#include <math.h>
#include <string.h>

#include "mock_host.h"
#include "stats.h"
#include "tap.h"

const mj_plugin_desc *mj_plugin_nps_entry(void);

#define MAXF 8

typedef struct figs {
  mj_figure f[MAXF];
  size_t n;
  int fail_at; /* emit number that fails, 0 for none */
} figs;

static int collect(void *ud, const mj_figure *f, mj_error *err)
{
  figs *x = ud;
  if (x->fail_at && (int)x->n + 1 == x->fail_at)
    return mock_host()->error(err, MJ_ENOMEM, "sink full");
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

static void *make(const char *const *kv)
{
  mj_config *cfg = mock_config(NULL, kv);
  void *inst = NULL;
  mj_error err = {0};
  if (ops->create(mock_host(), NULL, cfg, &inst, &err) != MJ_OK)
    bail("create: %s", err.msg);
  mock_config_free(cfg);
  return inst;
}

/* Score values with a fresh default instance. */
static int run_on(void *inst, const double *v, size_t n, uint64_t excluded,
                  figs *out)
{
  mj_sample s = {.qtype = "nps", .scale_min = 0, .scale_max = 10,
                 .values = v, .n = n, .n_excluded = excluded};
  mj_figure_sink sink = {out, collect};
  mj_error err = {0};
  memset(out->f, 0, sizeof out->f);
  out->n = 0;
  int rc = ops->score(inst, &s, &sink, &err);
  int agree = mock_counts_agree(ops, inst, &s, 1e-12);
  twins += agree >= 0;
  twins_agree += agree == 1;
  return rc;
}

static void run(const double *v, size_t n, figs *out)
{
  void *inst = make(NULL);
  if (run_on(inst, v, n, 0, out) != MJ_OK)
    bail("score failed");
  ops->destroy(inst);
}

/* Counts to answers: det 0s, pas 7s, pro 9s. */
static size_t fill(double *v, int det, int pas, int pro)
{
  size_t n = 0;
  for (int i = 0; i < det; i++)
    v[n++] = 0;
  for (int i = 0; i < pas; i++)
    v[n++] = 7;
  for (int i = 0; i < pro; i++)
    v[n++] = 9;
  return n;
}

/* brendan-r/NPS tests/testthat/test_01_basics.R, on the 0..100 scale. */
static void vector(const double *v, size_t n, double nps, double se, double tol,
                   const char *name)
{
  figs x;
  run(v, n, &x);
  is_rel(nps, fig(&x, "nps")->value, 1e-12, "NPS of %s", name);
  is_double(se, fig(&x, "nps_se")->value, tol, "SE of %s", name);
}

int main(void)
{
  plan(67);
  const mj_plugin_desc *d = mj_plugin_nps_entry();
  ops = mock_ops(d, MJ_KIND_SCORER);
  is_string("nps", d->name, "plugin name");
  is_string("nps", ops->qtypes[0], "scores nps questions");
  ok(ops->qtypes[1] == NULL, "and only those");
  {
    size_t k = 0;
    while (ops->metrics[k])
      k++;
    is_int(5, (long long)k, "five metrics listed");
  }

  /* [PUB] brendan-r/NPS: NPS and nps_se (SE x 100). */
  static const double v1[] = {0, 7, 7, 9, 9, 9};
  vector(v1, 6, 100.0 / 3, 30.429030972509225, 1e-9, "0,7,7,9,9,9");
  vector((const double[]){0}, 1, -100, 0, 0, "0");
  vector((const double[]){1}, 1, -100, 0, 0, "1");
  vector((const double[]){7}, 1, 0, 0, 0, "7");
  vector((const double[]){9}, 1, 100, 0, 0, "9");
  vector((const double[]){10}, 1, 100, 0, 0, "10");
  vector((const double[]){1, 9}, 2, 0, 70.7, 0.05, "1,9");
  vector((const double[]){7, 9}, 2, 50, 35.4, 0.05, "7,9");
  vector((const double[]){0, 7, 9}, 3, 0, 47.1, 0.05, "0,7,9");

  /* [SELF] doc/methods.md#nps groups A and B: Wald SE, adjusted-Wald CI. */
  double v[200];
  figs x;
  run(v, fill(v, 20, 30, 50), &x);
  const mj_figure *f = fig(&x, "nps");
  is_double(30, f->value, 1e-12, "A: NPS 30");
  is_double(14.0511, f->ci_low, 5e-5, "A: adjusted-Wald low 14.0511");
  is_double(44.2013, f->ci_high, 5e-5, "A: adjusted-Wald high 44.2013");
  is_int(100, (long long)f->n, "A: n 100");
  is_double(7.81025, fig(&x, "nps_se")->value, 5e-6, "A: SE 7.81025");
  is_double(50, fig(&x, "promoters")->value, 1e-12, "A: promoters 50%%");
  is_double(30, fig(&x, "passives")->value, 1e-12, "A: passives 30%%");
  is_double(20, fig(&x, "detractors")->value, 1e-12, "A: detractors 20%%");
  mj_stats_ci w = mj_stats_wilson(20, 100, MJ_STATS_Z95);
  ok(fabs(fig(&x, "detractors")->ci_low - 100 * w.low) < 1e-12 &&
         fabs(fig(&x, "detractors")->ci_high - 100 * w.high) < 1e-12,
     "A: detractor share has the Wilson interval in %%");
  ok(isnan(fig(&x, "nps_se")->ci_low), "nps_se has no interval");

  run(v, fill(v, 30, 42, 48), &x);
  f = fig(&x, "nps");
  is_double(15, f->value, 1e-12, "B: NPS 15");
  is_double(0.6637, f->ci_low, 5e-5, "B: adjusted-Wald low 0.6637");
  is_double(28.6046, f->ci_high, 5e-5, "B: adjusted-Wald high 28.6046");
  is_double(7.23130, fig(&x, "nps_se")->value, 5e-6, "B: SE 7.23130");
  is_double(35, fig(&x, "passives")->value, 1e-12, "B: passives 35%%");

  /* [SELF] Wilson 4/5 through the promoters share. */
  run((const double[]){9, 9, 10, 10, 3}, 5, &x);
  f = fig(&x, "promoters");
  is_double(80, f->value, 1e-12, "4 of 5 promoters: 80%%");
  is_double(37.5535, f->ci_low, 5e-5, "Wilson 4/5 low 37.5535%%");
  is_double(96.3776, f->ci_high, 5e-5, "Wilson 4/5 high 96.3776%%");

  /* n = 1: the Wald interval has no width, the adjusted one does:
  ** counts 0.75/1.5/1.75 of 4, NPS 25, SE 37.5 points. */
  run((const double[]){10}, 1, &x);
  f = fig(&x, "nps");
  is_double(25 - 37.5 * MJ_STATS_Z95, f->ci_low, 1e-9, "n 1: interval low");
  is_double(25 + 37.5 * MJ_STATS_Z95, f->ci_high, 1e-9, "n 1: interval high");
  /* Two promoters: the adjusted interval passes 100 and is clipped. */
  run((const double[]){9, 10}, 2, &x);
  is_double(100, fig(&x, "nps")->ci_high, 0, "interval clipped at 100");
  ok(fig(&x, "nps")->ci_low > -100, "low end inside the range");

  /* n = 0: no data, never 0. */
  {
    void *inst = make(NULL);
    is_int(MJ_OK, run_on(inst, NULL, 0, 3, &x), "n 0 scores");
    ops->destroy(inst);
    is_int(5, (long long)x.n, "n 0: every metric emitted");
    int all_nan = 1;
    for (size_t i = 0; i < x.n; i++)
      all_nan &= isnan(x.f[i].value) && isnan(x.f[i].ci_low) &&
                 isnan(x.f[i].ci_high) && x.f[i].n == 0;
    ok(all_nan, "n 0: values and bounds NaN, n 0");
  }

  /* Answers the host should have refused are left out, with a warning. */
  mock_log_clear();
  run((const double[]){9, 11, 8.5, -1, NAN, 0}, 6, &x);
  is_double(0, fig(&x, "nps")->value, 1e-12, "invalid answers left out");
  is_int(2, (long long)fig(&x, "nps")->n, "n counts valid answers only");
  contains(mock_log_text(), "left out 4 answer(s)", "and it is logged");

  /* Option level. */
  {
    void *inst = make((const char *const[]){"level", "0.9", NULL});
    run_on(inst, v, fill(v, 20, 30, 50), 0, &x);
    ops->destroy(inst);
    double z90 = 1.6448536269514722;
    is_double(100 * (0.2912621 - z90 * 0.0769151), fig(&x, "nps")->ci_low, 1e-4,
              "level 0.9: narrower interval (low)");
    is_double(100 * (0.2912621 + z90 * 0.0769151), fig(&x, "nps")->ci_high,
              1e-4, "level 0.9: narrower interval (high)");
  }
  {
    mj_config *cfg =
        mock_config(NULL, (const char *const[]){"level", "95", NULL});
    void *inst = NULL;
    mj_error err = {0};
    is_int(MJ_EINVAL, ops->create(mock_host(), NULL, cfg, &inst, &err),
           "level 95 refused");
    contains(err.msg, "level = 95", "message names the value");
    contains(err.msg, "e.g. 0.95", "and says what to give");
    ok(inst == NULL, "no instance");
    mock_config_free(cfg);
  }
  ops->destroy(NULL);
  ok(1, "destroy(NULL) is harmless");
  is_string("level", d->options[0].name, "option level declared");

  /* A sink error stops scoring and comes back. */
  {
    void *inst = make(NULL);
    figs y = {.fail_at = 3};
    mj_sample s = {.qtype = "nps", .scale_min = 0, .scale_max = 10,
                   .values = v1, .n = 6, .n_excluded = 0};
    mj_figure_sink sink = {&y, collect};
    mj_error err = {0};
    is_int(MJ_ENOMEM, ops->score(inst, &s, &sink, &err), "sink error returned");
    is_string("sink full", err.msg, "with the sink's message");
    ops->destroy(inst);
  }

  /* The export, as Lua would call it. */
  typedef double (*score_fn)(double, double, double);
  score_fn nps_fn = (score_fn)mock_export(d, "nps_score");
  ok(nps_fn != NULL, "nps_score exported");
  is_string("double(double promoters, double passives, double detractors)",
            d->exports[0].sig, "nps_score signature");
  is_double(30, nps_fn(50, 30, 20), 1e-12, "nps_score(50, 30, 20) = 30");
  is_double(100.0 * 7 / 11, nps_fn(9, 0, 2), 1e-12,
            "nps_score(9, 0, 2) = 63.6");
  ok(isnan(nps_fn(0, 0, 0)), "nps_score of nothing is NaN");
  ok(isnan(nps_fn(-1, 2, 0)), "nps_score with a negative count is NaN");

  ok(twins >= 5 && twins_agree == twins,
     "each of the %d countable samples scores the same from its counts "
     "(%d agree)",
     twins, twins_agree);
  return tap_done();
}
