/*
** The ipa scorer through a mock host: ipa_example.csv with data-centred,
** scale-centred and median crosshairs
** (doc/methods.md#ipa-and-derived-importance), derived importance and
** relative weights on mtcars (rwa's published values), edge cases.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_host.h"
#include "stats.h"
#include "tap.h"

const mj_plugin_desc *mj_plugin_ipa_entry(void);

#define MAXC 16
#define MAXR 40

typedef struct table {
  mj_column cols[MAXC];
  mj_meta tags[MAXC][2];
  char name[MAXC][32];
  double v[MAXR * MAXC];
  unsigned char st[MAXR * MAXC];
  size_t nc, nr;
} table;

/* A column tagged key = value (and role when given) on lo..hi. */
static size_t add_col(table *t, const char *key, const char *value,
                      const char *role, int lo, int hi)
{
  size_t c = t->nc++;
  snprintf(t->name[c], sizeof t->name[c], "%s", value);
  t->tags[c][0] = (mj_meta){key, t->name[c]};
  t->tags[c][1] = (mj_meta){"role", role};
  t->cols[c] = (mj_column){.question = t->name[c],
                           .qtype = "scale5",
                           .scale_min = lo,
                           .scale_max = hi,
                           .target = NAN,
                           .weight = NAN,
                           .tags = t->tags[c],
                           .n_tags = role ? 2 : 1};
  return c;
}

static void set(table *t, size_t r, size_t c, double v)
{
  t->v[r * MAXC + c] = v;
  t->st[r * MAXC + c] = isnan(v) ? MJ_ANSWER_NA : MJ_ANSWER_VALUE;
  if (r >= t->nr)
    t->nr = r + 1;
}

static const mj_scorer_ops *ops;

static int score(const table *t, const char *const *kv, mock_figs *x, mj_error *err)
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
  mj_config *cfg = mock_config(NULL, kv);
  if (ops->create(mock_host(), NULL, cfg, &inst, err) != MJ_OK)
    bail("create: %s", err->msg);
  mock_config_free(cfg);
  mj_figure_sink sink = {x, mock_collect};
  x->n = 0;
  int rc = ops->score_matrix(inst, &m, &sink, err);
  ops->destroy(inst);
  return rc;
}

static void run(const table *t, const char *const *kv, mock_figs *x)
{
  mj_error err = {0};
  if (score(t, kv, x, &err) != MJ_OK)
    bail("score: %s", err.msg);
}

static void expect_error(const table *t, const char *const *kv,
                         const char *needle, const char *what)
{
  mock_figs x;
  mj_error err = {0};
  int rc = score(t, kv, &x, &err);
  ok(rc == MJ_EINVAL && strstr(err.msg, needle), "%s (%s)", what, err.msg);
}

static char *slurp_vector(const char *name)
{
  const char *dir = getenv("VECTORS");
  if (!dir)
    bail("VECTORS is not set: point it at tests/vectors");
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *text = tap_slurp(path, NULL);
  if (!text)
    bail("cannot read %s", path);
  return text;
}

/* Ten integer ratings whose mean is m (one decimal). */
static void fill_mean(table *t, size_t c, double m)
{
  int tenths = (int)lround(10 * m), base = tenths / 10;
  for (int r = 0; r < 10; r++)
    set(t, (size_t)r, c, base + (r < tenths - 10 * base));
}

/* ipa_example.csv: attribute,importance,performance. */
static int load_ipa(table *t, char ids[][8])
{
  char *text = slurp_vector("ipa_example.csv");
  memset(t, 0, sizeof *t);
  int n = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    char *c1 = strchr(line, ',');
    if (line[0] == '#' || !c1 || strncmp(line, "attribute,", 10) == 0)
      continue;
    double imp = atof(c1 + 1), perf = atof(strchr(c1 + 1, ',') + 1);
    snprintf(ids[n], 8, "%.2s", line); /* "A1 wait time" -> "A1" */
    fill_mean(t, add_col(t, "ipa", ids[n], "importance", 1, 5), imp);
    fill_mean(t, add_col(t, "ipa", ids[n], "performance", 1, 5), perf);
    n++;
  }
  free(text);
  return n;
}

/* mtcars.csv: overall mpg, attributes cyl disp hp gear (wt if with_wt). */
static void load_mtcars(table *t, int with_wt)
{
  static const int field[5] = {2, 3, 4, 10, 6}; /* cyl disp hp gear wt */
  static const char *const name[5] = {"cyl", "disp", "hp", "gear", "wt"};
  char *text = slurp_vector("mtcars.csv");
  memset(t, 0, sizeof *t);
  size_t y = add_col(t, "overall", "yes", NULL, 0, 1000);
  for (int k = 0; k < 4 + with_wt; k++)
    add_col(t, "ipa", name[k], NULL, 0, 1000);
  size_t r = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    if (strncmp(line, "model,", 6) == 0)
      continue;
    double f[12];
    char *p = strchr(line, ',');
    for (int k = 1; k < 12 && p; k++) {
      f[k] = atof(p + 1);
      p = strchr(p + 1, ',');
    }
    set(t, r, y, f[1]);
    for (int k = 0; k < 4 + with_wt; k++)
      set(t, r, (size_t)k + 1, f[field[k]]);
    r++;
  }
  free(text);
  if (r != 32)
    bail("expected 32 cars, read %zu", r);
}

