/*
** Kano scorer: categories, shares, Better/Worse and strengths per feature
** from functional/dysfunctional question pairs (a matrix scorer).
**
** Questions it reads, by their tags (other columns are ignored):
**   kano = "FEATURE"                      the feature the pair is about
**   side = "functional" | "dysfunctional" which question of the pair
** Both must be on the standard 5-option scale 1..5: 1 I like it, 2 I
** expect it, 3 I am neutral, 4 I can live with it, 5 I dislike it.
**
** Method (doc/methods.md#kano; Kano et al. 1984, Berger et al. 1993):
** each row with both answers valid is one pair, classified with the
** evaluation table below (rows functional, columns dysfunctional) into A
** attractive, O one-dimensional, M must-be, I indifferent, R reverse, Q
** questionable. A pair missing either answer is unusable and dropped.
** N = usable pairs.
**   share_X   = 100·count_X/N (X in A O M I R Q), Wilson interval;
**   better    = (A + O)/(A + O + M + I)      (CS+, in [0, 1]);
**   worse     = -(O + M)/(A + O + M + I)     (CS-, in [-1, 0]);
**   total_strength    = 100·(A + O + M)/N (Lee & Newcomb 1997);
**   category_strength = share of the mode - share of the runner-up;
**   category  label = the category, value = its share in %.
**   fong          value = m1 - m2, the two largest counts of A O M I R,
**                 label "significant" when m1 - m2 >= fong_critical;
**   fong_critical 1.65·sqrt((m1 + m2)(2N - m1 - m2)/(2N)) (Fong 1996;
**                 N includes R and Q), the one-sided 5% bound;
**   chi2_uniform  χ² of the counts of M O A I against an even split
**                 (3 df; stp25kano), n = M + O + A + I, and chi2_p its
**                 p-value: is any category preferred at all?
** The category is the mode over A O M I R (Q excluded), then the tie rule
** (option tie):
**   "fong"   (default) when the two largest counts m1, m2 do not differ
**            by Fong's (1996) test, |m1 - m2| < 1.65·sqrt((m1 + m2)·
**            (2N - m1 - m2)/(2N)), the one first in M > O > A > I > R
**            (Matzler et al. 1996) wins;
**   "margin" every category within `margin` percentage points of the
**            mode ties with it, and the first in M > O > A > I > R wins
**            (stp25kano uses 5 points);
**   "mode"   the plain mode; only exact ties go by M > O > A > I > R.
** R is last in the priority: the literature ranks only M, O, A and I.
** Undefined figures (N = 0; better and worse when A + O + M + I = 0) are
** NAN. More than 10% Q answers, or R as the category, is logged: the
** questions were misread, or customers want the feature absent.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mejora/plugin.h"
#include "scorer_level.h"
#include "stats.h"

#define NONE SIZE_MAX

enum { CAT_A, CAT_O, CAT_M, CAT_I, CAT_R, CAT_Q, N_CAT };
enum { TIE_FONG, TIE_MARGIN, TIE_MODE };

static const char *const cat_name[N_CAT] = {"A", "O", "M", "I", "R", "Q"};
static const char *const share_metric[N_CAT] = {
    "share_A", "share_O", "share_M", "share_I", "share_R", "share_Q"};
/* Tie priority M > O > A > I > R: lower ranks first. */
static const int priority[N_CAT] = {2, 1, 0, 3, 4, 5};

/* The Kano evaluation table: [functional - 1][dysfunctional - 1]. */
static const unsigned char kano_table[5][5] = {
    {CAT_Q, CAT_A, CAT_A, CAT_A, CAT_O}, {CAT_R, CAT_I, CAT_I, CAT_I, CAT_M},
    {CAT_R, CAT_I, CAT_I, CAT_I, CAT_M}, {CAT_R, CAT_I, CAT_I, CAT_I, CAT_M},
    {CAT_R, CAT_R, CAT_R, CAT_R, CAT_Q},
};

typedef struct kano_inst {
  const mj_host_api *host;
  mj_ctx *ctx;
  double z;      /* normal quantile of the share intervals */
  int tie;       /* TIE_* */
  double margin; /* percentage points, for TIE_MARGIN */
} kano_inst;

typedef struct kano_feature {
  const char *name;
  size_t f, d; /* functional and dysfunctional columns */
  uint64_t count[N_CAT];
} kano_feature;

static const char *tag(const mj_column *c, const char *key)
{
  for (size_t i = 0; i < c->n_tags; i++)
    if (c->tags[i].key && strcmp(c->tags[i].key, key) == 0)
      return c->tags[i].value;
  return NULL;
}

