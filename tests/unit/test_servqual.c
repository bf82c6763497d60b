/*
** The servqual scorer through a mock host: the servqual_example.csv
** vector and the 12manage gaps of doc/methods.md#servqual-and-servperf,
** weights from importance questions and from requirements, reverse items
** and edge cases.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_host.h"
#include "stats.h"
#include "tap.h"

const mj_plugin_desc *mj_plugin_servqual_entry(void);

#define MAXC 64
#define MAXR 16

/* A table under construction: columns with up to 4 tags each. */
typedef struct table {
  mj_column cols[MAXC];
  mj_meta tags[MAXC][4];
  char text[MAXC][4][32];
  double v[MAXR * MAXC];
  unsigned char st[MAXR * MAXC];
  size_t nc, nr;
} table;

static size_t add_col(table *t, const char *q, int lo, int hi,
                      const char *const *kv)
{
  size_t c = t->nc++;
  mj_column *col = &t->cols[c];
  memset(col, 0, sizeof *col);
  snprintf(t->text[c][3], sizeof t->text[c][3], "%s", q);
  col->question = t->text[c][3];
  col->qtype = "scale7";
  col->scale_min = lo;
  col->scale_max = hi;
  col->target = col->weight = NAN;
  size_t k = 0;
  for (; kv && kv[2 * k]; k++) {
    t->tags[c][k].key = kv[2 * k];
    snprintf(t->text[c][k], sizeof t->text[c][k], "%s", kv[2 * k + 1]);
    t->tags[c][k].value = t->text[c][k];
  }
  col->tags = t->tags[c];
  col->n_tags = k;
  return c;
}

static void set(table *t, size_t r, size_t c, double v)
{
  t->v[r * MAXC + c] = v;
  t->st[r * MAXC + c] = isnan(v) ? MJ_ANSWER_NA : MJ_ANSWER_VALUE;
}

/* The row-major matrix a scorer sees (rows repacked to nc columns). */
static mj_matrix pack(const table *t, double *v, unsigned char *st)
{
  for (size_t r = 0; r < t->nr; r++)
    for (size_t c = 0; c < t->nc; c++) {
      v[r * t->nc + c] = t->v[r * MAXC + c];
      st[r * t->nc + c] = t->st[r * MAXC + c];
    }
  mj_matrix m = {t->cols, t->nc, t->nr, v, st};
  return m;
}

static const mj_scorer_ops *ops;

