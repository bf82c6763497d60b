/*
** The kano scorer through a mock host: kano_example.csv and the stp25kano
** README table of doc/methods.md#kano, the tie rules and edge cases.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_host.h"
#include "stats.h"
#include "tap.h"

const mj_plugin_desc *mj_plugin_kano_entry(void);

#define MAXC 16
#define MAXR 400

/* A table: question pairs (F, D) per feature, answers per row. */
typedef struct table {
  mj_column cols[MAXC];
  mj_meta tags[MAXC][2];
  char name[MAXC][32];
  double v[MAXR * MAXC];
  unsigned char st[MAXR * MAXC];
  size_t nc, nr;
} table;

static size_t add_col(table *t, const char *feature, const char *side)
{
  size_t c = t->nc++;
  snprintf(t->name[c], sizeof t->name[c], "%s", feature);
  t->tags[c][0] = (mj_meta){"kano", t->name[c]};
  t->tags[c][1] = (mj_meta){"side", side};
  t->cols[c] = (mj_column){.question = t->name[c],
                           .qtype = "scale5",
                           .scale_min = 1,
                           .scale_max = 5,
                           .target = NAN,
                           .weight = NAN,
                           .tags = t->tags[c],
                           .n_tags = 2};
  return c;
}

/* Cells are stored with stride MAXC and repacked by run(). */
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

/* kano_example.csv: resp,F_chat,D_chat,F_callback,D_callback. */
static void load_example(table *t)
{
  const char *dir = getenv("VECTORS");
  if (!dir)
    bail("VECTORS is not set: point it at tests/vectors");
  char path[1024];
  snprintf(path, sizeof path, "%s/kano_example.csv", dir);
  char *text = tap_slurp(path, NULL);
  if (!text)
    bail("cannot read %s", path);
  memset(t, 0, sizeof *t);
  add_col(t, "chat", "functional");
  add_col(t, "chat", "dysfunctional");
  add_col(t, "callback", "functional");
  add_col(t, "callback", "dysfunctional");
  size_t r = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
    int id, a[4];
    if (line[0] == '#' ||
        sscanf(line, "%d,%d,%d,%d,%d", &id, &a[0], &a[1], &a[2], &a[3]) != 5)
      continue;
    for (size_t c = 0; c < 4; c++)
      set(t, r, c, a[c]);
    r++;
  }
  free(text);
  if (r != 10)
    bail("expected 10 respondents, read %zu", r);
}

/* One answer pair per category A O M I R Q (evaluation table). */
static const int pair_of[6][2] = {{1, 3}, {1, 5}, {2, 5},
                                  {3, 3}, {5, 1}, {1, 1}};

/* The stp25kano README table: counts M, O, A, I, R, Q per feature. */
static const int stp[5][6] = {
    {95, 123, 45, 33, 0, 0}, {101, 54, 54, 81, 3, 3}, {15, 24, 121, 124, 6, 6},
    {65, 87, 93, 51, 0, 0},  {9, 18, 83, 177, 6, 3},
};
static const char *const stp_name[5] = {"app", "service", "hotline", "loan",
                                        "return"};

static void load_stp(table *t)
{
  memset(t, 0, sizeof *t);
  /* Column order M O A I R Q in the table, A O M I R Q for pair_of. */
  static const int cat_of[6] = {2, 1, 0, 3, 4, 5};
  for (size_t k = 0; k < 5; k++) {
    size_t f = add_col(t, stp_name[k], "functional");
    size_t d = add_col(t, stp_name[k], "dysfunctional");
    size_t r = 0;
    for (int j = 0; j < 6; j++)
      for (int i = 0; i < stp[k][j]; i++, r++) {
        set(t, r, f, pair_of[cat_of[j]][0]);
        set(t, r, d, pair_of[cat_of[j]][1]);
      }
  }
}

static void expect_error(const table *t, const char *needle, const char *what)
{
  mock_figs x;
  mj_error err = {0};
  int rc = score(t, NULL, &x, &err);
  ok(rc == MJ_EINVAL && strstr(err.msg, needle), "%s (%s)", what, err.msg);
}

