/*
** The reliability scorer through a mock host: pingouin's Cronbach alpha
** datasets (doc/methods.md#reliability), item statistics, grouping by
** dimension and the edge cases that give NaN rather than an error.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_host.h"
#include "stats.h"
#include "tap.h"

const mj_plugin_desc *mj_plugin_reliability_entry(void);

#define MAXF 64
#define MAXC 16
#define MAXR 32

typedef struct figs {
  mj_figure f[MAXF];
  char subj[MAXF][48];
  size_t n;
} figs;

static int collect(void *ud, const mj_figure *f, mj_error *err)
{
  (void)err;
  figs *x = ud;
  if (x->n == MAXF)
    bail("too many figures");
  x->f[x->n] = *f;
  /* The subject is borrowed for the call: keep a copy. */
  snprintf(x->subj[x->n], sizeof x->subj[0], "%s",
           f->subject ? f->subject : "(null)");
  x->f[x->n].subject = x->subj[x->n];
  x->n++;
  return MJ_OK;
}

static const mj_figure *fig(const figs *x, const char *metric,
                            const char *subject)
{
  for (size_t i = 0; i < x->n; i++)
    if (strcmp(x->f[i].metric, metric) == 0 &&
        strcmp(x->f[i].subject, subject) == 0)
      return &x->f[i];
  bail("no figure %s for %s", metric, subject);
}

static size_t count(const figs *x, const char *metric)
{
  size_t k = 0;
  for (size_t i = 0; i < x->n; i++)
    k += strcmp(x->f[i].metric, metric) == 0;
  return k;
}

/* A table read from $VECTORS/name: header names, then numbers (an empty
** cell is NaN); the first skip columns are dropped. */
typedef struct table {
  char names[MAXC][8];
  double v[MAXR * MAXC];
  size_t rows, cols;
} table;

static void read_table(const char *name, size_t skip, table *t)
{
  const char *dir = getenv("VECTORS");
  if (!dir)
    bail("VECTORS is not set: point it at tests/vectors");
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *text = tap_slurp(path, NULL);
  if (!text)
    bail("cannot read %s", path);
  memset(t, 0, sizeof *t);
  char *line = text;
  for (size_t r = 0; line && *line; r++) {
    char *next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    size_t c = 0;
    for (char *cell = line;; c++) {
      char *end = strchr(cell, ',');
      if (end)
        *end = '\0';
      if (c >= skip && c - skip < MAXC) {
        if (r == 0)
          snprintf(t->names[c - skip], sizeof t->names[0], "%s", cell);
        else if (r - 1 < MAXR)
          t->v[(r - 1) * MAXC + (c - skip)] = *cell ? strtod(cell, NULL) : NAN;
      }
      if (!end)
        break;
      cell = end + 1;
    }
    if (r == 0)
      t->cols = c + 1 - skip;
    else
      t->rows = r;
    line = next;
  }
  free(text);
}

static const mj_scorer_ops *ops;
/* 0: score_matrix on the whole table; else stream ops, this many rows a
** chunk. */
static size_t chunk_rows;

/* Tags of each column of the next run (none unless set). */
static const mj_meta *col_tags[MAXC];
static size_t col_ntags[MAXC];

/* Score a table with the given column types and dimensions. */
static int run(const char *const *kv, const table *t, const char *const *qtype,
               const char *const *dim, figs *out, mj_error *err)
{
  mj_column cols[MAXC];
  for (size_t c = 0; c < t->cols; c++)
    cols[c] = (mj_column){.question = t->names[c],
                          .qtype = qtype ? qtype[c] : "scale7",
                          .scale_min = 1,
                          .scale_max = 7,
                          .dimension = dim ? dim[c] : NULL,
                          .target = NAN,
                          .weight = NAN,
                          .tags = col_tags[c],
                          .n_tags = col_ntags[c]};
  double v[MAXR * MAXC];
  unsigned char st[MAXR * MAXC];
  for (size_t r = 0; r < t->rows; r++)
    for (size_t c = 0; c < t->cols; c++) {
      v[r * t->cols + c] = t->v[r * MAXC + c];
      st[r * t->cols + c] =
          isnan(v[r * t->cols + c]) ? MJ_ANSWER_NA : MJ_ANSWER_VALUE;
    }
  mj_matrix m = {cols, t->cols, t->rows, v, st};
  mj_config *cfg = mock_config(NULL, kv);
  void *inst = NULL;
  int rc = ops->create(mock_host(), NULL, cfg, &inst, err);
  mock_config_free(cfg);
  if (rc != MJ_OK)
    return rc;
  mj_figure_sink sink = {out, collect};
  out->n = 0;
  if (!chunk_rows) {
    rc = ops->score_matrix(inst, &m, &sink, err);
  } else {
    void *state = NULL;
    rc = ops->stream_open(inst, cols, t->cols, &state, err);
    for (size_t r = 0; rc == MJ_OK && r < t->rows; r += chunk_rows) {
      size_t n = t->rows - r < chunk_rows ? t->rows - r : chunk_rows;
      mj_matrix part = {cols, t->cols, n, v + r * t->cols, st + r * t->cols};
      rc = ops->stream_rows(inst, state, &part, err);
    }
    if (state) {
      int closed = ops->stream_close(inst, state, rc == MJ_OK ? &sink : NULL,
                                     err);
      rc = rc == MJ_OK ? closed : rc;
    }
  }
  ops->destroy(inst);
  return rc;
}