static const mj_option kano_options[] = {
    {"level", MJ_OPT_NUMBER, "0.95", 0,
     "two-sided confidence level of the share intervals (0 < level < 1)"},
    {"tie", MJ_OPT_STRING, "fong", 0,
     "when the top categories tie: \"fong\" (Fong's test on the top two), "
     "\"margin\" (within margin points) or \"mode\" (exact ties only); "
     "ties go to M > O > A > I > R"},
    {"margin", MJ_OPT_NUMBER, "5", 0,
     "percentage points within which categories tie (tie = \"margin\")"},
    {NULL, 0, NULL, 0, NULL},
};

static int kano_create(const mj_host_api *host, mj_ctx *ctx,
                       const mj_config *cfg, void **inst, mj_error *err)
{
  double level;
  int rc = mj_scorer_level(host, cfg, kano_options, "kano", &level, err);
  if (rc != MJ_OK)
    return rc;
  const char *tie = host->cfg_str(cfg, "tie");
  double margin = host->cfg_num(cfg, "margin", 5.0);
  int t = !tie || strcmp(tie, "fong") == 0 ? TIE_FONG
          : strcmp(tie, "margin") == 0     ? TIE_MARGIN
          : strcmp(tie, "mode") == 0       ? TIE_MODE
                                           : -1;
  if (t < 0)
    return host->error(err, MJ_EINVAL,
                       "scorer kano: option tie = \"%s\" is unknown; use "
                       "\"fong\", \"margin\" or \"mode\"",
                       tie);
  if (!(margin >= 0.0 && margin <= 100.0))
    return host->error(err, MJ_EINVAL,
                       "scorer kano: option margin = %g is out of range; "
                       "give percentage points from 0 to 100, e.g. 5",
                       margin);
  kano_inst *in = host->alloc(sizeof *in);
  if (!in)
    return host->error(err, MJ_ENOMEM, "scorer kano: out of memory");
  in->host = host;
  in->ctx = ctx;
  in->z = mj_stats_norm_quantile(0.5 + 0.5 * level);
  in->tie = t;
  in->margin = margin;
  *inst = in;
  return MJ_OK;
}

static void kano_destroy(void *inst)
{
  kano_inst *in = inst;
  if (in)
    in->host->free(in);
}

/* Pair the tagged columns into features. */
static int classify(const kano_inst *in, const mj_matrix *m, kano_feature *ft,
                    size_t *n_ft, mj_error *err)
{
  const mj_host_api *h = in->host;
  size_t n = 0;
  for (size_t c = 0; c < m->n_cols; c++) {
    const mj_column *col = &m->cols[c];
    const char *name = tag(col, "kano");
    if (!name)
      continue;
    const char *side = tag(col, "side");
    int is_f = side && strcmp(side, "functional") == 0;
    int is_d = side && strcmp(side, "dysfunctional") == 0;
    if (!is_f && !is_d)
      return h->error(err, MJ_EINVAL,
                      "scorer kano: question %s (feature %s) has side = "
                      "\"%s\"; tag it side = \"functional\" or "
                      "\"dysfunctional\"",
                      col->question, name, side ? side : "");
    if (col->scale_min != 1 || col->scale_max != 5)
      return h->error(err, MJ_EINVAL,
                      "scorer kano: question %s (feature %s) is on %d..%d; "
                      "Kano questions use the 5 standard answers 1..5 "
                      "(type \"scale5\")",
                      col->question, name, col->scale_min, col->scale_max);
    size_t i = 0;
    while (i < n && strcmp(ft[i].name, name) != 0)
      i++;
    if (i == n) {
      memset(&ft[n], 0, sizeof ft[n]);
      ft[n].name = name;
      ft[n].f = ft[n].d = NONE;
      n++;
    }
    size_t *slot = is_f ? &ft[i].f : &ft[i].d;
    if (*slot != NONE)
      return h->error(err, MJ_EINVAL,
                      "scorer kano: questions %s and %s are both the %s "
                      "question of feature %s; keep one",
                      m->cols[*slot].question, col->question, side, name);
    *slot = c;
  }
  for (size_t i = 0; i < n; i++)
    if (ft[i].f == NONE || ft[i].d == NONE)
      return h->error(
          err, MJ_EINVAL,
          "scorer kano: feature %s has a %s question (%s) but no %s one; "
          "tag its partner kano = \"%s\", side = \"%s\"",
          ft[i].name, ft[i].f == NONE ? "dysfunctional" : "functional",
          m->cols[ft[i].f == NONE ? ft[i].d : ft[i].f].question,
          ft[i].f == NONE ? "functional" : "dysfunctional", ft[i].name,
          ft[i].f == NONE ? "functional" : "dysfunctional");
  *n_ft = n;
  return MJ_OK;
}

