/*
** Relay: batches consumed on a second thread, in order, each refilled,
** none after the first failure, which pass and finish both return.
*/
#include <pthread.h>

#include "util.h"
#include "tap.h"

enum { ROWS = 5000, PER_BATCH = 7 };

typedef struct batch {
  int v[PER_BATCH];
  int n;
} batch;

typedef struct sink {
  pthread_t caller;
  int elsewhere; /* every consume ran off the caller's thread */
  int next;      /* the value the next row should carry */
  int in_order;
  int batches;
  int fail_at; /* the row whose batch fails; -1 for none */
  int failed_row;
  int unconsumed; /* batches handed back to fill before consumed */
} sink;

static int consume(void *ud, void *arg)
{
  sink *s = ud;
  batch *b = arg;
  s->elsewhere = s->elsewhere && !pthread_equal(pthread_self(), s->caller);
  s->batches++;
  int rc = MJ_OK;
  for (int i = 0; i < b->n && rc == MJ_OK; i++) {
    s->in_order = s->in_order && b->v[i] == s->next;
    s->next++;
    if (b->v[i] == s->fail_at) {
      rc = MJ_EVALIDATE;
      s->failed_row = b->v[i];
    }
  }
  b->n = 0;
  return rc;
}

/* A sink that fails at row fail_at (-1: none). */
static sink fresh(int fail_at)
{
  sink s = {0};
  s.caller = pthread_self();
  s.elsewhere = s.in_order = 1;
  s.fail_at = fail_at;
  s.failed_row = -1;
  return s;
}

/* Fill batches with 0, 1, 2, ... up to rows: MJ_OK or the first failure
** a pass or the finish returns; *stopped is how many rows were filled. */
static int feed(sink *s, int rows, int *stopped)
{
  batch b[2] = {{{0}, 0}, {{0}, 0}};
  mj_relay *r;
  if (mj__relay_start(&b[0], &b[1], consume, s, &r) != MJ_OK)
    return MJ_ENOMEM;
  int rc = MJ_OK, i = 0;
  while (i < rows && rc == MJ_OK) {
    batch *f = mj__relay_filling(r);
    s->unconsumed += f->n != 0;
    while (f->n < PER_BATCH && i < rows)
      f->v[f->n++] = i++;
    rc = mj__relay_pass(r);
  }
  *stopped = i;
  int done = mj__relay_finish(r);
  return rc != MJ_OK ? rc : done;
}

int main(void)
{
  plan(13);
  sink s = fresh(-1);
  int stopped;
  is_int(MJ_OK, feed(&s, ROWS, &stopped), "all rows relayed");
  is_int(ROWS, s.next, "every row consumed");
  ok(s.in_order, "in the order filled");
  is_int((ROWS + PER_BATCH - 1) / PER_BATCH, s.batches, "one consume a batch");
  ok(s.elsewhere, "on a thread other than the caller's");
  is_int(0, s.unconsumed, "each batch consumed before refilled");

  sink f = fresh(1234);
  is_int(MJ_EVALIDATE, feed(&f, ROWS, &stopped), "the failure comes back");
  is_int(1234, f.failed_row, "with its row");
  ok(f.in_order && f.next == 1235, "nothing consumed after it");
  ok(stopped <= 1234 + 2 * PER_BATCH, "the filling stops within two batches");

  sink e = fresh(-1);
  is_int(MJ_OK, feed(&e, 0, &stopped), "a relay handed nothing finishes");
  is_int(0, e.batches, "without consuming");

  /* The last batch fails: only the finish can tell. */
  sink l = fresh(ROWS - 1);
  is_int(MJ_EVALIDATE, feed(&l, ROWS, &stopped), "a failure at the end");
  return tap_done();
}
