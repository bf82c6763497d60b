/*
** The open-text answers kept of a cycle: per text question the newest few,
** and the few gravest of all, each list ranked as answers arrive.
*/
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
