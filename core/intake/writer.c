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
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

/* A batch's rows and the bytes their answers and strings take: both reused,
** so the importer's copies land in memory already mapped and cached.
** Fewer, larger batches wake the thread less often. */
enum { BATCH = 1024, BATCH_BYTES = 1024 * 1024 };

typedef struct batch {
  mj_response_rec rec[BATCH];
  size_t n;
  unsigned char *mem; /* BATCH_BYTES for the records' answers and strings */
  size_t used;
  mj_arena big; /* a row too large for mem on its own */
} batch;

struct mj_writer {
  mj_engine *e;
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
  size_t *tlen; /* the lengths of a row's answer texts */
  size_t cap_tlen;
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
      rc = mj__response_put(w->e, &b->rec[i], &inserted, &err);
      ins += rc == MJ_OK && inserted;
      dup += rc == MJ_OK && !inserted;
    }
    mj__arena_free(&b->big);
    b->n = 0;
    b->used = 0;

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

/* The batches' memory and the writer itself. */
static void free_batches(mj_writer *w)
{
  for (int i = 0; i < 2; i++) {
    mj__arena_free(&w->b[i].big);
    free(w->b[i].mem);
  }
  free(w->tlen);
  free(w);
}

int mj__writer_start(mj_engine *e, mj_writer **out)
{
  *out = NULL;
  mj_writer *w = calloc(1, sizeof *w);
  if (!w)
    return MJ_ENOMEM;
  w->e = e;
  w->filling = &w->b[0];
  w->b[0].mem = malloc(BATCH_BYTES);
  w->b[1].mem = malloc(BATCH_BYTES);
  if (!w->b[0].mem || !w->b[1].mem || pthread_mutex_init(&w->mu, NULL) != 0) {
    free(w->b[0].mem);
    free(w->b[1].mem);
    free(w);
    return MJ_ENOMEM;
  }
  if (pthread_cond_init(&w->cv, NULL) != 0) {
    pthread_mutex_destroy(&w->mu);
    free_batches(w);
    return MJ_ENOMEM;
  }
  if (pthread_create(&w->thread, NULL, run, w) != 0) {
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free_batches(w);
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

/* Where a row of need bytes goes: the filling batch's memory, handing the
** batch over first when it is too full; a row larger than all of it gets
** its own allocation. NULL with *rc set on failure. */
static void *room(mj_writer *w, size_t need, int *rc, mj_error *err)
{
  batch *b = w->filling;
  if (need > BATCH_BYTES - b->used && b->n) {
    if ((*rc = hand_over(w, err)) != MJ_OK)
      return NULL;
    b = w->filling;
  }
  if (need > BATCH_BYTES - b->used) {
    void *p = mj__arena_alloc(&b->big, need);
    if (!p)
      *rc = mj__error(err, MJ_ENOMEM, "out of memory");
    return p;
  }
  void *p = b->mem + b->used;
  /* the next row's answers start aligned */
  b->used += (need + alignof(mj_answer_rec) - 1) & ~(alignof(mj_answer_rec) - 1);
  if (b->used > BATCH_BYTES)
    b->used = BATCH_BYTES;
  return p;
}

/* The record's own strings are copied: id, customer, segment, wave, channel
** and the answers' texts. The questionnaire, the source and the answers'
** question ids are the import's and outlive the writer. A field appended to
** mj_response_rec trips this until it is looked at here. */
_Static_assert(offsetof(mj_response_rec, channel) + sizeof(const char *) ==
                   sizeof(mj_response_rec),
               "a new mj_response_rec field: copy it in mj__writer_put");

int mj__writer_put(mj_writer *w, const mj_response_rec *r, mj_error *err)
{
  if (r->n_answers > w->cap_tlen) {
    size_t *t = realloc(w->tlen, r->n_answers * sizeof *t);
    if (!t)
      return mj__error(err, MJ_ENOMEM, "out of memory");
    w->tlen = t;
    w->cap_tlen = r->n_answers;
  }
  enum { ID, CUSTOMER, SEGMENT, WAVE, CHANNEL, N_STR };
  const char *str[N_STR] = {r->id, r->customer, r->segment, r->wave,
                            r->channel};
  size_t len[N_STR];
  size_t need = r->n_answers * sizeof(mj_answer_rec);
  for (int i = 0; i < N_STR; i++) {
    len[i] = str[i] ? strlen(str[i]) : 0;
    need += str[i] ? len[i] + 1 : 0;
  }
  for (size_t i = 0; i < r->n_answers; i++) {
    const char *t = r->answers[i].text;
    w->tlen[i] = t ? strlen(t) : 0;
    need += t ? w->tlen[i] + 1 : 0;
  }
  int rc = MJ_OK;
  mj_answer_rec *ans = room(w, need ? need : 1, &rc, err);
  if (!ans)
    return rc;
  batch *b = w->filling;
  char *at = (char *)(ans + r->n_answers);
  mj_response_rec *c = &b->rec[b->n];
  *c = *r;
  c->id = keep(&at, r->id, len[ID]);
  c->customer = keep(&at, r->customer, len[CUSTOMER]);
  c->segment = keep(&at, r->segment, len[SEGMENT]);
  c->wave = keep(&at, r->wave, len[WAVE]);
  c->channel = keep(&at, r->channel, len[CHANNEL]);
  for (size_t i = 0; i < r->n_answers; i++) {
    ans[i] = r->answers[i];
    ans[i].text = keep(&at, r->answers[i].text, w->tlen[i]);
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
  pthread_cond_destroy(&w->cv);
  pthread_mutex_destroy(&w->mu);
  free_batches(w);
  return rc;
}
