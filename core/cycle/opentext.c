/*
** The open-text answers kept of a cycle: per text question the newest few,
** and the few gravest of all, each list ranked as answers arrive.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cycle.h"

static int newer(const mj_comment *a, int64_t at, uint64_t seq)
{
  return a->submitted_at > at || (a->submitted_at == at && a->seq > seq);
}

/* Does a come before an answer of score low given at (at, seq)? */
static int graver(const mj_comment *a, double low, int64_t at, uint64_t seq)
{
  return a->low < low || (a->low == low && newer(a, at, seq));
}

/*
** Put x at pos of a ranked list of n (at most cap) answers, the last one
** making room when the list is full; x's strings are copied.
*/
static int rank_in(mj_comment *list, size_t *n, size_t cap, size_t pos,
                   mj_comment x)
{
  if (pos >= cap)
    return MJ_OK;
  if (*n == cap) {
    free(list[cap - 1].text);
    free(list[cap - 1].response);
    (*n)--;
  }
  memmove(&list[pos + 1], &list[pos], (*n - pos) * sizeof *list);
  mj_comment *c = &list[pos];
  *c = x;
  c->text = strdup(x.text);
  c->response = x.response ? strdup(x.response) : NULL;
  (*n)++;
  return c->text && (!x.response || c->response) ? MJ_OK : MJ_ENOMEM;
}

/* Keep an answer if it is among the MJ_COMMENTS_MOST gravest so far. */
int mj__comments_offer_most(mj_comments *c, mj_comment x)
{
  size_t pos = c->n_most;
  while (pos > 0 && !graver(&c->most[pos - 1], x.low, x.submitted_at, x.seq))
    pos--;
  return rank_in(c->most, &c->n_most, MJ_COMMENTS_MOST, pos, x);
}

/* Keep an answer if it is among the `keep` newest so far. */
int mj__comments_offer(mj_comment_q *cq, size_t keep, mj_comment x)
{
  cq->count++;
  if (keep == 0)
    return MJ_OK;
  size_t pos = cq->n;
  while (pos > 0 && !newer(&cq->latest[pos - 1], x.submitted_at, x.seq))
    pos--;
  return rank_in(cq->latest, &cq->n, keep, pos, x);
}

void mj__comments_free(mj_comments *c)
{
  if (!c)
    return;
  for (size_t i = 0; i < c->n_qs; i++) {
    for (size_t k = 0; k < c->qs[i].n; k++) {
      free(c->qs[i].latest[k].text);
      free(c->qs[i].latest[k].response);
    }
    free(c->qs[i].latest);
  }
  for (size_t k = 0; k < c->n_most; k++) {
    free(c->most[k].text);
    free(c->most[k].response);
  }
  free(c->qs);
  free(c);
}

int mj__comments_new(const mj_model *m, size_t keep, mj_comments **out)
{
  mj_comments *c = calloc(1, sizeof *c);
  *out = c;
  if (!c)
    return MJ_ENOMEM;
  c->keep = keep;
  size_t n = 0;
  for (size_t i = 0; m && i < m->n_questionnaires; i++)
    for (size_t j = 0; j < m->questionnaires[i].n_questions; j++)
      n += m->questionnaires[i].questions[j].kind == MJ_Q_TEXT;
  if (n && !(c->qs = calloc(n, sizeof *c->qs)))
    return MJ_ENOMEM;
  for (size_t i = 0; m && i < m->n_questionnaires; i++) {
    const mj_questionnaire *qn = &m->questionnaires[i];
    for (size_t j = 0; j < qn->n_questions; j++) {
      if (qn->questions[j].kind != MJ_Q_TEXT)
        continue;
      mj_comment_q *cq = &c->qs[c->n_qs++];
      cq->qn = qn;
      cq->q = &qn->questions[j];
      if (keep && !(cq->latest = calloc(keep, sizeof *cq->latest)))
        return MJ_ENOMEM;
    }
  }
  return MJ_OK;
}

double mj__comments_score(const mj_question *q, const mj_answer_rec *a)
{
  if (!q || a->state != MJ_ANSWER_VALUE || isnan(a->num) ||
      (q->kind != MJ_Q_NPS && q->kind != MJ_Q_SCALE) || q->max <= q->min)
    return 2;
  return (a->num - q->min) / (q->max - q->min);
}

mj_comment_q **mj__comments_index(mj_comments *c, const mj_questionnaire *qn)
{
  mj_comment_q **by = calloc(qn->n_questions ? qn->n_questions : 1,
                             sizeof *by);
  for (size_t i = 0; by && i < c->n_qs; i++)
    if (c->qs[i].qn == qn)
      by[c->qs[i].q - qn->questions] = &c->qs[i];
  return by;
}

size_t mj__comments_keep(const mj_model *m, const char *cycle)
{
  const mj_cycle_decl *decl = m ? mj__model_cycle(m, cycle) : NULL;
  int keep = decl ? decl->comments : 5;
  return keep > 0 ? (size_t)keep : 0;
}

/* The lowest score of response r's ratings (mj__comments_score), 2 when
** it has none. */
static double lowest(const mj_questionnaire *qn, const mj_response_rec *r,
                     mj_comments_resolve resolve, void *ud)
{
  double low = 2;
  for (size_t k = 0; k < r->n_answers; k++) {
    const mj_answer_rec *a = &r->answers[k];
    if (a->state != MJ_ANSWER_VALUE || isnan(a->num) || !a->question)
      continue;
    size_t i = resolve(ud, k, a->question);
    double v = mj__comments_score(i != SIZE_MAX ? &qn->questions[i] : NULL, a);
    if (v < low)
      low = v;
  }
  return low;
}

int mj__comments_take(mj_comments *c, mj_comment_q *const *text,
                      const mj_questionnaire *qn, const mj_response_rec *r,
                      uint64_t seq, mj_comments_resolve resolve, void *ud)
{
  double low = NAN; /* the ratings are read only if r wrote something */
  for (size_t k = 0; k < r->n_answers; k++) {
    const mj_answer_rec *a = &r->answers[k];
    if (a->state != MJ_ANSWER_VALUE || !a->question || !a->text ||
        !*a->text)
      continue;
    size_t i = resolve(ud, k, a->question);
    if (i == SIZE_MAX || !text[i])
      continue;
    if (isnan(low))
      low = lowest(qn, r, resolve, ud);
    mj_comment x = {.text = (char *)a->text, .response = (char *)r->id,
                    .submitted_at = r->submitted_at, .seq = seq, .low = low,
                    .from = text[i]};
    int rc = mj__comments_offer(text[i], c->keep, x);
    if (rc == MJ_OK)
      rc = mj__comments_offer_most(c, x);
    if (rc != MJ_OK)
      return rc;
  }
  return MJ_OK;
}