static const char *const dc[6] = {"Concentrate here", "Keep up the good work",
                                  "Concentrate here", "Possible overkill",
                                  "Low priority",     "Possible overkill"};
static const char *const sc[6] = {
    "Keep up the good work", "Keep up the good work", "Keep up the good work",
    "Keep up the good work", "Possible overkill",     "Keep up the good work"};

int main(void)
{
  plan(62);
  const mj_plugin_desc *d = mj_plugin_ipa_entry();
  ops = mock_ops(d, MJ_KIND_SCORER);
  is_string("ipa", d->name, "plugin name");
  ok(!ops->score && ops->score_matrix, "a matrix scorer only");

  static table t;
  static mock_figs x;
  char ids[8][8], s[64];
  const mj_figure *f;

  /* [SELF] ipa_example.csv, data-centred. */
  int n = load_ipa(&t, ids);
  is_int(6, n, "6 attributes");
  run(&t, NULL, &x);
  f = mock_fig(&x, "crosshair_importance", NULL);
  is_double(3.933333, f->value, 5e-7, "grand mean importance 3.933333");
  is_string("data", f->label, "crosshair rule recorded");
  is_double(3.733333, mock_fig(&x, "crosshair_performance", NULL)->value, 5e-7,
            "grand mean performance 3.733333");
  for (int k = 0; k < n; k++) {
    snprintf(s, sizeof s, "attribute:%.7s", ids[k]);
    is_string(dc[k], mock_fig(&x, "quadrant", s)->label, "%s data-centred", ids[k]);
  }
  f = mock_fig(&x, "importance", "attribute:A1");
  is_double(4.6, f->value, 1e-12, "A1 importance 4.6");
  ok(f->ci_low < 4.6 && f->ci_high > 4.6 && f->n == 10,
     "importance has a t interval over 10");
  is_double(3.1, mock_fig(&x, "performance", "attribute:A1")->value, 1e-12,
            "A1 performance 3.1");
  is_double(3.1 - 4.6, mock_fig(&x, "quadrant", "attribute:A1")->value, 1e-12,
            "quadrant value is the gap P - I");

  /* SERVQUAL's role = "perception" is performance too. */
  t.tags[1][1].value = "perception";
  run(&t, NULL, &x);
  is_double(3.1, mock_fig(&x, "performance", "attribute:A1")->value, 1e-12,
            "role perception counts as performance");
  t.tags[1][1].value = "performance";

  /* Scale-centred: (1 + 5)/2 = 3, and P = 3.0 counts as high. */
  run(&t, (const char *const[]){"crosshair", "scale", NULL}, &x);
  for (int k = 0; k < n; k++) {
    snprintf(s, sizeof s, "attribute:%.7s", ids[k]);
    is_string(sc[k], mock_fig(&x, "quadrant", s)->label, "%s scale-centred", ids[k]);
  }
  is_double(3, mock_fig(&x, "crosshair_performance", NULL)->value, 1e-12,
            "scale crosshair 3");
  /* Medians: importance 4.1, performance 3.75. */
  run(&t, (const char *const[]){"crosshair", "median", NULL}, &x);
  is_double(4.1, mock_fig(&x, "crosshair_importance", NULL)->value, 1e-12,
            "median importance 4.1");
  is_double(3.75, mock_fig(&x, "crosshair_performance", NULL)->value, 1e-12,
            "median performance 3.75");
  is_string("Possible overkill", mock_fig(&x, "quadrant", "attribute:A6")->label,
            "A6 (3.8, 4.1) by medians");

  /* [PUB] rwa on mtcars: cyl, disp, hp, gear, wt -> mpg. */
  load_mtcars(&t, 1);
  run(&t, NULL, &x);
  static const char *const car[5] = {"cyl", "disp", "hp", "gear", "wt"};
  static const double r[5] = {-0.852162, -0.847551, -0.776168, 0.480285,
                              -0.867659};
  static const double rw5[5] = {22.128264, 19.362936, 22.099792, 8.630361,
                                27.778646};
  static const double rw4[4] = {29.32274, 28.50999, 29.79691, 12.37037};
  for (int k = 0; k < 5; k++) {
    snprintf(s, sizeof s, "attribute:%s", car[k]);
    is_double(r[k], mock_fig(&x, "importance", s)->value, 5e-7, "r(%s, mpg)",
              car[k]);
    is_double(rw5[k], mock_fig(&x, "importance_rw", s)->value, 5e-6,
              "relative weight %s", car[k]);
  }
  is_double(0.8511004, mock_fig(&x, "r2", NULL)->value, 5e-8, "R² 0.8511004");
  f = mock_fig(&x, "importance", "attribute:wt");
  {
    double se = 1 / sqrt(29.0), z = atanh(f->value);
    is_double(tanh(z - MJ_STATS_Z95 * se), f->ci_low, 1e-12,
              "Fisher-z interval low");
    is_double(tanh(z + MJ_STATS_Z95 * se), f->ci_high, 1e-12,
              "Fisher-z interval high");
  }
  ok(isnan(mock_fig(&x, "quadrant", "attribute:wt")->value),
     "derived importance: no P - I gap");
  is_double((r[0] + r[1] + r[2] + r[3] + r[4]) / 5,
            mock_fig(&x, "crosshair_importance", NULL)->value, 1e-6,
            "derived crosshair: mean r");
  load_mtcars(&t, 0);
  run(&t, NULL, &x);
  for (int k = 0; k < 4; k++) {
    snprintf(s, sizeof s, "attribute:%s", car[k]);
    is_double(rw4[k], mock_fig(&x, "importance_rw", s)->value, 5e-6,
              "4 predictors: relative weight %s", car[k]);
  }
  is_double(0.7791896, mock_fig(&x, "r2", NULL)->value, 5e-8, "R² 0.7791896");

  /* [PUB] rwa, diamonds correlations only (the stats function itself). */
  {
    const double rxx[4] = {1, 0.02822431, 0.02822431, 1};
    const double rxy[2] = {-0.0106474, 0.9215913};
    double raw[2];
    double r2 = mj_stats_relweights(rxx, rxy, 2, raw);
    is_double(0.8506755, r2, 5e-8, "diamonds R² 0.8506755");
    /* The correlations are printed to 7 digits, so the weights can only
    ** agree to about 1e-7 (r² moves 2·r·5e-8). */
    is_double(0.000729149, raw[0], 1e-9, "depth 0.000729149");
    is_double(0.849946308, raw[1], 1e-7, "carat 0.849946308");
    const double sing[4] = {1, 1, 1, 1};
    ok(isnan(mj_stats_relweights(sing, rxy, 2, raw)),
       "singular correlations: NAN");
  }

  /* Collinear attributes: correlations still, weights NAN, a warning. */
  load_mtcars(&t, 0);
  for (size_t row = 0; row < t.nr; row++)
    set(&t, row, 2, 2 * t.v[row * MAXC + 1]); /* disp := 2 cyl */
  mock_log_clear();
  run(&t, NULL, &x);
  ok(isnan(mock_fig(&x, "importance_rw", "attribute:cyl")->value) &&
         strstr(mock_log_text(), "collinear"),
     "collinear: no relative weights, logged");

  /* Edge cases. */
  memset(&t, 0, sizeof t);
  t.nr = 2;
  run(&t, NULL, &x);
  is_int(0, (long long)x.n, "no ipa columns: no figures");
  n = load_ipa(&t, ids);
  for (size_t row = 0; row < t.nr; row++)
    for (size_t c = 0; c < t.nc; c++)
      set(&t, row, c, NAN);
  run(&t, NULL, &x);
  f = mock_fig(&x, "quadrant", "attribute:A1");
  ok(!f->label && isnan(f->value), "all N/A: no quadrant");
  ok(isnan(mock_fig(&x, "performance", "attribute:A1")->value) &&
         mock_fig(&x, "performance", "attribute:A1")->n == 0,
     "all N/A: performance NAN, n 0");
  t.nr = 0;
  run(&t, NULL, &x);
  is_int(6 * 3 + 2, (long long)x.n, "no rows: 3 per attribute + crosshair");

  /* Errors. */
  memset(&t, 0, sizeof t);
  add_col(&t, "ipa", "A", "importance", 1, 5);
  expect_error(&t, NULL, "no performance question", "importance only");
  memset(&t, 0, sizeof t);
  add_col(&t, "ipa", "A", "performance", 1, 5);
  expect_error(&t, NULL, "no question is tagged overall", "nothing to use");
  expect_error(&t, (const char *const[]){"importance", "derived", NULL},
               "tag one overall = \"yes\"", "derived without overall");
  add_col(&t, "ipa", "A", "wish", 1, 5);
  expect_error(&t, NULL, "role = \"wish\"", "unknown role");
  memset(&t, 0, sizeof t);
  add_col(&t, "overall", "yes", NULL, 1, 5);
  add_col(&t, "overall", "yes", NULL, 1, 5);
  expect_error(&t, NULL, "both tagged overall", "two overall questions");
  {
    mj_error err = {0};
    void *inst;
    mj_config *cfg =
        mock_config(NULL, (const char *const[]){"crosshair", "middle", NULL});
    ok(ops->create(mock_host(), NULL, cfg, &inst, &err) == MJ_EINVAL &&
           strstr(err.msg, "\"data\", \"median\" or \"scale\""),
       "unknown crosshair refused");
    mock_config_free(cfg);
  }
  return tap_done();
}