int main(void)
{
  plan(66 + 26);
  const mj_plugin_desc *d = mj_plugin_kano_entry();
  ops = mock_ops(d, MJ_KIND_SCORER);
  is_string("kano", d->name, "plugin name");
  ok(!ops->score && ops->score_matrix, "a matrix scorer only");

  static table t;
  static mock_figs x;
  const mj_figure *f;

  /* [SELF] kano_example.csv. */
  load_example(&t);
  run(&t, NULL, &x);
  is_int(2 * 15, (long long)x.n, "15 figures per feature");
  is_double(40, mock_fig(&x, "share_A", "feature:chat")->value, 1e-12,
            "chat A 4 of 10");
  is_double(10, mock_fig(&x, "share_O", "feature:chat")->value, 1e-12, "chat O 1");
  is_double(0, mock_fig(&x, "share_M", "feature:chat")->value, 1e-12, "chat M 0");
  is_double(30, mock_fig(&x, "share_I", "feature:chat")->value, 1e-12, "chat I 3");
  is_double(10, mock_fig(&x, "share_R", "feature:chat")->value, 1e-12, "chat R 1");
  is_double(10, mock_fig(&x, "share_Q", "feature:chat")->value, 1e-12, "chat Q 1");
  f = mock_fig(&x, "category", "feature:chat");
  is_string("A", f->label, "chat is A");
  is_double(40, f->value, 1e-12, "category value is its share");
  f = mock_fig(&x, "better", "feature:chat");
  is_double(0.625, f->value, 1e-12, "chat Better 5/8");
  is_int(8, (long long)f->n, "Better over A + O + M + I");
  is_double(-0.125, mock_fig(&x, "worse", "feature:chat")->value, 1e-12,
            "chat Worse -1/8");
  is_double(50, mock_fig(&x, "share_O", "feature:callback")->value, 1e-12,
            "callback O 5");
  is_double(40, mock_fig(&x, "share_M", "feature:callback")->value, 1e-12,
            "callback M 4");
  is_double(0.6, mock_fig(&x, "better", "feature:callback")->value, 1e-12,
            "callback Better 0.6");
  is_double(-0.9, mock_fig(&x, "worse", "feature:callback")->value, 1e-12,
            "callback Worse -0.9");
  is_string("M", mock_fig(&x, "category", "feature:callback")->label,
            "callback: O 5 vs M 4 not significant (Fong): M > O gives M");
  f = mock_fig(&x, "fong", "feature:callback");
  ok(f->value == 1 && !strcmp(f->label, "not significant") &&
         fabs(mock_fig(&x, "fong_critical", "feature:callback")->value -
              3.671) < 5e-4,
     "callback: Fong 1 < 3.671, not significant");
  run(&t, (const char *const[]){"tie", "mode", NULL}, &x);
  is_string("O", mock_fig(&x, "category", "feature:callback")->label,
            "tie = mode: the plain mode O");
  {
    mj_stats_ci w = mj_stats_wilson(4, 10, MJ_STATS_Z95);
    f = mock_fig(&x, "share_A", "feature:chat");
    ok(fabs(f->ci_low - 100 * w.low) < 1e-9 &&
           fabs(f->ci_high - 100 * w.high) < 1e-9,
       "share A carries the Wilson interval of 4 of 10");
  }

  /* [PUB] stp25kano README table. */
  load_stp(&t);
  run(&t, NULL, &x);
  static const char *const want_fong[5] = {"O", "M", "A", "O", "I"};
  static const double cs_plus[5] = {0.568, 0.372, 0.511, 0.608, 0.352};
  static const double cs_minus[5] = {-0.736, -0.534, -0.137, -0.514, -0.094};
  static const double total[5] = {89, 71, 54, 83, 37};
  static const double cat[5] = {9, 7, 1, 2, 32};
  for (int k = 0; k < 5; k++) {
    char s[64];
    snprintf(s, sizeof s, "feature:%s", stp_name[k]);
    is_string(want_fong[k], mock_fig(&x, "category", s)->label,
              "%s: M>O>A>I column %s", stp_name[k], want_fong[k]);
    is_double(cs_plus[k], mock_fig(&x, "better", s)->value, 5e-4, "%s CS+",
              stp_name[k]);
    is_double(cs_minus[k], mock_fig(&x, "worse", s)->value, 5e-4, "%s CS-",
              stp_name[k]);
    is_double(total[k], mock_fig(&x, "total_strength", s)->value, 0.5,
              "%s total strength", stp_name[k]);
    is_double(cat[k], mock_fig(&x, "category_strength", s)->value, 0.5,
              "%s category strength", stp_name[k]);
  }
  is_double(0.5675676, mock_fig(&x, "better", "feature:app")->value, 5e-8,
            "Service app Better 0.5675676");
  is_double(-0.7364865, mock_fig(&x, "worse", "feature:app")->value, 5e-8,
            "Service app Worse -0.7364865");
  is_double(108.0 / 290, mock_fig(&x, "better", "feature:service")->value, 1e-12,
            "Excellent service Better 108/290 (R and Q left out)");
  {
    /* [PUB] stp25kano χ² (M O A I against an even split) and Fong columns;
    ** full precision from scipy.stats.chisquare and the formula. */
    static const double gap[5] = {28, 20, 3, 6, 94};
    static const int sig[5] = {1, 1, 0, 0, 1};
    static const double crit[5] = {19.36364619380655, 18.52467994033613,
                                   19.772922786142583, 18.467493354833266,
                                   19.92410430690505};
    static const double x2_pub[5] = {72.49, 21.64, 150.06, 15.41, 251.30};
    static const double x2[5] = {72.48648648648648, 21.641379310344828,
                                 150.05633802816902, 15.405405405405403,
                                 251.29965156794424};
    static const double x2p[5] = {1.2522761158739372e-15, 7.745486534775456e-05,
                                  2.562201388923152e-32, 0.0015010196475796608,
                                  3.425531845509728e-54};
    for (int k = 0; k < 5; k++) {
      char s[64];
      snprintf(s, sizeof s, "feature:%s", stp_name[k]);
      const mj_figure *fg = mock_fig(&x, "fong", s);
      ok(fg && fg->value == gap[k] &&
             !strcmp(fg->label, sig[k] ? "significant" : "not significant"),
         "%s: Fong gap %g, %s", stp_name[k], gap[k],
         sig[k] ? "significant" : "not significant");
      is_rel(crit[k], mock_fig(&x, "fong_critical", s)->value, 1e-12,
             "%s: Fong critical value %.1f", stp_name[k], crit[k]);
      is_double(x2_pub[k], mock_fig(&x, "chi2_uniform", s)->value, 5e-3,
                "%s: chi2 %.2f (stp25kano)", stp_name[k], x2_pub[k]);
      is_rel(x2[k], mock_fig(&x, "chi2_uniform", s)->value, 1e-12,
             "%s: chi2 (scipy chisquare)", stp_name[k]);
      is_rel(x2p[k], mock_fig(&x, "chi2_p", s)->value, 1e-9,
             "%s: chi2 p, 3 df (scipy)", stp_name[k]);
    }
  }
  run(&t, (const char *const[]){"tie", "mode", NULL}, &x);
  is_string("I", mock_fig(&x, "category", "feature:hotline")->label,
            "hotline mode I");
  is_string("A", mock_fig(&x, "category", "feature:loan")->label,
            "loan machine mode A");
  run(&t, (const char *const[]){"tie", "margin", NULL}, &x);
  ok(!strcmp(mock_fig(&x, "category", "feature:hotline")->label, "A") &&
         !strcmp(mock_fig(&x, "category", "feature:loan")->label, "O") &&
         !strcmp(mock_fig(&x, "category", "feature:app")->label, "O"),
     "tie = margin (5 points) agrees with the M>O>A>I column");

  /* Edge cases. */
  memset(&t, 0, sizeof t);
  t.nr = 3;
  run(&t, NULL, &x);
  is_int(0, (long long)x.n, "no kano columns: no figures");
  add_col(&t, "f", "functional");
  add_col(&t, "f", "dysfunctional");
  for (size_t r = 0; r < 3; r++) {
    set(&t, r, 0, NAN);
    set(&t, r, 1, r == 0 ? 3 : NAN);
  }
  run(&t, NULL, &x);
  f = mock_fig(&x, "category", "feature:f");
  ok(f->n == 0 && !f->label && isnan(f->value),
     "all pairs incomplete: no category, n 0");
  ok(isnan(mock_fig(&x, "share_A", "feature:f")->value) &&
         isnan(mock_fig(&x, "better", "feature:f")->value),
     "n 0: shares and Better NAN");
  t.nr = 0;
  run(&t, NULL, &x);
  ok(x.n == 15 && isnan(mock_fig(&x, "worse", "feature:f")->value) &&
         isnan(mock_fig(&x, "fong", "feature:f")->value) &&
         isnan(mock_fig(&x, "chi2_p", "feature:f")->value),
     "no rows: figures without values (Fong and chi2 too)");
  /* Pairs (1,1) Q, (5,5) Q, (5,1) R, (4,1) R. */
  static const double qr[4][2] = {{1, 1}, {5, 5}, {5, 1}, {4, 1}};
  for (size_t r = 0; r < 4; r++) {
    set(&t, r, 0, qr[r][0]);
    set(&t, r, 1, qr[r][1]);
  }
  mock_log_clear();
  run(&t, NULL, &x);
  is_string("R", mock_fig(&x, "category", "feature:f")->label,
            "Q excluded from the mode: R wins");
  ok(isnan(mock_fig(&x, "better", "feature:f")->value),
     "only R and Q: Better undefined");
  contains(mock_log_text(), "questionable", "many Q answers are flagged");
  contains(mock_log_text(), "rather not have it", "R category is logged");
  set(&t, 4, 0, 7);
  set(&t, 4, 1, 3);
  mock_log_clear();
  run(&t, NULL, &x);
  ok(mock_fig(&x, "share_R", "feature:f")->n == 4 &&
         strstr(mock_log_text(), "not 1..5"),
     "an answer outside 1..5 drops the pair, with a warning");

  /* Errors. */
  memset(&t, 0, sizeof t);
  add_col(&t, "wifi", "functional");
  expect_error(&t, "no dysfunctional one", "missing partner");
  add_col(&t, "wifi", "functional");
  expect_error(&t, "both the functional question", "duplicate side");
  memset(&t, 0, sizeof t);
  add_col(&t, "wifi", "present");
  expect_error(&t, "side = \"present\"", "unknown side");
  memset(&t, 0, sizeof t);
  add_col(&t, "wifi", "functional");
  t.cols[0].scale_max = 7;
  expect_error(&t, "1..5", "a 7-point question is refused");
  {
    mj_error err = {0};
    void *inst;
    mj_config *cfg =
        mock_config(NULL, (const char *const[]){"tie", "coin", NULL});
    ok(ops->create(mock_host(), NULL, cfg, &inst, &err) == MJ_EINVAL &&
           strstr(err.msg, "\"fong\", \"margin\" or \"mode\""),
       "unknown tie rule refused");
    mock_config_free(cfg);
  }
  return tap_done();
}
