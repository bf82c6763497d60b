/*
** Group commit: many threads, each with one response to store durably,
** share one transaction and one fsync. There is no committer thread: a
** waiting thread that finds no group being written takes every item
** queued so far (its own among them) and writes them, while the items
** that arrive meanwhile queue for the next group. An fsync then costs
** each response 1/N of its time, N growing with the load by itself.
*/
#include <pthread.h>
#include <string.h>

#include "intake.h"

int mj__commit_init(mj_engine *e, mj_commit_queue *q, mj_commit_fn write,
                    void *ud)
{
  memset(q, 0, sizeof *q);
  q->tail = &q->head;
  q->write = write;
  q->ud = ud;
  if (pthread_mutex_init(&q->mu, NULL) != 0)
    return mj__seterr(e, MJ_ENOMEM, "cannot make a mutex");
  if (pthread_cond_init(&q->cv, NULL) != 0) {
    pthread_mutex_destroy(&q->mu);
    return mj__seterr(e, MJ_ENOMEM, "cannot make a condition variable");
  }
  return MJ_OK;
}

int mj__commit_wait(mj_commit_queue *q, mj_commit *c)
{
  pthread_mutex_lock(&q->mu);
  c->done = 0;
  c->next = NULL;
  *q->tail = c;
  q->tail = &c->next;
  while (!c->done) {
    if (q->busy) {
      pthread_cond_wait(&q->cv, &q->mu);
      continue;
    }
    /* No group is being written, so c is still queued: write them all. */
    mj_commit *group = q->head;
    q->head = NULL;
    q->tail = &q->head;
    q->busy = 1;
    pthread_mutex_unlock(&q->mu);
    size_t n = 0;
    for (mj_commit *i = group; i; i = i->next)
      n++;
    q->write(q->ud, group, n);
    pthread_mutex_lock(&q->mu);
    /* The next pointers are read before each done is set: once done,
    ** the item's thread may free it. */
    for (mj_commit *i = group, *next; i; i = next) {
      next = i->next;
      i->done = 1;
    }
    q->busy = 0;
    q->groups++;
    q->items += n;
    pthread_cond_broadcast(&q->cv);
  }
  pthread_mutex_unlock(&q->mu);
  return c->rc;
}

void mj__commit_free(mj_commit_queue *q)
{
  pthread_cond_destroy(&q->cv);
  pthread_mutex_destroy(&q->mu);
}
