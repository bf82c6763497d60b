/*
** Relay: batches consumed on a second thread, in order, each refilled,
** none after the first failure, which pass and finish both return.
*/
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

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
  if (mj__relay_start(&b[0], &b[1], consume, NULL, s, &r) != MJ_OK)
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

/* Idle work of `pieces` pieces (-1: without end), failing at piece
** fail_at (-1: never). */
typedef struct idler {
  pthread_t caller;
  int pieces, fail_at;
  atomic_int done;
  atomic_int elsewhere; /* every piece ran off the caller's thread */
} idler;

static int idle_piece(void *ud, int *more)
{
  idler *w = ud;
  if (pthread_equal(pthread_self(), w->caller))
    atomic_store(&w->elsewhere, 0);
  int n = atomic_fetch_add(&w->done, 1) + 1;
  *more = w->pieces < 0 || n < w->pieces;
  return n == w->fail_at ? MJ_EIO : MJ_OK;
}

static int idle_consume(void *ud, void *arg)
{
  (void)ud;
  ((batch *)arg)->n = 0;
  return MJ_OK;
}

/* A relay with idle work: once `wait_for` pieces are done (0: at once),
** hand over `batches` batches and finish. */
static int run_idle(idler *w, int wait_for, int batches)
{
  batch b[2] = {{{0}, 0}, {{0}, 0}};
  mj_relay *r;
  w->caller = pthread_self();
  atomic_store(&w->elsewhere, 1);
  if (mj__relay_start(&b[0], &b[1], idle_consume, idle_piece, w, &r) !=
      MJ_OK)
    return MJ_ENOMEM;
  while (atomic_load(&w->done) < wait_for)
    sched_yield();
  int rc = MJ_OK;
  for (int i = 0; i < batches && rc == MJ_OK; i++) {
    ((batch *)mj__relay_filling(r))->n = 1;
    rc = mj__relay_pass(r);
  }
  int done = mj__relay_finish(r);
  return rc != MJ_OK ? rc : done;
}

int main(void)
{
  plan(20);
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

  /* Idle work fills the thread's waits, and stops when it says so. */
  idler w = {.pieces = 50, .fail_at = -1};
  is_int(MJ_OK, run_idle(&w, 50, 10), "idle work beside batches");
  is_int(50, atomic_load(&w.done), "every piece, and none after the last");
  ok(atomic_load(&w.elsewhere), "on the relay's thread");

  idler x = {.pieces = -1, .fail_at = -1};
  is_int(MJ_OK, run_idle(&x, 3, 5), "the finish does not wait for it");
  ok(atomic_load(&x.done) >= 3, "while it had pieces left");

  idler y = {.pieces = -1, .fail_at = 4};
  is_int(MJ_EIO, run_idle(&y, 4, 3), "its failure comes back");
  is_int(4, atomic_load(&y.done), "and no piece runs after it");
  return tap_done();
}
