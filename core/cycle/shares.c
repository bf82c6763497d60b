/*
** Shares of yes/no, choice and multi answers: per question and segment,
** each option's share of the people who answered, with its Wilson
** interval (doc/methods.md#shares-of-options). No scorer reads these
** questions, so the cycle counts them itself and stores the shares as
** figures of MJ__SHARE_SCORER, which the next cycle tests for a change
** like any share (two-proportion z).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cycle.h"
#include "stats.h"

/* One segment's counts of one question. */
typedef struct tally_seg {
  const char *segment;  /* the caller's string, which outlives the tally */
  uint64_t n;           /* people who answered */
  uint64_t excluded;    /* "no experience", skipped */
  uint64_t *count;      /* per option */
} tally_seg;

typedef struct tally_q {
  const mj_question *q; /* NULL: a question of another kind */
  size_t n_opts;        /* yes/no: 2; else the choices, then "other" */
  tally_seg *segs;
  size_t n_segs;
} tally_q;

struct mj_tally {
  const mj_questionnaire *qn;
  tally_q *qs;          /* per question of qn */
  unsigned char *seen;  /* scratch: options a multi answer ticked */
  size_t seen_cap;
};

static int counted(const mj_question *q)
{
  return q->kind == MJ_Q_YESNO || q->kind == MJ_Q_CHOICE ||
         q->kind == MJ_Q_MULTI;
}

int mj__tally_new(const mj_questionnaire *qn, mj_tally **out)
{
  *out = NULL;
  size_t any = 0, widest = 2;
  for (size_t i = 0; i < qn->n_questions; i++) {
    any += counted(&qn->questions[i]);
    if (qn->questions[i].n_choices + 1 > widest)
      widest = qn->questions[i].n_choices + 1;
  }
  if (!any)
    return MJ_OK;
  mj_tally *t = calloc(1, sizeof *t);
  if (t)
    t->qn = qn;
  if (!t || !(t->qs = calloc(qn->n_questions, sizeof *t->qs)) ||
      !(t->seen = malloc(widest))) {
    mj__tally_free(t);
    return MJ_ENOMEM;
  }
  t->seen_cap = widest;
  for (size_t i = 0; i < qn->n_questions; i++) {
    const mj_question *q = &qn->questions[i];
    if (!counted(q))
      continue;
    t->qs[i].q = q;
    t->qs[i].n_opts = q->kind == MJ_Q_YESNO ? 2 : q->n_choices + 1;
  }
  *out = t;
  return MJ_OK;
}

int mj__tally_has(const mj_tally *t, size_t question)
{
  return t && question < t->qn->n_questions && t->qs[question].q;
}

static tally_seg *seg_of(tally_q *tq, const char *segment)
{
  for (size_t i = 0; i < tq->n_segs; i++)
    if (tq->segs[i].segment == segment ||
        strcmp(tq->segs[i].segment, segment) == 0)
      return &tq->segs[i];
  tally_seg *v = realloc(tq->segs, (tq->n_segs + 1) * sizeof *v);
  if (!v)
    return NULL;
  tq->segs = v;
  tally_seg *s = &v[tq->n_segs];
  memset(s, 0, sizeof *s);
  if (!(s->count = calloc(tq->n_opts, sizeof *s->count)))
    return NULL;
  s->segment = segment;
  tq->n_segs++;
  return s;
}

/* The option index of code (n_choices: "other:..."), SIZE_MAX when the
** playbook no longer offers it. */
static size_t option_of(const mj_question *q, const char *code, size_t len)
{
  if (len >= 6 && strncmp(code, "other:", 6) == 0)
    return q->n_choices;
  for (size_t i = 0; i < q->n_choices; i++)
    if (strlen(q->choices[i].code) == len &&
        strncmp(q->choices[i].code, code, len) == 0)
      return i;
  return SIZE_MAX;
}

