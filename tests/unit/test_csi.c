/*
** The csi scorer through a mock host: the simple CSI vector of
** doc/methods.md#csi, mixed scales, tags, renormalised weights and edge
** cases.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mock_host.h"
#include "stats.h"
#include "tap.h"

const mj_plugin_desc *mj_plugin_csi_entry(void);

#define MAXC 8
#define MAXR 10

typedef struct table {
  mj_column cols[MAXC];
  mj_meta tags[MAXC];
  double v[MAXR * MAXC];
  unsigned char st[MAXR * MAXC];
  size_t nc, nr;
} table;

static size_t add_col(table *t, const char *q, const char *qtype, int lo,
                      int hi, const char *req, double w, const char *csi)
{
  size_t c = t->nc++;
  t->tags[c] = (mj_meta){"csi", csi};
  t->cols[c] = (mj_column){.question = q,
                           .qtype = qtype,
                           .scale_min = lo,
                           .scale_max = hi,
                           .requirement = req,
                           .target = NAN,
                           .weight = w,
                           .tags = t->tags + c,
                           .n_tags = csi ? 1 : 0};
  return c;
}

static void set(table *t, size_t r, size_t c, double v)
{
  t->v[r * MAXC + c] = v;
  t->st[r * MAXC + c] = isnan(v) ? MJ_ANSWER_NA : MJ_ANSWER_VALUE;
  if (r >= t->nr)
    t->nr = r + 1;
}

/* Ten integer ratings whose mean is m (one decimal). */
static void fill_mean(table *t, size_t c, double m)
{
  int tenths = (int)lround(10 * m), base = tenths / 10;
  for (int r = 0; r < 10; r++)
    set(t, (size_t)r, c, base + (r < tenths - 10 * base));
}

static const mj_scorer_ops *ops;

static int score(const table *t, mock_figs *x, mj_error *err)
{
  static double v[MAXR * MAXC];
  static unsigned char st[MAXR * MAXC];
  for (size_t r = 0; r < t->nr; r++)
    for (size_t c = 0; c < t->nc; c++) {
      v[r * t->nc + c] = t->v[r * MAXC + c];
      st[r * t->nc + c] = t->st[r * MAXC + c];
    }
  mj_matrix m = {t->cols, t->nc, t->nr, v, st};
  void *inst;
  mj_config *cfg = mock_config(NULL, NULL);
  if (ops->create(mock_host(), NULL, cfg, &inst, err) != MJ_OK)
    bail("create: %s", err->msg);
  mock_config_free(cfg);
  mj_figure_sink sink = {x, mock_collect};
  x->n = 0;
  int rc = ops->score_matrix(inst, &m, &sink, err);
  ops->destroy(inst);
  return rc;
}

static void run(const table *t, mock_figs *x)
{
  mj_error err = {0};
  if (score(t, x, &err) != MJ_OK)
    bail("score: %s", err.msg);
}

static void expect_error(const table *t, const char *needle, const char *what)
{
  mock_figs x;
  mj_error err = {0};
  int rc = score(t, &x, &err);
  ok(rc == MJ_EINVAL && strstr(err.msg, needle), "%s (%s)", what, err.msg);
}

/* doc/methods.md#csi: S = (4.2, 3.6, 3.9, 4.5) on 1..5,
** w = (.4, .3, .2, .1). */
static void methods_vector(table *t)
{
  static const char *const req[4] = {"R1", "R2", "R3", "R4"};
  static const double s[4] = {4.2, 3.6, 3.9, 4.5}, w[4] = {.4, .3, .2, .1};
  memset(t, 0, sizeof *t);
  for (int k = 0; k < 4; k++)
    fill_mean(t, add_col(t, req[k], "scale5", 1, 5, req[k], w[k], NULL), s[k]);
}