int main(void)
{
  plan(53);
  const mj_plugin_desc *d = mj_plugin_reliability_entry();
  ops = mock_ops(d, MJ_KIND_SCORER);
  is_string("reliability", d->name, "plugin name");
  ok(ops->score == NULL && ops->score_matrix != NULL, "a matrix scorer");
  ok(ops->stream_open && ops->stream_rows && ops->stream_close,
     "that also streams");
  is_string("scale*", ops->qtypes[0], "scale questions");

  static figs x;
  static table t;
  mj_error err = {0};
  const mj_figure *f;

  /* [PUB] pingouin cronbach_alpha on its 15 x 10 wide dataset. */
  read_table("cronbach_alpha_pingouin_wide.csv", 1, &t);
  if (t.rows != 15 || t.cols != 10)
    bail("pingouin wide: %zu x %zu, want 15 x 10", t.rows, t.cols);
  mock_log_clear();
  is_int(MJ_OK, run(NULL, &t, NULL, NULL, &x, &err), "scores pingouin wide");
  is_int(21, (long long)x.n, "1 alpha + 10 x 2 item figures");
  f = fig(&x, "alpha", "dimension:all");
  is_rel(0.5917188485995826, f->value, 1e-12, "alpha 0.5917188 (pingouin)");
  is_int(15, (long long)f->n, "alpha n 15");
  is_double(0.195, f->ci_low, 5e-4, "Feldt low 0.195 (pingouin)");
  is_double(0.840, f->ci_high, 5e-4, "Feldt high 0.840 (pingouin)");
  /* [SELF] The item table of doc/methods.md#reliability (r.drop, alpha
  ** if deleted, 4 dp). */
  static const double rdrop[] = {0.5748,  0.5678, 0.5214, 0.4176, -0.1076,
                                 -0.1572, 0.2610, 0.0922, 0.4434, 0.4337};
  static const double adel[] = {0.4687, 0.5073, 0.5183, 0.5318, 0.6685,
                                0.6711, 0.5685, 0.6101, 0.5194, 0.5226};
  int good_r = 1, good_a = 1, good_n = 1;
  for (int i = 0; i < 10; i++) {
    char s[32];
    snprintf(s, sizeof s, "question:Q%d", i + 1);
    f = fig(&x, "item_total", s);
    good_r &= fabs(f->value - rdrop[i]) <= 5e-5;
    good_n &= f->n == 15 && isnan(f->ci_low);
    f = fig(&x, "alpha_if_deleted", s);
    good_a &= fabs(f->value - adel[i]) <= 5e-5;
    good_n &= f->n == 15;
  }
  ok(good_r, "item_total = r.drop of all 10 items (4 dp)");
  ok(good_a, "alpha_if_deleted of all 10 items (4 dp)");
  ok(good_n, "item figures carry n 15 and no interval");
  contains(mock_log_text(), "question Q5 correlates negatively",
           "negative r.drop of Q5 is flagged");
  contains(mock_log_text(), "question Q6 correlates negatively",
           "negative r.drop of Q6 is flagged");

  /* The same rows streamed 4 at a time: the same figures, bit for bit
  ** (one accumulator, rows in the same order). */
  static figs y;
  chunk_rows = 4;
  is_int(MJ_OK, run(NULL, &t, NULL, NULL, &y, &err),
         "streams pingouin wide in chunks of 4 rows");
  chunk_rows = 0;
  int same = y.n == x.n;
  for (size_t i = 0; same && i < x.n; i++)
    same = strcmp(x.f[i].metric, y.f[i].metric) == 0 &&
           strcmp(x.f[i].subject, y.f[i].subject) == 0 &&
           x.f[i].n == y.f[i].n &&
           (x.f[i].value == y.f[i].value ||
            (isnan(x.f[i].value) && isnan(y.f[i].value)));
  ok(same, "streamed: the same %zu figures as the whole table", x.n);
  is_rel(0.5917188485995826, fig(&y, "alpha", "dimension:all")->value, 1e-12,
         "streamed: alpha 0.5917188 (pingouin)");
  {
    /* Closed after an error (out NULL): freed, nothing emitted. */
    void *inst = NULL, *state = NULL;
    mj_config *cfg = mock_config(NULL, NULL);
    ops->create(mock_host(), NULL, cfg, &inst, &err);
    mock_config_free(cfg);
    mj_column c2[2] = {{.question = "a", .qtype = "scale5"},
                       {.question = "b", .qtype = "scale5"}};
    int rc = ops->stream_open(inst, c2, 2, &state, &err);
    ok(rc == MJ_OK && state != NULL &&
           ops->stream_close(inst, state, NULL, &err) == MJ_OK,
       "a stream closed without a sink frees its state");
    ops->destroy(inst);
  }

  /* Option level changes the Feldt interval only. */
  is_int(MJ_OK,
         run((const char *const[]){"level", "0.9", NULL}, &t, NULL, NULL, &x,
             &err),
         "level 0.9");
  f = fig(&x, "alpha", "dimension:all");
  {
    mj_stats_ci c = mj_stats_feldt(f->value, 15, 10, 0.9);
    ok(f->ci_low == c.low && f->ci_high == c.high && f->ci_low > 0.195,
       "level 0.9: a narrower Feldt interval");
  }
  is_int(
      MJ_EINVAL,
      run((const char *const[]){"level", "95", NULL}, &t, NULL, NULL, &x, &err),
      "level 95 is refused");
  contains(err.msg, "between 0 and 1", "the message says what to give");

  /* Dimensions: Q1-Q4 "a", Q5-Q8 "b", Q9 an NPS question, Q10 none. */
  static const char *const dims[] = {"a", "a", "a", "a", "b",
                                     "b", "b", "b", "c", NULL};
  static const char *const types[] = {"scale7", "scale7", "scale7", "scale7",
                                      "scale5", "scale5", "scale5", "scale5",
                                      "nps",    "scale7"};
  is_int(MJ_OK, run(NULL, &t, types, dims, &x, &err), "scores by dimension");
  is_int(3, (long long)count(&x, "alpha"), "three groups: a, b, all");
  is_int(9, (long long)count(&x, "item_total"), "the NPS column is left out");
  {
    double want = mj_stats_cronbach(
        t.v, t.rows, MAXC, (const size_t[]){0, 1, 2, 3}, 4, NULL, NULL, NULL);
    is_rel(want, fig(&x, "alpha", "dimension:a")->value, 1e-14,
           "alpha of dimension a = alpha of Q1-Q4");
    want = mj_stats_cronbach(t.v, t.rows, MAXC, (const size_t[]){4, 5, 6, 7}, 4,
                             NULL, NULL, NULL);
    is_rel(want, fig(&x, "alpha", "dimension:b")->value, 1e-14,
           "alpha of dimension b = alpha of Q5-Q8");
  }
  f = fig(&x, "alpha", "dimension:all");
  ok(isnan(f->value) && isnan(f->ci_low) && f->n == 15,
     "one item in group all: NaN alpha, not an error");
  ok(isnan(fig(&x, "item_total", "question:Q10")->value) &&
         isnan(fig(&x, "alpha_if_deleted", "question:Q10")->value),
     "one item: NaN item statistics");
  ok(strcmp(x.f[0].subject, "dimension:a") == 0 &&
         strcmp(x.f[9].subject, "dimension:b") == 0,
     "groups in order of first appearance, items after their alpha");

  /* A Kano question and an importance question on the same 1..7 scale
  ** measure something else: not items of the scale. */
  static const mj_meta kano_tags[] = {{"kano", "chat"}, {"side", "functional"}};
  static const mj_meta imp_tags[] = {{"role", "importance"}};
  col_tags[8] = kano_tags;
  col_ntags[8] = 2;
  col_tags[9] = imp_tags;
  col_ntags[9] = 1;
  is_int(MJ_OK, run(NULL, &t, NULL, NULL, &x, &err), "scores with tags");
  is_int(8, (long long)count(&x, "item_total"),
         "the Kano and the importance columns are left out");
  is_rel(mj_stats_cronbach(t.v, t.rows, MAXC,
                           (const size_t[]){0, 1, 2, 3, 4, 5, 6, 7}, 8, NULL,
                           NULL, NULL),
         fig(&x, "alpha", "dimension:all")->value, 1e-14,
         "alpha of the 8 rating items only");
  col_ntags[8] = col_ntags[9] = 0;

  /* [PUB] pingouin/psych missing data, listwise: 9 complete rows. */
  read_table("cronbach_wide_missing_pingouin.csv", 0, &t);
  if (t.rows != 12 || t.cols != 11)
    bail("pingouin missing: %zu x %zu, want 12 x 11", t.rows, t.cols);
  is_int(MJ_OK, run(NULL, &t, NULL, NULL, &x, &err), "scores with missing");
  f = fig(&x, "alpha", "dimension:all");
  is_rel(0.8016949152542373, f->value, 1e-12,
         "listwise alpha 0.8016949 (psych complete.obs)");
  is_int(9, (long long)f->n, "n = 9 complete rows");
  /* Feldt on the 9 rows used (scipy f.isf). pingouin prints [0.581,
  ** 0.933] because it takes n from the table before dropping rows (12);
  ** we reproduce that too, but n should be the rows the alpha used. */
  is_rel(0.5330031999132734, f->ci_low, 1e-9, "listwise Feldt low, n 9");
  is_rel(0.9472079673390164, f->ci_high, 1e-9, "listwise Feldt high, n 9");
  {
    mj_stats_ci c = mj_stats_feldt(f->value, 12, 11, 0.95);
    ok(fabs(c.low - 0.581) <= 5e-4 && fabs(c.high - 0.933) <= 5e-4,
       "with pingouin's n 12: [0.581, 0.933] (pingouin)");
  }
  is_int(9, (long long)fig(&x, "item_total", "question:Q3")->n,
         "item figures use the same 9 rows");

  /* Edge cases: 1 row, 0 rows, zero variance of the total. */
  t.rows = 1;
  is_int(MJ_OK, run(NULL, &t, NULL, NULL, &x, &err), "one row is not an error");
  f = fig(&x, "alpha", "dimension:all");
  ok(isnan(f->value) && f->n == 1, "one row: NaN alpha, n 1");
  t.rows = 0;
  is_int(MJ_OK, run(NULL, &t, NULL, NULL, &x, &err), "no rows");
  ok(isnan(fig(&x, "alpha", "dimension:all")->value) &&
         fig(&x, "alpha", "dimension:all")->n == 0,
     "no rows: NaN alpha, n 0");
  memset(&t, 0, sizeof t);
  t.rows = 3;
  t.cols = 3;
  strcpy(t.names[0], "A");
  strcpy(t.names[1], "B");
  strcpy(t.names[2], "C");
  for (size_t r = 0; r < 3; r++)
    for (size_t c = 0; c < 3; c++)
      t.v[r * MAXC + c] = 4;
  is_int(MJ_OK, run(NULL, &t, NULL, NULL, &x, &err), "all answers equal");
  ok(isnan(fig(&x, "alpha", "dimension:all")->value),
     "zero variance: NaN alpha");
  ok(isnan(fig(&x, "item_total", "question:A")->value),
     "zero variance: NaN item_total");
  /* Zero variance in one item only: its r.drop is NaN, alpha exists. */
  t.v[0 * MAXC + 1] = 1;
  t.v[1 * MAXC + 1] = 2;
  t.v[2 * MAXC + 1] = 6;
  t.v[0 * MAXC + 2] = 2;
  t.v[1 * MAXC + 2] = 3;
  t.v[2 * MAXC + 2] = 7;
  is_int(MJ_OK, run(NULL, &t, NULL, NULL, &x, &err), "one constant item");
  ok(!isnan(fig(&x, "alpha", "dimension:all")->value) &&
         isnan(fig(&x, "item_total", "question:A")->value) &&
         !isnan(fig(&x, "item_total", "question:B")->value),
     "constant item: NaN item_total for it only");
  /* Two perfectly correlated items (B, C) and A dropped: alpha 1. */
  is_rel(1.0, fig(&x, "alpha_if_deleted", "question:A")->value, 1e-14,
         "alpha if the constant item is deleted: 1");
  /* No scale column at all: nothing emitted. */
  is_int(MJ_OK,
         run(NULL, &t, (const char *const[]){"nps", "text", "nps"}, NULL, &x,
             &err),
         "no scale column");
  is_int(0, (long long)x.n, "no scale column: no figures");
  return tap_done();
}
