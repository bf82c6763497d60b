/*
** A second thread for the store during a bulk import: while SQLite writes
** one batch of responses, the importer parses and validates the next, so
** a large file takes about the longer of the two, not their sum. (A third
** thread splitting the CSV was tried: on 2 cores the three only got in
** each other's way, 1.3 s became 1.6 s for a million rows.)
**
** The importer opens the transaction, then only this thread touches the
** store until mj__writer_finish returns; the hand-over of each batch goes
** through the mutex, which orders every store call. Two batches are in
** flight: one being filled, one being written.
*/
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

enum { BATCH = 512 };

typedef struct batch {
  mj_response_rec rec[BATCH];
  size_t n;
  mj_arena arena; /* the records' strings and answers */
} batch;

struct mj_writer {
  const mj_storage_ops *S;
  void *store;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  batch b[2];
  batch *filling;   /* the importer's */
  batch *full;      /* handed over, not yet taken; NULL when none */
  int busy;         /* the thread is writing a batch */
  int closing;      /* no more batches will come */
  int rc;           /* the first store error, MJ_OK until then */
  mj_error err;
  uint64_t inserted, duplicates;
};

static void *run(void *arg)
{
  mj_writer *w = arg;
  pthread_mutex_lock(&w->mu);
  for (;;) {
    while (!w->full && !w->closing)
      pthread_cond_wait(&w->cv, &w->mu);
    batch *b = w->full;
    if (!b)
      break; /* closing and nothing left */
    w->full = NULL;
    w->busy = 1;
    int failed = w->rc != MJ_OK;
    pthread_mutex_unlock(&w->mu);

    mj_error err = {0};
    int rc = MJ_OK;
    uint64_t ins = 0, dup = 0;
    for (size_t i = 0; !failed && rc == MJ_OK && i < b->n; i++) {
      int inserted = 0;
      rc = w->S->put_response(w->store, &b->rec[i], &inserted, &err);
      ins += rc == MJ_OK && inserted;
      dup += rc == MJ_OK && !inserted;
    }
    mj__arena_free(&b->arena);
    b->n = 0;

    pthread_mutex_lock(&w->mu);
    w->inserted += ins;
    w->duplicates += dup;
    if (rc != MJ_OK && w->rc == MJ_OK) {
      w->rc = rc;
      w->err = err;
    }
    w->busy = 0;
    pthread_cond_broadcast(&w->cv);
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

int mj__writer_start(const mj_storage_ops *S, void *store, mj_writer **out)
{
  *out = NULL;
  mj_writer *w = calloc(1, sizeof *w);
  if (!w)
    return MJ_ENOMEM;
  w->S = S;
  w->store = store;
  w->filling = &w->b[0];
  if (pthread_mutex_init(&w->mu, NULL) != 0) {
    free(w);
    return MJ_ENOMEM;
  }
  if (pthread_cond_init(&w->cv, NULL) != 0) {
    pthread_mutex_destroy(&w->mu);
    free(w);
    return MJ_ENOMEM;
  }
  if (pthread_create(&w->thread, NULL, run, w) != 0) {
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
    return MJ_ENOMEM;
  }
  *out = w;
  return MJ_OK;
}

/* Hand the filling batch over once the thread has taken the last one;
** the other batch becomes the one to fill. */
static int hand_over(mj_writer *w, mj_error *err)
{
  pthread_mutex_lock(&w->mu);
  while (w->full || w->busy)
    pthread_cond_wait(&w->cv, &w->mu);
  int rc = w->rc;
  if (rc == MJ_OK) {
    w->full = w->filling;
    w->filling = w->filling == &w->b[0] ? &w->b[1] : &w->b[0];
    pthread_cond_broadcast(&w->cv);
  } else {
    *err = w->err;
  }
  pthread_mutex_unlock(&w->mu);
  return rc;
}

/* Bytes a string takes with its NUL; nothing for NULL. */
static size_t size_of(const char *s)
{
  return s ? strlen(s) + 1 : 0;
}

/* Copy s to *at and move *at past it; NULL stays NULL. */
static const char *keep(char **at, const char *s)
{
  if (!s)
    return NULL;
  size_t n = strlen(s) + 1;
  char *c = memcpy(*at, s, n);
  *at += n;
  return c;
}

/* Every string of a record is the caller's, borrowed: each is copied
** below. A field appended to mj_response_rec trips this until it is. */
_Static_assert(offsetof(mj_response_rec, channel) + sizeof(const char *) ==
                   sizeof(mj_response_rec),
               "a new mj_response_rec field: copy it in mj__writer_put");

int mj__writer_put(mj_writer *w, const mj_response_rec *r, mj_error *err)
{
  batch *b = w->filling;
  mj_response_rec *c = &b->rec[b->n];
  /* The answers and every string in one piece of the arena: one
  ** allocation a row, not one a string. */
  size_t n_ans = r->n_answers ? r->n_answers : 1;
  size_t need = n_ans * sizeof(mj_answer_rec) + size_of(r->id) +
                size_of(r->questionnaire) + size_of(r->customer) +
                size_of(r->segment) + size_of(r->wave) + size_of(r->source) +
                size_of(r->channel);
  for (size_t i = 0; i < r->n_answers; i++)
    need += size_of(r->answers[i].text);
  mj_answer_rec *ans = mj__arena_alloc(&b->arena, need);
  if (!ans)
    return mj__error(err, MJ_ENOMEM, "out of memory");
  char *at = (char *)(ans + n_ans);
  *c = *r;
  c->id = keep(&at, r->id);
  c->questionnaire = keep(&at, r->questionnaire);
  c->customer = keep(&at, r->customer);
  c->segment = keep(&at, r->segment);
  c->wave = keep(&at, r->wave);
  c->source = keep(&at, r->source);
  c->channel = keep(&at, r->channel);
  for (size_t i = 0; i < r->n_answers; i++) {
    ans[i] = r->answers[i];
    /* question ids are the model's: they outlive the import */
    ans[i].text = keep(&at, r->answers[i].text);
  }
  c->answers = ans;
  if (++b->n == BATCH)
    return hand_over(w, err);
  return MJ_OK;
}

int mj__writer_finish(mj_writer *w, uint64_t *inserted, uint64_t *duplicates,
                      mj_error *err)
{
  int rc = w->filling->n ? hand_over(w, err) : MJ_OK;
  pthread_mutex_lock(&w->mu);
  w->closing = 1;
  pthread_cond_broadcast(&w->cv);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->thread, NULL);
  if (rc == MJ_OK && w->rc != MJ_OK) {
    rc = w->rc;
    *err = w->err;
  }
  *inserted = w->inserted;
  *duplicates = w->duplicates;
  for (int i = 0; i < 2; i++)
    mj__arena_free(&w->b[i].arena);
  pthread_cond_destroy(&w->cv);
  pthread_mutex_destroy(&w->mu);
  free(w);
  return rc;
}
