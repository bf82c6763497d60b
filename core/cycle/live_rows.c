/*
** A questionnaire's rows handed to the streaming matrix scorers while the
** scan reads them (plugin.h: stream_open), so a cycle's memory does not
** grow with the number of responses.
**
** The scan adds answers to a small mj_qmatrix, which keeps its meaning of
** a row and a cell; every MJ_QMATRIX_CHUNK rows its complete rows go to
** the groups they join: as one chunk to "all", and copied into the buffer
** of their segment and of their "channel:NAME", a full buffer going to
** every scorer's state of that group. A group's chunks are then the ones
** the whole table would have been cut into, rows in response order, so
** each figure comes out bit for bit the same. The states are closed, and
** their figures emitted, only when the caller asks, scorer by scorer; a
** failure on the way is kept until then, so the cycle fails where and as
** it would have.
**
** The scan's thread only takes the complete rows out of the table, as
** codes; a second thread (a relay) makes them doubles and hands them to
** the groups and the scorers, which were a quarter of the scan's work.
** Rows keep their order through the relay, so the figures do not change.
*/
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cycle.h"

/* One scorer's state on one group, or its failure. */
typedef struct slot {
  void *state;
  int rc;        /* MJ_OK, or what stream_open or stream_rows returned */
  mj_error *err; /* their message, once failed */
} slot;

/* A group: its rows not handed over yet, and a slot per scorer (NULL
** until the group's first row). */
typedef struct group {
  double *v;
  unsigned char *s;
  size_t n, cap;
  slot *slots;
} group;

struct mj_qlive {
  mj_qmatrix *rows;      /* the rows not yet copied into their groups */
  mj_instance **ins;     /* the scorers that stream, in the cycle's order */
  size_t n_ins;
  const mj_column *cols;
  size_t n_cols;
  group all;
  group *segs;           /* by the segment numbers of rows */
  size_t n_segs;
  group *chans;          /* by their channel numbers */
  size_t n_chans;
  /* Rows taken from the table, on their way to the groups; two when a
  ** second thread hands them over (relay), one when this thread does. */
  mj_qrows *taken[2];
  mj_relay *relay;
};

static int take_rows(void *ud, const mj_matrix *t, const uint32_t *seg,
                     const uint32_t *chan);

/* Whether a scorer's streams may run on the relay's thread. */
static int any_thread(const mj_scorer_ops *ops)
{
  return ops->ops_size >= offsetof(mj_scorer_ops, stream_any_thread) +
                              sizeof ops->stream_any_thread &&
         ops->stream_any_thread;
}

/* The relay's work: a batch of rows on to their groups. */
static int hand_taken(void *ud, void *batch)
{
  mj_qlive *l = ud;
  return mj__qrows_drain(l->rows, batch, take_rows, l);
}

int mj__qlive_new(const mj_questionnaire *qn, mj_instance *const *scorers,
                  size_t n, int threaded, mj_qlive **out)
{
  *out = NULL;
  mj_qlive *l = calloc(1, sizeof *l);
  if (!l)
    return MJ_ENOMEM;
  *out = l;
  if (!(l->ins = calloc(n ? n : 1, sizeof *l->ins)) ||
      mj__qmatrix_new(qn, &l->rows) != MJ_OK)
    return MJ_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    const mj_scorer_ops *ops = scorers[i]->ops;
    if (!ops->stream_open)
      continue;
    l->ins[l->n_ins++] = scorers[i];
    threaded &= any_thread(ops);
  }
  l->cols = mj__qmatrix_columns(l->rows, &l->n_cols);
  if (mj__qrows_new(&l->taken[0]) != MJ_OK ||
      mj__qrows_new(&l->taken[1]) != MJ_OK)
    return MJ_ENOMEM;
  /* With a scorer that keeps to the scan's thread (or an engine kept to
  ** one), the rows are handed over here, the same rows in the same
  ** order. */
  if (threaded && l->n_ins &&
      mj__relay_start(l->taken[0], l->taken[1], hand_taken, NULL, l,
                      &l->relay) != MJ_OK)
    l->relay = NULL;
  return MJ_OK;
}

mj_qmatrix *mj__qlive_table(mj_qlive *l)
{
  return l->rows;
}

/* Scorer k failed on a group with rc and err: keep them in its slot for
** mj__qlive_close and free its state now. */
static int fail(mj_qlive *l, slot *s, size_t k, int rc, const mj_error *err)
{
  const mj_scorer_ops *ops = l->ins[k]->ops;
  mj_error ignored = {0};
  ops->stream_close(l->ins[k]->inst, s->state, NULL, &ignored);
  s->state = NULL;
  s->rc = rc;
  if (!(s->err = malloc(sizeof *s->err)))
    return MJ_ENOMEM;
  *s->err = *err;
  return MJ_OK;
}