static int score(const table *t, mock_figs *x, mj_error *err)
{
  void *inst;
  mj_config *cfg = mock_config(NULL, NULL);
  if (ops->create(mock_host(), NULL, cfg, &inst, err) != MJ_OK)
    bail("create: %s", err->msg);
  mock_config_free(cfg);
  static double v[MAXR * MAXC];
  static unsigned char st[MAXR * MAXC];
  mj_matrix m = pack(t, v, st);
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

static const char *const dim_of[5] = {"tangibles", "reliability",
                                      "responsiveness", "assurance", "empathy"};

static const char *item_dim(int item)
{
  return dim_of[item <= 4    ? 0
                : item <= 9  ? 1
                : item <= 13 ? 2
                : item <= 17 ? 3
                             : 4];
}

/* servqual_example.csv: 22 E and P columns, then 5 importance columns,
** with a servqual id each or, as the template asks them, none. */
static void load_example(table *t, int importance_ids)
{
  const char *dir = getenv("VECTORS");
  if (!dir)
    bail("VECTORS is not set: point it at tests/vectors");
  char path[1024];
  snprintf(path, sizeof path, "%s/servqual_example.csv", dir);
  char *text = tap_slurp(path, NULL);
  if (!text)
    bail("cannot read %s", path);
  memset(t, 0, sizeof *t);
  for (int role = 0; role < 2; role++)
    for (int i = 1; i <= 22; i++) {
      char id[8], q[16];
      snprintf(id, sizeof id, "I%d", i);
      snprintf(q, sizeof q, "%s%d", role ? "P" : "E", i);
      add_col(t, q, 1, 7,
              (const char *const[]){"servqual", id, "role",
                                    role ? "perception" : "expectation",
                                    "dimension", item_dim(i), NULL});
    }
  for (int d = 0; d < 5; d++) {
    char q[16];
    snprintf(q, sizeof q, "W%d", d);
    if (importance_ids)
      add_col(t, q, 0, 100,
              (const char *const[]){"servqual", q, "role", "importance",
                                    "dimension", dim_of[d], NULL});
    else
      add_col(t, q, 0, 100,
              (const char *const[]){"role", "importance", "dimension",
                                    dim_of[d], NULL});
  }
  int line_row = -1;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    if (line[0] == '#' || strncmp(line, "resp,", 5) == 0)
      continue;
    line_row++;
    size_t r = (size_t)line_row / 2;
    int is_p = line_row % 2;
    t->nr = r + 1;
    /* resp,type,I1..I22,W_T..W_E; an empty cell is N/A. */
    char *p = line;
    for (int field = 0; field < 29; field++) {
      char *end = strchr(p, ',');
      if (end)
        *end = '\0';
      if (field >= 2 && field < 24)
        set(t, r, (size_t)(is_p * 22 + field - 2), *p ? atof(p) : NAN);
      else if (field >= 24 && is_p)
        set(t, r, (size_t)(44 + field - 24), atof(p));
      p = end ? end + 1 : p + strlen(p);
    }
  }
  free(text);
  if (t->nr != 3)
    bail("expected 3 respondents, read %zu", t->nr);
}

/* One respondent, one item per dimension with the given gaps (E = 7). */
static void twelve_manage(table *t, int with_points)
{
  static const double gaps[5] = {-0.65, -1.10, -0.83, -0.70, -1.01};
  static const double points[5] = {10, 30, 25, 20, 15};
  memset(t, 0, sizeof *t);
  t->nr = 1;
  for (int d = 0; d < 5; d++) {
    char id[8];
    snprintf(id, sizeof id, "D%d", d);
    size_t e = add_col(
        t, "e", 1, 7,
        (const char *const[]){"servqual", id, "role", "expectation", NULL});
    size_t p = add_col(
        t, "p", 1, 7,
        (const char *const[]){"servqual", id, "role", "perception", NULL});
    t->cols[e].dimension = t->cols[p].dimension = dim_of[d];
    if (!with_points)
      t->cols[p].weight = points[d] / 100;
    set(t, 0, e, 7);
    set(t, 0, p, 7 + gaps[d]);
    if (with_points) {
      size_t w =
          add_col(t, "w", 0, 100,
                  (const char *const[]){"servqual", "w", "role", "importance",
                                        "dimension", dim_of[d], NULL});
      set(t, 0, w, points[d]);
    }
  }
}

static int expect_error(const table *t, const char *needle, const char *what)
{
  mock_figs x;
  mj_error err = {0};
  int rc = score(t, &x, &err);
  return ok(rc == MJ_EINVAL && strstr(err.msg, needle), "%s (%s)", what,
            err.msg);
}