int main(void)
{
  plan(25);
  const mj_plugin_desc *d = mj_plugin_csi_entry();
  ops = mock_ops(d, MJ_KIND_SCORER);
  is_string("csi", d->name, "plugin name");
  ok(!ops->score && ops->score_matrix, "a matrix scorer only");

  static table t;
  static mock_figs x;
  const mj_figure *f;

  /* [SELF] weighted mean 3.99, 0-100 index 74.75 (ratio variant 79.8). */
  methods_vector(&t);
  run(&t, &x);
  f = mock_fig(&x, "csi", NULL);
  is_double(74.75, f->value, 1e-9, "CSI 74.75");
  ok(fabs(f->value - 79.8) > 1, "not the ratio variant 79.8");
  ok(isnan(f->ci_low) && isnan(f->ci_high), "no interval for the index");
  is_int(10, (long long)f->n, "n 10 respondents");
  is_double(100 * (3.99 - 1) / 4, f->value, 1e-9,
            "equals 100·(3.99 - 1)/(5 - 1)");
  f = mock_fig(&x, "score_100", "requirement:R1");
  is_double(80, f->value, 1e-9, "R1 4.2 on 1..5 is 80");
  {
    mj_stats_acc a = MJ_STATS_ACC_INIT;
    for (int r = 0; r < 10; r++)
      mj_stats_acc_add(&a, r < 2 ? 100 : 75);
    mj_stats_ci ci = mj_stats_mean_ci(&a, 0.975);
    is_double(ci.low, f->ci_low, 1e-9, "R1 t interval low");
    is_double(mj_stats_acc_sd(&a), f->sd, 1e-9, "R1 sd");
  }
  is_double(65, mock_fig(&x, "score_100", "requirement:R2")->value, 1e-9,
            "R2 3.6 is 65");
  is_int(5, (long long)x.n, "4 requirements and the index");

  /* A 1..7 question on R1 pools rescaled answers: 7 is 100, 1 is 0. */
  size_t c7 = add_col(&t, "R1b", "scale7", 1, 7, "R1", .4, NULL);
  for (size_t r = 0; r < 10; r++)
    set(&t, r, c7, r < 5 ? 7 : 1);
  run(&t, &x);
  is_double((80 * 10 + 50 * 10) / 20.0,
            mock_fig(&x, "score_100", "requirement:R1")->value, 1e-9,
            "mixed scales pooled after rescaling");
  is_int(20, (long long)mock_fig(&x, "score_100", "requirement:R1")->n,
         "R1 over 20 answers");

  /* Tags: csi = "no" leaves a question out; NPS needs csi = "yes". */
  methods_vector(&t);
  size_t nps = add_col(&t, "rec", "nps", 0, 10, "R4", .1, NULL);
  for (size_t r = 0; r < 10; r++)
    set(&t, r, nps, 0);
  run(&t, &x);
  is_double(74.75, mock_fig(&x, "csi", NULL)->value, 1e-9,
            "an nps question is not taken by default");
  t.tags[nps].value = "yes";
  t.cols[nps].n_tags = 1;
  run(&t, &x);
  is_double(87.5 / 2, mock_fig(&x, "score_100", "requirement:R4")->value, 1e-9,
            "csi = yes takes it in (0 on 0..10 pooled with 87.5)");
  t.tags[0] = (mj_meta){"csi", "no"};
  t.cols[0].n_tags = 1;
  t.tags[nps].value = "no";
  run(&t, &x);
  is_double((19.5 + 14.5 + 8.75) / 0.6, mock_fig(&x, "csi", NULL)->value, 1e-9,
            "csi = no drops R1; weights renormalised");

  /* An expectation question measuring R1 is not a rating of it. */
  methods_vector(&t);
  size_t ex = add_col(&t, "exp", "scale5", 1, 5, "R1", .4, NULL);
  t.tags[ex] = (mj_meta){"role", "expectation"};
  t.cols[ex].n_tags = 1;
  for (size_t r = 0; r < 10; r++)
    set(&t, r, ex, 1);
  run(&t, &x);
  is_double(74.75, mock_fig(&x, "csi", NULL)->value, 1e-9,
            "role = expectation is left out");

  /* A requirement without answers drops out, renormalised, logged. */
  methods_vector(&t);
  for (size_t r = 0; r < 10; r++)
    set(&t, r, 3, NAN);
  mock_log_clear();
  run(&t, &x);
  is_double((32 + 19.5 + 14.5) / 0.9, mock_fig(&x, "csi", NULL)->value, 1e-9,
            "R4 all N/A: index over R1-R3");
  ok(isnan(mock_fig(&x, "score_100", "requirement:R4")->value) &&
         strstr(mock_log_text(), "R4 has no answers"),
     "R4 NAN and logged");

  /* No weighted requirement: no figures; no rows: NAN. */
  memset(&t, 0, sizeof t);
  add_col(&t, "a", "scale5", 1, 5, "R1", NAN, NULL);
  add_col(&t, "b", "scale5", 1, 5, NULL, NAN, NULL);
  set(&t, 0, 0, 3);
  run(&t, &x);
  is_int(0, (long long)x.n, "no weighted requirement: no figures");
  methods_vector(&t);
  t.nr = 0;
  run(&t, &x);
  f = mock_fig(&x, "csi", NULL);
  ok(isnan(f->value) && f->n == 0 && x.n == 5, "no rows: NAN figures, n 0");

  /* Errors. */
  memset(&t, 0, sizeof t);
  add_col(&t, "a", "scale5", 1, 5, "R1", -1, NULL);
  expect_error(&t, "weights must be zero or more", "negative weight");
  memset(&t, 0, sizeof t);
  add_col(&t, "a", "nps", 0, 10, NULL, NAN, "yes");
  expect_error(&t, "measures no requirement", "csi = yes without weight");
  memset(&t, 0, sizeof t);
  add_col(&t, "a", "scale5", 1, 5, "R1", 1, "maybe");
  expect_error(&t, "csi = \"maybe\"", "unknown csi tag value");
  return tap_done();
}
