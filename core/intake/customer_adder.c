/*
** A second thread adding a customers file's rows to the model: while it
** stores one batch, the reader parses and checks the next, so a large
** file takes about the longer of the two, not their sum.
**
** The thread alone touches the model until mj__adder_finish returns; the
** reader copies each row's strings into the batch being filled, and the
** hand-over of each batch goes through the mutex. Rows are added in file
** order, and after the first failure none is, so the model and the
** message are those of a reading on one thread.
*/
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

/* A batch's rows and the bytes of their strings, both reused. */
enum { BATCH = 2048, BATCH_BYTES = 256 * 1024 };

typedef struct batch {
  mj_customer rec[BATCH];
  size_t n;
  char *mem; /* BATCH_BYTES for the records' strings */
  size_t used;
  mj_arena big;     /* a row too large for mem on its own */
  size_t reserve_n; /* mj__customer_reserve before the rows, when set */
  size_t reserve_text;
} batch;

struct mj_customer_adder {
  mj_model *m;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  batch b[2];
  batch *filling; /* the reader's */
  batch *full;    /* handed over, not yet taken; NULL when none */
  int busy;       /* the thread is adding a batch */
  int closing;    /* no more batches will come */
  int rc;         /* the first failure, MJ_OK until then */
  int row;        /* its row */
};

static void *run(void *arg)
{
  mj_customer_adder *a = arg;
  pthread_mutex_lock(&a->mu);
  for (;;) {
    while (!a->full && !a->closing)
      pthread_cond_wait(&a->cv, &a->mu);
    batch *b = a->full;
    if (!b)
      break; /* closing and nothing left */
    a->full = NULL;
    a->busy = 1;
    int failed = a->rc != MJ_OK;
    pthread_mutex_unlock(&a->mu);

    int rc = MJ_OK, row = 0;
    if (!failed && b->reserve_n)
      rc = mj__customer_reserve(a->m, b->reserve_n, b->reserve_text);
    if (rc != MJ_OK)
      row = b->n ? b->rec[0].pos.line : 0;
    for (size_t i = 0; !failed && rc == MJ_OK && i < b->n; i++) {
      rc = mj__customer_add(a->m, &b->rec[i]);
      row = b->rec[i].pos.line;
    }
    mj__arena_free(&b->big);
    b->n = 0;
    b->used = 0;
    b->reserve_n = b->reserve_text = 0;

    pthread_mutex_lock(&a->mu);
    if (rc != MJ_OK && a->rc == MJ_OK) {
      a->rc = rc;
      a->row = row;
    }
    a->busy = 0;
    pthread_cond_broadcast(&a->cv);
  }
  pthread_mutex_unlock(&a->mu);
  return NULL;
}

static void free_batches(mj_customer_adder *a)
{
  for (int i = 0; i < 2; i++) {
    mj__arena_free(&a->b[i].big);
    free(a->b[i].mem);
  }
  free(a);
}

int mj__adder_start(mj_model *m, mj_customer_adder **out)
{
  *out = NULL;
  mj_customer_adder *a = calloc(1, sizeof *a);
  if (!a)
    return MJ_ENOMEM;
  a->m = m;
  a->filling = &a->b[0];
  a->b[0].mem = malloc(BATCH_BYTES);
  a->b[1].mem = malloc(BATCH_BYTES);
  if (!a->b[0].mem || !a->b[1].mem || pthread_mutex_init(&a->mu, NULL) != 0) {
    free_batches(a);
    return MJ_ENOMEM;
  }
  if (pthread_cond_init(&a->cv, NULL) != 0) {
    pthread_mutex_destroy(&a->mu);
    free_batches(a);
    return MJ_ENOMEM;
  }
  if (pthread_create(&a->thread, NULL, run, a) != 0) {
    pthread_cond_destroy(&a->cv);
    pthread_mutex_destroy(&a->mu);
    free_batches(a);
    return MJ_ENOMEM;
  }
  *out = a;
  return MJ_OK;
}

/* Hand the filling batch over once the thread has taken the last one:
** MJ_OK, or the thread's failure, when there was one. */
static int hand_over(mj_customer_adder *a)
{
  pthread_mutex_lock(&a->mu);
  while (a->full || a->busy)
    pthread_cond_wait(&a->cv, &a->mu);
  int rc = a->rc;
  if (rc == MJ_OK) {
    a->full = a->filling;
    a->filling = a->filling == &a->b[0] ? &a->b[1] : &a->b[0];
    pthread_cond_broadcast(&a->cv);
  }
  pthread_mutex_unlock(&a->mu);
  return rc;
}

/* Copy s of n bytes and its NUL to *at and move *at past it; NULL stays
** NULL. */
static const char *keep(char **at, const char *s, size_t n)
{
  if (!s)
    return NULL;
  char *c = memcpy(*at, s, n + 1);
  *at += n + 1;
  return c;
}

void mj__adder_reserve(mj_customer_adder *a, size_t n, size_t text)
{
  a->filling->reserve_n = n;
  a->filling->reserve_text = text;
}

/* Every string of mj_customer is copied but pos.file; a field appended to
** it trips this until it is looked at here. */
_Static_assert(offsetof(mj_customer, tz) + sizeof(const char *) ==
                   sizeof(mj_customer),
               "a new mj_customer field: copy it in mj__adder_put");

int mj__adder_put(mj_customer_adder *a, const mj_customer *c,
                  const size_t len[8])
{
  const char *str[8] = {
      c->id,    c->segment,          c->name, c->lang, c->channel,
      c->email, c->consent_channels, c->tz};
  size_t need = 0;
  for (int i = 0; i < 8; i++)
    need += str[i] ? len[i] + 1 : 0;
  batch *b = a->filling;
  if (need > BATCH_BYTES - b->used && b->n) {
    int rc = hand_over(a);
    if (rc != MJ_OK)
      return rc;
    b = a->filling;
  }
  char *at;
  if (need > BATCH_BYTES - b->used) {
    at = mj__arena_alloc(&b->big, need);
    if (!at)
      return MJ_ENOMEM;
  } else {
    at = b->mem + b->used;
    b->used += need;
  }
  mj_customer *r = &b->rec[b->n];
  *r = *c;
  r->id = keep(&at, c->id, len[0]);
  r->segment = keep(&at, c->segment, len[1]);
  r->name = keep(&at, c->name, len[2]);
  r->lang = keep(&at, c->lang, len[3]);
  r->channel = keep(&at, c->channel, len[4]);
  r->email = keep(&at, c->email, len[5]);
  r->consent_channels = keep(&at, c->consent_channels, len[6]);
  r->tz = keep(&at, c->tz, len[7]);
  if (++b->n == BATCH)
    return hand_over(a);
  return MJ_OK;
}

int mj__adder_finish(mj_customer_adder *a, int *row)
{
  int rc = a->filling->n || a->filling->reserve_n ? hand_over(a) : MJ_OK;
  pthread_mutex_lock(&a->mu);
  a->closing = 1;
  pthread_cond_broadcast(&a->cv);
  pthread_mutex_unlock(&a->mu);
  pthread_join(a->thread, NULL);
  if (a->rc != MJ_OK)
    rc = a->rc;
  *row = a->row;
  pthread_cond_destroy(&a->cv);
  pthread_mutex_destroy(&a->mu);
  free_batches(a);
  return rc;
}