int mj__tally_add(mj_tally *t, size_t question, const char *segment,
                  const mj_answer_rec *a)
{
  if (!mj__tally_has(t, question))
    return MJ_OK;
  tally_q *tq = &t->qs[question];
  tally_seg *s = seg_of(tq, segment);
  if (!s)
    return MJ_ENOMEM;
  const mj_question *q = tq->q;
  int blank = !a->text || !*a->text;
  if (a->state != MJ_ANSWER_VALUE ||
      (q->kind == MJ_Q_YESNO ? isnan(a->num) && blank : blank)) {
    s->excluded++;
    return MJ_OK;
  }
  s->n++;
  if (q->kind == MJ_Q_YESNO) {
    int yes = !isnan(a->num) ? a->num != 0 : strcmp(a->text, "yes") == 0;
    s->count[yes ? 0 : 1]++;
  } else if (q->kind == MJ_Q_CHOICE) {
    size_t k = option_of(q, a->text, strlen(a->text));
    if (k != SIZE_MAX)
      s->count[k]++;
  } else {
    /* A person ticks an option once, however often the answer names it. */
    memset(t->seen, 0, tq->n_opts);
    for (const char *p = a->text; *p;) {
      size_t len = strcspn(p, ";");
      size_t k = option_of(q, p, len);
      if (k != SIZE_MAX && !t->seen[k]) {
        t->seen[k] = 1;
        s->count[k]++;
      }
      p += len;
      if (*p == ';')
        p++;
    }
  }
  return MJ_OK;
}

int mj__tally_figures(const mj_tally *t, int64_t cycle, int64_t min_n,
                      mj_figset *out)
{
  if (!t)
    return MJ_OK;
  for (size_t i = 0; i < t->qn->n_questions; i++) {
    const tally_q *tq = &t->qs[i];
    if (!tq->q)
      continue;
    const mj_question *q = tq->q;
    for (size_t g = 0; g < tq->n_segs; g++) {
      const tally_seg *s = &tq->segs[g];
      if (s->n == 0)
        continue;
      for (size_t k = 0; k < tq->n_opts; k++) {
        /* "other" only where the question accepts it */
        if (q->kind != MJ_Q_YESNO && k == q->n_choices && !q->other)
          continue;
        const char *code = q->kind == MJ_Q_YESNO ? (k ? "no" : "yes")
                           : k < q->n_choices    ? q->choices[k].code
                                                 : "other";
        char metric[160];
        snprintf(metric, sizeof metric, "share_%s", code);
        int few = (int64_t)s->n < min_n;
        mj_stats_ci ci = mj_stats_wilson((double)s->count[k], (double)s->n,
                                         MJ_STATS_Z95);
        double p = (double)s->count[k] / (double)s->n;
        mj_result_rec r = {
            .cycle = cycle,
            .scorer = MJ__SHARE_SCORER,
            .metric = metric,
            .questionnaire = t->qn->id,
            .question = q->id,
            .segment = s->segment,
            .n = s->n,
            .n_excluded = s->excluded,
            .value = few ? NAN : 100.0 * p,
            .ci_low = few ? NAN : 100.0 * ci.low,
            .ci_high = few ? NAN : 100.0 * ci.high,
            .sd = few ? 0.0 : 100.0 * sqrt(p * (1.0 - p)),
            .delta = NAN,
            .p_change = NAN,
        };
        if (mj__figset_add(out, &r) != MJ_OK)
          return MJ_ENOMEM;
      }
    }
  }
  return MJ_OK;
}

void mj__tally_free(mj_tally *t)
{
  if (!t)
    return;
  for (size_t i = 0; t->qs && i < t->qn->n_questions; i++) {
    for (size_t g = 0; g < t->qs[i].n_segs; g++)
      free(t->qs[i].segs[g].count);
    free(t->qs[i].segs);
  }
  free(t->qs);
  free(t->seen);
  free(t);
}