/* An answer 1..5 as a table index 0..4; -1 when unusable, -2 when out of
** the scale (counted as invalid). */
static int answer(const mj_matrix *m, size_t row, size_t c)
{
  size_t k = row * m->n_cols + c;
  double v = m->values[k];
  if (m->state[k] != MJ_ANSWER_VALUE || isnan(v))
    return -1;
  if (!(v >= 1.0 && v <= 5.0) || v != floor(v))
    return -2;
  return (int)v - 1;
}

/* Does b tie with the leader a under the instance's rule? */
static int ties(const kano_inst *in, uint64_t a, uint64_t b, uint64_t n)
{
  double m1 = (double)a, m2 = (double)b, nn = (double)n;
  switch (in->tie) {
  case TIE_FONG:
    return fabs(m1 - m2) <
           1.65 * sqrt((m1 + m2) * (2.0 * nn - m1 - m2) / (2.0 * nn));
  case TIE_MARGIN:
    return 100.0 * (m1 - m2) / nn <= in->margin;
  default:
    return a == b;
  }
}

/* The category by mode and tie rule; *gap gets the count of the mode
** minus that of the runner-up (for the category strength). */
static int category(const kano_inst *in, const uint64_t *cnt, uint64_t n,
                    uint64_t *gap)
{
  /* Order A O M I R by count, ties in count by priority. */
  int order[N_CAT - 1] = {CAT_A, CAT_O, CAT_M, CAT_I, CAT_R};
  for (int i = 1; i < N_CAT - 1; i++)
    for (int j = i; j > 0; j--) {
      int a = order[j - 1], b = order[j];
      if (cnt[b] > cnt[a] || (cnt[b] == cnt[a] && priority[b] < priority[a])) {
        order[j - 1] = b;
        order[j] = a;
      } else
        break;
    }
  *gap = cnt[order[0]] - cnt[order[1]];
  int best = order[0];
  /* Fong's test compares the two largest counts only. */
  int last = in->tie == TIE_FONG ? 2 : N_CAT - 1;
  for (int i = 1; i < last; i++)
    /* A category nobody chose never wins, whatever the test says. */
    if (cnt[order[i]] > 0 && ties(in, cnt[order[0]], cnt[order[i]], n) &&
        priority[order[i]] < priority[best])
      best = order[i];
  return best;
}

static int emit(const mj_figure_sink *out, const char *metric,
                const char *subject, const char *label, double value, double lo,
                double hi, uint64_t n, mj_error *err)
{
  mj_figure f = {.metric = metric,
                 .value = value,
                 .ci_low = lo,
                 .ci_high = hi,
                 .n = n,
                 .subject = subject,
                 .label = label};
  return out->emit(out->ud, &f, err);
}