/* Each scorer's state of g, at its first row. */
static int open_group(mj_qlive *l, group *g)
{
  if (!(g->slots = calloc(l->n_ins ? l->n_ins : 1, sizeof *g->slots)))
    return MJ_ENOMEM;
  for (size_t k = 0; k < l->n_ins; k++) {
    const mj_scorer_ops *ops = l->ins[k]->ops;
    mj_error err = {0};
    int rc = ops->stream_open(l->ins[k]->inst, l->cols, l->n_cols,
                              &g->slots[k].state, &err);
    if (rc != MJ_OK && fail(l, &g->slots[k], k, rc, &err) != MJ_OK)
      return MJ_ENOMEM;
  }
  return MJ_OK;
}

/* n rows to every scorer still working on g. */
static int hand(mj_qlive *l, group *g, const double *v,
                const unsigned char *s, size_t n)
{
  mj_matrix t = {l->cols, l->n_cols, n, v, s};
  for (size_t k = 0; k < l->n_ins; k++) {
    slot *sl = &g->slots[k];
    if (sl->rc != MJ_OK)
      continue;
    const mj_scorer_ops *ops = l->ins[k]->ops;
    mj_error err = {0};
    int rc = ops->stream_rows(l->ins[k]->inst, sl->state, &t, &err);
    if (rc != MJ_OK && fail(l, sl, k, rc, &err) != MJ_OK)
      return MJ_ENOMEM;
  }
  return MJ_OK;
}

/* g's rows held back, handed over. */
static int flush(mj_qlive *l, group *g)
{
  size_t n = g->n;
  g->n = 0;
  return hand(l, g, g->v, g->s, n);
}

/* n rows into g, handed over each time g holds a chunk. */
static int append(mj_qlive *l, group *g, const double *v,
                  const unsigned char *s, size_t n)
{
  size_t nc = l->n_cols;
  if (!g->slots && open_group(l, g) != MJ_OK)
    return MJ_ENOMEM;
  while (n > 0) {
    if (g->n == 0 && n >= MJ_QMATRIX_CHUNK) {
      /* A whole chunk in one piece ("all" from mj__qlive_pump) goes as
      ** it is. */
      if (hand(l, g, v, s, MJ_QMATRIX_CHUNK) != MJ_OK)
        return MJ_ENOMEM;
      v += MJ_QMATRIX_CHUNK * nc;
      s += MJ_QMATRIX_CHUNK * nc;
      n -= MJ_QMATRIX_CHUNK;
      continue;
    }
    if (g->n == g->cap) {
      /* Grown as rows come: a small group never costs a whole chunk. */
      size_t cap = g->cap ? g->cap * 2 : 64;
      cap = cap < MJ_QMATRIX_CHUNK ? cap : MJ_QMATRIX_CHUNK;
      double *nv = realloc(g->v, cap * nc * sizeof *nv);
      if (!nv)
        return MJ_ENOMEM;
      g->v = nv;
      unsigned char *ns = realloc(g->s, cap * nc);
      if (!ns)
        return MJ_ENOMEM;
      g->s = ns;
      g->cap = cap;
    }
    size_t k = g->cap - g->n < n ? g->cap - g->n : n;
    memcpy(g->v + g->n * nc, v, k * nc * sizeof *v);
    memcpy(g->s + g->n * nc, s, k * nc);
    g->n += k;
    v += k * nc;
    s += k * nc;
    n -= k;
    if (g->n == MJ_QMATRIX_CHUNK && flush(l, g) != MJ_OK)
      return MJ_ENOMEM;
  }
  return MJ_OK;
}

/* The group of number i in *v, made when new. */
static group *group_at(group **v, size_t *n, size_t i)
{
  if (i >= *n) {
    group *w = realloc(*v, (i + 1) * sizeof *w);
    if (!w)
      return NULL;
    memset(w + *n, 0, (i + 1 - *n) * sizeof *w);
    *v = w;
    *n = i + 1;
  }
  return &(*v)[i];
}

