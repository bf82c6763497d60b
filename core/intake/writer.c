/*
** A second thread for the store during a bulk import: while SQLite writes
** one batch of responses, the importer parses and validates the next, so
** a large file takes about the longer of the two, not their sum. (A third
** thread splitting the CSV was tried: on 2 cores the three only got in
** each other's way, 1.3 s became 1.6 s for a million rows.)
**
** The importer opens the transaction, then only this thread touches the
** store until mj__writer_finish returns; the hand-over of each batch goes
** through the relay (util.h), which orders every store call. Two batches
** are in flight: one being filled, one being written.
**
** The thread waits for the importer about half the time. It puts the
** playbook's customers then, a statement at a time, so they are written
** once, in place with the responses, at no cost to the import's time;
** the first cycle after it then finds them stored. What the waits leave
** is put at the finish.
*/
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
  mj_relay *relay;
  batch b[2];
  /* The thread's, read once the relay has returned its failure or
  ** finished: the first store error's message and the rows written. */
  mj_error err;
  uint64_t inserted, duplicates;
  mj_customers_put customers;
  int more; /* customers are left to put */
  size_t *tlen; /* the lengths of a row's answer texts */
  size_t cap_tlen;
};

/* Write a batch to the store and empty it for the next fill; on the
** relay's thread. */
static int write_batch(void *ud, void *arg)
{
  mj_writer *w = ud;
  batch *b = arg;
  mj_error err = {0};
  int rc = MJ_OK;
  /* Counted here, added once: the writer's fields share cache lines with
  ** what the importer reads on every row. */
  uint64_t ins = 0, dup = 0;
  for (size_t i = 0; rc == MJ_OK && i < b->n; i++) {
    int inserted = 0;
    rc = mj__response_put(w->e, &b->rec[i], &inserted, &err);
    ins += rc == MJ_OK && inserted;
    dup += rc == MJ_OK && !inserted;
  }
  mj__arena_free(&b->big);
  b->n = 0;
  b->used = 0;
  w->inserted += ins;
  w->duplicates += dup;
  if (rc != MJ_OK)
    w->err = err;
  return rc;
}

/* Some customers, while no batch waits; on the relay's thread. */
static int put_customers(void *ud, int *more)
{
  mj_writer *w = ud;
  mj_error err = {0};
  int rc = mj__customers_step(&w->customers, more, &err);
  w->more = *more;
  if (rc != MJ_OK)
    w->err = err;
  return rc;
}

/* The batches' memory and the writer itself. */
static void free_batches(mj_writer *w)
{
  for (int i = 0; i < 2; i++) {
    mj__arena_free(&w->b[i].big);
    free(w->b[i].mem);
  }
  mj__customers_end(&w->customers);
  free(w->tlen);
  free(w);
}

int mj__writer_start(mj_engine *e, const mj_model *m, mj_writer **out)
{
  *out = NULL;
  mj_writer *w = calloc(1, sizeof *w);
  if (!w)
    return MJ_ENOMEM;
  w->e = e;
  w->b[0].mem = malloc(BATCH_BYTES);
  w->b[1].mem = malloc(BATCH_BYTES);
  w->more = m && m->n_customers > 0;
  if (!w->b[0].mem || !w->b[1].mem ||
      (w->more && mj__customers_begin(&w->customers, MJ_STORE_OPS(e),
                                      e->store->inst, m) != MJ_OK) ||
      mj__relay_start(&w->b[0], &w->b[1], write_batch,
                      w->more ? put_customers : NULL, w,
                      &w->relay) != MJ_OK) {
    free_batches(w);
    return MJ_ENOMEM;
  }
  *out = w;
  return MJ_OK;
}

/* Hand the filling batch over once the thread has written the last one;
** the other batch becomes the one to fill. */
static int hand_over(mj_writer *w, mj_error *err)
{
  int rc = mj__relay_pass(w->relay);
  if (rc != MJ_OK)
    *err = w->err;
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
  batch *b = mj__relay_filling(w->relay);
  if (need > BATCH_BYTES - b->used && b->n) {
    if ((*rc = hand_over(w, err)) != MJ_OK)
      return NULL;
    b = mj__relay_filling(w->relay);
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
  batch *b = mj__relay_filling(w->relay);
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
  const batch *b = mj__relay_filling(w->relay);
  int rc = b->n ? hand_over(w, err) : MJ_OK;
  int done = mj__relay_finish(w->relay);
  if (rc == MJ_OK && done != MJ_OK) {
    rc = done;
    *err = w->err;
  }
  /* The thread is gone: the customers its waits left, on this one. */
  for (int more = w->more; rc == MJ_OK && more;)
    rc = mj__customers_step(&w->customers, &more, err);
  *inserted = w->inserted;
  *duplicates = w->duplicates;
  free_batches(w);
  return rc;
}
