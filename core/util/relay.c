/*
** A relay of batches to a second thread: the caller fills one of two
** batches while the thread consumes the other (util.h).
**
** Only the caller's thread fills and only the relay's thread consumes;
** each hand-over goes through the mutex, which orders what either wrote
** into a batch before it. A batch is handed over only once the thread
** has consumed the one before and while nothing has failed, so batches
** are consumed one at a time, in the order they were filled, and none
** after the first failure.
*/
#include <pthread.h>
#include <stdlib.h>

#include "util.h"

struct mj_relay {
  mj_relay_fn consume;
  mj_relay_idle_fn idle;
  void *ud;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  void *b[2];
  void *filling; /* the caller's */
  void *full;    /* handed over, not yet taken; NULL when none */
  int busy;      /* the thread is consuming a batch */
  int closing;   /* no more batches will come */
  int rc;        /* the first failure, MJ_OK until then */
};

static void *run(void *arg)
{
  mj_relay *r = arg;
  int more = r->idle != NULL;
  pthread_mutex_lock(&r->mu);
  for (;;) {
    if (r->rc != MJ_OK)
      more = 0;
    while (!r->full && !r->closing && !more)
      pthread_cond_wait(&r->cv, &r->mu);
    void *b = r->full;
    if (!b && !r->closing) {
      /* A piece of the idle work, the lock let go meanwhile. */
      pthread_mutex_unlock(&r->mu);
      int rc = r->idle(r->ud, &more);
      pthread_mutex_lock(&r->mu);
      if (rc != MJ_OK) {
        more = 0;
        if (r->rc == MJ_OK)
          r->rc = rc;
        pthread_cond_broadcast(&r->cv);
      }
      continue;
    }
    if (!b)
      break; /* closing and nothing left */
    r->full = NULL;
    r->busy = 1;
    pthread_mutex_unlock(&r->mu);

    int rc = r->consume(r->ud, b);

    pthread_mutex_lock(&r->mu);
    if (rc != MJ_OK && r->rc == MJ_OK)
      r->rc = rc;
    r->busy = 0;
    pthread_cond_broadcast(&r->cv);
  }
  pthread_mutex_unlock(&r->mu);
  return NULL;
}

int mj__relay_start(void *first, void *second, mj_relay_fn consume,
                    mj_relay_idle_fn idle, void *ud, mj_relay **out)
{
  *out = NULL;
  mj_relay *r = calloc(1, sizeof *r);
  if (!r)
    return MJ_ENOMEM;
  r->consume = consume;
  r->idle = idle;
  r->ud = ud;
  r->b[0] = first;
  r->b[1] = second;
  r->filling = first;
  if (pthread_mutex_init(&r->mu, NULL) != 0) {
    free(r);
    return MJ_ENOMEM;
  }
  if (pthread_cond_init(&r->cv, NULL) != 0) {
    pthread_mutex_destroy(&r->mu);
    free(r);
    return MJ_ENOMEM;
  }
  if (pthread_create(&r->thread, NULL, run, r) != 0) {
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r);
    return MJ_ENOMEM;
  }
  *out = r;
  return MJ_OK;
}

void *mj__relay_filling(const mj_relay *r)
{
  return r->filling;
}

int mj__relay_pass(mj_relay *r)
{
  pthread_mutex_lock(&r->mu);
  while (r->full || r->busy)
    pthread_cond_wait(&r->cv, &r->mu);
  int rc = r->rc;
  if (rc == MJ_OK) {
    r->full = r->filling;
    r->filling = r->filling == r->b[0] ? r->b[1] : r->b[0];
    pthread_cond_broadcast(&r->cv);
  }
  pthread_mutex_unlock(&r->mu);
  return rc;
}

int mj__relay_finish(mj_relay *r)
{
  pthread_mutex_lock(&r->mu);
  r->closing = 1;
  pthread_cond_broadcast(&r->cv);
  pthread_mutex_unlock(&r->mu);
  pthread_join(r->thread, NULL);
  int rc = r->rc;
  pthread_cond_destroy(&r->cv);
  pthread_mutex_destroy(&r->mu);
  free(r);
  return rc;
}
