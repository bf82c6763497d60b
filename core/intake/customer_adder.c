/*
** A second thread adding a customers file's rows to the model: while it
** stores one batch, the reader parses and checks the next, so a large
** file takes about the longer of the two, not their sum.
**
** The thread alone touches the model until mj__adder_finish returns; the
** reader copies each row's strings into the batch being filled, and the
** hand-over of each batch goes through the relay (util.h). Rows are added
** in file order, and after the first failure none is, so the model and the
** message are those of a reading on one thread.
*/
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
  mj_relay *relay;
  batch b[2];
  int row; /* the thread's: the row of its failure, read after the finish */
};

/* Add a batch's rows to the model and empty it for the next fill; on the
** relay's thread. */
static int add_batch(void *ud, void *arg)
{
  mj_customer_adder *a = ud;
  batch *b = arg;
  int rc = MJ_OK, row = 0;
  if (b->reserve_n)
    rc = mj__customer_reserve(a->m, b->reserve_n, b->reserve_text);
  if (rc != MJ_OK)
    row = b->n ? b->rec[0].pos.line : 0;
  for (size_t i = 0; rc == MJ_OK && i < b->n; i++) {
    rc = mj__customer_add(a->m, &b->rec[i]);
    row = b->rec[i].pos.line;
  }
  mj__arena_free(&b->big);
  b->n = 0;
  b->used = 0;
  b->reserve_n = b->reserve_text = 0;
  if (rc != MJ_OK)
    a->row = row;
  return rc;
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
  a->b[0].mem = malloc(BATCH_BYTES);
  a->b[1].mem = malloc(BATCH_BYTES);
  if (!a->b[0].mem || !a->b[1].mem ||
      mj__relay_start(&a->b[0], &a->b[1], add_batch, NULL, a, &a->relay) !=
          MJ_OK) {
    free_batches(a);
    return MJ_ENOMEM;
  }
  *out = a;
  return MJ_OK;
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
  batch *b = mj__relay_filling(a->relay);
  b->reserve_n = n;
  b->reserve_text = text;
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
  batch *b = mj__relay_filling(a->relay);
  if (need > BATCH_BYTES - b->used && b->n) {
    int rc = mj__relay_pass(a->relay);
    if (rc != MJ_OK)
      return rc;
    b = mj__relay_filling(a->relay);
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
    return mj__relay_pass(a->relay);
  return MJ_OK;
}

int mj__adder_finish(mj_customer_adder *a, int *row)
{
  const batch *b = mj__relay_filling(a->relay);
  int rc = b->n || b->reserve_n ? mj__relay_pass(a->relay) : MJ_OK;
  int done = mj__relay_finish(a->relay);
  if (done != MJ_OK)
    rc = done;
  *row = a->row;
  free_batches(a);
  return rc;
}