static int emit_feature(const kano_inst *in, const kano_feature *ft,
                        const mj_figure_sink *out, mj_error *err)
{
  char subject[512];
  snprintf(subject, sizeof subject, "feature:%s", ft->name);
  const uint64_t *c = ft->count;
  uint64_t n = 0;
  for (int k = 0; k < N_CAT; k++)
    n += c[k];
  double nn = (double)n;
  int rc;
  for (int k = 0; k < N_CAT; k++) {
    mj_stats_ci ci = mj_stats_wilson((double)c[k], nn, in->z);
    double v = n ? 100.0 * (double)c[k] / nn : NAN;
    if ((rc = emit(out, share_metric[k], subject, NULL, v, 100.0 * ci.low,
                   100.0 * ci.high, n, err)) != MJ_OK)
      return rc;
  }
  uint64_t aomi = c[CAT_A] + c[CAT_O] + c[CAT_M] + c[CAT_I];
  double den = (double)aomi;
  double better = aomi ? (double)(c[CAT_A] + c[CAT_O]) / den : NAN;
  double worse = aomi ? -(double)(c[CAT_O] + c[CAT_M]) / den : NAN;
  const char *label = NULL;
  double share = NAN, strength = NAN;
  if (n && n > c[CAT_Q]) {
    uint64_t gap;
    int best = category(in, c, n, &gap);
    label = cat_name[best];
    share = 100.0 * (double)c[best] / nn;
    strength = 100.0 * (double)gap / nn;
    if (best == CAT_R)
      in->host->log(in->ctx, MJ_LOG_INFO,
                    "scorer kano: feature %s is Reverse: customers would "
                    "rather not have it",
                    ft->name);
  }
  if (n && 10 * c[CAT_Q] > n)
    in->host->log(in->ctx, MJ_LOG_WARN,
                  "scorer kano: feature %s has %llu questionable answer(s) "
                  "of %llu; check the wording of its two questions",
                  ft->name, (unsigned long long)c[CAT_Q],
                  (unsigned long long)n);
  double fong = NAN, crit = NAN, x2 = NAN, x2p = NAN;
  const char *fong_label = NULL;
  if (n) {
    /* The two largest counts of A O M I R, as the tie rule reads them. */
    uint64_t m1 = 0, m2 = 0;
    for (int k = CAT_A; k <= CAT_R; k++)
      if (c[k] > m1) {
        m2 = m1;
        m1 = c[k];
      } else if (c[k] > m2) {
        m2 = c[k];
      }
    double s = (double)(m1 + m2);
    fong = (double)(m1 - m2);
    crit = 1.65 * sqrt(s * (2.0 * nn - s) / (2.0 * nn));
    fong_label = fong >= crit ? "significant" : "not significant";
  }
  if (aomi) {
    double e = den / 4.0;
    x2 = 0.0;
    for (int k = CAT_A; k <= CAT_I; k++)
      x2 += ((double)c[k] - e) * ((double)c[k] - e) / e;
    x2p = mj_stats_chi2_sf(x2, 3.0);
  }
  if ((rc = emit(out, "category", subject, label, share, NAN, NAN, n, err)) !=
          MJ_OK ||
      (rc = emit(out, "better", subject, NULL, better, NAN, NAN, aomi, err)) !=
          MJ_OK ||
      (rc = emit(out, "worse", subject, NULL, worse, NAN, NAN, aomi, err)) !=
          MJ_OK ||
      (rc =
           emit(out, "total_strength", subject, NULL,
                n ? 100.0 * (double)(c[CAT_A] + c[CAT_O] + c[CAT_M]) / nn : NAN,
                NAN, NAN, n, err)) != MJ_OK ||
      (rc = emit(out, "category_strength", subject, NULL, strength, NAN, NAN, n,
                 err)) != MJ_OK ||
      (rc = emit(out, "fong", subject, fong_label, fong, NAN, NAN, n, err)) !=
          MJ_OK ||
      (rc = emit(out, "fong_critical", subject, NULL, crit, NAN, NAN, n,
                 err)) != MJ_OK ||
      (rc = emit(out, "chi2_uniform", subject, NULL, x2, NAN, NAN, aomi,
                 err)) != MJ_OK ||
      (rc = emit(out, "chi2_p", subject, NULL, x2p, NAN, NAN, aomi, err)) !=
          MJ_OK)
    return rc;
  return MJ_OK;
}

static int kano_matrix(void *inst, const mj_matrix *m,
                       const mj_figure_sink *out, mj_error *err)
{
  kano_inst *in = inst;
  const mj_host_api *h = in->host;
  if (m->n_cols == 0)
    return MJ_OK;
  kano_feature *ft = h->alloc(m->n_cols * sizeof *ft);
  if (!ft)
    return h->error(err, MJ_ENOMEM, "scorer kano: out of memory");
  size_t n_ft = 0;
  uint64_t bad = 0;
  int rc = classify(in, m, ft, &n_ft, err);
  for (size_t i = 0; rc == MJ_OK && i < n_ft; i++) {
    for (size_t r = 0; r < m->n_rows; r++) {
      int f = answer(m, r, ft[i].f), d = answer(m, r, ft[i].d);
      bad += (f == -2) + (d == -2);
      if (f >= 0 && d >= 0)
        ft[i].count[kano_table[f][d]]++;
    }
    rc = emit_feature(in, &ft[i], out, err);
  }
  if (bad)
    h->log(in->ctx, MJ_LOG_WARN,
           "scorer kano: left out %llu answer(s) that are not 1..5",
           (unsigned long long)bad);
  h->free(ft);
  return rc;
}

static const char *const kano_metrics[] = {
    "share_A",       "share_O",        "share_M",           "share_I",
    "share_R",       "share_Q",        "category",          "better",
    "worse",         "total_strength", "category_strength", "fong",
    "fong_critical", "chi2_uniform",   "chi2_p",            NULL};

static const mj_scorer_ops kano_ops = {
    .ops_size = sizeof(mj_scorer_ops),
    .qtypes = NULL,
    .metrics = kano_metrics,
    .create = kano_create,
    .destroy = kano_destroy,
    .score = NULL,
    .score_matrix = kano_matrix,
};

static const mj_plugin_desc kano_desc = {
    MJ_PLUGIN_HEADER,
    "kano",
    "1.0.0",
    "Kano categories, shares, Better/Worse and strengths per feature, from "
    "question pairs tagged kano and side",
    "MIT",
    MJ_KIND_SCORER,
    kano_options,
    NULL,
    NULL,
    &kano_ops,
    NULL,
};

MJ_PLUGIN_DEFINE(kano, kano_desc)