static int take_rows(void *ud, const mj_matrix *t, const uint32_t *seg,
                     const uint32_t *chan)
{
  mj_qlive *l = ud;
  size_t nc = l->n_cols;
  if (append(l, &l->all, t->values, t->state, t->n_rows) != MJ_OK)
    return MJ_ENOMEM;
  for (size_t r = 0; r < t->n_rows; r++) {
    const double *v = t->values + r * nc;
    const unsigned char *s = t->state + r * nc;
    /* Responses without a segment count in "all" only. */
    if (seg[r] != UINT32_MAX) {
      group *g = group_at(&l->segs, &l->n_segs, seg[r]);
      if (!g || append(l, g, v, s, 1) != MJ_OK)
        return MJ_ENOMEM;
    }
    if (chan && chan[r] != UINT32_MAX) {
      group *g = group_at(&l->chans, &l->n_chans, chan[r]);
      if (!g || append(l, g, v, s, 1) != MJ_OK)
        return MJ_ENOMEM;
    }
  }
  return MJ_OK;
}

/* The complete rows (all of them with last_too) on to their groups: handed
** to the relay's thread, or there and then. */
static int pass_rows(mj_qlive *l, int last_too)
{
  mj_qrows *r = l->relay ? mj__relay_filling(l->relay) : l->taken[0];
  if (mj__qmatrix_take(l->rows, last_too, r) != MJ_OK)
    return MJ_ENOMEM;
  return l->relay ? mj__relay_pass(l->relay) : hand_taken(l, r);
}

/* The scan adds at most one row between two calls, so the rows taken
** here are exactly a chunk. */
int mj__qlive_pump(mj_qlive *l)
{
  if (mj__qmatrix_rows(l->rows) <= MJ_QMATRIX_CHUNK)
    return MJ_OK;
  return pass_rows(l, 0);
}

int mj__qlive_finish(mj_qlive *l)
{
  int rc = pass_rows(l, 1);
  if (l->relay) {
    int done = mj__relay_finish(l->relay);
    l->relay = NULL;
    rc = rc != MJ_OK ? rc : done;
  }
  if (rc != MJ_OK)
    return MJ_ENOMEM;
  if (l->all.n && flush(l, &l->all) != MJ_OK)
    return MJ_ENOMEM;
  for (size_t i = 0; i < l->n_segs; i++)
    if (l->segs[i].n && flush(l, &l->segs[i]) != MJ_OK)
      return MJ_ENOMEM;
  for (size_t i = 0; i < l->n_chans; i++)
    if (l->chans[i].n && flush(l, &l->chans[i]) != MJ_OK)
      return MJ_ENOMEM;
  return MJ_OK;
}

/* Hand scorer k's state of g (named name) to fn, which closes it. */
static int close_group(group *g, size_t k, const char *name,
                       mj_qlive_close_fn fn, void *ud)
{
  if (!g->slots)
    return MJ_OK; /* no row */
  slot *s = &g->slots[k];
  void *state = s->state;
  s->state = NULL;
  return fn(ud, name, state, s->rc, s->err);
}

int mj__qlive_close(mj_qlive *l, const mj_instance *in, mj_qlive_close_fn fn,
                    void *ud)
{
  size_t k = 0;
  while (k < l->n_ins && l->ins[k] != in)
    k++;
  if (k == l->n_ins)
    return MJ_OK;
  int rc = close_group(&l->all, k, "all", fn, ud);
  for (size_t i = 0; rc == MJ_OK && i < l->n_segs; i++)
    rc = close_group(&l->segs[i], k, mj__qmatrix_segment(l->rows, i), fn, ud);
  for (size_t i = 0; rc == MJ_OK && i < l->n_chans; i++)
    rc = close_group(&l->chans[i], k, mj__qmatrix_channel(l->rows, i), fn,
                     ud);
  return rc;
}

/* Close what is still open (the cycle failed before its turn), free g. */
static void group_free(mj_qlive *l, group *g)
{
  for (size_t k = 0; g->slots && k < l->n_ins; k++) {
    slot *s = &g->slots[k];
    if (s->state) {
      const mj_scorer_ops *ops = l->ins[k]->ops;
      mj_error ignored = {0};
      ops->stream_close(l->ins[k]->inst, s->state, NULL, &ignored);
    }
    free(s->err);
  }
  free(g->slots);
  free(g->v);
  free(g->s);
}

void mj__qlive_free(mj_qlive *l)
{
  if (!l)
    return;
  if (l->relay) /* the scan failed: its rows go nowhere */
    mj__relay_finish(l->relay);
  mj__qrows_free(l->taken[0]);
  mj__qrows_free(l->taken[1]);
  group_free(l, &l->all);
  for (size_t i = 0; i < l->n_segs; i++)
    group_free(l, &l->segs[i]);
  for (size_t i = 0; i < l->n_chans; i++)
    group_free(l, &l->chans[i]);
  free(l->segs);
  free(l->chans);
  free(l->ins);
  mj__qmatrix_free(l->rows);
  free(l);
}
