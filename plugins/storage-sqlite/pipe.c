/*
** A scan on two threads: batches of responses from a reader thread to the
** caller's (pipe.h).
*/
#include <pthread.h>
#include <string.h>

#include "pipe.h"

/*
** Three batches: one being filled, one being handed over, and one ready
** in between, so that neither thread waits for the other while their
** batches take about as long.
*/
#define PIPE_BATCHES 3

typedef struct pipe_state {
  mj_pipe_fill fill;
  void *fill_ud;
  mj_pipe_batch b[PIPE_BATCHES];
  /* Under mu: the batches filled and not yet handed back (the reader
  ** fills b[i] and the caller reads b[j] in turn, so these are the ones
  ** from j on), and whether the caller wants no more. */
  pthread_mutex_t mu;
  pthread_cond_t filled, emptied;
  size_t n_filled;
  int stop;
} pipe_state;

/* Grow *p, of *cap items of size each, to hold want: 0 when there is no
** memory (*p kept). */
static int grow(const mj_host_api *host, void **p, size_t *cap, size_t want,
                size_t size)
{
  if (want <= *cap)
    return 1;
  size_t n = *cap ? *cap : 64;
  while (n < want)
    n *= 2;
  void *v = host->realloc(*p, n * size);
  if (!v)
    return 0;
  *p = v;
  *cap = n;
  return 1;
}

mj_response_rec *mj__pipe_rec(mj_pipe_batch *b)
{
  void *v = b->recs;
  if (!grow(b->host, &v, &b->recs_cap, b->n + 1, sizeof *b->recs))
    return NULL;
  b->recs = v;
  return &b->recs[b->n++];
}

mj_answer_rec *mj__pipe_answers(mj_pipe_batch *b, size_t n)
{
  /* Room for one at least: an empty response still gets an address. */
  void *v = b->ans;
  if (!grow(b->host, &v, &b->ans_cap, b->n_ans + (n ? n : 1), sizeof *b->ans))
    return NULL;
  b->ans = v;
  b->n_ans += n;
  return &b->ans[b->n_ans - n];
}

unsigned char *mj__pipe_bytes(mj_pipe_batch *b, size_t n)
{
  if (b->n_chunks == b->chunks_cap) {
    size_t cap = b->chunks_cap ? 2 * b->chunks_cap : 16;
    struct mj_pipe_chunk *v = b->host->realloc(b->chunks, cap * sizeof *v);
    if (!v)
      return NULL;
    memset(v + b->chunks_cap, 0, (cap - b->chunks_cap) * sizeof *v);
    b->chunks = v;
    b->chunks_cap = cap;
  }
  struct mj_pipe_chunk *c = &b->chunks[b->n_chunks];
  void *p = c->p;
  if (!grow(b->host, &p, &c->cap, n ? n : 1, 1))
    return NULL;
  c->p = p;
  b->n_chunks++;
  return c->p;
}

static void batch_empty(mj_pipe_batch *b)
{
  b->n = b->n_ans = b->n_chunks = 0;
  b->rc = MJ_OK;
  b->last = 0;
}

static void batch_free(mj_pipe_batch *b)
{
  for (size_t i = 0; i < b->chunks_cap; i++)
    b->host->free(b->chunks[i].p);
  b->host->free(b->chunks);
  b->host->free(b->recs);
  b->host->free(b->ans);
}

static void *reader(void *arg)
{
  pipe_state *p = arg;
  for (size_t i = 0;; i = (i + 1) % PIPE_BATCHES) {
    pthread_mutex_lock(&p->mu);
    while (p->n_filled == PIPE_BATCHES && !p->stop)
      pthread_cond_wait(&p->emptied, &p->mu);
    int stop = p->stop;
    pthread_mutex_unlock(&p->mu);
    if (stop)
      return NULL;
    batch_empty(&p->b[i]);
    int more = p->fill(p->fill_ud, &p->b[i]);
    p->b[i].last = !more;
    pthread_mutex_lock(&p->mu);
    p->n_filled++;
    pthread_cond_signal(&p->filled);
    pthread_mutex_unlock(&p->mu);
    if (!more)
      return NULL;
  }
}

int mj__pipe_scan(const mj_host_api *host, mj_pipe_fill fill, void *fill_ud,
                  mj_response_cb cb, void *ud, mj_error *err, int *ran)
{
  *ran = 0;
  pipe_state p = {.fill = fill, .fill_ud = fill_ud};
  for (size_t i = 0; i < PIPE_BATCHES; i++)
    p.b[i].host = host;
  pthread_t thread;
  if (pthread_mutex_init(&p.mu, NULL) != 0)
    return MJ_OK;
  int conds = pthread_cond_init(&p.filled, NULL) == 0;
  if (conds && pthread_cond_init(&p.emptied, NULL) != 0) {
    pthread_cond_destroy(&p.filled);
    conds = 0;
  }
  if (!conds || pthread_create(&thread, NULL, reader, &p) != 0) {
    if (conds) {
      pthread_cond_destroy(&p.filled);
      pthread_cond_destroy(&p.emptied);
    }
    pthread_mutex_destroy(&p.mu);
    return MJ_OK;
  }
  *ran = 1;
  int rc = MJ_OK;
  for (size_t i = 0;; i = (i + 1) % PIPE_BATCHES) {
    pthread_mutex_lock(&p.mu);
    while (p.n_filled == 0)
      pthread_cond_wait(&p.filled, &p.mu);
    pthread_mutex_unlock(&p.mu);
    mj_pipe_batch *b = &p.b[i];
    size_t at = 0;
    for (size_t k = 0; k < b->n; k++) {
      b->recs[k].answers = b->ans + at;
      at += b->recs[k].n_answers;
    }
    for (size_t k = 0; rc == MJ_OK && k < b->n; k++)
      rc = cb(ud, &b->recs[k]);
    if (rc == MJ_OK && b->last) {
      /* The reader has returned, or is about to. */
      if ((rc = b->rc) != MJ_OK)
        *err = b->err;
      break;
    }
    pthread_mutex_lock(&p.mu);
    if (rc != MJ_OK)
      p.stop = 1;
    else
      p.n_filled--;
    pthread_cond_signal(&p.emptied);
    pthread_mutex_unlock(&p.mu);
    if (rc != MJ_OK)
      break;
  }
  pthread_join(thread, NULL);
  for (size_t i = 0; i < PIPE_BATCHES; i++)
    batch_free(&p.b[i]);
  pthread_cond_destroy(&p.filled);
  pthread_cond_destroy(&p.emptied);
  pthread_mutex_destroy(&p.mu);
  return rc;
}