int main(void)
{
  plan(54);
  const mj_plugin_desc *d = mj_plugin_servqual_entry();
  ops = mock_ops(d, MJ_KIND_SCORER);
  is_string("servqual", d->name, "plugin name");
  ok(!ops->score && ops->score_matrix && !ops->qtypes, "a matrix scorer only");

  static table t;
  static mock_figs x;
  const mj_figure *f;

  /* [SELF] servqual_example.csv (doc/methods.md#servqual-and-servperf). */
  load_example(&t, 1);
  run(&t, &x);
  is_double(-0.083333, mock_fig(&x, "gap", "dimension:tangibles")->value, 5e-7,
            "tangibles -0.083333");
  is_double(-1.20, mock_fig(&x, "gap", "dimension:reliability")->value, 1e-12,
            "reliability -1.20");
  is_double(-1.25, mock_fig(&x, "gap", "dimension:responsiveness")->value, 1e-12,
            "responsiveness -1.25");
  is_double(-0.416667, mock_fig(&x, "gap", "dimension:assurance")->value, 5e-7,
            "assurance -0.416667");
  f = mock_fig(&x, "gap", "dimension:empathy");
  is_double(-0.583333, f->value, 5e-7, "empathy -0.583333 (R1 on 4 items)");
  is_int(3, (long long)f->n, "empathy over 3 respondents");
  f = mock_fig(&x, "gap", NULL);
  is_double(-0.706667, f->value, 5e-7, "overall unweighted -0.706667");
  is_int(3, (long long)f->n, "overall n 3");
  {
    /* Respondents' unweighted scores -0.84, -0.58, -0.70. */
    mj_stats_acc a = MJ_STATS_ACC_INIT;
    mj_stats_acc_add(&a, -0.84);
    mj_stats_acc_add(&a, -0.58);
    mj_stats_acc_add(&a, -0.70);
    mj_stats_ci ci = mj_stats_mean_ci(&a, 0.975);
    is_double(ci.low, f->ci_low, 1e-9, "overall CI from respondents, low");
    is_double(ci.high, f->ci_high, 1e-9, "overall CI high");
    is_double(mj_stats_acc_sd(&a), f->sd, 1e-9, "overall sd");
  }
  is_double(-0.918333, mock_fig(&x, "gap_weighted", NULL)->value, 5e-7,
            "weighted (per-respondent weights) -0.918333");
  is_double(5.276667, mock_fig(&x, "servperf", NULL)->value, 5e-7,
            "SERVPERF 5.276667");
  is_double(5.268333, mock_fig(&x, "servperf_weighted", NULL)->value, 5e-7,
            "weighted SERVPERF 5.268333");
  {
    double sum = 0;
    for (int k = 0; k < 5; k++) {
      char s[64];
      snprintf(s, sizeof s, "dimension:%s", dim_of[k]);
      sum += mock_fig(&x, "gap_weighted", s)->value;
    }
    is_double(-0.918333, sum, 5e-7, "dimension shares add up to weighted");
  }
  ok(fabs(mock_fig(&x, "gap", NULL)->value - -0.723077) > 0.01,
     "not the plain mean of the 65 item gaps (-0.723077)");
  f = mock_fig(&x, "gap", "item:I1");
  is_double(0, f->value, 1e-12, "item I1 gaps -1, 0, +1: mean 0");
  is_double(1, f->sd, 1e-12, "item I1 sd 1");
  is_double(-mj_stats_t_quantile(0.975, 2) / sqrt(3), f->ci_low, 1e-9,
            "item I1 paired t interval");
  f = mock_fig(&x, "gap", "item:I21");
  is_double(-0.5, f->value, 1e-12, "item I21: R1's N/A left out");
  is_int(2, (long long)f->n, "item I21 on 2 pairs");
  is_int(22 + 5 * 3 + 4, (long long)x.n, "22 items, 5 x 3, 4 overall");
  is_double((5.25 + 5 + 5) / 3,
            mock_fig(&x, "servperf", "dimension:tangibles")->value, 1e-12,
            "tangibles SERVPERF: mean of 5.25, 5, 5");

  /* The template's importance questions carry role and dimension but no
  ** servqual id: they weight the same (-0.918333,
  ** doc/methods.md#servqual-and-servperf). */
  load_example(&t, 0);
  /* An IPA attribute's stated importance in the same questionnaire is
  ** not a SERVQUAL weight, even in a dimension the items use. */
  size_t ipa = add_col(&t, "ipa_imp", 1, 7,
                       (const char *const[]){"ipa", "x", "role", "importance",
                                             "dimension", "tangibles", NULL});
  for (size_t r = 0; r < t.nr; r++)
    set(&t, r, ipa, 7);
  run(&t, &x);
  f = mock_fig(&x, "gap_weighted", NULL);
  is_double(-0.918333, f ? f->value : NAN, 5e-7,
            "importance without servqual id (and an IPA importance beside "
            "it): weighted -0.918333");
  is_int(3, f ? (long long)f->n : 0, "weighted gap over the 3 respondents");
  f = mock_fig(&x, "servperf_weighted", NULL);
  is_double(5.268333, f ? f->value : NAN, 5e-7,
            "and weighted SERVPERF 5.268333");

  /* [PUB] 12manage: T -0.65, Rel -1.10, Resp -0.83, A -0.70, E -1.01. */
  twelve_manage(&t, 1);
  run(&t, &x);
  is_double(-0.858, mock_fig(&x, "gap", NULL)->value, 1e-12,
            "12manage unweighted -0.858 (published -0.86)");
  is_double(-0.894, mock_fig(&x, "gap_weighted", NULL)->value, 1e-12,
            "12manage weights 10/30/25/20/15: -0.894");
  ok(isnan(mock_fig(&x, "gap", NULL)->ci_low), "one respondent: no interval");
  twelve_manage(&t, 0);
  run(&t, &x);
  is_double(-0.894, mock_fig(&x, "gap_weighted", NULL)->value, 1e-12,
            "requirement weights when no importance question: -0.894");
  is_double(-0.1 * 0.65, mock_fig(&x, "gap_weighted", "dimension:tangibles")->value,
            1e-12, "tangibles share of the weighted score");

  /* Weights that do not sum to 100 are rescaled: 1,3,2.5,2,1.5 = same. */
  twelve_manage(&t, 1);
  for (size_t c = 0; c < t.nc; c++)
    if (t.cols[c].n_tags == 3)
      set(&t, 0, c, t.v[c] / 10);
  run(&t, &x);
  is_double(-0.894, mock_fig(&x, "gap_weighted", NULL)->value, 1e-12,
            "points out of 10 rescaled to the same weights");
  /* A respondent without a dimension: renormalised over the others. */
  set(&t, 0, 1, NAN); /* tangibles perception N/A */
  run(&t, &x);
  is_double((-1.10 * 3 - 0.83 * 2.5 - 0.70 * 2 - 1.01 * 1.5) / 9,
            mock_fig(&x, "gap_weighted", NULL)->value, 1e-12,
            "missing dimension: weights renormalised over the rest");
  f = mock_fig(&x, "gap", "dimension:tangibles");
  ok(isnan(f->value) && f->n == 0, "tangibles has no respondent: NAN, n 0");
  is_double((-1.10 - 0.83 - 0.70 - 1.01) / 4, mock_fig(&x, "gap", NULL)->value,
            1e-12, "overall over the dimensions with data");

  /* Reverse-scored item (1988 negative wording): x' = 8 - x. */
  memset(&t, 0, sizeof t);
  t.nr = 1;
  add_col(&t, "e", 1, 7,
          (const char *const[]){"servqual", "R", "role", "expectation",
                                "dimension", "empathy", "reverse", "yes",
                                NULL});
  add_col(&t, "p", 1, 7,
          (const char *const[]){"servqual", "R", "role", "perception",
                                "dimension", "empathy", "reverse", "yes",
                                NULL});
  set(&t, 0, 0, 2); /* E' = 6 */
  set(&t, 0, 1, 3); /* P' = 5 */
  mock_log_clear();
  run(&t, &x);
  is_double(-1, mock_fig(&x, "gap", "item:R")->value, 1e-12,
            "reversed item: (8-3) - (8-2) = -1");
  is_double(5, mock_fig(&x, "servperf", NULL)->value, 1e-12,
            "SERVPERF on the reversed perception");
  ok(!mock_fig_find(&x, "gap_weighted", NULL) &&
         !mock_fig_find(&x, "servperf_weighted", NULL) &&
         strstr(mock_log_text(), "no weighted gaps"),
     "no weights at all: no weighted figures, and a warning says why");
  /* Out of scale: left out with a warning. */
  set(&t, 0, 1, 9);
  mock_log_clear();
  run(&t, &x);
  ok(isnan(mock_fig(&x, "gap", "item:R")->value) &&
         strstr(mock_log_text(), "outside their scale"),
     "an answer outside 1..7 is left out and logged");

  /* No servqual columns: no figures. */
  memset(&t, 0, sizeof t);
  t.nr = 2;
  add_col(&t, "q1", 1, 5, (const char *const[]){"role", "perception", NULL});
  set(&t, 0, 0, 3);
  set(&t, 1, 0, 4);
  run(&t, &x);
  is_int(0, (long long)x.n, "no tagged columns: no figures");
  memset(&t, 0, sizeof t);
  run(&t, &x);
  is_int(0, (long long)x.n, "empty matrix: no figures");

  /* All N/A, and n = 0 rows: figures without values. */
  twelve_manage(&t, 1);
  for (size_t c = 0; c < t.nc; c++)
    set(&t, 0, c, NAN);
  run(&t, &x);
  f = mock_fig(&x, "gap", NULL);
  ok(isnan(f->value) && f->n == 0, "all N/A: overall gap NAN, n 0");
  ok(isnan(mock_fig(&x, "gap", "item:D0")->value), "all N/A: item gap NAN");
  t.nr = 0;
  run(&t, &x);
  is_int(5 + 5 * 3 + 4, (long long)x.n, "no rows: every figure, empty");
  ok(isnan(mock_fig(&x, "servperf", NULL)->value), "no rows: SERVPERF NAN");

  /* Perception without expectation: SERVPERF only, with a warning. */
  memset(&t, 0, sizeof t);
  t.nr = 1;
  add_col(&t, "p", 1, 7,
          (const char *const[]){"servqual", "X", "role", "perception",
                                "dimension", "assurance", NULL});
  set(&t, 0, 0, 6);
  mock_log_clear();
  run(&t, &x);
  ok(!mock_fig_find(&x, "gap", "item:X") && mock_fig(&x, "servperf", NULL)->value == 6,
     "perception only: no item gap, SERVPERF 6");
  contains(mock_log_text(), "no expectation question", "warned");

  /* Errors a person can act on. */
  memset(&t, 0, sizeof t);
  add_col(&t, "a", 1, 7,
          (const char *const[]){"servqual", "T1", "role", "perception", NULL});
  add_col(&t, "b", 1, 7,
          (const char *const[]){"servqual", "T1", "role", "perception", NULL});
  expect_error(&t, "both the perception of item T1", "duplicate role");
  memset(&t, 0, sizeof t);
  add_col(&t, "a", 1, 7,
          (const char *const[]){"servqual", "T1", "role", "wish", NULL});
  expect_error(&t, "role = \"wish\"", "unknown role");
  memset(&t, 0, sizeof t);
  add_col(&t, "a", 1, 7,
          (const char *const[]){"servqual", "W", "role", "importance", NULL});
  expect_error(&t, "importance question a has no dimension",
               "importance without dimension");
  memset(&t, 0, sizeof t);
  add_col(&t, "a", 1, 7,
          (const char *const[]){"servqual", "T1", "role", "perception",
                                "dimension", "empathy", NULL});
  add_col(&t, "b", 1, 7,
          (const char *const[]){"servqual", "T1", "role", "expectation",
                                "dimension", "tangibles", NULL});
  expect_error(&t, "make them agree", "conflicting dimensions");

  /* The option level. */
  {
    mj_error err = {0};
    void *inst;
    mj_config *cfg =
        mock_config(NULL, (const char *const[]){"level", "1.5", NULL});
    ok(ops->create(mock_host(), NULL, cfg, &inst, &err) == MJ_EINVAL &&
           strstr(err.msg, "level"),
       "level 1.5 refused");
    mock_config_free(cfg);
  }
  return tap_done();
}
